//! Declaration elements (申报要素): the ordered list of facts customs asks
//! for per commodity code, and the `elements` text (规格型号, GModel) they
//! are joined into.
//!
//! The lists are dated reference data (`data/declaration_elements.json`,
//! embedded at build time; a newer file of the same name in the data dir
//! replaces it, see [`crate::dated_data`]). Every entry names the pages it
//! was seen on and whether that was an official text (`confirmed`) or a
//! reference site or client (`assumed`); the file format is
//! docs/formats/declaration-elements.md.
//!
//! [`split`] and [`join`] turn the text into one value per element and back:
//! values are joined with `|` in the list's order, a grouped tail (if the
//! list has one) is written as one `<a><b><c>` part at the end, trailing
//! empty parts are not written, and parts beyond the list are kept so
//! nothing typed is lost.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::code_entry::CodeEntry;
use crate::dated_data::DatedData;

/// Name of the data file, bundled and in the data dir's `data/` folder.
pub const ELEMENTS_FILE_NAME: &str = "declaration_elements.json";

const BUNDLED: &str = include_str!("../data/declaration_elements.json");

/// Separator of elements in the text, as the message requires.
pub const SEPARATOR: char = '|';

/// What an element holds (要素类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    /// 品牌类型, a code 0–4.
    BrandType,
    /// 出口享惠情况, a code 0–3 (3 on imports).
    ExportPreference,
    /// A code from the element's own list of values.
    List,
    /// GTIN (商品条码).
    Gtin,
    /// CAS registry number.
    Cas,
    /// Free text.
    Text,
}

impl ElementKind {
    /// Whether the element's value must be one of its allowed values.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            ElementKind::BrandType | ElementKind::ExportPreference | ElementKind::List
        )
    }
}

/// How an entry was sourced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// Seen in an official text (海关总署 catalogue or notice).
    Confirmed,
    /// Seen on a reference site or in a client's code.
    Assumed,
}

/// One element (要素) of a commodity code's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Element {
    /// 要素名称 as the source gives it, e.g. `形状(卷板、平板等)`.
    pub name_zh: String,
    pub name_en: String,
    /// Whether the element must be filled (必填).
    pub required: bool,
    pub kind: ElementKind,
    /// Name of a shared list in the file's `value_lists` the values come
    /// from; resolved into `allowed` when the file is read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(skip)]
    pub values: String,
    /// The allowed values where the element is a list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<CodeEntry>,
}

impl Element {
    /// Whether `value` is allowed (any value where the element is no list).
    pub fn allows(&self, value: &str) -> bool {
        self.allowed.is_empty() || self.allowed.iter().any(|e| e.code == value)
    }
}

/// The element list of one commodity code (or of every code under a
/// shorter prefix the source gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ElementList {
    /// 10-digit commodity code, or a 4–8 digit prefix covering the codes
    /// under it that have no entry of their own.
    pub code: String,
    /// 商品名称 as the source gives it.
    pub name: String,
    /// The elements, in the order they are joined.
    pub elements: Vec<Element>,
    /// Grouped tail elements, joined as one `<a><b>` part after `elements`
    /// (empty where the source shows no group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<Element>,
    /// Addresses of the pages or texts the list was seen in.
    pub seen_in: Vec<String>,
    pub status: SourceStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The file as written: shared value lists referenced by name.
#[derive(Deserialize)]
struct RawFile {
    version_date: String,
    source: String,
    #[serde(default)]
    value_lists: BTreeMap<String, Vec<CodeEntry>>,
    entries: Vec<ElementList>,
}

/// All element lists in force (申报要素表), dated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFile")]
pub struct ElementTable {
    /// Date of the file, `yyyy-mm-dd`; a later date replaces an earlier file.
    pub version_date: String,
    /// Where the lists come from.
    pub source: String,
    /// Shared lists of values, kept so a serialised table reads back.
    pub value_lists: BTreeMap<String, Vec<CodeEntry>>,
    pub entries: Vec<ElementList>,
    /// Position of each code in `entries`.
    #[serde(skip)]
    index: BTreeMap<String, usize>,
}

impl TryFrom<RawFile> for ElementTable {
    type Error = String;

    /// Resolves value-list names and checks what a lookup relies on:
    /// digits-only unique codes, named elements, lists with values.
    fn try_from(raw: RawFile) -> Result<Self, String> {
        let mut entries = raw.entries;
        let mut index = BTreeMap::new();
        for (i, entry) in entries.iter_mut().enumerate() {
            let code = entry.code.clone();
            if !(4..=10).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("entry {i}: code {code:?} is not 4 to 10 digits"));
            }
            if index.insert(code.clone(), i).is_some() {
                return Err(format!("entry {i}: code {code} appears twice"));
            }
            if entry.elements.is_empty() {
                return Err(format!("code {code}: no elements"));
            }
            for e in entry.elements.iter_mut().chain(entry.group.iter_mut()) {
                if e.name_zh.trim().is_empty() {
                    return Err(format!("code {code}: an element has no name"));
                }
                if !e.values.is_empty() && e.allowed.is_empty() {
                    e.allowed = raw
                        .value_lists
                        .get(&e.values)
                        .ok_or_else(|| format!("code {code}: no value list {:?}", e.values))?
                        .clone();
                }
                if e.kind.is_list() && e.allowed.is_empty() {
                    return Err(format!(
                        "code {code}: element {} is a list without values",
                        e.name_zh
                    ));
                }
            }
        }
        Ok(ElementTable {
            version_date: raw.version_date,
            source: raw.source,
            value_lists: raw.value_lists,
            entries,
            index,
        })
    }
}

