//! Splitting a declaration of more than 50 goods lines (拆分报关单): customs
//! takes at most `MAX_LINES` lines a declaration, so an invoice of 73 lines
//! becomes two declarations (50 + 23) sharing the head. The head's number
//! of packages, gross and net weight are apportioned over the parts by the
//! lines' net weight (the packing list's per-row net weight; else the first
//! legal quantity when every first unit is `035` kilogram; else the number
//! of lines), with the largest-remainder method so the parts add up to the
//! totals exactly: packages whole and at least 1 each, weights to 5
//! decimals and at least 1 kg each (the form's rule), as far as the totals
//! allow.
//!
//! Pure functions: the preview shows the parts, the clerk may change them,
//! and saving takes what the preview shows.

use portdesk_domain::{Declaration, MAX_LINES};
use rust_decimal::Decimal;

use crate::apply::RowFigures;
use crate::number::decimal_text;

/// The unit code of kilograms (千克) in the `unit` list.
pub const KILOGRAM: &str = "035";

/// Decimals of the head's weights (GrossWet, NetWt: 19,5).
const WEIGHT_DECIMALS: u32 = 5;

/// What the parts were apportioned by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "SplitBasis")]
pub enum Basis {
    /// The rows' net weight column.
    RowNetWeight,
    /// The first legal quantity, every first unit being kilograms.
    FirstQuantityKg,
    /// The number of lines.
    LineCount,
}

/// Fills the head's empty packages, gross and net weight with the sums of
/// the rows' figures (`figures[i]` of `decl.lines[i]`; lines without
/// figures count nothing), when any row has the figure.
pub fn fill_head_totals(decl: &mut Declaration, figures: &[RowFigures]) {
    let sum = |f: fn(&RowFigures) -> Option<Decimal>| -> Option<Decimal> {
        let vals: Vec<Decimal> = figures.iter().filter_map(f).collect();
        (!vals.is_empty()).then(|| vals.iter().sum())
    };
    let h = &mut decl.head;
    if h.packages.trim().is_empty() {
        if let Some(s) = sum(|r| r.packages) {
            h.packages = decimal_text(s);
        }
    }
    if h.gross_weight.trim().is_empty() {
        if let Some(s) = sum(|r| r.gross_weight) {
            h.gross_weight = decimal_text(s);
        }
    }
    if h.net_weight.trim().is_empty() {
        if let Some(s) = sum(|r| r.net_weight) {
            h.net_weight = decimal_text(s);
        }
    }
}

/// The basis the split of `decl` apportions by, and each line's weight in it.
pub fn line_basis(decl: &Declaration, figures: &[RowFigures]) -> (Basis, Vec<Decimal>) {
    let n = decl.lines.len();
    let rows: Option<Vec<Decimal>> = (0..n)
        .map(|i| figures.get(i).and_then(|f| f.net_weight))
        .collect();
    if let Some(w) = rows.filter(|w| w.iter().any(|d| !d.is_zero())) {
        return (Basis::RowNetWeight, w);
    }
    let kg: Option<Vec<Decimal>> = decl
        .lines
        .iter()
        .map(|l| {
            (l.first_unit.trim() == KILOGRAM)
                .then(|| crate::number::parse_number_text(&l.first_quantity))
                .flatten()
        })
        .collect();
    if let Some(w) = kg.filter(|w| w.iter().any(|d| !d.is_zero())) {
        return (Basis::FirstQuantityKg, w);
    }
    (Basis::LineCount, vec![Decimal::ONE; n])
}

