-- The microbrewery tour: an event beside festivals, whose stops are hosted by member breweries.
ALTER TABLE festivals ADD COLUMN kind text NOT NULL DEFAULT 'festival' CHECK (kind IN ('festival', 'tour'));
ALTER TABLE kiosks ADD COLUMN host_brewery_id bigint REFERENCES breweries (id);
ALTER TABLE kiosks ADD COLUMN stop_on date;
ALTER TABLE locations DROP CONSTRAINT locations_kind_check;
ALTER TABLE locations ADD CONSTRAINT locations_kind_check
    CHECK (kind IN ('brewery', 'warehouse', 'coop_fridge', 'festival_kiosk', 'grocery_store', 'tour_stop'));
