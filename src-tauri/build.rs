// App commands are declared to tauri-build so that they get permissions like
// plugin commands do; a capability must then grant each one to the window by
// name. The list is read off the `generate_handler!` call in src/lib.rs (the
// one place it is written); a test holds capabilities/main.json and the
// UI's backend.ts to it. Capabilities live beside the shell's sources
// rather than in a root folder.
include!("command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/src/lib.rs");
    let lib_rs =
        std::fs::read_to_string("src-tauri/src/lib.rs").expect("read src-tauri/src/lib.rs");
    let commands = handler_commands(&lib_rs);
    // tauri-build keeps the names for the whole build: leak them (a build
    // script is a short-lived process).
    let names: Vec<&'static str> = commands
        .into_iter()
        .map(|c| &*Box::leak(c.into_boxed_str()))
        .collect();
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("tauri build script");
}
