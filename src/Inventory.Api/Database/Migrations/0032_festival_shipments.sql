-- A brewery's pick list for a festival shipped as one action: one transfer per line from the brewery's place to the
-- kiosk, once. The row is the "once" (an Idempotency-Key only makes a retry of the same press answer the same).
CREATE TABLE festival_shipments (
    festival_id       bigint NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    brewery_id        bigint NOT NULL REFERENCES breweries (id),
    from_location_id  bigint NOT NULL REFERENCES locations (id),
    shipped_at        timestamptz NOT NULL,
    shipped_by        text NOT NULL,
    PRIMARY KEY (festival_id, brewery_id)
);
