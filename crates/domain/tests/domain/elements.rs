//! Declaration elements against the repository's fixtures: every
//! `elements` text of every fixture declaration and message splits and
//! joins back unchanged, and the shared split/join cases (also run by the
//! UI's `elements.test.ts`) give the documented values.

use std::path::{Path, PathBuf};

use portdesk_domain::elements::{join, split, ElementList, ElementTable};
use portdesk_domain::limits::Unit;
use serde::Deserialize;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// (file, commodity code, elements) of every goods line in the JSON
/// declarations and the declaration messages of `tests/fixtures`.
fn fixture_elements() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .chain(std::fs::read_dir(fixtures().join("decmessage")).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                for line in v["lines"].as_array().into_iter().flatten() {
                    if let Some(text) = line["elements"].as_str() {
                        let code = line["commodity_code"].as_str().unwrap_or_default();
                        out.push((name.clone(), code.to_owned(), text.to_owned()));
                    }
                }
            }
            Some("xml") => {
                let bytes = std::fs::read(&path).unwrap();
                let text = match String::from_utf8(bytes.clone()) {
                    Ok(t) => t,
                    Err(_) => encoding_rs::GBK.decode(&bytes).0.into_owned(),
                };
                let codes = tag_values(&text, "CodeTS");
                for (i, model) in tag_values(&text, "GModel").into_iter().enumerate() {
                    let code = codes.get(i).cloned().unwrap_or_default();
                    out.push((name.clone(), code, model));
                }
            }
            _ => {}
        }
    }
    out
}

/// The text of every `<tag>…</tag>`, XML escapes resolved.
fn tag_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(
            after[..end]
                .replace("&#43;", "+")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &after[end..];
    }
    out
}

#[test]
fn every_fixture_text_splits_and_joins_back() {
    let table = ElementTable::bundled();
    let all = fixture_elements();
    assert!(all.len() >= 8, "{all:?}");
    // Against each line's own list where the file has one, and against a
    // short and a long list of other chapters (extra parts, padding).
    let short = table.lookup("8428200000").unwrap();
    let long = table.lookup("7204210010").unwrap();
    let mut own = 0;
    for (file, code, text) in &all {
        let mut lists: Vec<&ElementList> = vec![short, long];
        if let Some(l) = table.lookup(code) {
            lists.push(l);
            own += 1;
        }
        for list in lists {
            let s = split(list, text);
            assert_eq!(s.values.len(), list.elements.len());
            assert_eq!(&join(list, &s), text, "{file} {code} against {}", list.code);
        }
    }
    // 7210490000 (valid, invalid and the empties message) and 8471300000.
    assert!(own >= 3, "{own} fixture lines have a list");
}

#[derive(Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    #[serde(default)]
    code: String,
    list: Option<ElementList>,
    values: Vec<String>,
    group: Vec<String>,
    extra: Vec<String>,
    joined: String,
    gbk_bytes: usize,
}

#[test]
fn the_shared_split_join_cases_hold() {
    let cases: Cases = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("elements-split-join.json")).unwrap(),
    )
    .unwrap();
    let table = ElementTable::bundled();
    assert!(cases.cases.len() >= 10);
    for c in &cases.cases {
        let list = c
            .list
            .as_ref()
            .or_else(|| table.lookup(&c.code))
            .unwrap_or_else(|| panic!("no list for {}", c.code));
        let s = split(list, &c.text);
        let mut values = s.values.clone();
        while values.last().is_some_and(String::is_empty) {
            values.pop();
        }
        assert_eq!(values, c.values, "{:?}", c.text);
        assert_eq!(s.group.len(), list.group.len());
        if !c.group.is_empty() {
            assert_eq!(s.group, c.group, "{:?}", c.text);
        }
        assert_eq!(s.extra, c.extra, "{:?}", c.text);
        assert_eq!(join(list, &s), c.joined, "{:?}", c.text);
        assert_eq!(
            Unit::GbkBytes.measure(&c.joined),
            c.gbk_bytes,
            "{:?}",
            c.joined
        );
    }
}
