//! Duty and VAT estimate on the client (税费估算): the rate files in force
//! (bundled, or newer copies in `<data dir>/data/`, read by
//! [`load_dated`]) and the estimate of a draft, which the tax panel shows
//! before declaring and the summary-tax quota check uses
//! ([`Drafts::check_tax`]). The arithmetic is the domain's
//! `portdesk_domain::tax_estimate::estimate`, the same the mock Single
//! Window reserves with.

use std::path::Path;

use portdesk_domain::limits::CODE_LIST_FILE;
pub use portdesk_domain::tax_estimate::{DutyEstimate, EstimateRates};
use uuid::Uuid;

use crate::data_files::load_dated;
use crate::{DraftError, Drafts};

/// File names of the rate files, bundled and in `<data dir>/data/`.
pub const TARIFF_RATES_FILE: &str = "tariff_rates.json";
pub const EXCHANGE_RATES_FILE: &str = "exchange_rates.json";

/// The rate files in force for `data_dir`: each the bundled copy unless a
/// newer valid file of the same name is in `<data dir>/data/`.
pub fn load_estimate_rates(data_dir: &Path) -> EstimateRates {
    let bundled = EstimateRates::bundled();
    EstimateRates {
        tariff: load_dated(data_dir, TARIFF_RATES_FILE, bundled.tariff, &CODE_LIST_FILE),
        exchange: load_dated(
            data_dir,
            EXCHANGE_RATES_FILE,
            bundled.exchange,
            &CODE_LIST_FILE,
        ),
    }
}

impl Drafts {
    /// The duty and VAT estimate of draft `id` today (China date).
    pub async fn duty_estimate(&self, id: Uuid) -> Result<DutyEstimate, DraftError> {
        let (_, d) = self.store.get_declaration(id).await?;
        Ok(self.estimate_rates.estimate(&d, crate::tax::china_today()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_files::DATA_FILES_DIR;

    #[test]
    fn a_newer_rate_file_in_the_data_dir_replaces_the_bundled_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_estimate_rates(dir.path()), EstimateRates::bundled());
        let mut newer = EstimateRates::bundled().tariff;
        newer.version_date = "2099-01-01".into();
        newer.entries[0].mfn_rate = Some("7".into());
        std::fs::create_dir(dir.path().join(DATA_FILES_DIR)).unwrap();
        std::fs::write(
            dir.path().join(DATA_FILES_DIR).join(TARIFF_RATES_FILE),
            serde_json::to_string(&newer).unwrap(),
        )
        .unwrap();
        let loaded = load_estimate_rates(dir.path());
        assert_eq!(loaded.tariff, newer);
        assert_eq!(loaded.exchange, EstimateRates::bundled().exchange);
    }
}
