-- ChargeClock schema, step 11: authorizations, what each payer limits, claims sent, and the
-- patient's ledger (claims.md §3–4). Dates are 'YYYY-MM-DD'; money is integer cents.

-- A payer's authorization of visits and/or units for a patient over a date range. A renewal
-- names the authorization it follows (renews_id). One entered by mistake is withdrawn with a
-- reason (withdrawn_reason), never deleted.
CREATE TABLE authorizations (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    payer_id INTEGER NOT NULL REFERENCES payers (id),
    number TEXT NOT NULL CHECK (number <> ''),
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    visits_authorized INTEGER CHECK (visits_authorized IS NULL OR visits_authorized > 0),
    units_authorized INTEGER CHECK (units_authorized IS NULL OR units_authorized > 0),
    codes TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    renews_id INTEGER UNIQUE REFERENCES authorizations (id),
    recorded_at TEXT NOT NULL,
    withdrawn_reason TEXT,
    CHECK (valid_to >= valid_from),
    CHECK (visits_authorized IS NOT NULL OR units_authorized IS NOT NULL)
) STRICT;
CREATE INDEX authorizations_patient ON authorizations (patient_id, payer_id, valid_from);

-- What a payer plan limits: whether it wants an authorization, visits paid per calendar year,
-- the timely-filing limit in days (NULL: Medicare's 12 months for a Medicare payer, else none).
CREATE TABLE payer_limits (
    payer_id INTEGER PRIMARY KEY REFERENCES payers (id),
    requires_authorization INTEGER NOT NULL DEFAULT 0 CHECK (requires_authorization IN (0, 1)),
    visits_per_year INTEGER CHECK (visits_per_year IS NULL OR visits_per_year > 0),
    timely_filing_days INTEGER CHECK (timely_filing_days IS NULL OR timely_filing_days > 0)
) STRICT;

-- A finalized visit's claim printed or sent to the payer (for the timely-filing list).
CREATE TABLE claim_submissions (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    sent_on TEXT NOT NULL,
    how TEXT NOT NULL CHECK (how IN ('printed', 'sent')),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX claim_submissions_visit ON claim_submissions (visit_id);

-- The ledger's own entries besides charges (frozen claim lines) and payments (payments):
-- adjustments, and reversals of a payment or of an adjustment. amount_cents is signed: what the
-- entry takes off the balance (a refund and a payment's reversal add to it). Never changed or
-- deleted: a mistake is reversed by a new entry.
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    visit_id INTEGER REFERENCES visits (id),
    entry_date TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('adjustment', 'adjustment_reversal', 'payment_reversal')),
    adjustment_type TEXT CHECK (
        adjustment_type IS NULL
        OR adjustment_type IN ('contractual', 'discount', 'sliding_scale', 'write_off', 'refund')
    ),
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
    reverses_payment_id INTEGER UNIQUE REFERENCES payments (id),
    reverses_entry_id INTEGER UNIQUE REFERENCES ledger_entries (id),
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_entries_patient ON ledger_entries (patient_id, entry_date);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only: reverse an entry instead');
END;

CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only: reverse an entry instead');
END;

-- The copay and coinsurance a patient is expected to pay at check-in, from a date on; a change
-- is a new row (the latest one on or before a day applies).
CREATE TABLE cost_shares (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    effective_from TEXT NOT NULL,
    copay_cents INTEGER NOT NULL CHECK (copay_cents >= 0),
    coinsurance_percent INTEGER NOT NULL CHECK (coinsurance_percent BETWEEN 0 AND 100),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX cost_shares_patient ON cost_shares (patient_id, effective_from);
