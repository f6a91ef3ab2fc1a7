//! Declarations: server-side validation with the domain's rule ids, the
//! consignee rule, the review rejection trigger, the two-step window and
//! tolerated vs recorded amendments.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn validation_rejection_carries_the_domain_rule_ids() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let mut d = invalid_declaration("PDBAD0000000000001");
    // Filed by the broker for its principal, so only the domain rules fail.
    d["head"]["trade_code"] = json!("2102930001");
    d["head"]["agent_code"] = json!(BROKER);
    d["head"]["agent_scc"] = json!("91210231MA10XB2P32");
    let r = m
        .post(&token, "/v1/declarations", "bad-1", &submission(d))
        .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["status"], "rejected");
    assert!(a["entry_id"].is_null(), "no customs no. without acceptance");
    assert_eq!(a["seq_no"].as_str().unwrap().len(), 18);
    assert_eq!(a["receipt"]["code"], "E");
    let reasons: Vec<(String, String)> = a["receipt"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().into(),
                r["field"].as_str().unwrap().into(),
            )
        })
        .collect();
    // The domain's documented errors of this fixture (tests/fixtures.rs of the domain).
    for expected in [
        ("DEC-SCC", "head.trade_scc"),
        ("DEC-CODE", "head.trade_mode"),
        ("DEC-X01", "head.net_weight"),
        ("DEC-CODE", "lines[1].unit"),
        ("DEC-CNTR", "containers[0].number"),
    ] {
        assert!(
            reasons.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} missing from {reasons:?}"
        );
    }
    for r in a["receipt"]["reasons"].as_array().unwrap() {
        assert!(!r["message_zh"].as_str().unwrap().is_empty());
        assert!(!r["message_en"].as_str().unwrap().is_empty());
    }
    // The rejection is in the feed too.
    let feed = m.all_receipts(&token).await;
    assert_eq!(codes_of(&feed, a["seq_no"].as_str().unwrap()), ["E"]);

    // Declaring the fixed document again re-declares the same filing.
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "bad-2",
            &submission(export_declaration("PDBAD0000000000001")),
        )
        .await;
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["seq_no"], a["seq_no"]);
    assert_eq!(b["receipt"]["code"], "L");
    assert_eq!(b["entry_id"].as_str().unwrap().len(), 18);
}

#[tokio::test]
async fn the_consignee_must_be_the_caller_or_a_principal() {
    let m = Mock::start(&[]).await;
    // The Shenyang manufacturer neither is the consignee nor its agent.
    let token = m.token("2101930456").await;
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "c-1",
            &submission(export_declaration("PDCONS000000000001")),
        )
        .await;
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["receipt"]["code"], "E");
    assert_eq!(a["receipt"]["reasons"][0]["rule"], "SW-CONSIGNEE");
    assert_eq!(a["receipt"]["reasons"][0]["field"], "head.trade_code");
}

