-- The Table's own life: membership over time, and the COOP fridges as funded assets.

-- Membership is a history, never overwritten: a former member's past sales still count in past reports.
CREATE TABLE membership_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brewery_id    bigint NOT NULL REFERENCES breweries (id),
    status        text NOT NULL CHECK (status IN ('candidate', 'member', 'former')),
    effective_on  date NOT NULL,
    decided_on    date,
    note          text,
    UNIQUE (brewery_id, effective_on)
);

CREATE TABLE admission_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text        text NOT NULL,
    adopted_on  date NOT NULL
);

CREATE TABLE fridge_assets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial         text NOT NULL UNIQUE,
    model          text NOT NULL,
    purchased_on   date NOT NULL,
    cost_cents     bigint NOT NULL CHECK (cost_cents >= 0),
    funding        text NOT NULL CHECK (funding IN ('grant', 'other')),
    device_id      text UNIQUE REFERENCES devices (device_id)
);

CREATE TABLE asset_placements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asset_id     bigint NOT NULL REFERENCES fridge_assets (id),
    location_id  bigint NOT NULL REFERENCES locations (id),
    during       daterange NOT NULL,
    EXCLUDE USING gist (asset_id WITH =, during WITH &&)
);
