//! The command list is written once (`generate_handler!` in lib.rs; build.rs
//! reads it from there): the capability file and the UI's only door to the
//! app, `ui/src/lib/backend.ts`, must name exactly the same commands.

use std::collections::BTreeSet;
use std::path::Path;

include!("../command_list.rs");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn commands() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(root().join("src-tauri/src/lib.rs")).unwrap();
    let list = handler_commands(&lib);
    let set: BTreeSet<String> = list.iter().cloned().collect();
    assert_eq!(set.len(), list.len(), "a command is listed twice: {list:?}");
    set
}

#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let text = std::fs::read_to_string(root().join("src-tauri/capabilities/main.json")).unwrap();
    let cap: serde_json::Value = serde_json::from_str(&text).unwrap();
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        granted,
        commands(),
        "src-tauri/capabilities/main.json must grant allow-<command> for each command of \
         generate_handler! in src-tauri/src/lib.rs, and nothing else"
    );
}

#[test]
fn the_ui_calls_exactly_the_listed_commands() {
    let text = std::fs::read_to_string(root().join("ui/src/lib/backend.ts")).unwrap();
    // Every command goes through `call('name', …)` (or `call<T>('name', …)`).
    let mut called = BTreeSet::new();
    for (i, _) in text.match_indices("call") {
        let rest = &text[i + 4..];
        let rest = match rest.strip_prefix('<') {
            Some(r) => &r[r.find('>').map_or(0, |e| e + 1)..],
            None => rest,
        };
        let Some(rest) = rest.strip_prefix("('") else {
            continue;
        };
        if let Some(end) = rest.find('\'') {
            called.insert(rest[..end].to_owned());
        }
    }
    assert_eq!(
        called,
        commands(),
        "ui/src/lib/backend.ts must call each command of generate_handler! in \
         src-tauri/src/lib.rs, and no other"
    );
}
