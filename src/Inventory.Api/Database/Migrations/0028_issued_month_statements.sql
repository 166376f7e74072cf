-- A month's statements once issued are frozen (rule "Figures come from the facts, in event time"), as a festival's
-- settlement is (0019): each issue is numbered and kept as it was; facts that arrive later make a correction saying
-- what changed, line by line. Nothing changes a statement a venue paid by.
CREATE TABLE issued_month_statements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    number      int NOT NULL CHECK (number >= 1),
    issued_at   timestamptz NOT NULL,
    issued_by   text NOT NULL,
    statement   jsonb NOT NULL,   -- the whole statement (every place and payee) as the facts said when issued
    correction  jsonb,            -- from number 2 on: the lines' differences since the statement before
    UNIQUE (month, number),
    CHECK ((number = 1) = (correction IS NULL))
);
