-- beer exposed to heat. A COOP fridge above its limit long enough (its temperature_high alert
-- lasting Exposure:ExposedAfter) exposes the lots that stood there that long; their brewers are told,
-- and someone decides: keep, or discard (a loss movement), recorded with who decided.
CREATE TABLE stock_exposures (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id         bigint NOT NULL REFERENCES alerts (id),
    location_id      bigint NOT NULL REFERENCES locations (id),
    sku              text NOT NULL REFERENCES beers (sku),
    lot_code         text NOT NULL,
    units            int NOT NULL CHECK (units > 0),
    found_at         timestamptz NOT NULL,
    decision         text CHECK (decision IN ('keep', 'discard')),
    decided_by       text,
    decided_at       timestamptz,
    decision_note    text,
    discarded_units  int,
    UNIQUE (alert_id, sku, lot_code)
);
CREATE INDEX stock_exposures_undecided ON stock_exposures (location_id) WHERE decision IS NULL;

-- When an alert's exposure was last worked out (an ongoing one again now and then; a cleared one once more after it cleared).
ALTER TABLE alerts ADD COLUMN exposure_checked_at timestamptz;

ALTER TABLE notification_events DROP CONSTRAINT notification_events_kind_check;
ALTER TABLE notification_events ADD CONSTRAINT notification_events_kind_check CHECK (kind IN ('alert_raised', 'alert_escalated', 'low_stock', 'stock_exposed'));
ALTER TABLE notification_events ADD COLUMN exposure_id bigint REFERENCES stock_exposures (id);
