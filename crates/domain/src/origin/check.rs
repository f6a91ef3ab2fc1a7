//! The smart-review precheck of a certificate-of-origin application
//! (智能审核预检): the rejections listed in the origin reference, run on the
//! client so an application passes review the first time.
//!
//! Like declaration validation, the [`Purpose`] decides how much is checked:
//! a draft (暂存) gets the format of what is filled in and text hygiene
//! (`COO-FMT`, `COO-ASCII`, `COO-CTRL`, `COO-HS`, `COO-PORT`, `COO-CRIT`,
//! the numbering and maximum of `COO-ITEMS`); submitting (申报) gets every
//! rule. Problems come out in box order (struct order of the application,
//! items and invoices by index), then rule order; one mistake gives one
//! message: a code with a full-width character is reported by `COO-ASCII`
//! only, not by `COO-FMT` as well.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::labels::{box_label, field_key, item_index};
use super::text::{first_control, first_non_ascii, NonAscii};
use super::{EnterpriseRecord, OriginApplication, OriginForm, PRODUCER_PLACEHOLDERS, TO_ORDER};
use crate::checksum::is_valid_scc;
use crate::code_list::CodeLists;
use crate::problem::{Problem, Purpose, Severity};
use crate::rules::{filled, parse_decimal, RuleInfo};

/// Stable rule ids of the precheck; never renumber.
pub mod rule {
    /// A box the form requires is empty.
    pub const REQ: &str = "COO-REQ";
    /// A filled box has the wrong format or a code not in its list, or a
    /// flag the form does not have is set.
    pub const FMT: &str = "COO-FMT";
    /// Chinese characters, full-width punctuation or spaces on an English form.
    pub const ASCII: &str = "COO-ASCII";
    /// Pasted control or invisible characters.
    pub const CTRL: &str = "COO-CTRL";
    /// Goods description not ending in `***`, or too vague to classify.
    pub const DESC: &str = "COO-DESC";
    /// Missing or malformed 6-digit HS code.
    pub const HS: &str = "COO-HS";
    /// Port typed by hand instead of picked from the port list.
    pub const PORT: &str = "COO-PORT";
    /// Exporter box differs from the enterprise's record.
    pub const EXPORTER: &str = "COO-EXPORTER";
    /// Invoice date after shipment, declaration before the invoice;
    /// late issue without the retroactive flag (warning).
    pub const DATE: &str = "COO-DATE";
    /// Origin criterion not valid for the form.
    pub const CRIT: &str = "COO-CRIT";
    /// No items, too many, or item numbers not 1..n in order.
    pub const ITEMS: &str = "COO-ITEMS";
}

/// Most goods items one application may carry (assumed: as many as a
/// declaration has lines, so any declaration converts).
pub const MAX_ORIGIN_ITEMS: usize = 50;

/// Descriptions too vague to classify on their own (after dropping `***`,
/// case-insensitive). Assumed list: smart review's own is not public.
pub const VAGUE_DESCRIPTIONS: &[&str] = &[
    "GOODS",
    "PARTS",
    "PART",
    "SPARE PARTS",
    "SAMPLE",
    "SAMPLES",
    "ACCESSORIES",
    "PRODUCTS",
    "PRODUCT",
    "ITEMS",
    "MATERIALS",
    "MATERIAL",
    "EQUIPMENT",
    "MERCHANDISE",
    "GENERAL CARGO",
    "CARGO",
    "COMMODITY",
    "COMMODITIES",
    "MISC",
    "MISCELLANEOUS",
];

/// Days after shipment an application may be made without the
/// "issued retroactively" flag (assumed: Form E's 3 days, applied to RCEP).
const RETROACTIVE_AFTER_DAYS: i64 = 3;

