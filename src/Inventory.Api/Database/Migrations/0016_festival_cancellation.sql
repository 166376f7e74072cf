-- A festival can be cancelled (the lead edits or cancels a festival from the dashboard): it stays
-- in the history with who cancelled it, when and why; its devices are free again.
ALTER TABLE festivals
    ADD COLUMN cancelled_at  timestamptz,
    ADD COLUMN cancelled_by  text,
    ADD COLUMN cancel_reason text,
    ADD CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL));
