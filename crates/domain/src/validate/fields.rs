//! Single-field rules: `DEC-FMT` (format; lengths are `crate::limits`'
//! table, checked in `mod.rs`), `DEC-CODE` (code in its list),
//! `DEC-SCC` (credit code check character) and `DEC-CNTR` (container check
//! digit). Only filled fields are checked; whether a field must be filled is
//! `DEC-REQ`'s business. Values are checked exactly as typed (no trimming):
//! the Single Window rejects ` 0900` just as it rejects `O900`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::labels::field_label;
use super::{filled, rule, Ctx};
use crate::checksum::{is_valid_container_no, is_valid_scc, SCC_ALPHABET, SCC_LEN};
use crate::code_list::CodeLists;
use crate::declaration::{Charge, FilingMode, IeFlag};
use crate::problem::Problem;
use crate::rules::{parse_decimal, DecimalError};

/// Digit limits (integer, fraction) of the message specification.
pub(crate) const QUANTITY_DIGITS: (usize, usize) = (14, 5);
pub(crate) const WEIGHT_DIGITS: (usize, usize) = (14, 5);
pub(crate) const UNIT_PRICE_DIGITS: (usize, usize) = (15, 4);
pub(crate) const TOTAL_PRICE_DIGITS: (usize, usize) = (15, 2);
pub(crate) const CHARGE_DIGITS: (usize, usize) = (12, 5);

/// Declaration form types (报关单类型).
const ENTRY_TYPES: &[&str] = &["0", "L", "W", "D", "M"];

/// Business types of positions 1-2 of the document type (单据类型).
const DOCUMENT_BUSINESS_TYPES: &[&str] = &["  ", "CL", "SW", "TT", "IT", "Z ", "ZC", "ZW"];

