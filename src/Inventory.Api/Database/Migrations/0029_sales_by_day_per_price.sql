-- Money on revenue (docs/ledger.md, "Money"): a line's taxes and deposit are computed per unit price and day's terms,
-- so the rollup of 0024 keeps each day's units per price (NULL: sold without one), not only the revenue they made.
-- The readers that sum it (a fridge's weeks, the funder report, the assets) are unchanged by the extra rows.
ALTER TABLE sales_by_day ADD COLUMN unit_price_cents bigint;
ALTER TABLE sales_by_day DROP CONSTRAINT sales_by_day_pkey;
CREATE UNIQUE INDEX sales_by_day_key ON sales_by_day (day, location_id, sku, (coalesce(unit_price_cents, -1)));

CREATE OR REPLACE FUNCTION roll_up_sale_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line movements%ROWTYPE;
    signed int;
BEGIN
    IF TG_OP = 'DELETE' THEN line := OLD; ELSE line := NEW; END IF;
    signed := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END * CASE line.kind WHEN 'sale' THEN line.units ELSE -line.units END;
    INSERT INTO sales_by_day AS s (day, location_id, sku, unit_price_cents, units, revenue_cents, unpriced_units)
    VALUES ((line.occurred_at AT TIME ZONE (SELECT zone FROM table_zone))::date, coalesce(line.from_location_id, line.to_location_id), line.sku,
            line.unit_price_cents, signed, coalesce(signed * line.unit_price_cents, 0), CASE WHEN line.unit_price_cents IS NULL THEN signed ELSE 0 END)
    ON CONFLICT (day, location_id, sku, (coalesce(unit_price_cents, -1))) DO UPDATE SET
        units = s.units + EXCLUDED.units, revenue_cents = s.revenue_cents + EXCLUDED.revenue_cents, unpriced_units = s.unpriced_units + EXCLUDED.unpriced_units;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rebuild_sales_by_day() RETURNS void LANGUAGE sql AS $$
    DELETE FROM sales_by_day;
    INSERT INTO sales_by_day (day, location_id, sku, unit_price_cents, units, revenue_cents, unpriced_units)
    SELECT (occurred_at AT TIME ZONE (SELECT zone FROM table_zone))::date, location_id, sku, unit_price_cents, sum(units),
           coalesce(sum(units * unit_price_cents), 0), coalesce(sum(units) FILTER (WHERE unit_price_cents IS NULL), 0)
    FROM sale_lines GROUP BY 1, 2, 3, 4;
$$;
SELECT rebuild_sales_by_day();