/// Every precheck rule, in report order. `COO-DATE` reports a missing
/// retroactive flag as a warning and everything else as an error.
pub const RULES: &[RuleInfo] = &[
    RuleInfo::new(
        rule::REQ,
        Severity::Error,
        "证书必填栏目未填写",
        "Required box missing",
    ),
    RuleInfo::new(rule::FMT, Severity::Error, "栏目格式错误", "Invalid format"),
    RuleInfo::new(
        rule::ASCII,
        Severity::Error,
        "英文证书含中文、全角标点或全角空格",
        "Chinese or full-width characters on an English form",
    ),
    RuleInfo::new(
        rule::CTRL,
        Severity::Error,
        "含控制字符或不可见字符",
        "Control or invisible characters",
    ),
    RuleInfo::new(
        rule::DESC,
        Severity::Error,
        "货物描述未以***结尾或过于笼统",
        "Goods description without *** or too vague",
    ),
    RuleInfo::new(
        rule::HS,
        Severity::Error,
        "HS编码缺失或不是6位",
        "HS code missing or not 6 digits",
    ),
    RuleInfo::new(
        rule::PORT,
        Severity::Error,
        "港口须从代码表选择",
        "Port must be picked from the port list",
    ),
    RuleInfo::new(
        rule::EXPORTER,
        Severity::Error,
        "出口商信息与备案不符",
        "Exporter differs from the enterprise record",
    ),
    RuleInfo::new(
        rule::DATE,
        Severity::Error,
        "发票、出运、申报日期顺序不符",
        "Invoice, shipment and declaration dates out of order",
    ),
    RuleInfo::new(
        rule::CRIT,
        Severity::Error,
        "原产地标准不适用于该证书",
        "Origin criterion not valid for the form",
    ),
    RuleInfo::new(
        rule::ITEMS,
        Severity::Error,
        "货物项数或项号错误",
        "Item count or numbering wrong",
    ),
];

/// Text a format check may look at: ASCII without control characters.
/// Anything else is `COO-ASCII`'s or `COO-CTRL`'s to report.
fn clean(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

fn is_upper_alnum(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// Trimmed, whitespace runs collapsed to one space, ASCII upper case: how
/// the exporter box is compared with the record.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

fn parse_ymd(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

struct Ck<'a> {
    app: &'a OriginApplication,
    record: &'a EnterpriseRecord,
    lists: &'a CodeLists,
    purpose: Purpose,
    out: Vec<Problem>,
}

impl Ck<'_> {
    fn declare(&self) -> bool {
        self.purpose == Purpose::Declare
    }

    fn form(&self) -> OriginForm {
        self.app.form
    }

    fn label(&self, field: &str) -> (String, String) {
        box_label(self.form(), field)
    }

    fn error(&mut self, rule: &str, field: &str, zh: String, en: String) {
        self.out.push(Problem::error(rule, field, zh, en));
    }

    fn required(&mut self, field: &str, value: &str) {
        if self.declare() && !filled(value) {
            let (zh, en) = self.label(field);
            self.error(
                rule::REQ,
                field,
                format!("{zh}必须填写"),
                format!("{en} is required"),
            );
        }
    }

    fn format_error(&mut self, field: &str, value: &str, expect_zh: &str, expect_en: &str) {
        let (zh, en) = self.label(field);
        let shown = crate::rules::shown(value);
        self.error(
            rule::FMT,
            field,
            format!("{zh}格式不正确（{expect_zh}）：“{shown}”"),
            format!("{en}: invalid format ({expect_en}): \"{shown}\""),
        );
    }

    /// A code of `list` (alpha-3 countries and currencies, transport modes,
    /// units, package kinds).
    fn code(&mut self, field: &str, value: &str, list: &str) {
        if !filled(value) || !clean(value) {
            return;
        }
        if !self.lists.contains(list, value) {
            let title = self
                .lists
                .get(list)
                .map_or((list.to_owned(), list.to_owned()), |l| {
                    (l.title_zh.clone(), l.title_en.clone())
                });
            self.format_error(
                field,
                value,
                &format!("应为{}代码表中的代码", title.0),
                &format!("a code of the {} list", title.1.to_lowercase()),
            );
        }
    }

    fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        if !filled(value) || !clean(value) {
            return None;
        }
        let d = parse_ymd(value);
        if d.is_none() {
            self.format_error(
                field,
                value,
                "日期格式为yyyyMMdd，如20261101",
                "a real date as yyyyMMdd, e.g. 20261101",
            );
        }
        d
    }

    fn positive(&mut self, field: &str, value: &str, digits: (usize, usize)) {
        if !filled(value) || !clean(value) {
            return;
        }
        match parse_decimal(value, digits.0, digits.1) {
            Ok(v) if v > Decimal::ZERO => {}
            _ => self.format_error(
                field,
                value,
                &format!("大于0的数字，最多{}位整数、{}位小数", digits.0, digits.1),
                &format!(
                    "a number above 0, at most {} integer and {} decimal digits",
                    digits.0, digits.1
                ),
            ),
        }
    }

    fn seq_no(&mut self, field: &str, value: &str) {
        if filled(value) && clean(value) && !(value.len() == 18 && is_upper_alnum(value)) {
            self.format_error(field, value, "18位大写字母或数字", "18 capitals or digits");
        }
    }

    fn port(&mut self, field: &str, value: &str) {
        if !filled(value) || !clean(value) {
            return;
        }
        let known = value.len() == 6
            && is_upper_alnum(value)
            && (self.lists.contains("port", value) || {
                // `<country>` + 3 characters, as the declaration accepts
                // (`USA000`, `JPNOSA`).
                let (country, _) = value.split_at(3);
                country.bytes().all(|b| b.is_ascii_uppercase())
                    && self.lists.contains("country", country)
            });
        if !known {
            let (zh, en) = self.label(field);
            let shown = crate::rules::shown(value);
            self.error(
                rule::PORT,
                field,
                format!("{zh}“{shown}”不是港口代码，请从港口代码表中选择，不要手工输入港口名称"),
                format!("{en} \"{shown}\" is not a port code; pick it from the port list instead of typing a name"),
            );
        }
    }
}

