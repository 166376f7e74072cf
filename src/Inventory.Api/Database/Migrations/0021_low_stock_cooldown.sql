-- A beer under its par level warns its brewers and the leads at most once every two hours per SKU and place.
-- Without it, anyone who can move a unit in and out of a COOP fridge around its par level (a brewer's transfers
-- there and back) writes an event per crossing: a flood of mail to every lead that can bury a real alert. Two
-- hours: a shelf refilled and emptied again within them is the same shortage, told once.
CREATE INDEX notification_events_low_stock_recent ON notification_events (sku, location_id, created_at) WHERE kind = 'low_stock';

CREATE OR REPLACE FUNCTION note_low_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    after_units int;
    before_units int;
    par int;
BEGIN
    SELECT p.par_units INTO par FROM par_levels p JOIN locations l ON l.id = p.location_id
    WHERE p.sku = NEW.sku AND p.location_id = NEW.location_id AND l.kind = 'coop_fridge';
    IF par IS NULL OR par = 0 THEN RETURN NULL; END IF;
    SELECT coalesce(sum(units), 0) INTO after_units FROM stock_levels WHERE sku = NEW.sku AND location_id = NEW.location_id;
    before_units := after_units - (NEW.units - CASE WHEN TG_OP = 'UPDATE' THEN OLD.units ELSE 0 END);
    IF before_units >= par AND after_units < par AND NOT EXISTS (
        SELECT 1 FROM notification_events
        WHERE kind = 'low_stock' AND sku = NEW.sku AND location_id = NEW.location_id AND created_at > now() - interval '2 hours')
    THEN
        INSERT INTO notification_events (kind, sku, location_id, units, par_units) VALUES ('low_stock', NEW.sku, NEW.location_id, after_units, par);
    END IF;
    RETURN NULL;
END
$$;
