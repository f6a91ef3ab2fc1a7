//! Default values of a new declaration (初始值): the values the clerk sets
//! per field, and the logged-in enterprise as declaring agent (申报单位) and,
//! when the enterprise files for itself (本企业自理申报), as domestic
//! consignee/consignor (境内收发货人) and consuming/producing unit
//! (消费使用/生产销售单位).
//!
//! Order (docs/templates.md): an empty declaration → the clerk's defaults →
//! the enterprise; a declaration from a template → the enterprise. Every
//! step only fills fields that are still empty, so what the template (or an
//! earlier step) says wins. Pure: the store keeps the values, the
//! application layer reads them and calls [`apply_defaults`].
//!
//! A default names its field as `head.<name>` (charges: `head.freight.currency`)
//! or `lines.<name>` for a goods-line field, which applies to every line a
//! declaration starts with and to each new line the clerk adds.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::declaration::{Declaration, GoodsLine, Head};
use crate::limits::{DECLARATION_LIMITS, DEFAULT_VALUE_MAX_CHARS};
use crate::validate::field_label;

/// One default value the clerk set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldDefault {
    /// `head.trade_mode`, `head.freight.currency`, `lines.unit` ….
    pub path: String,
    pub value: String,
}

/// The logged-in enterprise as the synced enterprise profile names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnterpriseIdentity {
    /// 统一社会信用代码, 18 chars.
    pub scc: String,
    /// 海关编码, 10 chars.
    pub customs_code: String,
    /// 企业名称 (Chinese).
    pub name: String,
}

/// A field the clerk may give a default value, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefaultableField {
    pub path: String,
    pub label_zh: String,
    pub label_en: String,
    /// The most characters a value may have (the field's own limit, else
    /// [`DEFAULT_VALUE_MAX_CHARS`]).
    pub max_chars: u32,
}

/// A default refused, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DefaultError {
    pub field: String,
    pub message: String,
    pub message_zh: String,
}

/// Head fields that are not text a clerk would default: the import/export
/// flag is chosen with the new declaration itself.
const NOT_DEFAULTABLE: &[&str] = &["head.ie_flag"];

/// Every field that may have a default, head fields then line fields, in
/// struct order.
pub fn defaultable_fields() -> Vec<DefaultableField> {
    let mut paths = Vec::new();
    text_leaves("head", &to_value(&Head::default()), &mut paths);
    text_leaves("lines", &to_value(&GoodsLine::default()), &mut paths);
    paths
        .into_iter()
        .filter(|p| !NOT_DEFAULTABLE.contains(&p.as_str()))
        .map(|path| {
            let (label_zh, label_en) = field_label(&path);
            let max_chars = field_max(&path) as u32;
            DefaultableField {
                path,
                label_zh,
                label_en,
                max_chars,
            }
        })
        .collect()
}

/// Checks a default before it is stored: a known field, a value that is not
/// blank, has no control characters and fits the field.
pub fn check_default(path: &str, value: &str) -> Result<(), DefaultError> {
    let known = defaultable_fields().into_iter().any(|f| f.path == path);
    if !known {
        return Err(DefaultError {
            field: path.to_owned(),
            message: format!(
                "{path} is not a field that takes a default value (head.<field> or lines.<field>)"
            ),
            message_zh: format!("{path} 不是可设置初始值的字段（head.<字段> 或 lines.<字段>）"),
        });
    }
    let (zh, en) = field_label(path);
    if value.trim().is_empty() {
        return Err(DefaultError {
            field: path.to_owned(),
            message: format!("{en}: the default value is empty; clear it instead"),
            message_zh: format!("{zh}：初始值为空，请改用清除"),
        });
    }
    if value.chars().any(char::is_control) {
        return Err(DefaultError {
            field: path.to_owned(),
            message: format!("{en}: the default value has control characters"),
            message_zh: format!("{zh}：初始值含有控制字符"),
        });
    }
    let max = field_max(path);
    let n = value.chars().count();
    if n > max {
        return Err(DefaultError {
            field: path.to_owned(),
            message: format!("{en}: the default value has {n} characters, at most {max}"),
            message_zh: format!("{zh}：初始值 {n} 个字符，最多 {max} 个"),
        });
    }
    Ok(())
}

