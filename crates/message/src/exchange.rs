//! The Single Window client's exchange folders (交换目录): where the
//! folders are, how the files in them are named, and the two answers the
//! client writes back — the import response (`DecImportResponse`, 导入回执)
//! and the customs receipt (`DEC_RESULT`, 报关单回执) — read and written.
//! Both PortDesk's folder transport (crates/sync) and the mock playing the
//! client (crates/mock-window) use this one module, so the two cannot drift.
//!
//! Same discipline as the declaration reader: the encoding from the BOM or
//! XML declaration (`text::decode`), the size, element and depth limits,
//! errors naming the element and line, never a panic. Roots are matched by
//! local name; a namespace, if any, is ignored (none is written) [assumed].
//! See docs/formats/decmessage.md, "Exchange folders and answer files".

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::MessageError;
use crate::text::{decode, Lines};
use crate::tree::{self, Node};

/// The business folder for declarations (`Sas` would be other business).
pub const BUSINESS_DIR: &str = "Dec";
/// New messages for the client to take (待发).
pub const OUT_BOX: &str = "OutBox";
/// Messages the client took (已发).
pub const SENT_BOX: &str = "SentBox";
/// Messages the client refused (失败).
pub const FAIL_BOX: &str = "FailBox";
/// The client's answers (回执).
pub const IN_BOX: &str = "InBox";

/// Largest answer file we read. Real ones are well under a kilobyte; the
/// bound keeps a wrong file in `InBox` from costing memory.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// Most elements one answer file may hold (a real one has about ten).
pub const MAX_ANSWER_ELEMENTS: usize = 1_000;

/// The exchange root's folders: `root/Dec/{OutBox,SentBox,FailBox,InBox}`.
#[derive(Debug, Clone)]
pub struct ExchangeDirs {
    pub root: PathBuf,
}

impl ExchangeDirs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ExchangeDirs { root: root.into() }
    }

    fn business(&self, name: &str) -> PathBuf {
        self.root.join(BUSINESS_DIR).join(name)
    }

    pub fn out_box(&self) -> PathBuf {
        self.business(OUT_BOX)
    }

    pub fn sent_box(&self) -> PathBuf {
        self.business(SENT_BOX)
    }

    pub fn fail_box(&self) -> PathBuf {
        self.business(FAIL_BOX)
    }

    pub fn in_box(&self) -> PathBuf {
        self.business(IN_BOX)
    }

    /// Creates the four folders (and the root) where missing. An error
    /// names the folder it could not create.
    pub fn create_all(&self) -> std::io::Result<()> {
        for dir in [
            self.out_box(),
            self.sent_box(),
            self.fail_box(),
            self.in_box(),
        ] {
            std::fs::create_dir_all(&dir).map_err(|e| with_path(&dir, e))?;
        }
        Ok(())
    }
}

fn with_path(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// The file name PortDesk writes into `OutBox`: `PD_<ClientSeqNo>_<outbox_seq>.xml`.
/// The outbox entry's number makes a two-step complete or an amendment of
/// the same declaration (same ClientSeqNo) a new file.
pub fn outgoing_file_name(client_seq_no: &str, outbox_seq: i64) -> String {
    format!("PD_{client_seq_no}_{outbox_seq}.xml")
}

/// The inverse of [`outgoing_file_name`]; `None` for any other name. The
/// number is the last `_` part, so a ClientSeqNo holding `_` survives.
pub fn parse_outgoing_file_name(name: &str) -> Option<(String, i64)> {
    let stem = name.strip_prefix("PD_")?.strip_suffix(".xml")?;
    let (seq, n) = stem.rsplit_once('_')?;
    if seq.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    Some((seq.to_owned(), n.parse().ok()?))
}

/// An answer file's name in `InBox`:
/// `<Successed|Failed>_<I|E>_<ClientSeqNo>_t-<N>_<yyyyMMddHHmmssSSS>.xml`
/// [spec for the five parts; the exact layout assumed].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFileName {
    /// `Successed_` (the client's spelling) or `Failed_`.
    pub success: bool,
    /// `I` import, `E` export, as the client writes it.
    pub ie_flag: String,
    pub client_seq_no: String,
    /// The client's retry counter, `t-N`.
    pub retry: u32,
    /// The client's timestamp, `yyyyMMddHHmmssSSS` when we write it.
    pub timestamp: String,
}

const SUCCESS_PREFIX: &str = "Successed";
const FAILED_PREFIX: &str = "Failed";

