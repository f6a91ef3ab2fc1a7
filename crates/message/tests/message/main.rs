//! The message crate's one test binary: round trips (fixtures and 1,000
//! generated declarations), hand-written messages from the contract,
//! malformed input and limits, and unmodelled blocks kept.

mod exchange;
mod extensions;
mod generated;
mod handwritten;
mod malformed;
mod modification;
mod props;
mod roundtrip;
mod unmodelled;

use std::path::PathBuf;

use portdesk_domain::Declaration;
use portdesk_message::{read, write, ReadMessage, WriteOptions};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn message_fixture(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/fixtures/decmessage").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read_fixture(name: &str) -> ReadMessage {
    read(&message_fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every `tests/fixtures/*.json` that is one declaration.
pub fn json_fixtures() -> Vec<(String, Declaration)> {
    let mut out = Vec::new();
    let dir = repo_root().join("tests/fixtures");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(d) = serde_json::from_str::<Declaration>(&text) {
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), d));
        }
    }
    out
}

/// JSON → message → JSON: the declaration read back, with the fields a
/// message cannot carry taken from the draft as the app does.
pub fn through_message(d: &Declaration, opts: &WriteOptions) -> (Vec<u8>, ReadMessage) {
    let bytes = write(d, opts).unwrap_or_else(|e| panic!("write: {e}"));
    let mut back = read(&bytes)
        .unwrap_or_else(|e| panic!("read back: {e}\n{}", String::from_utf8_lossy(&bytes)));
    portdesk_message::keep_draft_only_fields(&mut back.declaration, d);
    (bytes, back)
}
