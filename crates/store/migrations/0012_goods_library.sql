-- The goods library (商品库): one record per article the enterprise
-- declares, learnt from accepted declarations, edited, imported and
-- exported by the clerk, and picked to fill a goods line.
--
-- A record is a revisioned document of the one revision engine
-- (revisions.rs): a list row plus every saved version. Its body is a
-- `GoodsRecord` (portdesk_domain::goods) as serde_json wrote it. Records are
-- never filed, so `client_seq_no` is always NULL.

CREATE TABLE goods (
    seq              INTEGER PRIMARY KEY,
    -- UUID v7, hyphenated lower case: the public id.
    id               TEXT    NOT NULL UNIQUE,
    client_seq_no    TEXT    UNIQUE CHECK (client_seq_no IS NULL),
    -- `P:<part number>` or `C:<code>|<name>`, normalised
    -- (portdesk_domain::goods::goods_key): one live record per key.
    goods_key        TEXT    NOT NULL CHECK (length(goods_key) > 2),
    -- What the picker shows, copied from the current revision.
    part_number      TEXT    NOT NULL DEFAULT '',
    commodity_code   TEXT    NOT NULL DEFAULT '',
    name             TEXT    NOT NULL DEFAULT '',
    last_unit_price  TEXT    NOT NULL DEFAULT '',
    last_currency    TEXT    NOT NULL DEFAULT '',
    -- ms since the epoch; NULL for a record never declared.
    last_used        INTEGER,
    -- Always 'goods' (the engine keeps a status per document).
    status           TEXT    NOT NULL,
    current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
    error_count      INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count    INTEGER NOT NULL CHECK (warning_count >= 0),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    trashed_at       INTEGER
) STRICT;

CREATE UNIQUE INDEX goods_live_key ON goods (goods_key) WHERE trashed_at IS NULL;
-- The picker's order: most recently used first, never-used last.
CREATE INDEX goods_live_recent ON goods (last_used DESC, seq DESC) WHERE trashed_at IS NULL;

CREATE TABLE goods_revisions (
    goods_id      TEXT    NOT NULL REFERENCES goods (id),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    body          TEXT    NOT NULL,
    saved_at      INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    error_count   INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count INTEGER NOT NULL CHECK (warning_count >= 0),
    note          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (goods_id, revision)
) STRICT;

-- Full-text index of part number, code and name, rowid = goods.seq, the
-- terms segmented in Rust as for drafts_fts (src/search.rs: CJK bigrams),
-- plus every suffix of a Latin/digit word, so a prefix query finds a part
-- number or code by any part of it.
CREATE VIRTUAL TABLE goods_fts USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The declarations the library has learnt from (one row per accepted
-- declaration, written in the transaction of the receipt that accepted
-- it), so a repeated receipt or a restart never learns twice.
CREATE TABLE goods_learned (
    draft_id   TEXT    NOT NULL PRIMARY KEY REFERENCES drafts (id),
    revision   INTEGER NOT NULL,
    learned_at INTEGER NOT NULL
) STRICT;
