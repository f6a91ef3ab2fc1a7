//! Filing flows against the real mock-window process: one worker per
//! database (the lease), receipts inside answers reported, the two-step
//! complete declaration, amendments with their "no error recorded" answer,
//! conflicts when customs changes a filing, and the read-back of a changed
//! filing surviving a worker that stopped before it succeeded.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_api::{AmendmentReason, FieldChange};
use portdesk_domain::{client_seq_no_for, Declaration, DraftStatus, FilingMode};
use portdesk_drafts::{ConflictChoice, DeadlineState, Drafts};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, SyncEvent, Worker,
    WorkerLease,
};
use uuid::Uuid;

use crate::common::*;

type Events = Arc<Mutex<Vec<SyncEvent>>>;

fn worker(drafts: &Drafts, mock: &Mock, lease_wait: Duration) -> (Worker, Events) {
    worker_with(drafts, mock, lease_wait, |_| {})
}

/// A worker whose events also go to `hook`, which runs on the worker's task
/// at the moment the event is raised (before the worker goes on).
fn worker_with(
    drafts: &Drafts,
    mock: &Mock,
    lease_wait: Duration,
    hook: impl Fn(&SyncEvent) + Send + Sync + 'static,
) -> (Worker, Events) {
    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let events: Events = Arc::default();
    let sink = events.clone();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(100),
        lease_wait,
        ..SyncConfig::default()
    };
    let w = Worker::new(drafts.store().clone(), account, creds, config).on_event(Arc::new(
        move |e: &SyncEvent| {
            sink.lock().unwrap().push(e.clone());
            hook(e);
        },
    ));
    (w, events)
}

fn receipt_codes(events: &Events, csn: &str) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            SyncEvent::Receipt {
                client_seq_no,
                code,
                ..
            } if client_seq_no == csn => Some(code.clone()),
            _ => None,
        })
        .collect()
}

/// How many times the worker reported a conflict recorded for `draft`.
fn conflict_events(events: &Events, draft: Uuid) -> usize {
    events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, SyncEvent::Conflict { draft_id, .. } if *draft_id == draft))
        .count()
}

async fn new_draft(drafts: &Drafts, mut d: Declaration) -> Uuid {
    let id = Uuid::now_v7();
    d.client_seq_no = client_seq_no_for(id);
    let problems = drafts.validate(&d, portdesk_domain::Purpose::Declare);
    let info = portdesk_domain::SaveInfo::from_problems(&problems, "import");
    assert_eq!(info.error_count, 0, "{problems:?}");
    drafts
        .store()
        .create_declaration(id, &d, &info)
        .await
        .unwrap();
    id
}

