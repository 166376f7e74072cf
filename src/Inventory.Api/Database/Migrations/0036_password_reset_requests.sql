-- A forgotten password's request is answered before anything is looked up: the answer writes this row, the same work
-- whatever the username (an account with a confirmed address used to cost a lookup, a code and a mail in the request:
-- the time told whether the account had an address). The outbox's worker mails from it and deletes it.
CREATE TABLE password_reset_requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now()
);
