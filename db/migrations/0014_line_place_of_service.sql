-- ChargeClock schema, step 14: the place of service of each claim line. A patient seen twice on
-- one date of service is billed for the day as a whole, and the two visits may have been at
-- different places (the office in the morning, telehealth in the afternoon): each line carries
-- the place where its minutes were given (domain/place_split.py). '' on a line billed before
-- this step: the place of service of the visit holding the line, as its superbill printed it.

ALTER TABLE claim_lines ADD COLUMN place_of_service TEXT NOT NULL DEFAULT '';
