//! Cell values as the text a clerk saw (单元格取值): a spreadsheet stores a
//! number as a binary double, so `0.1+0.2` is `0.30000000000000004` inside
//! the file while Excel shows `0.3`. We take the double's exact value
//! (rust_decimal), round it to 15 significant digits (what Excel shows at
//! most) and print it without exponent or trailing zeros. Dates become
//! `yyyyMMdd`, the declaration's form, from Excel serials and from the
//! ways clerks type them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Significant digits Excel keeps and shows of a number.
pub const SIGNIFICANT_DIGITS: u32 = 15;

/// The text of a numeric cell: its double rounded to 15 significant digits,
/// no exponent, no trailing zeros (`0.30000000000000004` → `0.3`, `3.0` →
/// `3`, `1234.5` → `1234.5`). `None` for NaN, infinities and magnitudes
/// beyond a decimal's range (about 7.9e28), which no declaration holds.
pub fn number_text(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some("0".into());
    }
    // The double's own value (up to 28 digits), not its shortest printing:
    // the rounding below must start from what the file holds.
    let exact = Decimal::from_f64_retain(value)?;
    let rounded = exact.round_sf(SIGNIFICANT_DIGITS)?.normalize();
    Some(rounded.to_string())
}

/// The text of an integer cell (an `.xls` or ODS may store integers).
pub fn integer_text(value: i64) -> String {
    value.to_string()
}

/// The date of an Excel serial (1900 date system: day 1 is 1900-01-01,
/// with Excel's phantom 1900-02-29 at 60; 1904 system when `is_1904`); the
/// time of day is dropped. `None` outside 1900–9999.
pub fn serial_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 60 {
        // Before Excel's invented 29 February 1900.
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// `yyyyMMdd` of `date`.
pub fn date_text(date: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// The date in `text` as clerks type it: `2026-11-05`, `2026/11/5`,
/// `2026.11.5`, `20261105`, `2026年11月5日`, each optionally followed by a
/// time (`2026-11-05 00:00:00`, `2026-11-05T08:00`), which is dropped.
/// `None` when it is not one of these or not a real day.
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    // Drop a time part: after a space or a `T` that follows the date.
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y = t[..4].parse().ok()?;
        let m = t[4..6].parse().ok()?;
        let d = t[6..].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 {
        return None;
    }
    let ok = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts[0].len() != 4 || !ok(parts[0], 4) || !ok(parts[1], 2) || !ok(parts[2], 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    )
}

/// `text` as an exact decimal when it reads as a plain number: optional
/// sign, digits, one point; thousands separators (`1,234.5`) and blanks
/// around are allowed, as spreadsheets show them.
pub fn parse_number_text(text: &str) -> Option<Decimal> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    if t.is_empty() || t.contains(['e', 'E']) {
        return None;
    }
    t.parse::<Decimal>().ok()
}

/// `value` as text without trailing zeros (and no exponent).
pub fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_read_as_shown() {
        assert_eq!(number_text(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(number_text(1234.5).as_deref(), Some("1234.5"));
        assert_eq!(number_text(3.0).as_deref(), Some("3"));
        assert_eq!(number_text(1.005).as_deref(), Some("1.005"));
        assert_eq!(number_text(2.675).as_deref(), Some("2.675"));
        assert_eq!(number_text(-0.5).as_deref(), Some("-0.5"));
        assert_eq!(number_text(8471300000.0).as_deref(), Some("8471300000"));
        assert_eq!(number_text(1e20).as_deref(), Some("100000000000000000000"));
        assert_eq!(number_text(0.000012345).as_deref(), Some("0.000012345"));
        assert_eq!(
            number_text(123_456_789.123_456_79).as_deref(),
            Some("123456789.123457")
        );
        assert_eq!(number_text(f64::NAN), None);
        assert_eq!(number_text(1e30), None);
    }

    #[test]
    fn serials_are_days() {
        let d = |s| serial_date(s, false).map(date_text);
        assert_eq!(d(46331.0).as_deref(), Some("20261105"));
        assert_eq!(d(46331.75).as_deref(), Some("20261105"));
        assert_eq!(d(1.0).as_deref(), Some("19000101"));
        assert_eq!(d(61.0).as_deref(), Some("19000301"));
        assert_eq!(
            serial_date(44869.0, true).map(date_text).as_deref(),
            Some("20261105")
        );
        assert_eq!(d(0.0), None);
    }

    #[test]
    fn typed_dates() {
        for t in [
            "2026-11-05",
            "2026/11/5",
            "20261105",
            "2026年11月5日",
            "2026.11.05",
            " 2026-11-05 00:00:00",
        ] {
            assert_eq!(
                parse_date_text(t).map(date_text).as_deref(),
                Some("20261105"),
                "{t}"
            );
        }
        for t in [
            "2026-13-01",
            "26/11/5",
            "tomorrow",
            "2026-02-30",
            "202611051",
        ] {
            assert_eq!(parse_date_text(t), None, "{t}");
        }
    }

    #[test]
    fn typed_numbers() {
        assert_eq!(
            parse_number_text("1,234.50").map(decimal_text).as_deref(),
            Some("1234.5")
        );
        assert_eq!(
            parse_number_text(" -3 ").map(decimal_text).as_deref(),
            Some("-3")
        );
        assert_eq!(parse_number_text("12.5x"), None);
        assert_eq!(parse_number_text("1e5"), None);
    }
}
