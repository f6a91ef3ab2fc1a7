//! The exchange-folder transport over real folders, with the test playing
//! the Single Window client by hand: where a filing's file is decides the
//! answer, nothing is written twice, stuck files are shown as stuck and
//! can be retried, receipts come once each however the client writes
//! them, a crash between two moves is recovered, and an amendment travels
//! as a modification message of the filing as delivered, answered as the
//! worker records amendments, or is refused by the field it cannot carry.

use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::Utc;
use portdesk_api::ReceiptPage;
use portdesk_message::exchange::{
    answer_file_name, outgoing_file_name, write_dec_result, write_import_response, AnswerFileName,
    DecResult, ExchangeDirs, ImportResponse,
};
use portdesk_store::{AttemptResult, OutboxEntry, Outcome};
use portdesk_sync::client::Answer;
use portdesk_sync::exchange::{Archive, ExchangeSettings, ExchangeTransport, Folders};
use portdesk_sync::{Secret, Transport};

use crate::common::*;

struct Bench {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    dirs: ExchangeDirs,
    drafts: portdesk_drafts::Drafts,
    transport: ExchangeTransport,
}

async fn bench(stuck_after_secs: u64) -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("exchange");
    let dirs = ExchangeDirs::new(root.clone());
    dirs.create_all().unwrap();
    let drafts = open_drafts(&dir.path().join("data")).await;
    let settings = ExchangeSettings {
        stuck_after_secs,
        poll_ms: 50,
        ..ExchangeSettings::new(root.clone())
    };
    let transport =
        ExchangeTransport::new(settings, BROKER, None).with_store(drafts.store().clone());
    Bench {
        _dir: dir,
        root,
        dirs,
        drafts,
        transport,
    }
}

impl Bench {
    /// Files `n` declarations and claims their entries, as the worker does.
    async fn claimed(&self, n: usize) -> Vec<OutboxEntry> {
        create_and_file(&self.drafts, n).await;
        self.claim().await
    }

    async fn claim(&self) -> Vec<OutboxEntry> {
        self.drafts
            .store()
            .claim_due(Utc::now() + chrono::Duration::seconds(1), 100)
            .await
            .unwrap()
    }

    async fn send(&self, entry: &OutboxEntry) -> Answer {
        let (answer, _log) = self.transport.send_entry(entry, &Secret::new("")).await;
        answer.unwrap()
    }

    /// Records `answer` as the worker would, and claims the entry again.
    async fn record_and_reclaim(&self, entry: &OutboxEntry, answer: &Answer) -> OutboxEntry {
        let outcome = match answer.status {
            102 => Outcome::Retry {
                next_attempt_at: Utc::now(),
                error: code(answer),
                counts: false,
            },
            422 => Outcome::Failed {
                http_status: Some(422),
                failure: String::from_utf8_lossy(&answer.body).into_owned(),
            },
            s => panic!("unexpected {s}"),
        };
        self.drafts
            .store()
            .record_outcomes(
                "x",
                &[AttemptResult {
                    outbox_seq: entry.seq,
                    outcome,
                    log: vec![],
                }],
            )
            .await
            .unwrap();
        self.claim()
            .await
            .into_iter()
            .find(|e| e.seq == entry.seq)
            .expect("claimed again")
    }

    fn name(&self, entry: &OutboxEntry) -> String {
        outgoing_file_name(&entry.client_seq_no, entry.seq)
    }

    /// The client takes `entry`'s file and answers `code` (0 imported).
    fn client_takes(&self, entry: &OutboxEntry, response_code: &str, seq_no: &str) {
        let name = self.name(entry);
        std::fs::rename(
            self.dirs.out_box().join(&name),
            self.dirs.sent_box().join(&name),
        )
        .unwrap();
        self.answer(
            &entry.client_seq_no,
            response_code == "0",
            &write_import_response(&ImportResponse {
                seq_no: seq_no.to_owned(),
                response_code: response_code.to_owned(),
                error_message: if response_code == "0" {
                    String::new()
                } else {
                    "系统繁忙".to_owned()
                },
                client_seq_no: entry.client_seq_no.clone(),
                trn_pre_id: String::new(),
            }),
            1,
        );
    }