/// Every text box of the application with whether it prints several lines
/// (where a line break is legitimate), in box order.
fn text_fields(app: &OriginApplication) -> Vec<(String, &str, bool)> {
    let mut v: Vec<(String, &str, bool)> = vec![
        ("client_seq_no".into(), &app.client_seq_no, false),
        (
            "source_declaration".into(),
            app.source_declaration.as_deref().unwrap_or(""),
            false,
        ),
        ("exporter.name".into(), &app.exporter.name, false),
        ("exporter.address".into(), &app.exporter.address, true),
        ("exporter.country".into(), &app.exporter.country, false),
        (
            "exporter.credit_code".into(),
            &app.exporter.credit_code,
            false,
        ),
        ("consignee.name".into(), &app.consignee.name, false),
        ("consignee.address".into(), &app.consignee.address, true),
        ("consignee.country".into(), &app.consignee.country, false),
        ("producer.name".into(), &app.producer.name, false),
        ("producer.address".into(), &app.producer.address, true),
        ("producer.country".into(), &app.producer.country, false),
        ("transport.means".into(), &app.transport.means, false),
        ("transport.route".into(), &app.transport.route, true),
        (
            "transport.departure_date".into(),
            &app.transport.departure_date,
            false,
        ),
        ("transport.vessel".into(), &app.transport.vessel, false),
        (
            "transport.port_of_loading".into(),
            &app.transport.port_of_loading,
            false,
        ),
        (
            "transport.port_of_discharge".into(),
            &app.transport.port_of_discharge,
            false,
        ),
        ("importing_country".into(), &app.importing_country, false),
        ("marks".into(), &app.marks, true),
    ];
    for (i, it) in app.items.iter().enumerate() {
        let f = |name: &str| format!("items[{i}].{name}");
        v.extend([
            (f("item_no"), it.item_no.as_str(), false),
            (f("marks"), &it.marks, true),
            (f("package_count"), &it.package_count, false),
            (f("package_kind"), &it.package_kind, false),
            (f("description"), &it.description, true),
            (f("hs_code"), &it.hs_code, false),
            (f("origin_criterion"), &it.origin_criterion, false),
            (f("quantity"), &it.quantity, false),
            (f("unit"), &it.unit, false),
            (f("gross_weight"), &it.gross_weight, false),
            (f("fob_value"), &it.fob_value, false),
            (f("currency"), &it.currency, false),
            (f("country_of_origin"), &it.country_of_origin, false),
        ]);
    }
    for (i, inv) in app.invoices.iter().enumerate() {
        v.push((format!("invoices[{i}].number"), &inv.number, false));
        v.push((format!("invoices[{i}].date"), &inv.date, false));
    }
    v.extend([
        (
            "declaration_place".into(),
            app.declaration_place.as_str(),
            false,
        ),
        ("declaration_date".into(), &app.declaration_date, false),
        ("remarks".into(), &app.remarks, true),
    ]);
    v
}

