-- People's sessions live in the database, so that signing out, disabling a person or changing a role
-- ends or changes them at once (the cookie only carries the session's id). Only the SHA-256 of the id
-- is stored. A person can be disabled without deleting the history that names them.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;

CREATE TABLE user_sessions (
    id_hash     bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

-- Every change to who may do what tells the API replicas (LISTEN auth_changed), which drop the sessions and
-- API keys they remember: a revoked key or session is refused on every replica within a notification's delay.
CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('auth_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER user_sessions_auth_changed AFTER UPDATE OR DELETE OR TRUNCATE ON user_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER api_keys_auth_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER breweries_auth_changed AFTER UPDATE OR DELETE OR TRUNCATE ON breweries
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
