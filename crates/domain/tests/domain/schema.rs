//! The published JSON Schema (docs/formats/declaration.schema.json) is
//! generated from the Rust types; this fails when it is stale.
//! `UPDATE_SCHEMA=1 cargo test -p portdesk-domain --test schema` rewrites it.

use std::path::Path;

#[test]
fn published_schema_matches_the_types() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/formats/declaration.schema.json");
    let fresh =
        serde_json::to_string_pretty(&portdesk_domain::schema::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/formats/declaration.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p portdesk-domain --test schema`"
    );
}

#[test]
fn valid_sample_conforms_to_the_schema_shape() {
    // The schema names every head field the sample uses.
    let schema = portdesk_domain::schema::json_schema();
    let sample: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../tests/fixtures/declaration-valid.json"
    ))
    .unwrap();
    let head_props = &schema["$defs"]["Head"]["properties"];
    for key in sample["head"].as_object().unwrap().keys() {
        assert!(head_props.get(key).is_some(), "schema lacks head.{key}");
    }
}
