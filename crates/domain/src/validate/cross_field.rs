//! Cross-field rules `DEC-X01` … `DEC-X10` (declaration reference,
//! "Validation rules" 1-10). Each rule runs only on fields that are filled
//! and well formed: a missing or malformed value is already reported by
//! `DEC-REQ`/`DEC-FMT`, and one mistake should produce one message.
//!
//! For drafts only the line count of `DEC-X08` and the text hygiene of
//! `DEC-X10` run; the others describe a finished declaration.

use rust_decimal::{Decimal, RoundingStrategy};

use super::fields::{QUANTITY_DIGITS, TOTAL_PRICE_DIGITS, UNIT_PRICE_DIGITS, WEIGHT_DIGITS};
use super::head_fields;
use super::labels::field_label;
use super::{filled, rule, Ctx};
use crate::declaration::{Charge, Declaration, GoodsLine, IeFlag, MAX_LINES};
use crate::problem::Problem;
use crate::rules::parse_decimal;

/// A trade mode's default levy kind: `ie_flag` `None` applies to imports
/// and exports alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultLevyRule {
    pub trade_mode: &'static str,
    pub ie_flag: Option<IeFlag>,
    pub levy_kind: &'static str,
}

/// The levy kind (征免性质) each trade mode implies, to pre-fill the field
/// (rule 6 of the declaration reference). The UI pre-fills from this same
/// table, exported into its bindings.
pub const DEFAULT_LEVY_RULES: &[DefaultLevyRule] = &[
    DefaultLevyRule {
        trade_mode: "0214",
        ie_flag: None,
        levy_kind: "502",
    },
    DefaultLevyRule {
        trade_mode: "0615",
        ie_flag: None,
        levy_kind: "503",
    },
    DefaultLevyRule {
        trade_mode: "2025",
        ie_flag: Some(IeFlag::I),
        levy_kind: "789",
    },
    DefaultLevyRule {
        trade_mode: "2225",
        ie_flag: Some(IeFlag::I),
        levy_kind: "789",
    },
    DefaultLevyRule {
        trade_mode: "0320",
        ie_flag: Some(IeFlag::I),
        levy_kind: "501",
    },
    DefaultLevyRule {
        trade_mode: "3100",
        ie_flag: Some(IeFlag::E),
        levy_kind: "299",
    },
];

/// The levy kind (征免性质) a trade mode implies ([`DEFAULT_LEVY_RULES`]).
pub fn default_levy_kind(ie_flag: IeFlag, trade_mode: &str) -> Option<&'static str> {
    DEFAULT_LEVY_RULES
        .iter()
        .find(|r| r.trade_mode == trade_mode && r.ie_flag.is_none_or(|f| f == ie_flag))
        .map(|r| r.levy_kind)
}

/// The duty mode (征免方式) every line must have for a combination of trade
/// mode and levy kind, where the rules fix one: import `0110`+`101` ⇒ `1`;
/// import `0110`+`401`/`789`/`799` ⇒ `3`; `0214`+`502`, `0615`+`503` ⇒ `3`.
pub fn expected_duty_mode(
    ie_flag: IeFlag,
    trade_mode: &str,
    levy_kind: &str,
) -> Option<&'static str> {
    match (ie_flag, trade_mode, levy_kind) {
        (IeFlag::I, "0110", "101") => Some("1"),
        (IeFlag::I, "0110", "401" | "789" | "799") => Some("3"),
        (_, "0214", "502") | (_, "0615", "503") => Some("3"),
        _ => None,
    }
}

/// Trade modes whose goods stay in China (deep-processing and leftover
/// transfers, outward processing): their destination is `CHN`.
const DOMESTIC_DESTINATION_TRADE_MODES: &[&str] = &["0654", "0657", "1427"];

/// Parses a filled, well-formed decimal; `None` otherwise (reported elsewhere).
fn dec(value: &str, (int, frac): (usize, usize)) -> Option<Decimal> {
    parse_decimal(value, int, frac).ok()
}

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Problem>) {
    x08_line_count(ctx.d, out);
    x10_text(ctx.d, out);
    if !ctx.declare() {
        return;
    }
    x01_net_le_gross(ctx.d, out);
    x02_bulk_one_package(ctx.d, out);
    x03_charges(ctx.d, out);
    if !ctx.summary() {
        // In a summary the three fields are plain DEC-REQ already.
        x04_water_transport(ctx.d, out);
    }
    x05_export_destination(ctx.d, out);
    x06_trade_levy_duty(ctx.d, out);
    x07_net_weight_sum(ctx.d, out);
    x08_line_totals(ctx.d, out);
    x09_origin_edocs(ctx.d, out);
}

