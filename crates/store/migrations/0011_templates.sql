-- Declaration templates (报关单模板) and the clerk's default values (初始值).
--
-- A template is a revisioned document of the one revision engine
-- (revisions.rs): a list row plus every saved version, never updated. Its
-- body is a `Declaration` with an empty client sequence no.: a template is
-- never filed, so `client_seq_no` is always NULL here (the column is the
-- engine's, shared with the kinds that are filed).

CREATE TABLE templates (
    seq              INTEGER PRIMARY KEY,
    -- UUID v7, hyphenated lower case: the public id.
    id               TEXT    NOT NULL UNIQUE,
    client_seq_no    TEXT    UNIQUE CHECK (client_seq_no IS NULL),
    -- What the clerk calls it; unique among live templates (index below).
    name             TEXT    NOT NULL CHECK (length(name) > 0),
    note             TEXT    NOT NULL DEFAULT '',
    ie_flag          TEXT    NOT NULL CHECK (ie_flag IN ('I', 'E')),
    -- Always 'template' (the engine keeps a status per document).
    status           TEXT    NOT NULL,
    current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
    error_count      INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count    INTEGER NOT NULL CHECK (warning_count >= 0),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    -- NULL while live; set when the clerk deletes it (kept: drafts made
    -- from it still name it, and its history stays readable).
    trashed_at       INTEGER
) STRICT;

CREATE UNIQUE INDEX templates_live_name ON templates (name) WHERE trashed_at IS NULL;

CREATE TABLE template_revisions (
    template_id   TEXT    NOT NULL REFERENCES templates (id),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    -- The declaration as serde_json wrote it.
    body          TEXT    NOT NULL,
    saved_at      INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    error_count   INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count INTEGER NOT NULL CHECK (warning_count >= 0),
    note          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (template_id, revision)
) STRICT;

-- Which template (and which of its revisions) a draft was made from, for
-- "differences from the template". NULL for every other draft.
ALTER TABLE drafts ADD COLUMN template_id TEXT REFERENCES templates (id);
ALTER TABLE drafts ADD COLUMN template_revision INTEGER;

-- Default values the clerk sets per field (初始值): `path` is a head field
-- (`head.trade_mode`, `head.freight.currency`) or a goods-line field
-- (`lines.unit`), validated by portdesk_domain::defaults before it is stored.
CREATE TABLE field_defaults (
    path       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
