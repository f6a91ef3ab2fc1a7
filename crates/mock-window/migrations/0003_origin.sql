-- Certificates of origin (issue 3 item 5): applications, their review
-- schedule, and receipts that may belong to an application instead of a
-- declaration.

-- Box 1 of a certificate must equal the enterprise's record in English
-- (COO-EXPORTER); the seed fills the addresses of the demo enterprises.
ALTER TABLE enterprises ADD COLUMN address_en TEXT NOT NULL DEFAULT '';
-- The steel trader's English name as its certificates (and the origin
-- fixtures) spell it; the first build had a transliteration.
UPDATE enterprises SET name_en = 'Dalian Northern Steel Import & Export Co., Ltd.'
    WHERE customs_code = '2102930001';

CREATE TABLE origin_applications (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    client_seq_no TEXT NOT NULL,
    seq_no        TEXT NOT NULL UNIQUE,
    form          TEXT NOT NULL,
    status        TEXT NOT NULL,
    -- JSON of the domain's OriginApplication, as filed (the print data).
    application   TEXT NOT NULL,
    -- JSON array of RejectionReason when rejected.
    reasons       TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    decided_at    INTEGER,
    -- The certificate, once approved. The seal and signature are stored,
    -- not recomputed, so a later key rotation never changes an issued paper.
    certificate_number TEXT UNIQUE,
    -- First invoice number, uppercase: what the verification service looks up.
    invoice_no    TEXT,
    issue_date    TEXT,
    expiry_date   TEXT,
    certified     TEXT,
    signature     TEXT,
    qr_text       TEXT,
    key_id        TEXT,
    -- One application per client document id and enterprise, ever.
    UNIQUE (enterprise_id, client_seq_no)
);

-- Smart review steps due, persisted so a pending review resumes after a restart.
CREATE TABLE origin_review_jobs (
    id        INTEGER PRIMARY KEY,
    origin_id INTEGER NOT NULL REFERENCES origin_applications(id),
    due_at    INTEGER NOT NULL,
    done      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX origin_review_jobs_due ON origin_review_jobs (done, due_at);

-- Receipts now belong to a declaration or to an origin application, and
-- stay one feed with one cursor. SQLite cannot relax NOT NULL in place, so
-- the table is rebuilt with its ids (the cursors) kept, and its
-- AUTOINCREMENT high-water mark carried over, so no id is ever reused.
CREATE TABLE receipts_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    filing_id     INTEGER REFERENCES filings(id),
    origin_id     INTEGER REFERENCES origin_applications(id),
    code          TEXT NOT NULL,
    message_zh    TEXT NOT NULL,
    message_en    TEXT NOT NULL,
    reasons       TEXT NOT NULL DEFAULT '[]',
    issued_at     INTEGER NOT NULL,
    CHECK ((filing_id IS NULL) <> (origin_id IS NULL))
);
INSERT INTO receipts_new (id, enterprise_id, filing_id, code, message_zh, message_en, reasons, issued_at)
    SELECT id, enterprise_id, filing_id, code, message_zh, message_en, reasons, issued_at FROM receipts;
DELETE FROM sqlite_sequence WHERE name = 'receipts_new';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'receipts_new', seq FROM sqlite_sequence WHERE name = 'receipts';
DROP TABLE receipts;
ALTER TABLE receipts_new RENAME TO receipts;
CREATE INDEX receipts_by_enterprise ON receipts (enterprise_id, id);
CREATE INDEX receipts_by_filing ON receipts (filing_id, id);
CREATE INDEX receipts_by_origin ON receipts (origin_id, id);
