-- Claiming the next batch (`Store::claim_due`) sorted every due entry, its
-- request body included, to take the first 64: at 10,000 queued filings the
-- worker re-read and re-sorted the queue's bodies 158 times (most of the sync
-- worker's SQLite time, docs/benchmarks.md, "Sync throughput"). The claim
-- order as an index: the claim walks it and stops at the batch's size.
CREATE INDEX outbox_claim ON outbox (crashes > 0 DESC, next_attempt_at, seq)
    WHERE state IN ('queued', 'retry_wait');
