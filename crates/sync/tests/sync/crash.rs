//! The crash test: `portdesk file` (saves and files) and `portdesk sync`
//! run side by side and are killed with SIGKILL at random moments, 20
//! times, restarting each time. Afterwards: every revision the CLI reported
//! committed on stdout is in the database with its outbox entry, every
//! entry is delivered, no declaration is filed twice on the server, and
//! `PRAGMA integrity_check` is ok.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_domain::{client_seq_no_for, Declaration};
use portdesk_drafts::interchange::Bundle;
use portdesk_store::EntryState;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::common::*;

const KILLS: usize = 20;
const PER_BATCH: usize = 60;
/// Sends a kill must have cut (a request logged with no answer before the
/// entry's next request) for the run to count. Runs here cut about 500
/// (a kill lands in a batch of up to 64 sends); 20 is one per kill.
const MIN_SENDS_CUT: usize = 20;

/// One line the CLI printed after a commit.
#[derive(Debug, Clone)]
struct Committed {
    csn: String,
    draft_id: Uuid,
    revision: i64,
    key: Uuid,
}

fn portdesk(data_dir: &std::path::Path, mock: &Mock, args: &[&str]) -> Command {
    let mut c = Command::new(binary("portdesk"));
    c.arg("--data-dir")
        .arg(data_dir)
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
async fn sigkill_during_saves_and_sync_loses_nothing_and_files_once() {
    // Some 5xx too, so kills also land between a failure and its retry.
    let mock = Mock::start(&[
        "--review-pace-ms",
        "20",
        "--fault-5xx-rate",
        "0.1",
        "--seed",
        "7",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let ledger: Arc<Mutex<Vec<Committed>>> = Arc::default();
    let base = fixture();

    for round in 0..KILLS {
        let decls: Vec<Declaration> = (0..PER_BATCH)
            .map(|_| Declaration {
                client_seq_no: client_seq_no_for(Uuid::now_v7()),
                ..base.clone()
            })
            .collect();
        let batch = dir.path().join(format!("batch{round}.json"));
        std::fs::write(&batch, serde_json::to_string(&Bundle::new(decls)).unwrap()).unwrap();

        let mut filer = portdesk(&data, &mock, &["file", batch.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut syncer = portdesk(
            &data,
            &mock,
            &["sync", "--until-idle", "--timeout-secs", "30"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let out = filer.stdout.take().unwrap();
        let sink = ledger.clone();
        let (first_commit, committing) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            // Only whole lines: a line cut by the kill was not reported.
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let f: Vec<&str> = line.split('\t').collect();
                if f.first() == Some(&"filed") && f.len() == 5 {
                    sink.lock().unwrap().push(Committed {
                        csn: f[1].to_owned(),
                        draft_id: f[2].parse().unwrap(),
                        revision: f[3].trim_start_matches('r').parse().unwrap(),
                        key: f[4].parse().unwrap(),
                    });
                    let _ = first_commit.send(());
                }
            }
        });
        // The random moment counts from the first commit, not from the
        // spawn: on a loaded machine starting the CLI alone can take longer
        // than the wait, and a kill before any save tests nothing. The
        // reader ending (the filer failed or finished) also ends the wait.
        let _ = committing.recv_timeout(Duration::from_secs(60));
        let wait = Duration::from_millis(rng.random_range(0..1100));
        std::thread::sleep(wait);
        // SIGKILL (Child::kill on Unix): no destructor, no graceful close.
        let _ = filer.kill();
        let _ = syncer.kill();
        filer.wait().unwrap();
        syncer.wait().unwrap();
        reader.join().unwrap();
        // Both databases whole after every kill: the client's, just killed
        // mid-write, and the mock's, which served it.
        for db in [data.join("portdesk.db"), mock.dir().join("mw.db")] {
            if db.exists() {
                assert_eq!(
                    integrity(&db).await,
                    "ok",
                    "{} after kill {round}",
                    db.display()
                );
            }
        }
    }

    // One last, uninterrupted sync finishes the queue.
    let out = portdesk(
        &data,
        &mock,
        &["sync", "--until-idle", "--timeout-secs", "60"],
    )
    .output()
    .unwrap();
    if !out.status.success() {
        // Say what was left, to tell a stuck entry from a missing receipt.
        let drafts = open_drafts(&data).await;
        for e in drafts.store().outbox_entries().await.unwrap() {
            if !e.state.is_terminal() {
                eprintln!(
                    "pending {} {:?} attempts {} failures {} last_error {:?} due {}",
                    e.client_seq_no,
                    e.state,
                    e.attempts,
                    e.failures,
                    e.last_error,
                    e.next_attempt_at
                );
            }
        }
        eprintln!(
            "awaiting receipts: {}",
            drafts
                .store()
                .filings_awaiting_receipts(portdesk_sync::FINAL_RECEIPT_CODES)
                .await
                .unwrap()
        );
        panic!(
            "final sync: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let drafts = open_drafts(&data).await;
    let store = drafts.store();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let ledger = ledger.lock().unwrap().clone();
    assert!(
        ledger.len() > KILLS,
        "too few commits reported: {}",
        ledger.len()
    );
    // The kills did land mid-save: some filings of the batches never happened.
    assert!(
        ledger.len() < KILLS * PER_BATCH,
        "no kill interrupted a `portdesk file`"
    );
    let entries = store.outbox_entries().await.unwrap();
    // Every reported commit is there: the revision and its outbox entry.
    for c in &ledger {
        store.revision(c.draft_id, c.revision).await.unwrap();
        let e = entries
            .iter()
            .find(|e| e.idempotency_key == c.key)
            .unwrap_or_else(|| panic!("outbox entry of {c:?} lost"));
        assert_eq!(
            (e.document_id, e.revision, &e.client_seq_no),
            (c.draft_id, c.revision, &c.csn)
        );
    }
    // Everything delivered, and filed once per client document id.
    assert!(
        entries.iter().all(|e| e.state == EntryState::Done),
        "not all done"
    );
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let csns: HashSet<&str> = entries.iter().map(|e| e.client_seq_no.as_str()).collect();
    for csn in &csns {
        let n = mock.filings_of(&http, &token, csn).await.len();
        assert_eq!(n, 1, "{csn} is filed {n} times on the server");
    }
    // Sends cut by a kill: a request line with no answer before the next request.
    let log = store.message_log(None).await.unwrap();
    let mut open = HashSet::new();
    let mut unknown_outcomes = 0;
    for l in log.iter().filter(|l| l.outbox_seq.is_some()) {
        let seq = l.outbox_seq.unwrap();
        match l.direction {
            portdesk_store::LogDirection::Request => {
                if !open.insert(seq) {
                    unknown_outcomes += 1;
                }
            }
            _ => {
                open.remove(&seq);
            }
        }
    }
    eprintln!(
        "{} commits reported, {} outbox entries, {} filings on the server, \
         {unknown_outcomes} sends cut by a kill and resent with their key",
        ledger.len(),
        entries.len(),
        csns.len()
    );
    // The test is about kills during sends: if none landed there, it proved
    // nothing about them.
    assert!(
        unknown_outcomes >= MIN_SENDS_CUT,
        "only {unknown_outcomes} sends were cut by a kill (want {MIN_SENDS_CUT})"
    );
}
