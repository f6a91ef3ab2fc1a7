//! The rules kernel (规则内核): what every family of rules shares — the
//! declaration's (`DEC-*`, `validate`), the certificate of origin's
//! (`COO-*`, `origin::check`), the tax and guarantee rules (`TAX-*`,
//! `guarantee::rules`) and the paperless measure (`paperless`).
//!
//! A leaf: it depends on nothing of the rule families, so they can all
//! depend on it without importing each other.

mod number;

pub use number::{parse_decimal, DecimalError};

use crate::problem::Severity;

/// One entry of a rule catalogue, for documentation and UI legends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    /// The severity the rule reports with. `DEC-X10` reports untrimmed text
    /// as a warning and everything else as an error.
    pub severity: Severity,
    pub title_zh: &'static str,
    pub title_en: &'static str,
}

impl RuleInfo {
    /// A catalogue entry (const, for the families' `RULES` tables).
    pub const fn new(
        id: &'static str,
        severity: Severity,
        title_zh: &'static str,
        title_en: &'static str,
    ) -> RuleInfo {
        RuleInfo {
            id,
            severity,
            title_zh,
            title_en,
        }
    }
}

/// Whether a text field counts as filled in: anything but blanks.
pub(crate) fn filled(s: &str) -> bool {
    !s.trim().is_empty()
}

/// Most characters of a value a message quotes: enough to recognise it,
/// and a pasted megabyte never becomes a megabyte-long message.
pub(crate) const QUOTE_CHARS: usize = 40;

/// `value` as a message quotes it: escaped, cut at [`QUOTE_CHARS`] with `…`.
pub(crate) fn shown(value: &str) -> String {
    let mut chars = value.chars();
    let mut out: String = chars
        .by_ref()
        .take(QUOTE_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_not_filled() {
        assert!(!filled(""));
        assert!(!filled(" \t\u{3000}"));
        assert!(filled(" a "));
    }

    #[test]
    fn long_values_are_quoted_cut() {
        assert_eq!(shown("a\tb"), "a\\tb");
        let long = "x".repeat(1000);
        let q = shown(&long);
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(shown(&"x".repeat(QUOTE_CHARS)), "x".repeat(QUOTE_CHARS));
    }
}
