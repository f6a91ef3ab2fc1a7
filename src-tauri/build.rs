// App commands are declared here so that they get permissions like plugin
// commands do; a capability must then grant each one to the window by name.
// Capabilities live beside the shell's sources rather than in a root folder.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(&[
                "app_info",
                "code_lists",
                "create_declaration",
                "save_declaration",
                "get_declaration",
                "list_drafts",
                "draft_history",
                "get_revision",
                "restore_revision",
                "trash_draft",
                "untrash_draft",
                "empty_trash",
                "validate_declaration",
                "required_attachments",
            ])),
    )
    .expect("tauri build script");
}
