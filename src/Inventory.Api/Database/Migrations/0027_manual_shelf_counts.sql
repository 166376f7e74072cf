-- A shelf counted by hand on a restocking round (a COOP fridge without counting hardware): the same fact as a
-- device's count, marked with who counted. A brewer counts its own beers only, so its count says nothing of the
-- others': it covers only the SKUs it lists (lists_only), where a device's or the lead's covers every SKU (one not
-- listed is 0 on the shelf). Stock/ShelfLedger derives each SKU from the counts that cover it.
ALTER TABLE shelf_counts
    ADD COLUMN counted_by text,
    ADD COLUMN lists_only boolean NOT NULL DEFAULT false;
