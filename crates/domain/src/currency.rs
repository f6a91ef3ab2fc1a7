//! Currencies: the declaration uses ISO 4217 alpha-3 (`USD`), legacy and
//! e-commerce messages use the customs' own numeric codes (`502`), so the
//! client keeps a mapping between the two (币制代码对照).
//!
//! Only `142` CNY, `502` USD and `300` EUR are confirmed by the message
//! specification; the other numeric codes follow the widely reproduced
//! customs currency table and are marked as assumed in [`LEGACY_CURRENCY_CODES`].

/// One row of the mapping: alpha-3, legacy customs numeric code, and
/// whether the numeric code is confirmed by the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyCurrency {
    pub alpha: &'static str,
    pub legacy: &'static str,
    pub confirmed: bool,
}

const fn row(alpha: &'static str, legacy: &'static str, confirmed: bool) -> LegacyCurrency {
    LegacyCurrency {
        alpha,
        legacy,
        confirmed,
    }
}

/// ISO 4217 alpha-3 ↔ customs numeric currency code (海关币制代码).
pub const LEGACY_CURRENCY_CODES: &[LegacyCurrency] = &[
    row("HKD", "110", false),
    row("IDR", "112", false),
    row("JPY", "116", false),
    row("MOP", "119", false),
    row("MYR", "121", false),
    row("PHP", "129", false),
    row("SGD", "132", false),
    row("KRW", "133", false),
    row("THB", "136", false),
    row("CNY", "142", true),
    row("TWD", "143", false),
    row("EUR", "300", true),
    row("DKK", "302", false),
    row("GBP", "303", false),
    row("NOK", "326", false),
    row("SEK", "330", false),
    row("CHF", "331", false),
    row("RUB", "344", false),
    row("CAD", "501", false),
    row("USD", "502", true),
    row("AUD", "601", false),
    row("NZD", "609", false),
];

/// The legacy customs numeric code of an ISO 4217 alpha-3 currency
/// (`USD` → `502`), for legacy and e-commerce messages.
pub fn legacy_currency_code(alpha: &str) -> Option<&'static str> {
    LEGACY_CURRENCY_CODES
        .iter()
        .find(|r| r.alpha == alpha)
        .map(|r| r.legacy)
}

/// The ISO 4217 alpha-3 currency of a legacy customs numeric code (`142` → `CNY`).
pub fn currency_from_legacy_code(legacy: &str) -> Option<&'static str> {
    LEGACY_CURRENCY_CODES
        .iter()
        .find(|r| r.legacy == legacy)
        .map(|r| r.alpha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code_list::CodeLists;

    #[test]
    fn confirmed_codes() {
        assert_eq!(legacy_currency_code("CNY"), Some("142"));
        assert_eq!(legacy_currency_code("USD"), Some("502"));
        assert_eq!(legacy_currency_code("EUR"), Some("300"));
        assert_eq!(legacy_currency_code("JPY"), Some("116"));
        assert_eq!(legacy_currency_code("HKD"), Some("110"));
        assert_eq!(legacy_currency_code("GBP"), Some("303"));
        assert_eq!(legacy_currency_code("KRW"), Some("133"));
        assert_eq!(legacy_currency_code("XXX"), None);
        assert_eq!(currency_from_legacy_code("502"), Some("USD"));
        assert_eq!(currency_from_legacy_code("999"), None);
    }

    #[test]
    fn mapping_is_one_to_one_and_in_the_currency_list() {
        let lists = CodeLists::bundled();
        let mut alphas = std::collections::HashSet::new();
        let mut legacies = std::collections::HashSet::new();
        for r in LEGACY_CURRENCY_CODES {
            assert!(alphas.insert(r.alpha), "{}", r.alpha);
            assert!(legacies.insert(r.legacy), "{}", r.legacy);
            assert!(
                lists.contains("currency", r.alpha),
                "{} not in currency.json",
                r.alpha
            );
            assert_eq!(currency_from_legacy_code(r.legacy), Some(r.alpha));
        }
    }
}
