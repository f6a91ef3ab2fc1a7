-- Pending read-backs of filings an `M` receipt (修撤单已处理) said changed on
-- the server. The row is written in the same transaction that stores the
-- receipt (and moves the receipt cursor past it), and deleted only when the
-- worker has read the server's version and compared it (a conflict recorded
-- in 0003's `conflicts`, or the versions equal). A read that fails (offline,
-- 401, 5xx) therefore survives the worker stopping: the next worker retries.
--
-- Instants are INTEGER Unix milliseconds UTC, as in 0001.
CREATE TABLE conflict_checks (
    -- The local draft the filing belongs to (no foreign key, as in 0002: the
    -- trash may be emptied; the worker then drops the check).
    draft_id        TEXT    NOT NULL,
    -- Unified no. (统一编号) of the changed filing.
    seq_no          TEXT    NOT NULL,
    -- `M` receipts noted for this filing so far. A check that read the
    -- filing before a newer `M` arrived must not clear the newer one.
    receipts        INTEGER NOT NULL CHECK (receipts >= 1),
    noted_at        INTEGER NOT NULL,
    -- Failed reads that count for the backoff (not offline or 401).
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    PRIMARY KEY (draft_id, seq_no)
) STRICT;
