-- Drafts, their revision history and the full-text index.
--
-- Instants are INTEGER Unix milliseconds, UTC: compact, compare and index as
-- numbers, and round-trip exactly through chrono's DateTime<Utc>.
-- Tables are STRICT so a wrong type is an error, not a silent coercion.

-- One row per draft: what the list shows, copied from the current revision
-- so listing 100k drafts never parses a JSON body.
CREATE TABLE drafts (
    -- Internal, stable rowid: the full-text index is keyed by it. An explicit
    -- INTEGER PRIMARY KEY survives VACUUM; an implicit rowid may be renumbered.
    seq              INTEGER PRIMARY KEY,
    -- The draft's UUID (v7), hyphenated lower case: the public id.
    id               TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL DEFAULT 'declaration' CHECK (kind IN ('declaration')),
    -- Stable for the life of the declaration; unique so an import can never
    -- create a second draft that could be filed under the same number.
    client_seq_no    TEXT    NOT NULL UNIQUE,
    ie_flag          TEXT    NOT NULL CHECK (ie_flag IN ('I', 'E')),
    title            TEXT    NOT NULL,
    -- No CHECK: filing and receipts will add states; the Rust side rejects
    -- values it does not know as corrupt.
    status           TEXT    NOT NULL,
    current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
    error_count      INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count    INTEGER NOT NULL CHECK (warning_count >= 0),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    -- NULL while live; set while the draft is in the trash.
    trashed_at       INTEGER
) STRICT;

-- Every saved version. Never updated; deleted only with its draft when the
-- trash is emptied. No ON DELETE CASCADE on purpose: deleting a draft that
-- still has revisions fails instead of silently taking its history along.
CREATE TABLE revisions (
    draft_id      TEXT    NOT NULL REFERENCES drafts (id),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    -- The document as serde_json wrote it.
    body          TEXT    NOT NULL,
    saved_at      INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    error_count   INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count INTEGER NOT NULL CHECK (warning_count >= 0),
    note          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (draft_id, revision)
) STRICT;

-- List ordering is "newest updated first", always with a filter on the trash.
-- Partial indexes keep live and trashed drafts apart; the rowid (seq) that
-- every index carries breaks ties, so paging is stable.
CREATE INDEX drafts_live_updated   ON drafts (updated_at)         WHERE trashed_at IS NULL;
CREATE INDEX drafts_live_status    ON drafts (status, updated_at)  WHERE trashed_at IS NULL;
CREATE INDEX drafts_live_ie_flag   ON drafts (ie_flag, updated_at) WHERE trashed_at IS NULL;
CREATE INDEX drafts_trash_updated  ON drafts (updated_at)         WHERE trashed_at IS NOT NULL;

-- Full-text index, rowid = drafts.seq, one row per draft (current revision).
-- The text is pre-segmented in Rust (src/search.rs): Latin/digit words as
-- they are, runs of Chinese (CJK) characters as overlapping bigrams plus the
-- run's last character. unicode61 then only splits on the spaces we put in
-- and folds case. Contentless (the terms are derived data, no need to store
-- them twice) with contentless_delete so rows can be replaced and deleted.
CREATE VIRTUAL TABLE drafts_fts USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
