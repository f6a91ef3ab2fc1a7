//! Dated reference data (代码表、申报要素、税率、汇率): files that ship inside
//! the binary and that a newer file of the same name in the data dir
//! replaces, so reference data can be updated without a release.
//!
//! Code lists, declaration element lists, tariff rates and exchange rates
//! all follow the same rule: the file with the later `version_date` wins.
//! Reading the file is the caller's business (`portdesk_drafts::data_files`).

/// Reference data with a `yyyy-mm-dd` date; a later date replaces an
/// earlier copy of the same data.
pub trait DatedData {
    /// The date the data is valid from, `yyyy-mm-dd` (compares as text).
    fn version_date(&self) -> &str;

    /// Whether `self` should replace `current`.
    fn is_newer_than(&self, current: &Self) -> bool {
        self.version_date() > current.version_date()
    }
}

impl DatedData for crate::CodeList {
    fn version_date(&self) -> &str {
        &self.version_date
    }
}

/// Whether `s` is a real `yyyy-mm-dd` date: what every bundled file's date
/// must be (tests of each data set call it).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_checked_for_shape_and_calendar() {
        assert!(is_iso_date("2026-12-01"));
        assert!(!is_iso_date("2026-02-30"));
        assert!(!is_iso_date("2026-1-01"));
        assert!(!is_iso_date("20261201"));
    }
}
