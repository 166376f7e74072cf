-- from signal to action. The gateway forwards each alert transition; the API keeps the alert
-- history (acknowledged by whom, when, with a note; escalated when nobody did in time) and tells people
-- through a transactional outbox: an event is written in the same transaction as the alert or the stock
-- change that causes it, then fanned out to the people subscribed and sent (grouped per person) by a worker.
CREATE TABLE alerts (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id             text NOT NULL REFERENCES devices (device_id),
    location_id           bigint REFERENCES locations (id),   -- where the device stood when it was raised
    type                  text NOT NULL CHECK (type IN ('temperature_high', 'temperature_low', 'door_open_too_long', 'power_lost', 'offline')),
    raised_at             timestamptz NOT NULL,               -- when the condition began (device time)
    cleared_at            timestamptz,
    peak_value            double precision,
    detail                text NOT NULL,
    reported_at           timestamptz NOT NULL DEFAULT now(),
    acknowledged_by       text,
    acknowledged_at       timestamptz,
    acknowledgement_note  text,
    escalated_at          timestamptz,
    UNIQUE (device_id, type, raised_at)
);
-- One open alert per device and type: a raise while one is open closes the older (a lost clear).
CREATE UNIQUE INDEX alerts_one_open ON alerts (device_id, type) WHERE cleared_at IS NULL;
CREATE INDEX alerts_unacknowledged ON alerts (reported_at) WHERE cleared_at IS NULL AND acknowledged_at IS NULL AND escalated_at IS NULL;

-- What a person wants to be told, and where. No row: nothing is sent (there is no address to send to).
CREATE TABLE notification_subscriptions (
    user_id                  bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email                    text,
    webhook_url              text,
    webhook_secret           text,
    webhook_failures         int NOT NULL DEFAULT 0,
    webhook_disabled_reason  text,
    alerts                   boolean NOT NULL DEFAULT true,
    low_stock                boolean NOT NULL DEFAULT true,
    quiet_from               time,
    quiet_to                 time,
    CHECK ((quiet_from IS NULL) = (quiet_to IS NULL)),
    CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
);

-- The outbox: what happened, written with the change that caused it.
CREATE TABLE notification_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('alert_raised', 'alert_escalated', 'low_stock')),
    alert_id       bigint REFERENCES alerts (id),
    sku            text,
    location_id    bigint REFERENCES locations (id),
    units          int,
    par_units      int,
    created_at     timestamptz NOT NULL DEFAULT now(),
    fanned_out_at  timestamptz
);
CREATE INDEX notification_events_pending ON notification_events (id) WHERE fanned_out_at IS NULL;

-- One delivery per event, person and channel; sent grouped per destination (a digest).
CREATE TABLE notification_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         bigint NOT NULL REFERENCES notification_events (id),
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel          text NOT NULL CHECK (channel IN ('email', 'webhook')),
    destination      text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    due_at           timestamptz NOT NULL,   -- now, or the end of the person's quiet hours
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    abandoned_reason text,
    last_error       text,
    UNIQUE (event_id, user_id, channel)
);
CREATE INDEX notification_deliveries_pending ON notification_deliveries (destination, due_at) WHERE sent_at IS NULL AND abandoned_reason IS NULL;

-- A COOP fridge's beer that falls under its par level is an event, whoever's movement did it: a trigger,
-- not the API's code, so that no writer can forget it (as stock_changed). Fired per lot row; the total of
-- the SKU at the place crosses the par level once.
CREATE FUNCTION note_low_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    after_units int;
    before_units int;
    par int;
BEGIN
    SELECT p.par_units INTO par FROM par_levels p JOIN locations l ON l.id = p.location_id
    WHERE p.sku = NEW.sku AND p.location_id = NEW.location_id AND l.kind = 'coop_fridge';
    IF par IS NULL OR par = 0 THEN RETURN NULL; END IF;
    SELECT coalesce(sum(units), 0) INTO after_units FROM stock_levels WHERE sku = NEW.sku AND location_id = NEW.location_id;
    before_units := after_units - (NEW.units - CASE WHEN TG_OP = 'UPDATE' THEN OLD.units ELSE 0 END);
    IF before_units >= par AND after_units < par THEN
        INSERT INTO notification_events (kind, sku, location_id, units, par_units) VALUES ('low_stock', NEW.sku, NEW.location_id, after_units, par);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER stock_levels_low AFTER INSERT OR UPDATE OF units ON stock_levels
    FOR EACH ROW EXECUTE FUNCTION note_low_stock();
