//! The mock plays the Single Window desktop client (单一窗口客户端) over real
//! exchange folders (`--exchange-dir DIR`), beside its HTTP side: same
//! process, same database, same enterprises, same review and receipts.
//!
//! Every `--exchange-poll-ms` it takes the message files in `DIR/Dec/OutBox`
//! (regular `*.xml` files; dotfiles and anything else are left alone), in
//! the order they were written, and for each:
//! 1. appends a line to the request log (`method` `EXCHANGE`, `path` the
//!    file name), before anything else is done with it;
//! 2. moves it to `SentBox`, or to `FailBox` when it does not read as a
//!    declaration message (`portdesk_message::read`) or a modification
//!    message (`read_modification`); the mock never deletes;
//! 3. files it as the enterprise `DecHead/CopCode` names, through the HTTP
//!    handlers themselves ([`declarations::submit`], or
//!    [`declarations::complete`] for a two-step complete), so the rules,
//!    numbering and "already filed" answers are the HTTP side's; a
//!    modification (修撤单) goes to [`declarations::amend`] as the filing's
//!    enterprise, its items mapped back to field changes (`changes_of`);
//! 4. writes the import response (`DecImportResponse`) into `InBox`.
//!
//! Then every receipt the review issues for a filing made through the
//! folders is written into `InBox` as a `DEC_RESULT` file, in receipt order,
//! each file name with its own timestamp. How far that got is kept in the
//! database (`exchange_filings`), so a restart loses none; a take is
//! journalled from its move to its answer, so one a kill cut off is
//! finished at the next start.
//!
//! Writes into `InBox` are atomic (a dot-prefixed name, then a rename),
//! except the partial-write fault's. The faults ([`FaultSettings`]'s
//! `untaken_rate` …) are drawn from a hash of the seed, the fault and the
//! file name or receipt id, so each file meets the same fate in every run
//! with the same seed, whatever the timing.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::extract::{Path as UrlPath, State};
use axum::Json;
use portdesk_api::{
    AmendmentReason, AmendmentRequest, FaultSettings, FieldChange, FilingAnswer, FilingStatus,
    RejectionReason, SubmitDeclaration,
};
use portdesk_domain::{Declaration, FilingMode, IeFlag};
use portdesk_message::exchange::{
    answer_file_name, channel_of_receipt_code, format_file_timestamp, format_notice_date,
    parse_outgoing_file_name, write_dec_result, write_import_response, AnswerFileName, DecResult,
    ExchangeDirs, ImportResponse, BUSINESS_DIR, FAIL_BOX, SENT_BOX,
};
use portdesk_message::modification::{
    changes_of, read_modification, reason_of_note, ModificationMessage,
};
use portdesk_message::{read, MessageError, ReadMessage, MAX_INPUT_BYTES};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::auth::Tenant;
use crate::clock::to_datetime;
use crate::declarations;
use crate::error::{ApiError, JsonBody};
use crate::AppState;

/// `ResponseCode` of every refusal the mock writes (any non-zero refuses).
pub const REFUSED: &str = "1";
/// The import-failed fault's message.
pub const BUSY: &str = "系统繁忙，请稍后重新导入";
/// Receipts written per pass; the rest wait for the next one.
const RECEIPT_BATCH: i64 = 100;

/// The exchange side, as started: the folders and how often to look.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub dirs: ExchangeDirs,
    pub poll: Duration,
}

impl Exchange {
    /// Makes the four folders; an error names the one it could not make.
    pub fn prepare(root: &Path, poll_ms: u64) -> std::io::Result<Exchange> {
        let dirs = ExchangeDirs::new(root);
        dirs.create_all()?;
        Ok(Exchange {
            dirs,
            poll: Duration::from_millis(poll_ms.max(1)),
        })
    }
}