/// Fills the empty fields of a new declaration: the clerk's `defaults`
/// (skipped with `clerk: false`, for a declaration from a template), then
/// the enterprise as declaring agent and, with `self_filing`, as consignee
/// or consignor and consuming/producing unit. Never overwrites a value.
pub fn apply_defaults(
    decl: &mut Declaration,
    defaults: &[FieldDefault],
    clerk: bool,
    enterprise: Option<&EnterpriseIdentity>,
    self_filing: bool,
) {
    if clerk {
        apply_head_defaults(&mut decl.head, defaults);
        for line in &mut decl.lines {
            apply_line_defaults(line, defaults);
        }
    }
    if let Some(e) = enterprise {
        let h = &mut decl.head;
        fill(&mut h.agent_scc, &e.scc);
        fill(&mut h.agent_code, &e.customs_code);
        fill(&mut h.agent_name, &e.name);
        if self_filing {
            fill(&mut h.trade_scc, &e.scc);
            fill(&mut h.trade_code, &e.customs_code);
            fill(&mut h.trade_name, &e.name);
            // An enterprise filing for itself is, as a rule, also the unit
            // that consumes (imports) or produces/sells (exports) the goods.
            fill(&mut h.owner_scc, &e.scc);
            fill(&mut h.owner_code, &e.customs_code);
            fill(&mut h.owner_name, &e.name);
        }
    }
}

/// Fills the empty fields of a goods line from the `lines.*` defaults (a
/// new line the clerk adds gets these too).
pub fn apply_line_defaults(line: &mut GoodsLine, defaults: &[FieldDefault]) {
    apply_under("lines", line, defaults);
}

fn apply_head_defaults(head: &mut Head, defaults: &[FieldDefault]) {
    apply_under("head", head, defaults);
}

/// Sets each empty text leaf under `prefix` that a default names. Through
/// serde, so the paths are the interchange form's and every field is covered.
fn apply_under<T: Serialize + serde::de::DeserializeOwned>(
    prefix: &str,
    target: &mut T,
    defaults: &[FieldDefault],
) {
    let mut value = to_value(&*target);
    let mut changed = false;
    for d in defaults {
        let Some(rest) = d
            .path
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        if NOT_DEFAULTABLE.contains(&d.path.as_str()) {
            continue;
        }
        let slot = rest
            .split('.')
            .try_fold(&mut value, |v, key| v.get_mut(key));
        if let Some(Value::String(s)) = slot {
            if s.is_empty() {
                *s = d.value.clone();
                changed = true;
            }
        }
    }
    if changed {
        if let Ok(t) = serde_json::from_value(value) {
            *target = t;
        }
    }
}

fn fill(slot: &mut String, value: &str) {
    if slot.trim().is_empty() && !value.trim().is_empty() {
        *slot = value.trim().to_owned();
    }
}

fn to_value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

fn text_leaves(prefix: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                text_leaves(&format!("{prefix}.{k}"), v, out);
            }
        }
        Value::String(_) => out.push(prefix.to_owned()),
        _ => {}
    }
}

