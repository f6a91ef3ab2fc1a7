-- The message log stays trustworthy and bounded (docs/sync.md, "The
-- message log"):
-- - a body over the store's limit is kept truncated, with the size and
--   SHA-256 of the whole, so what was received can still be proven;
-- - rows that belong to a filing (outbox_seq set) stay append-only forever;
-- - rows outside filings (logins, receipt pulls, reference data) may be
--   deleted, and only by the one pruning path, which marks itself in
--   message_log_pruning within its own transaction.

ALTER TABLE message_log ADD COLUMN body_size INTEGER;
ALTER TABLE message_log ADD COLUMN body_sha256 TEXT;

CREATE TABLE message_log_pruning (active INTEGER NOT NULL) STRICT;

DROP TRIGGER message_log_no_delete;
CREATE TRIGGER message_log_no_delete BEFORE DELETE ON message_log
WHEN OLD.outbox_seq IS NOT NULL OR NOT EXISTS (SELECT 1 FROM message_log_pruning)
BEGIN SELECT RAISE(ABORT, 'message_log is append-only'); END;

CREATE INDEX message_log_outside_filings ON message_log (at) WHERE outbox_seq IS NULL;
