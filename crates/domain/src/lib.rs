//! PortDesk's domain: the customs declaration, its code lists and the rules
//! the authorities apply to it. Pure data and functions: no I/O, no Tauri,
//! no SQL, no HTTP, so it builds and tests in seconds.

pub mod checksum;
pub mod client_seq_no;
pub mod code_entry;
pub mod code_list;
pub mod copy;
pub mod currency;
pub mod dated_data;
pub mod declaration;
pub mod defaults;
pub mod draft;
pub mod elements;
pub mod goods;
pub mod guarantee;
pub mod limits;
pub mod origin;
pub mod paperless;
pub mod port_fees;
pub mod problem;
pub mod rules;
pub mod schema;
pub mod tax_estimate;
pub mod validate;

pub use client_seq_no::client_seq_no_for;

/// Today in China (UTC+8): guarantees' validity days and deadlines are
/// China calendar days, as on the server.
pub fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
pub use code_list::{CodeEntry, CodeList, CodeLists};
pub use copy::CopyLineError;
pub use currency::{currency_from_legacy_code, legacy_currency_code};
pub use declaration::*;
pub use draft::{DraftMeta, DraftPage, DraftQuery, DraftStatus, RevisionMeta, SaveInfo};
pub use guarantee::{
    available_choices, check_tax_choice, document_type_for, guarantee_warnings, Assessment,
    ChoiceAvailability, CreditRating, Deferral, Enterprise, Guarantee, GuaranteeKind,
    GuaranteeScope, TaxOption, TaxPaymentChoice,
};
pub use origin::{
    application_from_declaration, certificate_number, parse_certificate_number,
    validate_origin_application, CertifiedFields, EnterpriseRecord, OriginApplication, OriginForm,
};
pub use paperless::{required_attachments, GoodsKind, RequiredDocument};
pub use problem::{Problem, Purpose, Severity};
pub use schema::json_schema;
pub use validate::{default_levy_kind, expected_duty_mode, parse_decimal, validate_declaration};
