-- The dated settings money is computed by (Money/MoneySettings.cs): the sales taxes' rates, the container deposit
-- per package format, and whether a channel's prices are stated taxes included. Periods of one setting never overlap;
-- a new value from a day supersedes the one in force (it ends the day before).
CREATE TABLE money_settings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (name ~ '^(gst|qst|deposit:[a-z0-9_]+|taxes-included:[a-z]+)$'),
    value       bigint NOT NULL CHECK (value BETWEEN 0 AND 100000),
    valid_from  date NOT NULL,
    valid_to    date CHECK (valid_to >= valid_from),
    set_by      text NOT NULL,
    set_at      timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (name WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
);

-- What Québec charged when this was written; the lead supersedes any of them from the day it changes.
-- GST 5 % since 2008-01-01, QST 9.975 % since 2013-01-01 (thousandths of a percent).
-- The deposit (consigne) on beer containers: 5 ¢ a can, 10 ¢ a small refillable bottle and 20 ¢ one of 450 ml or
-- more until the deposit system's reform, 10 ¢ every container of 100 ml to 2 L from 2023-11-01 on. Kegs are
-- returned between businesses, with no deposit on a sale.
-- Prices: the fridges' shelves and the kiosks state what the customer pays (taxes included); the grocery stores'
-- wholesale prices are before taxes.
INSERT INTO money_settings (name, value, valid_from, valid_to, set_by) VALUES
    ('gst', 5000, '2008-01-01', NULL, 'migration'),
    ('qst', 9975, '2013-01-01', NULL, 'migration'),
    ('deposit:can_473', 5, '2008-01-01', '2023-10-31', 'migration'),
    ('deposit:can_355', 5, '2008-01-01', '2023-10-31', 'migration'),
    ('deposit:bottle_341', 10, '2008-01-01', '2023-10-31', 'migration'),
    ('deposit:bottle_500', 20, '2008-01-01', '2023-10-31', 'migration'),
    ('deposit:can_473', 10, '2023-11-01', NULL, 'migration'),
    ('deposit:can_355', 10, '2023-11-01', NULL, 'migration'),
    ('deposit:bottle_341', 10, '2023-11-01', NULL, 'migration'),
    ('deposit:bottle_500', 10, '2023-11-01', NULL, 'migration'),
    ('taxes-included:fridge', 1, '2008-01-01', NULL, 'migration'),
    ('taxes-included:kiosk', 1, '2008-01-01', NULL, 'migration'),
    ('taxes-included:grocery', 0, '2008-01-01', NULL, 'migration');
