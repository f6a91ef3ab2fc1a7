//! Local input limits (输入长度与文件大小限制): the one table of field
//! lengths and the sizes of files read whole. docs/limits.md lists both.
//!
//! Field lengths are the message specification's
//! (`shared/domain/customs-message.md`), counted in characters unless the
//! specification counts bytes (`GModel`: bytes, GBK assumed, a Chinese
//! character 2 bytes). The origin application has no public specification of
//! lengths: its rows are assumed and say so. The validators
//! ([`crate::validate_declaration`], [`crate::validate_origin_application`])
//! report an over-long field as a format problem naming the field, with the
//! limit and the length given; importing refuses it. The point is that a
//! 200 MiB remark is refused here, with a message beside the field, instead
//! of being stored as "ready" and refused by the server.
//!
//! File sizes ([`FileLimit`]) bound every file PortDesk reads whole by path;
//! the reader (`portdesk_drafts::files`) refuses a file beyond its limit
//! before reading it and stops reading at the limit, so a pipe or a growing
//! file cannot be read unbounded either. This module holds numbers only:
//! the domain does no I/O.

use crate::declaration::{
    AttachedDocument, Container, Declaration, ElectronicAttachment, GoodsLine, IeFlag,
};
use crate::origin::{OriginApplication, OriginInvoice, OriginItem};

/// What a length is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Unicode characters (`chars().count()`).
    Chars,
    /// Bytes in GBK: ASCII 1, every other character 2. Counted without
    /// encoding: a character GBK lacks (an emoji) also counts 2, where
    /// GB 18030 would take 4; the Single Window's counter is not public.
    GbkBytes,
}

impl Unit {
    /// The length of `s` in this unit.
    pub fn measure(self, s: &str) -> usize {
        match self {
            Unit::Chars => s.chars().count(),
            // A UTF-8 lead byte of a non-ASCII character counts 2, its
            // continuation bytes 0: no copy, no decoding.
            Unit::GbkBytes => s
                .bytes()
                .map(|b| match b {
                    0x00..=0x7F => 1,
                    0x80..=0xBF => 0,
                    _ => 2,
                })
                .sum(),
        }
    }
}

/// Where a limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The message specification (customs-message.md, tagged [spec]).
    Spec,
    /// Chosen by PortDesk where no public specification gives one.
    Assumed,
}

/// How a row reads its field's text.
#[derive(Clone, Copy)]
enum Read {
    Declaration(fn(&Declaration) -> &str),
    Line(fn(&GoodsLine) -> &str),
    Container(fn(&Container) -> &str),
    Document(fn(&AttachedDocument) -> &str),
    Edoc(fn(&ElectronicAttachment) -> &str),
    Application(fn(&OriginApplication) -> &str),
    Item(fn(&OriginItem) -> &str),
    Invoice(fn(&OriginInvoice) -> &str),
}

/// One row of the length table.
#[derive(Clone, Copy)]
pub struct FieldLimit {
    /// PortDesk's field path as the validators name it; `[]` stands for the
    /// index of a line, container, document, edoc, item or invoice
    /// (`lines[].name` is reported as `lines[3].name`).
    pub path: &'static str,
    /// The message element (`NoteS`, `DecList/GName`) or, for the origin
    /// application, the box.
    pub element: &'static str,
    /// Most units the field may hold.
    pub max: usize,
    pub unit: Unit,
    pub source: Source,
    /// Only on imports or only on exports (the overseas party is the
    /// consignor on an import, the consignee on an export); `None`: both.
    pub ie_flag: Option<IeFlag>,
    read: Read,
}

impl std::fmt::Debug for FieldLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldLimit")
            .field("path", &self.path)
            .field("element", &self.element)
            .field("max", &self.max)
            .field("unit", &self.unit)
            .field("source", &self.source)
            .field("ie_flag", &self.ie_flag)
            .finish()
    }
}

impl FieldLimit {
    /// The length of `value` when it is over this limit. Cheap for a huge
    /// value: no copy, and a value whose UTF-8 bytes fit is never counted
    /// (a character is at least one byte, a GBK count never exceeds UTF-8's).
    pub fn over(&self, value: &str) -> Option<usize> {
        if value.len() <= self.max {
            return None;
        }
        let n = self.unit.measure(value);
        (n > self.max).then_some(n)
    }
}