/// Writes an answer file name.
pub fn answer_file_name(a: &AnswerFileName) -> String {
    format!(
        "{}_{}_{}_t-{}_{}.xml",
        if a.success {
            SUCCESS_PREFIX
        } else {
            FAILED_PREFIX
        },
        a.ie_flag,
        a.client_seq_no,
        a.retry,
        a.timestamp
    )
}

/// Reads an answer file name; `None` when it is not one. What we accept:
/// - the `.xml` suffix is required (any case), so a temporary or partly
///   renamed file is never taken for an answer; names starting with `.` are
///   never answers (that is how atomic writers hide a file being written);
/// - the result is `Successed` or `Failed` exactly;
/// - the retry part is the last part of the form `t-<digits>`; everything
///   between the I/E part and it is the ClientSeqNo (so one holding `_`
///   survives), which must not be empty;
/// - the part after it is the timestamp (digits, not empty); parts after
///   the timestamp are ignored [assumed: lenient for other client builds].
pub fn parse_answer_file_name(name: &str) -> Option<AnswerFileName> {
    if name.starts_with('.') || name.len() < 4 {
        return None;
    }
    let (stem, ext) = name.split_at(name.len() - 4);
    if !ext.eq_ignore_ascii_case(".xml") {
        return None;
    }
    let parts: Vec<&str> = stem.split('_').collect();
    let success = match *parts.first()? {
        SUCCESS_PREFIX => true,
        FAILED_PREFIX => false,
        _ => return None,
    };
    let ie_flag = *parts.get(1)?;
    if ie_flag.is_empty() {
        return None;
    }
    let retry_at = (3..parts.len())
        .rev()
        .find(|&i| retry_of(parts[i]).is_some())?;
    let retry = retry_of(parts[retry_at])?;
    let client_seq_no = parts[2..retry_at].join("_");
    let timestamp = *parts.get(retry_at + 1)?;
    if client_seq_no.is_empty()
        || timestamp.is_empty()
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(AnswerFileName {
        success,
        ie_flag: ie_flag.to_owned(),
        client_seq_no,
        retry,
        timestamp: timestamp.to_owned(),
    })
}

fn retry_of(part: &str) -> Option<u32> {
    let n = part.strip_prefix("t-")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The import response (导入回执, `DecImportResponse`): whether the client
/// imported the message, and the unified no. it got.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportResponse {
    /// 统一编号 (`SeqNo`), empty when not imported.
    pub seq_no: String,
    /// `ResponseCode`: `0` imported; anything else is a refusal.
    pub response_code: String,
    /// `ErrorMessage`: why, when refused.
    pub error_message: String,
    pub client_seq_no: String,
    /// `TrnPreId`: the transit pre-entry no., usually empty.
    pub trn_pre_id: String,
}

impl ImportResponse {
    /// Whether the message was imported (`ResponseCode` 0).
    pub fn imported(&self) -> bool {
        self.response_code.trim() == "0"
    }
}

/// A customs receipt (报关单回执, `DEC_RESULT`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DecResult {
    /// `CUS_CIQ_NO`: the unified no. (统一编号) of the filing.
    pub cus_ciq_no: String,
    /// `ENTRY_ID`: the customs no. (海关编号), once there is one.
    pub entry_id: String,
    /// `NOTICE_DATE`: when customs said it; see [`parse_notice_date`].
    pub notice_date: String,
    /// `CHANNEL`: the status code; see [`receipt_code_of_channel`].
    pub channel: String,
    /// `NOTE`: the message, in Chinese.
    pub note: String,
    /// `CUSTOM_MASTER`: the customs office (申报地海关).
    pub custom_master: String,
    /// `I_E_DATE`: the import/export date.
    pub i_e_date: String,
    /// `D_DATE`: the declaration date.
    pub d_date: String,
}

/// One answer file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeAnswer {
    Import(ImportResponse),
    Result(DecResult),
}

const IMPORT_ROOT: &str = "DecImportResponse";
const RESULT_ROOT: &str = "DEC_RESULT";

