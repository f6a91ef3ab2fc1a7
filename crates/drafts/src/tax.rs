//! Tax payment and guarantees on the client side (税费支付与担保, measure 7),
//! plus the port fee catalogue (口岸收费, measure 18):
//!
//! - each draft's tax-payment choice, stored revisioned beside the draft
//!   (`Store::set_tax_choice`) and sent in the filing body as
//!   `SubmitDeclaration.tax_payment`;
//! - the offline check before declaring: the domain's `check_tax_choice`
//!   fed with the guarantees and enterprise profile last synced from the
//!   server (cached by `portdesk-sync`), so an expired guarantee or an
//!   exhausted quota is refused here, with the same `TAX-*` rule id the
//!   server would answer, instead of after sending;
//! - views of the cached guarantees (with `guarantee_warnings`), enterprise
//!   profile and port fees for the desktop, and a port fee estimate for a
//!   declaration's port and containers.
//!
//! When nothing was ever synced (no enterprise profile cached), filing does
//! not guess: the choice is sent unchecked and the server decides.

use chrono::{DateTime, NaiveDate, Utc};
use portdesk_api::{EnterpriseProfile, GuaranteeList, PortFee, PortFeesResponse};
use portdesk_domain::guarantee::{
    available_choices, check_tax_choice, document_type_for, guarantee_warnings, ChoiceAvailability,
    CreditRating, Guarantee, TaxPaymentChoice,
};
use portdesk_domain::{Declaration, Problem};
use portdesk_store::{CachedReference, ReferenceKind, StoreError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::{DraftError, Drafts};

/// Today in China (UTC+8); kept here for callers of `tax`.
pub use portdesk_domain::china_today;

/// A cached guarantee with its health on the day it is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuaranteeRow {
    pub guarantee: Guarantee,
    /// `guarantee_warnings`: expired (error), expiring within 30 days, quota
    /// below 10 % (warnings), malformed (error).
    pub warnings: Vec<Problem>,
}

/// The guarantees as last synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuaranteesView {
    pub items: Vec<GuaranteeRow>,
    /// When the server last confirmed the list; `None`: never synced.
    #[ts(type = "string | null")]
    pub fetched_at: Option<DateTime<Utc>>,
    /// `server|customs code|operator` of the account it belongs to.
    pub account: Option<String>,
}

/// The enterprise profile as last synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EnterpriseView {
    pub customs_code: String,
    pub scc: String,
    pub name_zh: String,
    pub name_en: String,
    pub rating: CreditRating,
    pub customs_area: String,
    pub group: Option<String>,
    pub has_tripartite_agreement: bool,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
}

/// Everything the tax panel of the editor shows for one draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaxPanelView {
    /// The draft's choice (the default, customs assessment, when none made).
    pub choice: TaxPaymentChoice,
    /// Every option with whether it is open and why (empty when no
    /// enterprise profile is cached).
    pub options: Vec<ChoiceAvailability>,
    /// `check_tax_choice` for the draft's current document and choice.
    pub problems: Vec<Problem>,
    /// Document type (单据类型) the choice implies for the filing mode.
    pub document_type: String,
    pub guarantees: GuaranteesView,
    /// No enterprise profile cached yet: the panel cannot check anything
    /// offline until the app has synced once.
    pub reference_missing: bool,
}

/// One published port charge, money as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortFeeRow {
    pub port_code: String,
    pub port_zh: String,
    pub port_en: String,
    pub operator_zh: String,
    pub operator_en: String,
    pub service_code: String,
    pub service_zh: String,
    pub service_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub price: String,
    pub currency: String,
    /// `yyyy-mm-dd`.
    pub effective_date: String,
    pub note: String,
}

impl From<&PortFee> for PortFeeRow {
    fn from(f: &PortFee) -> Self {
        PortFeeRow {
            port_code: f.port_code.clone(),
            port_zh: f.port_zh.clone(),
            port_en: f.port_en.clone(),
            operator_zh: f.operator_zh.clone(),
            operator_en: f.operator_en.clone(),
            service_code: f.service_code.clone(),
            service_zh: f.service_zh.clone(),
            service_en: f.service_en.clone(),
            unit_zh: f.unit_zh.clone(),
            unit_en: f.unit_en.clone(),
            price: money(f.price),
            currency: f.currency.clone(),
            effective_date: f.effective_date.format("%Y-%m-%d").to_string(),
            note: f.note.clone(),
        }
    }
}

/// The port fee catalogue as last synced, filtered by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortFeesView {
    pub version: String,
    pub source: String,
    pub fees: Vec<PortFeeRow>,
    #[ts(type = "string | null")]
    pub fetched_at: Option<DateTime<Utc>>,
}

/// One line of a port fee estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortFeeEstimateLine {
    pub fee: PortFeeRow,
    /// Boxes, or box-days for storage.
    pub quantity: u32,
    pub amount: String,
}

