-- Outbox entries and receipts name the kind of document they belong to, so
-- recording an outcome or a receipt updates that document's status whatever
-- its kind (a declaration draft or a certificate-of-origin application), with
-- no editor open.
--
-- The outbox's and receipts' `draft_id` become `document_id`: since 0005 an
-- outbox entry may belong to an origin application. Existing rows keep their
-- values; their kind is read off the table their document lives in.

ALTER TABLE outbox RENAME COLUMN draft_id TO document_id;
ALTER TABLE outbox ADD COLUMN document_kind TEXT NOT NULL DEFAULT 'declaration'
    CHECK (document_kind IN ('declaration', 'origin_application'));
UPDATE outbox SET document_kind = 'origin_application'
    WHERE document_id IN (SELECT id FROM origin_applications);

ALTER TABLE receipts RENAME COLUMN draft_id TO document_id;
-- NULL when the filing is not (or no longer) a local document.
ALTER TABLE receipts ADD COLUMN document_kind TEXT
    CHECK (document_kind IN ('declaration', 'origin_application'));
UPDATE receipts SET document_kind = 'declaration' WHERE document_id IS NOT NULL;
UPDATE receipts SET document_kind = 'origin_application',
    document_id = (SELECT a.id FROM origin_applications a WHERE a.client_seq_no = receipts.client_seq_no)
    WHERE document_id IS NULL
    AND client_seq_no IN (SELECT client_seq_no FROM origin_applications);
