//! Delivering one filing (a declaration, or an amendment's modification
//! message) through the folders, as one look at where its file is. Every attempt of the entry calls [`deliver`] again;
//! the file's place says what happened, in the order files travel:
//!
//! 1. in `OutBox` — written, not taken yet: wait; stuck past the set time;
//! 2. in `SentBox` — taken: the import response in `InBox` (or already
//!    archived) says imported (done, with the unified no.) or refused by
//!    the Single Window (failed); none yet: wait; stuck past the set time;
//! 3. in `FailBox` — the client refused it: failed;
//! 4. archived as imported — a crash came between archiving and recording:
//!    done again;
//! 5. nowhere — written now (atomically) into `OutBox`.
//!
//! Looking in the direction files move (OutBox, then SentBox/FailBox, then
//! our archive) means a file moved by the client between two looks is
//! still seen, so step 5 never writes a second copy of a message that
//! exists: an entry whose file is in `OutBox` or `SentBox` is not written
//! again, whatever crashed when. A message the client refused or the
//! Single Window did not import is no filing, so writing it again after a
//! clerk's retry files it once.

use std::path::Path;
use std::time::{Duration, SystemTime};

use portdesk_api::{AmendmentAnswer, ErrorBody, RejectionReason, SubmitDeclaration};
use portdesk_message::exchange::{
    outgoing_file_name, parse_answer_file_name, read_answer, ExchangeAnswer, ImportResponse,
};
use portdesk_message::{Fragment, OperType, Unmodelled, WriteOptions};
use portdesk_store::{OutboxEntry, AWAITING_CODES};

use super::folders::{self, Archive, Folders};
use super::Inner;
use crate::client::{Answer, TransportError};

/// `102 Processing` codes (see `portdesk_store::AWAITING_CODES`).
pub const WAITING: &str = "exchange_waiting";
pub const TAKEN: &str = "exchange_taken";
/// Not written yet: the client already has [`ExchangeSettings::max_in_flight`]
/// of our files to work through.
pub const QUEUED: &str = "exchange_queued";
/// Failure codes (`422`).
pub const STUCK: &str = "exchange_stuck";
pub const REFUSED: &str = "exchange_refused";
pub const IMPORT_FAILED: &str = "exchange_import_failed";
pub const UNWRITABLE: &str = "exchange_unwritable";

/// How many polls an entry waiting its turn waits between looks.
pub const QUEUED_PATIENCE: u32 = 10;

/// How many times the stuck time a taken file may wait for its answer.
pub const TAKEN_PATIENCE: u32 = 4;

/// An answer file younger than this that cannot be read may still be
/// being written (the client does not always write atomically).
pub const PARTIAL_GRACE: Duration = Duration::from_secs(5);

/// What an entry's file is made of and what its import answers.
pub(crate) enum Outgoing {
    /// A declaration filing: the message comes from the entry's body.
    Declaration,
    /// An amendment (`amend.rs`): its modification message, or why it
    /// cannot be written, and the answer once the client imported it.
    Amendment {
        message: Result<Vec<u8>, Unwritable>,
        answer: Box<AmendmentAnswer>,
    },
    /// Nothing can be written for this entry.
    Unwritable(Unwritable),
}

/// Why no message can be written: `422 exchange_unwritable` with the
/// field, when there is one, as a rejection reason beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unwritable {
    pub field: String,
    pub message: String,
}

/// One look at entry `entry`'s file; see the module docs. Gives the
/// message too when this look wrote it (for the log).
pub(crate) fn deliver(
    inner: &Inner,
    entry: &OutboxEntry,
    outgoing: &Outgoing,
) -> Result<(Answer, Option<Vec<u8>>), TransportError> {
    let mut written = None;
    let answer = look(inner, entry, outgoing, &mut written)?;
    Ok((answer, written))
}