/// A field longer than its limit.
#[derive(Debug, Clone)]
pub struct Overlong {
    /// The concrete path: `lines[3].name`.
    pub field: String,
    pub limit: &'static FieldLimit,
    /// Its length in the limit's unit.
    pub actual: usize,
}

macro_rules! limit {
    ($path:literal, $element:literal, $max:literal, $unit:ident, $source:ident, $ie:expr,
     $kind:ident, |$v:ident| $read:expr) => {
        FieldLimit {
            path: $path,
            element: $element,
            max: $max,
            unit: Unit::$unit,
            source: Source::$source,
            ie_flag: $ie,
            read: Read::$kind(|$v| $read),
        }
    };
}

const I: Option<IeFlag> = Some(IeFlag::I);
const E: Option<IeFlag> = Some(IeFlag::E);

/// Every text or code field of a declaration with its message element and
/// length, in field order. Numbers (quantities, weights, prices, charge
/// values, number of packages) are bounded by their digit rules instead
/// (`DEC-FMT`: e.g. 14 integer and 5 decimal digits for `GQty` 19,5).
#[rustfmt::skip]
pub const DECLARATION_LIMITS: &[FieldLimit] = &[
    limit!("client_seq_no", "DecSign/ClientSeqNo", 18, Chars, Spec, None, Declaration, |d| &d.client_seq_no),
    limit!("head.declaring_customs", "CustomMaster", 4, Chars, Spec, None, Declaration, |d| &d.head.declaring_customs),
    limit!("head.ie_port", "IEPort", 4, Chars, Spec, None, Declaration, |d| &d.head.ie_port),
    limit!("head.record_no", "ManualNo", 12, Chars, Spec, None, Declaration, |d| &d.head.record_no),
    limit!("head.contract_no", "ContrNo", 32, Chars, Spec, None, Declaration, |d| &d.head.contract_no),
    limit!("head.ie_date", "IEDate", 8, Chars, Spec, None, Declaration, |d| &d.head.ie_date),
    limit!("head.trade_scc", "TradeCoScc", 18, Chars, Spec, None, Declaration, |d| &d.head.trade_scc),
    limit!("head.trade_code", "TradeCode", 18, Chars, Spec, None, Declaration, |d| &d.head.trade_code),
    limit!("head.trade_name", "TradeName", 100, Chars, Spec, None, Declaration, |d| &d.head.trade_name),
    limit!("head.overseas_name", "OverseasConsignorEname", 100, Chars, Spec, I, Declaration, |d| &d.head.overseas_name),
    limit!("head.overseas_name", "OverseasConsigneeEname", 400, Chars, Spec, E, Declaration, |d| &d.head.overseas_name),
    limit!("head.overseas_address", "OverseasConsignorAddr", 100, Chars, Spec, I, Declaration, |d| &d.head.overseas_address),
    // The specification lists no consignee address; the consignor's length.
    limit!("head.overseas_address", "OverseasConsigneeAddr", 100, Chars, Assumed, E, Declaration, |d| &d.head.overseas_address),
    limit!("head.overseas_aeo", "OverseasConsignorCode", 50, Chars, Spec, I, Declaration, |d| &d.head.overseas_aeo),
    limit!("head.overseas_aeo", "OverseasConsigneeCode", 50, Chars, Spec, E, Declaration, |d| &d.head.overseas_aeo),
    limit!("head.owner_scc", "OwnerCodeScc", 18, Chars, Spec, None, Declaration, |d| &d.head.owner_scc),
    limit!("head.owner_code", "OwnerCode", 18, Chars, Spec, None, Declaration, |d| &d.head.owner_code),
    limit!("head.owner_name", "OwnerName", 100, Chars, Spec, None, Declaration, |d| &d.head.owner_name),
    limit!("head.agent_scc", "AgentCodeScc", 18, Chars, Spec, None, Declaration, |d| &d.head.agent_scc),
    limit!("head.agent_code", "AgentCode", 10, Chars, Spec, None, Declaration, |d| &d.head.agent_code),
    limit!("head.agent_name", "AgentName", 100, Chars, Spec, None, Declaration, |d| &d.head.agent_name),
    limit!("head.transport_mode", "TrafMode", 1, Chars, Spec, None, Declaration, |d| &d.head.transport_mode),
    limit!("head.conveyance_name", "TrafName", 50, Chars, Spec, None, Declaration, |d| &d.head.conveyance_name),
    limit!("head.voyage_no", "DecFreeTxt/VoyNo", 32, Chars, Spec, None, Declaration, |d| &d.head.voyage_no),
    limit!("head.bill_no", "BillNo", 32, Chars, Spec, None, Declaration, |d| &d.head.bill_no),
    limit!("head.trade_mode", "TradeMode", 4, Chars, Spec, None, Declaration, |d| &d.head.trade_mode),
    limit!("head.levy_kind", "CutMode", 3, Chars, Spec, None, Declaration, |d| &d.head.levy_kind),
    limit!("head.licence_no", "LicenseNo", 20, Chars, Spec, None, Declaration, |d| &d.head.licence_no),
    limit!("head.trade_country", "TradeCountry", 3, Chars, Spec, None, Declaration, |d| &d.head.trade_country),
    limit!("head.trading_country", "TradeAreaCode", 3, Chars, Spec, None, Declaration, |d| &d.head.trading_country),
    limit!("head.destination_port", "DistinatePort", 6, Chars, Spec, None, Declaration, |d| &d.head.destination_port),
    limit!("head.departure_port", "DespPortCode", 8, Chars, Spec, None, Declaration, |d| &d.head.departure_port),
    limit!("head.entry_exit_port", "EntyPortCode", 8, Chars, Spec, None, Declaration, |d| &d.head.entry_exit_port),
    limit!("head.terms_of_sale", "TransMode", 1, Chars, Spec, None, Declaration, |d| &d.head.terms_of_sale),
    limit!("head.freight.mark", "FeeMark", 1, Chars, Spec, None, Declaration, |d| &d.head.freight.mark),
    limit!("head.freight.currency", "FeeCurr", 3, Chars, Spec, None, Declaration, |d| &d.head.freight.currency),
    limit!("head.insurance.mark", "InsurMark", 1, Chars, Spec, None, Declaration, |d| &d.head.insurance.mark),
    limit!("head.insurance.currency", "InsurCurr", 3, Chars, Spec, None, Declaration, |d| &d.head.insurance.currency),
    limit!("head.other_charges.mark", "OtherMark", 1, Chars, Spec, None, Declaration, |d| &d.head.other_charges.mark),
    limit!("head.other_charges.currency", "OtherCurr", 3, Chars, Spec, None, Declaration, |d| &d.head.other_charges.currency),
    limit!("head.package_kind", "WrapType", 2, Chars, Spec, None, Declaration, |d| &d.head.package_kind),
    limit!("head.marks", "MarkNo", 400, Chars, Spec, None, Declaration, |d| &d.head.marks),
    limit!("head.goods_place", "GoodsPlace", 100, Chars, Spec, None, Declaration, |d| &d.head.goods_place),
    limit!("head.entry_type", "EntryType", 1, Chars, Spec, None, Declaration, |d| &d.head.entry_type),
    limit!("head.document_type", "Type", 6, Chars, Spec, None, Declaration, |d| &d.head.document_type),
    limit!("head.price_declarations", "PromiseItmes", 32, Chars, Spec, None, Declaration, |d| &d.head.price_declarations),
    limit!("head.remarks", "NoteS", 255, Chars, Spec, None, Declaration, |d| &d.head.remarks),
    limit!("lines[].commodity_code", "DecList/CodeTS", 10, Chars, Spec, None, Line, |l| &l.commodity_code),
    limit!("lines[].name", "DecList/GName", 255, Chars, Spec, None, Line, |l| &l.name),
    limit!("lines[].elements", "DecList/GModel", 255, GbkBytes, Spec, None, Line, |l| &l.elements),
    limit!("lines[].unit", "DecList/GUnit", 3, Chars, Spec, None, Line, |l| &l.unit),
    // Legal units are codes of the same unit list as GUnit.
    limit!("lines[].first_unit", "DecList/FirstUnit", 3, Chars, Assumed, None, Line, |l| &l.first_unit),
    limit!("lines[].second_unit", "DecList/SecondUnit", 3, Chars, Assumed, None, Line, |l| &l.second_unit),
    limit!("lines[].currency", "DecList/TradeCurr", 3, Chars, Spec, None, Line, |l| &l.currency),
    limit!("lines[].origin_country", "DecList/OriginCountry", 3, Chars, Spec, None, Line, |l| &l.origin_country),
    limit!("lines[].destination_country", "DecList/DestinationCountry", 3, Chars, Spec, None, Line, |l| &l.destination_country),
    limit!("lines[].district_code", "DecList/DistrictCode", 5, Chars, Spec, None, Line, |l| &l.district_code),
    limit!("lines[].duty_mode", "DecList/DutyMode", 1, Chars, Spec, None, Line, |l| &l.duty_mode),
    // PortDesk's own (the goods library key), never sent: an ERP part number fits.
    limit!("lines[].part_number", "(not sent)", 32, Chars, Assumed, None, Line, |l| &l.part_number),
    limit!("containers[].number", "Container/ContainerId", 11, Chars, Spec, None, Container, |c| &c.number),
    // An ISO 6346 size-and-type code is 4 characters.
    limit!("containers[].size_type", "Container/ContainerMd", 4, Chars, Assumed, None, Container, |c| &c.size_type),
    // 50 line numbers with commas take 140.
    limit!("containers[].line_refs", "Container/GoodsNo", 200, Chars, Assumed, None, Container, |c| &c.line_refs),
    limit!("documents[].code", "LicenseDocu/DocuCode", 1, Chars, Spec, None, Document, |d| &d.code),
    limit!("documents[].cert_no", "LicenseDocu/CertCode", 32, Chars, Spec, None, Document, |d| &d.cert_no),
    limit!("edocs[].code", "EdocRealation/EdocCode", 8, Chars, Spec, None, Edoc, |e| &e.code),
    limit!("edocs[].file_name", "EdocRealation/EdocID", 64, Chars, Spec, None, Edoc, |e| &e.file_name),
    // A byte count up to 999 GB: far beyond any attachment the Single Window takes.
    limit!("edocs[].size", "EdocRealation/EdocSize", 12, Chars, Assumed, None, Edoc, |e| &e.size),
];

