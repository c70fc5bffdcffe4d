-- ChargeClock schema, step 4: the clinic's own settings as key/value text (the privacy lock's
-- idle minutes, …); a key with no row takes the app's default.

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY CHECK (key <> ''),
    value TEXT NOT NULL
) STRICT;
