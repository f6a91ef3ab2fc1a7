//! Certificates of origin (原产地证书): the application an exporter files,
//! the checks customs' smart review (智能审核) applies to it, the certificate
//! number and the canonical form of the certified fields that a self-printed
//! certificate's QR code signs (policy measure 13).
//!
//! Three English forms are modelled: `C` non-preferential (一般原产地证), `E`
//! China–ASEAN Form E and `R` RCEP. Like a declaration, an application keeps
//! every typed value as text: a draft holds exactly what was typed and
//! [`validate_origin_application`] says which box is wrong. The point is to
//! run smart review's rules before submission, so a filing passes the first
//! time instead of dropping to manual review.
//!
//! - [`application_from_declaration`] pre-fills an application from an export
//!   declaration.
//! - [`validate_origin_application`] is the precheck (`COO-*` rules, [`RULES`]).
//! - [`certificate_number`] / [`parse_certificate_number`] build and read the
//!   16-character certificate number.
//! - [`CertifiedFields`] is what the issuer's signature covers, with its
//!   deterministic [`CertifiedFields::canonical_bytes`].

mod certified;
mod check;
mod from_declaration;
mod labels;
mod number;
mod status;
#[cfg(test)]
mod tests;
mod text;

pub use certified::{expiry_date, CertifiedFields, CertifiedInvoice, CertifiedItem};
pub use check::{rule, validate_origin_application, MAX_ORIGIN_ITEMS, RULES, VAGUE_DESCRIPTIONS};
pub use from_declaration::application_from_declaration;
pub use labels::box_label;
pub use number::{
    certificate_number, parse_certificate_number, CertificateNumber, CertificateNumberError,
    CERTIFICATE_NUMBER_LEN,
};
pub use status::ApplicationStatus;
pub use text::clean_english_text;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which certificate of origin is applied for. The letter is also the first
/// character of the certificate number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
pub enum OriginForm {
    /// Non-preferential certificate, 一般原产地证书 (12 boxes).
    C,
    /// China–ASEAN Free Trade Area Form E, 中国—东盟自贸区原产地证书 (13 boxes).
    E,
    /// RCEP certificate of origin, RCEP原产地证书 (16 boxes). The letter `R`
    /// is assumed.
    R,
}

impl OriginForm {
    /// The form letter: `C`, `E` or `R`.
    pub fn letter(self) -> char {
        match self {
            OriginForm::C => 'C',
            OriginForm::E => 'E',
            OriginForm::R => 'R',
        }
    }

    /// The form of a letter, if it is one of the modelled forms.
    pub fn from_letter(c: char) -> Option<Self> {
        match c {
            'C' => Some(OriginForm::C),
            'E' => Some(OriginForm::E),
            'R' => Some(OriginForm::R),
            _ => None,
        }
    }

    /// Whether the form grants preferential tariff treatment (E, R).
    pub fn is_preferential(self) -> bool {
        self != OriginForm::C
    }
}

/// Producer texts RCEP box 3 accepts instead of a producer's name.
pub const PRODUCER_PLACEHOLDERS: &[&str] = &["SEE BOX 8", "CONFIDENTIAL", "NOT AVAILABLE"];

/// Consignee name for goods consigned to order (box 2).
pub const TO_ORDER: &str = "TO ORDER";

/// Marks text when the goods carry none.
pub const NO_MARKS: &str = "N/M";

/// The exporter (box 1): must equal the enterprise's record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginExporter {
    /// Name in English, as on record.
    pub name: String,
    /// Address in English, as on record.
    pub address: String,
    /// Country, alpha-3; `CHN` for an exporter applying in China.
    pub country: String,
    /// Unified social credit code, 统一社会信用代码 (18 chars).
    pub credit_code: String,
}

/// A consignee/importer (box 2) or an RCEP producer (box 3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginParty {
    /// Name in English; the consignee may be `TO ORDER`, the RCEP producer
    /// `SEE BOX 8`, `CONFIDENTIAL` or `NOT AVAILABLE`.
    pub name: String,
    pub address: String,
    /// Country, alpha-3.
    pub country: String,
}

/// Means of transport and route (box 3, RCEP box 4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginTransport {
    /// Transport mode code, code list `transport_mode` (`2` waterway, `5` air …).
    pub means: String,
    /// Route as printed, e.g. `FROM DALIAN, CHINA TO OSAKA, JAPAN BY SEA`;
    /// optional ("as far as known").
    pub route: String,
    /// Departure (shipment) date, `yyyyMMdd`.
    pub departure_date: String,
    /// Vessel's name and voyage, flight or vehicle no.
    pub vessel: String,
    /// Port of loading, 6-char code from code list `port`.
    pub port_of_loading: String,
    /// Port of discharge, 6-char code from code list `port`.
    pub port_of_discharge: String,
}

