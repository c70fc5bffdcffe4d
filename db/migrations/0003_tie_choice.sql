-- ChargeClock schema, step 3: the clinician's pick when leftover minutes tie (rules.md §2.4):
-- the codes that take the contested units, space-separated; NULL = the app's default.

ALTER TABLE visits ADD COLUMN tie_choice TEXT;
