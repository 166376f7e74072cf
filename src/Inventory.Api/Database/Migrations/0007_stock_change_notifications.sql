-- Every statement that changes what "stock levels" show tells the API replicas (LISTEN stock_changed),
-- which then drop their cached stock reads. A trigger, not the API's code, so that no writer can forget
-- it: the ledger's postings, catalogue edits, the admin commands and an operator's psql alike.
-- NOTIFY is delivered at commit (never for a rolled-back write) and folds duplicates within a transaction.
CREATE FUNCTION notify_stock_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stock_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER stock_levels_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stock_levels
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stock_changed();
CREATE TRIGGER beers_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON beers
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stock_changed();
CREATE TRIGGER breweries_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON breweries
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stock_changed();
CREATE TRIGGER locations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stock_changed();
