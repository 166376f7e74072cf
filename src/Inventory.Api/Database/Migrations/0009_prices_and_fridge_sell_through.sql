-- the COOP fridges' sell-through from shelf counts, and the price list.

-- Every discrepancy says why. An unknown SKU on a shelf is recorded as a discrepancy, never dropped: the
-- row keeps the SKU as counted, so it cannot reference the catalogue.
ALTER TABLE stock_discrepancies DROP CONSTRAINT IF EXISTS stock_discrepancies_sku_fkey;
ALTER TABLE stock_discrepancies ADD COLUMN reason text NOT NULL DEFAULT 'count differs from the ledger';

-- A price per beer and channel (fridge shelf, kiosk, grocery wholesale) from a day on, to a day included
-- or until further notice; the periods of one beer and channel never overlap.
CREATE TABLE prices (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku              text NOT NULL REFERENCES beers (sku),
    channel          text NOT NULL CHECK (channel IN ('fridge', 'kiosk', 'grocery')),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents BETWEEN 0 AND 1000000),
    valid_from       date NOT NULL,
    valid_to         date CHECK (valid_to >= valid_from),
    set_by           text NOT NULL,
    set_at           timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (sku WITH =, channel WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
);
