-- ChargeClock schema, step 5: each diagnosis keeps the ICD-10-CM description it was saved with,
-- so the superbill prints it without loading the code set.

ALTER TABLE diagnoses ADD COLUMN description TEXT NOT NULL DEFAULT '';