type Field<T> = (&'static str, fn(&mut T) -> &mut String);

const IMPORT_FIELDS: &[Field<ImportResponse>] = &[
    ("SeqNo", |r| &mut r.seq_no),
    ("ResponseCode", |r| &mut r.response_code),
    ("ErrorMessage", |r| &mut r.error_message),
    ("ClientSeqNo", |r| &mut r.client_seq_no),
    ("TrnPreId", |r| &mut r.trn_pre_id),
];

const RESULT_FIELDS: &[Field<DecResult>] = &[
    ("CUS_CIQ_NO", |r| &mut r.cus_ciq_no),
    ("ENTRY_ID", |r| &mut r.entry_id),
    ("NOTICE_DATE", |r| &mut r.notice_date),
    ("CHANNEL", |r| &mut r.channel),
    ("NOTE", |r| &mut r.note),
    ("CUSTOM_MASTER", |r| &mut r.custom_master),
    ("I_E_DATE", |r| &mut r.i_e_date),
    ("D_DATE", |r| &mut r.d_date),
];

/// Reads an answer file. The root decides what it is (`DecImportResponse`
/// or `DEC_RESULT`); any other root is `message.wrong_root`. Values are
/// trimmed; unknown children are ignored; a known child twice is
/// `message.duplicate`, one with child elements `message.invalid_value`.
/// `ResponseCode` and `CHANNEL` are required (`message.missing` when absent
/// or blank): without them the answer says nothing.
pub fn read_answer(bytes: &[u8]) -> Result<ExchangeAnswer, MessageError> {
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(MessageError::TooLarge {
            size: bytes.len(),
            limit: MAX_ANSWER_BYTES,
        });
    }
    let text = decode(bytes)?;
    let lines = Lines::new(&text);
    let root = tree::parse(&text, &lines)?;
    let count = count_elements(&root);
    if count > MAX_ANSWER_ELEMENTS {
        return Err(MessageError::TooManyElements {
            element: root.name.clone(),
            line: root.line,
            limit: MAX_ANSWER_ELEMENTS,
        });
    }
    match root.name.as_str() {
        IMPORT_ROOT => {
            let r: ImportResponse = fields(&root, IMPORT_FIELDS)?;
            require(&root, "ResponseCode", &r.response_code)?;
            Ok(ExchangeAnswer::Import(r))
        }
        RESULT_ROOT => {
            let r: DecResult = fields(&root, RESULT_FIELDS)?;
            require(&root, "CHANNEL", &r.channel)?;
            Ok(ExchangeAnswer::Result(r))
        }
        _ => Err(MessageError::NotAnAnswer {
            element: root.name.clone(),
            line: root.line,
        }),
    }
}

fn count_elements(node: &Node) -> usize {
    // Iterative: the tree is bounded in depth already, but this stays flat.
    let mut stack = vec![node];
    let mut n = 0usize;
    while let Some(x) = stack.pop() {
        n += 1;
        stack.extend(x.children.iter());
    }
    n
}

fn fields<T: Default>(root: &Node, table: &[Field<T>]) -> Result<T, MessageError> {
    let mut out = T::default();
    let mut seen = vec![false; table.len()];
    for child in &root.children {
        let Some(i) = table.iter().position(|(name, _)| *name == child.name) else {
            continue;
        };
        let path = format!("{}/{}", root.name, child.name);
        if seen[i] {
            return Err(MessageError::Duplicate {
                element: path,
                line: child.line,
            });
        }
        seen[i] = true;
        if let Some(inner) = child.children.first() {
            return Err(MessageError::InvalidValue {
                element: path,
                line: inner.line,
                value: format!("<{}>", inner.name),
                expected: "text",
            });
        }
        *(table[i].1)(&mut out) = child.text.trim().to_owned();
    }
    Ok(out)
}

fn require(root: &Node, name: &str, value: &str) -> Result<(), MessageError> {
    if !value.is_empty() {
        return Ok(());
    }
    let line = root
        .children
        .iter()
        .find(|c| c.name == name)
        .map_or(root.line, |c| c.line);
    Err(MessageError::Missing {
        element: format!("{}/{name}", root.name),
        line,
    })
}

/// Writes an import response: UTF-8, with the XML declaration, no namespace.
pub fn write_import_response(r: &ImportResponse) -> Vec<u8> {
    let mut r = r.clone();
    write_answer(IMPORT_ROOT, IMPORT_FIELDS, &mut r)
}

/// Writes a customs receipt: UTF-8, with the XML declaration, no namespace.
pub fn write_dec_result(r: &DecResult) -> Vec<u8> {
    let mut r = r.clone();
    write_answer(RESULT_ROOT, RESULT_FIELDS, &mut r)
}

fn write_answer<T>(root: &str, table: &[Field<T>], value: &mut T) -> Vec<u8> {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!("<{root}>\n"));
    for (name, get) in table {
        let v = get(value);
        if v.is_empty() {
            s.push_str(&format!("  <{name}/>\n"));
        } else {
            s.push_str(&format!("  <{name}>{}</{name}>\n", escape_lossy(v)));
        }
    }
    s.push_str(&format!("</{root}>\n"));
    s.into_bytes()
}

