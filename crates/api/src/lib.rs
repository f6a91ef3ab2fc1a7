//! Wire types of the Single Window API (单一窗口接口报文), shared by PortDesk's
//! sync client and the mock server (`portdesk-mock-window`).
//!
//! Only serde types live here: no HTTP client, no server. Both sides
//! serialise the same structs, so a field renamed on one side cannot drift
//! from the other. Each type derives `utoipa::ToSchema` so the server's
//! OpenAPI document is generated from exactly these definitions.
//!
//! Conventions: instants are UTC RFC 3339, calendar dates `yyyy-mm-dd`,
//! money is a decimal string (`"1250000.00"`), never a float.

pub mod auth;
pub mod control;
pub mod declarations;
pub mod error;
pub mod guarantees;
pub mod receipts;
pub mod reference;

pub use auth::*;
pub use control::*;
pub use declarations::*;
pub use error::*;
pub use guarantees::*;
pub use receipts::*;
pub use reference::*;

/// Header names the API uses beyond the standard ones.
pub mod header {
    /// Every write carries one: the client's retry-stable key of that write.
    pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
    /// Set to `true` on a response replayed from the idempotency store.
    pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `as_str`/`parse` helpers say exactly what serde puts on the wire.
    #[test]
    fn string_forms_match_serde() {
        fn wire<T: serde::Serialize>(v: T) -> String {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        }
        for c in [
            ReceiptCode::L,
            ReceiptCode::E,
            ReceiptCode::G,
            ReceiptCode::P,
            ReceiptCode::R,
            ReceiptCode::SpL,
            ReceiptCode::SpE,
            ReceiptCode::SpJ,
            ReceiptCode::SpK,
        ] {
            assert_eq!(wire(c), c.as_str());
            assert_eq!(ReceiptCode::parse(c.as_str()), Some(c));
        }
        for s in [
            FilingStatus::Rejected,
            FilingStatus::SummaryAccepted,
            FilingStatus::Closed,
        ] {
            assert_eq!(wire(s), s.as_str());
            assert_eq!(FilingStatus::parse(s.as_str()), Some(s));
        }
        for r in [
            AmendmentReason::ImportDateChange,
            AmendmentReason::ConveyanceChange,
            AmendmentReason::Other,
        ] {
            assert_eq!(wire(r), r.as_str());
            assert_eq!(AmendmentReason::parse(r.as_str()), Some(r));
        }
        assert!(AmendmentReason::ImportDateChange.is_tolerable());
        assert!(!AmendmentReason::DataEntryError.is_tolerable());
        for k in [
            GuaranteeKind::BankLetterOfGuarantee,
            GuaranteeKind::CashDeposit,
        ] {
            assert_eq!(wire(k), k.as_str());
        }
        assert_eq!(wire(CreditRating::AdvancedCertified), "advanced_certified");
        assert_eq!(wire(CommitFailMode::Error500), "error500");
    }

    #[test]
    fn fault_settings_default_to_off_and_accept_partial_json() {
        let f: FaultSettings = serde_json::from_str(r#"{"rate_429": 0.5}"#).unwrap();
        assert_eq!(f.rate_429, 0.5);
        assert_eq!(f.error_5xx_rate, 0.0);
        assert_eq!(f.review_pace_ms, 1500);
        assert!(serde_json::from_str::<FaultSettings>(r#"{"nope": 1}"#).is_err());
    }
}