/// Rule 1: net weight ≤ gross weight.
fn x01_net_le_gross(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    if let (Some(gross), Some(net)) = (
        dec(&h.gross_weight, WEIGHT_DIGITS),
        dec(&h.net_weight, WEIGHT_DIGITS),
    ) {
        if net > gross {
            out.push(Problem::error(
                rule::X01,
                "head.net_weight",
                format!("净重 {net} 千克大于毛重 {gross} 千克"),
                format!("Net weight {net} kg exceeds gross weight {gross} kg"),
            ));
        }
    }
}

/// Rule 2: package kind `00` bulk or `01` unpacked ⇒ packages = 1.
fn x02_bulk_one_package(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    if !matches!(h.package_kind.as_str(), "00" | "01") {
        return;
    }
    if let Ok(n) = h.packages.parse::<u64>() {
        if n != 1 {
            out.push(Problem::error(
                rule::X02,
                "head.packages",
                format!("包装种类为散装或裸装时件数应为1，现为{n}"),
                format!("Bulk or unpacked goods are declared as 1 package, not {n}"),
            ));
        }
    }
}

/// Rule 3: freight/insurance the terms of sale require, and complete marks.
fn x03_charges(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    let terms = h.terms_of_sale.as_str();
    let (need_freight, need_insurance) = match (h.ie_flag, terms) {
        (IeFlag::I, "3" | "7") => (true, true),
        (IeFlag::I, "2") => (false, true),
        (IeFlag::I, "4") => (true, false),
        (IeFlag::E, "1") => (true, true),
        (IeFlag::E, "2") => (true, false),
        (IeFlag::E, "4") => (false, true),
        _ => (false, false),
    };
    let terms_name = match terms {
        "1" => "CIF",
        "2" => "CFR",
        "3" => "FOB",
        "4" => "C&I",
        "7" => "EXW",
        _ => "",
    };
    let (dir_zh, dir_en) = match h.ie_flag {
        IeFlag::I => ("进口", "import"),
        IeFlag::E => ("出口", "export"),
    };
    for (name, charge, needed) in [
        ("freight", &h.freight, need_freight),
        ("insurance", &h.insurance, need_insurance),
        ("other_charges", &h.other_charges, false),
    ] {
        let (zh, en) = field_label(&format!("head.{name}"));
        if needed && !filled(&charge.mark) && !filled(&charge.value) {
            out.push(Problem::error(
                rule::X03,
                format!("head.{name}.value"),
                format!("成交方式为{terms_name}的{dir_zh}须填报{zh}"),
                format!("An {dir_en} under {terms_name} must declare the {en}"),
            ));
            continue;
        }
        charge_marks(name, charge, &zh, &en, out);
    }
}

/// A charge is mark + value (+ currency for unit price or total).
fn charge_marks(name: &str, c: &Charge, zh: &str, en: &str, out: &mut Vec<Problem>) {
    if filled(&c.value) && !filled(&c.mark) {
        out.push(Problem::error(
            rule::X03,
            format!("head.{name}.mark"),
            format!("填了{zh}数值，须同时填{zh}标记(1费率、2单价、3总价)"),
            format!("The {en} has a value but no mark (1 rate, 2 unit price, 3 total)"),
        ));
    }
    if filled(&c.mark) && !filled(&c.value) {
        out.push(Problem::error(
            rule::X03,
            format!("head.{name}.value"),
            format!("填了{zh}标记，须同时填{zh}费率或金额"),
            format!("The {en} has a mark but no rate or amount"),
        ));
    }
    if matches!(c.mark.as_str(), "2" | "3") && !filled(&c.currency) {
        out.push(Problem::error(
            rule::X03,
            format!("head.{name}.currency"),
            format!("{zh}按单价或总价填报时须填币制"),
            format!("A {en} given as unit price or total needs a currency"),
        ));
    }
}

