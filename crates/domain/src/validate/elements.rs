//! Declaration elements rule (申报要素): `lines[i].elements` against the
//! element list of the line's commodity code (`crate::elements`).
//!
//! - `DEC-ELEM-CODE` (error, drafts too): an element with a list of values
//!   (brand type 0–4, export preference 0–3, …) holds another value.
//! - `DEC-ELEM-REQ` (warning, on declare only: a draft may be incomplete): a
//!   required element is empty, named with its number and name. Not when
//!   the whole text is empty: that is `DEC-REQ`'s business.
//!
//! For a code the file has no list for, the text is free: no element is
//! required, and only the first two parts are checked as brand type and
//! export preference, because every list of the catalogue starts with
//! them (as the old single-field check did). The length (255 GBK bytes) is
//! the limits table's.

use super::{filled, rule, Ctx};
use crate::declaration::GoodsLine;
use crate::elements::{split, Element, ElementKind};
use crate::problem::{Problem, Purpose};

/// Checks the elements of one goods line; `field` is its path.
pub(super) fn check_line(ctx: &Ctx, out: &mut Vec<Problem>, field: &str, line: &GoodsLine) {
    let text = &line.elements;
    if !filled(text) {
        return;
    }
    let table = ctx.lists.elements();
    let Some(list) = table.lookup(&line.commodity_code) else {
        free_text(ctx, out, field, text);
        return;
    };
    let values = split(list, text);
    let pairs = list
        .elements
        .iter()
        .zip(&values.values)
        .chain(list.group.iter().zip(&values.group));
    for (i, (element, value)) in pairs.enumerate() {
        if value.trim().is_empty() {
            if element.required && ctx.purpose == Purpose::Declare {
                out.push(missing(field, i, element, &list.code));
            }
        } else if !element.allows(value) {
            out.push(wrong_code(field, i, element, value));
        }
    }
}

/// A code without a list: the standard first two elements, if the file
/// has their value lists.
fn free_text(ctx: &Ctx, out: &mut Vec<Problem>, field: &str, text: &str) {
    let table = ctx.lists.elements();
    let standard = [
        (
            "brand_type",
            "品牌类型",
            "brand type",
            ElementKind::BrandType,
        ),
        (
            "export_preference",
            "出口享惠情况",
            "export preference",
            ElementKind::ExportPreference,
        ),
    ];
    for (i, (part, (list, zh, en, kind))) in text.split('|').zip(standard).enumerate() {
        let Some(allowed) = table.value_lists.get(list) else {
            continue;
        };
        let element = Element {
            name_zh: zh.to_owned(),
            name_en: en.to_owned(),
            required: true,
            kind,
            values: list.to_owned(),
            allowed: allowed.clone(),
        };
        if !element.allows(part) {
            out.push(wrong_code(field, i, &element, part));
        }
    }
}

fn missing(field: &str, i: usize, e: &Element, code: &str) -> Problem {
    Problem::warning(
        rule::ELEM_REQ,
        field,
        format!("申报要素“{i}:{}”未填写（商品编码{code}）", e.name_zh),
        format!(
            "Declaration element {i} “{}” ({}) is empty (commodity code {code})",
            e.name_en, e.name_zh
        ),
    )
}

