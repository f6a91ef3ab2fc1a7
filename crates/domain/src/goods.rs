//! Goods records (商品库): what the enterprise declared for one article,
//! learnt from accepted declarations and reused to fill new goods lines.
//!
//! Pure rules only: the record's key (the part number when the line has one,
//! else commodity code + name, normalised), a record from a declared line,
//! a line filled from a record, and the record's own checks. Storing,
//! searching and learning on a receipt are the store's and the application
//! layer's (`portdesk_drafts::goods`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::declaration::{Declaration, GoodsLine};
use crate::limits::{declaration_overlong, Unit};
use crate::problem::Problem;

/// The longest note (备注) of a goods record, in characters.
pub const GOODS_NOTE_MAX_CHARS: usize = 255;

/// One goods record (商品库记录).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct GoodsRecord {
    /// 商品料号: the enterprise's own part number; the key when given.
    pub part_number: String,
    /// 商品编号 (CodeTS).
    pub commodity_code: String,
    /// 商品名称 (GName).
    pub name: String,
    /// 规格型号 (GModel), the declaration elements.
    pub elements: String,
    /// 成交计量单位 (GUnit).
    pub unit: String,
    /// 法定第一计量单位 (FirstUnit).
    pub first_unit: String,
    /// 法定第二计量单位 (SecondUnit).
    pub second_unit: String,
    /// 原产国 (OriginCountry).
    pub origin_country: String,
    /// 最近单价: the unit price last declared.
    pub last_unit_price: String,
    /// 最近币制: its currency.
    pub last_currency: String,
    /// 最近使用: when a declaration with it was last accepted (or the
    /// clerk last picked it); `None` for a record typed or imported.
    #[ts(type = "string | null")]
    pub last_used: Option<DateTime<Utc>>,
    /// 最近报关单: the client sequence no. it was last learnt from.
    pub last_declaration: String,
    /// 备注, the clerk's own.
    pub note: String,
}

/// Text folded for comparison: trimmed, inner whitespace runs to one
/// space, full-width ASCII to ASCII, Latin letters upper case
/// (`ｂｏｌｔ  m8` and `BOLT M8` are one article).
pub fn normalise(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// The key of the record a line (or record) belongs to: `P:<part number>`
/// when there is one, else `C:<code>|<name>`; `None` when there is neither
/// part number nor name (nothing to recognise the article by).
pub fn goods_key(part_number: &str, commodity_code: &str, name: &str) -> Option<String> {
    let part = normalise(part_number);
    if !part.is_empty() {
        return Some(format!("P:{part}"));
    }
    let name = normalise(name);
    if name.is_empty() {
        return None;
    }
    Some(format!("C:{}|{name}", normalise(commodity_code)))
}

impl GoodsRecord {
    /// This record's key ([`goods_key`]).
    pub fn key(&self) -> Option<String> {
        goods_key(&self.part_number, &self.commodity_code, &self.name)
    }

    /// The record line `line` of declaration `client_seq_no` (accepted at
    /// `at`) makes of `existing` (or of nothing): everything declared is
    /// taken from the line, the clerk's note kept.
    pub fn learn(
        existing: Option<&GoodsRecord>,
        line: &GoodsLine,
        client_seq_no: &str,
        at: DateTime<Utc>,
    ) -> GoodsRecord {
        GoodsRecord {
            part_number: line.part_number.trim().to_owned(),
            commodity_code: line.commodity_code.trim().to_owned(),
            name: line.name.trim().to_owned(),
            elements: line.elements.clone(),
            unit: line.unit.clone(),
            first_unit: line.first_unit.clone(),
            second_unit: line.second_unit.clone(),
            origin_country: line.origin_country.clone(),
            last_unit_price: line.unit_price.clone(),
            last_currency: line.currency.clone(),
            // A late receipt of an older declaration does not move it back.
            last_used: Some(match existing.and_then(|e| e.last_used) {
                Some(prev) if prev > at => prev,
                _ => at,
            }),
            last_declaration: match existing {
                Some(e) if e.last_used.is_some_and(|prev| prev > at) => e.last_declaration.clone(),
                _ => client_seq_no.to_owned(),
            },
            note: existing.map(|e| e.note.clone()).unwrap_or_default(),
        }
    }

    /// `line` filled from this record: the article's fields (code, name,
    /// elements, units, origin, price and currency, part number) are the
    /// record's, the line's quantities and destination stay; the total is
    /// recomputed when the quantity is known.
    pub fn fill_line(&self, line: &GoodsLine) -> GoodsLine {
        let mut out = GoodsLine {
            part_number: self.part_number.clone(),
            commodity_code: self.commodity_code.clone(),
            name: self.name.clone(),
            elements: self.elements.clone(),
            unit: self.unit.clone(),
            first_unit: self.first_unit.clone(),
            second_unit: self.second_unit.clone(),
            origin_country: self.origin_country.clone(),
            unit_price: self.last_unit_price.clone(),
            currency: self.last_currency.clone(),
            ..line.clone()
        };
        if let Some(total) = crate::validate::expected_line_total(&out.unit_price, &out.quantity) {
            out.total_price = format!("{total:.2}");
        }
        out
    }

    /// What is wrong with the record as the clerk saves or imports it:
    /// neither part number nor name, or a field over its line limit (the
    /// same table as the declaration's, `crate::limits`), named by the
    /// record's field.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.key().is_none() {
            out.push(Problem::error(
                "GOODS-KEY",
                "name",
                "商品名称与商品料号至少填写一项".to_owned(),
                "goods name (name): give a name or a part number".to_owned(),
            ));
        }
        let mut probe = Declaration::new(String::new(), crate::IeFlag::I);
        probe.lines.push(self.fill_line(&GoodsLine::default()));
        for o in declaration_overlong(&probe) {
            let Some(field) = o.field.strip_prefix("lines[0].") else {
                continue;
            };
            let field = match field {
                "unit_price" => "last_unit_price",
                "currency" => "last_currency",
                f => f,
            };
            let (zh, en) = crate::validate::field_label(&o.field);
            let (zh, en) = o.messages(&zh, &en);
            out.push(Problem::error(
                "GOODS-FMT",
                field,
                zh,
                en.replace(&o.field, field),
            ));
        }
        let n = Unit::Chars.measure(&self.note);
        if n > GOODS_NOTE_MAX_CHARS {
            out.push(Problem::error(
                "GOODS-FMT",
                "note",
                format!("备注最多{GOODS_NOTE_MAX_CHARS}个字符，现有{n}个"),
                format!("note (note): at most {GOODS_NOTE_MAX_CHARS} characters, {n} given"),
            ));
        }
        out
    }
}

