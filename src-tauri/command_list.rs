// The one list of the app's commands is the `generate_handler!` call in
// src/lib.rs. This reads it, for build.rs (which declares each command to
// tauri-build so it gets a permission) and for the test that holds the
// capability file and the UI's backend.ts to the same list. Included with
// `include!` by both, so it uses nothing but std.

/// The command names in the `generate_handler![...]` block of `lib_rs`
/// (`module::name,` lines; the name is the part after the last `::`).
pub fn handler_commands(lib_rs: &str) -> Vec<String> {
    let start = lib_rs
        .find("generate_handler![")
        .expect("src/lib.rs has a generate_handler! list");
    let rest = &lib_rs[start + "generate_handler![".len()..];
    let end = rest.find(']').expect("generate_handler! list is closed");
    rest[..end]
        .split(',')
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .map(|item| item.rsplit("::").next().unwrap_or(item).trim().to_owned())
        .collect()
}
