//! Filing with a tax-payment choice, against a real SQLite file: the choice
//! goes into the filing body; a choice that fails a TAX-* rule against the
//! cached guarantees is refused before anything is written; without any
//! cached reference data the choice is sent unchecked (the server decides).

use std::path::Path;
use std::sync::Arc;

use portdesk_domain::guarantee::{rule, TaxPaymentChoice};
use portdesk_domain::{client_seq_no_for, CodeLists, Declaration, Purpose, SaveInfo};
use portdesk_drafts::tax::china_today;
use portdesk_drafts::{DraftError, Drafts};
use portdesk_store::{ReferenceKind, Store};
use uuid::Uuid;

const ENTERPRISE: &str = r#"{"customs_code":"2102930001","scc":"91210200MA0QC4L18X",
  "name_zh":"大连北方钢材进出口有限公司","name_en":"Dalian Northern Steel","rating":"general",
  "customs_area":"0900","group":null,"has_tripartite_agreement":false}"#;

/// A live letter with quota, an exhausted policy, and a letter of Shenyang.
const GUARANTEES: &str = r#"{"items":[
  {"number":"BG-LIVE","kind":"bank_letter","scope":"general","issuer":"Bank","issuer_group":"",
   "amount":"1000000.00","currency":"CNY","quota_used":"100000.00","quota_left":"900000.00",
   "valid_from":"2020-01-01","valid_to":"2099-12-31","customs_area":"0900"},
  {"number":"GTI-EMPTY","kind":"tax_insurance","scope":"general","issuer":"Insurer","issuer_group":"",
   "amount":"2000000.00","currency":"CNY","quota_used":"2000000.00","quota_left":"0.00",
   "valid_from":"2020-01-01","valid_to":"2099-12-31","customs_area":"0900"},
  {"number":"BG-SY","kind":"bank_letter","scope":"general","issuer":"Bank","issuer_group":"",
   "amount":"1000000.00","currency":"CNY","quota_used":"0.00","quota_left":"1000000.00",
   "valid_from":"2020-01-01","valid_to":"2099-12-31","customs_area":"0800"}]}"#;

fn fixture() -> Declaration {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/declaration-valid.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn open(dir: &Path) -> Drafts {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    Drafts::new(store, Arc::new(CodeLists::bundled()))
}

async fn ready_draft(drafts: &Drafts) -> Uuid {
    let id = Uuid::now_v7();
    let d = Declaration {
        client_seq_no: client_seq_no_for(id),
        ..fixture()
    };
    let problems = drafts.validate(&d, Purpose::Declare);
    let info = SaveInfo::from_problems(&problems, "import");
    assert_eq!(info.error_count, 0, "{problems:?}");
    drafts
        .store()
        .create_declarations(&[(id, d, info)])
        .await
        .unwrap();
    id
}

async fn cache(drafts: &Drafts) {
    let s = drafts.store();
    s.put_reference(ReferenceKind::Enterprise, "acct", ENTERPRISE, None)
        .await
        .unwrap();
    s.put_reference(ReferenceKind::Guarantees, "acct", GUARANTEES, None)
        .await
        .unwrap();
}

fn summary_on(number: &str) -> TaxPaymentChoice {
    TaxPaymentChoice {
        summary_tax: true,
        guarantee_no: number.into(),
        ..Default::default()
    }
}

async fn body_of(drafts: &Drafts, id: Uuid) -> serde_json::Value {
    let entries = drafts.store().outbox_for_draft(id).await.unwrap();
    assert_eq!(entries.len(), 1);
    serde_json::from_slice(&entries[0].body).unwrap()
}

#[tokio::test]
async fn exhausted_or_foreign_guarantee_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    cache(&drafts).await;
    let id = ready_draft(&drafts).await;
    let before = drafts.history(id).await.unwrap().len();

    for (number, expected) in [
        ("GTI-EMPTY", rule::GUARANTEE_QUOTA),
        ("BG-SY", rule::GUARANTEE_AREA),
        ("NOPE", rule::GUARANTEE_REQ),
    ] {
        drafts
            .set_tax_choice(id, &summary_on(number))
            .await
            .unwrap();
        let err = drafts.file(&[id]).await.unwrap_err();
        assert_eq!(err.code(), "tax_refused");
        assert_eq!(err.field(), Some("tax_payment.guarantee_no"));
        match err {
            DraftError::TaxRefused { rule, .. } => assert_eq!(rule, expected, "{number}"),
            e => panic!("{e:?}"),
        }
    }
    // Nothing written: no revision, no outbox entry.
    assert_eq!(drafts.history(id).await.unwrap().len(), before);
    assert!(drafts
        .store()
        .outbox_for_draft(id)
        .await
        .unwrap()
        .is_empty());

    // A good choice files, and the body carries it.
    drafts
        .set_tax_choice(id, &summary_on("BG-LIVE"))
        .await
        .unwrap();
    drafts.file(&[id]).await.unwrap();
    let body = body_of(&drafts, id).await;
    assert_eq!(body["tax_payment"]["summary_tax"], true);
    assert_eq!(body["tax_payment"]["guarantee_no"], "BG-LIVE");
    // The filed revision resolves to the same choice.
    assert_eq!(drafts.tax_choice(id).await.unwrap(), summary_on("BG-LIVE"));
}

#[tokio::test]
async fn no_choice_sends_no_tax_payment_and_no_cache_sends_it_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let plain = ready_draft(&drafts).await;
    let chosen = ready_draft(&drafts).await;
    assert_eq!(
        drafts.tax_choice(plain).await.unwrap(),
        TaxPaymentChoice::default()
    );
    // Nothing synced yet: the panel says so and filing does not guess.
    let panel = drafts
        .set_tax_choice(chosen, &summary_on("GTI-EMPTY"))
        .await
        .unwrap();
    assert!(panel.reference_missing);
    assert!(panel.options.is_empty());
    drafts.file(&[plain, chosen]).await.unwrap();
    assert!(body_of(&drafts, plain).await.get("tax_payment").is_none());
    assert_eq!(
        body_of(&drafts, chosen).await["tax_payment"]["guarantee_no"],
        "GTI-EMPTY"
    );
}

#[tokio::test]
async fn guarantees_view_carries_warnings_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let drafts = open(dir.path()).await;
        cache(&drafts).await;
        drafts.store().close().await;
    }
    let drafts = open(dir.path()).await;
    let view = drafts.cached_guarantees(china_today()).await.unwrap();
    assert_eq!(view.account.as_deref(), Some("acct"));
    assert!(view.fetched_at.is_some());
    let empty = view
        .items
        .iter()
        .find(|r| r.guarantee.number == "GTI-EMPTY")
        .unwrap();
    assert!(empty.warnings.iter().any(|p| p.rule == rule::GUARANTEE_LOW));
    let live = view
        .items
        .iter()
        .find(|r| r.guarantee.number == "BG-LIVE")
        .unwrap();
    assert!(live.warnings.is_empty(), "{:?}", live.warnings);
    let ent = drafts.cached_enterprise().await.unwrap().unwrap();
    assert_eq!(ent.customs_code, "2102930001");
}
