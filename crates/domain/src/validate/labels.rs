//! Human names of fields for messages (字段名称), so a message reads
//! "第2项商品编号" / "line 2 commodity code" instead of a path.

const CHARGE: &[(&str, &str, &str)] = &[
    ("mark", "标记", "mark"),
    ("value", "数值", "value"),
    ("currency", "币制", "currency"),
];

const LINE: &[(&str, &str, &str)] = &[
    ("commodity_code", "商品编号", "commodity code"),
    ("name", "商品名称", "goods name"),
    ("elements", "规格型号", "declaration elements"),
    ("quantity", "成交数量", "quantity traded"),
    ("unit", "成交计量单位", "unit traded"),
    ("first_quantity", "法定第一数量", "first legal quantity"),
    ("first_unit", "法定第一计量单位", "first legal unit"),
    ("second_quantity", "法定第二数量", "second legal quantity"),
    ("second_unit", "法定第二计量单位", "second legal unit"),
    ("unit_price", "单价", "unit price"),
    ("total_price", "总价", "total price"),
    ("currency", "币制", "currency"),
    ("origin_country", "原产国(地区)", "country of origin"),
    (
        "destination_country",
        "最终目的国(地区)",
        "final destination country",
    ),
    (
        "district_code",
        "境内目的地/货源地",
        "domestic destination/source",
    ),
    ("duty_mode", "征免方式", "duty mode"),
    ("part_number", "商品料号", "part number"),
];

const CONTAINER: &[(&str, &str, &str)] = &[
    ("number", "集装箱号", "container no."),
    ("size_type", "集装箱规格", "container size/type"),
    ("line_refs", "商品项号关系", "line references"),
    ("part_load", "拼箱标识", "part-load flag"),
    ("weight", "集装箱自重", "container weight"),
];

const DOCUMENT: &[(&str, &str, &str)] = &[
    ("code", "随附单证代码", "document code"),
    ("cert_no", "随附单证编号", "certificate no."),
];

const EDOC: &[(&str, &str, &str)] = &[
    ("code", "随附单据代码", "edoc code"),
    ("file_name", "随附单据文件名", "edoc file name"),
    ("size", "随附单据文件大小", "edoc file size"),
];

const TOP: &[(&str, &str, &str)] = &[
    ("client_seq_no", "客户端编号", "client sequence no."),
    ("filing_mode", "申报模式", "filing mode"),
    ("advance", "提前申报", "advance declaration"),
    ("lines", "商品项", "goods lines"),
    ("containers", "集装箱", "containers"),
    ("documents", "随附单证", "attached documents"),
    ("edocs", "随附单据", "electronic attachments"),
];

fn find(
    table: &[(&str, &'static str, &'static str)],
    name: &str,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, zh, en)| (*zh, *en))
}

/// Which fields one part of a declaration has, for tools that lay a
/// declaration out in columns (the spreadsheet template): `(name, zh, en)`
/// in struct order. `part` is `head`, `lines`, `containers`, `documents`,
/// `edocs` or `charge` (the three fields of a freight, insurance or other
/// charge); any other part has none. Head rows include the flag, the
/// charges and the booleans; the caller decides how to write each.
pub fn part_fields(part: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    match part {
        "head" => super::head_fields::HEAD
            .iter()
            .map(|f| (f.name, f.zh, f.en))
            .collect(),
        "lines" => LINE.to_vec(),
        "containers" => CONTAINER.to_vec(),
        "documents" => DOCUMENT.to_vec(),
        "edocs" => EDOC.to_vec(),
        "charge" => CHARGE.to_vec(),
        _ => Vec::new(),
    }
}

/// The (Chinese, English) name of the field at `path` (`head.gross_weight`,
/// `lines[1].commodity_code`); the path itself when it names no field.
pub fn field_label(path: &str) -> (String, String) {
    let mut segments = path.split('.');
    let first = segments.next().unwrap_or("");
    let (top, index) = match first.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (first, None),
    };
    let field = segments.next();
    let sub = segments.next();
    let named = match (top, field) {
        ("head", Some(f)) => super::head_fields::find(f).map(|h| (h.zh, h.en)),
        ("lines", Some(f)) => find(LINE, f),
        ("containers", Some(f)) => find(CONTAINER, f),
        ("documents", Some(f)) => find(DOCUMENT, f),
        ("edocs", Some(f)) => find(EDOC, f),
        (t, None) => find(TOP, t),
        _ => None,
    };
    let (mut zh, mut en) = match named {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => (path.to_owned(), path.to_owned()),
    };
    if let Some((szh, sen)) = sub.and_then(|s| find(CHARGE, s)) {
        zh.push_str(szh);
        en = format!("{en} {sen}");
    }
    if let Some(i) = index {
        let n = i + 1;
        match top {
            "lines" => {
                zh = format!("第{n}项{zh}");
                en = format!("line {n} {en}");
            }
            "containers" => {
                zh = format!("第{n}个{zh}");
                en = format!("{en} (container {n})");
            }
            _ => {
                zh = format!("第{n}条{zh}");
                en = format!("{en} (row {n})");
            }
        }
    }
    (zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            field_label("head.gross_weight"),
            ("毛重".into(), "gross weight".into())
        );
        assert_eq!(
            field_label("head.freight.value"),
            ("运费数值".into(), "freight value".into())
        );
        assert_eq!(
            field_label("lines[1].commodity_code"),
            ("第2项商品编号".into(), "line 2 commodity code".into())
        );
        assert_eq!(field_label("documents[0].code").1, "document code (row 1)");
        assert_eq!(field_label("lines").0, "商品项");
    }

    #[test]
    fn every_field_has_a_label() {
        use super::super::order::*;
        for f in super::super::head_fields::HEAD {
            assert_eq!(field_label(&format!("head.{}", f.name)).0, f.zh);
        }
        for f in LINE_FIELDS {
            assert!(find(LINE, f).is_some(), "{f}");
        }
        for f in CONTAINER_FIELDS {
            assert!(find(CONTAINER, f).is_some(), "{f}");
        }
        for f in EDOC_FIELDS {
            assert!(find(EDOC, f).is_some(), "{f}");
        }
    }
}
