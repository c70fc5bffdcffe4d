-- ChargeClock schema, step 9: payer kinds (claims.md §1) and the modifiers a clinician puts on a
-- visit's line before finalize (claims.md §2), the clinician's yearly KX confirmation and ABNs.

-- The kind gives a payer's defaults and decides whether its visits count toward KX (Part B only).
ALTER TABLE payers ADD COLUMN kind TEXT NOT NULL DEFAULT 'commercial' CHECK (kind IN (
    'medicare_b', 'medicare_advantage', 'medicaid', 'commercial', 'workers_comp', 'auto',
    'self_pay'));
-- GP / GO / GN on every therapy line; 96 / 97 on every line; the telehealth modifier.
ALTER TABLE payers ADD COLUMN therapy_modifiers INTEGER NOT NULL DEFAULT 1
    CHECK (therapy_modifiers IN (0, 1));
ALTER TABLE payers ADD COLUMN habilitative_modifiers INTEGER NOT NULL DEFAULT 0
    CHECK (habilitative_modifiers IN (0, 1));
ALTER TABLE payers ADD COLUMN telehealth_modifier TEXT NOT NULL DEFAULT '95'
    CHECK (telehealth_modifier IN ('95', 'GT', ''));

-- Existing payers: one that follows Medicare's rules or is named Medicare is taken for Part B
-- (its visits keep counting toward KX as they did); every other one is commercial. Both keep
-- their own flags; the kind can be changed in Settings → Payers.
UPDATE payers SET kind = 'medicare_b' WHERE medicare = 1 OR lower(name) LIKE '%medicare%';

-- A distinct-service (59, XE, XS, XP, XU) or liability (GA, GZ, GX, GY) modifier chosen for a
-- code of an open visit; carried into the claim lines at finalize.
CREATE TABLE visit_code_modifiers (
    visit_code_id INTEGER NOT NULL REFERENCES visit_codes (id),
    modifier TEXT NOT NULL CHECK (modifier IN (
        '59', 'XE', 'XS', 'XP', 'XU', 'GA', 'GZ', 'GX', 'GY')),
    PRIMARY KEY (visit_code_id, modifier)
) STRICT;

-- The clinician confirmed once for the year that the patient's record shows medical necessity
-- (KX). Recorded with who and when; the audit log has the entry.
CREATE TABLE kx_confirmations (
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    year INTEGER NOT NULL,
    confirmed_by TEXT NOT NULL CHECK (confirmed_by <> ''),
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, year)
) STRICT;

-- An Advance Beneficiary Notice the patient signed: the codes it covers (space-separated;
-- empty: every code) from the day signed to the last day (NULL: open). Lines it covers take GA.
CREATE TABLE abns (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    signed_on TEXT NOT NULL,
    last_day TEXT,
    codes TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX abns_patient ON abns (patient_id, signed_on);