/// Every text box of a certificate-of-origin application with its length.
/// No public specification gives them: each is assumed from what the
/// printed box holds, except the client sequence numbers (the declaration's
/// `ClientSeqNo` 18). Codes, dates and counts get 35 (UN/EDIFACT's an..35):
/// their format rules fix the exact shape, and the usual mistake, a name
/// typed for a code (`OSAKA JP`, `US DOLLAR`), is then named by the rule
/// that says what to pick instead (`COO-PORT`, `COO-FMT`, `COO-HS`); the
/// length only stops pasted pages. Numbers (quantity, gross weight, FOB
/// value) are bounded by their digit rules.
#[rustfmt::skip]
pub const ORIGIN_LIMITS: &[FieldLimit] = &[
    limit!("client_seq_no", "ClientSeqNo", 18, Chars, Spec, None, Application, |a| &a.client_seq_no),
    limit!("source_declaration", "DecSign/ClientSeqNo", 18, Chars, Spec, None, Application, |a| a.source_declaration.as_deref().unwrap_or("")),
    limit!("exporter.name", "box 1 exporter", 200, Chars, Assumed, None, Application, |a| &a.exporter.name),
    limit!("exporter.address", "box 1 exporter", 400, Chars, Assumed, None, Application, |a| &a.exporter.address),
    limit!("exporter.country", "box 1 exporter", 35, Chars, Assumed, None, Application, |a| &a.exporter.country),
    limit!("exporter.credit_code", "box 1 exporter", 35, Chars, Assumed, None, Application, |a| &a.exporter.credit_code),
    limit!("consignee.name", "box 2 consignee", 200, Chars, Assumed, None, Application, |a| &a.consignee.name),
    limit!("consignee.address", "box 2 consignee", 400, Chars, Assumed, None, Application, |a| &a.consignee.address),
    limit!("consignee.country", "box 2 consignee", 35, Chars, Assumed, None, Application, |a| &a.consignee.country),
    limit!("producer.name", "RCEP box 3 producer", 200, Chars, Assumed, None, Application, |a| &a.producer.name),
    limit!("producer.address", "RCEP box 3 producer", 400, Chars, Assumed, None, Application, |a| &a.producer.address),
    limit!("producer.country", "RCEP box 3 producer", 35, Chars, Assumed, None, Application, |a| &a.producer.country),
    limit!("transport.means", "box 3 transport", 35, Chars, Assumed, None, Application, |a| &a.transport.means),
    limit!("transport.route", "box 3 transport", 400, Chars, Assumed, None, Application, |a| &a.transport.route),
    limit!("transport.departure_date", "box 3 transport", 35, Chars, Assumed, None, Application, |a| &a.transport.departure_date),
    limit!("transport.vessel", "box 3 transport", 100, Chars, Assumed, None, Application, |a| &a.transport.vessel),
    limit!("transport.port_of_loading", "box 3 transport", 35, Chars, Assumed, None, Application, |a| &a.transport.port_of_loading),
    limit!("transport.port_of_discharge", "box 3 transport", 35, Chars, Assumed, None, Application, |a| &a.transport.port_of_discharge),
    limit!("importing_country", "box 4 / 11 / 15 country", 35, Chars, Assumed, None, Application, |a| &a.importing_country),
    limit!("marks", "box 6 / 7 marks", 1000, Chars, Assumed, None, Application, |a| &a.marks),
    limit!("items[].item_no", "item number", 35, Chars, Assumed, None, Item, |i| &i.item_no),
    limit!("items[].marks", "item marks", 400, Chars, Assumed, None, Item, |i| &i.marks),
    limit!("items[].package_count", "number of packages", 35, Chars, Assumed, None, Item, |i| &i.package_count),
    limit!("items[].package_kind", "kind of packages", 35, Chars, Assumed, None, Item, |i| &i.package_kind),
    limit!("items[].description", "goods description", 1000, Chars, Assumed, None, Item, |i| &i.description),
    limit!("items[].hs_code", "HS code", 35, Chars, Assumed, None, Item, |i| &i.hs_code),
    limit!("items[].origin_criterion", "origin criterion", 35, Chars, Assumed, None, Item, |i| &i.origin_criterion),
    limit!("items[].unit", "unit", 35, Chars, Assumed, None, Item, |i| &i.unit),
    limit!("items[].currency", "currency", 35, Chars, Assumed, None, Item, |i| &i.currency),
    limit!("items[].country_of_origin", "RCEP box 11 country of origin", 35, Chars, Assumed, None, Item, |i| &i.country_of_origin),
    limit!("invoices[].number", "invoice number", 50, Chars, Assumed, None, Invoice, |i| &i.number),
    limit!("invoices[].date", "invoice date", 35, Chars, Assumed, None, Invoice, |i| &i.date),
    limit!("declaration_place", "declaration place", 100, Chars, Assumed, None, Application, |a| &a.declaration_place),
    limit!("declaration_date", "declaration date", 35, Chars, Assumed, None, Application, |a| &a.declaration_date),
    limit!("remarks", "remarks", 1000, Chars, Assumed, None, Application, |a| &a.remarks),
];

