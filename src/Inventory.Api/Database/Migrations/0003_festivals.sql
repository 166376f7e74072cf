-- Festivals and their shared kiosks: who takes part, which device stands where, what each kiosk holds.
CREATE EXTENSION IF NOT EXISTS btree_gist; -- trusted since PostgreSQL 13: the database owner may create it

CREATE TABLE festivals (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                 text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name                 text NOT NULL,
    site                 text NOT NULL,
    region               text NOT NULL,
    starts_on            date NOT NULL,
    ends_on              date NOT NULL,
    expected_attendance  int NOT NULL CHECK (expected_attendance >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE festival_breweries (
    festival_id  bigint NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    brewery_id   bigint NOT NULL REFERENCES breweries (id),
    PRIMARY KEY (festival_id, brewery_id)
);

CREATE TABLE kiosks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    festival_id  bigint NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    code         text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,30}$'),
    name         text NOT NULL,
    location_id  bigint NOT NULL UNIQUE REFERENCES locations (id),
    UNIQUE (festival_id, code)
);

-- A device (a kiosk's fridge) stands at one place at a time: overlapping dates are refused by the
-- database itself, so two planners at once cannot double-book it.
CREATE TABLE device_assignments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id  text NOT NULL REFERENCES devices (device_id),
    kiosk_id   bigint NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    during     daterange NOT NULL,
    EXCLUDE USING gist (device_id WITH =, during WITH &&)
);

CREATE TABLE kiosk_allocations (
    kiosk_id   bigint NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    sku        text NOT NULL REFERENCES beers (sku),
    par_units  int NOT NULL CHECK (par_units >= 0),
    PRIMARY KEY (kiosk_id, sku)
);
