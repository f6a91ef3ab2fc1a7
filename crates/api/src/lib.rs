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
pub mod origin;
pub mod receipts;
pub mod reference;

pub use auth::*;
pub use control::*;
pub use declarations::*;
pub use error::*;
pub use guarantees::*;
pub use origin::*;
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
            ReceiptCode::CooL,
            ReceiptCode::CooA,
            ReceiptCode::CooE,
            ReceiptCode::CooM,
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
        for o in [
            OriginStatus::Accepted,
            OriginStatus::ManualReview,
            OriginStatus::Approved,
            OriginStatus::Rejected,
        ] {
            assert_eq!(wire(o), o.as_str());
            assert_eq!(OriginStatus::parse(o.as_str()), Some(o));
        }
        assert_eq!(wire(ReceiptCode::CooA), "COO-A");
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
        assert_eq!(wire(CreditRating::AdvancedCertified), "advanced_certified");
        assert_eq!(wire(CommitFailMode::Error500), "error500");
    }

    /// The mirrors of the domain's guarantee enums say on the wire exactly
    /// what the domain says, and convert both ways without loss.
    #[test]
    fn guarantee_enums_match_the_domain() {
        use portdesk_domain::guarantee as d;
        fn wire<T: serde::Serialize>(v: T) -> serde_json::Value {
            serde_json::to_value(v).unwrap()
        }
        for k in GuaranteeKind::ALL {
            let dk: d::GuaranteeKind = k.into();
            assert_eq!(wire(k), wire(dk));
            assert_eq!(wire(k).as_str(), Some(k.as_str()));
            assert_eq!(GuaranteeKind::parse(k.as_str()), Some(k));
            assert_eq!(GuaranteeKind::from(dk), k);
        }
        for r in CreditRating::ALL {
            let dr: d::CreditRating = r.into();
            assert_eq!(wire(r), wire(dr));
            assert_eq!(CreditRating::parse(r.as_str()), Some(r));
            assert_eq!(CreditRating::from(dr), r);
        }
        for s in [GuaranteeScope::General, GuaranteeScope::Single] {
            let ds: d::GuaranteeScope = s.into();
            assert_eq!(wire(s), wire(ds));
            assert_eq!(GuaranteeScope::parse(s.as_str()), Some(s));
            assert_eq!(GuaranteeScope::from(ds), s);
        }
    }

    #[test]
    fn guarantee_converts_to_the_domain_text_forms() {
        use std::str::FromStr;
        let g = Guarantee {
            number: "BG-1".into(),
            kind: GuaranteeKind::BankLetter,
            scope: GuaranteeScope::General,
            issuer: "中国银行".into(),
            issuer_group: String::new(),
            amount: rust_decimal::Decimal::from_str("5000000").unwrap(),
            currency: "CNY".into(),
            quota_used: rust_decimal::Decimal::from_str("1250000.5").unwrap(),
            quota_left: rust_decimal::Decimal::from_str("3749999.5").unwrap(),
            valid_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            customs_area: "0900".into(),
        };
        let d = g.to_domain();
        assert_eq!(d.amount, "5000000.00");
        assert_eq!(d.quota_used, "1250000.50");
        assert_eq!(d.quota_left, "3749999.50");
        assert_eq!(
            (d.valid_from.as_str(), d.valid_to.as_str()),
            ("20260101", "20271231")
        );
        assert!(portdesk_domain::guarantee_warnings(
            &d,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        )
        .is_empty());
    }

    #[test]
    fn submission_without_tax_payment_still_parses() {
        let v = serde_json::json!({"declaration": serde_json::to_value(portdesk_domain::Declaration::new("PD1".into(), portdesk_domain::IeFlag::I)).unwrap()});
        let s: SubmitDeclaration = serde_json::from_value(v.clone()).unwrap();
        assert!(s.tax_payment.is_none() && s.guarantee_no.is_none());
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            v,
            "nothing new is written when absent"
        );
        let mut v = v;
        v["tax_payment"] = serde_json::json!({"summary_tax": true, "guarantee_no": "BG-1"});
        let s: SubmitDeclaration = serde_json::from_value(v).unwrap();
        let t = s.tax_payment.unwrap();
        assert!(t.summary_tax && t.guarantee_no == "BG-1" && !t.electronic_payment);
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
