-- Exposed stock is a function of the facts in event time (rule "Figures come from the facts, in event time"): an
-- excursion is worked out again whenever a fact it rests on is learnt after it was last worked out — its clear (held
-- by a Wi-Fi outage, the excursion looked as long as "until now"), or a movement at its fridge dated before its end (a
-- count or a tick arriving late). Before, a cleared excursion was looked at once more only when its real-clock check
-- came before its event-time clear, and the larger count stood: a 45-minute excursion learnt of before its clear
-- exposed a fridge's whole shelf for good.
--
-- exposure_facts counts the changes to those facts; exposure_facts_seen is the count the last working-out read (NULL:
-- never worked out). Read before the facts, it can only lag them, so a change committing meanwhile is looked at again.
ALTER TABLE alerts ADD COLUMN exposure_facts bigint NOT NULL DEFAULT 0, ADD COLUMN exposure_facts_seen bigint;
UPDATE alerts SET exposure_facts_seen = 0 WHERE exposure_checked_at IS NOT NULL;
CREATE INDEX alerts_exposure_worked_out ON alerts (location_id) WHERE type = 'temperature_high' AND exposure_facts_seen IS NOT NULL;

-- A lot an excursion no longer exposes once the late facts are in (nobody decided on it yet): kept, as its brewers
-- were told of it, but withdrawn from the list; exposed again if later facts say so.
ALTER TABLE stock_exposures ADD COLUMN withdrawn_at timestamptz;

CREATE FUNCTION alert_clear_changes_exposure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.cleared_at IS DISTINCT FROM OLD.cleared_at THEN NEW.exposure_facts := OLD.exposure_facts + 1; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER alerts_clear_changes_exposure BEFORE UPDATE OF cleared_at ON alerts
    FOR EACH ROW EXECUTE FUNCTION alert_clear_changes_exposure();

-- A movement at a fridge dated before the end of one of its worked-out excursions (or during one still going).
CREATE FUNCTION movement_changes_exposure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line movements%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN line := OLD; ELSE line := NEW; END IF;
    UPDATE alerts SET exposure_facts = exposure_facts + 1
    WHERE type = 'temperature_high' AND exposure_facts_seen IS NOT NULL
      AND location_id IN (line.to_location_id, line.from_location_id)
      AND (cleared_at IS NULL OR line.occurred_at <= cleared_at);
    RETURN NULL;
END $$;
CREATE TRIGGER movements_change_exposure AFTER INSERT OR DELETE ON movements
    FOR EACH ROW EXECUTE FUNCTION movement_changes_exposure();
