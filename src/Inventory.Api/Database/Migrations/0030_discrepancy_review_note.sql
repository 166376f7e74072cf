-- A person reviews a count's discrepancy with a note saying what they found (a can put back, a miscount, theft
-- reported), as an exposure's decision has one; reviewed_at and reviewed_by were there, but nothing let a person
-- set them.
ALTER TABLE stock_discrepancies ADD COLUMN review_note text;