/// What the published fees of a port come to for some containers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortFeeEstimate {
    pub port_code: String,
    /// 20-foot boxes (ISO size code `2…`).
    pub boxes_20: u32,
    /// 40/45-foot boxes (ISO size code `4…` / `L…`).
    pub boxes_40: u32,
    /// Days of storage after the free time.
    pub storage_days: u32,
    pub lines: Vec<PortFeeEstimateLine>,
    /// Fees of the port charged by weight or tonnage, or for empty boxes:
    /// listed so the user sees them, not added to the total.
    pub not_estimated: Vec<PortFeeRow>,
    pub total: String,
    pub currency: String,
}

fn money(d: Decimal) -> String {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d.to_string()
}

pub use portdesk_domain::port_fees::container_counts;

/// Estimates the published fees of `port_code` for `boxes_20` and
/// `boxes_40` laden containers and `storage_days` days of storage after the
/// free time, counted by the domain's rule
/// ([`portdesk_domain::port_fees::fee_quantity`]); fees it does not count
/// are listed as not estimated.
pub fn estimate_port_fees(
    fees: &[PortFee],
    port_code: &str,
    boxes_20: u32,
    boxes_40: u32,
    storage_days: u32,
) -> PortFeeEstimate {
    let port_code = port_code.trim();
    let mut lines = Vec::new();
    let mut not_estimated = Vec::new();
    let mut total = Decimal::ZERO;
    for f in fees.iter().filter(|f| f.port_code == port_code) {
        let quantity = portdesk_domain::port_fees::fee_quantity(
            &f.unit_en,
            &f.service_en,
            boxes_20,
            boxes_40,
            storage_days,
        );
        match quantity {
            Some(q) => {
                let amount = f.price * Decimal::from(q);
                total += amount;
                lines.push(PortFeeEstimateLine {
                    fee: f.into(),
                    quantity: q,
                    amount: money(amount),
                });
            }
            None => not_estimated.push(f.into()),
        }
    }
    PortFeeEstimate {
        port_code: port_code.to_owned(),
        boxes_20,
        boxes_40,
        storage_days,
        lines,
        not_estimated,
        total: money(total),
        currency: "CNY".into(),
    }
}

/// Whether `f` matches every whitespace-separated term of `query` (codes
/// and Chinese or English names; case-insensitive).
pub fn port_fee_matches(f: &PortFee, query: &str) -> bool {
    let hay = format!(
        "{} {} {} {} {} {} {} {} {}",
        f.port_code,
        f.port_zh,
        f.port_en,
        f.operator_zh,
        f.operator_en,
        f.service_code,
        f.service_zh,
        f.service_en,
        f.note
    )
    .to_lowercase();
    query
        .split_whitespace()
        .all(|t| hay.contains(&t.to_lowercase()))
}

fn corrupt(kind: ReferenceKind, e: serde_json::Error) -> DraftError {
    DraftError::Store(StoreError::Corrupt(format!(
        "cached {}: {e}",
        kind.as_str()
    )))
}

fn parse<T: serde::de::DeserializeOwned>(c: &CachedReference) -> Result<T, DraftError> {
    serde_json::from_str(&c.body).map_err(|e| corrupt(c.kind, e))
}

impl Drafts {
    /// These drafts without the offline tax check when filing: for the CLI's
    /// `--no-tax-check` and tests that prove the server refuses the same way.
    pub fn without_tax_check(mut self) -> Self {
        self.tax_check = false;
        self
    }

    /// Records `choice` as the tax-payment choice of draft `id` (at its
    /// current revision) and returns the panel as it now stands.
    pub async fn set_tax_choice(
        &self,
        id: Uuid,
        choice: &TaxPaymentChoice,
    ) -> Result<TaxPanelView, DraftError> {
        self.store.set_tax_choice(id, choice).await?;
        self.tax_panel(id).await
    }

    /// The draft's choice, or the default (customs assessment) when none.
    pub async fn tax_choice(&self, id: Uuid) -> Result<TaxPaymentChoice, DraftError> {
        // Reading the draft first gives `not_found` for an unknown id.
        self.store.get_declaration(id).await?;
        Ok(self.store.tax_choice(id, None).await?.unwrap_or_default())
    }

    /// The guarantees as last synced, each with its warnings on `today`.
    pub async fn cached_guarantees(&self, today: NaiveDate) -> Result<GuaranteesView, DraftError> {
        let Some(c) = self.store.reference(ReferenceKind::Guarantees).await? else {
            return Ok(GuaranteesView {
                items: Vec::new(),
                fetched_at: None,
                account: None,
            });
        };
        let list: GuaranteeList = parse(&c)?;
        Ok(GuaranteesView {
            items: list
                .items
                .iter()
                .map(|g| {
                    let guarantee = g.to_domain();
                    GuaranteeRow {
                        warnings: guarantee_warnings(&guarantee, today),
                        guarantee,
                    }
                })
                .collect(),
            fetched_at: Some(c.fetched_at),
            account: Some(c.account),
        })
    }