/// Rule 4: water transport ⇒ conveyance, voyage and bill of lading.
fn x04_water_transport(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    if h.transport_mode != "2" {
        return;
    }
    for (field, value) in [
        ("head.conveyance_name", &h.conveyance_name),
        ("head.voyage_no", &h.voyage_no),
        ("head.bill_no", &h.bill_no),
    ] {
        if !filled(value) {
            let (zh, en) = field_label(field);
            out.push(Problem::error(
                rule::X04,
                field,
                format!("水路运输须填报{zh}"),
                format!("Water transport needs the {en}"),
            ));
        }
    }
}

/// Rule 5 (export only): final destinations and the destination port agree
/// with the arrival country; some trade modes go to `CHN`.
fn x05_export_destination(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    if h.ie_flag != IeFlag::E {
        return;
    }
    let domestic = DOMESTIC_DESTINATION_TRADE_MODES.contains(&h.trade_mode.as_str());
    if domestic && filled(&h.trade_country) && h.trade_country != "CHN" {
        out.push(Problem::error(
            rule::X05,
            "head.trade_country",
            format!("监管方式{}的运抵国应为CHN(中国)", h.trade_mode),
            format!("Trade mode {} requires arrival country CHN", h.trade_mode),
        ));
    }
    let expected = if domestic {
        "CHN"
    } else {
        h.trade_country.as_str()
    };
    if !filled(expected) {
        return;
    }
    if h.destination_port.len() == 6 && h.destination_port.is_char_boundary(3) {
        let prefix = &h.destination_port[..3];
        if prefix.bytes().all(|b| b.is_ascii_uppercase()) && prefix != expected {
            out.push(Problem::error(
                rule::X05,
                "head.destination_port",
                format!("指运港{}的国别与运抵国{expected}不符", h.destination_port),
                format!(
                    "Destination port {} is not in the arrival country {expected}",
                    h.destination_port
                ),
            ));
        }
    }
    for (i, l) in d.lines.iter().enumerate() {
        if filled(&l.destination_country) && l.destination_country != expected {
            let (zh, en) = field_label(&format!("lines[{i}].destination_country"));
            let (why_zh, why_en) = if domestic {
                (
                    format!("监管方式{}", h.trade_mode),
                    format!("trade mode {}", h.trade_mode),
                )
            } else {
                ("运抵国".to_owned(), "the arrival country".to_owned())
            };
            out.push(Problem::error(
                rule::X05,
                format!("lines[{i}].destination_country"),
                format!("{zh}{}应与{why_zh}一致：{expected}", l.destination_country),
                format!(
                    "{en} {} must be {expected} ({why_en})",
                    l.destination_country
                ),
            ));
        }
    }
}

/// Rule 6: trade mode ↔ levy kind ↔ duty mode.
fn x06_trade_levy_duty(d: &Declaration, out: &mut Vec<Problem>) {
    let h = &d.head;
    // Processing trade has exactly one levy kind; other defaults are only defaults.
    if matches!(h.trade_mode.as_str(), "0214" | "0615") && filled(&h.levy_kind) {
        if let Some(expected) = default_levy_kind(h.ie_flag, &h.trade_mode) {
            if h.levy_kind != expected {
                out.push(Problem::error(
                    rule::X06,
                    "head.levy_kind",
                    format!(
                        "监管方式{}的征免性质应为{expected}，现为{}",
                        h.trade_mode, h.levy_kind
                    ),
                    format!(
                        "Trade mode {} needs levy kind {expected}, not {}",
                        h.trade_mode, h.levy_kind
                    ),
                ));
            }
        }
    }
    let Some(expected) = expected_duty_mode(h.ie_flag, &h.trade_mode, &h.levy_kind) else {
        return;
    };
    for (i, l) in d.lines.iter().enumerate() {
        if filled(&l.duty_mode) && l.duty_mode != expected {
            let (zh, en) = field_label(&format!("lines[{i}].duty_mode"));
            out.push(Problem::error(
                rule::X06,
                format!("lines[{i}].duty_mode"),
                format!(
                    "监管方式{}、征免性质{}时{zh}应为{expected}，现为{}",
                    h.trade_mode, h.levy_kind, l.duty_mode
                ),
                format!(
                    "With trade mode {} and levy kind {} the {en} must be {expected}, not {}",
                    h.trade_mode, h.levy_kind, l.duty_mode
                ),
            ));
        }
    }
}