/// `COO-ASCII` and `COO-CTRL` on every text box.
fn hygiene(ck: &mut Ck) {
    for (field, value, multiline) in text_fields(ck.app) {
        if let Some(c) = first_control(value, multiline) {
            let (zh, en) = ck.label(&field);
            let code = format!("U+{:04X}", c as u32);
            ck.error(
                rule::CTRL,
                &field,
                format!("{zh}含有控制字符或不可见字符({code})，多为复制粘贴带入，请删除后重新输入"),
                format!("{en} contains a control or invisible character ({code}), usually pasted in; delete it and retype"),
            );
        }
        if let Some(bad) = first_non_ascii(value) {
            let (zh, en) = ck.label(&field);
            let (what_zh, what_en) = match bad {
                NonAscii::Chinese(c) => (
                    format!("中文字符“{c}”"),
                    format!("the Chinese character \"{c}\""),
                ),
                NonAscii::FullWidthSpace => {
                    ("全角空格".to_owned(), "a full-width space".to_owned())
                }
                NonAscii::FullWidthPunctuation(c) => (
                    format!("全角或中文标点“{c}”"),
                    format!("full-width or Chinese punctuation \"{c}\""),
                ),
                NonAscii::Other(c) => (
                    format!("非英文字符“{c}”(U+{:04X})", c as u32),
                    format!("the non-English character \"{c}\" (U+{:04X})", c as u32),
                ),
            };
            ck.error(
                rule::ASCII,
                &field,
                format!("{zh}为英文证书栏目，不能含有{what_zh}，请使用半角英文字符"),
                format!("{en} is on an English form and must not contain {what_zh_en}; use plain English characters", what_zh_en = what_en),
            );
        }
    }
}

fn required_boxes(ck: &mut Ck) {
    let app = ck.app;
    let form = ck.form();
    ck.required("client_seq_no", &app.client_seq_no);
    ck.required("exporter.name", &app.exporter.name);
    ck.required("exporter.address", &app.exporter.address);
    ck.required("exporter.country", &app.exporter.country);
    ck.required("exporter.credit_code", &app.exporter.credit_code);
    ck.required("consignee.name", &app.consignee.name);
    let to_order = fold(&app.consignee.name) == TO_ORDER;
    if !to_order {
        // Goods consigned "TO ORDER" have no known consignee to address.
        ck.required("consignee.address", &app.consignee.address);
        ck.required("consignee.country", &app.consignee.country);
    }
    if form == OriginForm::R {
        ck.required("producer.name", &app.producer.name);
    }
    ck.required("transport.means", &app.transport.means);
    ck.required("transport.departure_date", &app.transport.departure_date);
    if form != OriginForm::C {
        ck.required("transport.vessel", &app.transport.vessel);
    }
    ck.required("transport.port_of_loading", &app.transport.port_of_loading);
    ck.required(
        "transport.port_of_discharge",
        &app.transport.port_of_discharge,
    );
    ck.required("importing_country", &app.importing_country);
    ck.required("marks", &app.marks);
    for (i, it) in app.items.iter().enumerate() {
        let f = |name: &str| format!("items[{i}].{name}");
        ck.required(&f("package_count"), &it.package_count);
        ck.required(&f("package_kind"), &it.package_kind);
        ck.required(&f("description"), &it.description);
        if form != OriginForm::C {
            ck.required(&f("origin_criterion"), &it.origin_criterion);
        }
        ck.required(&f("quantity"), &it.quantity);
        ck.required(&f("unit"), &it.unit);
        // Form E always shows the FOB value; RCEP only where a value rule
        // (RVC) confers origin.
        let value_needed = form == OriginForm::E
            || (form == OriginForm::R
                && it
                    .origin_criterion
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .any(|t| t == "RVC"));
        if value_needed {
            ck.required(&f("fob_value"), &it.fob_value);
            ck.required(&f("currency"), &it.currency);
        }
        if form == OriginForm::R {
            ck.required(&f("country_of_origin"), &it.country_of_origin);
        }
    }
    if ck.declare() && app.invoices.is_empty() {
        let (zh, en) = ck.label("invoices");
        ck.error(
            rule::REQ,
            "invoices",
            format!("{zh}至少填写一张发票的号码和日期"),
            format!("{en}: give at least one invoice number and date"),
        );
    }
    for (i, inv) in app.invoices.iter().enumerate() {
        ck.required(&format!("invoices[{i}].number"), &inv.number);
        ck.required(&format!("invoices[{i}].date"), &inv.date);
    }
    ck.required("declaration_place", &app.declaration_place);
    ck.required("declaration_date", &app.declaration_date);
}

