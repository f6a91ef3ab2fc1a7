//! The JSON Schema of the interchange form of a declaration, so other tools
//! can check a file before handing it to PortDesk. The lead publishes it as
//! `docs/formats/declaration.schema.json` through the CLI.

use crate::declaration::Declaration;

/// JSON Schema (draft 2020-12, as schemars 1.x produces it) of [`Declaration`].
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Declaration)).expect("a schema is plain JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_describes_the_declaration() {
        let s = json_schema();
        assert_eq!(s["title"], "Declaration");
        let props = s["properties"].as_object().unwrap();
        for key in [
            "client_seq_no",
            "filing_mode",
            "head",
            "lines",
            "containers",
            "documents",
            "edocs",
        ] {
            assert!(props.contains_key(key), "{key}");
        }
        let text = s.to_string();
        assert!(text.contains("gross_weight"));
        assert!(text.contains("commodity_code"));
        assert!(text.contains("two_step_summary"));
    }
}