/// `decl` as declarations of at most `MAX_LINES` lines each: the first keeps
/// the client sequence no. and the message blocks, the others have none
/// (a new one is given on saving); the head, documents and edocs are
/// shared; each container goes with the lines it holds (renumbered), one
/// without line references with every part; packages and weights are
/// apportioned ([`apportion`]). A declaration within the limit comes back
/// alone, unchanged.
pub fn split_declaration(decl: Declaration, figures: &[RowFigures]) -> (Basis, Vec<Declaration>) {
    let (basis, weights) = line_basis(&decl, figures);
    if decl.lines.len() <= MAX_LINES {
        return (basis, vec![decl]);
    }
    let chunks: Vec<std::ops::Range<usize>> = (0..decl.lines.len())
        .step_by(MAX_LINES)
        .map(|s| s..(s + MAX_LINES).min(decl.lines.len()))
        .collect();
    let part_weights: Vec<Decimal> = chunks
        .iter()
        .map(|r| weights[r.clone()].iter().sum())
        .collect();
    let share = |total: &str, decimals: u32, min: Decimal| -> Option<Vec<String>> {
        let total = crate::number::parse_number_text(total)?;
        let parts = apportion(total, &part_weights, decimals, min)?;
        Some(parts.into_iter().map(decimal_text).collect())
    };
    let packages = share(&decl.head.packages, 0, Decimal::ONE);
    let gross = share(&decl.head.gross_weight, WEIGHT_DECIMALS, Decimal::ONE);
    let net = share(&decl.head.net_weight, WEIGHT_DECIMALS, Decimal::ONE);
    // The shared rest once, without the lines and containers each part
    // takes its own of (cloning 5,000 lines a part would dominate).
    let shared = Declaration {
        lines: Vec::new(),
        containers: Vec::new(),
        ..decl.clone()
    };
    let mut parts = Vec::with_capacity(chunks.len());
    for (k, range) in chunks.iter().enumerate() {
        let mut part = Declaration {
            lines: decl.lines[range.clone()].to_vec(),
            containers: containers_for(&decl, range),
            ..shared.clone()
        };
        if k > 0 {
            part.client_seq_no = String::new();
            part.extensions = Default::default();
        }
        if let Some(p) = &packages {
            part.head.packages = p[k].clone();
        }
        if let Some(g) = &gross {
            part.head.gross_weight = g[k].clone();
        }
        if let Some(n) = &net {
            part.head.net_weight = n[k].clone();
        }
        parts.push(part);
    }
    (basis, parts)
}

/// The containers of `decl` that hold a line of `range`, their line
/// references renumbered within the part.
fn containers_for(
    decl: &Declaration,
    range: &std::ops::Range<usize>,
) -> Vec<portdesk_domain::Container> {
    decl.containers
        .iter()
        .filter_map(|c| {
            let refs: Vec<usize> = c
                .line_refs
                .split(',')
                .filter_map(|r| r.trim().parse::<usize>().ok())
                .collect();
            if refs.is_empty() {
                return Some(c.clone());
            }
            let local: Vec<String> = refs
                .iter()
                .filter(|n| **n >= 1 && range.contains(&(**n - 1)))
                .map(|n| (n - range.start).to_string())
                .collect();
            (!local.is_empty()).then(|| portdesk_domain::Container {
                line_refs: local.join(","),
                ..c.clone()
            })
        })
        .collect()
}

