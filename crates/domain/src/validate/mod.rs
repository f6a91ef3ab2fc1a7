//! Validation of a declaration against the rules the authorities apply
//! (校验规则).
//!
//! Every problem carries a stable rule id (see [`RULES`]), a severity, the
//! field path in the JSON interchange form (`head.gross_weight`,
//! `lines[2].commodity_code`) and a message in Chinese and English, so the
//! UI can put it beside the field and the CLI can print it.
//!
//! What is checked depends on the [`Purpose`]:
//! - [`Purpose::Draft`] (暂存): the fields a draft needs (the D column of the
//!   declaration reference), the format of every field that is filled in,
//!   the line count, text hygiene (`DEC-X08` count, `DEC-X10`) and the
//!   declaration elements' codes (`DEC-ELEM-CODE`). A draft
//!   is allowed to be incomplete and inconsistent, so no other cross-field rule.
//! - [`Purpose::Declare`] (申报): the S column (or the summary field set of a
//!   two-step summary), every format rule, all ten cross-field rules and
//!   the required declaration elements (`DEC-ELEM-REQ`, a warning).
//!
//! Problems come out ordered by field position: top-level fields, then the
//! head in struct order, then lines, containers, documents and edocs; within
//! one field in rule order. The order is deterministic so tests and UI lists
//! are stable.

mod cross_field;
mod elements;
mod fields;
mod head_fields;
mod labels;
mod order;
mod required;
#[cfg(test)]
mod tests;

pub use crate::rules::{parse_decimal, DecimalError, RuleInfo};
pub use cross_field::expected_line_total;
pub use cross_field::{default_levy_kind, expected_duty_mode, DefaultLevyRule, DEFAULT_LEVY_RULES};
pub use labels::{field_label, part_fields};
pub use order::field_key;

use crate::code_list::CodeLists;
use crate::declaration::{Declaration, FilingMode};
use crate::problem::{Problem, Purpose, Severity};

/// Stable rule ids. The UI and the Single Window's feedback refer to them;
/// never renumber.
pub mod rule {
    /// A required field is empty.
    pub const REQ: &str = "DEC-REQ";
    /// A filled field has the wrong format.
    pub const FMT: &str = "DEC-FMT";
    /// A code is not in its code list.
    pub const CODE: &str = "DEC-CODE";
    /// A unified social credit code fails its GB 32100 check character.
    pub const SCC: &str = "DEC-SCC";
    /// A container number fails its ISO 6346 check digit.
    pub const CNTR: &str = "DEC-CNTR";
    /// A declaration element with a list of values (brand type, export
    /// preference) holds another value.
    pub const ELEM_CODE: &str = "DEC-ELEM-CODE";
    /// A required declaration element of the commodity code's list is empty
    /// (warning).
    pub const ELEM_REQ: &str = "DEC-ELEM-REQ";
    /// Net weight ≤ gross weight.
    pub const X01: &str = "DEC-X01";
    /// Bulk or unpacked goods count as one package.
    pub const X02: &str = "DEC-X02";
    /// Freight and insurance required by the terms of sale; charge marks complete.
    pub const X03: &str = "DEC-X03";
    /// Water transport needs conveyance, voyage and bill of lading.
    pub const X04: &str = "DEC-X04";
    /// Export: destinations agree with the arrival country.
    pub const X05: &str = "DEC-X05";
    /// Trade mode, levy kind and duty mode agree.
    pub const X06: &str = "DEC-X06";
    /// Sum of line net weights vs head net weight (warning).
    pub const X07: &str = "DEC-X07";
    /// At most 50 lines; line total = price × quantity.
    pub const X08: &str = "DEC-X08";
    /// Preferential certificate of origin needs invoice and bill-of-lading edocs.
    pub const X09: &str = "DEC-X09";
    /// Text hygiene: no control characters, trimmed, ASCII where the form is English.
    pub const X10: &str = "DEC-X10";
}

