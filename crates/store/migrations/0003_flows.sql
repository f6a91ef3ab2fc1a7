-- Filing flows beyond the first declaration: amendments (修撤单) sent through
-- the outbox with the server's answer, and conflicts between the server's
-- version of a filing and the local one.
--
-- Instants are INTEGER Unix milliseconds UTC, as in 0001.

-- One row per amendment, written in the same transaction as its outbox entry
-- and the draft revision that carries the changes.
CREATE TABLE amendments (
    seq               INTEGER PRIMARY KEY,
    draft_id          TEXT    NOT NULL,
    outbox_seq        INTEGER NOT NULL UNIQUE,
    -- The amendment's own client id: the server records one amendment per id.
    amendment_id      TEXT    NOT NULL UNIQUE,
    -- Unified no. (统一编号) of the amended filing.
    seq_no            TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    -- JSON array of {field, value}.
    changes           TEXT    NOT NULL,
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    -- From the server's answer, NULL until it came: 1 = tolerated (容错,
    -- 不记录差错), 0 = recorded as a declaration error.
    no_error_recorded INTEGER CHECK (no_error_recorded IN (0, 1)),
    -- The answer as received (JSON).
    answer            TEXT
) STRICT;

CREATE INDEX amendments_draft ON amendments (draft_id);

-- The server's version of a filing differed from the revision last filed:
-- both are kept until the clerk chooses. Nothing is deleted; a resolved row
-- keeps the server's body.
CREATE TABLE conflicts (
    seq               INTEGER PRIMARY KEY,
    draft_id          TEXT    NOT NULL,
    seq_no            TEXT    NOT NULL,
    -- The local revision the server's version diverged from (the one filed).
    base_revision     INTEGER NOT NULL,
    -- The server's declaration (interchange JSON).
    server_body       TEXT    NOT NULL,
    detected_at       INTEGER NOT NULL,
    -- NULL while open; 'server' = the server's version became a revision,
    -- 'mine' = the local version stays.
    resolution        TEXT    CHECK (resolution IN ('server', 'mine')),
    resolved_at       INTEGER,
    -- On 'server': the revision that holds the server's version.
    resolved_revision INTEGER
) STRICT;

CREATE INDEX conflicts_open ON conflicts (draft_id) WHERE resolution IS NULL;