/// `lines[].name` with index `i`: `lines[3].name`.
fn indexed(pattern: &str, i: usize) -> String {
    pattern.replacen("[]", &format!("[{i}]"), 1)
}

fn check_one(
    limit: &'static FieldLimit,
    field: impl FnOnce() -> String,
    value: &str,
) -> Option<Overlong> {
    limit.over(value).map(|actual| Overlong {
        field: field(),
        limit,
        actual,
    })
}

/// Every field of `d` longer than its limit, in table order (by index
/// within a collection row).
pub fn declaration_overlong(d: &Declaration) -> Vec<Overlong> {
    let mut out = Vec::new();
    for limit in DECLARATION_LIMITS {
        if limit.ie_flag.is_some_and(|f| f != d.head.ie_flag) {
            continue;
        }
        let path = || limit.path.to_owned();
        match limit.read {
            Read::Declaration(read) => out.extend(check_one(limit, path, read(d))),
            Read::Line(read) => out.extend(
                d.lines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, l)| check_one(limit, || indexed(limit.path, i), read(l))),
            ),
            Read::Container(read) => out.extend(
                d.containers
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| check_one(limit, || indexed(limit.path, i), read(c))),
            ),
            Read::Document(read) => out.extend(
                d.documents
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| check_one(limit, || indexed(limit.path, i), read(x))),
            ),
            Read::Edoc(read) => out.extend(
                d.edocs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| check_one(limit, || indexed(limit.path, i), read(e))),
            ),
            Read::Application(_) | Read::Item(_) | Read::Invoice(_) => {}
        }
    }
    out
}

