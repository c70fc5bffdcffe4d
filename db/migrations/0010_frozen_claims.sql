-- ChargeClock schema, step 10: the superbill frozen as billed, what it carries, and who certifies
-- the plan of care (claims.md §5 and §6).

-- Each version of a day's bill as printed: the superbill model and the claim lines, serialised
-- at finalize (version 1) and at each correction (version 2, 3 …, with the correction's reason).
-- A bill finalized before this step gets its version 1 the first time it is read (see
-- docs/superbill.md). Rows are never changed or deleted: an earlier version stays printable.
CREATE TABLE claim_snapshots (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    date_of_service TEXT NOT NULL,
    discipline TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    reason TEXT NOT NULL,
    made_at TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (patient_id, date_of_service, discipline, version)
) STRICT;
CREATE INDEX claim_snapshots_visit ON claim_snapshots (visit_id);

CREATE TRIGGER claim_snapshots_no_update BEFORE UPDATE ON claim_snapshots
BEGIN
    SELECT RAISE(ABORT, 'claim_snapshots is append-only: a frozen bill cannot be changed');
END;

CREATE TRIGGER claim_snapshots_no_delete BEFORE DELETE ON claim_snapshots
BEGIN
    SELECT RAISE(ABORT, 'claim_snapshots is append-only: a frozen bill cannot be deleted');
END;

-- What a superbill carries beyond the first schema: the patient's insurance details, the
-- workers' compensation and auto claim fields, the onset date; a provider's licence state.
ALTER TABLE patients ADD COLUMN group_number TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN subscriber TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN subscriber_relationship TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN onset_date TEXT;
ALTER TABLE patients ADD COLUMN claim_number TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN injury_date TEXT;
ALTER TABLE patients ADD COLUMN employer TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN accident_state TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN licence_state TEXT NOT NULL DEFAULT '';

-- The referring or certifying practitioner's qualification: a physician, or a nurse
-- practitioner, physician assistant or clinical nurse specialist.
ALTER TABLE referring_providers ADD COLUMN qualification TEXT NOT NULL DEFAULT 'physician'
    CHECK (qualification IN ('physician', 'NP', 'PA', 'CNS'));

-- The plan of care (claims.md §5): certified by the referring or certifying practitioner (not
-- one of the clinic's therapists); the 2025 exception — a signed and dated order or referral on
-- file and the date the plan was sent to that practitioner; the reason for a certification
-- signed late; the day the plan was closed. A payer may ask for recertification sooner.
ALTER TABLE plans_of_care ADD COLUMN certifying_practitioner_id INTEGER
    REFERENCES referring_providers (id);
ALTER TABLE plans_of_care ADD COLUMN referral_signed_on TEXT;
ALTER TABLE plans_of_care ADD COLUMN plan_sent_on TEXT;
ALTER TABLE plans_of_care ADD COLUMN delay_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE plans_of_care ADD COLUMN discharged_on TEXT;
ALTER TABLE payers ADD COLUMN recertification_days INTEGER
    CHECK (recertification_days IS NULL OR recertification_days BETWEEN 1 AND 90);