/// Every line of `declaration` that makes a record, with its key, in line
/// order; a later line with the same key wins (it is what was declared last).
pub fn learnable_lines(declaration: &Declaration) -> Vec<(String, &GoodsLine)> {
    let mut out: Vec<(String, &GoodsLine)> = Vec::new();
    for line in &declaration.lines {
        let Some(key) = goods_key(&line.part_number, &line.commodity_code, &line.name) else {
            continue;
        };
        if let Some(slot) = out.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = line;
        } else {
            out.push((key, line));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(part: &str, code: &str, name: &str) -> GoodsLine {
        GoodsLine {
            part_number: part.into(),
            commodity_code: code.into(),
            name: name.into(),
            unit_price: "2.5".into(),
            currency: "USD".into(),
            ..Default::default()
        }
    }

    #[test]
    fn key_is_the_part_number_else_code_and_name() {
        assert_eq!(goods_key(" ab-1 ", "7318", "螺栓"), Some("P:AB-1".into()));
        assert_eq!(
            goods_key("", "7318150000", " 螺栓  M8 "),
            Some("C:7318150000|螺栓 M8".into())
        );
        assert_eq!(goods_key("ＡＢ-1", "", ""), Some("P:AB-1".into()));
        assert_eq!(goods_key("", "7318150000", "  "), None);
    }

    #[test]
    fn later_line_with_the_same_key_wins() {
        let mut d = Declaration::new(String::new(), crate::IeFlag::I);
        d.lines.push(line("P1", "1", "a"));
        d.lines.push(line("", "2", "b"));
        d.lines.push(line("p1", "3", "c"));
        let got = learnable_lines(&d);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.commodity_code, "3");
    }

    #[test]
    fn fill_keeps_quantities_and_recomputes_the_total() {
        let rec = GoodsRecord::learn(None, &line("P1", "7318150000", "螺栓"), "X", Utc::now());
        let target = GoodsLine {
            quantity: "4".into(),
            destination_country: "CHN".into(),
            ..Default::default()
        };
        let filled = rec.fill_line(&target);
        assert_eq!(filled.name, "螺栓");
        assert_eq!(filled.quantity, "4");
        assert_eq!(filled.destination_country, "CHN");
        assert_eq!(filled.total_price, "10.00");
    }

    #[test]
    fn an_older_acceptance_does_not_move_last_used_back() {
        let late = Utc::now();
        let early = late - chrono::Duration::days(1);
        let first = GoodsRecord::learn(None, &line("P1", "1", "a"), "NEW", late);
        let again = GoodsRecord::learn(Some(&first), &line("P1", "1", "a"), "OLD", early);
        assert_eq!(again.last_used, Some(late));
        assert_eq!(again.last_declaration, "NEW");
    }

    #[test]
    fn problems_name_the_record_field() {
        let rec = GoodsRecord {
            part_number: "X".repeat(33),
            ..Default::default()
        };
        let p = rec.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "part_number");
        assert!(GoodsRecord::default().problems()[0].field == "name");
    }
}
