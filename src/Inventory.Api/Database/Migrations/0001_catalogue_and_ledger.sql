-- Catalogue, people, and the stock ledger (rule "The ledger is the truth for stock", docs/design.md).

CREATE TABLE breweries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region      text NOT NULL CHECK (length(region) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE beers (
    sku             text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{2,39}$'),
    brewery_id      bigint REFERENCES breweries (id),
    collab_brew_id  bigint,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    style           text,
    abv             numeric(4, 2) CHECK (abv BETWEEN 0 AND 20),
    format          text NOT NULL CHECK (format IN ('can_473', 'can_355', 'bottle_341', 'bottle_500', 'keg_20l', 'keg_30l', 'keg_50l')),
    units_per_case  int NOT NULL CHECK (units_per_case BETWEEN 1 AND 48),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (brewery_id IS NOT NULL OR collab_brew_id IS NOT NULL)
);
CREATE INDEX beers_brewery ON beers (brewery_id);

CREATE TABLE locations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('brewery', 'warehouse', 'coop_fridge', 'festival_kiosk', 'grocery_store')),
    region      text NOT NULL,
    address     text,
    -- A brewery's own premises (brewery, warehouse); shared places (fridges, kiosks, stores) have none.
    brewery_id  bigint REFERENCES breweries (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
    device_id            text PRIMARY KEY CHECK (device_id ~ '^[a-z0-9][a-z0-9-]{2,63}$'),
    kind                 text NOT NULL CHECK (kind IN ('fridge', 'kiosk')),
    location_id          bigint REFERENCES locations (id),
    reporting_interval_s int NOT NULL DEFAULT 60 CHECK (reporting_interval_s BETWEEN 5 AND 86400),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE movements (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('production', 'transfer', 'sale', 'loss', 'count_adjustment', 'return')),
    sku               text NOT NULL REFERENCES beers (sku),
    lot_code          text NOT NULL DEFAULT '',
    units             int NOT NULL CHECK (units > 0),
    from_location_id  bigint REFERENCES locations (id),
    to_location_id    bigint REFERENCES locations (id),
    occurred_at       timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    actor             text NOT NULL,
    reason            text,
    device_id         text,
    -- Units a device reported selling that the ledger did not hold: flagged for reconciliation.
    shortfall         int NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
    unit_price_cents  bigint,
    CHECK (from_location_id IS NOT NULL OR to_location_id IS NOT NULL),
    CHECK (from_location_id IS DISTINCT FROM to_location_id)
);
CREATE INDEX movements_sku_time ON movements (sku, occurred_at, id);
CREATE INDEX movements_from ON movements (from_location_id, occurred_at);
CREATE INDEX movements_to ON movements (to_location_id, occurred_at);

-- Current levels, kept equal to the sum of movements in the same transaction as each movement.
CREATE TABLE stock_levels (
    sku          text NOT NULL REFERENCES beers (sku),
    location_id  bigint NOT NULL REFERENCES locations (id),
    lot_code     text NOT NULL DEFAULT '',
    units        int NOT NULL,
    PRIMARY KEY (sku, location_id, lot_code)
);
CREATE INDEX stock_levels_location ON stock_levels (location_id);

CREATE TABLE par_levels (
    sku          text NOT NULL REFERENCES beers (sku),
    location_id  bigint NOT NULL REFERENCES locations (id),
    par_units    int NOT NULL CHECK (par_units >= 0),
    PRIMARY KEY (sku, location_id)
);

CREATE TABLE stock_discrepancies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id    text NOT NULL,
    location_id  bigint NOT NULL REFERENCES locations (id),
    sku          text NOT NULL REFERENCES beers (sku),
    ledger_units int NOT NULL,
    counted_units int NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    reviewed_at  timestamptz,
    reviewed_by  text
);

-- A replayed request returns the first answer; the key is stored in the transaction that did the work,
-- so a request that failed leaves no key behind (and is not mistaken for a duplicate).
CREATE TABLE idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  bytea NOT NULL,
    status_code   int NOT NULL,
    response      text,   -- the exact bytes of the first answer
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('lead', 'brewer')),
    brewery_id    bigint REFERENCES breweries (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'brewer') = (brewery_id IS NOT NULL))
);

CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    key_prefix  text NOT NULL UNIQUE,
    key_hash    bytea NOT NULL,
    role        text NOT NULL CHECK (role IN ('lead', 'brewer', 'gateway')),
    brewery_id  bigint REFERENCES breweries (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((role = 'brewer') = (brewery_id IS NOT NULL))
);
