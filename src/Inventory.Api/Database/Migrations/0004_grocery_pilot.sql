-- The grocery pilot with the food coops' federation: which SKU stands on which store's shelf, when, at what price.
CREATE TABLE grocery_placements (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku                text NOT NULL REFERENCES beers (sku),
    location_id        bigint NOT NULL REFERENCES locations (id),
    starts_on          date NOT NULL,
    ends_on            date,
    facings            int NOT NULL CHECK (facings BETWEEN 1 AND 50),
    shelf_price_cents  bigint NOT NULL CHECK (shelf_price_cents >= 0),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    -- One placement of a SKU in a store at a time.
    EXCLUDE USING gist (sku WITH =, location_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);