/// Every box of `app` longer than its limit, in table order.
pub fn origin_overlong(app: &OriginApplication) -> Vec<Overlong> {
    let mut out = Vec::new();
    for limit in ORIGIN_LIMITS {
        let path = || limit.path.to_owned();
        match limit.read {
            Read::Application(read) => out.extend(check_one(limit, path, read(app))),
            Read::Item(read) => out.extend(
                app.items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| check_one(limit, || indexed(limit.path, i), read(x))),
            ),
            Read::Invoice(read) => out.extend(
                app.invoices
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| check_one(limit, || indexed(limit.path, i), read(x))),
            ),
            _ => {}
        }
    }
    out
}

impl Overlong {
    /// The (Chinese, English) message for the field labelled (`zh`, `en`):
    /// "备注最多255个字符，现有1000个" / "remarks (head.remarks): at most 255
    /// characters, 1000 given". The value itself is never quoted: it may be
    /// megabytes long.
    pub fn messages(&self, zh: &str, en: &str) -> (String, String) {
        let (max, n, field) = (self.limit.max, self.actual, &self.field);
        match self.limit.unit {
            Unit::Chars => (
                format!("{zh}最多{max}个字符，现有{n}个"),
                format!("{en} ({field}): at most {max} characters, {n} given"),
            ),
            Unit::GbkBytes => (
                format!("{zh}最多{max}个字节（按GBK计，每个汉字2个字节），现有{n}个"),
                format!(
                    "{en} ({field}): at most {max} bytes (counted in GBK, 2 a Chinese character), {n} given"
                ),
            ),
        }
    }
}

