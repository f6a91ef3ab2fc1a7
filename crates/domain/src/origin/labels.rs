//! Which box of which form a field of an application is printed in, so a
//! message can say "第7栏 货物描述 / Box 7 goods description": the clerk
//! fixes boxes, not JSON paths.

use super::OriginForm;

/// `(field key, box on C, box on E, box on R, name zh, name en)`; the key
/// is the field path without item indices; box 0 = not printed on that form.
const BOXES: &[(&str, u8, u8, u8, &str, &str)] = &[
    ("form", 0, 0, 0, "证书种类", "form"),
    (
        "client_seq_no",
        0,
        0,
        0,
        "客户端编号",
        "client sequence no.",
    ),
    (
        "source_declaration",
        0,
        0,
        0,
        "关联报关单",
        "source declaration",
    ),
    ("exporter.name", 1, 1, 1, "出口商名称", "exporter name"),
    (
        "exporter.address",
        1,
        1,
        1,
        "出口商地址",
        "exporter address",
    ),
    (
        "exporter.country",
        1,
        1,
        1,
        "出口商国家",
        "exporter country",
    ),
    (
        "exporter.credit_code",
        1,
        1,
        1,
        "出口商统一社会信用代码",
        "exporter credit code",
    ),
    ("consignee.name", 2, 2, 2, "收货人名称", "consignee name"),
    (
        "consignee.address",
        2,
        2,
        2,
        "收货人地址",
        "consignee address",
    ),
    (
        "consignee.country",
        2,
        2,
        2,
        "收货人国家",
        "consignee country",
    ),
    ("producer.name", 0, 0, 3, "生产商名称", "producer name"),
    (
        "producer.address",
        0,
        0,
        3,
        "生产商地址",
        "producer address",
    ),
    (
        "producer.country",
        0,
        0,
        3,
        "生产商国家",
        "producer country",
    ),
    ("transport.means", 3, 3, 4, "运输方式", "means of transport"),
    ("transport.route", 3, 3, 4, "运输路线", "route"),
    (
        "transport.departure_date",
        3,
        3,
        4,
        "离港日期",
        "departure date",
    ),
    ("transport.vessel", 3, 3, 4, "船名/航班号", "vessel/flight"),
    (
        "transport.port_of_loading",
        3,
        3,
        4,
        "装货港",
        "port of loading",
    ),
    (
        "transport.port_of_discharge",
        3,
        3,
        4,
        "卸货港",
        "port of discharge",
    ),
    (
        "importing_country",
        4,
        11,
        15,
        "目的国/进口国",
        "importing country",
    ),
    ("marks", 6, 6, 7, "唛头", "marks and numbers"),
    ("items", 7, 7, 8, "货物项", "goods items"),
    ("items.item_no", 0, 5, 6, "项号", "item number"),
    ("items.marks", 6, 6, 7, "唛头", "marks and numbers"),
    (
        "items.package_count",
        7,
        7,
        8,
        "包装件数",
        "number of packages",
    ),
    (
        "items.package_kind",
        7,
        7,
        8,
        "包装种类",
        "kind of packages",
    ),
    (
        "items.description",
        7,
        7,
        8,
        "货物描述",
        "goods description",
    ),
    ("items.hs_code", 8, 7, 9, "HS编码", "HS code"),
    (
        "items.origin_criterion",
        0,
        8,
        10,
        "原产地标准",
        "origin criterion",
    ),
    ("items.quantity", 9, 9, 12, "数量", "quantity"),
    ("items.unit", 9, 9, 12, "计量单位", "unit"),
    ("items.gross_weight", 9, 9, 12, "毛重", "gross weight"),
    ("items.fob_value", 0, 9, 12, "FOB值", "FOB value"),
    ("items.currency", 0, 9, 12, "FOB币制", "FOB currency"),
    (
        "items.country_of_origin",
        0,
        0,
        11,
        "RCEP原产国",
        "RCEP country of origin",
    ),
    ("invoices", 10, 10, 13, "发票", "invoices"),
    ("invoices.number", 10, 10, 13, "发票号", "invoice number"),
    ("invoices.date", 10, 10, 13, "发票日期", "invoice date"),
    (
        "declaration_place",
        11,
        11,
        15,
        "申报地点",
        "place of declaration",
    ),
    (
        "declaration_date",
        11,
        11,
        15,
        "申报日期",
        "date of declaration",
    ),
    ("remarks", 0, 0, 14, "备注", "remarks"),
    (
        "flags.issued_retroactively",
        0,
        13,
        0,
        "后发证书",
        "issued retroactively",
    ),
    ("flags.exhibition", 0, 13, 0, "展览", "exhibition"),
    (
        "flags.movement_certificate",
        0,
        13,
        0,
        "背对背证书",
        "movement certificate / back-to-back",
    ),
    (
        "flags.third_party_invoicing",
        0,
        13,
        0,
        "第三方发票",
        "third-party invoicing",
    ),
];

/// The field path without indices: `items[2].hs_code` → `items.hs_code`.
pub(crate) fn field_key(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// The box number of `field` on `form` (0 = not a numbered box).
pub(crate) fn box_no(form: OriginForm, field: &str) -> u8 {
    let key = field_key(field);
    BOXES.iter().find(|b| b.0 == key).map_or(0, |b| match form {
        OriginForm::C => b.1,
        OriginForm::E => b.2,
        OriginForm::R => b.3,
    })
}

/// How a message names `field` on `form`: `("第7栏 货物描述",
/// "Box 7 goods description")`, with the item number for item fields
/// (`第2项`, `item 2`). A field not printed in a numbered box is named
/// without a number.
pub fn box_label(form: OriginForm, field: &str) -> (String, String) {
    let key = field_key(field);
    let (zh, en) = BOXES
        .iter()
        .find(|b| b.0 == key)
        .map_or((key.as_str(), key.as_str()), |b| (b.4, b.5));
    let n = box_no(form, field);
    let (mut zh, mut en) = if n == 0 {
        (zh.to_owned(), capitalise(en))
    } else {
        (format!("第{n}栏 {zh}"), format!("Box {n} {en}"))
    };
    if let Some(i) = item_index(field) {
        let which = if field.starts_with("invoices[") {
            ("张发票", "invoice")
        } else {
            ("项", "item")
        };
        zh = format!("{zh}（第{}{}）", i + 1, which.0);
        en = format!("{en} ({} {})", which.1, i + 1);
    }
    (zh, en)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The index inside `items[i]` / `invoices[i]`, if any.
pub(crate) fn item_index(field: &str) -> Option<usize> {
    let start = field.find('[')?;
    let end = field[start..].find(']')? + start;
    field[start + 1..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_boxes_per_form() {
        assert_eq!(
            box_label(OriginForm::E, "items[0].description"),
            (
                "第7栏 货物描述（第1项）".to_owned(),
                "Box 7 goods description (item 1)".to_owned()
            )
        );
        assert_eq!(
            box_label(OriginForm::R, "items[1].description").0,
            "第8栏 货物描述（第2项）"
        );
        assert_eq!(
            box_label(OriginForm::C, "items[0].hs_code").1,
            "Box 8 HS code (item 1)"
        );
        assert_eq!(
            box_label(OriginForm::E, "importing_country").1,
            "Box 11 importing country"
        );
        assert_eq!(
            box_label(OriginForm::C, "client_seq_no").1,
            "Client sequence no."
        );
        assert_eq!(
            box_label(OriginForm::R, "invoices[1].date").1,
            "Box 13 invoice date (invoice 2)"
        );
        assert!(BOXES.iter().all(|b| !b.4.is_empty() && !b.5.is_empty()));
    }
}
