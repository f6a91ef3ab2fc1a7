-- The mock Single Window's state. Instants are milliseconds since the Unix
-- epoch on the server clock (which tests can move); dates are yyyy-mm-dd.

CREATE TABLE enterprises (
    id            INTEGER PRIMARY KEY,
    customs_code  TEXT NOT NULL UNIQUE,
    scc           TEXT NOT NULL UNIQUE,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    credit_rating TEXT NOT NULL CHECK (credit_rating IN ('advanced_certified', 'general', 'discredited')),
    customs_area  TEXT NOT NULL
);

CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    operator      TEXT NOT NULL,
    name_zh       TEXT NOT NULL,
    -- Argon2id PHC string; never the password.
    password_hash TEXT NOT NULL,
    UNIQUE (enterprise_id, operator)
);

-- Who may declare for whom (代理报关委托): agent files for principal.
CREATE TABLE agent_relations (
    agent_id     INTEGER NOT NULL REFERENCES enterprises(id),
    principal_id INTEGER NOT NULL REFERENCES enterprises(id),
    PRIMARY KEY (agent_id, principal_id)
);

CREATE TABLE guarantees (
    id            INTEGER PRIMARY KEY,
    guarantee_no  TEXT NOT NULL UNIQUE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    kind          TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    amount        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    quota_used    TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT NOT NULL,
    customs_area  TEXT NOT NULL
);

-- Only SHA-256 digests of tokens are stored.
CREATE TABLE tokens (
    token_hash    TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    operator_id   INTEGER NOT NULL REFERENCES operators(id),
    expires_at    INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE filings (
    id                  INTEGER PRIMARY KEY,
    enterprise_id       INTEGER NOT NULL REFERENCES enterprises(id),
    client_seq_no       TEXT NOT NULL,
    seq_no              TEXT NOT NULL UNIQUE,
    entry_id            TEXT UNIQUE,
    filing_mode         TEXT NOT NULL,
    advance             INTEGER NOT NULL,
    status              TEXT NOT NULL,
    declaration         TEXT NOT NULL,
    guarantee_no        TEXT,
    created_at          INTEGER NOT NULL,
    summary_accepted_at INTEGER,
    completed_at        INTEGER,
    -- One filing per client document id and enterprise, ever.
    UNIQUE (enterprise_id, client_seq_no)
);

-- Receipts in the order they were issued; the id is the cursor.
CREATE TABLE receipts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    filing_id     INTEGER NOT NULL REFERENCES filings(id),
    code          TEXT NOT NULL,
    message_zh    TEXT NOT NULL,
    message_en    TEXT NOT NULL,
    reasons       TEXT NOT NULL DEFAULT '[]',
    issued_at     INTEGER NOT NULL
);
CREATE INDEX receipts_by_enterprise ON receipts (enterprise_id, id);
CREATE INDEX receipts_by_filing ON receipts (filing_id, id);

-- The review schedule: the next receipt each filing is due, and when.
-- Persisted so pending reviews resume after a restart.
CREATE TABLE review_jobs (
    id        INTEGER PRIMARY KEY,
    filing_id INTEGER NOT NULL REFERENCES filings(id),
    code      TEXT NOT NULL,
    due_at    INTEGER NOT NULL,
    done      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_jobs_due ON review_jobs (done, due_at);

CREATE TABLE amendments (
    id                INTEGER PRIMARY KEY,
    filing_id         INTEGER NOT NULL REFERENCES filings(id),
    client_seq_no     TEXT NOT NULL,
    reason            TEXT NOT NULL,
    changes           TEXT NOT NULL,
    note              TEXT NOT NULL,
    no_error_recorded INTEGER NOT NULL,
    error_recorded    INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    UNIQUE (filing_id, client_seq_no)
);

-- Stored answers of writes, per enterprise and key.
CREATE TABLE idempotency (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status        INTEGER,
    content_type  TEXT,
    body          BLOB,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, key)
);

-- Counters for unified and customs numbers, per prefix.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Small server settings that must survive a restart (the clock offset).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
