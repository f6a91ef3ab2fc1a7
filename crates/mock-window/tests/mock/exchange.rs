//! The mock as the Single Window client over real exchange folders
//! (`--exchange-dir`): a good message taken, imported and followed to a
//! final receipt; refusals by the rules, by an unknown enterprise and of a
//! garbage file; the same ClientSeqNo twice filed once; a two-step
//! declaration; every exchange fault; the request log; a restart; a
//! modification message applied through the amendments handler once, and
//! refused when it names no field or no filing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use portdesk_domain::Declaration;
use portdesk_message::exchange::{
    parse_answer_file_name, parse_notice_date, read_answer, AnswerFileName, DecResult,
    ExchangeAnswer, ExchangeDirs, ImportResponse,
};
use portdesk_message::{write, Declarant, OperType, WriteOptions};
use portdesk_mock_window::exchange::chance;
use serde_json::{json, Value};

use crate::common::*;

/// A mock playing the client over a fresh exchange root.
struct Folders {
    mock: Mock,
    _root: tempfile::TempDir,
    boxes: Boxes,
    args: Vec<String>,
}

/// The four folders, looked at as a sender would.
struct Boxes {
    dirs: ExchangeDirs,
}

impl std::ops::Deref for Folders {
    type Target = Boxes;
    fn deref(&self) -> &Boxes {
        &self.boxes
    }
}

async fn start(extra: &[&str]) -> Folders {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_str().unwrap().to_owned();
    let mut args = vec!["--exchange-dir", dir.as_str(), "--exchange-poll-ms", "20"];
    args.extend(extra);
    let mock = Mock::start(&args).await;
    let dirs = ExchangeDirs::new(root.path());
    let args = args.iter().map(|s| s.to_string()).collect();
    Folders {
        mock,
        _root: root,
        boxes: Boxes { dirs },
        args,
    }
}

/// The declaration as a 申报 message from `cop_code`'s account.
fn message(d: &Value, cop_code: &str) -> Vec<u8> {
    let d: Declaration = serde_json::from_value(d.clone()).unwrap();
    write(
        &d,
        &WriteOptions {
            oper_type: OperType::C,
            declarant: Declarant {
                cop_code: cop_code.into(),
                cop_name: "大连港通报关有限公司".into(),
                inputer_name: "王录入".into(),
                declare_name: "李申报".into(),
                ..Declarant::default()
            },
            ..WriteOptions::default()
        },
    )
    .unwrap()
}

/// One answer file read back.
#[derive(Debug, Clone)]
struct Answer {
    file: String,
    name: AnswerFileName,
    bytes: Vec<u8>,
    read: Option<ExchangeAnswer>,
}

