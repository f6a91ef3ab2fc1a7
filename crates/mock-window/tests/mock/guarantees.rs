//! Guarantees and tax: the enterprise profile and guarantees as served,
//! summary tax reserving quota on release and payment restoring it, each
//! `TAX-*` refusal with its rule id, tenant isolation, no oversubscription
//! under concurrent submissions, idempotent payment.

use crate::common::*;
use serde_json::{json, Value};

/// The live general bank letter of `DEMO_CODE` (5 000 000, 1 250 000 used, area 0900).
const LETTER: &str = "BG-BOC-DL-2026-000117";
const DEMO_SCC: &str = "91210200MA0Y8K3T7Q";
const STEEL: &str = "2102930001";
const STEEL_SCC: &str = "91210200MA0QC4L18M";
const DISCREDITED: &str = "2108940321";
const DISCREDITED_SCC: &str = "91210804MA0U2F6P1R";

/// The import sample declared by `code` itself, marked summary tax (`CL0`).
fn own_import(code: &str, scc: &str, client_seq_no: &str) -> Value {
    let mut d = import_declaration(client_seq_no);
    d["head"]["trade_code"] = json!(code);
    d["head"]["trade_scc"] = json!(scc);
    d["head"]["document_type"] = json!("CL0");
    d
}

/// The mock's flags for the test rate files (`tests/fixtures/estimate`):
/// 8457101000 at 10 %, VAT 13 %, USD 7.10.
pub fn rate_flags() -> Vec<&'static str> {
    let dir = portdesk_testkit::workspace().join("tests/fixtures/estimate");
    let leak = |p: std::path::PathBuf| -> &'static str {
        Box::leak(p.display().to_string().into_boxed_str())
    };
    vec![
        "--tariff-rates",
        leak(dir.join("tariff_rates.json")),
        "--exchange-rates",
        leak(dir.join("exchange_rates.json")),
    ]
}

fn with_tax(declaration: Value, tax_payment: Value) -> Value {
    json!({"declaration": declaration, "tax_payment": tax_payment})
}

fn summary_tax(guarantee_no: &str) -> Value {
    json!({"summary_tax": true, "guarantee_no": guarantee_no})
}

async fn guarantee(m: &Mock, token: &str, number: &str) -> Value {
    let r = m.get(token, &format!("/v1/guarantees/{number}")).await;
    assert_eq!(r.status(), 200, "{number}");
    r.json().await.unwrap()
}

fn rules(answer: &Value) -> Vec<String> {
    answer["receipt"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_owned())
        .collect()
}

/// Files and expects an `E` answer whose reasons are all `TAX-*` and include `rule`.
async fn refused(m: &Mock, token: &str, key: &str, body: &Value, rule: &str) {
    let r = m.post(token, "/v1/declarations", key, body).await;
    assert_eq!(r.status(), 201, "{key}");
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["status"], "rejected", "{key}: {a}");
    assert_eq!(a["receipt"]["code"], "E");
    let rules = rules(&a);
    assert!(
        rules.iter().any(|r| r == rule),
        "{key}: {rule} not in {rules:?}"
    );
    assert!(
        rules.iter().all(|r| r.starts_with("TAX-")),
        "{key}: only the tax choice is wrong: {rules:?}"
    );
    let reason = &a["receipt"]["reasons"][0];
    assert!(!reason["message_zh"].as_str().unwrap().is_empty());
    assert!(!reason["message_en"].as_str().unwrap().is_empty());
}