fn wrong_code(field: &str, i: usize, e: &Element, value: &str) -> Problem {
    let codes: Vec<&str> = e.allowed.iter().map(|a| a.code.as_str()).collect();
    let shown = crate::rules::shown(value);
    Problem::error(
        rule::ELEM_CODE,
        field,
        format!(
            "申报要素“{i}:{}”应为{}之一：“{shown}”",
            e.name_zh,
            codes.join("、")
        ),
        format!(
            "Declaration element {i} “{}” ({}) must be one of {}: \"{shown}\"",
            e.name_en,
            e.name_zh,
            codes.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_valid_export;
    use super::super::*;
    use crate::problem::Severity;

    fn lists() -> CodeLists {
        CodeLists::bundled()
    }

    /// The sample export with line 1 of `code` and `elements`.
    fn with_line(code: &str, elements: &str) -> Declaration {
        let mut d = sample_valid_export();
        d.lines[0].commodity_code = code.to_owned();
        d.lines[0].elements = elements.to_owned();
        d
    }

    /// The element problems of line 1, as (rule, severity, zh message).
    fn element_problems(d: &Declaration, purpose: Purpose) -> Vec<(String, Severity, String)> {
        validate_declaration(d, purpose, &lists())
            .into_iter()
            .filter(|p| p.rule.starts_with("DEC-ELEM-"))
            .inspect(|p| assert_eq!(p.field, "lines[0].elements"))
            .map(|p| (p.rule, p.severity, p.message_zh))
            .collect()
    }

    #[test]
    fn complete_elements_pass_in_several_chapters() {
        for (code, text) in [
            ("0306110000", "0|3|冻|带壳|Panulirus argus|500克|10千克/箱"),
            ("1601002090", "3|0|猪肉90%,淀粉10%|500克/袋|双汇"),
            (
                "7210490000",
                "0|0|卷板|非合金钢|经镀层|碳0.05%|厚0.8mm宽1250mm|热镀锌|DX51D+Z",
            ),
            (
                "8471309000",
                "1|0|i5处理器,16G内存,512G固态硬盘|联想|ThinkPad X1",
            ),
            // No entry of its own: the subheading's list.
            ("8471300000", "1|2|i5处理器,16G内存|联想|X1|6901234567892"),
            ("8539221000", "0|0|家用照明|白炽灯泡|60W|220V|无品牌|A60"),
            ("9405210010", "4|1|红木|照明|某品牌"),
        ] {
            let d = with_line(code, text);
            assert_eq!(element_problems(&d, Purpose::Declare), [], "{code}");
            assert_eq!(element_problems(&d, Purpose::Draft), [], "{code}");
        }
    }

    #[test]
    fn a_missing_required_element_is_a_warning_naming_it() {
        let d = with_line("7210490000", "0|0|卷板|非合金钢||碳0.05%|厚0.8mm|热镀锌");
        let p = element_problems(&d, Purpose::Declare);
        let messages: Vec<&str> = p.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "申报要素“4:加工方法(经包覆、经镀层、经涂层)”未填写（商品编码7210490000）",
                "申报要素“8:钢号”未填写（商品编码7210490000）",
            ]
        );
        assert!(p
            .iter()
            .all(|(r, s, _)| r == rule::ELEM_REQ && *s == Severity::Warning));
        // A draft may be incomplete.
        assert_eq!(element_problems(&d, Purpose::Draft), []);
        // GTIN, CAS and 其他 are optional; blanks count as empty.
        let d = with_line("0306120000", "0|3|冻|带壳| |1千克");
        let p = element_problems(&d, Purpose::Declare);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].2.contains("4:拉丁名称") && p[1].2.contains("6:包装规格"));
        let full = validate_declaration(&d, Purpose::Declare, &lists());
        let en = &full
            .iter()
            .find(|p| p.rule == rule::ELEM_REQ)
            .unwrap()
            .message_en;
        assert!(
            en.contains("Latin name") && en.contains("0306120000"),
            "{en}"
        );
    }

    #[test]
    fn a_wrong_brand_type_or_preference_is_an_error_in_drafts_too() {
        for (code, text, element) in [
            (
                "8539221000",
                "5|0|家用照明|白炽灯泡|60W|220V|无品牌|A60",
                "0:品牌类型",
            ),
            ("1601002090", "0|4|猪肉|500克/袋|双汇", "1:出口享惠情况"),
            ("8428200000", "无品牌|0|气压|无|X1", "0:品牌类型"),
        ] {
            let d = with_line(code, text);
            for purpose in [Purpose::Draft, Purpose::Declare] {
                let p = element_problems(&d, purpose);
                let codes: Vec<_> = p.iter().filter(|(r, _, _)| r == rule::ELEM_CODE).collect();
                assert_eq!(codes.len(), 1, "{code} {p:?}");
                assert_eq!(codes[0].1, Severity::Error);
                assert!(codes[0].2.contains(element), "{}", codes[0].2);
            }
        }
        let d = with_line("8539221000", "9|0|家用照明|白炽灯泡|60W|220V|无品牌|A60");
        let p = validate_declaration(&d, Purpose::Declare, &lists());
        let e = p.iter().find(|p| p.rule == rule::ELEM_CODE).unwrap();
        assert!(e.message_zh.contains("0、1、2、3、4") && e.message_en.contains("\"9\""));
    }

    #[test]
    fn a_code_without_a_list_keeps_its_free_text() {
        // 7208390000 is not in the file: nothing is required.
        assert_eq!(
            element_problems(&with_line("7208390000", "0|0|热轧"), Purpose::Declare),
            []
        );
        // Only the standard first two parts are checked.
        let p = element_problems(&with_line("7208390000", "0|7|热轧"), Purpose::Declare);
        assert_eq!(p.len(), 1);
        assert!(p[0].2.contains("1:出口享惠情况"));
        let p = element_problems(&with_line("", "4|3"), Purpose::Draft);
        assert_eq!(p, []);
        // An empty text is DEC-REQ's business, not an element's.
        assert_eq!(
            element_problems(&with_line("7210490000", ""), Purpose::Declare),
            []
        );
        assert_eq!(
            element_problems(&with_line("7210490000", "  "), Purpose::Declare),
            []
        );
    }

    #[test]
    fn an_empty_table_checks_nothing() {
        let mut lists = CodeLists::bundled();
        lists.set_elements(crate::elements::ElementTable::default());
        let d = with_line("7210490000", "9|9|x");
        let p = validate_declaration(&d, Purpose::Declare, &lists);
        assert!(!p.iter().any(|p| p.rule.starts_with("DEC-ELEM-")), "{p:?}");
    }
}
