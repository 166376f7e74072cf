-- A settlement once issued is frozen (rule "Figures come from the facts, in event time"): each issue is a numbered statement, kept as it was issued.
-- Facts that arrive later (a kiosk's buffered sale) make a correction statement saying what changed and who owes
-- whom for it; nothing ever changes a statement that was paid.
CREATE TABLE settlement_statements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    festival_id  bigint NOT NULL REFERENCES festivals (id),
    number       int NOT NULL CHECK (number >= 1),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    issued_by    text NOT NULL,
    settlement   jsonb NOT NULL,   -- the whole settlement as the facts said when issued
    correction   jsonb,            -- from number 2 on: the changes since the statement before, and their transfers
    UNIQUE (festival_id, number),
    CHECK ((number = 1) = (correction IS NULL))
);