impl DatedData for ElementTable {
    fn version_date(&self) -> &str {
        &self.version_date
    }
}

impl Default for ElementTable {
    /// An empty table: every code is "not in the file".
    fn default() -> Self {
        ElementTable {
            version_date: String::new(),
            source: String::new(),
            value_lists: BTreeMap::new(),
            entries: Vec::new(),
            index: BTreeMap::new(),
        }
    }
}

impl ElementTable {
    /// The table shipped with this release.
    pub fn bundled() -> Self {
        Self::parse(BUNDLED).expect("the bundled element lists are valid (tested)")
    }

    /// Parses a table file.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The list for `code`: its own entry, else the entry of the longest
    /// shorter prefix of it the file gives (a subheading's shared list).
    pub fn lookup(&self, code: &str) -> Option<&ElementList> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        if let Some(&i) = self.index.get(code) {
            return Some(&self.entries[i]);
        }
        (4..code.len().min(10))
            .rev()
            .filter(|&n| code.is_char_boundary(n))
            .find_map(|n| self.index.get(&code[..n]))
            .map(|&i| &self.entries[i])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// An `elements` text split against a list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitElements {
    /// One value per element of the list, `""` where the text has none.
    pub values: Vec<String>,
    /// One value per grouped element (empty when the list has no group).
    pub group: Vec<String>,
    /// Parts of the text beyond the list, in order: kept, never dropped.
    pub extra: Vec<String>,
}

/// Splits `text` into a value per element of `list`. Never loses text:
/// `join(list, &split(list, t))` is `t` for every text without trailing
/// empty parts or a short group (see [`join`]).
pub fn split(list: &ElementList, text: &str) -> SplitElements {
    let mut parts: Vec<&str> = if text.is_empty() {
        Vec::new()
    } else {
        text.split(SEPARATOR).collect()
    };
    let n = list.elements.len();
    let mut values: Vec<String> = parts.iter().take(n).map(|s| (*s).to_owned()).collect();
    values.resize(n, String::new());
    let rest = if parts.len() > n {
        parts.split_off(n)
    } else {
        Vec::new()
    };
    let mut group = vec![String::new(); list.group.len()];
    let mut extra: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
    // The part after the list is the group when it reads as one; else it
    // is kept as typed, with whatever follows.
    if let Some(g) = rest
        .first()
        .filter(|_| !list.group.is_empty())
        .and_then(|p| parse_group(p, list.group.len()))
    {
        group = g;
        extra.remove(0);
    }
    SplitElements {
        values,
        group,
        extra,
    }
}

/// `<a><b><c>` → `[a, b, c]`, when it has no more parts than the group
/// (missing ones are empty) and nothing outside the brackets.
fn parse_group(part: &str, len: usize) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = part;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('<')?;
        let end = inner.find('>')?;
        let value = &inner[..end];
        if value.contains('<') {
            return None;
        }
        out.push(value.to_owned());
        rest = &inner[end + 1..];
    }
    if out.is_empty() || out.len() > len {
        return None;
    }
    out.resize(len, String::new());
    Some(out)
}

