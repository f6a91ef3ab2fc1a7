-- Certificate-of-origin applications (原产地证书申请): revisioned like
-- declaration drafts, plus the certificate once customs approves it.
--
-- Instants are INTEGER Unix milliseconds UTC, as in 0001. Filing an
-- application writes its outbox entry into 0002's `outbox` table (draft_id =
-- the application's id), in the same transaction as the filed revision.

-- One row per application: what the list shows, copied from the current
-- revision, and where the filing stands.
CREATE TABLE origin_applications (
    seq                INTEGER PRIMARY KEY,
    -- UUID v7, hyphenated lower case: the public id.
    id                 TEXT    NOT NULL UNIQUE,
    -- The client's 18-char id of the application; the Single Window knows the
    -- application by it, so it never changes and is never reused.
    client_seq_no      TEXT    NOT NULL UNIQUE,
    form               TEXT    NOT NULL CHECK (form IN ('C', 'E', 'R')),
    title              TEXT    NOT NULL,
    -- draft | ready | queued | sent | accepted | manual_review | approved | rejected
    -- (no CHECK, like drafts.status: the Rust side rejects unknown values).
    status             TEXT    NOT NULL,
    current_revision   INTEGER NOT NULL CHECK (current_revision >= 1),
    error_count        INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count      INTEGER NOT NULL CHECK (warning_count >= 0),
    -- Client sequence no. of the declaration it was started from.
    source_declaration TEXT,
    -- The server's application no. (申请编号) once known.
    seq_no             TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX origin_applications_updated ON origin_applications (updated_at);

-- Every saved version, never updated.
CREATE TABLE origin_revisions (
    application_id TEXT    NOT NULL REFERENCES origin_applications (id),
    revision       INTEGER NOT NULL CHECK (revision >= 1),
    -- The application as serde_json wrote it.
    body           TEXT    NOT NULL,
    saved_at       INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    error_count    INTEGER NOT NULL CHECK (error_count >= 0),
    warning_count  INTEGER NOT NULL CHECK (warning_count >= 0),
    note           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, revision)
) STRICT;

-- The issued certificate (签证通过): everything self-printing and offline
-- verification need, as the server sent it. One per application.
CREATE TABLE origin_certificates (
    application_id TEXT    NOT NULL PRIMARY KEY REFERENCES origin_applications (id),
    -- 16 chars, unique for ever.
    number         TEXT    NOT NULL UNIQUE,
    -- yyyy-mm-dd
    issue_date     TEXT    NOT NULL,
    expiry_date    TEXT    NOT NULL,
    -- The certified fields as JSON (portdesk_domain::origin::CertifiedFields).
    certified      TEXT    NOT NULL,
    -- Base64 Ed25519 signature over the certified fields' canonical bytes.
    signature      TEXT    NOT NULL,
    -- The QR code's text (PDC1:…).
    qr_text        TEXT    NOT NULL,
    key_id         TEXT    NOT NULL,
    -- The application as the server approved it: the print data.
    application    TEXT    NOT NULL,
    stored_at      INTEGER NOT NULL
) STRICT;