    fn answer(&self, csn: &str, success: bool, bytes: &[u8], n: u32) -> std::path::PathBuf {
        let name = answer_file_name(&AnswerFileName {
            success,
            ie_flag: "E".to_owned(),
            client_seq_no: csn.to_owned(),
            retry: 0,
            timestamp: format!("20261202103000{n:03}"),
        });
        let path = self.dirs.in_box().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn receipts(&self, since: &str) -> ReceiptPage {
        let (answer, _) = self.transport.receipts(&Secret::new(""), since, 100).await;
        let answer = answer.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.text());
        serde_json::from_slice(&answer.body).unwrap()
    }
}

fn code(answer: &Answer) -> String {
    let v: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    v["code"].as_str().unwrap_or_default().to_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn set_age(path: &Path, age: Duration) {
    let f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

#[tokio::test]
async fn a_filing_is_written_once_then_followed_to_its_import_response() {
    let b = bench(900).await;
    let entry = b.claimed(1).await.remove(0);
    let name = b.name(&entry);

    let (first, log) = b.transport.send_entry(&entry, &Secret::new("")).await;
    let first = first.unwrap();
    assert_eq!(
        (first.status, code(&first).as_str()),
        (102, "exchange_waiting")
    );
    assert_eq!(files(&b.dirs.out_box()), vec![name.clone()]);
    // The log keeps what was handed over, exactly.
    assert_eq!(log.method, "WRITE");
    assert_eq!(
        log.body.as_bytes(),
        std::fs::read(b.dirs.out_box().join(&name)).unwrap()
    );
    // Written elsewhere and renamed in: nothing half-written is left about.
    let tmp = Folders::new(&b.root).tmp_dir();
    assert!(files(&tmp).is_empty(), "{:?}", files(&tmp));
    let read =
        portdesk_message::read(&std::fs::read(b.dirs.out_box().join(&name)).unwrap()).unwrap();
    assert_eq!(read.declaration.client_seq_no, entry.client_seq_no);
    assert_eq!(read.oper_type, Some(portdesk_message::OperType::C));
    assert_eq!(read.declarant.cop_code, BROKER);

    // Looking again writes nothing new, and the claim of a look logs no
    // request line.
    let lines = b.drafts.store().message_log(None).await.unwrap().len();
    let entry = b.record_and_reclaim(&entry, &first).await;
    assert_eq!(
        b.drafts.store().message_log(None).await.unwrap().len(),
        lines
    );
    let (again, log) = b.transport.send_entry(&entry, &Secret::new("")).await;
    let again = again.unwrap();
    assert_eq!(log.method, "FILE");
    assert_eq!(again.status, 102);
    assert_eq!(files(&b.dirs.out_box()), vec![name.clone()]);

    // Taken, not answered yet.
    std::fs::rename(b.dirs.out_box().join(&name), b.dirs.sent_box().join(&name)).unwrap();
    let entry = b.record_and_reclaim(&entry, &again).await;
    let taken = b.send(&entry).await;
    assert_eq!(
        (taken.status, code(&taken).as_str()),
        (102, "exchange_taken")
    );
    assert!(files(&b.dirs.out_box()).is_empty());

    // Answered: done with the unified no.; both files archived.
    std::fs::rename(b.dirs.sent_box().join(&name), b.dirs.out_box().join(&name)).unwrap();
    b.client_takes(&entry, "0", "SEQ000000000000001");
    let done = b.send(&entry).await;
    assert_eq!(done.status, 201, "{}", done.text());
    let v: serde_json::Value = serde_json::from_slice(&done.body).unwrap();
    assert_eq!(v["seq_no"], "SEQ000000000000001");
    assert!(files(&b.dirs.sent_box()).is_empty());
    assert!(files(&b.dirs.in_box()).is_empty());
    let f = Folders::new(&b.root);
    assert_eq!(files(&f.archive_dir(Archive::Imported)).len(), 2);

    // A crash before the outcome was recorded: the same answer again, and
    // still nothing written.
    let replay = b.send(&entry).await;
    assert_eq!(replay.status, 201);
    assert!(files(&b.dirs.out_box()).is_empty());
}

#[tokio::test]
async fn an_untaken_file_is_stuck_and_a_retry_waits_again_without_a_second_file() {
    let b = bench(60).await;
    let entry = b.claimed(1).await.remove(0);
    let name = b.name(&entry);
    let first = b.send(&entry).await;
    assert_eq!(first.status, 102);
    let entry = b.record_and_reclaim(&entry, &first).await;
    set_age(&b.dirs.out_box().join(&name), Duration::from_secs(120));
    let stuck = b.send(&entry).await;
    assert_eq!(
        (stuck.status, code(&stuck).as_str()),
        (422, "exchange_stuck")
    );
    assert!(stuck.text().contains("OutBox"), "{}", stuck.text());

    // Recorded as failed; the clerk retries: the file is still there, so
    // the wait starts again and no second copy is written.
    b.record_and_reclaim_failed(&entry, &stuck).await;
    assert!(b
        .drafts
        .store()
        .retry_failed_entry(entry.seq)
        .await
        .unwrap());
    let entry = b.claim().await.remove(0);
    let retried = b.send(&entry).await;
    assert_eq!(
        (retried.status, code(&retried).as_str()),
        (102, "exchange_waiting")
    );
    assert_eq!(files(&b.dirs.out_box()), vec![name]);
    // Retrying what is not failed changes nothing.
    assert!(!b
        .drafts
        .store()
        .retry_failed_entry(entry.seq)
        .await
        .unwrap());
}

impl Bench {
    async fn record_and_reclaim_failed(&self, entry: &OutboxEntry, answer: &Answer) {
        self.drafts
            .store()
            .record_outcomes(
                "x",
                &[AttemptResult {
                    outbox_seq: entry.seq,
                    outcome: Outcome::Failed {
                        http_status: Some(answer.status),
                        failure: answer.text(),
                    },
                    log: vec![],
                }],
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn refused_and_not_imported_files_fail_and_are_archived() {
    let b = bench(900).await;
    let entries = b.claimed(2).await;
    for e in &entries {
        assert_eq!(b.send(e).await.status, 102);
    }
    // The client refuses the first (FailBox) …
    let refused = b.name(&entries[0]);
    std::fs::rename(
        b.dirs.out_box().join(&refused),
        b.dirs.fail_box().join(&refused),
    )
    .unwrap();
    let a = b.send(&entries[0]).await;
    assert_eq!((a.status, code(&a).as_str()), (422, "exchange_refused"));
    assert!(files(&b.dirs.fail_box()).is_empty());
    // … the Single Window does not import the second.
    b.client_takes(&entries[1], "1", "");
    let a = b.send(&entries[1]).await;
    assert_eq!(
        (a.status, code(&a).as_str()),
        (422, "exchange_import_failed")
    );
    assert!(a.text().contains("系统繁忙"), "{}", a.text());
    let f = Folders::new(&b.root);
    assert_eq!(files(&f.archive_dir(Archive::Refused)).len(), 1);
    assert_eq!(files(&f.archive_dir(Archive::ImportFailed)).len(), 2);
    // Neither was a filing: a retry writes the message again, once.
    let again = b.send(&entries[1]).await;
    assert_eq!(again.status, 102);
    assert_eq!(files(&b.dirs.out_box()), vec![b.name(&entries[1])]);
}

#[tokio::test]
async fn a_crash_between_archiving_the_response_and_moving_the_message_is_finished() {
    let b = bench(900).await;
    let entry = b.claimed(1).await.remove(0);
    let name = b.name(&entry);
    b.send(&entry).await;
    b.client_takes(&entry, "0", "SEQ000000000000002");
    // As if killed after the first of the two moves.
    let f = Folders::new(&b.root);
    let response = files(&b.dirs.in_box()).remove(0);
    std::fs::rename(
        b.dirs.in_box().join(response),
        f.archive_dir(Archive::Imported)
            .join(format!("{name}.response.xml")),
    )
    .unwrap();
    let done = b.send(&entry).await;
    assert_eq!(done.status, 201, "{}", done.text());
    assert!(files(&b.dirs.sent_box()).is_empty());
    assert!(files(&b.dirs.out_box()).is_empty());
}

#[tokio::test]
async fn receipts_come_once_each_however_the_client_writes_them() {
    let b = bench(900).await;
    let csn = "CSN00000000000001";
    let result = |channel: &str, note: &str| DecResult {
        cus_ciq_no: "SEQ000000000000003".to_owned(),
        entry_id: "220120261000000001".to_owned(),
        notice_date: "2026-12-02 10:30:00".to_owned(),
        channel: channel.to_owned(),
        note: note.to_owned(),
        ..DecResult::default()
    };
    let accepted = write_dec_result(&result("L", "海关入库成功"));
    b.answer(csn, true, &accepted, 1);
    // The same receipt written twice under another name.
    b.answer(csn, true, &accepted, 2);
    // An informational channel, a file that never became readable, and one
    // still being written.
    b.answer(csn, true, &write_dec_result(&result("7", "申报成功")), 3);
    let broken = b.answer(csn, true, b"<DEC_RESULT><CHANNEL>G", 4);
    set_age(&broken, Duration::from_secs(60));
    let released = write_dec_result(&result("P", "放行"));
    let partial = b.answer(csn, true, &released[..released.len() / 2], 5);

    let page = b.receipts("0").await;
    let codes: Vec<&str> = page.receipts.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["L"], "{page:?}");
    let r = &page.receipts[0];
    assert_eq!(r.client_seq_no, csn);
    assert_eq!(r.seq_no, "SEQ000000000000003");
    assert_eq!(r.entry_id.as_deref(), Some("220120261000000001"));
    assert_eq!(r.message_zh, "海关入库成功");
    // The partial file is left until it is whole.
    assert_eq!(files(&b.dirs.in_box()).len(), 1);
    std::fs::write(&partial, &released).unwrap();

    let next = b.receipts(&page.next).await;
    let codes: Vec<&str> = next.receipts.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["P"], "{next:?}");
    // Nothing new: an empty page at the same place; the old cursor still
    // gives both (a crash before the cursor was stored loses nothing).
    assert!(b.receipts(&next.next).await.receipts.is_empty());
    assert_eq!(b.receipts("0").await.receipts.len(), 2);
    let f = Folders::new(&b.root);
    assert_eq!(files(&f.archive_dir(Archive::Duplicates)).len(), 1);
    assert_eq!(files(&f.archive_dir(Archive::Informational)).len(), 1);
    assert_eq!(files(&f.archive_dir(Archive::Malformed)).len(), 1);
    assert!(files(&b.dirs.in_box()).is_empty());
}

#[tokio::test]
async fn a_missing_root_is_the_server_away_and_one_root_serves_one_portdesk() {
    let b = bench(900).await;
    let entry = b.claimed(1).await.remove(0);
    // A second PortDesk on the same root is refused while the first holds it.
    assert_eq!(b.send(&entry).await.status, 102);
    let other = ExchangeTransport::new(ExchangeSettings::new(b.root.clone()), BROKER, None);
    let (answer, _) = other.send_entry(&entry, &Secret::new("")).await;
    let err = answer.unwrap_err().message().to_owned();
    assert!(err.contains("another PortDesk"), "{err}");

    let gone = ExchangeTransport::new(
        ExchangeSettings::new(b.root.join("not-mounted")),
        BROKER,
        None,
    );
    let (answer, _) = gone.send_entry(&entry, &Secret::new("")).await;
    let err = answer.unwrap_err();
    assert!(
        matches!(err, portdesk_sync::client::TransportError::Offline(_)),
        "{err:?}"
    );
    assert!(err.message().contains("not-mounted"), "{err:?}");
}

impl Bench {
    /// Records `answer` (a 201) as the worker does: the unified no., and
    /// for an amendment its `AmendmentAnswer`.
    async fn record_done(&self, entry: &OutboxEntry, answer: &Answer) {
        assert_eq!(answer.status, 201, "{}", answer.text());
        let v: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        let amendment = entry.path.ends_with("/amendments");
        if amendment {
            // What the worker parses the answer as.
            serde_json::from_slice::<portdesk_api::AmendmentAnswer>(&answer.body)
                .unwrap_or_else(|e| panic!("no AmendmentAnswer: {e}: {v}"));
        }
        self.drafts
            .store()
            .record_outcomes(
                "x",
                &[AttemptResult {
                    outbox_seq: entry.seq,
                    outcome: Outcome::Done {
                        http_status: 201,
                        seq_no: v["seq_no"].as_str().unwrap().to_owned(),
                        receipt: None,
                        answer: amendment.then(|| answer.text()),
                    },
                    log: vec![],
                }],
            )
            .await
            .unwrap();
    }

    /// Files one declaration and follows it to done as `seq_no`.
    async fn delivered(&self, seq_no: &str) -> uuid::Uuid {
        let entry = self.claimed(1).await.remove(0);
        assert_eq!(self.send(&entry).await.status, 102);
        self.client_takes(&entry, "0", seq_no);
        let done = self.send(&entry).await;
        self.record_done(&entry, &done).await;
        entry.document_id
    }
}

fn change(field: &str, value: &str) -> portdesk_api::FieldChange {
    portdesk_api::FieldChange {
        field: field.into(),
        value: value.into(),
    }
}

#[tokio::test]
async fn an_amendment_travels_as_a_modification_message_of_the_filing_as_delivered() {
    let b = bench(900).await;
    let id = b.delivered("SEQ000000000000010").await;
    // An edit saved but never filed stays out of the amendment.
    let mut edited = b.drafts.get(id).await.unwrap().declaration;
    edited.head.remarks = "仅本地修改".into();
    b.drafts.save(id, &edited, "save").await.unwrap();
    b.drafts
        .amend(
            id,
            portdesk_api::AmendmentReason::DataEntryError,
            vec![
                change("head.gross_weight", "47900"),
                change("lines.0.quantity", "26"),
            ],
            "毛重录错",
        )
        .await
        .unwrap();
    let entry = b.claim().await.remove(0);
    assert!(entry.path.ends_with("/SEQ000000000000010/amendments"));
    let name = b.name(&entry);

    let first = b.send(&entry).await;
    assert_eq!(
        (first.status, code(&first).as_str()),
        (102, "exchange_waiting")
    );
    assert_eq!(files(&b.dirs.out_box()), vec![name.clone()]);
    let msg = portdesk_message::modification::read_modification(
        &std::fs::read(b.dirs.out_box().join(&name)).unwrap(),
    )
    .unwrap();
    assert_eq!(msg.dec_seq_no, "SEQ000000000000010");
    assert_eq!(msg.note, "录入错误：毛重录错");
    assert_eq!(msg.oper_type, "C");
    let items: Vec<(&str, &str, &str)> = msg
        .items
        .iter()
        .map(|i| {
            (
                i.field_code.as_str(),
                i.old_value.as_str(),
                i.new_value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            ("GrossWet", "47800", "47900"),
            ("DecList.1.GQty", "25.5", "26")
        ]
    );

    // Looking again writes nothing new; taken and imported: done, with the
    // answer the worker keeps for an amendment.
    let entry = b.record_and_reclaim(&entry, &first).await;
    assert_eq!(b.send(&entry).await.status, 102);
    assert_eq!(files(&b.dirs.out_box()), vec![name.clone()]);
    b.client_takes(&entry, "0", "SEQ000000000000010");
    let done = b.send(&entry).await;
    let answer: portdesk_api::AmendmentAnswer = serde_json::from_slice(&done.body).unwrap();
    assert_eq!(answer.seq_no, "SEQ000000000000010");
    let request: portdesk_api::AmendmentRequest = serde_json::from_slice(&entry.body).unwrap();
    assert_eq!(answer.client_seq_no, request.client_seq_no);
    assert_eq!(answer.changes, request.changes);
    // A one-step filing's data-entry error is recorded (no 容错).
    assert!(!answer.no_error_recorded && answer.error_recorded);
    b.record_done(&entry, &done).await;
    let amendments = b.drafts.amendments(id).await.unwrap();
    assert_eq!(amendments.len(), 1);
    assert_eq!(amendments[0].state, "done");
    assert_eq!(amendments[0].no_error_recorded, Some(false));
    // The amendment is now what was delivered last, with the filing's no.
    let last = b.drafts.store().last_delivered(id).await.unwrap().unwrap();
    assert_eq!(
        (last.outbox_seq, last.seq_no.as_str()),
        (entry.seq, "SEQ000000000000010")
    );
    // … and what the server held before it is still the declaration.
    let before = b
        .drafts
        .store()
        .delivered_before(id, entry.seq)
        .await
        .unwrap()
        .unwrap();
    assert!(before.outbox_seq < entry.seq && before.path == "/v1/declarations");
    assert!(files(&b.dirs.sent_box()).is_empty());
    assert!(files(&b.dirs.in_box()).is_empty());
}

#[tokio::test]
async fn an_amendment_the_message_cannot_carry_is_refused_by_its_field() {
    let b = bench(900).await;
    let id = b.delivered("SEQ000000000000011").await;
    b.drafts
        .amend(
            id,
            portdesk_api::AmendmentReason::Other,
            vec![change("advance", "true")],
            "",
        )
        .await
        .unwrap();
    let entry = b.claim().await.remove(0);
    let refused = b.send(&entry).await;
    assert_eq!(
        (refused.status, code(&refused).as_str()),
        (422, "exchange_unwritable")
    );
    let body: portdesk_api::ErrorBody = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(body.reasons.len(), 1, "{body:?}");
    assert_eq!(body.reasons[0].field, "advance");
    assert!(body.message.contains("advance"), "{}", body.message);
    assert!(files(&b.dirs.out_box()).is_empty());
}