/// One goods item of the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginItem {
    /// Item number, `1`..`n` in order.
    pub item_no: String,
    /// Marks of this item; empty means the application's marks apply.
    pub marks: String,
    /// Number of packages, integer > 0.
    pub package_count: String,
    /// Kind of packages, code list `package_kind` (printed with its English label).
    pub package_kind: String,
    /// Goods description in English, ending with `***`.
    pub description: String,
    /// HS code, 6 digits (the importing party's HS).
    pub hs_code: String,
    /// Origin criterion (E, R): `WO`, `PE`, `RVC 40%`, `CTH`, `CTC DMI` …;
    /// code list `origin_criterion`. Form C has no such box.
    pub origin_criterion: String,
    /// Quantity, ≤14 + 5 digits.
    pub quantity: String,
    /// Unit, code list `unit`.
    pub unit: String,
    /// Gross weight in kg, ≤14 + 5 digits; optional.
    pub gross_weight: String,
    /// FOB value, ≤15 + 2 digits (E always; R where a value rule applies).
    pub fob_value: String,
    /// Currency of the FOB value, ISO 4217 alpha-3.
    pub currency: String,
    /// RCEP country of origin (box 11), alpha-3; RCEP only.
    pub country_of_origin: String,
}

/// An invoice (box 10, RCEP box 13).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginInvoice {
    pub number: String,
    /// `yyyyMMdd`.
    pub date: String,
}

/// The tick boxes of the preferential forms. Form E: issued retroactively,
/// exhibition, movement certificate, third-party invoicing (box 13). RCEP:
/// back-to-back (= `movement_certificate`), third-party invoicing, issued
/// retroactively. Form C has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OriginFlags {
    pub issued_retroactively: bool,
    /// Form E only.
    pub exhibition: bool,
    /// Form E "Movement Certificate", RCEP "Back-to-back".
    pub movement_certificate: bool,
    pub third_party_invoicing: bool,
}

/// An application for a certificate of origin (原产地证书申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginApplication {
    pub form: OriginForm,
    /// The client's own 18-char id of this application (like a declaration's).
    #[serde(default)]
    pub client_seq_no: String,
    /// Client sequence no. of the customs declaration it was made from.
    #[serde(default)]
    pub source_declaration: Option<String>,
    #[serde(default)]
    pub exporter: OriginExporter,
    /// Consignee / importer.
    #[serde(default)]
    pub consignee: OriginParty,
    /// Producer (RCEP box 3); ignored on C and E.
    #[serde(default)]
    pub producer: OriginParty,
    #[serde(default)]
    pub transport: OriginTransport,
    /// Country of destination (C box 4) / importing country (E box 11, RCEP box 15), alpha-3.
    #[serde(default)]
    pub importing_country: String,
    /// Shipping marks of the consignment, `N/M` if none.
    #[serde(default)]
    pub marks: String,
    #[serde(default)]
    pub items: Vec<OriginItem>,
    #[serde(default)]
    pub invoices: Vec<OriginInvoice>,
    /// Place of the exporter's declaration, e.g. `DALIAN, CHINA`.
    #[serde(default)]
    pub declaration_place: String,
    /// Date of the exporter's declaration, `yyyyMMdd`.
    #[serde(default)]
    pub declaration_date: String,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub flags: OriginFlags,
}

impl OriginApplication {
    /// The list title: consignee, then the first goods description, at most
    /// 80 characters.
    pub fn title(&self) -> String {
        let consignee = self.consignee.name.trim();
        let goods = self
            .items
            .first()
            .map(|i| i.description.trim().trim_end_matches('*').trim())
            .unwrap_or_default();
        let mut t = match (consignee.is_empty(), goods.is_empty()) {
            (false, false) => format!("{consignee} · {goods}"),
            (false, true) => consignee.to_owned(),
            (true, false) => goods.to_owned(),
            (true, true) => String::new(),
        };
        if t.chars().count() > 80 {
            t = t.chars().take(79).collect::<String>() + "…";
        }
        t
    }

    /// A new, empty application of `form`.
    pub fn new(form: OriginForm) -> Self {
        OriginApplication {
            form,
            client_seq_no: String::new(),
            source_declaration: None,
            exporter: OriginExporter::default(),
            consignee: OriginParty::default(),
            producer: OriginParty::default(),
            transport: OriginTransport::default(),
            importing_country: String::new(),
            marks: String::new(),
            items: Vec::new(),
            invoices: Vec::new(),
            declaration_place: String::new(),
            declaration_date: String::new(),
            remarks: String::new(),
            flags: OriginFlags::default(),
        }
    }
}

/// The enterprise's record with the certifying authority (企业备案信息): box 1
/// must equal it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EnterpriseRecord {
    pub name_en: String,
    pub address_en: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Customs code, 海关编码 (10 chars).
    pub customs_code: String,
}