/// The net weight of a line in kg, from whichever of its quantities is in
/// a unit of mass (kg `035`, g `036`, tonne `070`); `None` when none is.
fn line_net_kg(l: &GoodsLine) -> Option<Decimal> {
    [
        (&l.first_unit, &l.first_quantity),
        (&l.second_unit, &l.second_quantity),
        (&l.unit, &l.quantity),
    ]
    .into_iter()
    .find_map(|(unit, qty)| {
        let q = dec(qty, QUANTITY_DIGITS)?;
        match unit.as_str() {
            "035" => Some(q),
            "036" => Some(q / Decimal::ONE_THOUSAND),
            "070" => q.checked_mul(Decimal::ONE_THOUSAND),
            _ => None,
        }
    })
}

/// Rule 7 (warning): the lines' net weights add up to the head net weight.
/// Checked only when every line has a quantity in a unit of mass.
fn x07_net_weight_sum(d: &Declaration, out: &mut Vec<Problem>) {
    let Some(net) = dec(&d.head.net_weight, WEIGHT_DIGITS) else {
        return;
    };
    if d.lines.is_empty() {
        return;
    }
    let mut sum = Decimal::ZERO;
    for l in &d.lines {
        let Some(kg) = line_net_kg(l) else {
            return;
        };
        sum += kg;
    }
    if sum.normalize() != net.normalize() {
        let sum = sum.normalize();
        let net = net.normalize();
        out.push(Problem::warning(
            rule::X07,
            "head.net_weight",
            format!("表体各项净重合计 {sum} 千克，与表头净重 {net} 千克不符"),
            format!("The lines' net weights add up to {sum} kg, the head says {net} kg"),
        ));
    }
}

/// Rule 8, part 1: at most 50 lines (drafts too: line numbers stop at 50).
fn x08_line_count(d: &Declaration, out: &mut Vec<Problem>) {
    if d.lines.len() > MAX_LINES {
        let n = d.lines.len();
        out.push(Problem::error(
            rule::X08,
            "lines",
            format!("一份报关单最多{MAX_LINES}项商品，现有{n}项，请拆分"),
            format!("A declaration holds at most {MAX_LINES} lines, this one has {n}: split it"),
        ));
    }
}