/// A file PortDesk reads whole by path, and the most bytes it reads of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimit {
    /// What the file is, for the error: "import file", 导入文件.
    pub what_en: &'static str,
    pub what_zh: &'static str,
    pub max_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

/// A declaration or an export bundle given to import, validate or file.
/// Measured as `portdesk export` writes them (pretty-printed): the sample
/// declaration is 3.2 KB, with 50 goods lines 28 KB, and with every free
/// text at its length in Chinese 86 KB; 32 MiB holds about 1,180 of the
/// second and 390 of the third (docs/limits.md). Larger sets are exported
/// in parts (`--search`).
pub const IMPORT_FILE: FileLimit = FileLimit {
    what_en: "import file",
    what_zh: "导入文件",
    max_bytes: 32 * MIB,
};

/// A declaration message (报关单报文) given to import: the message reader's
/// own bound (`portdesk_message::MAX_INPUT_BYTES`); real ones are tens of
/// kilobytes.
pub const MESSAGE_FILE: FileLimit = FileLimit {
    what_en: "message file",
    what_zh: "报文文件",
    max_bytes: 16 * MIB,
};

/// The seal or signature image printed on certificates (a scan at print
/// resolution is far smaller).
pub const IMAGE_FILE: FileLimit = FileLimit {
    what_en: "image file",
    what_zh: "图片文件",
    max_bytes: 5 * MIB,
};