fn look(
    inner: &Inner,
    entry: &OutboxEntry,
    outgoing: &Outgoing,
    written: &mut Option<Vec<u8>>,
) -> Result<Answer, TransportError> {
    // The folders were checked when the root was locked (mod.rs).
    let f = &inner.folders;
    let name = outgoing_file_name(&entry.client_seq_no, entry.seq);
    // A clerk's retry or a restart begins a new wait: the stuck clock of a
    // file still lying there starts again.
    let new_cycle = !entry
        .last_error
        .as_deref()
        .is_some_and(|c| AWAITING_CODES.contains(&c));

    let out = f.dirs.out_box().join(&name);
    if folders::exists(&f.dirs.out_box(), &name).map_err(away(f))? {
        return Ok(waiting_or_stuck(inner, &out, new_cycle, WAITING, "OutBox"));
    }
    let sent = f.dirs.sent_box().join(&name);
    if folders::exists(&f.dirs.sent_box(), &name).map_err(away(f))? {
        let archived = f.archive_dir(Archive::Imported).join(response_name(&name));
        if archived.is_file() {
            // The response was archived before a crash; finish the move.
            let response = read_response(&archived).map_err(away(f))?;
            f.archive(&sent, Archive::Imported, &name)
                .map_err(away(f))?;
            return Ok(done(&response, outgoing));
        }
        return match find_response(f, &entry.client_seq_no).map_err(away(f))? {
            Some((path, response)) if response.imported() => {
                // Response first: once it is archived, the entry is done
                // whatever happens to the rest of this move.
                f.archive(&path, Archive::Imported, &response_name(&name))
                    .map_err(away(f))?;
                f.archive(&sent, Archive::Imported, &name)
                    .map_err(away(f))?;
                Ok(done(&response, outgoing))
            }
            Some((path, response)) => {
                let stamp = stamp();
                f.archive(
                    &path,
                    Archive::ImportFailed,
                    &format!("{}.{stamp}", response_name(&name)),
                )
                .map_err(away(f))?;
                f.archive(&sent, Archive::ImportFailed, &format!("{name}.{stamp}"))
                    .map_err(away(f))?;
                Ok(failed(
                    IMPORT_FAILED,
                    format!(
                        "单一窗口未导入报文 / the Single Window did not import the message: {} {}",
                        response.response_code.trim(),
                        response.error_message.trim()
                    ),
                ))
            }
            None => Ok(waiting_or_stuck(inner, &sent, new_cycle, TAKEN, "SentBox")),
        };
    }
    if folders::exists(&f.dirs.fail_box(), &name).map_err(away(f))? {
        f.archive(
            &f.dirs.fail_box().join(&name),
            Archive::Refused,
            &format!("{name}.{}", stamp()),
        )
        .map_err(away(f))?;
        return Ok(failed(
            REFUSED,
            format!(
                "单一窗口客户端拒收报文（FailBox）/ the Single Window client refused the message (FailBox): {name}"
            ),
        ));
    }
    let archived = f.archive_dir(Archive::Imported).join(response_name(&name));
    if archived.is_file() {
        let response = read_response(&archived).map_err(away(f))?;
        return Ok(done(&response, outgoing));
    }

    // A fragile client is not flooded: a burst waits in our outbox, and a
    // file's stuck clock starts only once the client could have taken it.
    if in_flight(inner).map_err(away(f))? >= inner.settings.max_in_flight() {
        let mut answer = wait(
            inner,
            QUEUED,
            "the client has enough of our files for now".to_owned(),
        );
        // Waiting its turn: looked at less often than a file in the client's
        // hands, so a long queue does not crowd out the looks that matter.
        answer.retry_after = Some(inner.settings.poll() * QUEUED_PATIENCE);
        return Ok(answer);
    }
    let bytes = match outgoing {
        Outgoing::Declaration => match message_of(inner, entry) {
            Ok(bytes) => bytes,
            Err(message) => return Ok(failed(UNWRITABLE, message)),
        },
        Outgoing::Amendment {
            message: Ok(bytes), ..
        } => bytes.clone(),
        Outgoing::Amendment {
            message: Err(why), ..
        }
        | Outgoing::Unwritable(why) => return Ok(unwritable(why)),
    };
    f.write_atomically(&f.dirs.out_box(), &name, &bytes)
        .map_err(away(f))?;
    *written = Some(bytes);
    Ok(wait(inner, WAITING, format!("written to OutBox: {name}")))
}

/// Our files the client has still to act on: in `OutBox` and not stuck
/// yet, or in `SentBox`.
fn in_flight(inner: &Inner) -> std::io::Result<usize> {
    let f = &inner.folders;
    let ours = |n: &str| n.starts_with("PD_");
    let waiting = folders::list(&f.dirs.out_box())?
        .into_iter()
        .filter(|x| ours(&x.name) && folders::age(x.modified) < inner.settings.stuck_after())
        .count();
    let taken = folders::names(&f.dirs.sent_box())?
        .iter()
        .filter(|n| ours(n))
        .count();
    Ok(waiting + taken)
}

/// The name an import response is archived under, beside its message.
fn response_name(name: &str) -> String {
    format!("{name}.response.xml")
}

/// The file system's error as the transport's: the folder is away (an
/// unmounted share, a removed disk), so the worker pauses and probes.
fn away(f: &Folders) -> impl Fn(std::io::Error) -> TransportError + '_ {
    move |e| TransportError::Offline(format!("exchange folder {}: {e}", f.root().display()))
}

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%d%H%M%S%3f").to_string()
}

fn waiting_or_stuck(
    inner: &Inner,
    path: &Path,
    new_cycle: bool,
    code: &str,
    folder: &str,
) -> Answer {
    if new_cycle {
        folders::touch(path);
    }
    let since = folders::modified(path).unwrap_or_else(|_| SystemTime::now());
    let waited = folders::age(since);
    // A taken file keeps the time it was written (a rename keeps it), and
    // the client may be working through a queue: it is given longer.
    let limit = if code == TAKEN {
        inner.settings.stuck_after() * TAKEN_PATIENCE
    } else {
        inner.settings.stuck_after()
    };
    if waited >= limit {
        return failed(
            STUCK,
            format!(
                "报文在 {folder} 中已停留 {} 分钟，单一窗口客户端未处理；请检查客户端后重试 / \
                 the message has lain in {folder} for {} min without the Single Window client \
                 acting on it; check the client, then retry",
                waited.as_secs() / 60,
                waited.as_secs() / 60
            ),
        );
    }
    wait(
        inner,
        code,
        format!("in {folder} since {}s", waited.as_secs()),
    )
}

