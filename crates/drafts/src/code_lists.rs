//! Loading the code lists in force: the bundled ones, each replaced by a
//! newer file of the same name in `DATA_DIR/codelists/`, and the
//! declaration element lists (`DATA_DIR/data/declaration_elements.json`).

use std::path::Path;

use portdesk_domain::elements::ELEMENTS_FILE_NAME;
use portdesk_domain::limits::CODE_LIST_FILE;
use portdesk_domain::{CodeList, CodeLists};

use crate::data_files::{load_dated, read_data_file};

/// The bundled code lists updated from `data_dir/codelists/*.json`. A broken
/// file, or one over [`CODE_LIST_FILE`]'s size, is logged and skipped: the
/// bundled list still works. The element lists follow the same rule
/// (`load_dated`; a file is read within the same size limit).
pub fn load_code_lists(data_dir: &Path) -> CodeLists {
    let mut lists = CodeLists::bundled();
    let bundled = lists.elements().clone();
    lists.set_elements(load_dated(
        data_dir,
        ELEMENTS_FILE_NAME,
        bundled,
        &CODE_LIST_FILE,
    ));
    let Ok(entries) = std::fs::read_dir(data_dir.join("codelists")) else {
        return lists;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.display().to_string();
        match read_data_file::<CodeList>(&path, &CODE_LIST_FILE) {
            Ok(list) => {
                if lists.offer(list) {
                    tracing::info!(file = %name, "code list updated from data dir");
                }
            }
            Err(error) => tracing::warn!(file = %name, %error, "code list file skipped"),
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::elements::ElementTable;

    #[test]
    fn a_newer_file_replaces_the_bundled_list_and_a_broken_one_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("codelists")).unwrap();
        let newer = r#"{"name":"terms_of_sale","title_zh":"成交方式","title_en":"Terms of sale",
            "version_date":"2999-01-01","source":"test","entries":[{"code":"9","label_zh":"测试","label_en":"test"}]}"#;
        std::fs::write(dir.path().join("codelists/terms_of_sale.json"), newer).unwrap();
        std::fs::write(dir.path().join("codelists/unit.json"), "{ not json").unwrap();
        // A valid list padded past the size limit is skipped unread.
        let mut huge = newer.replace("terms_of_sale", "duty_mode");
        huge.push_str(&" ".repeat(CODE_LIST_FILE.max_bytes as usize));
        std::fs::write(dir.path().join("codelists/duty_mode.json"), huge).unwrap();
        let lists = load_code_lists(dir.path());
        assert!(lists.contains("terms_of_sale", "9"));
        assert!(!lists.contains("terms_of_sale", "1"));
        assert_eq!(lists.get("unit"), CodeLists::bundled().get("unit"));
        assert_eq!(
            lists.get("duty_mode"),
            CodeLists::bundled().get("duty_mode")
        );
    }

    #[test]
    fn a_newer_element_file_replaces_the_bundled_lists() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load_code_lists(dir.path()).elements(),
            CodeLists::bundled().elements(),
            "no file"
        );
        let mut newer = ElementTable::bundled();
        newer.version_date = "2999-01-01".into();
        newer
            .entries
            .retain(|e| e.code == "7210490000" || e.code == "7219120000");
        let text = serde_json::to_string(&newer).unwrap();
        std::fs::create_dir(dir.path().join(crate::data_files::DATA_FILES_DIR)).unwrap();
        let file = dir
            .path()
            .join(crate::data_files::DATA_FILES_DIR)
            .join(ELEMENTS_FILE_NAME);
        std::fs::write(&file, &text).unwrap();
        let lists = load_code_lists(dir.path());
        assert_eq!(lists.elements().len(), 2);
        assert!(lists.elements().lookup("7210490000").is_some());
        assert!(lists.elements().lookup("8471309000").is_none());
        // A file with a code twice is refused whole.
        let twice = text.replace("\"code\":\"7219120000\"", "\"code\":\"7210490000\"");
        assert_ne!(twice, text);
        std::fs::write(&file, twice).unwrap();
        assert_eq!(
            load_code_lists(dir.path()).elements(),
            CodeLists::bundled().elements()
        );
    }
}