/// `total` shared in proportion to `weights` (equal shares when they sum to
/// zero), in steps of `10^-decimals`, by largest remainder: the shares add
/// up to `total` exactly. Each share is then raised to `min` where the
/// total allows, taking from the largest. `None` when `total` has more
/// decimals than asked, is negative, or there are no parts.
pub fn apportion(
    total: Decimal,
    weights: &[Decimal],
    decimals: u32,
    min: Decimal,
) -> Option<Vec<Decimal>> {
    if weights.is_empty() || total.is_sign_negative() {
        return None;
    }
    let step = Decimal::new(1, decimals);
    let units_d = total / step;
    if !units_d.fract().is_zero() {
        return None;
    }
    let units: i128 = units_d.trunc().mantissa() / 10i128.pow(units_d.trunc().scale());
    let n = weights.len();
    let sum: Decimal = weights.iter().sum();
    let weights: Vec<Decimal> = if sum.is_zero() {
        vec![Decimal::ONE; n]
    } else {
        weights.to_vec()
    };
    let sum: Decimal = weights.iter().sum();
    let mut shares: Vec<i128> = Vec::with_capacity(n);
    let mut remainders: Vec<(Decimal, usize)> = Vec::with_capacity(n);
    for (i, w) in weights.iter().enumerate() {
        let exact = Decimal::from_i128_with_scale(units, 0) * *w / sum;
        let floor = exact.floor();
        shares.push(floor.mantissa() / 10i128.pow(floor.scale()));
        remainders.push((exact - floor, i));
    }
    let mut left = units - shares.iter().sum::<i128>();
    // Largest remainder first; ties to the earlier part.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    let min_units_d = (min / step).ceil();
    let min_units = min_units_d.mantissa() / 10i128.pow(min_units_d.scale());
    if units >= min_units * n as i128 {
        while let Some(low) = (0..n).find(|&i| shares[i] < min_units) {
            let big = (0..n).max_by_key(|&i| (shares[i], std::cmp::Reverse(i)))?;
            let give = (min_units - shares[low]).min(shares[big] - min_units);
            if give <= 0 {
                break;
            }
            shares[big] -= give;
            shares[low] += give;
        }
    }
    Some(
        shares
            .into_iter()
            .map(|s| (Decimal::from_i128_with_scale(s, 0) * step).normalize())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::{GoodsLine, IeFlag};
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn shares_add_up() {
        let p = apportion(d("100"), &[d("1"), d("1"), d("1")], 0, Decimal::ONE).unwrap();
        assert_eq!(p, vec![d("34"), d("33"), d("33")]);
        let w = apportion(d("10.00001"), &[d("2"), d("1")], 5, Decimal::ONE).unwrap();
        assert_eq!(w.iter().sum::<Decimal>(), d("10.00001"));
        assert_eq!(w, vec![d("6.66667"), d("3.33334")]);
        // The minimum: a part with almost no weight still gets 1 package.
        let m = apportion(d("10"), &[d("1000"), d("0.001")], 0, Decimal::ONE).unwrap();
        assert_eq!(m, vec![d("9"), d("1")]);
        // Too little to give every part its minimum: shares as they fall.
        let m = apportion(d("1"), &[d("1"), d("1")], 0, Decimal::ONE).unwrap();
        assert_eq!(m.iter().sum::<Decimal>(), d("1"));
        assert_eq!(apportion(d("1.5"), &[d("1")], 0, Decimal::ONE), None);
    }

    proptest! {
        #[test]
        fn apportioned_parts_sum_to_the_total(
            total in 0u64..10_000_000,
            weights in proptest::collection::vec(0u32..100_000, 1..6),
            decimals in 0u32..6,
        ) {
            let total = Decimal::new(total as i64, decimals);
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            let parts = apportion(total, &weights, decimals, Decimal::ONE).unwrap();
            prop_assert_eq!(parts.iter().sum::<Decimal>(), total);
            let n = Decimal::from(parts.len() as u64);
            if total >= n {
                prop_assert!(parts.iter().all(|p| *p >= Decimal::ONE), "{:?}", parts);
            }
            prop_assert!(parts.iter().all(|p| p.scale() <= decimals));
        }
    }

    #[test]
    fn seventy_three_lines_become_fifty_and_twenty_three() {
        let mut decl = Declaration::new("PD0000000000000001".into(), IeFlag::E);
        decl.head.packages = "100".into();
        decl.head.gross_weight = "1000.5".into();
        decl.head.net_weight = "900".into();
        decl.lines = (0..73)
            .map(|i| GoodsLine {
                name: format!("item {i}"),
                ..GoodsLine::default()
            })
            .collect();
        decl.containers = vec![
            portdesk_domain::Container {
                number: "A".into(),
                line_refs: "1,51".into(),
                ..Default::default()
            },
            portdesk_domain::Container {
                number: "B".into(),
                line_refs: "60".into(),
                ..Default::default()
            },
        ];
        let figures: Vec<RowFigures> = (0..73)
            .map(|_| RowFigures {
                net_weight: Some(d("1")),
                ..Default::default()
            })
            .collect();
        let (basis, parts) = split_declaration(decl, &figures);
        assert_eq!(basis, Basis::RowNetWeight);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].lines.len(), 50);
        assert_eq!(parts[1].lines.len(), 23);
        assert_eq!(parts[0].client_seq_no, "PD0000000000000001");
        assert_eq!(parts[1].client_seq_no, "");
        let sum = |f: fn(&Declaration) -> &str| -> Decimal { parts.iter().map(|p| d(f(p))).sum() };
        assert_eq!(sum(|p| &p.head.packages), d("100"));
        assert_eq!(sum(|p| &p.head.gross_weight), d("1000.5"));
        assert_eq!(sum(|p| &p.head.net_weight), d("900"));
        assert_eq!(parts[0].head.packages, "68");
        assert_eq!(parts[1].head.packages, "32");
        assert_eq!(parts[0].containers.len(), 1);
        assert_eq!(parts[0].containers[0].line_refs, "1");
        assert_eq!(
            parts[1]
                .containers
                .iter()
                .map(|c| c.line_refs.as_str())
                .collect::<Vec<_>>(),
            ["1", "10"]
        );
        assert_eq!(parts[1].lines[0].name, "item 50");
    }

    #[test]
    fn head_totals_are_the_rows_sums_when_empty() {
        let mut decl = Declaration::new(String::new(), IeFlag::E);
        decl.head.gross_weight = "7".into();
        let figures = vec![
            RowFigures {
                net_weight: Some(d("1.5")),
                gross_weight: Some(d("2")),
                packages: Some(d("3")),
            },
            RowFigures {
                net_weight: Some(d("2.25")),
                gross_weight: None,
                packages: Some(d("4")),
            },
        ];
        fill_head_totals(&mut decl, &figures);
        assert_eq!(decl.head.net_weight, "3.75");
        assert_eq!(decl.head.gross_weight, "7");
        assert_eq!(decl.head.packages, "7");
    }
}
