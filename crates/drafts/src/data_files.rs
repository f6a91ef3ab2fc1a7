//! Loading dated reference data in force: the bundled copy, replaced by a
//! newer file of the same name in the data dir (see
//! `portdesk_domain::dated_data`). One reader for every such file: code
//! lists (`codelists/*.json`), and any single file under `data/`.

use std::path::Path;

use portdesk_domain::dated_data::DatedData;
use portdesk_domain::limits::FileLimit;
use serde::de::DeserializeOwned;

use crate::files::read_text_limited;

/// Folder of the data dir where single reference files are updated.
pub const DATA_FILES_DIR: &str = "data";

/// Reads and parses one reference file, within `limit`. The error is a
/// sentence for the log.
pub fn read_data_file<T: DeserializeOwned>(path: &Path, limit: &FileLimit) -> Result<T, String> {
    let text = read_text_limited(path, limit).map_err(|e| e.reason())?;
    serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))
}

/// `bundled`, or the file `data_dir/data/<file_name>` when it parses and is
/// newer. A missing file is the usual case; a broken, oversized or older
/// one is logged and the bundled copy stays in force.
pub fn load_dated<T: DeserializeOwned + DatedData>(
    data_dir: &Path,
    file_name: &str,
    bundled: T,
    limit: &FileLimit,
) -> T {
    let path = data_dir.join(DATA_FILES_DIR).join(file_name);
    if !path.exists() {
        return bundled;
    }
    let name = path.display().to_string();
    match read_data_file::<T>(&path, limit) {
        Ok(update) if update.is_newer_than(&bundled) => {
            tracing::info!(file = %name, date = update.version_date(), "reference data updated from data dir");
            update
        }
        Ok(update) => {
            tracing::info!(file = %name, date = update.version_date(), "reference data file not newer than the bundled one; kept the bundled");
            bundled
        }
        Err(error) => {
            tracing::warn!(file = %name, %error, "reference data file skipped");
            bundled
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::limits::CODE_LIST_FILE;
    use portdesk_domain::CodeLists;

    #[test]
    fn only_a_newer_valid_file_replaces_the_bundled_data() {
        let dir = tempfile::tempdir().unwrap();
        let bundled = CodeLists::bundled().get("duty_mode").unwrap().clone();
        let load = || {
            load_dated(
                dir.path(),
                "duty_mode.json",
                bundled.clone(),
                &CODE_LIST_FILE,
            )
        };
        assert_eq!(load(), bundled, "no file");
        std::fs::create_dir(dir.path().join(DATA_FILES_DIR)).unwrap();
        let file = dir.path().join(DATA_FILES_DIR).join("duty_mode.json");
        std::fs::write(&file, "{ broken").unwrap();
        assert_eq!(load(), bundled, "broken file");
        let mut older = bundled.clone();
        older.version_date = "2000-01-01".into();
        older.entries.truncate(1);
        std::fs::write(&file, serde_json::to_string(&older).unwrap()).unwrap();
        assert_eq!(load(), bundled, "older file");
        let mut newer = older.clone();
        newer.version_date = "2999-01-01".into();
        std::fs::write(&file, serde_json::to_string(&newer).unwrap()).unwrap();
        assert_eq!(load(), newer, "newer file");
    }
}
