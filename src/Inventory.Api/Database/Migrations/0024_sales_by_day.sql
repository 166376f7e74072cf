-- The reports over a period (a fridge's weeks, revenue by channel, the funder report) summed every sale line of it:
-- a summer's 33,000 lines, 50 ms a scan, two scans a report, and more each week. They read a rollup per Table day,
-- place and SKU instead, kept by triggers in the same transaction as the lines, so it never disagrees with them.
-- Its days are the Table's (table_zone, kept equal to the API's Table__TimeZone by the migrator, which rebuilds the
-- rollup when the zone changes).
CREATE TABLE table_zone (
    single boolean PRIMARY KEY DEFAULT true CHECK (single),
    zone text NOT NULL
);
INSERT INTO table_zone (zone) VALUES (current_setting('TimeZone'));

CREATE TABLE sales_by_day (
    day date NOT NULL,
    location_id bigint NOT NULL REFERENCES locations (id),
    sku text NOT NULL REFERENCES beers (sku),
    units bigint NOT NULL,
    revenue_cents bigint NOT NULL,
    unpriced_units bigint NOT NULL,
    PRIMARY KEY (day, location_id, sku)
);
CREATE INDEX sales_by_day_place ON sales_by_day (location_id, day);

-- A sale adds its units (and revenue at its price); a reversal takes them off; a line deleted is taken back.
CREATE FUNCTION roll_up_sale_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line movements%ROWTYPE;
    signed int;
BEGIN
    IF TG_OP = 'DELETE' THEN line := OLD; ELSE line := NEW; END IF;
    signed := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END * CASE line.kind WHEN 'sale' THEN line.units ELSE -line.units END;
    INSERT INTO sales_by_day AS s (day, location_id, sku, units, revenue_cents, unpriced_units)
    VALUES ((line.occurred_at AT TIME ZONE (SELECT zone FROM table_zone))::date, coalesce(line.from_location_id, line.to_location_id), line.sku,
            signed, coalesce(signed * line.unit_price_cents, 0), CASE WHEN line.unit_price_cents IS NULL THEN signed ELSE 0 END)
    ON CONFLICT (day, location_id, sku) DO UPDATE SET
        units = s.units + EXCLUDED.units, revenue_cents = s.revenue_cents + EXCLUDED.revenue_cents, unpriced_units = s.unpriced_units + EXCLUDED.unpriced_units;
    RETURN NULL;
END $$;
CREATE TRIGGER movements_sales_by_day_insert AFTER INSERT ON movements
    FOR EACH ROW WHEN (NEW.kind IN ('sale', 'sale_reversal')) EXECUTE FUNCTION roll_up_sale_line();
CREATE TRIGGER movements_sales_by_day_delete AFTER DELETE ON movements
    FOR EACH ROW WHEN (OLD.kind IN ('sale', 'sale_reversal')) EXECUTE FUNCTION roll_up_sale_line();

-- What was sold before this migration.
CREATE FUNCTION rebuild_sales_by_day() RETURNS void LANGUAGE sql AS $$
    DELETE FROM sales_by_day;
    INSERT INTO sales_by_day (day, location_id, sku, units, revenue_cents, unpriced_units)
    SELECT (occurred_at AT TIME ZONE (SELECT zone FROM table_zone))::date, location_id, sku, sum(units),
           coalesce(sum(units * unit_price_cents), 0), coalesce(sum(units) FILTER (WHERE unit_price_cents IS NULL), 0)
    FROM sale_lines GROUP BY 1, 2, 3;
$$;
SELECT rebuild_sales_by_day();
