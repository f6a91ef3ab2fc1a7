-- How many times an entry was in flight when the worker crashed (panicked).
-- At the limit the entry is set aside as failed with the reason, so one
-- poisonous entry cannot stop every other delivery (docs/sync.md).
ALTER TABLE outbox ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
