//! Duty and VAT estimate (税费估算): what a declaration is expected to cost in
//! CNY, per line and in total, from a dated tariff-rate file (税率表) and a
//! dated file of the customs' monthly exchange rates (海关汇率).
//!
//! The client shows it in the tax panel before declaring, and both the client
//! and the mock Single Window use its [`DutyEstimate::total_payable`] as the
//! summary-tax (汇总征税) quota a declaration reserves: one engine, so the two
//! always agree. Formulas, rounding and the 50-yuan waiver are written up in
//! `docs/duty-estimate.md`.
//!
//! Pure: no I/O. Bad numbers become [`Problem`]s naming the field, never a
//! panic; a line without a rate or exchange rate is left out of the totals
//! and reported.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dated_data::DatedData;
use crate::{Charge, Declaration, IeFlag, Problem};

/// Rule ids of the estimate's problems.
pub mod rule {
    pub const NO_RATE: &str = "EST-NO-RATE";
    pub const NO_EXCHANGE_RATE: &str = "EST-NO-EXCHANGE-RATE";
    pub const BAD_NUMBER: &str = "EST-BAD-NUMBER";
    pub const BAD_MARK: &str = "EST-BAD-MARK";
}

/// The 50-yuan threshold (起征点): a tax of a declaration at or below it is
/// waived. See `docs/duty-estimate.md` for the articles.
pub const WAIVER_THRESHOLD_CNY: Decimal = Decimal::from_parts(50, 0, 0, false, 0);

/// The bundled tariff-rate file.
pub const BUNDLED_TARIFF_RATES: &str = include_str!("../data/tariff_rates.json");
/// The bundled exchange-rate file.
pub const BUNDLED_EXCHANGE_RATES: &str = include_str!("../data/exchange_rates.json");

/// Tariff rates (税率表), dated. Rates are percentages as decimal text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TariffRates {
    pub version_date: String,
    pub source: String,
    /// Import VAT rate (增值税率) for codes that give none, percent.
    pub default_vat_rate: String,
    pub entries: Vec<TariffEntry>,
}

/// One commodity code's rates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct TariffEntry {
    /// 10-digit commodity code (商品编号).
    pub code: String,
    pub name_zh: String,
    /// Most-favoured-nation import duty rate (最惠国税率), percent; `None`:
    /// no rate known, the estimate says so instead of guessing.
    pub mfn_rate: Option<String>,
    /// Import VAT rate, percent; `None`: the file's default.
    pub vat_rate: Option<String>,
    /// Export duty rate (出口税率), percent, only for codes that carry one.
    pub export_rate: Option<String>,
    /// Agreement rates (协定税率) by agreement and origin country.
    pub agreement_rates: Vec<AgreementRate>,
    /// The rate is not from an official tariff text (假定).
    pub assumed: bool,
    /// Where the rate was seen.
    pub seen_at: String,
}

/// A preferential agreement rate for goods originating in `countries`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementRate {
    /// Agreement code as written in the attached document `Y` (`<code>`).
    pub agreement: String,
    /// ISO alpha-3 origin countries the rate applies to.
    pub countries: Vec<String>,
    pub rate: String,
}

/// Exchange rates (海关汇率), dated, by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRates {
    pub version_date: String,
    pub source: String,
    pub months: Vec<MonthRates>,
}

/// The rates of one month: CNY per unit of each currency.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct MonthRates {
    /// `yyyy-mm`.
    pub month: String,
    pub assumed: bool,
    pub rates: BTreeMap<String, String>,
}

impl DatedData for TariffRates {
    fn version_date(&self) -> &str {
        &self.version_date
    }
}

impl DatedData for ExchangeRates {
    fn version_date(&self) -> &str {
        &self.version_date
    }
}

impl TariffRates {
    /// The bundled file; a broken bundle is a build defect caught by tests.
    pub fn bundled() -> Self {
        serde_json::from_str(BUNDLED_TARIFF_RATES).expect("bundled tariff_rates.json")
    }

