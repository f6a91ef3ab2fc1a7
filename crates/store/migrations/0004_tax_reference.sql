-- Tax payment and guarantees (税费支付与担保, issue 6): each draft's
-- tax-payment choice, and the reference data synced from the Single Window
-- for offline use (guarantees, enterprise profile, port fee catalogue).
--
-- Instants are INTEGER Unix milliseconds UTC, as in 0001.

-- The tax-payment choice (TaxPaymentChoice as JSON) lives beside the
-- declaration, not in it (the declaration carries only its results:
-- document type, guarantee release). A row records the choice made while
-- `revision` was the draft's current revision; the choice in force at
-- revision r is the row with the greatest revision <= r. So history, the
-- filed revision and a later restore all resolve to a definite choice
-- without touching the revisions table. Changing the choice twice within
-- one revision keeps the last one.
CREATE TABLE draft_tax_choices (
    -- CASCADE: emptying the trash (the only deletion) takes the choices along.
    draft_id  TEXT    NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    revision  INTEGER NOT NULL CHECK (revision >= 1),
    choice    TEXT    NOT NULL,
    chosen_at INTEGER NOT NULL,
    PRIMARY KEY (draft_id, revision)
) STRICT;

-- The last copy of each reference document the server gave, exactly as it
-- was sent (the wire JSON), with its ETag and when it was last confirmed
-- fresh (a 200 or a 304). One copy per kind: it belongs to the account
-- that fetched it (`account` = server|customs code|operator), and a login
-- as another account refreshes it.
CREATE TABLE reference_cache (
    kind       TEXT    PRIMARY KEY CHECK (kind IN ('guarantees', 'enterprise', 'port_fees')),
    account    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    etag       TEXT,
    fetched_at INTEGER NOT NULL
) STRICT;
