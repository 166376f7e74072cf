-- A forgotten password is reset by a link mailed to the person's confirmed address (the one their notices go to):
-- the link's code is kept as its SHA-256 only, works for an hour, once, and only while it is the person's latest;
-- at most three are mailed to a person a day, whoever asks (a stranger typing usernames mails nobody at will).
CREATE TABLE password_resets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- The mail goes through the outbox like a confirmation mail: retried, never lost.
ALTER TABLE notification_events DROP CONSTRAINT notification_events_kind_check;
ALTER TABLE notification_events ADD CONSTRAINT notification_events_kind_check
    CHECK (kind IN ('alert_raised', 'alert_escalated', 'low_stock', 'stock_exposed', 'email_verification', 'password_reset'));