fn fixture_named(name: &str) -> Declaration {
    let text = std::fs::read_to_string(workspace().join("tests/fixtures").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_worker_per_database_and_a_dead_owner_frees_it_at_once() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    create_and_file(&drafts, 3).await;

    // Worker A runs (as the app does) and delivers.
    let (mut a, a_events) = worker(&drafts, &mock, Duration::ZERO);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let a_task = tokio::spawn(async move { a.run(stopped).await });
    while !a_events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, SyncEvent::Entry { .. }))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A second worker on the same file is refused, naming the holder.
    let (mut b, _) = worker(&drafts, &mock, Duration::ZERO);
    let e = b.run_until_idle(Duration::from_secs(5)).await.unwrap_err();
    assert_eq!(e.code(), "worker_busy", "{e}");
    assert!(
        e.to_string()
            .contains(&format!("pid {}", std::process::id())),
        "{e}"
    );
    assert!(portdesk_sync::ERROR_CODES.contains(&"worker_busy"));

    // A stops: B may start.
    stop.send(true).unwrap();
    a_task.await.unwrap().unwrap();
    let s = b.run_until_idle(Duration::from_secs(60)).await.unwrap();
    assert_eq!((s.counts.done, s.counts.pending()), (3, 0));

    // `portdesk sync` holds the lease while it runs, and its lease ends the
    // moment it is killed (no expiry to wait out).
    let mut cli = Command::new(binary("portdesk"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("sync")
        .env("PORTDESK_CREDENTIALS", "memory")
        .env("PORTDESK_PASSWORD", PASSWORD)
        .env("PORTDESK_SERVER", &mock.base)
        .env("PORTDESK_CUSTOMS_CODE", BROKER)
        .env("PORTDESK_OPERATOR", OPERATOR)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = WorkerLease::lock_path(&drafts.store().path());
    let holder = format!("pid {}", cli.id());
    while !std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .contains(&holder)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let e = WorkerLease::acquire(&drafts.store().path(), Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "worker_busy");
    assert!(e.to_string().contains(&holder), "{e}");
    cli.kill().unwrap(); // SIGKILL: no clean-up code runs
    cli.wait().unwrap();
    WorkerLease::acquire(&drafts.store().path(), Duration::ZERO)
        .await
        .expect("a killed owner's lease is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_in_answers_are_reported_and_two_step_completes() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;

    // A two-step summary (概要申报), filed by the broker for the importer.
    let id = new_draft(&drafts, fixture_named("declaration-two-step-summary.json")).await;
    let csn = drafts.get(id).await.unwrap().meta.client_seq_no;
    assert_eq!(
        drafts.complete(id).await.unwrap_err().code(),
        "not_released"
    );
    drafts.file(&[id]).await.unwrap();
    let (mut w, events) = worker(&drafts, &mock, Duration::ZERO);
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    // SpL came inside the answer, the others by pull: each reported once.
    assert_eq!(receipt_codes(&events, &csn), ["SpL", "SpJ", "SpK"]);
    let deadline = drafts.filing_deadline(id).await.unwrap().expect("two-step");
    assert_eq!(deadline.state, DeadlineState::Open);
    assert_eq!(deadline.days_left, 14);
    assert!(deadline.can_complete);

    // The clerk fills in the complete data, then completes.
    let mut full = fixture_named("declaration-two-step-full.json");
    full.client_seq_no = csn.clone();
    drafts.save(id, &full, "save").await.unwrap();
    let filed = drafts.complete(id).await.unwrap();
    let entry = drafts
        .store()
        .outbox_for_draft(id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.seq == filed.outbox_seq)
        .unwrap();
    assert!(entry.path.ends_with("/complete"), "{}", entry.path);
    let (_, doc) = drafts.store().get_declaration(id).await.unwrap();
    assert_eq!(doc.filing_mode, FilingMode::TwoStepComplete);
    assert_eq!(doc.head.document_type, "SW6");
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    assert_eq!(
        receipt_codes(&events, &csn),
        ["SpL", "SpJ", "SpK", "L", "G", "P", "R"]
    );
    assert_eq!(
        drafts.get(id).await.unwrap().meta.status,
        DraftStatus::Closed
    );
    assert_eq!(
        drafts.filing_deadline(id).await.unwrap().unwrap().state,
        DeadlineState::Completed
    );

    // On the server: one filing for the document, completed.
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let filings = mock.filings_of(&http, &token, &csn).await;
    assert_eq!(filings.len(), 1);
    assert!(filings[0]["completed_at"].is_string(), "{}", filings[0]);
    assert_eq!(filings[0]["status"], "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amendments_and_customs_changes_end_as_choices_not_losses() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let mut advance = fixture();
    advance.advance = true;
    let id = new_draft(&drafts, advance).await;
    let change = |field: &str, value: &str| FieldChange {
        field: field.into(),
        value: value.into(),
    };
    assert_eq!(
        drafts
            .amend(
                id,
                AmendmentReason::ImportDateChange,
                vec![change("head.ie_date", "20261110")],
                ""
            )
            .await
            .unwrap_err()
            .code(),
        "not_filed"
    );
    drafts.file(&[id]).await.unwrap();
    let (mut w, events) = worker(&drafts, &mock, Duration::ZERO);
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();

    // An unknown field is refused before anything is written, by name.
    let e = drafts
        .amend(
            id,
            AmendmentReason::Other,
            vec![change("head.no_such", "x")],
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("invalid_input", Some("head.no_such"))
    );

    // Import-date change after an advance declaration: tolerated (容错).
    drafts
        .amend(
            id,
            AmendmentReason::ImportDateChange,
            vec![change("head.ie_date", "20261110")],
            "船期变更",
        )
        .await
        .unwrap();
    let status_before = drafts.get(id).await.unwrap().meta.status;
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    w.pull_now().await.unwrap();
    let amendments = drafts.amendments(id).await.unwrap();
    assert_eq!(amendments.len(), 1);
    assert_eq!(amendments[0].state, "done");
    assert_eq!(amendments[0].no_error_recorded, Some(true));
    assert_eq!(drafts.get(id).await.unwrap().meta.status, status_before);
    // The server applied it; our own change is no conflict.
    assert!(drafts.conflicts(id).await.unwrap().is_empty());
    let csn = drafts.get(id).await.unwrap().meta.client_seq_no;
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let filing = mock.filings_of(&http, &token, &csn).await.remove(0);
    assert_eq!(filing["declaration"]["head"]["ie_date"], "20261110");
    let seq_no = filing["seq_no"].as_str().unwrap().to_owned();

    // Customs changes the conveyance while the clerk edits the voyage.
    let mut mine = drafts.get(id).await.unwrap().declaration;
    mine.head.voyage_no = "2612E".into();
    drafts.save(id, &mine, "save").await.unwrap();
    let control = portdesk_testkit::control_header_for(&mock.base);
    let r = http
        .post(format!("{}/control/declarations/{seq_no}/amend", mock.base))
        .header(control.0, control.1)
        .json(&serde_json::json!({"changes": [{"field": "head.conveyance_name", "value": "COSCO TIANJIN"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    w.pull_now().await.unwrap();
    let conflicts = drafts.conflicts(id).await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(c.server.head.conveyance_name, "COSCO TIANJIN");
    assert_eq!(c.local.head.voyage_no, "2612E", "the local edit is kept");
    let fields: Vec<&str> = c.differences.iter().map(|d| d.field.as_str()).collect();
    assert!(fields.contains(&"head.conveyance_name"), "{fields:?}");
    assert!(fields.contains(&"head.voyage_no"), "{fields:?}");
    // Views that show conflicts hear of it (it is recorded after the M).
    assert_eq!(conflict_events(&events, id), 1);
    // Pulling again finds the same conflict, not a second one.
    w.pull_now().await.unwrap();
    assert_eq!(drafts.conflicts(id).await.unwrap().len(), 1);

    // Taking the server's version: a new revision, note "server".
    let view = drafts
        .resolve_conflict(c.id, ConflictChoice::Server)
        .await
        .unwrap();
    assert_eq!(view.declaration.head.conveyance_name, "COSCO TIANJIN");
    assert_eq!(drafts.history(id).await.unwrap()[0].note, "server");
    assert!(drafts.conflicts(id).await.unwrap().is_empty());
    // Both versions stay on record.
    let all = drafts.store().conflicts(id).await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(drafts
        .history(id)
        .await
        .unwrap()
        .iter()
        .any(|r| r.note == "save"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_queues_amendments_and_refuses_an_early_complete() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let csn = create_and_file(&drafts, 1).await.remove(0);
    let (mut w, _) = worker(&drafts, &mock, Duration::ZERO);
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    let cli = |args: &[&str]| {
        Command::new(binary("portdesk"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = cli(&[
        "amend",
        &csn,
        "--reason",
        "data_entry_error",
        "--change",
        "head.remarks=更正",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.starts_with(&format!("amended\t{csn}\t")), "{stdout}");
    let out = cli(&["complete", &csn]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("\tnot_released\t"), "{stdout}");

    // The worker delivers the CLI's amendment: recorded as an error (one-step).
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    let id = drafts
        .store()
        .find_by_client_seq_no(&csn)
        .await
        .unwrap()
        .unwrap();
    let a = drafts.amendments(id).await.unwrap();
    assert_eq!((a.len(), a[0].no_error_recorded), (1, Some(false)));
    assert_eq!(
        drafts.get(id).await.unwrap().declaration.head.remarks,
        "更正"
    );
}

/// Changes the mock's fault knobs from synchronous code (an event hook): a
/// thread of its own with its own runtime, joined before returning.
fn update_faults_blocking(base: &str, change: impl FnOnce(&mut serde_json::Value) + Send) {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let http = reqwest::Client::new();
                    let url = format!("{base}/control/faults");
                    let (name, token) = portdesk_testkit::control_header_for(base);
                    let mut settings: serde_json::Value = http
                        .get(&url)
                        .header(name, &token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    change(&mut settings);
                    let r = http
                        .put(&url)
                        .header(name, &token)
                        .json(&settings)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                });
            })
            .join()
            .unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_read_back_of_a_customs_change_is_done_by_the_next_worker() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let csn = create_and_file(&drafts, 1).await.remove(0);
    let id = drafts
        .store()
        .find_by_client_seq_no(&csn)
        .await
        .unwrap()
        .unwrap();
    let (mut w, _) = worker(&drafts, &mock, Duration::ZERO);
    w.run_until_idle(Duration::from_secs(60)).await.unwrap();
    drop(w);
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let filing = mock.filings_of(&http, &token, &csn).await.remove(0);
    let seq_no = filing["seq_no"].as_str().unwrap().to_owned();

    // Customs changes the conveyance (an M receipt follows).
    let control = portdesk_testkit::control_header_for(&mock.base);
    let r = http
        .post(format!("{}/control/declarations/{seq_no}/amend", mock.base))
        .header(control.0, control.1)
        .json(&serde_json::json!({"changes": [{"field": "head.conveyance_name", "value": "COSCO TIANJIN"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The moment the M receipt is stored (its event), every read starts
    // failing with 503: the receipt is kept and the cursor moves past it,
    // but the filing cannot be read back.
    let base = mock.base.clone();
    let (mut first, first_events) = worker_with(&drafts, &mock, Duration::ZERO, move |e| {
        if matches!(e, SyncEvent::Receipt { code, .. } if code == "M") {
            update_faults_blocking(&base, |f| {
                f["error_5xx_rate"] = 1.0.into();
                f["apply_to_reads"] = true.into();
            });
        }
    });
    first.pull_now().await.unwrap();
    assert_eq!(receipt_codes(&first_events, &csn), ["M"]);
    assert!(drafts.conflicts(id).await.unwrap().is_empty());
    let pending = drafts.store().conflict_checks().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        (
            pending[0].draft_id,
            pending[0].seq_no.as_str(),
            pending[0].failures,
            pending[0].last_error.as_deref()
        ),
        (id, seq_no.as_str(), 1, Some("service_unavailable"))
    );
    // The worker stops before any retry.
    drop(first);

    // The server recovers; a new worker (a new process, as far as the
    // database can tell: nothing in memory) reads the filing back.
    update_faults_blocking(&mock.base, |f| {
        f["error_5xx_rate"] = 0.0.into();
        f["apply_to_reads"] = false.into();
    });
    let (mut second, second_events) = worker(&drafts, &mock, Duration::ZERO);
    let summary = second
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(summary.conflict_checks, 0);
    // It did not hear of the change again: the check came from the database.
    assert!(receipt_codes(&second_events, &csn).is_empty());
    let conflicts = drafts.conflicts(id).await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].server.head.conveyance_name, "COSCO TIANJIN");
    assert_eq!(conflicts[0].seq_no, seq_no);
    assert_eq!(conflict_events(&second_events, id), 1);
    assert!(drafts.store().conflict_checks().await.unwrap().is_empty());
    // Both reads are on record: the refused one and the one that compared.
    let reads: Vec<Option<u16>> = drafts
        .store()
        .message_log(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| {
            l.path == format!("/v1/declarations/{seq_no}")
                && l.direction == portdesk_store::LogDirection::Response
        })
        .map(|l| l.status)
        .collect();
    assert_eq!(reads, [Some(503), Some(200)]);
}