/// The newest readable import response in `InBox` for `client_seq_no`.
/// Files named for another ClientSeqNo are not opened.
fn find_response(
    f: &Folders,
    client_seq_no: &str,
) -> std::io::Result<Option<(std::path::PathBuf, ImportResponse)>> {
    for file in folders::list(&f.dirs.in_box())? {
        let named_for = parse_answer_file_name(&file.name).map(|a| a.client_seq_no);
        if named_for.as_deref().is_some_and(|c| c != client_seq_no) {
            continue;
        }
        let Ok(bytes) = folders::read_bounded(&file.path) else {
            continue;
        };
        // Unreadable (perhaps still being written) or a receipt: not ours
        // here; the receipt scan archives what stays unreadable.
        if let Ok(ExchangeAnswer::Import(r)) = read_answer(&bytes) {
            if r.client_seq_no.trim() == client_seq_no
                || (r.client_seq_no.trim().is_empty() && named_for.is_some())
            {
                return Ok(Some((file.path, r)));
            }
        }
    }
    Ok(None)
}

fn read_response(path: &Path) -> std::io::Result<ImportResponse> {
    let bytes = folders::read_bounded(path)?;
    match read_answer(&bytes) {
        Ok(ExchangeAnswer::Import(r)) => Ok(r),
        Ok(_) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is not an import response", path.display()),
        )),
        Err(e) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )),
    }
}

/// The declaration message of a filing entry (`SubmitDeclaration` body):
/// 申报 (`OperType` C), the account's declarant fields, the unified no. of
/// the summary on a two-step complete.
fn message_of(inner: &Inner, entry: &OutboxEntry) -> Result<Vec<u8>, String> {
    let submit: SubmitDeclaration = serde_json::from_slice(&entry.body)
        .map_err(|e| format!("outbox entry {} is no declaration filing: {e}", entry.seq))?;
    let mut declarant = inner.settings.declarant.clone();
    if declarant.cop_code.trim().is_empty() {
        declarant.cop_code = inner.customs_code.clone();
    }
    // What an imported message held that we do not model goes back out.
    let mut unmodelled =
        Unmodelled::from_declaration(&submit.declaration).map_err(|e| e.to_string())?;
    if let Some(seq_no) = super::complete_of(&entry.path) {
        unmodelled.head.retain(|f| f.name != "SeqNo");
        // [assumed] the complete declaration names its summary by SeqNo.
        unmodelled.head.push(Fragment {
            parent: "DecHead".to_owned(),
            name: "SeqNo".to_owned(),
            xml: format!("<SeqNo>{}</SeqNo>", xml_text(seq_no)),
        });
    }
    let options = WriteOptions {
        oper_type: OperType::C,
        declarant,
        unmodelled,
        ..WriteOptions::default()
    };
    portdesk_message::write(&submit.declaration, &options).map_err(|e| e.to_string())
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn wait(inner: &Inner, code: &str, message: String) -> Answer {
    Answer {
        status: 102,
        retry_after: Some(inner.settings.poll()),
        etag: None,
        body: body(&ErrorBody::new(code, message)),
    }
}

fn unwritable(why: &Unwritable) -> Answer {
    let mut e = ErrorBody::new(UNWRITABLE, why.message.clone());
    if !why.field.is_empty() {
        e.reasons.push(RejectionReason {
            rule: UNWRITABLE.to_owned(),
            field: why.field.clone(),
            message_zh: format!("交换目录无法发送此修改：{}", why.message),
            message_en: format!("The exchange folders cannot carry this: {}", why.message),
        });
    }
    Answer {
        status: 422,
        retry_after: None,
        etag: None,
        body: body(&e),
    }
}

fn failed(code: &str, message: String) -> Answer {
    Answer {
        status: 422,
        retry_after: None,
        etag: None,
        body: body(&ErrorBody::new(code, message)),
    }
}

/// Imported: what an HTTP answer would say — of the new filing, or for an
/// amendment the `AmendmentAnswer` the worker keeps with it (its unified
/// no. the filing's, from the entry's path, whatever the response says).
fn done(r: &ImportResponse, outgoing: &Outgoing) -> Answer {
    let body = match outgoing {
        Outgoing::Amendment { answer, .. } => {
            let mut v = serde_json::to_value(answer).unwrap_or_default();
            if let Some(map) = v.as_object_mut() {
                map.insert("via".into(), "exchange_folders".into());
                map.insert("import_seq_no".into(), r.seq_no.trim().into());
            }
            v
        }
        _ => serde_json::json!({
            "seq_no": r.seq_no.trim(),
            "client_seq_no": r.client_seq_no.trim(),
            "via": "exchange_folders",
        }),
    };
    Answer {
        status: 201,
        retry_after: None,
        etag: None,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

fn body(e: &ErrorBody) -> Vec<u8> {
    serde_json::to_vec(e).unwrap_or_default()
}