impl Boxes {
    /// Puts a file into OutBox the way a careful sender does: written
    /// beside the folders, then renamed in.
    fn put(&self, name: &str, bytes: &[u8]) {
        let tmp = self.dirs.root.join(format!("{name}.part"));
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, self.dirs.out_box().join(name)).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    /// The complete answer files of a ClientSeqNo, oldest first. A file
    /// being written atomically is hidden (dot-prefixed) until complete.
    fn answers(&self, client_seq_no: &str) -> Vec<Answer> {
        let in_box = self.dirs.in_box();
        let mut out: Vec<Answer> = Boxes::names(&in_box)
            .into_iter()
            .filter_map(|file| {
                let name = parse_answer_file_name(&file)?;
                (name.client_seq_no == client_seq_no).then_some((file, name))
            })
            .map(|(file, name)| {
                let bytes = std::fs::read(in_box.join(&file)).unwrap();
                let read = read_answer(&bytes).ok();
                Answer {
                    file,
                    name,
                    bytes,
                    read,
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.timestamp.cmp(&b.name.timestamp));
        out
    }

    fn import_responses(&self, client_seq_no: &str) -> Vec<(bool, ImportResponse)> {
        self.answers(client_seq_no)
            .into_iter()
            .filter_map(|a| match a.read {
                Some(ExchangeAnswer::Import(r)) => Some((a.name.success, r)),
                _ => None,
            })
            .collect()
    }

    fn receipts(&self, client_seq_no: &str) -> Vec<(bool, DecResult)> {
        self.answers(client_seq_no)
            .into_iter()
            .filter_map(|a| match a.read {
                Some(ExchangeAnswer::Result(r)) => Some((a.name.success, r)),
                _ => None,
            })
            .collect()
    }

    fn channels(&self, client_seq_no: &str) -> Vec<String> {
        self.receipts(client_seq_no)
            .into_iter()
            .map(|(_, r)| r.channel)
            .collect()
    }

    /// Waits (polling, bounded) until `done` holds.
    async fn until(&self, what: &str, mut done: impl FnMut(&Boxes) -> bool) {
        for _ in 0..600 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let listing: BTreeMap<&str, Vec<String>> = [
            ("OutBox", self.dirs.out_box()),
            ("SentBox", self.dirs.sent_box()),
            ("FailBox", self.dirs.fail_box()),
            ("InBox", self.dirs.in_box()),
        ]
        .into_iter()
        .map(|(k, d)| (k, Boxes::names(&d)))
        .collect();
        panic!("never: {what}\n{listing:#?}");
    }

    async fn import_response(&self, client_seq_no: &str, n: usize) -> Vec<(bool, ImportResponse)> {
        self.until(
            &format!("{n} import response(s) for {client_seq_no}"),
            |f| f.import_responses(client_seq_no).len() >= n,
        )
        .await;
        self.import_responses(client_seq_no)
    }

    async fn channels_until(&self, client_seq_no: &str, last: &str) -> Vec<String> {
        self.until(&format!("receipt {last} for {client_seq_no}"), |f| {
            f.channels(client_seq_no).iter().any(|c| c == last)
        })
        .await;
        self.channels(client_seq_no)
    }

    fn in_dir(&self, dir: PathBuf, name: &str) -> bool {
        dir.join(name).is_file()
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_good_file_is_taken_imported_and_followed_to_its_final_receipt() {
    let f = start(&[]).await;
    let seq = "PDX000000000000001";
    let name = format!("PD_{seq}_1.xml");
    f.put(&name, &message(&export_declaration(seq), BROKER));

    let responses = f.import_response(seq, 1).await;
    assert!(f.in_dir(f.dirs.sent_box(), &name), "moved to SentBox");
    assert!(!f.in_dir(f.dirs.out_box(), &name));
    let (success, r) = &responses[0];
    assert!(*success && r.imported(), "{r:?}");
    assert_eq!(r.client_seq_no, seq);
    assert_eq!(r.seq_no.len(), 18, "{r:?}");

    let channels = f.channels_until(seq, "R").await;
    assert_eq!(channels, strs(&["L", "G", "P", "R"]));
    let receipts = f.receipts(seq);
    for (success, d) in &receipts {
        assert!(*success);
        assert_eq!(d.cus_ciq_no, r.seq_no);
        assert_eq!(d.entry_id.len(), 18, "{d:?}");
        assert!(!d.note.is_empty());
        assert_eq!(d.custom_master, "0900");
        assert!(parse_notice_date(&d.notice_date).is_some(), "{d:?}");
    }
    // Every answer a distinct timestamp, the import response first.
    let answers = f.answers(seq);
    let mut stamps: Vec<&str> = answers.iter().map(|a| a.name.timestamp.as_str()).collect();
    stamps.dedup();
    assert_eq!(stamps.len(), 5);
    assert!(matches!(answers[0].read, Some(ExchangeAnswer::Import(_))));
    assert!(answers.iter().all(|a| a.name.ie_flag == "E"));

    // The HTTP side sees the same filing.
    let token = f.mock.token(BROKER).await;
    let v = f.mock.wait_status(&token, &r.seq_no, "closed").await;
    assert_eq!(v["client_seq_no"], seq);
    let codes = codes_of(&f.mock.all_receipts(&token).await, &r.seq_no);
    assert_eq!(codes, strs(&["L", "G", "P", "R"]));
}

#[tokio::test]
async fn rule_violations_and_an_unknown_enterprise_answer_failed() {
    let f = start(&[]).await;
    let bad = "PDX000000000000002";
    f.put(
        &format!("PD_{bad}_1.xml"),
        &message(&invalid_declaration(bad), BROKER),
    );
    let stranger = "PDX000000000000003";
    f.put(
        &format!("PD_{stranger}_1.xml"),
        &message(&export_declaration(stranger), "2109999999"),
    );

    let (success, r) = f.import_response(bad, 1).await.remove(0);
    assert!(!success && !r.imported(), "{r:?}");
    assert_eq!(r.response_code, "1");
    assert!(r.seq_no.is_empty());
    // One line per reason: [rule] field: message.
    let lines: Vec<&str> = r.error_message.lines().skip(1).collect();
    assert!(!lines.is_empty(), "{}", r.error_message);
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with('[') && l.contains("] ") && l.contains(": ")),
        "{}",
        r.error_message
    );
    assert!(r.error_message.contains("[DEC-"), "{}", r.error_message);

    let (success, r) = f.import_response(stranger, 1).await.remove(0);
    assert!(!success);
    assert_eq!(r.response_code, "1");
    assert!(
        r.error_message.contains("2109999999"),
        "{}",
        r.error_message
    );

    // Neither gets a receipt file; the file was still taken (SentBox).
    assert!(f.receipts(bad).is_empty() && f.receipts(stranger).is_empty());
    assert!(f.in_dir(f.dirs.sent_box(), &format!("PD_{bad}_1.xml")));
}

#[tokio::test]
async fn a_garbage_file_goes_to_failbox_and_other_files_are_left_alone() {
    let f = start(&[]).await;
    let seq = "PDX000000000000004";
    let name = format!("PD_{seq}_1.xml");
    f.put(&name, b"<?xml version=\"1.0\"?>\n<DecMessage>\n<DecHead>");
    f.put("notes.xml", b"not xml at all");
    // Never taken: hidden, not .xml, a folder.
    f.put(".PD_hidden_1.xml", b"<x/>");
    f.put("PD_tmp_1.xml.tmp", b"<x/>");
    std::fs::create_dir(f.dirs.out_box().join("folder.xml")).unwrap();

    let (success, r) = f.import_response(seq, 1).await.remove(0);
    assert!(!success);
    assert!(r.error_message.contains("line"), "{}", r.error_message);
    f.until("notes.xml in FailBox", |f| {
        f.in_dir(f.dirs.fail_box(), "notes.xml")
    })
    .await;
    assert!(f.in_dir(f.dirs.fail_box(), &name));
    assert!(!f.in_dir(f.dirs.sent_box(), &name));
    let left = Boxes::names(&f.dirs.out_box());
    assert_eq!(
        left,
        strs(&[".PD_hidden_1.xml", "PD_tmp_1.xml.tmp", "folder.xml"])
    );
    // The log took exactly the two files, the garbage one with the
    // ClientSeqNo its name carries.
    let taken: Vec<_> = f
        .mock
        .process()
        .requests()
        .into_iter()
        .filter(|r| r.method == "EXCHANGE")
        .collect();
    assert_eq!(taken.len(), 2, "{taken:?}");
    let by_name: BTreeMap<_, _> = taken
        .iter()
        .map(|r| (r.path.as_str(), r.client_seq_no.as_deref()))
        .collect();
    assert_eq!(by_name[name.as_str()], Some(seq));
    assert_eq!(by_name["notes.xml"], None);
}

#[tokio::test]
async fn the_same_client_seq_no_twice_is_filed_once() {
    let f = start(&[]).await;
    let seq = "PDX000000000000005";
    let bytes = message(&export_declaration(seq), BROKER);
    f.put(&format!("PD_{seq}_1.xml"), &bytes);
    let first = f.import_response(seq, 1).await.remove(0).1;
    f.channels_until(seq, "R").await;
    f.put(&format!("PD_{seq}_2.xml"), &bytes);
    // The same name again, too: kept beside the first in SentBox.
    f.put(&format!("PD_{seq}_1.xml"), &bytes);
    let all = f.import_response(seq, 3).await;
    for (success, r) in &all {
        assert!(*success && r.imported());
        assert_eq!(r.seq_no, first.seq_no, "the same filing");
    }
    assert!(f.in_dir(f.dirs.sent_box(), &format!("PD_{seq}_1~2.xml")));
    // One filing; its receipts written once.
    let token = f.mock.token(BROKER).await;
    let list: Value = f
        .mock
        .get(&token, &format!("/v1/declarations?client_seq_no={seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(f.channels(seq), strs(&["L", "G", "P", "R"]));
    // Every take logged, each line parsed as the HTTP ones are.
    let lines: Vec<_> = f
        .mock
        .process()
        .requests()
        .into_iter()
        .filter(|r| r.method == "EXCHANGE")
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|l| l.client_seq_no.as_deref() == Some(seq) && l.idempotency_key.is_none()));
}

#[tokio::test]
async fn a_two_step_declaration_summary_then_complete() {
    let f = start(&[]).await;
    let seq = "PDX000000000000006";
    f.put(
        &format!("PD_{seq}_1.xml"),
        &message(&summary_declaration(seq), IMPORTER),
    );
    let (ok, summary) = f.import_response(seq, 1).await.remove(0);
    assert!(ok, "{summary:?}");
    assert_eq!(
        f.channels_until(seq, "SpK").await,
        strs(&["SpL", "SpJ", "SpK"])
    );
    f.put(
        &format!("PD_{seq}_2.xml"),
        &message(&complete_declaration(seq), IMPORTER),
    );
    let all = f.import_response(seq, 2).await;
    assert!(all[1].0, "{:?}", all[1]);
    assert_eq!(all[1].1.seq_no, summary.seq_no);
    assert_eq!(
        f.channels_until(seq, "R").await,
        strs(&["SpL", "SpJ", "SpK", "L", "G", "P", "R"])
    );
    assert!(f.answers(seq).iter().all(|a| a.name.ie_flag == "I"));
}

#[tokio::test]
async fn a_rejection_on_review_is_a_failed_receipt() {
    let f = start(&[]).await;
    let seq = "PDX000000000000007";
    let mut d = export_declaration(seq);
    d["head"]["remarks"] = json!("#REJECT:head.bill_no");
    f.put(&format!("PD_{seq}_1.xml"), &message(&d, BROKER));
    assert_eq!(f.channels_until(seq, "E").await, strs(&["L", "E"]));
    let receipts = f.receipts(seq);
    assert!(receipts[0].0, "L is Successed_");
    let (success, e) = &receipts[1];
    assert!(!success, "E is Failed_");
    assert!(e.note.contains("[SW-REVIEW] head.bill_no"), "{}", e.note);
}

/// The first of `candidates` the seeded draw of `fault` strikes at `rate`
/// (`want`), or spares.
fn pick(seed: u64, fault: &str, rate: f64, want: bool, prefix: &str) -> String {
    (0..1000)
        .map(|i| format!("{prefix}{i:06}"))
        .find(|seq| (chance(seed, fault, &format!("PD_{seq}_1.xml")) < rate) == want)
        .unwrap()
}

#[tokio::test]
async fn untaken_files_stay_in_outbox_decided_by_name() {
    let f = start(&["--fault-untaken-rate", "0.5", "--seed", "11"]).await;
    let held = pick(11, "untaken", 0.5, true, "PDXUNTAKEN00");
    let taken = pick(11, "untaken", 0.5, false, "PDXUNTAKEN00");
    let held_name = format!("PD_{held}_1.xml");
    f.put(&held_name, &message(&export_declaration(&held), BROKER));
    // Written later, so looked at after the held one in the same pass.
    std::thread::sleep(Duration::from_millis(20));
    f.put(
        &format!("PD_{taken}_1.xml"),
        &message(&export_declaration(&taken), BROKER),
    );
    f.import_response(&taken, 1).await;
    f.channels_until(&taken, "L").await;
    assert!(f.in_dir(f.dirs.out_box(), &held_name), "left untaken");
    assert!(f.answers(&held).is_empty());
    assert!(f
        .mock
        .process()
        .requests()
        .iter()
        .all(|r| r.path != held_name));
}

#[tokio::test]
async fn import_failed_answers_busy_and_files_nothing() {
    let f = start(&["--fault-import-failed-rate", "1"]).await;
    let seq = "PDX000000000000008";
    let name = format!("PD_{seq}_1.xml");
    let bytes = message(&export_declaration(seq), BROKER);
    f.put(&name, &bytes);
    let (success, r) = f.import_response(seq, 1).await.remove(0);
    assert!(!success);
    assert_eq!(r.response_code, "1");
    assert!(r.error_message.contains("系统繁忙"), "{}", r.error_message);
    let token = f.mock.token(BROKER).await;
    let list: Value = f
        .mock
        .get(&token, &format!("/v1/declarations?client_seq_no={seq}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty(), "not filed");
    // Faults off through /control: the same file again is filed.
    f.mock
        .set_faults(json!({"import_failed_rate": 0.0, "review_pace_ms": 50}))
        .await;
    f.put(&name, &bytes);
    let all = f.import_response(seq, 2).await;
    assert!(all[1].0 && all[1].1.imported(), "{:?}", all[1]);
}

#[tokio::test]
async fn malformed_and_duplicate_receipts_beside_the_real_ones() {
    let f = start(&[
        "--fault-malformed-receipt-rate",
        "1",
        "--fault-duplicate-receipt-rate",
        "1",
    ])
    .await;
    let seq = "PDX000000000000009";
    f.put(
        &format!("PD_{seq}_1.xml"),
        &message(&export_declaration(seq), BROKER),
    );
    f.until("four receipts twice", |f| f.channels(seq).len() == 8)
        .await;
    assert_eq!(
        f.channels(seq),
        strs(&["L", "L", "G", "G", "P", "P", "R", "R"])
    );
    let answers = f.answers(seq);
    let broken: Vec<&Answer> = answers.iter().filter(|a| a.read.is_none()).collect();
    assert_eq!(broken.len(), 4, "one truncated file per receipt");
    for b in &broken {
        let e = read_answer(&b.bytes).unwrap_err();
        assert_eq!(e.code(), "message.malformed", "{}: {e}", b.file);
    }
    // The two copies of a receipt: the same bytes under two names.
    let results: Vec<&Answer> = answers
        .iter()
        .filter(|a| matches!(a.read, Some(ExchangeAnswer::Result(_))))
        .collect();
    for pair in results.chunks(2) {
        assert_eq!(pair[0].bytes, pair[1].bytes);
        assert_ne!(pair[0].file, pair[1].file);
    }
}

#[tokio::test]
async fn partial_writes_are_seen_half_written_then_complete() {
    let f = start(&["--fault-partial-write-rate", "1"]).await;
    let seq = "PDX000000000000010";
    f.put(
        &format!("PD_{seq}_1.xml"),
        &message(&export_declaration(seq), BROKER),
    );
    // Each answer stays half-written for 300 ms or more: looking every
    // 10 ms sees some of the five that way.
    let mut seen_half = std::collections::BTreeSet::new();
    for _ in 0..3000 {
        for a in f.answers(seq) {
            if a.read.is_none() {
                seen_half.insert(a.file);
            }
        }
        if f.channels(seq).last().map(String::as_str) == Some("R") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        !seen_half.is_empty(),
        "no answer was ever seen half-written"
    );
    // In the end every file reads, in order.
    assert_eq!(f.channels(seq), strs(&["L", "G", "P", "R"]));
    assert!(f.answers(seq).iter().all(|a| a.read.is_some()));
}

#[tokio::test]
async fn without_faults_no_answer_is_ever_seen_incomplete() {
    let f = start(&[]).await;
    let seq = "PDX000000000000011";
    f.put(
        &format!("PD_{seq}_1.xml"),
        &message(&export_declaration(seq), BROKER),
    );
    for _ in 0..3000 {
        let answers = f.answers(seq);
        for a in &answers {
            assert!(a.read.is_some(), "{} read incomplete", a.file);
        }
        if f.channels(seq).last().map(String::as_str) == Some("R") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("never reached R");
}

#[tokio::test]
async fn a_restart_loses_no_receipt_and_keeps_their_order() {
    let mut f = start(&[]).await;
    let seq = "PDX000000000000012";
    f.put(
        &format!("PD_{seq}_1.xml"),
        &message(&export_declaration(seq), BROKER),
    );
    f.channels_until(seq, "L").await;
    // SIGKILL mid-review, then the same database and folders again.
    let args: Vec<&str> = f.args.iter().map(String::as_str).collect();
    f.mock.restart_with(&args).await;
    let mut channels = f.channels_until(seq, "R").await;
    // A kill between writing a file and recording it may repeat that one
    // file (as the duplicate fault does); nothing is lost or reordered.
    channels.dedup();
    assert_eq!(channels, strs(&["L", "G", "P", "R"]));
}

#[tokio::test]
async fn many_files_with_every_fault_each_reach_their_end() {
    let seed = 5;
    let rate = 0.15;
    let f = start(&[
        "--seed",
        "5",
        "--fault-untaken-rate",
        "0.15",
        "--fault-import-failed-rate",
        "0.15",
        "--fault-malformed-receipt-rate",
        "0.15",
        "--fault-duplicate-receipt-rate",
        "0.15",
        "--fault-partial-write-rate",
        "0.15",
        "--review-pace-ms",
        "20",
    ])
    .await;
    let seqs: Vec<String> = (0..60).map(|i| format!("PDXMANY{i:011}")).collect();
    for seq in &seqs {
        f.put(
            &format!("PD_{seq}_1.xml"),
            &message(&export_declaration(seq), BROKER),
        );
    }
    let name = |seq: &str| format!("PD_{seq}_1.xml");
    let untaken: Vec<&String> = seqs
        .iter()
        .filter(|s| chance(seed, "untaken", &name(s)) < rate)
        .collect();
    let busy: Vec<&String> = seqs
        .iter()
        .filter(|s| !untaken.contains(s))
        .filter(|s| chance(seed, "import_failed", &format!("{}#1", name(s))) < rate)
        .collect();
    assert!(
        !untaken.is_empty() && !busy.is_empty(),
        "the seed strikes both"
    );
    f.until("every taken file at its end", |f| {
        seqs.iter().filter(|s| !untaken.contains(s)).all(|s| {
            let answered = f.import_responses(s).len() == 1;
            answered && (busy.contains(&s) || f.channels(s).iter().any(|c| c == "R"))
        })
    })
    .await;
    let token = f.mock.token(BROKER).await;
    for seq in &seqs {
        let list: Value = f
            .mock
            .get(&token, &format!("/v1/declarations?client_seq_no={seq}"))
            .await
            .json()
            .await
            .unwrap();
        let filings = list["items"].as_array().unwrap().len();
        if untaken.contains(&seq) {
            assert!(f.in_dir(f.dirs.out_box(), &name(seq)));
            assert!(f.answers(seq).is_empty());
            assert_eq!(filings, 0);
        } else if busy.contains(&seq) {
            let (ok, r) = f.import_responses(seq).remove(0);
            assert!(!ok && r.error_message.contains("系统繁忙"));
            assert_eq!(filings, 0, "{seq}");
        } else {
            assert_eq!(filings, 1, "{seq}");
            let mut channels = f.channels(seq);
            channels.dedup();
            assert_eq!(channels, strs(&["L", "G", "P", "R"]), "{seq}");
        }
    }
    let logged = f
        .mock
        .process()
        .requests()
        .into_iter()
        .filter(|r| r.method == "EXCHANGE")
        .count();
    assert_eq!(logged, seqs.len() - untaken.len());
}

#[tokio::test]
async fn a_take_cut_off_after_its_move_is_answered_at_the_next_start() {
    use clap::Parser;
    use portdesk_mock_window::{serve, Config, Server};

    let data = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let db = data.path().join("mw.db");
    let config = Config::parse_from([
        "mock-window",
        "--port",
        "0",
        "--db",
        db.to_str().unwrap(),
        "--exchange-dir",
        root.path().to_str().unwrap(),
        "--exchange-poll-ms",
        "20",
        "--review-pace-ms",
        "20",
    ]);
    let server = Server::bind(config).await.unwrap();
    // As a kill leaves it: the file in SentBox, the take journalled, no answer.
    let boxes = Boxes {
        dirs: ExchangeDirs::new(root.path()),
    };
    let seq = "PDX000000000000013";
    let name = format!("PD_{seq}_1.xml");
    std::fs::write(
        boxes.dirs.sent_box().join(&name),
        message(&export_declaration(seq), BROKER),
    )
    .unwrap();
    sqlx::query("INSERT INTO exchange_takes (file_name, takes, moved_to) VALUES (?, 1, ?)")
        .bind(&name)
        .bind(format!("SentBox/{name}"))
        .execute(&server.state().db)
        .await
        .unwrap();
    let running = tokio::spawn(serve(server));
    let (ok, r) = boxes.import_response(seq, 1).await.remove(0);
    assert!(ok && r.imported(), "{r:?}");
    assert_eq!(
        boxes.channels_until(seq, "R").await,
        strs(&["L", "G", "P", "R"])
    );
    running.abort();
}

/// The modification message of `changes` to the filed `original`, as the
/// client's transport writes it.
fn modification(original: &Value, seq_no: &str, changes: &[(&str, &str)]) -> Vec<u8> {
    use portdesk_message::modification::*;
    let original: Declaration = serde_json::from_value(original.clone()).unwrap();
    let wire: Vec<portdesk_api::FieldChange> = changes
        .iter()
        .map(|(field, value)| portdesk_api::FieldChange {
            field: (*field).into(),
            value: (*value).into(),
        })
        .collect();
    let amended = portdesk_api::apply_changes(&original, &wire).unwrap();
    let msg = modification_from_amendment(
        &original,
        &amended,
        &ModificationRequest {
            dec_seq_no: seq_no.into(),
            reason: "data_entry_error".into(),
            note: "毛重录错".into(),
            oper_type: OperType::C,
            ..ModificationRequest::default()
        },
        &portdesk_domain::CodeLists::bundled(),
    )
    .unwrap();
    write_modification(&msg, &ModificationWriteOptions::default()).unwrap()
}

#[tokio::test]
async fn a_modification_is_applied_once_through_the_amendments_handler() {
    let f = start(&["--review-pace-ms", "20"]).await;
    let seq = "PDX000000000000090";
    let filed = export_declaration(seq);
    f.put(&format!("PD_{seq}_1.xml"), &message(&filed, BROKER));
    let (_, r) = f.import_response(seq, 1).await.remove(0);
    f.channels_until(seq, "R").await;
    let seq_no = r.seq_no;

    let bytes = modification(
        &filed,
        &seq_no,
        &[("head.gross_weight", "47900"), ("lines.0.quantity", "26")],
    );
    let name = format!("PD_{seq}_2.xml");
    f.put(&name, &bytes);
    let (success, r) = f.import_response(seq, 2).await.remove(1);
    assert!(success && r.imported(), "{r:?}");
    assert_eq!(
        (r.seq_no.as_str(), r.client_seq_no.as_str()),
        (seq_no.as_str(), seq)
    );
    assert!(f.in_dir(f.dirs.sent_box(), &name));
    // The same file written again (a sender's retry): one amendment.
    f.put(&name, &bytes);
    let (success, _) = f.import_response(seq, 3).await.remove(2);
    assert!(success);

    let token = f.mock.token(BROKER).await;
    let v: Value = f
        .mock
        .get(&token, &format!("/v1/declarations/{seq_no}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["declaration"]["head"]["gross_weight"], "47900");
    assert_eq!(v["declaration"]["lines"][0]["quantity"], "26");
    let amendments = v["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 1, "{v}");
    assert_eq!(amendments[0]["reason"], "data_entry_error");
    assert!(
        amendments[0]["client_seq_no"]
            .as_str()
            .unwrap()
            .starts_with(&format!("exchange:{name}:")),
        "{}",
        amendments[0]
    );
    // Each take logged, with the ClientSeqNo the name carries.
    let takes = f
        .mock
        .process()
        .requests()
        .into_iter()
        .filter(|r| r.method == "EXCHANGE" && r.path == name)
        .count();
    assert_eq!(takes, 2);
    // The M of the amendment has no CHANNEL: no receipt file for it.
    assert_eq!(f.channels(seq), strs(&["L", "G", "P", "R"]));

    // An item naming no field, and a modification of no filing: refused.
    let bad = String::from_utf8(bytes.clone()).unwrap().replace(
        "<FieldCode>GrossWet</FieldCode>",
        "<FieldCode>NoSuch</FieldCode>",
    );
    f.put(&format!("PD_{seq}_3.xml"), bad.as_bytes());
    let (success, r) = f.import_response(seq, 4).await.remove(3);
    assert!(!success && !r.imported());
    assert!(
        r.error_message.contains("Item[1]/FieldCode"),
        "{}",
        r.error_message
    );
    let nowhere = String::from_utf8(bytes).unwrap().replace(
        &format!("<DecSeqNo>{seq_no}</DecSeqNo>"),
        "<DecSeqNo>X1</DecSeqNo>",
    );
    f.put("PD_PDX000000000000091_1.xml", nowhere.as_bytes());
    let (success, r) = f.import_response("PDX000000000000091", 1).await.remove(0);
    assert!(!success);
    assert!(r.error_message.contains("X1"), "{}", r.error_message);
    let v: Value = f
        .mock
        .get(&token, &format!("/v1/declarations/{seq_no}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["amendments"].as_array().unwrap().len(), 1);
}
