-- Collaboration brews (src/Collab.Brew holds the rules; these tables hold the facts).

CREATE TABLE collab_brews (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name                text NOT NULL,
    host_brewery_id     bigint NOT NULL REFERENCES breweries (id),
    host_location_id    bigint NOT NULL REFERENCES locations (id),
    brew_date           date NOT NULL,
    planned_volume_l    numeric(10, 2) NOT NULL CHECK (planned_volume_l > 0),
    status              text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'brewed', 'fermenting', 'packaged', 'released', 'closed')),
    recipe              jsonb NOT NULL DEFAULT '[]',
    agreement_kind      text NOT NULL CHECK (agreement_kind IN ('proportional', 'equal', 'fixed')),
    fixed_shares_bp     jsonb,
    lot_code            text NOT NULL,
    packaging           jsonb,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE collab_partners (
    brew_id      bigint NOT NULL REFERENCES collab_brews (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name         text NOT NULL,
    role         text NOT NULL CHECK (role IN ('co_brewer', 'ingredient_supplier', 'designer', 'other')),
    brewery_id   bigint REFERENCES breweries (id),
    takes        text NOT NULL CHECK (takes IN ('beer', 'cash')),
    location_id  bigint REFERENCES locations (id),
    PRIMARY KEY (brew_id, key),
    CHECK ((takes = 'beer') = (location_id IS NOT NULL))
);

CREATE TABLE collab_contributions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brew_id          bigint NOT NULL REFERENCES collab_brews (id) ON DELETE CASCADE,
    partner_key      text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('cash', 'ingredient', 'labour', 'host_fee', 'design')),
    description      text NOT NULL,
    cents            bigint CHECK (cents >= 0),
    quantity         numeric(12, 3) CHECK (quantity >= 0),
    unit             text,
    unit_cost_cents  bigint CHECK (unit_cost_cents >= 0),
    hours            numeric(8, 2) CHECK (hours >= 0),
    rate_cents       bigint CHECK (rate_cents >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (brew_id, partner_key) REFERENCES collab_partners (brew_id, key)
);

ALTER TABLE beers ADD CONSTRAINT beers_collab_brew FOREIGN KEY (collab_brew_id) REFERENCES collab_brews (id);
