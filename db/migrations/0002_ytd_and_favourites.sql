-- ChargeClock schema, step 2: a covering index for the year-to-date allowed query and the
-- therapist's favourite codes.

CREATE INDEX visits_patient_status_day
    ON visits (patient_id, status, date_of_service, discipline);
CREATE INDEX claim_lines_visit_allowed ON claim_lines (visit_id, allowed_cents);

CREATE TABLE favourite_codes (
    position INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE
) STRICT;