    pub fn entry(&self, code: &str) -> Option<&TariffEntry> {
        self.entries.iter().find(|e| e.code == code.trim())
    }
}

impl ExchangeRates {
    pub fn bundled() -> Self {
        serde_json::from_str(BUNDLED_EXCHANGE_RATES).expect("bundled exchange_rates.json")
    }

    /// CNY per unit of `currency` in `month` (`yyyy-mm`); CNY is always 1.
    pub fn rate(&self, month: &str, currency: &str) -> Option<Decimal> {
        let cur = currency.trim().to_ascii_uppercase();
        if cur == "CNY" {
            return Some(Decimal::ONE);
        }
        let m = self.months.iter().find(|m| m.month == month)?;
        m.rates
            .get(&cur)
            .and_then(|r| Decimal::from_str(r.trim()).ok())
    }

    /// Whether the month's rates are assumed.
    pub fn month_assumed(&self, month: &str) -> bool {
        self.months.iter().any(|m| m.month == month && m.assumed)
    }
}

/// Where a line's duty rate came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    Mfn,
    /// Agreement rate (协定税率) under the named agreement.
    Agreement(String),
    Export,
    /// Export line of a code without export duty.
    NoExportDuty,
}

/// One line of the estimate. Money is CNY, 2 places; rates percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EstimateLine {
    /// 1-based line number (项号).
    pub line: usize,
    pub commodity_code: String,
    pub currency: String,
    #[ts(type = "string")]
    pub exchange_rate: Decimal,
    /// The line total in CNY.
    #[ts(type = "string")]
    pub value_cny: Decimal,
    /// Dutiable value (完税价格): CIF on import, FOB on export.
    #[ts(type = "string")]
    pub customs_value: Decimal,
    #[ts(type = "string")]
    pub duty_rate: Decimal,
    #[ts(type = "string")]
    pub duty: Decimal,
    #[ts(type = "string")]
    pub vat_rate: Decimal,
    #[ts(type = "string")]
    pub vat: Decimal,
    pub rate_source: RateSource,
    pub assumed: bool,
}

/// The estimate of one declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DutyEstimate {
    pub lines: Vec<EstimateLine>,
    #[ts(type = "string")]
    pub total_customs_value: Decimal,
    /// Sums before waivers.
    #[ts(type = "string")]
    pub total_duty: Decimal,
    #[ts(type = "string")]
    pub total_vat: Decimal,
    /// The declaration's duty is at or below 50 CNY and waived.
    pub duty_waived: bool,
    pub vat_waived: bool,
    /// Duty + VAT after waivers: what the summary-tax quota reserves.
    #[ts(type = "string")]
    pub total_payable: Decimal,
    pub month: String,
    pub tariff_version: String,
    pub exchange_version: String,
    /// Any rate used is marked assumed.
    pub assumed: bool,
    pub problems: Vec<Problem>,
}