/// Pushes a `DEC-FMT` error: "<field>: <expected>".
pub(crate) fn format_error(
    out: &mut Vec<Problem>,
    field: &str,
    value: &str,
    expect_zh: &str,
    expect_en: &str,
) {
    let (zh, en) = field_label(field);
    let shown = crate::rules::shown(value);
    out.push(Problem::error(
        rule::FMT,
        field,
        format!("{zh}格式不正确（{expect_zh}）：“{shown}”"),
        format!("{en}: invalid format ({expect_en}): \"{shown}\""),
    ));
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_upper_alnum(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

fn is_alnum(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The shape a code must have before it is looked up.
#[derive(Clone, Copy)]
enum Shape {
    /// Exactly n ASCII digits.
    Digits(usize),
    /// Three capital letters (ISO alpha-3).
    Alpha3,
    /// Exactly n characters, any.
    Chars(usize),
}

impl Shape {
    fn fits(self, s: &str) -> bool {
        match self {
            Shape::Digits(n) => is_digits(s, n),
            Shape::Alpha3 => s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()),
            Shape::Chars(n) => s.chars().count() == n,
        }
    }

    fn describe(self) -> (String, String) {
        match self {
            Shape::Digits(n) => (format!("{n}位数字"), format!("{n} digits")),
            Shape::Alpha3 => ("3位大写字母代码".into(), "3 capital letters".into()),
            Shape::Chars(n) => (format!("{n}位代码"), format!("a {n}-character code")),
        }
    }
}

/// Pushes a `DEC-CODE` error naming the field, the code and the list.
fn code_error(out: &mut Vec<Problem>, lists: &CodeLists, field: &str, code: &str, list: &str) {
    let (zh, en) = field_label(field);
    let (lzh, len) = lists
        .get(list)
        .map_or((list.to_owned(), list.to_owned()), |l| {
            (l.title_zh.clone(), l.title_en.clone())
        });
    let shown = crate::rules::shown(code);
    out.push(Problem::error(
        rule::CODE,
        field,
        format!("{zh}代码“{shown}”不在{lzh}代码表中"),
        format!("{en}: code \"{shown}\" is not in the {len} code list"),
    ));
}

/// A code field: format first, then membership of `list`.
fn code(
    out: &mut Vec<Problem>,
    lists: &CodeLists,
    field: &str,
    value: &str,
    shape: Shape,
    list: &str,
) {
    if !filled(value) {
        return;
    }
    if !shape.fits(value) {
        let (zh, en) = shape.describe();
        format_error(out, field, value, &zh, &en);
    } else if !lists.contains(list, value) {
        code_error(out, lists, field, value, list);
    }
}

/// A decimal field; returns the value when it parses, for `extra` checks.
fn decimal(
    out: &mut Vec<Problem>,
    field: &str,
    value: &str,
    (int, frac): (usize, usize),
) -> Option<Decimal> {
    if !filled(value) {
        return None;
    }
    match parse_decimal(value, int, frac) {
        Ok(d) => Some(d),
        Err(e) => {
            let (zh, en) = match e {
                DecimalError::NotANumber => (
                    "应为数字，如 12.5".to_owned(),
                    "a plain number such as 12.5".to_owned(),
                ),
                DecimalError::TooManyIntegerDigits(n) => (
                    format!("整数部分最多{n}位"),
                    format!("at most {n} integer digits"),
                ),
                DecimalError::TooManyFractionDigits(n) => (
                    format!("小数部分最多{n}位"),
                    format!("at most {n} decimal places"),
                ),
            };
            format_error(out, field, value, &zh, &en);
            None
        }
    }
}

/// A quantity or weight that must be more than zero.
fn positive(out: &mut Vec<Problem>, field: &str, value: &str, digits: (usize, usize)) {
    if decimal(out, field, value, digits).is_some_and(|d| d <= Decimal::ZERO) {
        format_error(out, field, value, "应大于0", "must be more than 0");
    }
}

/// A unified social credit code: shape is `DEC-FMT`, check character `DEC-SCC`.
fn scc(out: &mut Vec<Problem>, field: &str, value: &str) {
    if !filled(value) {
        return;
    }
    if value.chars().count() != SCC_LEN || !value.chars().all(|c| SCC_ALPHABET.contains(c)) {
        format_error(
            out,
            field,
            value,
            "18位数字或大写字母，不含I、O、S、V、Z",
            "18 digits or capitals without I, O, S, V, Z",
        );
    } else if !is_valid_scc(value) {
        let (zh, en) = field_label(field);
        out.push(Problem::error(
            rule::SCC,
            field,
            format!("{zh}“{value}”校验位错误，请核对"),
            format!("{en} \"{value}\" fails its check character; please check it"),
        ));
    }
}

/// A `yyyyMMdd` date that exists in the calendar.
fn date(out: &mut Vec<Problem>, field: &str, value: &str) {
    if !filled(value) {
        return;
    }
    let real = is_digits(value, 8)
        && NaiveDate::from_ymd_opt(
            value[..4].parse().unwrap_or(0),
            value[4..6].parse().unwrap_or(0),
            value[6..].parse().unwrap_or(0),
        )
        .is_some();
    if !real {
        format_error(
            out,
            field,
            value,
            "日期格式为yyyyMMdd，如20261101",
            "a real date as yyyyMMdd, e.g. 20261101",
        );
    }
}

/// Licence no.: `^[0-9A-Za-z]{2}-[0-9A-Za-z]{2}-[0-9A-Za-z]{1,14}$`.
pub(crate) fn is_licence_no(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 2
        && parts[1].len() == 2
        && (1..=14).contains(&parts[2].len())
        && parts.iter().all(|p| is_alnum(p))
}

/// Whether a 6-char port code is known: `<country>` + 3 alphanumerics for a
/// country in the country list, or an entry of the port list.
fn port_known(lists: &CodeLists, code: &str) -> bool {
    if lists.contains("port", code) {
        return true;
    }
    let (country, rest) = code.split_at(3);
    country.bytes().all(|b| b.is_ascii_uppercase())
        && lists.contains("country", country)
        && is_upper_alnum(rest)
}

fn port(out: &mut Vec<Problem>, lists: &CodeLists, field: &str, value: &str) {
    if !filled(value) {
        return;
    }
    if !(value.len() == 6 && is_upper_alnum(value)) {
        format_error(
            out,
            field,
            value,
            "6位：国别代码+3位，如USA000；国内口岸为6位数字",
            "6 characters: country code + 3, e.g. USA000; domestic ports all digits",
        );
    } else if !port_known(lists, value) {
        code_error(out, lists, field, value, "port");
    }
}

/// A charge: mark `1` rate / `2` unit price (freight only) / `3` total,
/// value ≤12+5 digits, currency from the list.
fn charge(
    out: &mut Vec<Problem>,
    lists: &CodeLists,
    name: &str,
    c: &Charge,
    unit_price_allowed: bool,
) {
    let mark_field = format!("head.{name}.mark");
    if filled(&c.mark) {
        let ok = match c.mark.as_str() {
            "1" | "3" => true,
            "2" => unit_price_allowed,
            _ => false,
        };
        if !ok {
            let (zh, en) = if unit_price_allowed {
                ("1费率、2单价、3总价", "1 rate, 2 unit price, 3 total")
            } else {
                ("1费率、3总价", "1 rate, 3 total")
            };
            format_error(out, &mark_field, &c.mark, zh, en);
        }
    }
    decimal(out, &format!("head.{name}.value"), &c.value, CHARGE_DIGITS);
    code(
        out,
        lists,
        &format!("head.{name}.currency"),
        &c.currency,
        Shape::Alpha3,
        "currency",
    );
}

/// Document type (单据类型): ≤6 chars; positions 1-2 the business type,
/// position 3 the filing mode, which must match `filing_mode`.
fn document_type(out: &mut Vec<Problem>, field: &str, value: &str, mode: FilingMode) {
    if !filled(value) {
        return;
    }
    let chars: Vec<char> = value.chars().collect();
    let ok_chars = chars
        .iter()
        .all(|c| *c == ' ' || c.is_ascii_digit() || c.is_ascii_uppercase());
    if chars.len() > 6 || !ok_chars {
        format_error(
            out,
            field,
            value,
            "最多6位大写字母、数字或空格",
            "at most 6 capitals, digits or blanks",
        );
        return;
    }
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    let business: String = [at(0), at(1)].iter().collect();
    if !DOCUMENT_BUSINESS_TYPES.contains(&business.as_str()) {
        format_error(
            out,
            field,
            value,
            "第1-2位业务类型应为CL、SW、TT、IT、Z、ZC、ZW或空",
            "positions 1-2 must be CL, SW, TT, IT, Z, ZC, ZW or blank",
        );
        return;
    }
    let expected_mode = match at(2) {
        '0' | ' ' => Some(FilingMode::OneStep),
        '5' => Some(FilingMode::TwoStepSummary),
        '6' => Some(FilingMode::TwoStepComplete),
        _ => None,
    };
    match expected_mode {
        None => format_error(
            out,
            field,
            value,
            "第3位应为0或空(一次申报)、5(概要申报)、6(完整申报)",
            "position 3 must be 0 or blank (one step), 5 (two-step summary) or 6 (two-step complete)",
        ),
        Some(m) if m != mode => format_error(
            out,
            field,
            value,
            "第3位与申报模式不符",
            "position 3 does not match the filing mode",
        ),
        Some(_) => {}
    }
}

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Problem>) {
    let d = ctx.d;
    let h = &d.head;
    let lists = ctx.lists;

    if filled(&d.client_seq_no)
        && !(d.client_seq_no.len() == 18 && is_upper_alnum(&d.client_seq_no))
    {
        format_error(
            out,
            "client_seq_no",
            &d.client_seq_no,
            "18位大写字母或数字",
            "18 capitals or digits",
        );
    }
    if d.filing_mode != FilingMode::OneStep && h.ie_flag == IeFlag::E {
        out.push(Problem::error(
            rule::FMT,
            "filing_mode",
            "两步申报仅适用于进口",
            "Two-step declaration is for imports only",
        ));
    }

    code(
        out,
        lists,
        "head.declaring_customs",
        &h.declaring_customs,
        Shape::Digits(4),
        "customs_office",
    );
    code(
        out,
        lists,
        "head.ie_port",
        &h.ie_port,
        Shape::Digits(4),
        "customs_office",
    );
    if filled(&h.record_no) && !(h.record_no.len() == 12 && is_alnum(&h.record_no)) {
        format_error(
            out,
            "head.record_no",
            &h.record_no,
            "12位字母或数字",
            "12 letters or digits",
        );
    }
    date(out, "head.ie_date", &h.ie_date);

    scc(out, "head.trade_scc", &h.trade_scc);
    if filled(&h.trade_code) && !(h.trade_code.len() == 10 && is_upper_alnum(&h.trade_code)) {
        format_error(
            out,
            "head.trade_code",
            &h.trade_code,
            "10位字母或数字",
            "10 capitals or digits",
        );
    }
    scc(out, "head.owner_scc", &h.owner_scc);
    if filled(&h.owner_code)
        && h.owner_code != "NO"
        && !((9..=10).contains(&h.owner_code.len()) && is_upper_alnum(&h.owner_code))
    {
        format_error(
            out,
            "head.owner_code",
            &h.owner_code,
            "9-10位字母或数字，无则填NO",
            "9-10 capitals or digits, or NO",
        );
    }
    scc(out, "head.agent_scc", &h.agent_scc);
    if filled(&h.agent_code) && !(h.agent_code.len() == 10 && is_upper_alnum(&h.agent_code)) {
        format_error(
            out,
            "head.agent_code",
            &h.agent_code,
            "10位字母或数字",
            "10 capitals or digits",
        );
    }

    code(
        out,
        lists,
        "head.transport_mode",
        &h.transport_mode,
        Shape::Chars(1),
        "transport_mode",
    );
    code(
        out,
        lists,
        "head.trade_mode",
        &h.trade_mode,
        Shape::Digits(4),
        "trade_mode",
    );
    code(
        out,
        lists,
        "head.levy_kind",
        &h.levy_kind,
        Shape::Digits(3),
        "levy_kind",
    );
    if filled(&h.licence_no) && !is_licence_no(&h.licence_no) {
        format_error(
            out,
            "head.licence_no",
            &h.licence_no,
            "如 21-AB-123456",
            "like 21-AB-123456",
        );
    }
    code(
        out,
        lists,
        "head.trade_country",
        &h.trade_country,
        Shape::Alpha3,
        "country",
    );
    code(
        out,
        lists,
        "head.trading_country",
        &h.trading_country,
        Shape::Alpha3,
        "country",
    );
    port(out, lists, "head.destination_port", &h.destination_port);
    port(out, lists, "head.departure_port", &h.departure_port);
    port(out, lists, "head.entry_exit_port", &h.entry_exit_port);
    code(
        out,
        lists,
        "head.terms_of_sale",
        &h.terms_of_sale,
        Shape::Chars(1),
        "terms_of_sale",
    );
    charge(out, lists, "freight", &h.freight, true);
    charge(out, lists, "insurance", &h.insurance, false);
    charge(out, lists, "other_charges", &h.other_charges, false);
    if filled(&h.packages)
        && !(h.packages.len() <= 9
            && h.packages.bytes().all(|b| b.is_ascii_digit())
            && h.packages.bytes().any(|b| b != b'0'))
    {
        format_error(
            out,
            "head.packages",
            &h.packages,
            "大于0的整数",
            "a whole number above 0",
        );
    }
    code(
        out,
        lists,
        "head.package_kind",
        &h.package_kind,
        Shape::Digits(2),
        "package_kind",
    );
    for (field, value) in [
        ("head.gross_weight", &h.gross_weight),
        ("head.net_weight", &h.net_weight),
    ] {
        if decimal(out, field, value, WEIGHT_DIGITS).is_some_and(|w| w < Decimal::ONE) {
            format_error(
                out,
                field,
                value,
                "不足1千克的按1填报",
                "under 1 kg is entered as 1",
            );
        }
    }
    if filled(&h.entry_type) && !ENTRY_TYPES.contains(&h.entry_type.as_str()) {
        format_error(
            out,
            "head.entry_type",
            &h.entry_type,
            "0、L、W、D或M",
            "0, L, W, D or M",
        );
    }
    document_type(out, "head.document_type", &h.document_type, d.filing_mode);
    if filled(&h.price_declarations)
        && !(h.price_declarations.len() <= 5
            && h.price_declarations
                .bytes()
                .all(|b| matches!(b, b'0' | b'1' | b'9')))
    {
        format_error(
            out,
            "head.price_declarations",
            &h.price_declarations,
            "最多5位，每位1是、0否、9不适用",
            "up to 5 digits, each 1 yes, 0 no, 9 n.a.",
        );
    }

    for (i, l) in d.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        if filled(&l.commodity_code) {
            let ok = if ctx.summary() {
                is_digits(&l.commodity_code, 6) || is_digits(&l.commodity_code, 10)
            } else {
                is_digits(&l.commodity_code, 10)
            };
            if !ok {
                let (zh, en) = if ctx.summary() {
                    ("概要申报为6位数字", "6 digits in a two-step summary")
                } else {
                    ("10位数字", "10 digits")
                };
                format_error(out, &f("commodity_code"), &l.commodity_code, zh, en);
            }
        }
        super::elements::check_line(ctx, out, &f("elements"), l);
        positive(out, &f("quantity"), &l.quantity, QUANTITY_DIGITS);
        code(out, lists, &f("unit"), &l.unit, Shape::Digits(3), "unit");
        positive(
            out,
            &f("first_quantity"),
            &l.first_quantity,
            QUANTITY_DIGITS,
        );
        code(
            out,
            lists,
            &f("first_unit"),
            &l.first_unit,
            Shape::Digits(3),
            "unit",
        );
        positive(
            out,
            &f("second_quantity"),
            &l.second_quantity,
            QUANTITY_DIGITS,
        );
        code(
            out,
            lists,
            &f("second_unit"),
            &l.second_unit,
            Shape::Digits(3),
            "unit",
        );
        decimal(out, &f("unit_price"), &l.unit_price, UNIT_PRICE_DIGITS);
        decimal(out, &f("total_price"), &l.total_price, TOTAL_PRICE_DIGITS);
        code(
            out,
            lists,
            &f("currency"),
            &l.currency,
            Shape::Alpha3,
            "currency",
        );
        code(
            out,
            lists,
            &f("origin_country"),
            &l.origin_country,
            Shape::Alpha3,
            "country",
        );
        code(
            out,
            lists,
            &f("destination_country"),
            &l.destination_country,
            Shape::Alpha3,
            "country",
        );
        code(
            out,
            lists,
            &f("district_code"),
            &l.district_code,
            Shape::Digits(5),
            "district",
        );
        code(
            out,
            lists,
            &f("duty_mode"),
            &l.duty_mode,
            Shape::Chars(1),
            "duty_mode",
        );
    }

    for (i, c) in d.containers.iter().enumerate() {
        let f = |name: &str| format!("containers[{i}].{name}");
        if filled(&c.number) {
            let b = c.number.as_bytes();
            let shaped = b.len() == 11
                && b[..4].iter().all(|x| x.is_ascii_uppercase())
                && b[4..].iter().all(|x| x.is_ascii_digit());
            if !shaped {
                format_error(
                    out,
                    &f("number"),
                    &c.number,
                    "4位大写字母+7位数字，如CSQU3054383",
                    "4 capitals + 7 digits, e.g. CSQU3054383",
                );
            } else if !is_valid_container_no(&c.number) {
                let (zh, en) = field_label(&f("number"));
                out.push(Problem::error(
                    rule::CNTR,
                    f("number"),
                    format!("{zh}“{}”校验位错误，请核对", c.number),
                    format!(
                        "{en} \"{}\" fails its check digit; please check it",
                        c.number
                    ),
                ));
            }
        }
        if filled(&c.size_type) && !(c.size_type.len() == 4 && is_upper_alnum(&c.size_type)) {
            format_error(
                out,
                &f("size_type"),
                &c.size_type,
                "4位，如22G1",
                "4 characters, e.g. 22G1",
            );
        }
        if filled(&c.line_refs) {
            let ok = c.line_refs.split(',').all(|n| {
                n.bytes().all(|b| b.is_ascii_digit())
                    && n.parse::<usize>()
                        .is_ok_and(|n| n >= 1 && n <= d.lines.len())
            });
            if !ok {
                format_error(
                    out,
                    &f("line_refs"),
                    &c.line_refs,
                    "以逗号分隔的商品项号，如1,3",
                    "comma-separated numbers of existing lines, e.g. 1,3",
                );
            }
        }
        decimal(out, &f("weight"), &c.weight, WEIGHT_DIGITS);
    }

    for (i, doc) in d.documents.iter().enumerate() {
        code(
            out,
            lists,
            &format!("documents[{i}].code"),
            &doc.code,
            Shape::Chars(1),
            "document",
        );
    }

    for (i, e) in d.edocs.iter().enumerate() {
        if filled(&e.code) && !is_digits(&e.code, 8) {
            format_error(
                out,
                &format!("edocs[{i}].code"),
                &e.code,
                "8位数字，如00000001",
                "8 digits, e.g. 00000001",
            );
        }
        if filled(&e.size) && !e.size.bytes().all(|b| b.is_ascii_digit()) {
            format_error(
                out,
                &format!("edocs[{i}].size"),
                &e.size,
                "字节数",
                "a number of bytes",
            );
        }
    }
}
