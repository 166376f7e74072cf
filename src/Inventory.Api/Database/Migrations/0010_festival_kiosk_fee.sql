-- the kiosk fee a festival's breweries agreed to, in basis points of their kiosk takings
-- (1500 = 15 %), kept by the Table when it settles who owes whom after the festival.
ALTER TABLE festivals ADD COLUMN kiosk_fee_bp int NOT NULL DEFAULT 0 CHECK (kiosk_fee_bp BETWEEN 0 AND 10000);