#[tokio::test]
async fn one_step_review_and_the_reject_trigger() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "ok",
            &submission(export_declaration("PDREV0000000000001")),
        )
        .await;
    let ok: Value = r.json().await.unwrap();
    let entry_id = ok["entry_id"].as_str().unwrap();
    // Customs no.: office 0900, year, 0 = export, 9-digit sequence.
    assert!(entry_id.starts_with("0900"));
    assert_eq!(&entry_id[8..9], "0");
    assert!(entry_id.bytes().all(|b| b.is_ascii_digit()));

    let mut d = export_declaration("PDREV0000000000002");
    d["head"]["remarks"] = json!("#REJECT:head.bill_no");
    let r = m
        .post(&token, "/v1/declarations", "rej", &submission(d))
        .await;
    let rej: Value = r.json().await.unwrap();
    assert_eq!(
        rej["receipt"]["code"], "L",
        "accepted first, rejected on review"
    );

    let seq_ok = ok["seq_no"].as_str().unwrap();
    let seq_rej = rej["seq_no"].as_str().unwrap();
    m.wait_status(&token, seq_ok, "closed").await;
    let v = m.wait_status(&token, seq_rej, "rejected").await;
    let feed = m.all_receipts(&token).await;
    assert_eq!(codes_of(&feed, seq_ok), ["L", "G", "P", "R"]);
    assert_eq!(codes_of(&feed, seq_rej), ["L", "E"]);
    let e = feed
        .iter()
        .find(|r| r["seq_no"] == seq_rej && r["code"] == "E")
        .unwrap();
    assert_eq!(e["reasons"][0]["rule"], "SW-REVIEW");
    assert_eq!(e["reasons"][0]["field"], "head.bill_no");
    assert_eq!(v["receipts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn two_step_window_of_fourteen_days() {
    let m = Mock::start(&[]).await;
    let token = m.token(IMPORTER).await;

    // Summary → SpL, SpJ, SpK; completed on day 13 → L, G, P, R.
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "s1",
            &submission(summary_declaration("PD2STEP00000000001")),
        )
        .await;
    assert_eq!(r.status(), 201);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["receipt"]["code"], "SpL", "{s}");
    let seq = s["seq_no"].as_str().unwrap().to_owned();
    assert_eq!(&s["entry_id"].as_str().unwrap()[8..9], "1", "import");
    m.wait_status(&token, &seq, "summary_released").await;
    m.advance_clock(13 * 86_400).await;
    let token = m.token(IMPORTER).await;
    let r = m
        .post(
            &token,
            &format!("/v1/declarations/{seq}/complete"),
            "c1",
            &submission(complete_declaration("PD2STEP00000000001")),
        )
        .await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["receipt"]["code"], "L");
    assert_eq!(c["entry_id"], s["entry_id"], "same number for both steps");
    m.wait_status(&token, &seq, "closed").await;
    let feed = m.all_receipts(&token).await;
    assert_eq!(
        codes_of(&feed, &seq),
        ["SpL", "SpJ", "SpK", "L", "G", "P", "R"]
    );

    // A second summary, completed on day 15: refused with the rule id.
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "s2",
            &submission(summary_declaration("PD2STEP00000000002")),
        )
        .await;
    let s2: Value = r.json().await.unwrap();
    let seq2 = s2["seq_no"].as_str().unwrap().to_owned();
    m.wait_status(&token, &seq2, "summary_released").await;
    m.advance_clock(15 * 86_400).await;
    let token = m.token(IMPORTER).await;
    let r = m
        .post(
            &token,
            &format!("/v1/declarations/{seq2}/complete"),
            "c2",
            &submission(complete_declaration("PD2STEP00000000002")),
        )
        .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "two_step_window_closed");
    assert_eq!(e["reasons"][0]["rule"], "SW-TWO-STEP-14D");
    let v: Value = m
        .get(&token, &format!("/v1/declarations/{seq2}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "summary_released");
}

async fn amend(m: &Mock, token: &str, seq: &str, id: &str, reason: &str) -> Value {
    let r = m
        .post(
            token,
            &format!("/v1/declarations/{seq}/amendments"),
            &format!("am-{id}"),
            &json!({
                "client_seq_no": id,
                "reason": reason,
                "changes": [{"field": "head.ie_date", "value": "20261110"}],
                "note": "船期变更"
            }),
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

#[tokio::test]
async fn tolerance_amendments_are_not_recorded_as_errors() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let mut adv = export_declaration("PDAMND000000000001");
    adv["advance"] = json!(true);
    let adv: Value = m
        .post(&token, "/v1/declarations", "a1", &submission(adv))
        .await
        .json()
        .await
        .unwrap();
    let one: Value = m
        .post(
            &token,
            "/v1/declarations",
            "a2",
            &submission(export_declaration("PDAMND000000000002")),
        )
        .await
        .json()
        .await
        .unwrap();
    let adv_seq = adv["seq_no"].as_str().unwrap();
    let one_seq = one["seq_no"].as_str().unwrap();

    // After an advance declaration, import-date and conveyance changes are tolerated.
    let a = amend(&m, &token, adv_seq, "AM01", "import_date_change").await;
    assert_eq!(a["no_error_recorded"], true);
    assert_eq!(a["error_recorded"], false);
    assert_eq!(a["errors_recorded_total"], 0);
    let a = amend(&m, &token, adv_seq, "AM02", "conveyance_change").await;
    assert_eq!(a["no_error_recorded"], true);
    // Other reasons, or a one-step declaration, count as errors.
    let a = amend(&m, &token, adv_seq, "AM03", "data_entry_error").await;
    assert_eq!(a["error_recorded"], true);
    assert_eq!(a["errors_recorded_total"], 1);
    let a = amend(&m, &token, one_seq, "AM04", "import_date_change").await;
    assert_eq!(a["error_recorded"], true);
    assert_eq!(a["no_error_recorded"], false);
    assert_eq!(a["errors_recorded_total"], 2);

    // The same amendment id twice is one amendment.
    let r = m
        .post(
            &token,
            &format!("/v1/declarations/{one_seq}/amendments"),
            "am-again",
            &json!({"client_seq_no": "AM04", "reason": "import_date_change"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = m
        .get(&token, &format!("/v1/declarations/{adv_seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["amendments"].as_array().unwrap().len(), 3);

    // Two-step summaries are tolerated too.
    let imp = m.token(IMPORTER).await;
    let s: Value = m
        .post(
            &imp,
            "/v1/declarations",
            "s",
            &submission(summary_declaration("PDAMND000000000003")),
        )
        .await
        .json()
        .await
        .unwrap();
    let a = amend(
        &m,
        &imp,
        s["seq_no"].as_str().unwrap(),
        "AM05",
        "conveyance_change",
    )
    .await;
    assert_eq!(a["no_error_recorded"], true);
}

#[tokio::test]
async fn amendments_change_the_filing_and_send_an_m_receipt() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let mut adv = export_declaration("PDAMND000000000009");
    adv["advance"] = json!(true);
    let adv: Value = m
        .post(&token, "/v1/declarations", "m1", &submission(adv))
        .await
        .json()
        .await
        .unwrap();
    let seq = adv["seq_no"].as_str().unwrap().to_owned();
    let a = amend(&m, &token, &seq, "AM09", "import_date_change").await;
    assert_eq!(a["no_error_recorded"], true);
    let v: Value = m
        .get(&token, &format!("/v1/declarations/{seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["declaration"]["head"]["ie_date"], "20261110");

    // Customs changes the conveyance on its own: applied, with an M receipt.
    let c = m
        .control(
            reqwest::Method::POST,
            &format!("/control/declarations/{seq}/amend"),
            Some(json!({"changes": [{"field": "head.conveyance_name", "value": "COSCO TIANJIN"}]})),
        )
        .await;
    assert!(c["receipt"].is_string(), "{c}");
    let v: Value = m
        .get(&token, &format!("/v1/declarations/{seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["declaration"]["head"]["conveyance_name"], "COSCO TIANJIN");
    assert_eq!(v["declaration"]["head"]["ie_date"], "20261110");
    let feed = m.all_receipts(&token).await;
    let codes = codes_of(&feed, &seq);
    assert_eq!(codes.iter().filter(|c| *c == "M").count(), 2, "{codes:?}");

    // A change of a field the declaration does not have is refused, by name.
    let r = m
        .post(
            &token,
            &format!("/v1/declarations/{seq}/amendments"),
            "m-bad",
            &json!({"client_seq_no": "AM10", "reason": "other",
                    "changes": [{"field": "head.no_such_field", "value": "x"}]}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["reasons"][0]["field"], "head.no_such_field");
}