/// Joins values into the `elements` text: the list's values in order, the
/// group as one `<a><b>` part (every grouped element, `<>` where empty)
/// when any of it is filled, then the extra parts; all with `|`. Trailing
/// empty parts are not written: customs reads a missing element as empty,
/// and the text stays what was typed.
pub fn join(list: &ElementList, split: &SplitElements) -> String {
    let mut parts: Vec<String> = (0..list.elements.len())
        .map(|i| split.values.get(i).cloned().unwrap_or_default())
        .collect();
    if split.group.iter().any(|v| !v.is_empty()) {
        parts.push(split.group.iter().map(|v| format!("<{v}>")).collect());
    }
    parts.extend(split.extra.iter().cloned());
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dated_data::is_iso_date;

    fn list_with_group() -> ElementList {
        let mut list = ElementTable::bundled()
            .lookup("7210490000")
            .unwrap()
            .clone();
        list.elements.truncate(4);
        list.group = ElementTable::bundled()
            .lookup("8471309000")
            .unwrap()
            .elements[5..8]
            .to_vec();
        list
    }

    #[test]
    fn the_bundled_file_is_valid_and_sourced() {
        let t = ElementTable::bundled();
        assert!(is_iso_date(&t.version_date), "{}", t.version_date);
        assert!(!t.source.is_empty());
        assert!(t.len() >= 40, "{} entries", t.len());
        let mut codes = std::collections::BTreeSet::new();
        for e in &t.entries {
            assert!(codes.insert(e.code.as_str()), "duplicate {}", e.code);
            assert!(
                e.code.len() == 10 || (4..=8).contains(&e.code.len()),
                "{}",
                e.code
            );
            assert!(!e.name.is_empty(), "{} name", e.code);
            assert!(!e.seen_in.is_empty(), "{} seen_in", e.code);
            assert!(
                e.seen_in.iter().all(|s| s.starts_with("http")),
                "{} seen_in is an address",
                e.code
            );
            // Every list of the catalogue starts with brand type and preference.
            assert_eq!(e.elements[0].kind, ElementKind::BrandType, "{}", e.code);
            assert_eq!(
                e.elements[1].kind,
                ElementKind::ExportPreference,
                "{}",
                e.code
            );
            for el in e.elements.iter().chain(&e.group) {
                assert!(
                    !el.name_zh.is_empty() && !el.name_en.is_empty(),
                    "{}",
                    e.code
                );
                assert_eq!(
                    el.kind.is_list(),
                    !el.allowed.is_empty(),
                    "{} {}",
                    e.code,
                    el.name_zh
                );
            }
        }
        // The chapters our users file most.
        let chapters: std::collections::BTreeSet<&str> =
            t.entries.iter().map(|e| &e.code[..2]).collect();
        for ch in ["03", "16", "72", "84", "85", "94"] {
            assert!(chapters.contains(ch), "chapter {ch}");
        }
        let brand = &t.lookup("7210490000").unwrap().elements[0];
        let codes: Vec<&str> = brand.allowed.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["0", "1", "2", "3", "4"]);
        let pref = &t.lookup("7210490000").unwrap().elements[1];
        assert_eq!(pref.allowed.len(), 4);
    }

    #[test]
    fn lookup_takes_the_code_then_the_longest_prefix() {
        let t = ElementTable::bundled();
        assert_eq!(t.lookup("8471309000").unwrap().code, "8471309000");
        // No entry of its own: the subheading's list.
        assert_eq!(t.lookup("8471300000").unwrap().code, "847130");
        assert_eq!(t.lookup(" 7210490000 ").unwrap().code, "7210490000");
        assert!(t.lookup("7208390000").is_none());
        assert!(t.lookup("").is_none());
        assert!(t.lookup("84").is_none());
        assert!(t.lookup("热轧钢板").is_none());
    }

    #[test]
    fn a_broken_file_is_refused_naming_the_code() {
        let bad_list = BUNDLED.replace("\"values\": \"brand_type\"", "\"values\": \"nope\"");
        let e = ElementTable::parse(&bad_list).unwrap_err().to_string();
        assert!(e.contains("no value list"), "{e}");
        let dup = BUNDLED.replace("\"code\": \"7219120000\"", "\"code\": \"7210490000\"");
        let e = ElementTable::parse(&dup).unwrap_err().to_string();
        assert!(e.contains("7210490000 appears twice"), "{e}");
        let letters = BUNDLED.replace("\"code\": \"7219120000\"", "\"code\": \"72A9\"");
        assert!(ElementTable::parse(&letters).is_err());
    }

    #[test]
    fn split_and_join_keep_every_part() {
        let t = ElementTable::bundled();
        let list = t.lookup("7210490000").unwrap();
        let s = split(list, "0|0|卷板");
        assert_eq!(s.values.len(), list.elements.len());
        assert_eq!(s.values[..3], ["0", "0", "卷板"]);
        assert!(s.values[3..].iter().all(String::is_empty));
        assert_eq!(join(list, &s), "0|0|卷板");
        // Parts beyond the list are kept.
        let long = format!("{}|x|y", vec!["a"; list.elements.len()].join("|"));
        let s = split(list, &long);
        assert_eq!(s.extra, ["x", "y"]);
        assert_eq!(join(list, &s), long);
        // Inner empties stay, trailing ones are not written.
        assert_eq!(join(list, &split(list, "0||a")), "0||a");
        assert_eq!(join(list, &split(list, "0|0|a||")), "0|0|a");
        assert_eq!(join(list, &split(list, "")), "");
    }

    #[test]
    fn a_grouped_tail_is_one_part() {
        let list = list_with_group();
        let s = split(&list, "0|0|卷板|铁|<6901234567892><><无>");
        assert_eq!(s.group, ["6901234567892", "", "无"]);
        assert!(s.extra.is_empty());
        assert_eq!(join(&list, &s), "0|0|卷板|铁|<6901234567892><><无>");
        // A short group is padded (and written whole); not a group is kept
        // as it was typed.
        let s = split(&list, "0|0|a|b|<g>");
        assert_eq!(s.group, ["g", "", ""]);
        assert_eq!(join(&list, &s), "0|0|a|b|<g><><>");
        let s = split(&list, "0|0|a|b|free text|more");
        assert_eq!(s.extra, ["free text", "more"]);
        assert_eq!(join(&list, &s), "0|0|a|b|free text|more");
        let s = split(&list, "0|0|a|b||more");
        assert_eq!(s.extra, ["", "more"]);
        assert_eq!(join(&list, &s), "0|0|a|b||more");
    }
}
