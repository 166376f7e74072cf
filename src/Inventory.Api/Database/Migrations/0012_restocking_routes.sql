-- named routes. A route is a set of COOP fridges one person visits (a brewery's own, or the
-- Table's when brewery_id is NULL); the restock list and a round can be taken for one route, and a
-- round remembers the route it was made for.
CREATE TABLE restock_routes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    brewery_id  bigint REFERENCES breweries (id),
    driver      text,
    created_by  text NOT NULL
);
-- One name per owner (the Table's routes are one owner).
CREATE UNIQUE INDEX restock_routes_name ON restock_routes (coalesce(brewery_id, 0), lower(name));

CREATE TABLE restock_route_fridges (
    route_id     bigint NOT NULL REFERENCES restock_routes (id) ON DELETE CASCADE,
    location_id  bigint NOT NULL REFERENCES locations (id),
    PRIMARY KEY (route_id, location_id)
);

ALTER TABLE restock_rounds ADD COLUMN route_id bigint REFERENCES restock_routes (id);
