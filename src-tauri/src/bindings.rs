//! The TypeScript types of every command payload, generated from the Rust
//! types with ts-rs into `ui/src/lib/bindings.ts`. The test fails when the
//! committed file is stale; `UPDATE_BINDINGS=1 cargo test bindings` rewrites it.

use portdesk_domain::code_list::{CodeEntry, CodeList};
use portdesk_domain::paperless::RequiredDocument;
use portdesk_domain::{
    AttachedDocument, Charge, Container, Declaration, DraftMeta, DraftPage, DraftQuery,
    DraftStatus, ElectronicAttachment, FilingMode, GoodsLine, Head, IeFlag, Problem, Purpose,
    RevisionMeta, Severity,
};
use portdesk_drafts::{DraftView, SaveResult};
use ts_rs::{Config, TS};

use crate::commands::AppInfo;
use crate::error::ApiError;

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/bindings.ts");

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

fn generate() -> String {
    // i64/u64 values here (revision numbers, counts) stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p portdesk bindings` instead.\n\n",
    );
    for d in [
        decl::<IeFlag>(&cfg),
        decl::<FilingMode>(&cfg),
        decl::<Charge>(&cfg),
        decl::<Head>(&cfg),
        decl::<GoodsLine>(&cfg),
        decl::<Container>(&cfg),
        decl::<AttachedDocument>(&cfg),
        decl::<ElectronicAttachment>(&cfg),
        decl::<Declaration>(&cfg),
        decl::<Severity>(&cfg),
        decl::<Purpose>(&cfg),
        decl::<Problem>(&cfg),
        decl::<CodeEntry>(&cfg),
        decl::<CodeList>(&cfg),
        decl::<DraftStatus>(&cfg),
        decl::<DraftMeta>(&cfg),
        decl::<RevisionMeta>(&cfg),
        decl::<DraftQuery>(&cfg),
        decl::<DraftPage>(&cfg),
        decl::<DraftView>(&cfg),
        decl::<SaveResult>(&cfg),
        decl::<AppInfo>(&cfg),
        decl::<RequiredDocument>(&cfg),
        decl::<ApiError>(&cfg),
    ] {
        out.push_str(&d);
        out.push('\n');
    }
    // Every code an ApiError can carry, so the UI can prove each is translated.
    let codes: Vec<String> = portdesk_drafts::error_codes()
        .into_iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str(&format!(
        "export const ERROR_CODES = [{}] as const;\n",
        codes.join(", ")
    ));
    // Every draft status, so the UI can prove each has a label.
    let statuses: Vec<String> = DraftStatus::ALL
        .iter()
        .map(|s| format!("\"{}\"", s.as_str()))
        .collect();
    out.push_str(&format!(
        "export const DRAFT_STATUSES = [{}] as const;\n",
        statuses.join(", ")
    ));
    out
}

#[test]
fn bindings_are_fresh() {
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p portdesk bindings` and commit it"
    );
}