/// Polls until the filing is closed (released and beyond) or rejected.
async fn wait_final(m: &Mock, token: &str, seq_no: &str) -> Value {
    for _ in 0..400 {
        let v: Value = m
            .get(token, &format!("/v1/declarations/{seq_no}"))
            .await
            .json()
            .await
            .unwrap();
        if v["status"] == "closed" || v["status"] == "rejected" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{seq_no} never finished");
}

#[tokio::test]
async fn summary_tax_reserves_on_release_and_payment_restores() {
    let m = Mock::start(&rate_flags()).await;
    let token = m.token(DEMO_CODE).await;

    let e: Value = m.get(&token, "/v1/enterprise").await.json().await.unwrap();
    assert_eq!(e["customs_code"], DEMO_CODE);
    assert_eq!(e["rating"], "advanced_certified");
    assert_eq!(e["customs_area"], "0900");
    assert_eq!(e["has_tripartite_agreement"], true);
    assert!(e["group"].is_null());

    let g = guarantee(&m, &token, LETTER).await;
    assert_eq!(g["kind"], "bank_letter");
    assert_eq!(g["scope"], "general");
    assert_eq!(g["amount"], "5000000.00");
    assert_eq!(g["quota_used"], "1250000.00");
    assert_eq!(g["quota_left"], "3750000.00");
    assert_eq!(g["valid_to"], "2027-12-31");
    assert_eq!(g["customs_area"], "0900");

    let r = m
        .post(
            &token,
            "/v1/declarations",
            "st-1",
            &with_tax(
                own_import(DEMO_CODE, DEMO_SCC, "PDTAX0000000000001"),
                summary_tax(LETTER),
            ),
        )
        .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["receipt"]["code"], "L", "{a}");
    let seq = a["seq_no"].as_str().unwrap().to_owned();
    // Accepted is not released: nothing is reserved before `P`.
    assert_eq!(
        guarantee(&m, &token, LETTER).await["quota_used"],
        "1250000.00"
    );

    let v = m.wait_status(&token, &seq, "closed").await;
    // FOB import, November rates (USD 7.10), test rates 10 % + VAT 13 %:
    // goods 173 000.00 × 7.10 = 1 228 300.00; freight 850 USD = 6 035.00;
    // insurance 0.3 % × 1 234 335.00 = 3 703.005 → 3 703.01;
    // customs value 1 238 038.01; duty 123 803.801 → 123 803.80;
    // VAT (1 238 038.01 + 123 803.80) × 13 % = 177 039.4353 → 177 039.44;
    // reserved = duty + VAT = 300 843.24.
    assert_eq!(v["duty_estimate"], "300843.24");
    assert_eq!(v["quota_reserved"], "300843.24");
    assert_eq!(v["tax_payment"]["summary_tax"], true);
    assert_eq!(v["guarantee_no"], LETTER);
    let codes: Vec<_> = v["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert_eq!(codes, ["L", "G", "P", "R"]);
    let list: Value = m.get(&token, "/v1/guarantees").await.json().await.unwrap();
    let g = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == LETTER)
        .unwrap();
    assert_eq!(g["quota_used"], "1550843.24");
    assert_eq!(g["quota_left"], "3449156.76");

    // Payment restores the reservation, once, whatever the retries.
    let pay = format!("/v1/declarations/{seq}/payment");
    let r = m.post(&token, &pay, "pay-1", &json!({})).await;
    assert_eq!(r.status(), 200);
    let first = r.text().await.unwrap();
    let p: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(p["amount_paid"], "300843.24");
    assert_eq!(p["quota_restored"], "300843.24");
    assert_eq!(p["guarantee"]["quota_used"], "1250000.00");
    let r = m.post(&token, &pay, "pay-1", &json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.text().await.unwrap(), first, "replayed byte for byte");
    let r = m.post(&token, &pay, "pay-2", &json!({})).await;
    assert_eq!(
        r.status(),
        200,
        "paying again with a new key is the same payment"
    );
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["paid_at"], p["paid_at"]);
    assert_eq!(
        guarantee(&m, &token, LETTER).await["quota_used"],
        "1250000.00"
    );
    let v: Value = m
        .get(&token, &format!("/v1/declarations/{seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(v["paid_at"].is_string());

    // No reservation, nothing to pay; someone else's filing is not found.
    let plain: Value = m
        .post(
            &token,
            "/v1/declarations",
            "plain",
            &submission(own_import(DEMO_CODE, DEMO_SCC, "PDTAX0000000000002")),
        )
        .await
        .json()
        .await
        .unwrap();
    let plain_seq = plain["seq_no"].as_str().unwrap();
    let r = m
        .post(
            &token,
            &format!("/v1/declarations/{plain_seq}/payment"),
            "pay-3",
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let other = m.token(STEEL).await;
    let r = m.post(&other, &pay, "pay-x", &json!({})).await;
    assert_eq!(r.status(), 404);

    // The server clock decides expiry: past the letter's last day it secures nothing.
    m.advance_clock(800 * 86_400).await;
    let token = m.token(DEMO_CODE).await;
    refused(
        &m,
        &token,
        "late",
        &with_tax(
            own_import(DEMO_CODE, DEMO_SCC, "PDTAX0000000000003"),
            summary_tax(LETTER),
        ),
        "TAX-GUARANTEE-EXPIRED",
    )
    .await;
}

#[tokio::test]
async fn unusable_guarantees_and_ratings_are_refused_with_their_rule() {
    let m = Mock::start(&rate_flags()).await;

    // General steel trader: expired letter, exhausted policy, a stale exemption.
    let steel = m.token(STEEL).await;
    let decl = |n: &str| own_import(STEEL, STEEL_SCC, &format!("PDTAXREF0000000{n}"));
    refused(
        &m,
        &steel,
        "expired",
        &with_tax(decl("001"), summary_tax("BG-CCB-DL-2025-004521")),
        "TAX-GUARANTEE-EXPIRED",
    )
    .await;
    refused(
        &m,
        &steel,
        "exhausted",
        &with_tax(decl("002"), summary_tax("PICC-GTI-2026-2102-000187")),
        "TAX-GUARANTEE-QUOTA",
    )
    .await;
    refused(
        &m,
        &steel,
        "exemption",
        &with_tax(
            decl("003"),
            json!({"release_on_guarantee": true, "guarantee_no": "AEO-EX-0900-2102930001"}),
        ),
        "TAX-EXEMPTION",
    )
    .await;
    // Another enterprise's letter is not on record for this one.
    refused(
        &m,
        &steel,
        "foreign",
        &with_tax(decl("004"), summary_tax(LETTER)),
        "TAX-GUARANTEE-REQ",
    )
    .await;
    // Summary tax without a guarantee.
    refused(
        &m,
        &steel,
        "none",
        &with_tax(decl("005"), json!({"summary_tax": true})),
        "TAX-SUMMARY-GUARANTEE",
    )
    .await;

    // Manufacturer: a policy filed with Shenyang customs, declared in Dalian.
    let imp = m.token(IMPORTER).await;
    let mut d = import_declaration("PDTAXREF0000000006");
    d["head"]["document_type"] = json!("CL0");
    refused(
        &m,
        &imp,
        "area",
        &with_tax(d, summary_tax("PAIC-GTI-2026-0800-003310")),
        "TAX-GUARANTEE-AREA",
    )
    .await;

    // Discredited exporter: no summary tax, even on its own deposit …
    let bad = m.token(DISCREDITED).await;
    let decl = |n: &str| own_import(DISCREDITED, DISCREDITED_SCC, &format!("PDTAXREF0000000{n}"));
    refused(
        &m,
        &bad,
        "discredited",
        &with_tax(decl("007"), summary_tax("CD-0908-2026-000007")),
        "TAX-DISCREDITED",
    )
    .await;
    // … but release against the deposit is open to it.
    let mut d = decl("008");
    d["head"]["document_type"] = json!("  0");
    d["head"]["guarantee_release"] = json!(true);
    let r = m
        .post(
            &bad,
            "/v1/declarations",
            "deposit",
            &with_tax(
                d,
                json!({"release_on_guarantee": true, "guarantee_no": "CD-0908-2026-000007"}),
            ),
        )
        .await;
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["receipt"]["code"], "L", "{a}");
}

#[tokio::test]
async fn guarantees_are_tenant_isolated() {
    let m = Mock::start(&rate_flags()).await;
    let steel = m.token(STEEL).await;
    let list: Value = m.get(&steel, "/v1/guarantees").await.json().await.unwrap();
    let mut numbers: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["number"].as_str().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "AEO-EX-0900-2102930001",
            "BG-CCB-DL-2025-004521",
            "PICC-GTI-2026-2102-000187"
        ]
    );
    let r = m.get(&steel, &format!("/v1/guarantees/{LETTER}")).await;
    assert_eq!(r.status(), 404);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "not_found");
    assert_eq!(m.get(&steel, "/v1/guarantees/NO-SUCH").await.status(), 404);
    let imp = m.token(IMPORTER).await;
    let g = guarantee(&m, &imp, "GFC-DPM-2026-0042").await;
    assert_eq!(g["issuer_group"], "DPM-GROUP");
    let e: Value = m.get(&imp, "/v1/enterprise").await.json().await.unwrap();
    assert_eq!(e["group"], "DPM-GROUP");
    // No token, no guarantees.
    let r = m.http.get(m.url("/v1/guarantees")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn concurrent_summary_tax_declarations_never_oversubscribe() {
    let m = Mock::start(&rate_flags()).await;
    let token = m.token(DEMO_CODE).await;
    // Each is CIF 6 000 000 CNY: duty 10 % = 600 000.00, VAT
    // 6 600 000 × 13 % = 858 000.00, estimate 1 458 000.00; 3 750 000 are
    // free, so two fit and the others must be refused, at submission or at
    // release, whichever sees the quota gone first.
    let body = |n: usize| {
        let mut d = own_import(DEMO_CODE, DEMO_SCC, &format!("PDTAXCONC00000000{n}"));
        d["lines"][0]["currency"] = json!("CNY");
        d["head"]["terms_of_sale"] = json!("1");
        d["lines"][0]["unit_price"] = json!("3000000.00");
        d["lines"][0]["total_price"] = json!("6000000.00");
        with_tax(d, summary_tax(LETTER))
    };
    let bodies: Vec<Value> = (1..=4).map(body).collect();
    let (a, b, c, d) = tokio::join!(
        m.post(&token, "/v1/declarations", "k1", &bodies[0]),
        m.post(&token, "/v1/declarations", "k2", &bodies[1]),
        m.post(&token, "/v1/declarations", "k3", &bodies[2]),
        m.post(&token, "/v1/declarations", "k4", &bodies[3]),
    );
    let mut released = 0;
    for r in [a, b, c, d] {
        assert_eq!(r.status(), 201);
        let a: Value = r.json().await.unwrap();
        let v = wait_final(&m, &token, a["seq_no"].as_str().unwrap()).await;
        if v["status"] == "closed" {
            assert_eq!(v["quota_reserved"], "1458000.00");
            released += 1;
        } else {
            assert!(v["quota_reserved"].is_null());
            let e = v["receipts"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(e["code"], "E");
            assert_eq!(e["reasons"][0]["rule"], "TAX-GUARANTEE-QUOTA", "{e}");
        }
    }
    assert_eq!(released, 2);
    let g = guarantee(&m, &token, LETTER).await;
    assert_eq!(g["quota_used"], "4166000.00");
    assert_eq!(g["quota_left"], "834000.00");
}

/// With another rate file the reservation follows it, and equals what the
/// client computes from the same files (the domain estimate the client's
/// `Drafts::duty_estimate` runs).
#[tokio::test]
async fn reservation_follows_the_rate_file_and_equals_the_client_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = portdesk_testkit::workspace().join("tests/fixtures/estimate");
    let mut tariff: portdesk_domain::tax_estimate::TariffRates =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("tariff_rates.json")).unwrap())
            .unwrap();
    // 8457101000 at 5 % instead of 10 %, VAT 9 % instead of 13 %.
    tariff.entries[0].mfn_rate = Some("5".into());
    tariff.entries[0].vat_rate = Some("9".into());
    let tariff_file = dir.path().join("tariff_rates.json");
    std::fs::write(&tariff_file, serde_json::to_string(&tariff).unwrap()).unwrap();
    let fx_file = fixtures.join("exchange_rates.json");
    let (t, f) = (
        tariff_file.display().to_string(),
        fx_file.display().to_string(),
    );
    let m = Mock::start(&["--tariff-rates", &t, "--exchange-rates", &f]).await;
    let token = m.token(DEMO_CODE).await;
    let decl = own_import(DEMO_CODE, DEMO_SCC, "PDTAXRATE000000001");
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "rate-1",
            &with_tax(decl.clone(), summary_tax(LETTER)),
        )
        .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let v = m
        .wait_status(&token, a["seq_no"].as_str().unwrap(), "closed")
        .await;
    // customs value 1 238 038.01 (as above); duty 5 % = 61 901.9005 →
    // 61 901.90; VAT (1 238 038.01 + 61 901.90) × 9 % = 116 994.5919 →
    // 116 994.59; reserved 178 896.49.
    assert_eq!(v["quota_reserved"], "178896.49");
    let client = portdesk_domain::tax_estimate::EstimateRates {
        tariff,
        exchange: serde_json::from_str(&std::fs::read_to_string(&fx_file).unwrap()).unwrap(),
    };
    let d: portdesk_domain::Declaration = serde_json::from_value(decl).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    assert_eq!(
        client.estimate(&d, today).total_payable.to_string(),
        v["quota_reserved"].as_str().unwrap()
    );
}
