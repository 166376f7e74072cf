-- Who gave a device its broker password, when, and whether it was taken back (devices are
-- provisioned from the dashboard). The password itself is nowhere here: the broker keeps its hash.
CREATE TABLE device_credentials (
    device_id  text PRIMARY KEY REFERENCES devices (device_id) ON DELETE CASCADE,
    -- NULL: the account came from elsewhere (scripts/services add-devices, deploy/provision-devices).
    issued_at  timestamptz,
    issued_by  text,
    revoked_at timestamptz,
    revoked_by text,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
