//! Port fee estimation (口岸收费估算): how many of a published fee a
//! shipment incurs, from the fee's unit and the declaration's containers.
//! The catalogue itself is reference data (synced and cached); only the
//! counting rule lives here.

use crate::declaration::Declaration;

/// Number of 20-foot and 40-foot (incl. 45-foot) containers of `d`, by the
/// first character of the ISO 6346 size-type code.
pub fn container_counts(d: &Declaration) -> (u32, u32) {
    let mut out = (0, 0);
    for c in &d.containers {
        match c.size_type.trim().chars().next() {
            Some('2') => out.0 += 1,
            Some('4') | Some('L') | Some('l') => out.1 += 1,
            _ => {}
        }
    }
    out
}

/// How many units of a fee published per `unit_en` a shipment of
/// `boxes_20` and `boxes_40` laden containers with `storage_days` days of
/// storage after the free time incurs. Per-box fees count each box of their
/// size (`per 20' box`, `per 40' box`) or every box (`per box`); storage
/// counts box-days. `None`: not estimated (fees for empty boxes, by weight
/// or tonnage), which the estimate lists apart.
pub fn fee_quantity(
    unit_en: &str,
    service_en: &str,
    boxes_20: u32,
    boxes_40: u32,
    storage_days: u32,
) -> Option<u32> {
    if service_en.to_ascii_lowercase().contains("empty") {
        return None;
    }
    match unit_en.trim() {
        "per box" => Some(boxes_20 + boxes_40),
        "per 20' box" => Some(boxes_20),
        "per 40' box" => Some(boxes_40),
        "per 20' box per day" => Some(boxes_20 * storage_days),
        "per 40' box per day" => Some(boxes_40 * storage_days),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::{Container, IeFlag};

    #[test]
    fn boxes_and_days_are_counted_by_unit() {
        assert_eq!(fee_quantity("per box", "Handling", 2, 1, 0), Some(3));
        assert_eq!(fee_quantity("per 20' box", "THC", 2, 1, 0), Some(2));
        assert_eq!(
            fee_quantity("per 40' box per day", "Storage", 2, 1, 4),
            Some(4)
        );
        assert_eq!(
            fee_quantity("per box", "Empty container handling", 2, 1, 0),
            None
        );
        assert_eq!(fee_quantity("per tonne", "Wharfage", 2, 1, 0), None);
    }

    #[test]
    fn containers_are_counted_by_size_code() {
        let mut d = Declaration::new("X".into(), IeFlag::E);
        for size in ["22G1", "45G1", "L5G1", "42G1", ""] {
            d.containers.push(Container {
                size_type: size.into(),
                ..Container::default()
            });
        }
        assert_eq!(container_counts(&d), (1, 3));
    }
}