fn fen(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn parse(s: &str, field: &str, problems: &mut Vec<Problem>) -> Option<Decimal> {
    match Decimal::from_str(s.trim()) {
        Ok(v) => Some(v),
        Err(_) => {
            problems.push(Problem::error(
                rule::BAD_NUMBER,
                field,
                format!("{field}：无法读取数值“{s}”，不计入估算"),
                format!("{field}: cannot read the number \"{s}\"; left out of the estimate"),
            ));
            None
        }
    }
}

/// The preferential agreement the declaration claims: an attached document
/// `Y` (原产地证明) whose number starts with `<code>`, as the filling rules
/// write it (`<15>` + certificate no.). [assumed reading of the rules]
pub fn claimed_agreement(d: &Declaration) -> Option<String> {
    d.documents.iter().find_map(|doc| {
        let no = doc.cert_no.trim();
        if doc.code.trim() != "Y" || !no.starts_with('<') {
            return None;
        }
        let end = no.find('>')?;
        let code = no[1..end].trim();
        (!code.is_empty()).then(|| code.to_owned())
    })
}

/// Which charges the terms of sale (成交方式) leave out of the dutiable value:
/// `(freight, insurance)`. Import adds them, export takes them off.
fn charges_to_adjust(ie: IeFlag, terms: &str) -> (bool, bool) {
    match (ie, terms.trim()) {
        // Import: CIF 1 has both; CFR 2 lacks insurance; FOB 3 and EXW 7
        // lack both; C&I 4 lacks freight.
        (IeFlag::I, "2") => (false, true),
        (IeFlag::I, "3" | "7") => (true, true),
        (IeFlag::I, "4") => (true, false),
        // Export: the value is FOB; CIF takes both off, CFR freight, C&I
        // insurance.
        (IeFlag::E, "1") => (true, true),
        (IeFlag::E, "2") => (true, false),
        (IeFlag::E, "4") => (false, true),
        _ => (false, false),
    }
}

/// A head charge in CNY. `base` is what a rate (mark 1) applies to.
fn charge_cny(
    c: &Charge,
    name: &str,
    base: Decimal,
    gross_weight: &str,
    fx: &ExchangeRates,
    month: &str,
    problems: &mut Vec<Problem>,
) -> Decimal {
    // Only freight has a unit price (mark 2).
    let allow_unit = name == "freight";
    let field = format!("head.{name}");
    if c.is_empty() {
        return Decimal::ZERO;
    }
    let Some(value) = parse(&c.value, &format!("{field}.value"), problems) else {
        return Decimal::ZERO;
    };
    let converted = |problems: &mut Vec<Problem>| {
        let rate = fx.rate(month, &c.currency);
        if rate.is_none() {
            problems.push(no_fx(&format!("{field}.currency"), &c.currency, month));
        }
        rate
    };
    match c.mark.trim() {
        // Mark 1: a rate, percent of the goods value.
        "1" => fen(base * value / Decimal::ONE_HUNDRED),
        // Mark 2: freight per metric ton of gross weight (每吨运费单价).
        "2" if allow_unit => {
            let Some(kg) = parse(gross_weight, "head.gross_weight", problems) else {
                return Decimal::ZERO;
            };
            converted(problems)
                .map(|r| fen(value * kg / Decimal::ONE_THOUSAND * r))
                .unwrap_or_default()
        }
        // Mark 3: a total amount in the charge's currency.
        "3" => converted(problems)
            .map(|r| fen(value * r))
            .unwrap_or_default(),
        m => {
            problems.push(Problem::error(
                rule::BAD_MARK,
                format!("{field}.mark"),
                format!("{field}.mark：标记“{m}”无法用于估算"),
                format!("{field}.mark: mark \"{m}\" cannot be used for the estimate"),
            ));
            Decimal::ZERO
        }
    }
}

fn no_fx(field: &str, currency: &str, month: &str) -> Problem {
    Problem::error(
        rule::NO_EXCHANGE_RATE,
        field,
        format!("{field}：{month}没有币制{currency}的汇率"),
        format!("{field}: no exchange rate for currency {currency} in {month}"),
    )
}

/// Splits `amount` over `weights` in proportion, each share rounded to fen,
/// the last share taking the remainder so the shares add up exactly.
pub fn apportion(amount: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let total: Decimal = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    let mut shares: Vec<Decimal> = if total.is_zero() {
        vec![Decimal::ZERO; weights.len()]
    } else {
        weights.iter().map(|w| fen(amount * *w / total)).collect()
    };
    let given: Decimal = shares.iter().sum();
    if let Some(last) = shares.last_mut() {
        *last += amount - given;
    }
    shares
}

fn pct(s: &str) -> Option<Decimal> {
    Decimal::from_str(s.trim()).ok()
}

/// The estimate of `d` at the exchange rates of `month` (`yyyy-mm`, the
/// month the declaration is lodged), with the agreement rates of
/// `agreement` (see [`claimed_agreement`]) where the line's origin has one.
pub fn estimate(
    d: &Declaration,
    tariff: &TariffRates,
    fx: &ExchangeRates,
    agreement: Option<&str>,
    month: &str,
) -> DutyEstimate {
    let mut problems = Vec::new();
    let ie = d.head.ie_flag;
    let mut assumed = fx.month_assumed(month);
    // 1. Each line's value in CNY.
    let mut rows: Vec<(usize, &crate::GoodsLine, Decimal, Decimal)> = Vec::new();
    for (i, l) in d.lines.iter().enumerate() {
        let field = format!("lines[{i}]");
        let Some(total) = parse(
            &l.total_price,
            &format!("{field}.total_price"),
            &mut problems,
        ) else {
            continue;
        };
        let Some(rate) = fx.rate(month, &l.currency) else {
            problems.push(no_fx(&format!("{field}.currency"), &l.currency, month));
            continue;
        };
        rows.push((i, l, rate, fen(total * rate)));
    }
    let goods: Decimal = rows.iter().map(|r| r.3).sum();
    // 2. Head charges in CNY, with the sign the terms of sale give them.
    let (add_freight, add_insurance) = charges_to_adjust(ie, &d.head.terms_of_sale);
    let h = &d.head;
    let freight = if add_freight {
        charge_cny(
            &h.freight,
            "freight",
            goods,
            &h.gross_weight,
            fx,
            month,
            &mut problems,
        )
    } else {
        Decimal::ZERO
    };
    // An insurance rate applies to goods plus freight (CFR value). [assumed]
    let insurance_base = if ie == IeFlag::I {
        goods + freight
    } else {
        goods
    };
    let insurance = if add_insurance {
        charge_cny(
            &h.insurance,
            "insurance",
            insurance_base,
            &h.gross_weight,
            fx,
            month,
            &mut problems,
        )
    } else {
        Decimal::ZERO
    };
    let sign = if ie == IeFlag::I {
        Decimal::ONE
    } else {
        Decimal::NEGATIVE_ONE
    };
    let weights: Vec<Decimal> = rows.iter().map(|r| r.3).collect();
    let freight_shares = apportion(freight, &weights);
    let insurance_shares = apportion(insurance, &weights);
    // 3. Per line: dutiable value, duty, VAT.
    let mut lines = Vec::new();
    for (k, (i, l, rate, value)) in rows.into_iter().enumerate() {
        let field = format!("lines[{i}].commodity_code");
        let code = l.commodity_code.trim();
        let Some(entry) = tariff.entry(code) else {
            problems.push(no_rate(&field, code));
            continue;
        };
        let customs_value = value + sign * (freight_shares[k] + insurance_shares[k]);
        let (duty_rate, source) = match ie {
            IeFlag::I => {
                let agreed = agreement.and_then(|a| {
                    entry.agreement_rates.iter().find(|r| {
                        r.agreement == a
                            && r.countries
                                .iter()
                                .any(|c| c.eq_ignore_ascii_case(l.origin_country.trim()))
                    })
                });
                match (
                    agreed.and_then(|r| pct(&r.rate)),
                    entry.mfn_rate.as_deref().and_then(pct),
                ) {
                    (Some(r), _) => (
                        r,
                        RateSource::Agreement(
                            agreed.map(|a| a.agreement.clone()).unwrap_or_default(),
                        ),
                    ),
                    (None, Some(r)) => (r, RateSource::Mfn),
                    (None, None) => {
                        problems.push(no_rate(&field, code));
                        continue;
                    }
                }
            }
            IeFlag::E => match entry.export_rate.as_deref().and_then(pct) {
                Some(r) => (r, RateSource::Export),
                None => (Decimal::ZERO, RateSource::NoExportDuty),
            },
        };
        let duty = fen(customs_value * duty_rate / Decimal::ONE_HUNDRED);
        let vat_rate = match ie {
            IeFlag::I => entry
                .vat_rate
                .as_deref()
                .or(Some(tariff.default_vat_rate.as_str()))
                .and_then(pct)
                .unwrap_or_default(),
            IeFlag::E => Decimal::ZERO,
        };
        let vat = fen((customs_value + duty) * vat_rate / Decimal::ONE_HUNDRED);
        assumed |= entry.assumed;
        lines.push(EstimateLine {
            line: i + 1,
            commodity_code: code.to_owned(),
            currency: l.currency.trim().to_ascii_uppercase(),
            exchange_rate: rate,
            value_cny: value,
            customs_value,
            duty_rate,
            duty,
            vat_rate,
            vat,
            rate_source: source,
            assumed: entry.assumed,
        });
    }
    let total_duty: Decimal = lines.iter().map(|l| l.duty).sum();
    let total_vat: Decimal = lines.iter().map(|l| l.vat).sum();
    // 50-yuan waiver per declaration and per tax: "50元以下" includes 50.
    let duty_waived = total_duty > Decimal::ZERO && total_duty <= WAIVER_THRESHOLD_CNY;
    let vat_waived = total_vat > Decimal::ZERO && total_vat <= WAIVER_THRESHOLD_CNY;
    let total_payable = if duty_waived {
        Decimal::ZERO
    } else {
        total_duty
    } + if vat_waived { Decimal::ZERO } else { total_vat };
    DutyEstimate {
        total_customs_value: lines.iter().map(|l| l.customs_value).sum(),
        lines,
        total_duty,
        total_vat,
        duty_waived,
        vat_waived,
        total_payable,
        month: month.to_owned(),
        tariff_version: tariff.version_date.clone(),
        exchange_version: fx.version_date.clone(),
        assumed,
        problems,
    }
}

fn no_rate(field: &str, code: &str) -> Problem {
    Problem::error(
        rule::NO_RATE,
        field,
        format!("{field}：税率表中没有商品编号{code}的税率，未估算"),
        format!("{field}: no rate for code {code} in the tariff file; not estimated"),
    )
}

/// The month (`yyyy-mm`) whose exchange rates apply: the declaration's
/// import/export date (`yyyyMMdd`) if it has one, else `today`'s month.
pub fn estimate_month(d: &Declaration, today: chrono::NaiveDate) -> String {
    let date = d.head.ie_date.trim();
    if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}", &date[0..4], &date[4..6])
    } else {
        today.format("%Y-%m").to_string()
    }
}

/// Estimate with the declaration's own agreement claim and month.
pub fn estimate_declaration(
    d: &Declaration,
    tariff: &TariffRates,
    fx: &ExchangeRates,
    today: chrono::NaiveDate,
) -> DutyEstimate {
    let agreement = claimed_agreement(d);
    estimate(
        d,
        tariff,
        fx,
        agreement.as_deref(),
        &estimate_month(d, today),
    )
}

/// The tariff and exchange rates an estimate uses: what the client and the
/// mock each load (bundled, or a newer file) and pass to [`estimate`].
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateRates {
    pub tariff: TariffRates,
    pub exchange: ExchangeRates,
}

impl EstimateRates {
    pub fn bundled() -> Self {
        EstimateRates {
            tariff: TariffRates::bundled(),
            exchange: ExchangeRates::bundled(),
        }
    }

    /// The estimate of `d` on `today` (China date) with its own agreement
    /// claim: [`estimate_declaration`].
    pub fn estimate(&self, d: &Declaration, today: chrono::NaiveDate) -> DutyEstimate {
        estimate_declaration(d, &self.tariff, &self.exchange, today)
    }
}

#[cfg(test)]
#[path = "tax_estimate_tests.rs"]
mod tests;
