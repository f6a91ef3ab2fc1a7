//! Filing through the exchange folders against the real mock playing the
//! Single Window client (`mock-window --exchange-dir`): many filings with
//! the client's faults on end once each, counted from the mock's own
//! record of the files it took; `portdesk sync` killed with SIGKILL
//! during folder delivery, 20 times, changes nothing of that; and an
//! amendment through the folders is applied by the mock once, or refused
//! here by the field the modification message cannot carry.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use portdesk_api::{AmendmentReason, FieldChange};
use portdesk_message::exchange::{outgoing_file_name, ExchangeDirs};
use portdesk_store::EntryState;
use portdesk_sync::exchange::{self, Archive, ExchangeSettings, Folders};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, Session, SyncConfig, Worker,
};
use rand::{Rng, SeedableRng};

use crate::common::*;

/// Filings of the faults run; `PORTDESK_EXCHANGE_FILINGS` for a longer one.
fn filings() -> usize {
    std::env::var("PORTDESK_EXCHANGE_FILINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// How many times the mock took each file, from its request log.
fn taken(mock: &Mock) -> HashMap<String, usize> {
    let mut taken = HashMap::new();
    for r in mock.requests() {
        if r.method == "EXCHANGE" {
            *taken.entry(r.path).or_insert(0) += 1;
        }
    }
    taken
}

fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_filings_through_a_faulty_client_end_once_each() {
    let n = filings();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("exchange");
    let root_s = root.to_str().unwrap().to_owned();
    let mock = Mock::start(&[
        "--exchange-dir",
        &root_s,
        "--exchange-poll-ms",
        "20",
        "--review-pace-ms",
        "5",
        "--fault-untaken-rate",
        "0.03",
        "--fault-import-failed-rate",
        "0.03",
        "--fault-malformed-receipt-rate",
        "0.05",
        "--fault-duplicate-receipt-rate",
        "0.05",
        "--fault-partial-write-rate",
        "0.05",
        "--seed",
        "11",
    ]);
    let drafts = open_drafts(&dir.path().join("data")).await;
    let csns = create_and_file(&drafts, n).await;
    let store = drafts.store().clone();

    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    // Long enough that only a file the client really leaves is stuck: at
    // most `max_in_flight` (32) of ours lie before the client at a time.
    let settings = ExchangeSettings {
        stuck_after_secs: 15,
        poll_ms: 50,
        ..ExchangeSettings::new(root.clone())
    };
    exchange::set_settings(&store, &account, Some(&settings))
        .await
        .unwrap();
    let session = Session::new(store.clone(), account, creds, Duration::from_secs(20));
    let transport = exchange::account_transport(&session).await.unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(100),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_secs(1),
        batch: 256,
        concurrency: 16,
        ..SyncConfig::default()
    };
    let mut worker = Worker::with_transport(session, transport, config);
    let summary = worker
        .run_until_idle(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(summary.counts.pending(), 0, "{summary:?}");
    assert_eq!(
        (summary.counts.done + summary.counts.failed) as usize,
        n,
        "{summary:?}"
    );

    let taken = taken(&mock);
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let dirs = ExchangeDirs::new(root.clone());
    let entries = store.outbox_entries().await.unwrap();
    assert_eq!(entries.len(), n);
    let (mut stuck, mut not_imported) = (0, 0);
    for e in &entries {
        let name = outgoing_file_name(&e.client_seq_no, e.seq);
        let times = taken.get(&name).copied().unwrap_or(0);
        let filed = mock.filings_of(&http, &token, &e.client_seq_no).await.len();
        match e.state {
            EntryState::Done => {
                assert_eq!(
                    (times, filed),
                    (1, 1),
                    "{name}: taken {times}, filed {filed}"
                );
            }
            EntryState::Failed => {
                let failure: serde_json::Value =
                    serde_json::from_str(e.failure.as_deref().unwrap()).unwrap();
                match failure["code"].as_str().unwrap() {
                    exchange::STUCK => {
                        // Shown as stuck, never assumed delivered: the file
                        // still lies in OutBox and the client never took it.
                        stuck += 1;
                        assert_eq!(times, 0, "{name}: {failure}");
                        assert!(dirs.out_box().join(&name).is_file(), "{name}");
                    }
                    exchange::IMPORT_FAILED => {
                        not_imported += 1;
                        assert_eq!(times, 1, "{name}");
                    }
                    other => panic!("{name}: failed with {other}: {failure}"),
                }
                assert_eq!(filed, 0, "{name}: failed here but filed on the mock");
            }
            s => panic!("{name}: {s:?}"),
        }
    }
    // The faults did happen, and every delivered filing has its final receipt.
    assert!(
        stuck > 0 && not_imported > 0,
        "stuck {stuck}, not imported {not_imported}"
    );
    assert_eq!(summary.awaiting_receipts, 0, "{summary:?}");
    let f = Folders::new(&root);
    assert!(!file_names(&f.archive_dir(Archive::Duplicates)).is_empty());
    assert!(file_names(&dirs.sent_box()).is_empty());
    let distinct: HashSet<&String> = csns.iter().collect();
    assert_eq!(distinct.len(), n);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    eprintln!(
        "{n} filings: {} done, {stuck} stuck, {not_imported} not imported; {} files taken",
        summary.counts.done,
        taken.len()
    );
}

const KILLS: usize = 20;
const PER_ROUND: usize = 30;

fn portdesk(data: &Path, mock: &Mock, args: &[&str]) -> Command {
    let mut c = Command::new(binary("portdesk"));
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PORTDESK_CREDENTIALS", "memory")
        .env("PORTDESK_PASSWORD", PASSWORD)
        .env("PORTDESK_SERVER", &mock.base)
        .env("PORTDESK_CUSTOMS_CODE", BROKER)
        .env("PORTDESK_OPERATOR", OPERATOR)
        .env("RUST_LOG", "warn");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_folder_delivery_neither_loses_nor_doubles_a_filing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("exchange");
    let root_s = root.to_str().unwrap().to_owned();
    // A slow client (a pause per file), so kills land with files in every
    // folder; receipts partly written and written twice too.
    let mock = Mock::start(&[
        "--exchange-dir",
        &root_s,
        "--exchange-poll-ms",
        "20",
        "--exchange-pause-ms",
        "5",
        "--review-pace-ms",
        "20",
        "--fault-duplicate-receipt-rate",
        "0.1",
        "--fault-partial-write-rate",
        "0.05",
        "--seed",
        "5",
    ]);
    let data = dir.path().join("data");
    let drafts = open_drafts(&data).await;
    let out = portdesk(
        &data,
        &mock,
        &[
            "exchange",
            "set",
            &root_s,
            "--stuck-after-secs",
            "600",
            "--poll-ms",
            "50",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut cut = 0;
    for round in 0..KILLS {
        create_and_file(&drafts, PER_ROUND).await;
        let mut syncer = portdesk(
            &data,
            &mock,
            &["sync", "--until-idle", "--timeout-secs", "30"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(100..1500)));
        let _ = syncer.kill();
        syncer.wait().unwrap();
        if drafts.store().outbox_counts().await.unwrap().pending() > 0 {
            cut += 1;
        }
        for db in [data.join("portdesk.db"), mock.dir().join("mw.db")] {
            assert_eq!(
                integrity(&db).await,
                "ok",
                "{} after kill {round}",
                db.display()
            );
        }
    }
    // Most kills cut a delivery short (entries still on their way).
    assert!(
        cut >= KILLS / 2,
        "only {cut} of {KILLS} kills landed during delivery"
    );

    let out = portdesk(
        &data,
        &mock,
        &["sync", "--until-idle", "--timeout-secs", "120"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "final sync: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let store = drafts.store();
    let entries = store.outbox_entries().await.unwrap();
    assert_eq!(entries.len(), KILLS * PER_ROUND);
    assert!(
        entries.iter().all(|e| e.state == EntryState::Done),
        "not all done"
    );
    let taken = taken(&mock);
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    for e in &entries {
        let name = outgoing_file_name(&e.client_seq_no, e.seq);
        assert_eq!(taken.get(&name).copied(), Some(1), "{name} taken");
        let filed = mock.filings_of(&http, &token, &e.client_seq_no).await.len();
        assert_eq!(filed, 1, "{name} filed {filed} times");
    }
    // Every message written once: each is archived as imported, once.
    let f = Folders::new(&root);
    let archived: Vec<String> = file_names(&f.archive_dir(Archive::Imported))
        .into_iter()
        .filter(|n| n.starts_with("PD_") && n.ends_with(".xml") && !n.ends_with(".response.xml"))
        .collect();
    assert_eq!(archived.len(), entries.len(), "{archived:?}");
    let dirs = ExchangeDirs::new(root.clone());
    assert!(file_names(&dirs.out_box()).is_empty());
    assert!(file_names(&dirs.sent_box()).is_empty());
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    eprintln!(
        "{} filings, {cut} of {KILLS} kills during delivery",
        entries.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amendment_through_the_folders_is_applied_by_the_mock_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("exchange");
    let root_s = root.to_str().unwrap().to_owned();
    let mock = Mock::start(&[
        "--exchange-dir",
        &root_s,
        "--exchange-poll-ms",
        "20",
        "--review-pace-ms",
        "20",
    ]);
    let drafts = open_drafts(&dir.path().join("data")).await;
    let csn = create_and_file(&drafts, 1).await.remove(0);
    let store = drafts.store().clone();
    let id = store.find_by_client_seq_no(&csn).await.unwrap().unwrap();
    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let settings = ExchangeSettings {
        stuck_after_secs: 15,
        poll_ms: 50,
        ..ExchangeSettings::new(root.clone())
    };
    exchange::set_settings(&store, &account, Some(&settings))
        .await
        .unwrap();
    let session = Session::new(store.clone(), account, creds, Duration::from_secs(20));
    let transport = exchange::account_transport(&session).await.unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(100),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_secs(1),
        ..SyncConfig::default()
    };
    let mut worker = Worker::with_transport(session, transport, config);
    // Filed through the folders and followed to its final receipt.
    let summary = worker
        .run_until_idle(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(
        (summary.counts.done, summary.awaiting_receipts),
        (1, 0),
        "{summary:?}"
    );
    let seq_no = store.last_delivered(id).await.unwrap().unwrap().seq_no;

    // A head field and a line field amended: one modification message.
    let change = |field: &str, value: &str| FieldChange {
        field: field.into(),
        value: value.into(),
    };
    drafts
        .amend(
            id,
            AmendmentReason::DataEntryError,
            vec![
                change("head.gross_weight", "47900"),
                change("lines.0.quantity", "26"),
            ],
            "毛重录错",
        )
        .await
        .unwrap();
    let summary = worker
        .run_until_idle(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(summary.counts.pending(), 0, "{summary:?}");
    let amendments = drafts.amendments(id).await.unwrap();
    assert_eq!(amendments.len(), 1);
    assert_eq!(amendments[0].state, "done");
    // A one-step filing: recorded as a declaration error, as the mock says.
    assert_eq!(amendments[0].no_error_recorded, Some(false));

    // The mock applied it, once: the filing read over HTTP.
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let r = http
        .get(format!("{}/v1/declarations/{seq_no}", mock.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let filing: serde_json::Value = r.json().await.unwrap();
    assert_eq!(filing["declaration"]["head"]["gross_weight"], "47900");
    assert_eq!(filing["declaration"]["lines"][0]["quantity"], "26");
    let recorded = filing["amendments"].as_array().unwrap();
    assert_eq!(recorded.len(), 1, "{filing}");
    assert_eq!(recorded[0]["reason"], "data_entry_error");
    assert_eq!(recorded[0]["error_recorded"], true);
    assert_eq!(
        recorded[0]["changes"],
        serde_json::json!([
            {"field": "head.gross_weight", "value": "47900"},
            {"field": "lines.0.quantity", "value": "26"},
        ])
    );
    let entries = store.outbox_entries().await.unwrap();
    let amendment = entries
        .iter()
        .find(|e| e.path.ends_with("/amendments"))
        .unwrap();
    let name = outgoing_file_name(&amendment.client_seq_no, amendment.seq);
    assert_eq!(taken(&mock).get(&name).copied(), Some(1), "{name} taken");
    let dirs = ExchangeDirs::new(root.clone());
    assert!(file_names(&dirs.sent_box()).is_empty());
    let f = Folders::new(&root);
    assert!(file_names(&f.archive_dir(Archive::Imported)).contains(&name));

    // A change the message cannot carry fails here, by its field, and
    // nothing reaches the client.
    drafts
        .amend(
            id,
            AmendmentReason::Other,
            vec![change("advance", "true")],
            "",
        )
        .await
        .unwrap();
    let summary = worker
        .run_until_idle(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(summary.counts.failed, 1, "{summary:?}");
    let amendments = store.amendments_for(id).await.unwrap();
    assert_eq!(amendments[1].state, EntryState::Failed);
    let failure: serde_json::Value =
        serde_json::from_str(amendments[1].failure.as_deref().unwrap_or("{}")).unwrap();
    assert_eq!(failure["code"], exchange::UNWRITABLE, "{failure}");
    assert_eq!(failure["reasons"][0]["field"], "advance", "{failure}");
    assert!(file_names(&dirs.out_box()).is_empty());
    assert_eq!(
        taken(&mock).len(),
        2,
        "the declaration and the one amendment"
    );
}
