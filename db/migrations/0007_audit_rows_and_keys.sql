-- ChargeClock schema, step 7: the audit log covers the billing rows and is keyed.
-- Each entry written from now on lists the rows it created, changed or deleted, with their
-- billing content (docs/audit.md); `rows` is '' on entries written before this step.
-- audit_keys: which HMAC key signs the entries from `keyed_from` on (the key itself is in the
-- file <key_id>.key outside the database); entries before the first row keep the plain rule.

ALTER TABLE audit_log ADD COLUMN rows TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_keys (
    keyed_from INTEGER PRIMARY KEY CHECK (keyed_from >= 1),
    key_id TEXT NOT NULL UNIQUE CHECK (length(key_id) = 32),
    database_id TEXT NOT NULL CHECK (length(database_id) = 32)
) STRICT;

CREATE TRIGGER audit_keys_no_update BEFORE UPDATE ON audit_keys
BEGIN
    SELECT RAISE(ABORT, 'audit_keys is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_keys_no_delete BEFORE DELETE ON audit_keys
BEGIN
    SELECT RAISE(ABORT, 'audit_keys is append-only: rows cannot be deleted');
END;
