-- Counting the outbox by state (the header's sync counts, refreshed during
-- every delivery; the worker's idle check) scanned every row, request
-- bodies included: 20 ms at 10,000 filings, growing with the history. The
-- index answers the count alone (docs/benchmarks.md, "Sync throughput").
CREATE INDEX outbox_state ON outbox (state);
