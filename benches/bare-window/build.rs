fn main() {
    // One app command, granted to the window by capabilities/default.json.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["mark"])),
    )
    .expect("tauri build script");
}
