-- The exchange folders (--exchange-dir): which filings came through them and
-- how far their receipts have been written into InBox as DEC_RESULT files,
-- so a restart neither loses nor repeats one; and, per message file name,
-- how often it was taken (the import-failed fault is drawn per take) and,
-- while a take is under way, where the file was moved ('SentBox/<name>' or
-- 'FailBox/<name>'), so a take cut off by a kill is answered at restart.
CREATE TABLE exchange_filings (
    filing_id       INTEGER PRIMARY KEY REFERENCES filings(id),
    last_receipt_id INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE exchange_takes (
    file_name TEXT PRIMARY KEY,
    takes     INTEGER NOT NULL,
    moved_to  TEXT
);
