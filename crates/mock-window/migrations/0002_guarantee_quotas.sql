-- Guarantees and tax (issue 3 item 6): what `check_tax_choice` needs about an
-- enterprise and a guarantee, and each filing's tax choice and reservation.
-- Amounts stay decimal text (CNY, two places); Rust does the arithmetic with
-- rust_decimal inside one transaction, never SQLite's floating point.

-- Enterprise group (企业集团) and the tripartite agreement (三方协议).
ALTER TABLE enterprises ADD COLUMN group_id TEXT;
ALTER TABLE enterprises ADD COLUMN tripartite_agreement INTEGER NOT NULL DEFAULT 0;

ALTER TABLE guarantees ADD COLUMN scope TEXT NOT NULL DEFAULT 'general';
ALTER TABLE guarantees ADD COLUMN issuer_group TEXT NOT NULL DEFAULT '';

-- The first build stored the api crate's own kind names; the wire (and the
-- domain) now say bank_letter, tax_insurance, … .
UPDATE guarantees SET kind = CASE kind
    WHEN 'bank_letter_of_guarantee' THEN 'bank_letter'
    WHEN 'tax_guarantee_insurance' THEN 'tax_insurance'
    WHEN 'group_finance_company' THEN 'group_finance'
    WHEN 'advanced_certified_exemption' THEN 'advanced_exemption'
    ELSE kind END;

-- Demo data of databases seeded by the first build (a fresh database gets
-- these from the seed, which runs after the migrations).
UPDATE enterprises SET group_id = 'DPM-GROUP' WHERE customs_code = '2102910128';
UPDATE enterprises SET tripartite_agreement = 1
    WHERE customs_code IN ('2102961234', '2102910128', '2101930456');
UPDATE guarantees SET issuer_group = 'DPM-GROUP' WHERE guarantee_no = 'GFC-DPM-2026-0042';
UPDATE guarantees SET scope = 'single' WHERE kind IN ('cash_deposit', 'advanced_exemption');

-- Per filing: the tax-payment choice (JSON of the domain's TaxPaymentChoice),
-- the duty estimate, the guarantee it reserves on, the amount reserved at
-- release (NULL: nothing reserved) and when the duties were paid.
ALTER TABLE filings ADD COLUMN tax_payment TEXT;
ALTER TABLE filings ADD COLUMN duty_estimate TEXT;
ALTER TABLE filings ADD COLUMN quota_reserved TEXT;
ALTER TABLE filings ADD COLUMN paid_at INTEGER;
