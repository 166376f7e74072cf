-- A COOP fridge's move is a movement its device posts without a count (a transfer of its beer to its new place, or
-- its closing): every fact later learnt of at the old place, from before the move, makes what moved up to what stood
-- there when it left. Whether a place has such a move after a moment is asked at each derivation of its counts: an
-- index of the moves alone keeps it one probe, whatever number of sales the place's counts booked.
CREATE INDEX movements_fridge_moves ON movements (from_location_id, occurred_at)
    WHERE device_id IS NOT NULL AND shelf_count_id IS NULL AND kind IN ('transfer', 'count_adjustment');
