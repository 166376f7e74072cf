-- Where each device stood, over time (rule "Figures come from the facts, in event time"): a report goes to where its device stood at the report's
-- ts, not where it stands when the report arrives. A festival's device assignment (device_assignments) says where
-- a kiosk stood on the festival's days; this history says where it stood otherwise.
CREATE TABLE device_placements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id    text NOT NULL REFERENCES devices (device_id),
    location_id  bigint REFERENCES locations (id),   -- NULL: taken out of service
    since        timestamptz NOT NULL,
    set_by       text NOT NULL,
    set_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_placements_device_since ON device_placements (device_id, since DESC, id DESC);

-- A device's first placement covers its past: what it buffered before it was registered lands where it stands.
INSERT INTO device_placements (device_id, location_id, since, set_by)
    SELECT device_id, location_id, '-infinity', 'migration 0018' FROM devices;
