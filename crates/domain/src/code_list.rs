//! Code lists (代码表): dated data files, never literals in code.
//!
//! The lists ship inside the binary (`codelists/*.json`, embedded at build
//! time) and a newer file of the same name replaces a bundled one at start,
//! so a list can be updated without a release. Reading files is the caller's
//! business; this module only parses and looks up.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::code_entry::CodeEntry;
use crate::dated_data::DatedData;
use crate::elements::ElementTable;

/// A named, dated code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CodeList {
    /// Machine name, e.g. `trade_mode`.
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    /// Date of the list, `yyyy-mm-dd`; a later date replaces an earlier list.
    pub version_date: String,
    /// Where the list comes from.
    pub source: String,
    pub entries: Vec<CodeEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum CodeListError {
    #[error("code list {file} is not valid JSON: {source}")]
    Parse {
        file: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The bundled data files, embedded at build time.
const BUNDLED: &[(&str, &str)] = &[
    (
        "transport_mode.json",
        include_str!("../codelists/transport_mode.json"),
    ),
    (
        "trade_mode.json",
        include_str!("../codelists/trade_mode.json"),
    ),
    (
        "levy_kind.json",
        include_str!("../codelists/levy_kind.json"),
    ),
    (
        "duty_mode.json",
        include_str!("../codelists/duty_mode.json"),
    ),
    (
        "terms_of_sale.json",
        include_str!("../codelists/terms_of_sale.json"),
    ),
    (
        "package_kind.json",
        include_str!("../codelists/package_kind.json"),
    ),
    ("unit.json", include_str!("../codelists/unit.json")),
    ("document.json", include_str!("../codelists/document.json")),
    ("country.json", include_str!("../codelists/country.json")),
    ("currency.json", include_str!("../codelists/currency.json")),
    (
        "customs_office.json",
        include_str!("../codelists/customs_office.json"),
    ),
    ("port.json", include_str!("../codelists/port.json")),
    ("district.json", include_str!("../codelists/district.json")),
    ("receipt.json", include_str!("../codelists/receipt.json")),
    (
        "origin_criterion.json",
        include_str!("../codelists/origin_criterion.json"),
    ),
];

/// All code lists in force, by name, and the declaration element lists
/// (申报要素表) that travel with them to validation.
#[derive(Debug, Clone, Default)]
pub struct CodeLists {
    lists: BTreeMap<String, CodeList>,
    /// Shared: cloning the lists does not copy the element table.
    elements: Arc<ElementTable>,
}

impl CodeLists {
    /// The lists shipped with this release.
    pub fn bundled() -> Self {
        let mut lists = CodeLists {
            elements: Arc::new(ElementTable::bundled()),
            ..CodeLists::default()
        };
        for (file, text) in BUNDLED {
            let list = parse_code_list(file, text).expect("bundled code lists are valid (tested)");
            lists.lists.insert(list.name.clone(), list);
        }
        lists
    }

    /// Puts `list` in force unless a list of that name with a later or equal
    /// date is already there. Returns whether it replaced anything.
    pub fn offer(&mut self, list: CodeList) -> bool {
        match self.lists.get(&list.name) {
            Some(current) if !list.is_newer_than(current) => false,
            _ => {
                self.lists.insert(list.name.clone(), list);
                true
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&CodeList> {
        self.lists.get(name)
    }

    /// Whether `code` is in list `name` (false for an unknown list).
    pub fn contains(&self, name: &str, code: &str) -> bool {
        self.get(name)
            .is_some_and(|l| l.entries.iter().any(|e| e.code == code))
    }

    /// The entry for `code` in list `name`.
    pub fn lookup(&self, name: &str, code: &str) -> Option<&CodeEntry> {
        self.get(name)?.entries.iter().find(|e| e.code == code)
    }

    pub fn all(&self) -> impl Iterator<Item = &CodeList> {
        self.lists.values()
    }

    /// The declaration element lists in force (empty for `default()`).
    pub fn elements(&self) -> &ElementTable {
        &self.elements
    }

    /// Puts an element table in force (the loader's newer file).
    pub fn set_elements(&mut self, table: ElementTable) {
        self.elements = Arc::new(table);
    }
}

/// Parses one code-list file.
pub fn parse_code_list(file: &str, text: &str) -> Result<CodeList, CodeListError> {
    serde_json::from_str(text).map_err(|source| CodeListError::Parse {
        file: file.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dated_data::is_iso_date;

    #[test]
    fn every_bundled_list_is_valid() {
        assert_eq!(BUNDLED.len(), 15);
        for (file, text) in BUNDLED {
            let list = parse_code_list(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(format!("{}.json", list.name), *file, "name matches file");
            assert!(!list.entries.is_empty(), "{file} has entries");
            assert!(
                is_iso_date(&list.version_date),
                "{file} date {}",
                list.version_date
            );
            assert!(
                !list.title_zh.is_empty() && !list.title_en.is_empty(),
                "{file} titles"
            );
            assert!(
                !list.source.is_empty() && list.source != "placeholder",
                "{file} source"
            );
            let mut seen = std::collections::HashSet::new();
            for e in &list.entries {
                assert!(
                    seen.insert(e.code.as_str()),
                    "{file}: duplicate code {}",
                    e.code
                );
                assert!(
                    !e.code.is_empty() && e.code.trim() == e.code,
                    "{file}: code {:?}",
                    e.code
                );
                assert!(
                    !e.label_zh.is_empty() && !e.label_en.is_empty(),
                    "{file}: labels of {}",
                    e.code
                );
            }
        }
    }

    #[test]
    fn bundled_lists_hold_the_reference_codes() {
        let l = CodeLists::bundled();
        assert!(l.all().count() == 15);
        for (list, code) in [
            ("transport_mode", "2"),
            ("trade_mode", "0110"),
            ("levy_kind", "502"),
            ("duty_mode", "9"),
            ("terms_of_sale", "7"),
            ("package_kind", "00"),
            ("unit", "035"),
            ("document", "Y"),
            ("document", "y"),
            ("country", "CHN"),
            ("country", "ZWE"),
            ("currency", "USD"),
            ("customs_office", "0900"),
            ("port", "USA000"),
            ("port", "210200"),
            ("district", "21029"),
            ("receipt", "SpK"),
        ] {
            assert!(l.contains(list, code), "{list} {code}");
        }
        assert!(l.get("country").unwrap().entries.len() >= 249);
        assert!(l.get("currency").unwrap().entries.len() >= 40);
        assert_eq!(
            l.lookup("customs_office", "0800").unwrap().label_zh,
            "沈阳关区"
        );
        assert_eq!(l.lookup("country", "USA").unwrap().label_zh, "美国");
        // Disputed or assumed entries say so.
        for (list, code) in [
            ("levy_kind", "501"),
            ("unit", "122"),
            ("transport_mode", "G"),
            ("transport_mode", "L"),
            ("package_kind", "11"),
            ("package_kind", "12"),
        ] {
            assert!(
                !l.lookup(list, code).unwrap().note.is_empty(),
                "{list} {code} has a note"
            );
        }
        assert!(!l.contains("country", "XXX"));
        assert!(!l.contains("no_such_list", "1"));
    }

    #[test]
    fn a_newer_list_replaces_an_older_one() {
        let mut l = CodeLists::bundled();
        let mut newer = l.get("duty_mode").unwrap().clone();
        newer.version_date = "2027-01-01".into();
        newer.entries.truncate(1);
        assert!(l.offer(newer.clone()));
        assert_eq!(l.get("duty_mode").unwrap().entries.len(), 1);
        newer.version_date = "2020-01-01".into();
        assert!(!l.offer(newer));
    }
}
