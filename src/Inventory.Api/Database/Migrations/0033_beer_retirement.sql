-- A beer its brewery stops making is retired from a day: from then on it is not brewed (no production), no fridge is
-- to be stocked with it (its par levels end with the retirement) and no festival is offered it; what is left of it
-- is still moved, counted and sold, and its history stays.
ALTER TABLE beers ADD COLUMN retired_on date, ADD COLUMN retired_by text;
