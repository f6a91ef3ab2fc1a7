//! Report order of problems: by the position of their field in the
//! declaration (struct order), then by rule order (stable sort).

use super::head_fields::HEAD;
use crate::problem::Problem;

pub(crate) const CHARGE_FIELDS: &[&str] = &["mark", "value", "currency"];

pub(crate) const LINE_FIELDS: &[&str] = &[
    "commodity_code",
    "name",
    "elements",
    "quantity",
    "unit",
    "first_quantity",
    "first_unit",
    "second_quantity",
    "second_unit",
    "unit_price",
    "total_price",
    "currency",
    "origin_country",
    "destination_country",
    "district_code",
    "duty_mode",
    "part_number",
];

pub(crate) const CONTAINER_FIELDS: &[&str] =
    &["number", "size_type", "line_refs", "part_load", "weight"];
pub(crate) const DOCUMENT_FIELDS: &[&str] = &["code", "cert_no"];
pub(crate) const EDOC_FIELDS: &[&str] = &["code", "file_name", "size"];

/// Top-level fields of `Declaration` in struct order.
pub(crate) const TOP_FIELDS: &[&str] = &[
    "client_seq_no",
    "filing_mode",
    "advance",
    "head",
    "lines",
    "containers",
    "documents",
    "edocs",
];

fn rank(names: &[&str], name: &str) -> usize {
    names.iter().position(|n| *n == name).unwrap_or(names.len())
}

/// Splits `lines[2]` into (`lines`, Some(2)).
fn split_index(segment: &str) -> (&str, Option<usize>) {
    match segment.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (segment, None),
    }
}

/// Sort key of a field path: a sequence of positions, compared lexicographically.
/// Also orders the differences from a template (form order, not key order).
pub fn field_key(path: &str) -> Vec<usize> {
    let mut segments = path.split('.');
    let (top, index) = split_index(segments.next().unwrap_or(""));
    let mut key = vec![rank(TOP_FIELDS, top)];
    // The collection itself (`lines`) sorts before its first element.
    key.push(index.map_or(0, |i| i + 1));
    let sub: &[&str] = match top {
        "head" => &[],
        "lines" => LINE_FIELDS,
        "containers" => CONTAINER_FIELDS,
        "documents" => DOCUMENT_FIELDS,
        "edocs" => EDOC_FIELDS,
        _ => &[],
    };
    if let Some(field) = segments.next() {
        key.push(match top {
            "head" => HEAD
                .iter()
                .position(|f| f.name == field)
                .unwrap_or(HEAD.len()),
            _ => rank(sub, field),
        });
    }
    if let Some(field) = segments.next() {
        key.push(rank(CHARGE_FIELDS, field));
    }
    key
}

/// Orders problems by field position; problems of one field keep rule order.
pub(crate) fn sort(problems: &mut [Problem]) {
    problems.sort_by_cached_key(|p| field_key(&p.field));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::{
        AttachedDocument, Container, Declaration, ElectronicAttachment, GoodsLine, Head, IeFlag,
    };

    /// The field tables must follow the struct (serde) order, or the report
    /// order silently drifts when a field is added.
    fn assert_serde_order<T: serde::Serialize>(value: &T, names: &[&str]) {
        let json = serde_json::to_string(value).unwrap();
        let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(obj.len(), names.len(), "field count of {json}");
        let mut last = 0;
        for n in names {
            let pos = json
                .find(&format!("\"{n}\":"))
                .unwrap_or_else(|| panic!("{n} missing"));
            assert!(pos >= last, "{n} out of order");
            last = pos;
        }
    }

    #[test]
    fn tables_follow_struct_order() {
        let head: Vec<&str> = HEAD.iter().map(|f| f.name).collect();
        assert_serde_order(&Head::default(), &head);
        assert_serde_order(&GoodsLine::default(), LINE_FIELDS);
        assert_serde_order(&Container::default(), CONTAINER_FIELDS);
        assert_serde_order(&AttachedDocument::default(), DOCUMENT_FIELDS);
        assert_serde_order(&ElectronicAttachment::default(), EDOC_FIELDS);
        assert_serde_order(&crate::declaration::Charge::default(), CHARGE_FIELDS);
        assert_serde_order(&Declaration::new("X".into(), IeFlag::E), TOP_FIELDS);
    }

    #[test]
    fn keys_order_paths() {
        let paths = [
            "client_seq_no",
            "head.declaring_customs",
            "head.freight.mark",
            "head.freight.currency",
            "head.insurance.value",
            "head.net_weight",
            "lines",
            "lines[0].commodity_code",
            "lines[0].duty_mode",
            "lines[2].commodity_code",
            "lines[10].name",
            "containers[0].number",
            "documents[1].code",
            "edocs[0].code",
        ];
        for w in paths.windows(2) {
            assert!(field_key(w[0]) < field_key(w[1]), "{} < {}", w[0], w[1]);
        }
    }
}
