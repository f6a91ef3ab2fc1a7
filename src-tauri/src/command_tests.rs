//! The commands through Tauri's IPC layer (mock runtime): argument names as
//! the UI sends them, answers as the UI receives them, errors as
//! `{code, message, field}`. The database is a real SQLite file.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use crate::{open_state, with_commands};

struct Harness {
    _data: tempfile::TempDir,
    window: WebviewWindow<tauri::test::MockRuntime>,
    _app: tauri::App<tauri::test::MockRuntime>,
}

fn harness() -> Harness {
    let data = tempfile::tempdir().expect("temp dir");
    let state = open_state(data.path().to_path_buf()).expect("open state");
    let app = with_commands(mock_builder())
        .manage(state)
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    Harness {
        _data: data,
        window,
        _app: app,
    }
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("json answer"))
    }
}

#[test]
fn create_save_list_history_restore_through_ipc() {
    let h = harness();
    let view = h
        .call("create_declaration", json!({"ieFlag": "E"}))
        .unwrap();
    let id = view["meta"]["id"].as_str().unwrap().to_owned();
    assert_eq!(view["meta"]["revision"], 1);
    assert_eq!(view["declaration"]["head"]["ie_flag"], "E");
    assert_eq!(view["meta"]["client_seq_no"].as_str().unwrap().len(), 18);

    let mut declaration = view["declaration"].clone();
    declaration["head"]["trade_name"] = json!("大连海融钢铁贸易有限公司");
    declaration["head"]["net_weight"] = json!("1500");
    declaration["head"]["gross_weight"] = json!("1200");
    let saved = h
        .call(
            "save_declaration",
            json!({"id": id, "declaration": declaration, "note": "autosave"}),
        )
        .unwrap();
    assert_eq!(saved["meta"]["revision"], 2);
    let problems = saved["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["rule"] == "DEC-X01" && p["field"] == "head.net_weight"),
        "net > gross is reported on the net weight: {problems:?}"
    );

    let page = h
        .call("list_drafts", json!({"query": {"text": "海融"}}))
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["title"], "大连海融钢铁贸易有限公司");

    let history = h.call("draft_history", json!({"id": id})).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);

    let restored = h
        .call("restore_revision", json!({"id": id, "revision": 1}))
        .unwrap();
    assert_eq!(restored["meta"]["revision"], 3);
    assert_eq!(restored["declaration"]["head"]["trade_name"], "");
    let old = h
        .call("get_revision", json!({"id": id, "revision": 2}))
        .unwrap();
    assert_eq!(old["head"]["trade_name"], "大连海融钢铁贸易有限公司");
}

#[test]
fn trash_hides_and_only_empty_trash_deletes() {
    let h = harness();
    let id = h
        .call("create_declaration", json!({"ieFlag": "I"}))
        .unwrap()["meta"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call("trash_draft", json!({"id": id})).unwrap();
    assert_eq!(
        h.call("list_drafts", json!({"query": {}})).unwrap()["total"],
        0
    );
    assert_eq!(
        h.call("list_drafts", json!({"query": {"trashed": true}}))
            .unwrap()["total"],
        1
    );
    let err = h
        .call(
            "save_declaration",
            json!({"id": id, "declaration": h.call("get_declaration", json!({"id": id})).unwrap()["declaration"], "note": "save"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "trashed");
    assert_eq!(h.call("empty_trash", json!({})).unwrap(), 1);
    let err = h.call("get_declaration", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn bad_arguments_are_errors_naming_the_field() {
    let h = harness();
    let err = h
        .call("get_declaration", json!({"id": "not-a-uuid"}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["field"], "id");
    assert!(err["message"].as_str().unwrap().contains("not-a-uuid"));
}

#[test]
fn validate_and_code_lists_answer_without_touching_the_store() {
    let h = harness();
    let fixture: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/declaration-valid.json")).unwrap();
    let problems = h
        .call(
            "validate_declaration",
            json!({"declaration": fixture, "purpose": "declare"}),
        )
        .unwrap();
    assert_eq!(problems, json!([]), "the valid sample has no problems");
    // It is a paperless export: the invoice is no longer required (measure 9).
    let docs = h
        .call("required_attachments", json!({"declaration": fixture}))
        .unwrap();
    let invoice = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "invoice")
        .expect("invoice listed");
    assert_eq!(invoice["required"], false);
    let lists = h.call("code_lists", json!({})).unwrap();
    let names: Vec<&str> = lists
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    for name in ["trade_mode", "country", "currency", "unit", "port"] {
        assert!(names.contains(&name), "{name} served: {names:?}");
    }
    assert_eq!(
        h.call("list_drafts", json!({"query": {}})).unwrap()["total"],
        0
    );
}
