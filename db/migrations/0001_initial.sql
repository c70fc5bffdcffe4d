-- ChargeClock schema, step 1: every entity of the clinic's day.
-- Times are UTC ISO-8601 text ('2026-03-02T14:00:00.000000Z', fixed width, so text order is time
-- order); dates are 'YYYY-MM-DD' in the clinic's zone; money is integer cents.

CREATE TABLE practice (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    npi TEXT,
    tax_id TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    credentials TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('PT', 'PTA')),
    npi TEXT CHECK (npi IS NULL OR length(npi) = 10),
    licence TEXT NOT NULL DEFAULT '',
    supervising_provider_id INTEGER REFERENCES providers (id),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    role TEXT NOT NULL CHECK (role IN ('PT', 'PTA', 'front_desk')),
    provider_id INTEGER REFERENCES providers (id),
    pin_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE payers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    unit_method TEXT NOT NULL CHECK (unit_method IN ('cms', 'per_code')),
    assistant_modifiers INTEGER NOT NULL CHECK (assistant_modifiers IN (0, 1)),
    kx INTEGER NOT NULL CHECK (kx IN (0, 1)),
    medicare INTEGER NOT NULL CHECK (medicare IN (0, 1))
) STRICT;

CREATE TABLE referring_providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    npi TEXT CHECK (npi IS NULL OR length(npi) = 10)
) STRICT;

CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    last_name TEXT NOT NULL CHECK (last_name <> ''),
    first_name TEXT NOT NULL CHECK (first_name <> ''),
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    payer_id INTEGER REFERENCES payers (id),
    member_id TEXT NOT NULL DEFAULT '',
    referring_provider_id INTEGER REFERENCES referring_providers (id),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX patients_name ON patients (last_name, first_name);

-- Ordered: position 1 is pointer A, 2 is B ...
CREATE TABLE diagnoses (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 12),
    code TEXT NOT NULL,
    billable INTEGER NOT NULL CHECK (billable IN (0, 1)),
    UNIQUE (patient_id, position),
    UNIQUE (patient_id, code)
) STRICT;

CREATE TABLE plans_of_care (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    certifying_provider_id INTEGER REFERENCES providers (id),
    start_date TEXT NOT NULL,
    certified_through TEXT NOT NULL,
    signed_date TEXT,
    CHECK (certified_through >= start_date)
) STRICT;
CREATE INDEX plans_of_care_patient ON plans_of_care (patient_id, start_date);

-- Therapy the patient already had this year at other providers (Medicare eligibility check).
CREATE TABLE prior_spend (
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    year INTEGER NOT NULL,
    bucket TEXT NOT NULL CHECK (bucket IN ('pt_slp', 'ot')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (patient_id, year, bucket)
) STRICT;

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    date_of_service TEXT NOT NULL,
    discipline TEXT NOT NULL DEFAULT 'PT' CHECK (discipline IN ('PT', 'OT', 'SLP')),
    place_of_service TEXT NOT NULL DEFAULT '11',
    payer_id INTEGER REFERENCES payers (id),
    rendering_provider_id INTEGER REFERENCES providers (id),
    supervising_provider_id INTEGER REFERENCES providers (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finalized', 'void')),
    opened_at TEXT NOT NULL,
    finalized_at TEXT
) STRICT;
CREATE INDEX visits_patient_day ON visits (patient_id, date_of_service);
CREATE INDEX visits_day ON visits (date_of_service);

CREATE TABLE visit_codes (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (visit_id, code)
) STRICT;

-- One row per start; stopped_at stays NULL while the timer runs.
CREATE TABLE timer_segments (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    visit_code_id INTEGER NOT NULL REFERENCES visit_codes (id),
    role TEXT NOT NULL CHECK (role IN ('PT', 'PTA')),
    started_at TEXT NOT NULL,
    stopped_at TEXT,
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
) STRICT;
CREATE INDEX timer_segments_code ON timer_segments (visit_code_id, started_at);
-- One running timed code per role per visit, enforced by the database itself.
CREATE UNIQUE INDEX timer_segments_one_running
    ON timer_segments (visit_id, role) WHERE stopped_at IS NULL;

CREATE TABLE untimed_services (
    visit_code_id INTEGER PRIMARY KEY REFERENCES visit_codes (id),
    furnished_by TEXT NOT NULL CHECK (furnished_by IN ('PT', 'PTA', 'both')),
    pt_minutes INTEGER CHECK (pt_minutes IS NULL OR pt_minutes BETWEEN 0 AND 1440),
    pta_minutes INTEGER CHECK (pta_minutes IS NULL OR pta_minutes BETWEEN 0 AND 1440)
) STRICT;

-- The frozen result of a finalized visit (or of a patient's whole day, on its last visit).
CREATE TABLE visit_bills (
    visit_id INTEGER PRIMARY KEY REFERENCES visits (id),
    rule_year INTEGER NOT NULL,
    unit_method TEXT NOT NULL,
    pooled_visit_ids TEXT NOT NULL,
    total_timed_minutes INTEGER NOT NULL,
    total_treatment_minutes INTEGER NOT NULL,
    timed_units INTEGER NOT NULL,
    kx_applies INTEGER NOT NULL CHECK (kx_applies IN (0, 1)),
    warnings TEXT NOT NULL,
    review TEXT NOT NULL,
    trace TEXT NOT NULL,
    computed_at TEXT NOT NULL
) STRICT;

CREATE TABLE claim_lines (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    line_number INTEGER NOT NULL,
    code TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    units INTEGER NOT NULL CHECK (units > 0),
    assistant INTEGER NOT NULL CHECK (assistant IN (0, 1)),
    allowed_cents INTEGER,
    charge_cents INTEGER,
    diagnosis_pointers TEXT NOT NULL,
    trace TEXT NOT NULL,
    UNIQUE (visit_id, line_number)
) STRICT;

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    visit_id INTEGER REFERENCES visits (id),
    paid_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'insurance', 'other'))
) STRICT;
CREATE INDEX payments_patient ON payments (patient_id, paid_on);

CREATE TABLE progress_reports (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    visit_id INTEGER REFERENCES visits (id),
    report_date TEXT NOT NULL,
    provider_id INTEGER REFERENCES providers (id)
) STRICT;
CREATE INDEX progress_reports_patient ON progress_reports (patient_id, report_date);

-- The clinic's own charges (what the superbill bills).
CREATE TABLE fee_list (
    code TEXT PRIMARY KEY,
    charge_cents INTEGER NOT NULL CHECK (charge_cents >= 0)
) STRICT;

-- Allowed amounts the clinic imported, by year; a code with no row is "unknown".
CREATE TABLE allowed_amounts (
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    source TEXT NOT NULL,
    PRIMARY KEY (year, code)
) STRICT;

-- "Last seen alive": one row, rewritten while the app runs.
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    session_started_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    clean_exit INTEGER NOT NULL CHECK (clean_exit IN (0, 1))
) STRICT;

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical JSON of the entry).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;
