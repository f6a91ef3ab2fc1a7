//! Tax payment and guarantees against the real mock-window process:
//! - a summary-tax declaration (汇总征税) is released and reserves its duty
//!   estimate on the guarantee; the payment restores it; the cached
//!   guarantees (refreshed after the release and the payment) show both;
//! - a declaration drawing on an exhausted guarantee is refused before
//!   sending, with the rule the server uses; forced past the offline check,
//!   the server rejects it with the same rule id and field;
//! - the port fee catalogue is cached and revalidated with its ETag.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use portdesk_domain::checksum::scc_check_char;
use portdesk_domain::guarantee::{rule, TaxPaymentChoice};
use portdesk_domain::{client_seq_no_for, Declaration, Purpose, SaveInfo};
use portdesk_drafts::tax::china_today;
use portdesk_drafts::{DraftError, Drafts};
use portdesk_store::ReferenceKind;
use portdesk_sync::client::Client;
use portdesk_sync::reference::{self, Fetched};
use portdesk_sync::{
    login, Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, Worker,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::common::*;

/// Advanced-certified forwarder with a live general bank letter (seeded
/// amount 5,000,000.00, used 1,250,000.00); it may declare for the fixture's
/// consignor 2102930001 as its agent.
const FORWARDER: &str = "2102961234";
const FORWARDER_SCC_BODY: &str = "91210200MA0Y8K3T7";
const BANK_LETTER: &str = "BG-BOC-DL-2026-000117";
/// The fixture's consignor: its tax insurance is exhausted (2,000,000.00 of
/// 2,000,000.00 used).
const STEEL: &str = "2102930001";
const EXHAUSTED: &str = "PICC-GTI-2026-2102-000187";

/// The estimate of the fixture (an export, CFR) with the test rate files of
/// `tests/fixtures/estimate` (export duty 20 % on both steel codes, USD
/// 7.10 in November): lines 16575.00 × 7.10 = 117 682.50 and 17233.44 ×
/// 7.10 = 122 357.424 → 122 357.42, together 240 039.92; freight 1800 USD =
/// 12 780.00 comes off, by value 6 265.55 and 6 514.45 (the remainder);
/// FOB values 111 416.95 and 115 842.97; duty 22 283.39 + 23 168.594 →
/// 23 168.59 = 45 451.98; no VAT on export.
const FIXTURE_DUTY: &str = "45451.98";

/// The mock's flags for the test rate files.
fn rate_flags() -> Vec<String> {
    let dir = portdesk_testkit::workspace().join("tests/fixtures/estimate");
    vec![
        "--tariff-rates".into(),
        dir.join("tariff_rates.json").display().to_string(),
        "--exchange-rates".into(),
        dir.join("exchange_rates.json").display().to_string(),
    ]
}

/// The same files as the client loads them.
fn test_rates() -> portdesk_drafts::estimate::EstimateRates {
    let dir = portdesk_testkit::workspace().join("tests/fixtures/estimate");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    portdesk_drafts::estimate::EstimateRates {
        tariff: serde_json::from_str(&read("tariff_rates.json")).unwrap(),
        exchange: serde_json::from_str(&read("exchange_rates.json")).unwrap(),
    }
}

fn start_mock(extra: &[&str]) -> Mock {
    let flags = rate_flags();
    let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
    args.extend(extra);
    Mock::start(&args)
}

struct Session {
    drafts: Drafts,
    client: Client,
    account: Account,
    token: Secret,
    creds: Arc<MemoryStore>,
    _dir: tempfile::TempDir,
}

async fn session(mock: &Mock, code: &str) -> Session {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path())
        .await
        .with_estimate_rates(test_rates());
    let client = Client::new(&mock.base, Duration::from_secs(30));
    let account = Account::new(&mock.base, code, OPERATOR);
    let password = Secret::new(PASSWORD);
    let token = login(&client, drafts.store(), &account, &password)
        .await
        .unwrap();
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &password)
        .unwrap();
    // Refresh after login, as the app does.
    reference::refresh_all(&client, drafts.store(), &account, &token)
        .await
        .unwrap();
    Session {
        drafts,
        client,
        account,
        token,
        creds,
        _dir: dir,
    }
}