/// Formats and codes of filled boxes, flags per form. Returns the parsed
/// dates for `COO-DATE`: (departure, invoices, declaration).
type Dates = (Option<NaiveDate>, Vec<Option<NaiveDate>>, Option<NaiveDate>);

fn formats(ck: &mut Ck) -> Dates {
    let app = ck.app;
    let form = ck.form();
    ck.seq_no("client_seq_no", &app.client_seq_no);
    if let Some(s) = &app.source_declaration {
        ck.seq_no("source_declaration", s);
    }
    ck.code("exporter.country", &app.exporter.country, "country");
    let scc = &app.exporter.credit_code;
    if filled(scc) && clean(scc) && !is_valid_scc(scc.trim()) {
        ck.format_error(
            "exporter.credit_code",
            scc,
            "18位统一社会信用代码，校验位正确",
            "an 18-character credit code with a correct check character",
        );
    }
    ck.code("consignee.country", &app.consignee.country, "country");
    if form == OriginForm::R && !PRODUCER_PLACEHOLDERS.contains(&fold(&app.producer.name).as_str())
    {
        ck.code("producer.country", &app.producer.country, "country");
    }
    ck.code("transport.means", &app.transport.means, "transport_mode");
    let departure = ck.date("transport.departure_date", &app.transport.departure_date);
    ck.code("importing_country", &app.importing_country, "country");
    for (i, it) in app.items.iter().enumerate() {
        let f = |name: &str| format!("items[{i}].{name}");
        let count = &it.package_count;
        if filled(count)
            && clean(count)
            && !(count.len() <= 9
                && count.bytes().all(|b| b.is_ascii_digit())
                && !count.trim_start_matches('0').is_empty())
        {
            ck.format_error(
                &f("package_count"),
                count,
                "大于0的整数",
                "a whole number above 0",
            );
        }
        ck.code(&f("package_kind"), &it.package_kind, "package_kind");
        ck.positive(&f("quantity"), &it.quantity, (14, 5));
        ck.code(&f("unit"), &it.unit, "unit");
        ck.positive(&f("gross_weight"), &it.gross_weight, (14, 5));
        ck.positive(&f("fob_value"), &it.fob_value, (15, 2));
        ck.code(&f("currency"), &it.currency, "currency");
        if form == OriginForm::R {
            ck.code(&f("country_of_origin"), &it.country_of_origin, "country");
        }
    }
    let invoices = app
        .invoices
        .iter()
        .enumerate()
        .map(|(i, inv)| ck.date(&format!("invoices[{i}].date"), &inv.date))
        .collect();
    let declared = ck.date("declaration_date", &app.declaration_date);

    let fl = app.flags;
    let on_form = |name: &str| {
        !matches!(
            (form, name),
            (OriginForm::C, _) | (OriginForm::R, "exhibition")
        )
    };
    for (name, set) in [
        ("issued_retroactively", fl.issued_retroactively),
        ("exhibition", fl.exhibition),
        ("movement_certificate", fl.movement_certificate),
        ("third_party_invoicing", fl.third_party_invoicing),
    ] {
        if set && !on_form(name) {
            let field = format!("flags.{name}");
            let (zh, en) = ck.label(&field);
            let letter = form.letter();
            ck.error(
                rule::FMT,
                &field,
                format!("{letter}类证书没有“{zh}”选项，请取消勾选"),
                format!("Form {letter} has no \"{en}\" box; untick it"),
            );
        }
    }
    (departure, invoices, declared)
}