    /// The enterprise profile as last synced, if ever.
    pub async fn cached_enterprise(&self) -> Result<Option<EnterpriseView>, DraftError> {
        let Some(c) = self.store.reference(ReferenceKind::Enterprise).await? else {
            return Ok(None);
        };
        let p: EnterpriseProfile = parse(&c)?;
        Ok(Some(EnterpriseView {
            customs_code: p.customs_code,
            scc: p.scc,
            name_zh: p.name_zh,
            name_en: p.name_en,
            rating: p.rating.into(),
            customs_area: p.customs_area,
            group: p.group,
            has_tripartite_agreement: p.has_tripartite_agreement,
            fetched_at: c.fetched_at,
        }))
    }

    /// The cached port fee catalogue (empty when never synced).
    pub async fn cached_port_fees(
        &self,
    ) -> Result<(PortFeesResponse, Option<DateTime<Utc>>), DraftError> {
        match self.store.reference(ReferenceKind::PortFees).await? {
            Some(c) => Ok((parse(&c)?, Some(c.fetched_at))),
            None => Ok((
                PortFeesResponse {
                    version: String::new(),
                    source: String::new(),
                    fees: Vec::new(),
                },
                None,
            )),
        }
    }

    /// The cached port fees matching `query` (all when blank).
    pub async fn search_port_fees(&self, query: &str) -> Result<PortFeesView, DraftError> {
        let (catalogue, fetched_at) = self.cached_port_fees().await?;
        Ok(PortFeesView {
            fees: catalogue
                .fees
                .iter()
                .filter(|f| port_fee_matches(f, query))
                .map(PortFeeRow::from)
                .collect(),
            version: catalogue.version,
            source: catalogue.source,
            fetched_at,
        })
    }

    /// Port fee estimate for draft `id`: its entry/exit port (进出境口岸)
    /// and its containers, with `storage_days` of storage.
    pub async fn estimate_port_fees(
        &self,
        id: Uuid,
        storage_days: u32,
    ) -> Result<PortFeeEstimate, DraftError> {
        let (_, d) = self.store.get_declaration(id).await?;
        let (catalogue, _) = self.cached_port_fees().await?;
        let (b20, b40) = container_counts(&d);
        Ok(estimate_port_fees(
            &catalogue.fees,
            &d.head.entry_exit_port,
            b20,
            b40,
            storage_days,
        ))
    }

    /// Port fee estimate from the cached catalogue for any port and boxes
    /// (the port fee page; the editor passes its declaration's).
    pub async fn quote_port_fees(
        &self,
        port_code: &str,
        boxes_20: u32,
        boxes_40: u32,
        storage_days: u32,
    ) -> Result<PortFeeEstimate, DraftError> {
        let (catalogue, _) = self.cached_port_fees().await?;
        Ok(estimate_port_fees(
            &catalogue.fees,
            port_code,
            boxes_20,
            boxes_40,
            storage_days,
        ))
    }

    /// Problems of `choice` for `declaration` against the cached enterprise
    /// profile and guarantees on `today`; `None` when no profile is cached.
    pub async fn check_tax(
        &self,
        declaration: &Declaration,
        choice: &TaxPaymentChoice,
        today: NaiveDate,
    ) -> Result<Option<Vec<Problem>>, DraftError> {
        let Some(ent) = self.store.reference(ReferenceKind::Enterprise).await? else {
            return Ok(None);
        };
        let ent: EnterpriseProfile = parse(&ent)?;
        let guarantees: Vec<Guarantee> =
            match self.store.reference(ReferenceKind::Guarantees).await? {
                Some(c) => parse::<GuaranteeList>(&c)?
                    .items
                    .iter()
                    .map(|g| g.to_domain())
                    .collect(),
                None => Vec::new(),
            };
        Ok(Some(check_tax_choice(
            choice,
            declaration,
            &ent.to_domain(),
            &guarantees,
            today,
            // The quota a summary-tax filing will reserve: the same
            // estimate the server computes (docs/duty-estimate.md).
            Some(
                self.estimate_rates
                    .estimate(declaration, today)
                    .total_payable,
            ),
        )))
    }