/// A ready draft of the fixture, declared by `agent` (code, SCC) when given.
async fn draft(drafts: &Drafts, agent: Option<(&str, String)>) -> (Uuid, String) {
    let id = Uuid::now_v7();
    let mut d = Declaration {
        client_seq_no: client_seq_no_for(id),
        ..fixture()
    };
    if let Some((code, scc)) = agent {
        d.head.agent_code = code.into();
        d.head.agent_scc = scc;
    }
    let problems = drafts.validate(&d, Purpose::Declare);
    let info = SaveInfo::from_problems(&problems, "import");
    assert_eq!(info.error_count, 0, "{problems:?}");
    drafts
        .store()
        .create_declarations(&[(id, d.clone(), info)])
        .await
        .unwrap();
    (id, d.client_seq_no)
}

fn quota_of(view: &portdesk_drafts::tax::GuaranteesView, number: &str) -> (Decimal, Decimal) {
    let g = &view
        .items
        .iter()
        .find(|r| r.guarantee.number == number)
        .unwrap_or_else(|| panic!("{number} not cached"))
        .guarantee;
    (
        Decimal::from_str(&g.quota_used).unwrap(),
        Decimal::from_str(&g.quota_left).unwrap(),
    )
}

async fn run_worker(s: &Session) -> portdesk_sync::SyncSummary {
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(100),
        ..SyncConfig::default()
    };
    let mut worker = Worker::new(
        s.drafts.store().clone(),
        s.account.clone(),
        s.creds.clone(),
        config,
    );
    worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_tax_reserves_quota_on_release_and_payment_restores_it() {
    let mock = start_mock(&["--review-pace-ms", "20"]);
    let s = session(&mock, FORWARDER).await;
    let today = china_today();

    let before = s.drafts.cached_guarantees(today).await.unwrap();
    assert!(before.fetched_at.is_some());
    let (used0, left0) = quota_of(&before, BANK_LETTER);
    assert_eq!(
        (used0, left0),
        (
            Decimal::from_str("1250000.00").unwrap(),
            Decimal::from_str("3750000.00").unwrap()
        )
    );

    let scc = format!(
        "{FORWARDER_SCC_BODY}{}",
        scc_check_char(FORWARDER_SCC_BODY).unwrap()
    );
    let (id, csn) = draft(&s.drafts, Some((FORWARDER, scc))).await;
    let choice = TaxPaymentChoice {
        summary_tax: true,
        guarantee_no: BANK_LETTER.into(),
        ..Default::default()
    };
    let panel = s.drafts.set_tax_choice(id, &choice).await.unwrap();
    assert!(!panel.reference_missing);
    assert!(
        panel.problems.iter().all(|p| !p.is_error()),
        "{:?}",
        panel.problems
    );
    assert_eq!(&panel.document_type[..3], "CL0");

    // The filing body carries the choice.
    s.drafts.file(&[id]).await.unwrap();
    let entry = s
        .drafts
        .store()
        .outbox_for_draft(id)
        .await
        .unwrap()
        .remove(0);
    let body: serde_json::Value = serde_json::from_slice(&entry.body).unwrap();
    assert_eq!(body["tax_payment"]["summary_tax"], true);
    assert_eq!(body["tax_payment"]["guarantee_no"], BANK_LETTER);

    let summary = run_worker(&s).await;
    assert_eq!(
        (summary.counts.done, summary.counts.failed),
        (1, 0),
        "{summary:?}"
    );
    let receipts = s.drafts.store().receipts_for(&csn).await.unwrap();
    let released = receipts
        .iter()
        .find(|r| reference::receipt_moves_quota(&r.receipt.code))
        .expect("a P receipt");
    let seq_no = released.receipt.seq_no.clone();

    // After the release the cache, refreshed, shows the reservation.
    reference::refresh(
        &s.client,
        s.drafts.store(),
        &s.account,
        &s.token,
        ReferenceKind::Guarantees,
    )
    .await
    .unwrap();
    let duty = Decimal::from_str(FIXTURE_DUTY).unwrap();
    // The mock reserved exactly the client's estimate of the draft.
    let estimate = s.drafts.duty_estimate(id).await.unwrap();
    assert!(estimate.problems.is_empty(), "{:?}", estimate.problems);
    assert_eq!(estimate.total_payable, duty);
    let reserved = quota_of(
        &s.drafts.cached_guarantees(today).await.unwrap(),
        BANK_LETTER,
    );
    assert_eq!(reserved, (used0 + duty, left0 - duty));

    // Paying gives it back (and refreshes the cache by itself), once.
    let key = Uuid::now_v7();
    let paid = reference::pay(
        &s.client,
        s.drafts.store(),
        &s.account,
        &s.token,
        &seq_no,
        key,
    )
    .await
    .unwrap();
    assert_eq!(paid.quota_restored, duty);
    let restored = quota_of(
        &s.drafts.cached_guarantees(today).await.unwrap(),
        BANK_LETTER,
    );
    assert_eq!(restored, (used0, left0));
    let again = reference::pay(
        &s.client,
        s.drafts.store(),
        &s.account,
        &s.token,
        &seq_no,
        Uuid::now_v7(),
    )
    .await
    .unwrap();
    assert_eq!(again.guarantee.quota_left, left0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_guarantee_is_refused_before_sending_and_by_the_server_alike() {
    let mock = start_mock(&["--review-pace-ms", "20"]);
    let s = session(&mock, STEEL).await;
    let (id, csn) = draft(&s.drafts, None).await;
    let choice = TaxPaymentChoice {
        summary_tax: true,
        guarantee_no: EXHAUSTED.into(),
        ..Default::default()
    };
    let panel = s.drafts.set_tax_choice(id, &choice).await.unwrap();
    assert!(panel
        .problems
        .iter()
        .any(|p| p.rule == rule::GUARANTEE_QUOTA && p.field == "tax_payment.guarantee_no"));

    // Refused offline: nothing written, nothing queued.
    let err = s.drafts.file(&[id]).await.unwrap_err();
    match &err {
        DraftError::TaxRefused { rule: r, field, .. } => {
            assert_eq!(r, rule::GUARANTEE_QUOTA);
            assert_eq!(field, "tax_payment.guarantee_no");
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(err.code(), "tax_refused");
    assert!(s
        .drafts
        .store()
        .outbox_for_draft(id)
        .await
        .unwrap()
        .is_empty());

    // Forced past the offline check, the server refuses with the same rule
    // and field: the filing is taken and answered with a rejection (E).
    let forced = s.drafts.clone().without_tax_check();
    forced.file(&[id]).await.unwrap();
    let summary = run_worker(&s).await;
    assert_eq!(summary.counts.failed, 0, "{summary:?}");
    let receipts = s.drafts.store().receipts_for(&csn).await.unwrap();
    let rejection = receipts
        .iter()
        .find(|r| r.receipt.code == "E")
        .unwrap_or_else(|| panic!("no E receipt: {receipts:?}"));
    let reasons: serde_json::Value = serde_json::from_str(&rejection.receipt.reasons).unwrap();
    assert!(
        reasons.as_array().unwrap().iter().any(|r| r["rule"] == rule::GUARANTEE_QUOTA
            && r["field"] == "tax_payment.guarantee_no"),
        "{reasons}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_fees_are_cached_and_revalidated_with_their_etag() {
    let mock = start_mock(&[]);
    let s = session(&mock, FORWARDER).await;
    let store = s.drafts.store();
    let first = store
        .reference(ReferenceKind::PortFees)
        .await
        .unwrap()
        .unwrap();
    assert!(first.etag.is_some());
    let again = reference::refresh(
        &s.client,
        store,
        &s.account,
        &s.token,
        ReferenceKind::PortFees,
    )
    .await
    .unwrap();
    assert_eq!(again, Fetched::NotModified);
    let log = store.message_log(None).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.path == "/v1/reference/port-fees" && l.status == Some(304)));

    // The estimate for the fixture: port 210200, two 20' boxes (22G1).
    let (id, _) = draft(&s.drafts, None).await;
    let estimate = s.drafts.estimate_port_fees(id, 0).await.unwrap();
    assert_eq!(
        (
            estimate.port_code.as_str(),
            estimate.boxes_20,
            estimate.boxes_40
        ),
        ("210200", 2, 0)
    );
    let thc = estimate
        .lines
        .iter()
        .find(|l| l.fee.service_code == "DL-THC-20")
        .unwrap();
    assert_eq!((thc.quantity, thc.amount.as_str()), (2, "1380.00"));
    let search = s.drafts.search_port_fees("营口 VGM").await.unwrap();
    assert_eq!(search.fees.len(), 1);
    assert_eq!(search.fees[0].service_code, "YK-WGH");

    // Offline (server gone), the cache still answers.
    drop(mock);
    let err = reference::refresh(
        &s.client,
        store,
        &s.account,
        &s.token,
        ReferenceKind::PortFees,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "offline");
    assert_eq!(s.drafts.search_port_fees("").await.unwrap().fees.len(), 22);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_duties_pays_a_released_draft_once_and_remembers_it() {
    let mock = start_mock(&["--review-pace-ms", "20"]);
    let s = session(&mock, FORWARDER).await;
    let store = s.drafts.store();
    let scc = format!(
        "{FORWARDER_SCC_BODY}{}",
        scc_check_char(FORWARDER_SCC_BODY).unwrap()
    );
    let (id, _) = draft(&s.drafts, Some((FORWARDER, scc))).await;
    let choice = TaxPaymentChoice {
        summary_tax: true,
        guarantee_no: BANK_LETTER.into(),
        ..Default::default()
    };
    s.drafts.set_tax_choice(id, &choice).await.unwrap();

    // Filed but not released: nothing to pay yet.
    s.drafts.file(&[id]).await.unwrap();
    let before = reference::duty_status(store, id).await.unwrap();
    assert!(before.summary_tax && !before.payable(), "{before:?}");
    assert_eq!(
        reference::pay_duties(&s.client, store, &s.account, &s.token, id)
            .await
            .unwrap(),
        None
    );

    run_worker(&s).await;
    let released = reference::duty_status(store, id).await.unwrap();
    assert!(released.payable(), "{released:?}");
    let seq_no = released.released_seq_no.clone().unwrap();
    reference::refresh(
        &s.client,
        store,
        &s.account,
        &s.token,
        ReferenceKind::Guarantees,
    )
    .await
    .unwrap();
    let today = china_today();
    let (_, left_reserved) = quota_of(
        &s.drafts.cached_guarantees(today).await.unwrap(),
        BANK_LETTER,
    );

    let paid = reference::pay_duties(&s.client, store, &s.account, &s.token, id)
        .await
        .unwrap()
        .expect("payable");
    let answer = paid.paid.clone().expect("paid");
    assert_eq!(answer.seq_no, seq_no);
    assert_eq!(answer.amount_paid, Decimal::from_str(FIXTURE_DUTY).unwrap());
    assert!(!paid.payable());
    // The cached guarantee shows the quota given back.
    let (_, left) = quota_of(
        &s.drafts.cached_guarantees(today).await.unwrap(),
        BANK_LETTER,
    );
    assert_eq!(left, left_reserved + answer.quota_restored);

    // Recorded: asking again answers from the store, without a second call.
    let again = reference::pay_duties(&s.client, store, &s.account, &s.token, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.paid, Some(answer));
    let payment_path = format!("/v1/declarations/{seq_no}/payment");
    let calls = store
        .message_log(None)
        .await
        .unwrap()
        .iter()
        .filter(|l| l.path == payment_path && l.status.is_some())
        .count();
    assert_eq!(calls, 1);
    assert!(!reference::duty_status(store, id).await.unwrap().payable());
}