/// The field's own length limit (`lines.name` is `lines[].name` in the
/// table), else the general cap for a default value.
fn field_max(path: &str) -> usize {
    let table_path = match path.strip_prefix("lines.") {
        Some(rest) => format!("lines[].{rest}"),
        None => path.to_owned(),
    };
    DECLARATION_LIMITS
        .iter()
        .find(|l| l.path == table_path)
        .map(|l| l.max)
        .unwrap_or(DEFAULT_VALUE_MAX_CHARS)
        .min(DEFAULT_VALUE_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::IeFlag;

    fn d(path: &str, value: &str) -> FieldDefault {
        FieldDefault {
            path: path.into(),
            value: value.into(),
        }
    }

    fn enterprise() -> EnterpriseIdentity {
        EnterpriseIdentity {
            scc: "91210200MA0Q000001".into(),
            customs_code: "2102960001".into(),
            name: "大连示例进出口有限公司".into(),
        }
    }

    #[test]
    fn clerk_defaults_then_enterprise_fill_an_empty_declaration() {
        let mut decl = Declaration::new("PD1".into(), IeFlag::E);
        decl.lines.push(GoodsLine::default());
        let defaults = [
            d("head.declaring_customs", "0900"),
            d("head.freight.currency", "USD"),
            d("head.agent_name", "代理报关行"),
            d("lines.unit", "007"),
            d("lines.origin_country", "CHN"),
        ];
        apply_defaults(&mut decl, &defaults, true, Some(&enterprise()), false);
        assert_eq!(decl.head.declaring_customs, "0900");
        assert_eq!(decl.head.freight.currency, "USD");
        // The clerk's default came first; the enterprise only fills what is empty.
        assert_eq!(decl.head.agent_name, "代理报关行");
        assert_eq!(decl.head.agent_scc, "91210200MA0Q000001");
        assert_eq!(decl.head.agent_code, "2102960001");
        // Not filing for itself: the consignor stays the clerk's to type.
        assert_eq!(decl.head.trade_scc, "");
        assert_eq!(decl.head.owner_name, "");
        assert_eq!(decl.lines[0].unit, "007");
        assert_eq!(decl.lines[0].origin_country, "CHN");
        assert_eq!(decl.head.ie_flag, IeFlag::E);
    }

    #[test]
    fn self_filing_fills_the_consignor_and_the_producing_unit() {
        let mut decl = Declaration::new("PD1".into(), IeFlag::I);
        apply_defaults(&mut decl, &[], true, Some(&enterprise()), true);
        assert_eq!(decl.head.trade_scc, "91210200MA0Q000001");
        assert_eq!(decl.head.trade_code, "2102960001");
        assert_eq!(decl.head.trade_name, "大连示例进出口有限公司");
        assert_eq!(decl.head.owner_code, "2102960001");
        assert_eq!(decl.head.agent_name, "大连示例进出口有限公司");
    }

    #[test]
    fn a_template_wins_and_clerk_defaults_are_skipped() {
        let mut decl = Declaration::new("PD1".into(), IeFlag::I);
        decl.head.trade_name = "模板里的收货人".into();
        decl.head.declaring_customs = "0800".into();
        let defaults = [
            d("head.declaring_customs", "0900"),
            d("head.trade_mode", "0110"),
        ];
        apply_defaults(&mut decl, &defaults, false, Some(&enterprise()), true);
        assert_eq!(decl.head.trade_name, "模板里的收货人");
        assert_eq!(decl.head.declaring_customs, "0800");
        assert_eq!(
            decl.head.trade_mode, "",
            "clerk defaults do not apply to a template"
        );
        assert_eq!(decl.head.trade_scc, "91210200MA0Q000001");
        // Applied again on a filled declaration nothing moves.
        let before = decl.clone();
        apply_defaults(&mut decl, &defaults, true, Some(&enterprise()), true);
        assert_eq!(decl.head.declaring_customs, before.head.declaring_customs);
    }

    #[test]
    fn new_lines_take_line_defaults_only_where_empty() {
        let mut line = GoodsLine {
            unit: "035".into(),
            ..GoodsLine::default()
        };
        apply_line_defaults(
            &mut line,
            &[
                d("lines.unit", "007"),
                d("lines.currency", "USD"),
                d("head.trade_mode", "0110"),
            ],
        );
        assert_eq!(line.unit, "035");
        assert_eq!(line.currency, "USD");
    }

    #[test]
    fn defaults_are_checked_by_field_and_length() {
        assert!(check_default("head.trade_mode", "0110").is_ok());
        assert!(check_default("head.freight.mark", "3").is_ok());
        assert!(check_default("lines.unit", "007").is_ok());
        let e = check_default("head.nonsense", "x").unwrap_err();
        assert_eq!(e.field, "head.nonsense");
        assert!(check_default("head.ie_flag", "I").is_err());
        assert!(
            check_default("head.guarantee_release", "1").is_err(),
            "a flag, not text"
        );
        let e = check_default("head.declaring_customs", "09000").unwrap_err();
        assert!(e.message.contains("at most 4"), "{e:?}");
        assert!(e.message_zh.contains("申报地海关"), "{e:?}");
        assert!(check_default("lines.name", &"货".repeat(DEFAULT_VALUE_MAX_CHARS + 1)).is_err());
        assert!(check_default("head.remarks", " ").is_err());
        assert!(check_default("head.remarks", "a\u{7}b").is_err());
    }

    #[test]
    fn every_defaultable_field_has_a_label() {
        let fields = defaultable_fields();
        assert!(fields.iter().any(|f| f.path == "head.agent_scc"));
        assert!(fields.iter().any(|f| f.path == "lines.duty_mode"));
        for f in &fields {
            assert_ne!(f.label_en, f.path, "{} has no label", f.path);
            assert!(f.max_chars > 0);
        }
    }
}