/// A line's total (总价) as rule 8 wants it: unit price × quantity, rounded
/// half away from zero to 2 decimals; `None` unless both are numbers.
pub fn expected_line_total(unit_price: &str, quantity: &str) -> Option<Decimal> {
    let price = dec(unit_price, UNIT_PRICE_DIGITS)?;
    let qty = dec(quantity, QUANTITY_DIGITS)?;
    let product = price.checked_mul(qty)?;
    Some(product.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// Rule 8, part 2: total = unit price × quantity, rounded half away from
/// zero to 2 decimals.
fn x08_line_totals(d: &Declaration, out: &mut Vec<Problem>) {
    for (i, l) in d.lines.iter().enumerate() {
        let (Some(expected), Some(total)) = (
            expected_line_total(&l.unit_price, &l.quantity),
            dec(&l.total_price, TOTAL_PRICE_DIGITS),
        ) else {
            continue;
        };
        if expected != total {
            let (zh, en) = field_label(&format!("lines[{i}].total_price"));
            out.push(Problem::error(
                rule::X08,
                format!("lines[{i}].total_price"),
                format!("{zh}应为单价×数量 = {expected}，现为{total}"),
                format!("The {en} must be unit price × quantity = {expected}, not {total}"),
            ));
        }
    }
}

/// Rule 9: a preferential certificate of origin (document `Y`) needs the
/// invoice (`00000001`) and bill-of-lading (`00000003`) edocs.
fn x09_origin_edocs(d: &Declaration, out: &mut Vec<Problem>) {
    let Some(i) = d.documents.iter().position(|doc| doc.code == "Y") else {
        return;
    };
    let has = |code: &str| d.edocs.iter().any(|e| e.code == code);
    let missing: Vec<(&str, &str, &str)> = [
        ("00000001", "发票", "invoice"),
        ("00000003", "提单", "bill of lading"),
    ]
    .into_iter()
    .filter(|(code, _, _)| !has(code))
    .collect();
    if missing.is_empty() {
        return;
    }
    let zh: Vec<String> = missing
        .iter()
        .map(|(c, z, _)| format!("{z}({c})"))
        .collect();
    let en: Vec<String> = missing
        .iter()
        .map(|(c, _, e)| format!("{e} ({c})"))
        .collect();
    out.push(Problem::error(
        rule::X09,
        format!("documents[{i}].code"),
        format!("随附优惠贸易协定原产地证明(Y)时须上传{}", zh.join("、")),
        format!(
            "A preferential certificate of origin (Y) needs the {} as electronic attachments",
            en.join(" and ")
        ),
    ));
}

/// Every text field with its path, in field order.
fn text_fields(d: &Declaration) -> Vec<(String, &str)> {
    let h = &d.head;
    let mut v: Vec<(String, &str)> = vec![("client_seq_no".into(), &d.client_seq_no)];
    for (field, value) in head_fields::texts(h) {
        v.push((format!("head.{}", field.name), value));
    }
    for (name, c) in [
        ("freight", &h.freight),
        ("insurance", &h.insurance),
        ("other_charges", &h.other_charges),
    ] {
        v.push((format!("head.{name}.mark"), &c.mark));
        v.push((format!("head.{name}.value"), &c.value));
        v.push((format!("head.{name}.currency"), &c.currency));
    }
    for (i, l) in d.lines.iter().enumerate() {
        for (name, value) in [
            ("commodity_code", &l.commodity_code),
            ("name", &l.name),
            ("elements", &l.elements),
            ("quantity", &l.quantity),
            ("unit", &l.unit),
            ("first_quantity", &l.first_quantity),
            ("first_unit", &l.first_unit),
            ("second_quantity", &l.second_quantity),
            ("second_unit", &l.second_unit),
            ("unit_price", &l.unit_price),
            ("total_price", &l.total_price),
            ("currency", &l.currency),
            ("origin_country", &l.origin_country),
            ("destination_country", &l.destination_country),
            ("district_code", &l.district_code),
            ("duty_mode", &l.duty_mode),
        ] {
            v.push((format!("lines[{i}].{name}"), value));
        }
    }
    for (i, c) in d.containers.iter().enumerate() {
        for (name, value) in [
            ("number", &c.number),
            ("size_type", &c.size_type),
            ("line_refs", &c.line_refs),
            ("weight", &c.weight),
        ] {
            v.push((format!("containers[{i}].{name}"), value));
        }
    }
    for (i, doc) in d.documents.iter().enumerate() {
        v.push((format!("documents[{i}].code"), &doc.code));
        v.push((format!("documents[{i}].cert_no"), &doc.cert_no));
    }
    for (i, e) in d.edocs.iter().enumerate() {
        v.push((format!("edocs[{i}].code"), &e.code));
        v.push((format!("edocs[{i}].file_name"), &e.file_name));
        v.push((format!("edocs[{i}].size"), &e.size));
    }
    v
}

/// Rule 10: no control characters (error); no leading or trailing
/// whitespace (warning: the text is still readable, but the Single Window
/// compares it verbatim); ASCII only in the English overseas fields (error:
/// full-width punctuation there is a classic rejection). The document type
/// is fixed-width, blanks included, so it is exempt from the trim check.
fn x10_text(d: &Declaration, out: &mut Vec<Problem>) {
    for (field, value) in text_fields(d) {
        if value.is_empty() {
            continue;
        }
        let (zh, en) = field_label(&field);
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            let code = format!("U+{:04X}", u32::from(c));
            out.push(Problem::error(
                rule::X10,
                field.clone(),
                format!("{zh}含有控制字符({code})，请删除后重新输入"),
                format!("The {en} contains a control character ({code}); retype it"),
            ));
        }
        if field != "head.document_type" && value.trim() != value {
            out.push(Problem::warning(
                rule::X10,
                field.clone(),
                format!("{zh}首尾有空格"),
                format!("The {en} has leading or trailing blanks"),
            ));
        }
        let english_only = field
            .strip_prefix("head.")
            .and_then(head_fields::find)
            .is_some_and(|f| f.english_only());
        if english_only {
            if let Some(c) = value.chars().find(|c| !c.is_ascii()) {
                out.push(Problem::error(
                    rule::X10,
                    field.clone(),
                    format!("{zh}应使用英文字符，不能含“{c}”(全角标点或中文)"),
                    format!("The {en} must be in plain English characters, not \"{c}\" (full-width or Chinese)"),
                ));
            }
        }
    }
}
