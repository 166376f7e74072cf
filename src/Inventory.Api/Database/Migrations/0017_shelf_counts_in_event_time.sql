-- Shelf counts kept as facts, and what they derive re-derived in event time (rule "Figures come from the facts, in event time", docs/ledger.md).

-- Every count a device made at a place, with what it saw. A SKU a count does not list had 0 units (the
-- telemetry contract's full count). Unknown SKUs are discrepancies, not items.
CREATE TABLE shelf_counts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id  bigint NOT NULL REFERENCES locations (id),
    device_id    text NOT NULL,
    seq          bigint NOT NULL,
    counted_at   timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shelf_counts_place_time ON shelf_counts (location_id, counted_at, device_id, seq);

CREATE TABLE shelf_count_items (
    count_id  bigint NOT NULL REFERENCES shelf_counts (id),
    sku       text NOT NULL REFERENCES beers (sku),
    units     int NOT NULL CHECK (units >= 0),
    PRIMARY KEY (count_id, sku)
);

-- A movement a count derived (a fridge's sales, a kiosk's missing or found units) names its count, so that a
-- later-known fact re-derives it and posts only the difference.
ALTER TABLE movements ADD COLUMN shelf_count_id bigint REFERENCES shelf_counts (id);
CREATE INDEX movements_shelf_count ON movements (shelf_count_id) WHERE shelf_count_id IS NOT NULL;

-- 'sale_reversal': units a count had booked as sold that later-known facts show never left (a late count, a
-- delivery ticked after the door closed). It puts them back on the shelf's books, dated at the count it
-- corrects, at the price they were booked at: the ledger stays append-only and shows what was believed when.
ALTER TABLE movements DROP CONSTRAINT movements_kind_check;
ALTER TABLE movements ADD CONSTRAINT movements_kind_check
    CHECK (kind IN ('production', 'transfer', 'sale', 'loss', 'count_adjustment', 'return', 'sale_reversal'));

-- Sales, signed: the one place that says what counts as a sale. A reversal counts against the place it
-- returns units to, at the time of the sale it corrects.
CREATE VIEW sale_lines AS
    SELECT m.id, m.sku, m.lot_code, coalesce(m.from_location_id, m.to_location_id) AS location_id,
           CASE WHEN m.kind = 'sale' THEN m.units ELSE -m.units END AS units,
           m.unit_price_cents, m.occurred_at, m.recorded_at, m.device_id, m.shelf_count_id
    FROM movements m
    WHERE m.kind IN ('sale', 'sale_reversal');