/// Runs the exchange side for ever.
pub async fn run(state: AppState, exchange: Exchange) {
    let mut w = Worker {
        state,
        dirs: exchange.dirs,
        last_stamp_ms: 0,
        untaken_seen: HashSet::new(),
        pending: HashMap::new(),
    };
    tracing::info!(root = %w.dirs.root.display(), "playing the Single Window client");
    if let Err(e) = w.recover().await {
        tracing::error!(error = %e, "exchange: finishing interrupted takes failed");
    }
    loop {
        if let Err(e) = w.take_all().await {
            tracing::error!(error = %e, "exchange: taking files failed");
        }
        if let Err(e) = w.write_receipts().await {
            tracing::error!(error = %e, "exchange: writing receipts failed");
        }
        tokio::time::sleep(exchange.poll).await;
    }
}

/// Why a pass stopped; the next pass tries again.
#[derive(Debug, thiserror::Error)]
enum PassError {
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn io(path: &Path, e: std::io::Error) -> PassError {
    PassError::Io(format!("{}: {e}", path.display()))
}

/// A number in `0.0..1.0` fixed by the seed, the fault and the key.
pub fn chance(seed: u64, fault: &str, key: &str) -> f64 {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(fault.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    let d = h.finalize();
    let mut n = [0u8; 8];
    n.copy_from_slice(&d[..8]);
    // 53 bits: every value exactly representable, never 1.0.
    (u64::from_le_bytes(n) >> 11) as f64 / (1u64 << 53) as f64
}

fn strikes(s: &FaultSettings, rate: f64, fault: &str, key: &str) -> bool {
    rate > 0.0 && chance(s.seed, fault, key) < rate
}

/// What the client does with one message file.
enum Taken {
    /// Neither a declaration nor a modification message: to `FailBox`.
    Unreadable(String),
    Message(Box<ReadMessage>),
    /// A modification message (修撤单) and the digest of its bytes.
    Modification(Box<ModificationMessage>, String),
}

struct Worker {
    state: AppState,
    dirs: ExchangeDirs,
    /// The last answer-file timestamp used, so every file gets its own.
    last_stamp_ms: i64,
    /// Files the untaken fault holds, logged once each.
    untaken_seen: HashSet<String>,
    /// Answers being written in halves (the partial-write fault), by ClientSeqNo.
    pending: HashMap<String, tokio::task::JoinHandle<()>>,
}

/// Whether the client would take a file of this name.
fn is_message_name(name: &str) -> bool {
    !name.starts_with('.')
        && name.len() > 4
        && name.is_char_boundary(name.len() - 4)
        && name[name.len() - 4..].eq_ignore_ascii_case(".xml")
}

/// What a file's bytes are to the client.
fn taken_of(bytes: Result<Vec<u8>, String>) -> Taken {
    match bytes {
        Err(too_large) => Taken::Unreadable(too_large),
        Ok(bytes) => match read(&bytes) {
            Ok(m) => Taken::Message(Box::new(m)),
            Err(MessageError::WrongRoot { element, .. }) if element == "DecModMessage" => {
                match read_modification(&bytes) {
                    Ok(m) => Taken::Modification(Box::new(m), hex(&Sha256::digest(&bytes)[..8])),
                    Err(e) => Taken::Unreadable(e.to_string()),
                }
            }
            Err(e) => Taken::Unreadable(e.to_string()),
        },
    }
}

/// The ClientSeqNo a take is logged with: the message's, or for a file
/// that does not read, the one our own file names carry.
fn client_seq_no_of(name: &str, taken: &Taken) -> Option<String> {
    match taken {
        Taken::Message(m) => Some(m.declaration.client_seq_no.clone()),
        Taken::Unreadable(_) | Taken::Modification(..) => {
            parse_outgoing_file_name(name).map(|(seq, _)| seq)
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads at most `limit` bytes; a longer file is an error, never a large
/// allocation.
fn read_bounded(path: &Path, limit: usize) -> std::io::Result<Result<Vec<u8>, String>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Ok(Err(format!(
            "the file is larger than {limit} bytes, the limit of a message"
        )));
    }
    Ok(Ok(bytes))
}

/// The rule list of an import refusal: the summary, then one line per
/// reason, `[rule] field: message` (what a client shows the clerk).
pub fn reasons_text(summary: &str, reasons: &[RejectionReason]) -> String {
    let mut s = summary.to_owned();
    for r in reasons {
        s.push_str(&format!("\n[{}] {}: {}", r.rule, r.field, r.message_zh));
    }
    s
}

fn ie_str(ie: IeFlag) -> &'static str {
    match ie {
        IeFlag::I => "I",
        IeFlag::E => "E",
    }
}

impl Worker {
    async fn take_all(&mut self) -> Result<(), PassError> {
        let out_box = self.dirs.out_box();
        let mut files: Vec<(SystemTime, String)> = Vec::new();
        for entry in std::fs::read_dir(&out_box).map_err(|e| io(&out_box, e))? {
            let entry = entry.map_err(|e| io(&out_box, e))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // `file_type` does not follow links: a link or folder is left alone.
            let regular = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
            if !regular || !is_message_name(&name) {
                continue;
            }
            let at = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            files.push((at, name));
        }
        files.sort();
        for (_, name) in files {
            let s = self.state.faults.settings();
            if strikes(&s, s.untaken_rate, "untaken", &name) {
                if self.untaken_seen.insert(name.clone()) {
                    tracing::info!(file = %name, "fault: file left untaken");
                }
                continue;
            }
            if s.exchange_pause_ms > 0 {
                tokio::time::sleep(Duration::from_millis(s.exchange_pause_ms)).await;
            }
            // One file that cannot be taken (unreadable, a failed move)
            // does not hold up the others; it is tried again next pass.
            if let Err(e) = self.take(&name).await {
                tracing::error!(file = %name, error = %e, "exchange: cannot take the file");
            }
        }
        Ok(())
    }

    /// Takes one file: log, move, file, answer. The move is journalled
    /// (`exchange_takes.moved_to`) until the answer is written, so a kill
    /// in between is finished by [`Worker::recover`] at the next start.
    async fn take(&mut self, name: &str) -> Result<(), PassError> {
        let path = self.dirs.out_box().join(name);
        let taken = match read_bounded(&path, MAX_INPUT_BYTES) {
            // Gone since the listing (its writer took it back): nothing to take.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(&path, e)),
            Ok(bytes) => taken_of(bytes),
        };
        if let Some(log) = &self.state.request_log {
            log.append_exchange(name, client_seq_no_of(name, &taken))
                .map_err(|e| PassError::Io(format!("request log: {e}")))?;
        }
        let takes = self.count_take(name).await?;
        let folder = match taken {
            Taken::Unreadable(_) => FAIL_BOX,
            Taken::Message(_) | Taken::Modification(..) => SENT_BOX,
        };
        let dir = self.dirs.root.join(BUSINESS_DIR).join(folder);
        let mut to = name.to_owned();
        if dir.join(&to).exists() {
            // The sender wrote the name again: kept beside, never overwritten.
            to = format!("{}~{takes}.xml", &name[..name.len() - 4]);
        }
        let moved_to = format!("{folder}/{to}");
        self.journal(name, Some(&moved_to)).await?;
        std::fs::rename(&path, dir.join(&to)).map_err(|e| io(&dir.join(&to), e))?;
        self.answer(name, takes, taken).await?;
        self.journal(name, None).await
    }

    /// Finishes the takes a kill interrupted: a file moved but not answered
    /// is answered now (filing again finds the filing by its ClientSeqNo, so
    /// nothing is filed twice); one not moved yet is taken again later.
    async fn recover(&mut self) -> Result<(), PassError> {
        let rows = sqlx::query(
            "SELECT file_name, takes, moved_to FROM exchange_takes WHERE moved_to IS NOT NULL",
        )
        .fetch_all(&self.state.db)
        .await?;
        for row in rows {
            let (name, takes, moved_to): (String, i64, String) =
                (row.get(0), row.get(1), row.get(2));
            let path = self.dirs.root.join(BUSINESS_DIR).join(&moved_to);
            match read_bounded(&path, MAX_INPUT_BYTES) {
                Ok(bytes) => {
                    tracing::info!(file = %name, %moved_to, "answering a take cut off by a restart");
                    self.answer(&name, takes, taken_of(bytes)).await?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&path, e)),
            }
            self.journal(&name, None).await?;
        }
        Ok(())
    }

    async fn journal(&self, name: &str, moved_to: Option<&str>) -> Result<(), PassError> {
        sqlx::query("UPDATE exchange_takes SET moved_to = ? WHERE file_name = ?")
            .bind(moved_to)
            .bind(name)
            .execute(&self.state.db)
            .await?;
        Ok(())
    }

    /// Files a taken message and writes its import response.
    async fn answer(&mut self, name: &str, takes: i64, taken: Taken) -> Result<(), PassError> {
        let key = format!("import:{name}#{takes}");
        match taken {
            Taken::Unreadable(why) => {
                tracing::info!(file = %name, %why, "message refused to FailBox");
                // The ClientSeqNo of our own file names lets the sender learn why.
                if let Some(seq) = parse_outgoing_file_name(name).map(|(seq, _)| seq) {
                    let r = ImportResponse {
                        response_code: REFUSED.into(),
                        error_message: format!("报文无法读取 (message cannot be read): {why}"),
                        client_seq_no: seq.clone(),
                        ..ImportResponse::default()
                    };
                    self.write_answer(false, "I", &seq, &write_import_response(&r), &key)
                        .await?;
                }
            }
            Taken::Message(m) => {
                let ie = ie_str(m.declaration.head.ie_flag);
                let seq = m.declaration.client_seq_no.clone();
                let r = self.file(name, takes, *m).await?;
                tracing::info!(file = %name, code = %r.response_code, seq_no = %r.seq_no, "message imported");
                self.write_answer(r.imported(), ie, &seq, &write_import_response(&r), &key)
                    .await?;
            }
            Taken::Modification(m, digest) => {
                let ie = if m.ie_flag.trim() == "I" { "I" } else { "E" };
                let r = self.modify(name, takes, &m, &digest).await?;
                tracing::info!(file = %name, code = %r.response_code, seq_no = %r.seq_no, "modification imported");
                // Named for the filing's ClientSeqNo, as its other answers.
                let seq = Some(r.client_seq_no.clone())
                    .filter(|s| !s.is_empty())
                    .or_else(|| parse_outgoing_file_name(name).map(|(seq, _)| seq))
                    .unwrap_or_else(|| m.dec_seq_no.trim().to_owned());
                self.write_answer(r.imported(), ie, &seq, &write_import_response(&r), &key)
                    .await?;
            }
        }
        Ok(())
    }

    /// Applies a modification message as the HTTP amendments endpoint
    /// would, as the enterprise of the filing it names (by `DecSeqNo`, else
    /// `EntryId`) [assumed: the client's operator card stands for that
    /// enterprise], and says how the import went. The amendment's own id
    /// is the file name and a digest of its bytes, so a take finished after
    /// a restart, or the same file written again, is one amendment.
    async fn modify(
        &self,
        name: &str,
        takes: i64,
        m: &ModificationMessage,
        digest: &str,
    ) -> Result<ImportResponse, PassError> {
        let refused = |client_seq_no: &str, message: String| ImportResponse {
            response_code: REFUSED.into(),
            error_message: message,
            client_seq_no: client_seq_no.to_owned(),
            ..ImportResponse::default()
        };
        let (dec_seq_no, entry_id) = (m.dec_seq_no.trim(), m.entry_id.trim());
        let row = sqlx::query(
            "SELECT id, enterprise_id, seq_no, client_seq_no FROM filings
             WHERE (? <> '' AND seq_no = ?) OR (? = '' AND entry_id = ?)",
        )
        .bind(dec_seq_no)
        .bind(dec_seq_no)
        .bind(dec_seq_no)
        .bind(entry_id)
        .fetch_optional(&self.state.db)
        .await?;
        let Some(row) = row else {
            return Ok(refused(
                "",
                format!(
                    "修撤单所指报关单不存在 (no filing with DecSeqNo {dec_seq_no:?} / EntryId {entry_id:?})"
                ),
            ));
        };
        let (filing_id, enterprise_id, seq_no, csn): (i64, i64, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let Some(tenant) = self.tenant_of(enterprise_id).await? else {
            return Ok(refused(
                &csn,
                "该企业没有操作员 (the enterprise has no operator)".into(),
            ));
        };
        let s = self.state.faults.settings();
        if strikes(
            &s,
            s.import_failed_rate,
            "import_failed",
            &format!("{name}#{takes}"),
        ) {
            tracing::info!(file = %name, "fault: import failed");
            return Ok(refused(&csn, BUSY.into()));
        }
        let changes = match changes_of(m) {
            Ok(c) => c,
            Err(e) => {
                return Ok(refused(
                    &csn,
                    format!("修撤单报文有误 (the modification message is wrong): {e}"),
                ))
            }
        };
        let (reason, note) = reason_of_note(&m.note);
        let req = AmendmentRequest {
            client_seq_no: format!("exchange:{name}:{digest}"),
            reason: AmendmentReason::parse(reason).unwrap_or(AmendmentReason::Other),
            changes: changes
                .into_iter()
                .map(|c| FieldChange {
                    field: c.field,
                    value: c.value,
                })
                .collect(),
            note,
        };
        // Its receipts go into InBox like a declaration's: from here on
        // for a filing made over HTTP; one filed through the folders keeps
        // its place.
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM receipts WHERE filing_id = ?")
                .bind(filing_id)
                .fetch_one(&self.state.db)
                .await?;
        sqlx::query(
            "INSERT INTO exchange_filings (filing_id, last_receipt_id) VALUES (?, ?)
             ON CONFLICT (filing_id) DO NOTHING",
        )
        .bind(filing_id)
        .bind(last.unwrap_or(0))
        .execute(&self.state.db)
        .await?;
        let outcome = declarations::amend(
            State(self.state.clone()),
            tenant,
            UrlPath(seq_no.clone()),
            JsonBody(req),
        )
        .await;
        match outcome {
            Ok(_) => Ok(ImportResponse {
                // [assumed] a modification's response gives the filing's unified no.
                seq_no,
                response_code: "0".into(),
                error_message: String::new(),
                client_seq_no: csn,
                trn_pre_id: String::new(),
            }),
            Err(ApiError::Http { body, .. }) => {
                Ok(refused(&csn, reasons_text(&body.message, &body.reasons)))
            }
            Err(other) => {
                tracing::error!(error = %other, file = %name, "exchange modification failed");
                Ok(refused(&csn, BUSY.into()))
            }
        }
    }

    /// How many times a file of this name has been taken, this one included.
    async fn count_take(&self, name: &str) -> Result<i64, PassError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO exchange_takes (file_name, takes) VALUES (?, 1)
             ON CONFLICT (file_name) DO UPDATE SET takes = takes + 1 RETURNING takes",
        )
        .bind(name)
        .fetch_one(&self.state.db)
        .await?)
    }

    /// Files a message as the HTTP side would and says how the import went.
    async fn file(
        &self,
        name: &str,
        takes: i64,
        m: ReadMessage,
    ) -> Result<ImportResponse, PassError> {
        let d = m.declaration;
        let refused = |message: String| ImportResponse {
            response_code: REFUSED.into(),
            error_message: message,
            client_seq_no: d.client_seq_no.clone(),
            ..ImportResponse::default()
        };
        let cop_code = m.declarant.cop_code.trim().to_owned();
        let Some(tenant) = self.tenant(&cop_code).await? else {
            return Ok(refused(format!(
                "录入单位代码 DecHead/CopCode {cop_code:?} 未在单一窗口注册 (no enterprise with this customs code)"
            )));
        };
        let s = self.state.faults.settings();
        if strikes(
            &s,
            s.import_failed_rate,
            "import_failed",
            &format!("{name}#{takes}"),
        ) {
            tracing::info!(file = %name, "fault: import failed");
            return Ok(refused(BUSY.into()));
        }
        let outcome = self.submit(&tenant, d.clone()).await;
        let answer = match outcome {
            Ok(a) => a,
            Err(ApiError::Http { body, .. }) => {
                return Ok(refused(reasons_text(&body.message, &body.reasons)));
            }
            Err(other) => {
                // The filing's transaction did not commit: nothing was filed.
                tracing::error!(error = %other, file = %name, "exchange filing failed");
                return Ok(refused(BUSY.into()));
            }
        };
        let filing_id: i64 = sqlx::query_scalar("SELECT id FROM filings WHERE seq_no = ?")
            .bind(&answer.seq_no)
            .fetch_one(&self.state.db)
            .await?;
        let receipt_id: i64 = answer.receipt.cursor.parse().unwrap_or(0);
        if answer.status == FilingStatus::Rejected {
            // Refused at import: the import response says why; the `E` this
            // write issued is not written again as a receipt.
            self.track(filing_id, receipt_id).await?;
            return Ok(refused(reasons_text(
                &answer.receipt.message_zh,
                &answer.receipt.reasons,
            )));
        }
        // Accepted: every receipt of the filing not written yet goes into
        // InBox, its acceptance (`L`/`SpL`) first; one tracked before keeps
        // its place (the same ClientSeqNo again, a re-declaration).
        self.track(filing_id, 0).await?;
        Ok(ImportResponse {
            seq_no: answer.seq_no,
            response_code: "0".into(),
            error_message: String::new(),
            client_seq_no: answer.client_seq_no,
            trn_pre_id: String::new(),
        })
    }

    /// The HTTP filing handlers, called as the routes call them.
    async fn submit(&self, tenant: &Tenant, d: Declaration) -> Result<FilingAnswer, ApiError> {
        let state = State(self.state.clone());
        let req = |declaration| {
            JsonBody(SubmitDeclaration {
                declaration,
                guarantee_no: None,
                tax_payment: None,
            })
        };
        if d.filing_mode == FilingMode::TwoStepComplete {
            let summary: Option<String> = sqlx::query_scalar(
                "SELECT seq_no FROM filings WHERE enterprise_id = ? AND client_seq_no = ?",
            )
            .bind(tenant.enterprise_id)
            .bind(&d.client_seq_no)
            .fetch_optional(&self.state.db)
            .await?;
            let Some(seq_no) = summary else {
                return Err(ApiError::not_found(&format!(
                    "two-step summary with ClientSeqNo {} (没有对应的概要申报)",
                    d.client_seq_no
                )));
            };
            let Json(a) =
                declarations::complete(state, tenant.clone(), UrlPath(seq_no), req(d)).await?;
            return Ok(a);
        }
        let (_, Json(a)) = declarations::submit(state, tenant.clone(), req(d)).await?;
        Ok(a)
    }

    /// The enterprise of a customs code, acting through its first operator.
    async fn tenant(&self, customs_code: &str) -> Result<Option<Tenant>, PassError> {
        self.tenant_where("e.customs_code = ?", customs_code.to_owned())
            .await
    }

    /// The enterprise of id `enterprise_id`, acting through its first operator.
    async fn tenant_of(&self, enterprise_id: i64) -> Result<Option<Tenant>, PassError> {
        // The text compares as the number: `id` has integer affinity.
        self.tenant_where("e.id = ?", enterprise_id.to_string())
            .await
    }

    async fn tenant_where(&self, filter: &str, value: String) -> Result<Option<Tenant>, PassError> {
        let row = sqlx::query(&format!(
            "SELECT e.id, e.customs_code, e.scc, MIN(o.id)
             FROM enterprises e JOIN operators o ON o.enterprise_id = e.id
             WHERE {filter} GROUP BY e.id"
        ))
        .bind(value)
        .fetch_optional(&self.state.db)
        .await?;
        Ok(row.map(|r| Tenant {
            enterprise_id: r.get(0),
            customs_code: r.get(1),
            scc: r.get(2),
            operator_id: r.get(3),
        }))
    }

    /// Receipts of this filing after `last_receipt_id` go into `InBox`.
    async fn track(&self, filing_id: i64, last_receipt_id: i64) -> Result<(), PassError> {
        sqlx::query(
            "INSERT INTO exchange_filings (filing_id, last_receipt_id) VALUES (?, ?)
             ON CONFLICT (filing_id) DO UPDATE
             SET last_receipt_id = MAX(last_receipt_id, excluded.last_receipt_id)",
        )
        .bind(filing_id)
        .bind(last_receipt_id)
        .execute(&self.state.db)
        .await?;
        Ok(())
    }

    /// Writes the receipts not yet written, oldest first.
    async fn write_receipts(&mut self) -> Result<(), PassError> {
        self.pending.retain(|_, t| !t.is_finished());
        let rows = sqlx::query(
            "SELECT r.id, r.code, r.message_zh, r.reasons, r.issued_at, f.seq_no, f.entry_id,
                    f.client_seq_no, f.declaration, f.created_at, f.id
             FROM exchange_filings x
             JOIN receipts r ON r.filing_id = x.filing_id AND r.id > x.last_receipt_id
             JOIN filings f ON f.id = x.filing_id
             ORDER BY r.id LIMIT ?",
        )
        .bind(RECEIPT_BATCH)
        .fetch_all(&self.state.db)
        .await?;
        // A declaration whose answer is half-written waits for the next
        // pass, its later receipts with it; the others go on.
        let mut waiting: HashSet<i64> = HashSet::new();
        for row in rows {
            let id: i64 = row.get(0);
            let code: String = row.get(1);
            let filing_id: i64 = row.get(10);
            let seq: String = row.get(7);
            if waiting.contains(&filing_id) || self.writing(&seq) {
                waiting.insert(filing_id);
                continue;
            }
            if let Some(channel) = channel_of_receipt_code(&code) {
                let reasons: Vec<RejectionReason> =
                    serde_json::from_str(row.get::<&str, _>(3)).map_err(ApiError::from)?;
                let d: Declaration =
                    serde_json::from_str(row.get::<&str, _>(8)).map_err(ApiError::from)?;
                let created: i64 = row.get(9);
                let r = DecResult {
                    cus_ciq_no: row.get(5),
                    entry_id: row.get::<Option<String>, _>(6).unwrap_or_default(),
                    notice_date: format_notice_date(to_datetime(row.get(4))),
                    channel: channel.into(),
                    note: reasons_text(row.get(2), &reasons),
                    custom_master: d.head.declaring_customs.clone(),
                    i_e_date: d.head.ie_date.clone(),
                    d_date: format_notice_date(to_datetime(created))[..10].replace('-', ""),
                };
                let ok = !matches!(channel, "E" | "SpE");
                self.write_receipt(id, ok, ie_str(d.head.ie_flag), &seq, &r)
                    .await?;
            }
            sqlx::query(
                "UPDATE exchange_filings SET last_receipt_id = ?
                 WHERE filing_id = ? AND last_receipt_id < ?",
            )
            .bind(id)
            .bind(filing_id)
            .bind(id)
            .execute(&self.state.db)
            .await?;
        }
        Ok(())
    }

    /// One receipt's file, with the receipt faults.
    async fn write_receipt(
        &mut self,
        receipt_id: i64,
        ok: bool,
        ie: &str,
        client_seq_no: &str,
        r: &DecResult,
    ) -> Result<(), PassError> {
        let bytes = write_dec_result(r);
        let s = self.state.faults.settings();
        let key = format!("receipt:{receipt_id}");
        if strikes(&s, s.malformed_receipt_rate, "malformed_receipt", &key) {
            // Cut inside the element list: never well-formed.
            let broken = &bytes[..bytes.len() / 2];
            let name = self
                .write_answer(ok, ie, client_seq_no, broken, &format!("{key}:malformed"))
                .await?;
            tracing::info!(file = %name, "fault: malformed receipt file");
        }
        self.write_answer(ok, ie, client_seq_no, &bytes, &key)
            .await?;
        if strikes(&s, s.duplicate_receipt_rate, "duplicate_receipt", &key) {
            let name = self
                .write_answer(ok, ie, client_seq_no, &bytes, &format!("{key}:duplicate"))
                .await?;
            tracing::info!(file = %name, "fault: receipt written twice");
        }
        Ok(())
    }

    /// A name for a new answer file: its own timestamp, later than every
    /// earlier one, and no file of that name in `InBox` yet.
    fn next_name(&mut self, ok: bool, ie: &str, client_seq_no: &str) -> String {
        let in_box = self.dirs.in_box();
        loop {
            let ms = self.state.clock.now_ms().max(self.last_stamp_ms + 1);
            self.last_stamp_ms = ms;
            let name = answer_file_name(&AnswerFileName {
                success: ok,
                ie_flag: ie.to_owned(),
                client_seq_no: client_seq_no.to_owned(),
                retry: 0,
                timestamp: format_file_timestamp(to_datetime(ms)),
            });
            if !in_box.join(&name).exists() && !in_box.join(format!(".{name}")).exists() {
                return name;
            }
        }
    }

    /// Writes an answer file into `InBox`: atomically (a dot-prefixed name,
    /// then a rename), or, under the partial-write fault (drawn on
    /// `fault_key`, fixed by the seed), straight in two halves 300–800 ms
    /// apart. The second half is written by a task of its own so other
    /// declarations go on meanwhile; the next answer of the same
    /// declaration waits for it, keeping each declaration's files in order.
    /// Returns the file's name.
    async fn write_answer(
        &mut self,
        ok: bool,
        ie: &str,
        client_seq_no: &str,
        bytes: &[u8],
        fault_key: &str,
    ) -> Result<String, PassError> {
        if let Some(earlier) = self.pending.remove(client_seq_no) {
            let _ = earlier.await;
        }
        let name = self.next_name(ok, ie, client_seq_no);
        let in_box = self.dirs.in_box();
        let path = in_box.join(&name);
        let s = self.state.faults.settings();
        if strikes(&s, s.partial_write_rate, "partial_write", fault_key) {
            let half = bytes.len() / 2;
            let mut f = File::create(&path).map_err(|e| io(&path, e))?;
            f.write_all(&bytes[..half]).map_err(|e| io(&path, e))?;
            let gap = 300 + (chance(s.seed, "partial_write_gap", fault_key) * 501.0) as u64;
            tracing::info!(file = %name, gap_ms = gap, "fault: partial write");
            let rest = bytes[half..].to_vec();
            let task = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(gap)).await;
                if let Err(e) = f.write_all(&rest) {
                    tracing::error!(file = %path.display(), error = %e, "partial write: second half");
                }
            });
            self.pending.insert(client_seq_no.to_owned(), task);
            return Ok(name);
        }
        // No fsync: the mock is killed, not the machine, and a killed
        // process's written pages stay; the rename is what readers see whole.
        let tmp: PathBuf = in_box.join(format!(".{name}"));
        std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        Ok(name)
    }

    /// Whether a declaration's last answer is still being written in halves.
    fn writing(&self, client_seq_no: &str) -> bool {
        self.pending
            .get(client_seq_no)
            .is_some_and(|t| !t.is_finished())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chance_is_fixed_by_seed_fault_and_key() {
        let a = chance(7, "untaken", "PD_A_1.xml");
        assert_eq!(a, chance(7, "untaken", "PD_A_1.xml"));
        assert_ne!(a, chance(8, "untaken", "PD_A_1.xml"));
        assert_ne!(a, chance(7, "partial_write", "PD_A_1.xml"));
        assert!((0.0..1.0).contains(&a));
        // Roughly uniform: a quarter of 4,000 keys under 0.25.
        let under = (0..4000)
            .filter(|i| chance(1, "x", &i.to_string()) < 0.25)
            .count();
        assert!((800..1200).contains(&under), "{under}");
    }

    #[test]
    fn only_xml_files_not_hidden_are_messages() {
        assert!(is_message_name("PD_A_1.xml"));
        assert!(is_message_name("other.XML"));
        for n in [
            ".PD_A_1.xml",
            "PD_A_1.xml.tmp",
            "PD_A_1.tmp",
            ".xml",
            "a.xm",
            "文件",
        ] {
            assert!(!is_message_name(n), "{n}");
        }
    }

    #[test]
    fn reasons_are_listed_one_a_line() {
        let r = RejectionReason {
            rule: "DEC-X01".into(),
            field: "head.bill_no".into(),
            message_zh: "提运单号必填".into(),
            message_en: "Bill no. required".into(),
        };
        assert_eq!(
            reasons_text("退单：1 处错误", &[r]),
            "退单：1 处错误\n[DEC-X01] head.bill_no: 提运单号必填"
        );
    }
}