fn hs_codes(ck: &mut Ck) {
    for (i, it) in ck.app.items.iter().enumerate() {
        let field = format!("items[{i}].hs_code");
        let hs = &it.hs_code;
        if !filled(hs) {
            if ck.declare() {
                let (zh, en) = ck.label(&field);
                ck.error(
                    rule::HS,
                    &field,
                    format!("{zh}未填写：每项货物都须填写6位HS编码"),
                    format!("{en} is missing: every item needs a 6-digit HS code"),
                );
            }
        } else if clean(hs) && !(hs.len() == 6 && hs.bytes().all(|b| b.is_ascii_digit())) {
            let (zh, en) = ck.label(&field);
            let hint = if hs.len() > 6 && hs.bytes().all(|b| b.is_ascii_digit()) {
                (
                    "；10位商品编号只取前6位",
                    "; of a 10-digit commodity code take the first 6",
                )
            } else {
                ("", "")
            };
            let shown = crate::rules::shown(hs);
            ck.error(
                rule::HS,
                &field,
                format!("{zh}应为6位数字（进口方HS编码）{}：“{shown}”", hint.0),
                format!(
                    "{en} must be 6 digits (the importing party's HS){}: \"{shown}\"",
                    hint.1
                ),
            );
        }
    }
}

fn ports(ck: &mut Ck) {
    let t = &ck.app.transport;
    ck.port("transport.port_of_loading", &t.port_of_loading);
    ck.port("transport.port_of_discharge", &t.port_of_discharge);
}

fn descriptions(ck: &mut Ck) {
    if !ck.declare() {
        return;
    }
    for (i, it) in ck.app.items.iter().enumerate() {
        let d = &it.description;
        if !filled(d) {
            continue;
        }
        let field = format!("items[{i}].description");
        let (zh, en) = ck.label(&field);
        if !d.trim_end().ends_with("***") {
            ck.error(
                rule::DESC,
                &field,
                format!("{zh}须以“***”结尾，表示描述结束"),
                format!("{en} must end with \"***\" to close the description"),
            );
        }
        let core = fold(d.trim_end().trim_end_matches('*'));
        if core.len() < 3 || VAGUE_DESCRIPTIONS.contains(&core.as_str()) {
            let shown = if core.is_empty() {
                "***".to_owned()
            } else {
                core
            };
            ck.error(
                rule::DESC,
                &field,
                format!("{zh}“{shown}”过于笼统，无法归类，请写明具体品名、材质或用途"),
                format!(
                    "{en} \"{shown}\" is too vague to classify; name the goods, material or use"
                ),
            );
        }
    }
}

fn exporter(ck: &mut Ck) {
    if !ck.declare() {
        return;
    }
    let (ex, rec) = (&ck.app.exporter, ck.record);
    let mut pairs = vec![
        (
            "exporter.name",
            &ex.name,
            &rec.name_en,
            fold(&ex.name) == fold(&rec.name_en),
        ),
        (
            "exporter.address",
            &ex.address,
            &rec.address_en,
            fold(&ex.address) == fold(&rec.address_en),
        ),
        (
            "exporter.credit_code",
            &ex.credit_code,
            &rec.credit_code,
            // A code failing its check character is COO-FMT's to report.
            !is_valid_scc(ex.credit_code.trim())
                || ex
                    .credit_code
                    .trim()
                    .eq_ignore_ascii_case(rec.credit_code.trim()),
        ),
    ];
    // An empty box is COO-REQ's, a box with a stray character COO-ASCII's
    // or COO-CTRL's; an empty record field cannot be compared.
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_graphic() || b == b' ' || b == b'\n')
    };
    pairs.retain(|p| filled(p.1) && plain(p.1) && filled(p.2) && !p.3);
    for (field, _, expected, _) in pairs {
        let (zh, en) = ck.label(field);
        let shown = expected.escape_debug();
        ck.error(
            rule::EXPORTER,
            field,
            format!("{zh}与企业备案信息不一致，备案为“{shown}”"),
            format!("{en} differs from the enterprise's record, which reads \"{shown}\""),
        );
    }
    let country = &ck.app.exporter.country;
    if filled(country) && clean(country) && country.trim() != "CHN" {
        let (zh, en) = ck.label("exporter.country");
        ck.error(
            rule::EXPORTER,
            "exporter.country",
            format!("{zh}应为CHN（中国）：证书由中国签证机构签发"),
            format!("{en} must be CHN: the certificate is issued in China"),
        );
    }
}