    /// The tax panel of draft `id`: its choice, the options open to the
    /// enterprise, the problems, the implied document type, the guarantees.
    pub async fn tax_panel(&self, id: Uuid) -> Result<TaxPanelView, DraftError> {
        let (_, d) = self.store.get_declaration(id).await?;
        let choice = self.store.tax_choice(id, None).await?.unwrap_or_default();
        let today = china_today();
        let guarantees = self.cached_guarantees(today).await?;
        let problems = self.check_tax(&d, &choice, today).await?;
        let options = match self.store.reference(ReferenceKind::Enterprise).await? {
            Some(c) => {
                let ent: EnterpriseProfile = parse(&c)?;
                let gs: Vec<Guarantee> = guarantees
                    .items
                    .iter()
                    .map(|r| r.guarantee.clone())
                    .collect();
                available_choices(&ent.to_domain(), &gs, today)
            }
            None => Vec::new(),
        };
        Ok(TaxPanelView {
            document_type: document_type_for(&choice, d.filing_mode),
            reference_missing: problems.is_none(),
            problems: problems.unwrap_or_default(),
            options,
            choice,
            guarantees,
        })
    }

    /// The tax-payment choice to send with draft `id`'s filing, checked
    /// offline first: the first error refuses the filing with
    /// [`DraftError::TaxRefused`] (same rule id and field the server would
    /// name). `None`: no choice was made (customs assessment).
    pub(crate) async fn tax_for_filing(
        &self,
        id: Uuid,
        declaration: &Declaration,
    ) -> Result<Option<TaxPaymentChoice>, DraftError> {
        let Some(choice) = self.store.tax_choice(id, None).await? else {
            return Ok(None);
        };
        if self.tax_check {
            let problems = self
                .check_tax(declaration, &choice, china_today())
                .await?
                .unwrap_or_default();
            if let Some(p) = problems.into_iter().find(Problem::is_error) {
                return Err(DraftError::TaxRefused {
                    id,
                    rule: p.rule,
                    field: p.field,
                    message: p.message_en,
                });
            }
        }
        Ok(Some(choice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fee(port: &str, code: &str, unit: &str, service_en: &str, price: &str) -> PortFee {
        PortFee {
            port_code: port.into(),
            port_zh: "大连".into(),
            port_en: "Dalian".into(),
            operator_zh: "码头".into(),
            operator_en: "Terminal".into(),
            service_code: code.into(),
            service_zh: "费".into(),
            service_en: service_en.into(),
            unit_zh: "箱".into(),
            unit_en: unit.into(),
            price: Decimal::from_str(price).unwrap(),
            currency: "CNY".into(),
            effective_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            note: String::new(),
        }
    }

    #[test]
    fn estimate_counts_boxes_by_size_and_storage_days() {
        let fees = vec![
            fee(
                "210200",
                "THC-20",
                "per 20' box",
                "Terminal handling, 20' laden",
                "690.00",
            ),
            fee(
                "210200",
                "THC-20E",
                "per 20' box",
                "Terminal handling, 20' empty",
                "350.00",
            ),
            fee(
                "210200",
                "THC-40",
                "per 40' box",
                "Terminal handling, 40' laden",
                "1030.00",
            ),
            fee(
                "210200",
                "STO-20",
                "per 20' box per day",
                "Container storage, 20'",
                "12.00",
            ),
            fee(
                "210200",
                "WGH",
                "per box",
                "Container weighing (VGM)",
                "100.00",
            ),
            fee(
                "210200",
                "PCF",
                "per freight ton",
                "Port construction fee",
                "0.00",
            ),
            fee(
                "210800",
                "YK-THC-20",
                "per 20' box",
                "Terminal handling, 20' laden",
                "650.00",
            ),
        ];
        let e = estimate_port_fees(&fees, "210200", 2, 1, 3);
        let q: Vec<(&str, u32, &str)> = e
            .lines
            .iter()
            .map(|l| (l.fee.service_code.as_str(), l.quantity, l.amount.as_str()))
            .collect();
        assert_eq!(
            q,
            [
                ("THC-20", 2, "1380.00"),
                ("THC-40", 1, "1030.00"),
                ("STO-20", 6, "72.00"),
                ("WGH", 3, "300.00"),
            ]
        );
        assert_eq!(e.total, "2782.00");
        let skipped: Vec<&str> = e
            .not_estimated
            .iter()
            .map(|f| f.service_code.as_str())
            .collect();
        assert_eq!(skipped, ["THC-20E", "PCF"]);
        // Another port's fees never count.
        assert!(e.lines.iter().all(|l| l.fee.port_code == "210200"));
        assert_eq!(estimate_port_fees(&fees, "999999", 2, 1, 3).total, "0.00");
    }

    #[test]
    fn search_needs_every_term() {
        let f = fee(
            "210200",
            "DL-WGH",
            "per box",
            "Container weighing (VGM)",
            "100.00",
        );
        assert!(port_fee_matches(&f, ""));
        assert!(port_fee_matches(&f, "vgm 210200"));
        assert!(port_fee_matches(&f, "大连 dl-wgh"));
        assert!(!port_fee_matches(&f, "vgm 营口"));
    }
}
