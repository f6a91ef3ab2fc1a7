-- The exchange folders (--exchange-dir): which filings came through them and
-- how far their receipts have been written into InBox as DEC_RESULT files,
-- so a restart neither loses nor repeats one; and how often each message
-- file name was taken (the import-failed fault is drawn per take).
CREATE TABLE exchange_filings (
    filing_id       INTEGER PRIMARY KEY REFERENCES filings(id),
    last_receipt_id INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE exchange_takes (
    file_name TEXT PRIMARY KEY,
    takes     INTEGER NOT NULL
);
