-- 'loss_reversal': units a festival's reconciliation posted as lost that a later-known sale shows were sold (a
-- kiosk's buffered sale arriving after the reconciliation). It puts them back on the kiosk's books, dated at the
-- loss it corrects, so that a unit is never both a loss and a sale.
ALTER TABLE movements DROP CONSTRAINT movements_kind_check;
ALTER TABLE movements ADD CONSTRAINT movements_kind_check
    CHECK (kind IN ('production', 'transfer', 'sale', 'loss', 'count_adjustment', 'return', 'sale_reversal', 'loss_reversal'));
