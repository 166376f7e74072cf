-- restocking rounds. A round is a brewery's (or a driver's) trip to fill COOP fridges back to
-- par: its lines are planned from the restock list when it is made, and each line is ticked once, which
-- posts its delivery (one transfer) in the same transaction.
CREATE TABLE restock_rounds (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brewery_id  bigint NOT NULL REFERENCES breweries (id),
    source_id   bigint NOT NULL REFERENCES locations (id),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE restock_round_lines (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id        bigint NOT NULL REFERENCES restock_rounds (id),
    location_id     bigint NOT NULL REFERENCES locations (id),
    sku             text NOT NULL REFERENCES beers (sku),
    planned_units   int NOT NULL CHECK (planned_units > 0),
    delivered_units int CHECK (delivered_units >= 0),
    delivered_at    timestamptz,
    delivered_by    text,
    UNIQUE (round_id, location_id, sku)
);