fn dates(ck: &mut Ck, (departure, invoices, declared): Dates) {
    if !ck.declare() {
        return;
    }
    if let Some(dep) = departure {
        for (i, inv) in invoices.iter().enumerate() {
            if matches!(inv, Some(d) if *d > dep) {
                let field = format!("invoices[{i}].date");
                let (zh, en) = ck.label(&field);
                ck.error(
                    rule::DATE,
                    &field,
                    format!("{zh}晚于出运日期{}", dep.format("%Y%m%d")),
                    format!(
                        "{en} is later than the departure date {}",
                        dep.format("%Y%m%d")
                    ),
                );
            }
        }
    }
    if let (Some(decl), Some(latest)) = (declared, invoices.iter().flatten().max()) {
        if decl < *latest {
            let (zh, en) = ck.label("declaration_date");
            ck.error(
                rule::DATE,
                "declaration_date",
                format!("{zh}早于发票日期{}", latest.format("%Y%m%d")),
                format!(
                    "{en} is earlier than the invoice date {}",
                    latest.format("%Y%m%d")
                ),
            );
        }
    }
    let app = ck.app;
    if let (Some(dep), Some(decl)) = (departure, declared) {
        let late = (decl - dep).num_days() > RETROACTIVE_AFTER_DAYS;
        if ck.form() != OriginForm::C && late && !app.flags.issued_retroactively {
            let field = "flags.issued_retroactively";
            let (zh, en) = ck.label(field);
            ck.out.push(Problem::warning(
                rule::DATE,
                field,
                format!("出运{RETROACTIVE_AFTER_DAYS}天后才申请，通常应勾选“{zh}”"),
                format!("Applied for more than {RETROACTIVE_AFTER_DAYS} days after departure: the \"{en}\" box is usually ticked"),
            ));
        }
    }
}

