//! Certificates of origin end to end against the real mock Single Window:
//! an application that passes the precheck is filed through the outbox,
//! approved by smart review, its certificate stored locally, rendered to a
//! PDF whose text carries the values, and the PDF's QR code verifies offline
//! against the published key; a tampered field or seal does not.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use portdesk_domain::origin::{EnterpriseRecord, OriginApplication, OriginForm};
use portdesk_domain::{CodeLists, Severity};
use portdesk_drafts::origin::OriginDrafts;
use portdesk_print::PrintJob;
use portdesk_seal::offline::{self, KEY_CACHE_FILE};
use portdesk_seal::{open, verify_fields};
use portdesk_store::{ApplicationStatus, EntryState, Store};
use portdesk_sync::origin::{fetch_published_keys, refresh_application};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, Worker,
};

use crate::common::*;

/// The exporter of the origin fixture: Dalian Northern Steel I&E, as on record.
const EXPORTER: &str = "2102930001";

fn record() -> EnterpriseRecord {
    EnterpriseRecord {
        name_en: "Dalian Northern Steel Import & Export Co., Ltd.".into(),
        address_en: "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA".into(),
        credit_code: "91210200MA0QC4L18M".into(),
        customs_code: EXPORTER.into(),
    }
}

fn origin_fixture() -> OriginApplication {
    let text =
        std::fs::read_to_string(workspace().join("tests/fixtures/origin-e-valid.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn client(base: &str) -> portdesk_sync::client::Client {
    portdesk_sync::client::Client::new(base, Duration::from_secs(30))
}

async fn token(base: &str) -> Secret {
    let v: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/v1/auth/login"))
        .json(&serde_json::json!({"customs_code": EXPORTER, "operator": OPERATOR, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Secret::new(v["token"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prechecked_application_is_approved_printed_and_verifies() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let origins = OriginDrafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    origins.set_enterprise_record(&record()).await.unwrap();

    let view = origins.create(OriginForm::E).await.unwrap();
    let id = view.meta.id;
    let app = OriginApplication {
        client_seq_no: view.application.client_seq_no.clone(),
        ..origin_fixture()
    };
    let saved = origins.save(id, &app, "autosave").await.unwrap();
    let errors: Vec<_> = saved
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(saved.meta.status, ApplicationStatus::Ready);
    let filed = origins.file(id).await.unwrap();
    assert_eq!(filed.meta.status, ApplicationStatus::Queued);
    // Filed: no more changes.
    let e = origins.save(id, &app, "autosave").await.unwrap_err();
    assert_eq!(e.code(), "invalid_input");

    // The worker delivers the entry like any other.
    let mut worker = exporter_worker(&store, &mock.base);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let run = tokio::spawn(async move { worker.run(stop_rx).await });

    let token = token(&mock.base).await;
    let mut approved = None;
    for _ in 0..400 {
        let r = refresh_application(&client(&mock.base), &store, &token, id)
            .await
            .unwrap();
        assert!(r.reasons.is_empty(), "{:?}", r.reasons);
        if r.meta.status == ApplicationStatus::Approved {
            approved = Some(r.meta);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
    let meta = approved.expect("approved by smart review");
    let entries = store.outbox_for_draft(id).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Done);
    assert_eq!(entries[0].path, "/v1/origin-applications");
    assert!(meta.seq_no.is_some());
    // The delivered entry records the number the server gave it.
    assert_eq!(entries[0].seq_no, meta.seq_no);

    let cert = store
        .certificate(id)
        .await
        .unwrap()
        .expect("certificate stored");
    assert_eq!(
        meta.certificate_number.as_deref(),
        Some(cert.number.as_str())
    );
    assert_eq!(cert.number.len(), 16);
    assert!(cert.number.starts_with('E'));
    assert_eq!(
        cert.application, app,
        "print data is the application as filed"
    );
    let view = origins.get(id).await.unwrap();
    assert_eq!(view.certificate.as_ref(), Some(&cert));

    // Print it.
    let issue = NaiveDate::parse_from_str(&cert.issue_date, "%Y-%m-%d").unwrap();
    let pdf = portdesk_print::render(&PrintJob {
        application: cert.application.clone(),
        certificate_number: cert.number.clone(),
        issue_date: issue,
        qr_text: cert.qr_text.clone(),
        seal_png: None,
        signature_png: None,
        printed_at: None,
    })
    .unwrap();
    let pdf_path = dir.path().join("certificate.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for value in [
        cert.number.as_str(),
        "HANOI STEEL TRADING JOINT STOCK COMPANY",
        "HSJ2026117",
        "720839",
    ] {
        assert!(text.contains(value), "{value} missing from the PDF text");
    }

    // Verify it offline with the published key, read from the PDF's QR code.
    let keys_file = dir.path().join(KEY_CACHE_FILE);
    assert_eq!(
        fetch_published_keys(&client(&mock.base), &store, &keys_file)
            .await
            .unwrap(),
        1
    );
    let keys = offline::trusted_keys(&[], Some(dir.path())).unwrap();
    let qr = offline::qr_text(pdf_path.to_str().unwrap()).unwrap();
    assert_eq!(qr, cert.qr_text);
    let today = Utc::now().date_naive();
    let seal = open(&qr, &keys, today).unwrap();
    assert!(seal.matches(&cert.certified));
    assert_eq!(seal.certificate_number, cert.number);
    let key = keys.iter().find(|k| k.key_id() == cert.key_id).unwrap();
    verify_fields(key, &cert.certified, &cert.signature).unwrap();

    // Tampering: a changed certified field, a changed seal character.
    let mut forged = cert.certified.clone();
    forged.consignee_name.push('X');
    assert!(!seal.matches(&forged));
    assert!(verify_fields(key, &forged, &cert.signature).is_err());
    let mut bad_qr: Vec<char> = cert.qr_text.chars().collect();
    let i = bad_qr.len() / 2;
    bad_qr[i] = if bad_qr[i] == 'A' { 'B' } else { 'A' };
    let bad_qr: String = bad_qr.into_iter().collect();
    assert!(open(&bad_qr, &keys, today).is_err());
}

#[tokio::test]
async fn an_application_from_a_declaration_is_prefilled_and_not_filed_with_errors() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let origins = OriginDrafts::new(drafts.store().clone(), Arc::new(CodeLists::bundled()));
    origins.set_enterprise_record(&record()).await.unwrap();
    let decl = fixture();
    let problems = drafts.validate(&decl, portdesk_domain::Purpose::Declare);
    let info = portdesk_domain::SaveInfo::from_problems(&problems, "import");
    let id = uuid::Uuid::now_v7();
    let decl = portdesk_domain::Declaration {
        client_seq_no: portdesk_domain::client_seq_no_for(id),
        ..decl
    };
    drafts
        .store()
        .create_declaration(id, &decl, &info)
        .await
        .unwrap();

    let view = origins.from_declaration(id, OriginForm::E).await.unwrap();
    let app = &view.application;
    assert_eq!(app.form, OriginForm::E);
    assert_eq!(
        app.source_declaration.as_deref(),
        Some(decl.client_seq_no.as_str())
    );
    assert_eq!(app.exporter.credit_code, record().credit_code);
    assert_eq!(app.items.len(), decl.lines.len());
    assert_eq!(app.client_seq_no.len(), 18);
    assert_ne!(app.client_seq_no, decl.client_seq_no);
    assert_eq!(view.meta.revision, 1);
    assert_eq!(
        origins.history(view.meta.id).await.unwrap()[0].note,
        "from declaration"
    );
    // The declaration's Chinese goods names still need English: not fileable.
    assert!(view.meta.error_count > 0);
    let e = origins.file(view.meta.id).await.unwrap_err();
    assert_eq!(e.code(), "not_ready");
    assert!(drafts
        .store()
        .outbox_for_draft(view.meta.id)
        .await
        .unwrap()
        .is_empty());
}

/// Runs the outbox worker of the exporter's account until `stop` is sent.
/// The exporter's outbox worker on `store` against the mock at `base`,
/// its password in memory, receipts polled every 100 ms.
fn exporter_worker(store: &Store, base: &str) -> Worker {
    let account = Account::new(base, EXPORTER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(100),
        ..SyncConfig::default()
    };
    Worker::new(store.clone(), account, creds, config)
}

fn start_worker(
    store: &Store,
    base: &str,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<Result<(), portdesk_sync::SyncError>>,
) {
    let mut worker = exporter_worker(store, base);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    (stop, tokio::spawn(async move { worker.run(stop_rx).await }))
}

/// Refreshes (bounded) until review decided; returns the last answer.
async fn decided(
    store: &Store,
    base: &str,
    token: &Secret,
    id: uuid::Uuid,
) -> portdesk_sync::origin::Refreshed {
    for _ in 0..400 {
        let r = refresh_application(&client(base), store, token, id)
            .await
            .unwrap();
        if !r.meta.status.is_pending() {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("review never decided");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_application_is_fixed_filed_again_and_approved() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    // No record locally: box 1 is not compared before filing, so only
    // smart review can catch a wrong exporter name.
    let origins = OriginDrafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    let view = origins.create(OriginForm::E).await.unwrap();
    let id = view.meta.id;
    let mut app = OriginApplication {
        client_seq_no: view.application.client_seq_no.clone(),
        ..origin_fixture()
    };
    app.exporter.name = "DALIAN NORTHERN STEEL CO., LTD.".into();
    origins.save(id, &app, "autosave").await.unwrap();
    origins.file(id).await.unwrap();

    let (stop, run) = start_worker(&store, &mock.base);
    let token = token(&mock.base).await;
    let first = decided(&store, &mock.base, &token, id).await;
    assert_eq!(first.meta.status, ApplicationStatus::Rejected);
    assert!(
        first
            .reasons
            .iter()
            .any(|r| r.rule == "COO-EXPORTER" && r.field == "exporter.name"),
        "{:?}",
        first.reasons
    );
    assert_eq!(store.certificate(id).await.unwrap(), None);
    // Once the worker has stored the COO-E receipt, asking again (no server
    // call: the application is decided) still gives the reasons, from it.
    let csn = app.client_seq_no.clone();
    for _ in 0..400 {
        let codes = store.receipts_for(&csn).await.unwrap();
        if codes.iter().any(|r| r.receipt.code == "COO-E") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let again = refresh_application(&client(&mock.base), &store, &token, id)
        .await
        .unwrap();
    assert_eq!(again.meta.status, ApplicationStatus::Rejected);
    assert!(
        again.reasons.iter().any(|r| r.rule == "COO-EXPORTER"),
        "{:?}",
        again.reasons
    );

    // Rejected: editable again; fixed and filed under the same number.
    app.exporter.name = record().name_en;
    origins.save(id, &app, "autosave").await.unwrap();
    let refiled = origins.file(id).await.unwrap();
    assert_eq!(refiled.meta.status, ApplicationStatus::Queued);
    // Before the new filing is delivered the old answer must not count.
    let now = refresh_application(&client(&mock.base), &store, &token, id)
        .await
        .unwrap();
    assert_ne!(now.meta.status, ApplicationStatus::Rejected);
    let second = decided(&store, &mock.base, &token, id).await;
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
    assert_eq!(
        second.meta.status,
        ApplicationStatus::Approved,
        "{:?}",
        second.reasons
    );
    assert_eq!(
        second.meta.seq_no, first.meta.seq_no,
        "same application no."
    );
    assert_eq!(store.outbox_for_draft(id).await.unwrap().len(), 2);
    let cert = store.certificate(id).await.unwrap().unwrap();
    assert_eq!(cert.application.exporter.name, record().name_en);
}

/// With no editor open and nobody asking: the worker alone delivers the
/// application, hears review's `COO-A` receipt and stores the certificate,
/// so the store says approved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_alone_brings_an_application_to_approved() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let origins = OriginDrafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    origins.set_enterprise_record(&record()).await.unwrap();
    let view = origins.create(OriginForm::E).await.unwrap();
    let id = view.meta.id;
    let app = OriginApplication {
        client_seq_no: view.application.client_seq_no.clone(),
        ..origin_fixture()
    };
    origins.save(id, &app, "autosave").await.unwrap();
    origins.file(id).await.unwrap();

    let mut worker = exporter_worker(&store, &mock.base);
    let summary = worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(summary.counts.done, 1, "{summary:?}");

    let (meta, _) = store.get_origin(id).await.unwrap();
    assert_eq!(meta.status, ApplicationStatus::Approved);
    let cert = store
        .certificate(id)
        .await
        .unwrap()
        .expect("the certificate is stored by the worker");
    assert_eq!(
        meta.certificate_number.as_deref(),
        Some(cert.number.as_str())
    );
    let codes: Vec<String> = store
        .receipts_for(&app.client_seq_no)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.receipt.code)
        .collect();
    assert!(codes.contains(&"COO-A".to_owned()), "{codes:?}");
}
