//! PortDesk's domain: the customs declaration, its code lists and the rules
//! the authorities apply to it. Pure data and functions: no I/O, no Tauri,
//! no SQL, no HTTP, so it builds and tests in seconds.

pub mod checksum;
pub mod client_seq_no;
pub mod code_list;
pub mod currency;
pub mod declaration;
pub mod draft;
pub mod problem;
pub mod schema;
pub mod validate;

pub use client_seq_no::client_seq_no_for;
pub use code_list::{CodeEntry, CodeList, CodeLists};
pub use currency::{currency_from_legacy_code, legacy_currency_code};
pub use declaration::*;
pub use draft::{DraftMeta, DraftPage, DraftQuery, DraftStatus, RevisionMeta, SaveInfo};
pub use problem::{Problem, Purpose, Severity};
pub use schema::json_schema;
pub use validate::{default_levy_kind, expected_duty_mode, parse_decimal, validate_declaration};