/// Every rule the validator applies, in report order.
pub const RULES: &[RuleInfo] = &[
    RuleInfo::new(
        rule::REQ,
        Severity::Error,
        "必填项未填写",
        "Required field missing",
    ),
    RuleInfo::new(rule::FMT, Severity::Error, "格式错误", "Invalid format"),
    RuleInfo::new(
        rule::CODE,
        Severity::Error,
        "代码不在代码表中",
        "Code not in its code list",
    ),
    RuleInfo::new(
        rule::SCC,
        Severity::Error,
        "统一社会信用代码校验位错误",
        "Credit code check character wrong",
    ),
    RuleInfo::new(
        rule::CNTR,
        Severity::Error,
        "集装箱号校验位错误",
        "Container number check digit wrong",
    ),
    RuleInfo::new(
        rule::ELEM_CODE,
        Severity::Error,
        "申报要素代码错误",
        "Declaration element code not in its list",
    ),
    RuleInfo::new(
        rule::ELEM_REQ,
        Severity::Warning,
        "必填申报要素未填写",
        "Required declaration element empty",
    ),
    RuleInfo::new(
        rule::X01,
        Severity::Error,
        "净重不得大于毛重",
        "Net weight exceeds gross weight",
    ),
    RuleInfo::new(
        rule::X02,
        Severity::Error,
        "散装/裸装件数应为1",
        "Bulk or unpacked goods are one package",
    ),
    RuleInfo::new(
        rule::X03,
        Severity::Error,
        "运费/保费与成交方式不符",
        "Freight/insurance required by the terms of sale",
    ),
    RuleInfo::new(
        rule::X04,
        Severity::Error,
        "水路运输须填运输工具、航次、提运单",
        "Water transport needs conveyance, voyage and bill",
    ),
    RuleInfo::new(
        rule::X05,
        Severity::Error,
        "出口目的国/指运港与运抵国不符",
        "Export destinations disagree with the arrival country",
    ),
    RuleInfo::new(
        rule::X06,
        Severity::Error,
        "监管方式、征免性质与征免方式不符",
        "Trade mode, levy kind and duty mode disagree",
    ),
    RuleInfo::new(
        rule::X07,
        Severity::Warning,
        "表体净重合计与表头净重不符",
        "Line net weights do not add up to the head net weight",
    ),
    RuleInfo::new(
        rule::X08,
        Severity::Error,
        "商品项超过50项或总价不等于单价×数量",
        "More than 50 lines or total ≠ price × quantity",
    ),
    RuleInfo::new(
        rule::X09,
        Severity::Error,
        "优惠原产地证须随附发票和提单",
        "Preferential origin needs invoice and bill-of-lading edocs",
    ),
    RuleInfo::new(
        rule::X10,
        Severity::Error,
        "文本含控制字符、首尾空格或非英文字符",
        "Control characters, untrimmed or non-ASCII text",
    ),
];

/// What every check needs: the declaration, the purpose and the code lists.
pub(crate) struct Ctx<'a> {
    pub d: &'a Declaration,
    pub purpose: Purpose,
    pub lists: &'a CodeLists,
}

impl Ctx<'_> {
    pub fn declare(&self) -> bool {
        self.purpose == Purpose::Declare
    }

    /// Whether this is the summary of a two-step declaration (概要申报).
    pub fn summary(&self) -> bool {
        self.d.filing_mode == FilingMode::TwoStepSummary
    }
}

/// Whether a text field counts as filled in (whitespace alone does not).
pub(crate) use crate::rules::filled;

/// Every problem found in `declaration` for `purpose`, in field order.
pub fn validate_declaration(
    declaration: &Declaration,
    purpose: Purpose,
    lists: &CodeLists,
) -> Vec<Problem> {
    let ctx = Ctx {
        d: declaration,
        purpose,
        lists,
    };
    let mut out = Vec::new();
    required::check(&ctx, &mut out);
    fields::check(&ctx, &mut out);
    cross_field::check(&ctx, &mut out);
    if purpose == Purpose::Declare {
        // Measure 9: say which attached edocs a paperless declaration no longer needs.
        out.extend(crate::paperless::attachment_problems(
            declaration,
            crate::paperless::GoodsKind::from_declaration(declaration),
        ));
    }
    lengths(declaration, &mut out);
    order::sort(&mut out);
    out
}

/// The limits table's lengths (`DEC-FMT`, in drafts too: an over-long
/// field is never fine). Added beside the field's other problems: a code
/// typed as a name (`CHINA` for `CHN`) is both too long and not a code, and
/// the code's message says more; no message quotes more than a few dozen
/// characters of a value, so a huge one costs nothing there.
fn lengths(d: &Declaration, out: &mut Vec<Problem>) {
    out.extend(
        crate::limits::declaration_overlong(d)
            .iter()
            .map(length_problem),
    );
}

/// The `DEC-FMT` problem of an over-long declaration field.
pub fn length_problem(o: &crate::limits::Overlong) -> Problem {
    let (zh, en) = labels::field_label(&o.field);
    let (zh, en) = o.messages(&zh, &en);
    Problem::error(rule::FMT, o.field.clone(), zh, en)
}
