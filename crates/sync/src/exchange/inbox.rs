//! Receipts from `InBox`: each `DEC_RESULT` file the client writes is
//! archived under a counter (`<counter>_<sha>_<name>`), and the receipt
//! page is read from the archive after the cursor. Archiving first and
//! reading from the archive means a crash between the two never loses a
//! receipt: the page after the stored cursor still holds it. Content
//! already archived (a receipt written twice) goes to `duplicates`; a file
//! that stays unreadable past [`PARTIAL_GRACE`] to `malformed`; a
//! `CHANNEL` that is no receipt of ours to `informational`. Import
//! responses stay in `InBox` for delivery (`deliver.rs`), unless no
//! message of ours waits for them.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use portdesk_api::{Receipt, ReceiptCode, RejectionReason};
use portdesk_message::exchange::{
    parse_answer_file_name, parse_notice_date, read_answer, receipt_code_of_channel, DecResult,
    ExchangeAnswer,
};
use sha2::{Digest, Sha256};

use super::deliver::PARTIAL_GRACE;
use super::folders::{self, Archive, Folders};

/// Receipt ids from the folders start here, above any id the HTTP side
/// gives, so the two never collide in the store (`receipts.server_id` is
/// unique per enterprise and sorted as a number).
pub const RECEIPT_ID_BASE: u64 = 1_000_000_000_000_000;

/// What the archive already holds: the next counter and the content
/// hashes (to recognise a receipt written twice). Built from the archive's
/// names on first use, so it survives restarts without a file of its own.
#[derive(Debug, Default)]
pub struct ArchiveIndex {
    pub next: u64,
    pub seen: HashSet<String>,
}

impl ArchiveIndex {
    pub fn load(f: &Folders) -> std::io::Result<ArchiveIndex> {
        let mut index = ArchiveIndex {
            next: 1,
            seen: HashSet::new(),
        };
        for name in folders::names(&f.archive_dir(Archive::Receipts))? {
            if let Some((counter, sha, _)) = split_archived(&name) {
                index.next = index.next.max(counter + 1);
                index.seen.insert(sha.to_owned());
            }
        }
        Ok(index)
    }
}

/// `<counter:012>_<sha:16>_<original name>`.
fn split_archived(name: &str) -> Option<(u64, &str, &str)> {
    let mut parts = name.splitn(3, '_');
    let counter = parts.next()?.parse().ok()?;
    let sha = parts.next()?;
    let original = parts.next()?;
    Some((counter, sha, original))
}

/// Moves what `InBox` holds into the archive; see the module docs.
/// Returns how many receipts were archived.
pub fn ingest(f: &Folders, index: &mut ArchiveIndex) -> std::io::Result<usize> {
    let mut archived = 0;
    for file in folders::list(&f.dirs.in_box())? {
        let bytes = match folders::read_bounded(&file.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                f.archive(&file.path, Archive::Malformed, &file.name)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        match read_answer(&bytes) {
            Ok(ExchangeAnswer::Result(result)) => {
                let sha = hex16(&bytes);
                if index.seen.contains(&sha) {
                    f.archive(&file.path, Archive::Duplicates, &file.name)?;
                } else if receipt_code_of_channel(result.channel.trim()).is_none() {
                    f.archive(&file.path, Archive::Informational, &file.name)?;
                } else {
                    let name = format!("{:012}_{sha}_{}", index.next, file.name);
                    f.archive(&file.path, Archive::Receipts, &name)?;
                    index.next += 1;
                    index.seen.insert(sha);
                    archived += 1;
                }
            }
            Ok(ExchangeAnswer::Import(response)) => {
                // Kept for delivery while a message of ours may wait for it.
                let csn = response.client_seq_no.trim();
                if folders::age(file.modified) > PARTIAL_GRACE && !awaited(f, csn)? {
                    f.archive(&file.path, Archive::Unmatched, &file.name)?;
                }
            }
            Err(_) if folders::age(file.modified) < PARTIAL_GRACE => {
                // Perhaps still being written: looked at again next time.
            }
            Err(e) => {
                tracing::warn!(file = %file.path.display(), error = %e, "unreadable answer file archived");
                f.archive(&file.path, Archive::Malformed, &file.name)?;
            }
        }
    }
    Ok(archived)
}

/// Whether a message of ours for `client_seq_no` is in `OutBox`/`SentBox`.
fn awaited(f: &Folders, client_seq_no: &str) -> std::io::Result<bool> {
    let prefix = format!("PD_{client_seq_no}_");
    for dir in [f.dirs.out_box(), f.dirs.sent_box()] {
        if folders::names(&dir)?.iter().any(|n| n.starts_with(&prefix)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Up to `limit` archived receipts after counter `since`, and the counter
/// of the last one given (or `since`), and whether more follow.
pub fn page(f: &Folders, since: u64, limit: usize) -> std::io::Result<(Vec<Receipt>, u64, bool)> {
    let mut receipts = Vec::new();
    let mut last = since;
    let dir = f.archive_dir(Archive::Receipts);
    let names: Vec<String> = folders::names(&dir)?
        .into_iter()
        .filter(|n| split_archived(n).is_some_and(|(c, _, _)| c > since))
        .collect();
    let more = names.len() > limit;
    for name in names.into_iter().take(limit) {
        let Some((counter, _, original)) = split_archived(&name) else {
            continue;
        };
        last = counter;
        let path = dir.join(&name);
        let bytes = folders::read_bounded(&path)?;
        // Archived only after reading well; a file changed since is skipped.
        let Ok(ExchangeAnswer::Result(result)) = read_answer(&bytes) else {
            tracing::warn!(file = %path.display(), "archived receipt no longer readable");
            continue;
        };
        let modified = folders::modified(&path).ok().map(DateTime::<Utc>::from);
        if let Some(r) = receipt_of(counter, original, &result, modified) {
            receipts.push(r);
        }
    }
    Ok((receipts, last, more))
}

/// A `DEC_RESULT` as a receipt of ours: the ClientSeqNo from the file name
/// (the result itself does not carry it), the code from `CHANNEL`.
fn receipt_of(
    counter: u64,
    file_name: &str,
    r: &DecResult,
    modified: Option<DateTime<Utc>>,
) -> Option<Receipt> {
    let code = ReceiptCode::parse(receipt_code_of_channel(r.channel.trim())?)?;
    let client_seq_no = parse_answer_file_name(file_name)?.client_seq_no;
    let note = r.note.trim().to_owned();
    let rejected = matches!(code, ReceiptCode::E | ReceiptCode::SpE);
    let entry_id = Some(r.entry_id.trim().to_owned()).filter(|s| !s.is_empty());
    Some(Receipt {
        cursor: (RECEIPT_ID_BASE + counter).to_string(),
        seq_no: r.cus_ciq_no.trim().to_owned(),
        entry_id,
        client_seq_no,
        code,
        message_en: format!("Single Window channel {}: {note}", r.channel.trim()),
        reasons: if rejected && !note.is_empty() {
            vec![RejectionReason {
                rule: format!("CHANNEL-{}", r.channel.trim()),
                field: String::new(),
                message_zh: note.clone(),
                message_en: note.clone(),
            }]
        } else {
            Vec::new()
        },
        message_zh: note,
        issued_at: parse_notice_date(r.notice_date.trim())
            .or(modified)
            .unwrap_or_else(Utc::now),
    })
}

fn hex16(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
