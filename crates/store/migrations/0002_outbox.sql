-- Filing: the outbox of writes to the Single Window, the receipts it sent
-- back, a persistent receipt cursor and the append-only message log.
--
-- Instants are INTEGER Unix milliseconds UTC, as in 0001.

-- One row per filing of a draft. Written in the same transaction as the
-- revision it files, so a filed revision always has its entry and an entry
-- always has its revision.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,
    -- UUID v7, the Idempotency-Key of every attempt of this write. Minted once
    -- when filing, never again: a retry after an unknown outcome must carry it.
    idempotency_key TEXT    NOT NULL UNIQUE,
    -- No foreign key to drafts/revisions on purpose: emptying the trash
    -- (0001's only deletion) must keep working unchanged; the outbox row and
    -- the message log stay as the record of what was sent.
    draft_id        TEXT    NOT NULL,
    revision        INTEGER NOT NULL,
    client_seq_no   TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    -- The exact request body, so every attempt sends the same bytes (the
    -- server answers 422 to a key reused with a different body).
    body            BLOB    NOT NULL,
    -- queued → sending → done | retry_wait | failed; retry_wait → sending.
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'retry_wait', 'done', 'failed')),
    -- Sends started (claims), including ones cut short by a crash.
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Transient failures answered or observed (5xx, 429, drops …): the
    -- backoff exponent. A crash of our own is not the server's failure and
    -- does not grow the backoff.
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    -- Not to be sent before this instant (backoff, Retry-After).
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- Last failure: a stable code and a human-readable detail (never secrets).
    last_error      TEXT,
    -- On failed: the permanent reason as JSON ({code, message, reasons}).
    failure         TEXT,
    -- On done: the server's unified no. and HTTP status.
    seq_no          TEXT,
    http_status     INTEGER
) STRICT;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('queued', 'retry_wait', 'sending');
CREATE INDEX outbox_draft ON outbox (draft_id);
CREATE INDEX outbox_client_seq_no ON outbox (client_seq_no);

-- Receipts (回执) as the server sent them, once each.
CREATE TABLE receipts (
    seq           INTEGER PRIMARY KEY,
    -- Account the receipt stream belongs to (server URL + enterprise): cursors
    -- are per caller.
    account       TEXT    NOT NULL,
    -- The server's id of the receipt (its cursor position).
    server_id     TEXT    NOT NULL,
    client_seq_no TEXT    NOT NULL,
    -- NULL when the filing is not (or no longer) a local draft.
    draft_id      TEXT,
    seq_no        TEXT    NOT NULL,
    entry_id      TEXT,
    code          TEXT    NOT NULL,
    message_zh    TEXT    NOT NULL,
    message_en    TEXT    NOT NULL,
    reasons       TEXT    NOT NULL DEFAULT '[]',
    issued_at     INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    UNIQUE (account, server_id)
) STRICT;

CREATE INDEX receipts_client_seq_no ON receipts (client_seq_no);

-- Small named values that must survive restarts: the receipt cursor per
-- account, the logged-in account (no secrets: those live in the OS keyring).
CREATE TABLE sync_state (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The audit trail: every request sent and every answer (or transport error)
-- received, append-only. Bodies have secrets removed before they get here.
CREATE TABLE message_log (
    seq             INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    -- request | response | error
    direction       TEXT    NOT NULL CHECK (direction IN ('request', 'response', 'error')),
    method          TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    outbox_seq      INTEGER,
    idempotency_key TEXT,
    status          INTEGER,
    -- Retry-After of the answer, in milliseconds.
    retry_after_ms  INTEGER,
    body            TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX message_log_outbox ON message_log (outbox_seq) WHERE outbox_seq IS NOT NULL;

CREATE TRIGGER message_log_no_update BEFORE UPDATE ON message_log
BEGIN SELECT RAISE(ABORT, 'message_log is append-only'); END;
CREATE TRIGGER message_log_no_delete BEFORE DELETE ON message_log
BEGIN SELECT RAISE(ABORT, 'message_log is append-only'); END;
