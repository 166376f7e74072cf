-- A mail address is told nothing until its owner proves it is theirs by a link mailed to it: a person who types
-- somebody else's address (a rival brewer's, a journalist's) can send it one confirmation mail, not a flood of
-- alerts. The link's token is kept as its SHA-256 only; it expires two days after it was sent, and is used once.
ALTER TABLE notification_subscriptions
    ADD COLUMN email_verified_at    timestamptz,
    ADD COLUMN email_token_hash     bytea,
    ADD COLUMN email_token_sent_at  timestamptz;
-- The addresses people saved before this change were typed by themselves and have been receiving mail: kept.
UPDATE notification_subscriptions SET email_verified_at = now() WHERE email IS NOT NULL;
CREATE UNIQUE INDEX notification_subscriptions_email_token ON notification_subscriptions (email_token_hash) WHERE email_token_hash IS NOT NULL;

-- The confirmation mail goes through the outbox like any notification (retried, never lost), as an event of its
-- own kind, for one person.
ALTER TABLE notification_events ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE notification_events DROP CONSTRAINT notification_events_kind_check;
ALTER TABLE notification_events ADD CONSTRAINT notification_events_kind_check
    CHECK (kind IN ('alert_raised', 'alert_escalated', 'low_stock', 'stock_exposed', 'email_verification'));
CREATE INDEX notification_events_verification ON notification_events (user_id, created_at) WHERE kind = 'email_verification';
