//! PortDesk's domain: the customs declaration, its code lists and the rules
//! the authorities apply to it. Pure data and functions: no I/O, no Tauri,
//! no SQL, no HTTP, so it builds and tests in seconds.

pub mod checksum;
pub mod client_seq_no;
pub mod code_list;
pub mod declaration;
pub mod draft;
pub mod problem;
pub mod validate;

pub use client_seq_no::client_seq_no_for;
pub use code_list::{CodeEntry, CodeList, CodeLists};
pub use declaration::*;
pub use draft::{DraftMeta, DraftPage, DraftQuery, DraftStatus, RevisionMeta, SaveInfo};
pub use problem::{Problem, Purpose, Severity};
pub use validate::validate_declaration;
