-- When a festival was reconciled: the instant its returns and losses are dated at. A fact at one of its kiosks learnt
-- of afterwards (a buffered sale, a count held by an outage) changes what the reconciliation's loss should be, and
-- the difference is posted at this instant (Festivals/ReconciledLoss.cs). Festivals reconciled before this column
-- take the time of their reconciliation's movements.
ALTER TABLE festivals ADD COLUMN reconciled_at timestamptz;

UPDATE festivals f SET reconciled_at = r.at
FROM (SELECT k.festival_id, max(m.occurred_at) AS at
      FROM movements m JOIN kiosks k ON k.location_id = m.from_location_id
      WHERE m.actor = 'festival-reconciliation' AND m.kind IN ('return', 'loss')
      GROUP BY k.festival_id) r
WHERE r.festival_id = f.id;