/// XML-escapes text through the writer's escaping; a character XML 1.0
/// cannot carry becomes U+FFFD, because an answer must always be writable
/// (these are our own short texts, never a declaration's fields).
fn escape_lossy(v: &str) -> String {
    let clean: String = v
        .chars()
        .map(|c| {
            let bad = ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                || c == '\u{FFFE}'
                || c == '\u{FFFF}';
            if bad {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    crate::write::escape(&clean, "answer").unwrap_or_default()
}

/// China Standard Time, the zone the client writes local times in.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// `NOTICE_DATE` as we write it: `yyyy-MM-dd HH:mm:ss` in China time [assumed].
pub fn format_notice_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The client timestamp of an answer file name, `yyyyMMddHHmmssSSS` in
/// China time [assumed].
pub fn format_file_timestamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y%m%d%H%M%S%3f")
        .to_string()
}

/// Reads a `NOTICE_DATE`: `yyyy-MM-dd HH:mm:ss` (as written, [assumed]),
/// also with `.SSS` or a `T`; `yyyyMMddHHmmss`; `yyyyMMddHHmmssSSS`; RFC
/// 3339. China time (+08:00) when the text has no offset. `None` for
/// anything else, or a date that does not exist.
pub fn parse_notice_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.len() > 64 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let local = if s.bytes().all(|b| b.is_ascii_digit()) {
        compact(s)?
    } else {
        [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())?
    };
    china()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS`, digits only.
fn compact(s: &str) -> Option<NaiveDateTime> {
    if s.len() != 14 && s.len() != 17 {
        return None;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(n(0, 4)? as i32, n(4, 6)?, n(6, 8)?)?;
    let milli = if s.len() == 17 { n(14, 17)? } else { 0 };
    date.and_hms_milli_opt(n(8, 10)?, n(10, 12)?, n(12, 14)?, milli)
}

/// `CHANNEL` → PortDesk receipt code (the `ReceiptCode` strings of
/// crates/api); `None` when the code is not a receipt we follow
/// (informational or the client's own states: `0 1 2 3 4 6 7 8 N H v T W I
/// C M` and anything unknown). Table and reasons in
/// docs/formats/decmessage.md [assumed beyond identity].
pub fn receipt_code_of_channel(channel: &str) -> Option<&'static str> {
    Some(match channel.trim() {
        "L" => "L",
        "E" => "E",
        "G" => "G",
        "P" => "P",
        "R" => "R",
        "SpL" => "SpL",
        "SpE" => "SpE",
        "SpJ" => "SpJ",
        "SpK" => "SpK",
        // 担保放行, 放行交单 (and K, 准予提离 in older lists): released.
        "B" | "K" | "F" => "P",
        // 申报失败, 海关删单, 上载申报失败: the filing will not go on.
        "Y" | "D" | "9" => "E",
        _ => return None,
    })
}

/// What the mock writes as `CHANNEL` for a PortDesk receipt code: the
/// identity for `L E G P R SpL SpE SpJ SpK`; `None` for `M` (an amendment
/// handled has no `DEC_RESULT` channel) and anything else.
pub fn channel_of_receipt_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "L" => "L",
        "E" => "E",
        "G" => "G",
        "P" => "P",
        "R" => "R",
        "SpL" => "SpL",
        "SpE" => "SpE",
        "SpJ" => "SpJ",
        "SpK" => "SpK",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_are_under_dec() {
        let d = ExchangeDirs::new("/x");
        assert_eq!(d.out_box(), Path::new("/x/Dec/OutBox"));
        assert_eq!(d.sent_box(), Path::new("/x/Dec/SentBox"));
        assert_eq!(d.fail_box(), Path::new("/x/Dec/FailBox"));
        assert_eq!(d.in_box(), Path::new("/x/Dec/InBox"));
    }

    #[test]
    fn create_all_names_the_folder_it_cannot_make() {
        let dir = std::env::temp_dir().join(format!("pd-exchange-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A file where the business folder should be.
        let root = dir.join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("Dec"), b"x").unwrap();
        let e = ExchangeDirs::new(&root).create_all().unwrap_err();
        assert!(e.to_string().contains("OutBox"), "{e}");
        let ok = ExchangeDirs::new(dir.join("fresh"));
        ok.create_all().unwrap();
        assert!(ok.in_box().is_dir() && ok.fail_box().is_dir());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn outgoing_names_round_trip() {
        for (seq, n) in [("PD0001", 1), ("A_B_C", 42), ("x", i64::MAX)] {
            let name = outgoing_file_name(seq, n);
            assert_eq!(parse_outgoing_file_name(&name), Some((seq.to_owned(), n)));
        }
        assert_eq!(outgoing_file_name("S1", 7), "PD_S1_7.xml");
        for bad in [
            "PD_S1_7.xml.tmp",
            "PD__7.xml",
            "PD_S1_.xml",
            "PD_S1_x.xml",
            "XX_S1_7.xml",
            "PD_S17.xml",
            ".PD_S1_7.xml",
        ] {
            assert_eq!(parse_outgoing_file_name(bad), None, "{bad}");
        }
    }

    fn answer(success: bool, seq: &str) -> AnswerFileName {
        AnswerFileName {
            success,
            ie_flag: "E".into(),
            client_seq_no: seq.into(),
            retry: 3,
            timestamp: "20260102030405678".into(),
        }
    }

    #[test]
    fn answer_names_round_trip() {
        for a in [
            answer(true, "PD1"),
            answer(false, "PD_1_2"),
            answer(true, "t-1"),
        ] {
            let name = answer_file_name(&a);
            assert_eq!(parse_answer_file_name(&name), Some(a), "{name}");
        }
        assert_eq!(
            answer_file_name(&answer(true, "PD1")),
            "Successed_E_PD1_t-3_20260102030405678.xml"
        );
    }

    #[test]
    fn answer_names_lenient_and_strict_where_documented() {
        let p = parse_answer_file_name("Failed_I_S9_t-0_20260102030405678_extra.XML").unwrap();
        assert!(!p.success);
        assert_eq!((p.ie_flag.as_str(), p.client_seq_no.as_str()), ("I", "S9"));
        assert_eq!((p.retry, p.timestamp.as_str()), (0, "20260102030405678"));
        for bad in [
            "Successed_I_S9_t-0_20260102030405678",
            "Successed_I_S9_t-0_20260102030405678.xml.tmp",
            ".Successed_I_S9_t-0_20260102030405678.xml",
            "Success_I_S9_t-0_20260102030405678.xml",
            "Successed_I__t-0_20260102030405678.xml",
            "Successed_I_S9_t-_20260102030405678.xml",
            "Successed_I_S9_t-0_.xml",
            "Successed_I_S9_t-0_2026x.xml",
            "Successed_I_S9_20260102030405678.xml",
            "Successed.xml",
            "",
        ] {
            assert_eq!(parse_answer_file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn import_response_round_trips_with_escapes() {
        let r = ImportResponse {
            seq_no: "".into(),
            response_code: "1".into(),
            error_message: "DEC-X01 head.bill_no: 提运单号 <必填> & \u{1}".into(),
            client_seq_no: "PD1".into(),
            trn_pre_id: "".into(),
        };
        let bytes = write_import_response(&r);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let ExchangeAnswer::Import(back) = read_answer(&bytes).unwrap() else {
            panic!("not an import response")
        };
        assert_eq!(
            back.error_message,
            "DEC-X01 head.bill_no: 提运单号 <必填> & \u{FFFD}"
        );
        assert_eq!(back.response_code, "1");
        assert!(!back.imported());
        let ok = ImportResponse {
            response_code: " 0 ".into(),
            ..r
        };
        assert!(ok.imported());
    }

    #[test]
    fn dec_result_round_trips() {
        let r = DecResult {
            cus_ciq_no: "I20260000001234567".into(),
            entry_id: "090020260000012345".into(),
            notice_date: "2026-01-02 03:04:05".into(),
            channel: "SpL".into(),
            note: "概要申报已入库".into(),
            custom_master: "0900".into(),
            i_e_date: "20260102".into(),
            d_date: "".into(),
        };
        let back = read_answer(&write_dec_result(&r)).unwrap();
        assert_eq!(back, ExchangeAnswer::Result(r));
    }

    #[test]
    fn wrong_root_missing_and_duplicates_name_element_and_line() {
        let e = read_answer(b"<?xml version=\"1.0\"?>\n<DecMessage/>").unwrap_err();
        assert_eq!(e.code(), "message.wrong_root");
        assert_eq!((e.element(), e.line()), (Some("DecMessage"), Some(2)));
        let e = read_answer(b"<DEC_RESULT>\n<NOTE>x</NOTE>\n<CHANNEL> </CHANNEL>\n</DEC_RESULT>")
            .unwrap_err();
        assert_eq!(e.code(), "message.missing");
        assert_eq!(
            (e.element(), e.line()),
            (Some("DEC_RESULT/CHANNEL"), Some(3))
        );
        let e = read_answer(b"<DecImportResponse>\n<SeqNo/>\n</DecImportResponse>").unwrap_err();
        assert_eq!(e.element(), Some("DecImportResponse/ResponseCode"));
        let e = read_answer(
            b"<DecImportResponse>\n<ResponseCode>0</ResponseCode>\n<ResponseCode>1</ResponseCode></DecImportResponse>",
        )
        .unwrap_err();
        assert_eq!(e.code(), "message.duplicate");
        assert_eq!(e.line(), Some(3));
        let e = read_answer(b"<DEC_RESULT><CHANNEL>\n<x/></CHANNEL></DEC_RESULT>").unwrap_err();
        assert_eq!(e.code(), "message.invalid_value");
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn namespaces_and_unknown_children_are_ignored() {
        let a = read_answer(
            b"<r:DEC_RESULT xmlns:r=\"urn:x\"><r:CHANNEL>P</r:CHANNEL><EXTRA>1</EXTRA></r:DEC_RESULT>",
        )
        .unwrap();
        let ExchangeAnswer::Result(r) = a else {
            panic!()
        };
        assert_eq!(r.channel, "P");
    }

    #[test]
    fn truncated_and_oversized_answers_are_errors() {
        let full = write_dec_result(&DecResult {
            channel: "L".into(),
            ..DecResult::default()
        });
        for cut in 0..full.len() - 1 {
            // Never a panic; every strict prefix fails to read.
            assert!(read_answer(&full[..cut]).is_err(), "cut at {cut}");
        }
        let big = vec![b' '; MAX_ANSWER_BYTES + 1];
        assert_eq!(read_answer(&big).unwrap_err().code(), "message.too_large");
        let many = format!(
            "<DEC_RESULT><CHANNEL>L</CHANNEL>{}</DEC_RESULT>",
            "<x/>".repeat(MAX_ANSWER_ELEMENTS)
        );
        assert_eq!(
            read_answer(many.as_bytes()).unwrap_err().code(),
            "message.too_many_elements"
        );
    }

    #[test]
    fn notice_dates_in_every_form() {
        let want = Utc.with_ymd_and_hms(2026, 1, 1, 19, 4, 5).unwrap();
        for s in [
            "2026-01-02 03:04:05",
            " 2026-01-02T03:04:05 ",
            "20260102030405",
            "2026-01-01T19:04:05Z",
            "2026-01-02T03:04:05+08:00",
        ] {
            assert_eq!(parse_notice_date(s), Some(want), "{s}");
        }
        let milli = parse_notice_date("20260102030405678").unwrap();
        assert_eq!(milli.timestamp_subsec_millis(), 678);
        assert_eq!(
            parse_notice_date("2026-01-02 03:04:05.678"),
            Some(milli),
            "with millis"
        );
        for bad in [
            "",
            "2026-02-30 00:00:00",
            "2026013",
            "202601020304056",
            "x",
            "２０２６",
        ] {
            assert_eq!(parse_notice_date(bad), None, "{bad}");
        }
        assert_eq!(format_notice_date(want), "2026-01-02 03:04:05");
        assert_eq!(parse_notice_date(&format_notice_date(want)), Some(want));
        assert_eq!(format_file_timestamp(milli), "20260102030405678");
    }

    #[test]
    fn every_channel_in_the_table() {
        for c in ["L", "E", "G", "P", "R", "SpL", "SpE", "SpJ", "SpK"] {
            assert_eq!(receipt_code_of_channel(c), Some(c));
            assert_eq!(channel_of_receipt_code(c), Some(c));
        }
        for c in ["B", "K", "F"] {
            assert_eq!(receipt_code_of_channel(c), Some("P"), "{c}");
        }
        for c in ["Y", "D", "9"] {
            assert_eq!(receipt_code_of_channel(c), Some("E"), "{c}");
        }
        for c in [
            "0", "1", "2", "3", "4", "6", "7", "8", "N", "H", "v", "T", "W", "I", "C", "M", "S0",
            "F1", "", "l", "COO-A",
        ] {
            assert_eq!(receipt_code_of_channel(c), None, "{c}");
        }
        for c in ["M", "COO-A", "COO-L", "", "B"] {
            assert_eq!(channel_of_receipt_code(c), None, "{c}");
        }
    }
}