/// A system font file read as the printed declaration's fallback for
/// characters outside the bundled GB2312 subset (a full CJK collection such
/// as WenQuanYi Zen Hei is 17 MiB, Noto Sans CJK 20-30 MiB).
pub const FONT_FILE: FileLimit = FileLimit {
    what_en: "font file",
    what_zh: "字体文件",
    max_bytes: 64 * MIB,
};

/// A JSON document given by path that is not an import: an origin
/// application, an enterprise record, a tax-payment choice.
pub const DOCUMENT_FILE: FileLimit = FileLimit {
    what_en: "JSON file",
    what_zh: "JSON文件",
    max_bytes: 4 * MIB,
};

/// An updated code list in `<data dir>/codelists/`; the largest bundled
/// list is under 30 KiB, the full port list a few hundred.
pub const CODE_LIST_FILE: FileLimit = FileLimit {
    what_en: "code list file",
    what_zh: "代码表文件",
    max_bytes: 8 * MIB,
};

/// A password read from standard input.
pub const PASSWORD_INPUT: FileLimit = FileLimit {
    what_en: "password",
    what_zh: "密码",
    max_bytes: 4096,
};

/// A spreadsheet given to import (电子表格: `.xlsx`, `.xls`, `.csv`). An
/// xlsx is zipped XML: 20 MiB holds far more than [`SHEET_MAX_ROWS`] rows
/// of goods, and calamine unpacks a sheet whole in memory.
pub const SHEET_FILE: FileLimit = FileLimit {
    what_en: "spreadsheet",
    what_zh: "电子表格",
    max_bytes: 20 * MIB,
};

/// Most rows one sheet of an imported spreadsheet may have, blank rows
/// included (a 73-line invoice is 80; a packing list of 5,000 rows is read
/// in the benchmark). Beyond it the file is refused naming the sheet.
pub const SHEET_MAX_ROWS: usize = 10_000;

/// Most characters one cell of an imported spreadsheet may hold: Excel's
/// own cell limit. A longer cell is an unreadable cell naming sheet, row
/// and column.
pub const SHEET_CELL_MAX_CHARS: usize = 32_767;

/// Every file limit, for the docs and their test.
pub const FILE_LIMITS: &[FileLimit] = &[
    IMPORT_FILE,
    SHEET_FILE,
    MESSAGE_FILE,
    IMAGE_FILE,
    FONT_FILE,
    DOCUMENT_FILE,
    CODE_LIST_FILE,
    PASSWORD_INPUT,
];

/// Most bytes a declaration's [`Extensions`](crate::Extensions) may take,
/// serialised as compact JSON. A message's unmodelled blocks (licences,
/// packing, promises) are a few kilobytes; the bound keeps a file of
/// megabytes of unknown XML out of every revision saved after it.
pub const EXTENSIONS_MAX_BYTES: usize = MIB as usize;

/// The serialised size of `d.extensions` when it is over
/// [`EXTENSIONS_MAX_BYTES`]; `None` when within.
pub fn extensions_oversize(d: &Declaration) -> Option<usize> {
    if d.extensions.is_empty() {
        return None;
    }
    let n = serde_json::to_vec(&d.extensions).map_or(usize::MAX, |v| v.len());
    (n > EXTENSIONS_MAX_BYTES).then_some(n)
}

/// The (Chinese, English) message for extensions of `size` bytes, over the limit.
pub fn extensions_messages(size: usize) -> (String, String) {
    (
        format!("扩展数据（未映射的报文内容）最多{EXTENSIONS_MAX_BYTES}字节，现有{size}字节"),
        format!(
            "extensions (unmodelled message blocks): at most {EXTENSIONS_MAX_BYTES} bytes as JSON, {size} given"
        ),
    )
}

/// Most characters of a template's name (模板名称): a picker line, not a text.
pub const TEMPLATE_NAME_MAX_CHARS: usize = 64;

/// Most characters of a template's note (模板备注).
pub const TEMPLATE_NOTE_MAX_CHARS: usize = 400;

/// Most characters of a default value the clerk sets (初始值) for a field
/// the length table does not bound (numbers, dates); a field with its own
/// limit keeps the smaller of the two.
pub const DEFAULT_VALUE_MAX_CHARS: usize = 400;