fn criteria(ck: &mut Ck) {
    let form = ck.form();
    for (i, it) in ck.app.items.iter().enumerate() {
        let c = &it.origin_criterion;
        if !filled(c) || !clean(c) {
            continue;
        }
        let field = format!("items[{i}].origin_criterion");
        let (zh, en) = ck.label(&field);
        let shown = crate::rules::shown(c);
        if form == OriginForm::C {
            ck.error(
                rule::CRIT,
                &field,
                format!("一般原产地证书没有原产地标准栏，请留空：“{shown}”"),
                format!("Form C has no origin-criterion box; leave it empty: \"{shown}\""),
            );
            continue;
        }
        let tokens: Vec<&str> = c
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .filter(|t| !t.is_empty())
            .collect();
        let letter = form.letter();
        let mut ok = !tokens.is_empty();
        for (k, t) in tokens.iter().enumerate() {
            let valid = if let Some(pct) = t.strip_suffix('%') {
                // A percentage only follows RVC: the regional value content.
                k > 0
                    && tokens[k - 1] == "RVC"
                    && parse_decimal(pct, 3, 2)
                        .is_ok_and(|v| v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED)
            } else {
                ck.lists
                    .contains("origin_criterion", &format!("{letter}:{t}"))
            };
            ok &= valid;
        }
        if !ok {
            let allowed: Vec<String> = ck
                .lists
                .get("origin_criterion")
                .map(|l| {
                    l.entries
                        .iter()
                        .filter_map(|e| {
                            e.code
                                .strip_prefix(&format!("{letter}:"))
                                .map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let allowed = allowed.join(", ");
            ck.error(
                rule::CRIT,
                &field,
                format!("{zh}“{shown}”不适用于{letter}类证书，可用：{allowed}（RVC后可加百分比，如RVC 40%）"),
                format!("{en} \"{shown}\" is not valid on form {letter}; use {allowed} (RVC may carry its percentage, e.g. RVC 40%)"),
            );
        }
    }
}

fn items(ck: &mut Ck) {
    let n = ck.app.items.len();
    let (zh, en) = ck.label("items");
    if ck.declare() && n == 0 {
        ck.error(
            rule::ITEMS,
            "items",
            format!("{zh}至少需要1项"),
            format!("{en}: at least one item is needed"),
        );
    }
    if n > MAX_ORIGIN_ITEMS {
        ck.error(
            rule::ITEMS,
            "items",
            format!("{zh}共{n}项，超过{MAX_ORIGIN_ITEMS}项上限"),
            format!("{en}: {n} items, more than {MAX_ORIGIN_ITEMS}"),
        );
    }
    for (i, it) in ck.app.items.iter().enumerate() {
        let expected = (i + 1).to_string();
        let no = &it.item_no;
        if (filled(no) || ck.declare()) && *no != expected {
            let field = format!("items[{i}].item_no");
            let (zh, en) = ck.label(&field);
            let shown = crate::rules::shown(no);
            ck.error(
                rule::ITEMS,
                &field,
                format!("{zh}应为{expected}：项号从1起按顺序连续编号，当前为“{shown}”"),
                format!(
                    "{en} must be {expected}: items are numbered 1..n in order, found \"{shown}\""
                ),
            );
        }
    }
}

/// Position of a field in box order: (top-level field, item/invoice index
/// + 1, field within the item/invoice).
fn field_rank(field: &str) -> (usize, usize, usize) {
    const TOP: &[&str] = &[
        "form",
        "client_seq_no",
        "source_declaration",
        "exporter.name",
        "exporter.address",
        "exporter.country",
        "exporter.credit_code",
        "consignee.name",
        "consignee.address",
        "consignee.country",
        "producer.name",
        "producer.address",
        "producer.country",
        "transport.means",
        "transport.route",
        "transport.departure_date",
        "transport.vessel",
        "transport.port_of_loading",
        "transport.port_of_discharge",
        "importing_country",
        "marks",
        "items",
        "invoices",
        "declaration_place",
        "declaration_date",
        "remarks",
        "flags.issued_retroactively",
        "flags.exhibition",
        "flags.movement_certificate",
        "flags.third_party_invoicing",
    ];
    const SUB: &[&str] = &[
        "item_no",
        "marks",
        "package_count",
        "package_kind",
        "description",
        "hs_code",
        "origin_criterion",
        "quantity",
        "unit",
        "gross_weight",
        "fob_value",
        "currency",
        "country_of_origin",
        "number",
        "date",
    ];
    let key = field_key(field);
    let (top, sub) = match key.split_once('.') {
        Some((t @ ("items" | "invoices"), s)) => (t, Some(s)),
        _ => (key.as_str(), None),
    };
    let pos = |list: &[&str], k: &str| list.iter().position(|x| *x == k).unwrap_or(list.len());
    (
        pos(TOP, top),
        item_index(field).map_or(0, |i| i + 1),
        sub.map_or(0, |s| pos(SUB, s) + 1),
    )
}

/// The limits table's lengths (`COO-FMT`, drafts too), beside the box's
/// other problems, as for a declaration.
fn lengths(ck: &mut Ck) {
    for o in &crate::limits::origin_overlong(ck.app) {
        let (zh, en) = ck.label(&o.field);
        let (zh, en) = o.messages(&zh, &en);
        ck.error(rule::FMT, &o.field, zh, en);
    }
}

/// The smart-review precheck of `app` for `purpose`, against the
/// enterprise's `record` and the code lists in force; problems in box order.
pub fn validate_origin_application(
    app: &OriginApplication,
    record: &EnterpriseRecord,
    lists: &CodeLists,
    purpose: Purpose,
) -> Vec<Problem> {
    let mut ck = Ck {
        app,
        record,
        lists,
        purpose,
        out: Vec::new(),
    };
    required_boxes(&mut ck);
    let parsed = formats(&mut ck);
    hygiene(&mut ck);
    descriptions(&mut ck);
    hs_codes(&mut ck);
    ports(&mut ck);
    exporter(&mut ck);
    dates(&mut ck, parsed);
    criteria(&mut ck);
    items(&mut ck);
    lengths(&mut ck);
    let rule_rank = |id: &str| RULES.iter().position(|r| r.id == id).unwrap_or(RULES.len());
    ck.out
        .sort_by_key(|p| (field_rank(&p.field), rule_rank(&p.rule)));
    ck.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_box_order() {
        assert!(field_rank("exporter.name") < field_rank("items"));
        assert!(field_rank("items") < field_rank("items[0].item_no"));
        assert!(field_rank("items[0].country_of_origin") < field_rank("items[1].item_no"));
        assert!(field_rank("items[9].hs_code") < field_rank("items[10].hs_code"));
        assert!(field_rank("invoices[1].date") < field_rank("declaration_place"));
        assert!(field_rank("remarks") < field_rank("flags.exhibition"));
    }
}
