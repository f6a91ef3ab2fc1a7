//! The commands through Tauri's IPC layer (mock runtime): argument names as
//! the UI sends them, answers as the UI receives them, errors as
//! `{code, message, field}`. The database is a real SQLite file.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use crate::{open_state, with_commands};

/// An app on the mock runtime with a real data dir; shared by the command
/// modules' own tests.
pub(crate) struct Harness {
    pub(crate) data: tempfile::TempDir,
    window: WebviewWindow<tauri::test::MockRuntime>,
    _app: tauri::App<tauri::test::MockRuntime>,
}

pub(crate) fn harness() -> Harness {
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
        data,
        window,
        _app: app,
    }
}

impl Harness {
    pub(crate) fn app(&self) -> &tauri::App<tauri::test::MockRuntime> {
        &self._app
    }

    pub(crate) fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
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
fn copy_declaration_makes_a_new_draft_through_ipc() {
    let h = harness();
    let view = h
        .call("create_declaration", json!({"ieFlag": "E"}))
        .unwrap();
    let id = view["meta"]["id"].as_str().unwrap().to_owned();
    let mut declaration = view["declaration"].clone();
    declaration["lines"] = json!([{"name": "钢板", "quantity": "3"}]);
    declaration["head"]["ie_date"] = json!("20261101");
    h.call(
        "save_declaration",
        json!({"id": id, "declaration": declaration, "note": "save"}),
    )
    .unwrap();

    let copy = h.call("copy_declaration", json!({"id": id})).unwrap();
    assert_ne!(copy["meta"]["id"], json!(id));
    assert_ne!(copy["meta"]["client_seq_no"], view["meta"]["client_seq_no"]);
    assert_eq!(copy["meta"]["revision"], 1);
    assert_eq!(copy["declaration"]["lines"][0]["name"], "钢板");
    assert_eq!(copy["declaration"]["head"]["ie_date"], "");
    let err = h
        .call("copy_declaration", json!({"id": "not-a-uuid"}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
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
    let list = h
        .call("declaration_elements", json!({"code": "7210490000"}))
        .unwrap();
    assert_eq!(list["code"], "7210490000");
    assert_eq!(list["elements"][0]["name_zh"], "品牌类型");
    assert_eq!(list["elements"][0]["allowed"][4]["code"], "4");
    assert_eq!(
        h.call("declaration_elements", json!({"code": "8471300000"}))
            .unwrap()["code"],
        "847130",
        "a subheading's list"
    );
    assert_eq!(
        h.call("declaration_elements", json!({"code": "7208390000"}))
            .unwrap(),
        Value::Null
    );
    assert_eq!(
        h.call("list_drafts", json!({"query": {}})).unwrap()["total"],
        0
    );
}

// --- Sync commands (sync_commands.rs). Logging in against a real server is
// the real-window e2e's job (tests/e2e/sync.rs); here: argument errors,
// filing offline, and reading outbox, receipts and message log from a store.

/// A created draft filled with the valid fixture (its own client no. kept).
fn ready_draft(h: &Harness) -> String {
    let view = h
        .call("create_declaration", json!({"ieFlag": "E"}))
        .unwrap();
    let id = view["meta"]["id"].as_str().unwrap().to_owned();
    let mut declaration: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/declaration-valid.json")).unwrap();
    declaration["client_seq_no"] = view["meta"]["client_seq_no"].clone();
    let saved = h
        .call(
            "save_declaration",
            json!({"id": id, "declaration": declaration, "note": "save"}),
        )
        .unwrap();
    assert_eq!(saved["meta"]["status"], "ready", "{saved}");
    id
}

#[test]
fn login_names_the_field_to_fix() {
    let h = harness();
    let good = json!({"server": "http://127.0.0.1:8421", "customsCode": "2102980567",
        "operator": "op01", "password": "demo1234"});
    for (field, value, arg) in [
        ("server", "", "server"),
        ("server", "ftp://example", "server"),
        ("customs_code", "21029", "customsCode"),
        ("operator", "  ", "operator"),
        ("password", "", "password"),
    ] {
        let mut args = good.clone();
        args[arg] = json!(value);
        let err = h.call("login", args).unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{field}: {err}");
        assert_eq!(err["field"], field, "{err}");
    }
    // Nothing listens on port 1: offline, pointing at the server field, and
    // still signed out.
    let mut args = good.clone();
    args["server"] = json!("http://127.0.0.1:1");
    let err = h.call("login", args).unwrap_err();
    assert_eq!(err["code"], "offline", "{err}");
    assert_eq!(err["field"], "server");
    let status = h.call("sync_status", json!({})).unwrap();
    assert_eq!(status["state"], "signed_out");
    assert_eq!(status["account"], Value::Null);
}

#[test]
fn an_account_with_no_server_starts_from_its_exchange_folder_and_refuses_what_needs_one() {
    let h = harness();
    let root = h.data.path().join("exchange");
    let settings = |root: &std::path::Path| {
        json!({"root": root.to_str().unwrap(), "cop_code": "", "cop_name": "",
            "inputer_name": "张三", "declare_name": "", "typist_no": "", "ic_code": "",
            "stuck_after_minutes": 15})
    };
    let args = |code: &str, root: &std::path::Path| json!({"customsCode": code, "operator": "op01", "settings": settings(root)});
    let err = h
        .call("start_exchange_account", args("21029", &root))
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("invalid_input"), Some("customs_code")),
        "{err}"
    );
    // Not the client's folder (yet): refused, pointing at the folder field.
    let err = h
        .call("start_exchange_account", args("2102980567", &root))
        .unwrap_err();
    assert_eq!(err["code"], "not_exchange_root", "{err}");
    assert_eq!(err["field"], "root", "{err}");
    assert_eq!(
        h.call("sync_status", json!({})).unwrap()["account"],
        Value::Null
    );

    for d in ["OutBox", "SentBox", "FailBox", "InBox"] {
        std::fs::create_dir_all(root.join("Dec").join(d)).unwrap();
    }
    let status = h
        .call("start_exchange_account", args("2102980567", &root))
        .unwrap();
    assert_eq!(
        status["account"],
        json!({"server": "", "customs_code": "2102980567", "operator": "op01", "exchange_only": true}),
        "{status}"
    );
    assert_eq!(status["last_error"], Value::Null, "{status}");
    let shown = h.call("exchange_settings", json!({})).unwrap();
    assert_eq!(shown["inputer_name"], "张三", "{shown}");

    // What needs a server says so, with a code the UI translates.
    let err = h.call("refresh_reference", json!({})).unwrap_err();
    assert_eq!(err["code"], "no_server", "{err}");
    let err = h
        .call("set_exchange_settings", json!({"settings": null}))
        .unwrap_err();
    assert_eq!(err["code"], "no_server", "{err}");

    let status = h.call("logout", json!({})).unwrap();
    assert_eq!(status["state"], "signed_out", "{status}");
}

#[test]
fn declaring_offline_queues_the_draft_in_the_outbox() {
    let h = harness();
    let status = h.call("sync_status", json!({})).unwrap();
    assert_eq!(status["state"], "signed_out");
    assert!(status["default_server"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    assert_eq!(status["counts"]["queued"], 0);

    // A draft with errors is refused; nothing is queued.
    let bad = h
        .call("create_declaration", json!({"ieFlag": "I"}))
        .unwrap()["meta"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let err = h.call("file_declaration", json!({"id": bad})).unwrap_err();
    assert_eq!(err["code"], "not_ready");
    let err = h
        .call("file_declaration", json!({"id": "nope"}))
        .unwrap_err();
    assert_eq!(err["field"], "id");

    let id = ready_draft(&h);
    let filed = h.call("file_declaration", json!({"id": id})).unwrap();
    assert_eq!(filed["meta"]["status"], "queued");
    assert_eq!(filed["idempotency_key"].as_str().unwrap().len(), 36);
    // Filing again while the first is pending is refused.
    let err = h.call("file_declaration", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "filing_in_progress");

    let entries = h.call("outbox_entries", json!({})).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["state"], "queued");
    assert_eq!(entries[0]["draft_id"], json!(id));
    assert_eq!(entries[0]["seq"], filed["outbox_seq"]);
    let status = h.call("sync_status", json!({})).unwrap();
    assert_eq!(status["counts"]["queued"], 1);
    let timeline = h.call("draft_receipts", json!({"id": id})).unwrap();
    assert_eq!(timeline["outbox"].as_array().unwrap().len(), 1);
    assert_eq!(timeline["receipts"], json!([]));
}

#[test]
fn receipts_timeline_and_message_log_read_the_store() {
    use portdesk_store::{LogDirection, LogEntry, NewReceipt};
    use tauri::Manager;

    let h = harness();
    let id = ready_draft(&h);
    let filed = h.call("file_declaration", json!({"id": id})).unwrap();
    let seq = filed["outbox_seq"].as_i64().unwrap();
    let client_seq_no = filed["meta"]["client_seq_no"].as_str().unwrap().to_owned();
    let store = h._app.state::<crate::AppState>().drafts.store().clone();

    let receipt = |server_id: &str, code: &str, reasons: Value| NewReceipt {
        server_id: server_id.to_owned(),
        client_seq_no: client_seq_no.clone(),
        seq_no: "000020261000000001".to_owned(),
        entry_id: None,
        code: code.to_owned(),
        message_zh: format!("回执 {code}"),
        message_en: format!("receipt {code}"),
        reasons: reasons.to_string(),
        issued_at: chrono::Utc::now(),
    };
    let line = |seq_in_log: i64, direction| LogEntry {
        at: chrono::Utc::now(),
        direction,
        method: "POST".to_owned(),
        path: format!("/v1/declarations#{seq_in_log}"),
        outbox_seq: Some(seq),
        idempotency_key: None,
        status: None,
        retry_after_ms: None,
        body: String::new(),
        truncated: None,
    };
    tauri::async_runtime::block_on(async {
        store
            .store_receipts(
                "http://x|2102980567",
                &[
                    receipt("1", "L", json!([])),
                    receipt(
                        "2",
                        "E",
                        json!([{"rule": "SW-REVIEW", "field": "head.bill_no",
                            "message_zh": "提单号不符", "message_en": "bill no. does not match"}]),
                    ),
                ],
                "2",
            )
            .await
            .unwrap();
        store
            .append_log(&[
                line(1, LogDirection::Request),
                line(2, LogDirection::Response),
                line(3, LogDirection::Request),
            ])
            .await
            .unwrap();
    });

    let timeline = h.call("draft_receipts", json!({"id": id})).unwrap();
    let receipts = timeline["receipts"].as_array().unwrap();
    let codes: Vec<&str> = receipts
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["L", "E"]);
    assert_eq!(receipts[1]["reasons"][0]["field"], "head.bill_no");
    assert_eq!(receipts[1]["reasons"][0]["rule"], "SW-REVIEW");
    assert_eq!(receipts[1]["message_zh"], "回执 E");

    // Newest first, limited, filtered by entry.
    let log = h
        .call("message_log", json!({"outboxSeq": seq, "limit": 2}))
        .unwrap();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/v1/declarations#3", "/v1/declarations#2"]);
    let other = h
        .call("message_log", json!({"outboxSeq": seq + 1000, "limit": 10}))
        .unwrap();
    assert_eq!(other, json!([]));
}

// --- Tax commands (tax_commands.rs) without a server: the panel reads the
// reference data cached by an earlier sync, seeded here as the server
// sends it (wire JSON).

/// Seeds the cache with an enterprise (general credit, area 0900) whose
/// one guarantee is exhausted, and a small port fee catalogue.
fn seed_tax_reference(h: &Harness) {
    use portdesk_store::ReferenceKind;
    use tauri::Manager;

    let store = h._app.state::<crate::AppState>().drafts.store().clone();
    let account = "http://127.0.0.1:1|2102930001|op01";
    let enterprise = json!({
        "customs_code": "2102930001", "scc": "91210200MA0QC4L18X",
        "name_zh": "大连北方钢材进出口有限公司", "name_en": "Dalian Northern Steel",
        "rating": "general", "customs_area": "0900", "group": null,
        "has_tripartite_agreement": false
    });
    let guarantees = json!({"items": [{
        "number": "PICC-EXHAUSTED", "kind": "tax_insurance", "scope": "general",
        "issuer": "中国人民财产保险股份有限公司大连市分公司", "issuer_group": "",
        "amount": "2000000.00", "currency": "CNY",
        "quota_used": "2000000.00", "quota_left": "0.00",
        "valid_from": "2026-01-01", "valid_to": "2099-12-31", "customs_area": "0900"
    }]});
    let fee = |code: &str, unit: &str, service: &str, price: &str| {
        json!({
            "port_code": "210200", "port_zh": "大连", "port_en": "Dalian",
            "operator_zh": "码头", "operator_en": "Terminal",
            "service_code": code, "service_zh": "费", "service_en": service,
            "unit_zh": "箱", "unit_en": unit, "price": price, "currency": "CNY",
            "effective_date": "2026-11-01", "note": ""
        })
    };
    let port_fees = json!({"version": "2026-11-01", "source": "test", "fees": [
        fee("DL-THC-20", "per 20' box", "Terminal handling, 20' laden", "690.00"),
        fee("DL-THC-40", "per 40' box", "Terminal handling, 40' laden", "1030.00"),
        fee("DL-PCF", "per freight ton", "Port construction fee", "4.00"),
    ]});
    tauri::async_runtime::block_on(async {
        for (kind, body) in [
            (ReferenceKind::Enterprise, enterprise),
            (ReferenceKind::Guarantees, guarantees),
            (ReferenceKind::PortFees, port_fees),
        ] {
            store
                .put_reference(kind, account, &body.to_string(), Some("\"v1\""))
                .await
                .unwrap();
        }
    });
}

#[test]
fn tax_panel_without_a_synced_cache_says_so_and_keeps_the_choice() {
    let h = harness();
    let id = ready_draft(&h);
    let panel = h.call("tax_panel", json!({"id": id})).unwrap();
    assert_eq!(panel["reference_missing"], true);
    assert_eq!(panel["options"], json!([]));
    assert_eq!(panel["choice"]["summary_tax"], false);
    assert_eq!(panel["guarantees"]["fetched_at"], Value::Null);

    // The choice is kept beside the draft and read back.
    let choice = json!({"summary_tax": true, "guarantee_no": "BG-X"});
    let set = h
        .call("set_tax_choice", json!({"id": id, "choice": choice}))
        .unwrap();
    assert_eq!(set["choice"]["guarantee_no"], "BG-X");
    assert_eq!(&set["document_type"].as_str().unwrap()[..2], "CL");
    let again = h.call("tax_panel", json!({"id": id})).unwrap();
    assert_eq!(again["choice"]["summary_tax"], true);
    assert_eq!(again["choice"]["guarantee_no"], "BG-X");

    // Nothing cached: no offline verdict, and no duties to pay.
    let problems = h
        .call(
            "check_tax",
            json!({"declaration": serde_json::from_str::<Value>(include_str!(
                "../../tests/fixtures/declaration-valid.json"
            )).unwrap(), "choice": choice}),
        )
        .unwrap();
    assert_eq!(problems, json!([]));
    let duties = h.call("duty_payment", json!({"id": id})).unwrap();
    assert_eq!(
        (duties["summary_tax"].clone(), duties["payable"].clone()),
        (json!(true), json!(false))
    );
    let err = h.call("pay_duties", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "not_logged_in", "{err}");

    let err = h
        .call("tax_panel", json!({"id": uuid::Uuid::now_v7().to_string()}))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn check_tax_and_filing_refuse_an_exhausted_guarantee_from_the_cache() {
    let h = harness();
    seed_tax_reference(&h);
    let id = ready_draft(&h);
    let choice = json!({"summary_tax": true, "guarantee_no": "PICC-EXHAUSTED"});
    let panel = h
        .call("set_tax_choice", json!({"id": id, "choice": choice}))
        .unwrap();
    assert_eq!(panel["reference_missing"], false);
    assert_eq!(
        panel["guarantees"]["items"][0]["guarantee"]["quota_left"],
        "0.00"
    );

    let declaration = h.call("get_declaration", json!({"id": id})).unwrap()["declaration"].clone();
    let problems = h
        .call(
            "check_tax",
            json!({"declaration": declaration, "choice": choice}),
        )
        .unwrap();
    assert!(
        problems
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["rule"] == "TAX-GUARANTEE-QUOTA"
                && p["field"] == "tax_payment.guarantee_no"
                && p["severity"] == "error"),
        "{problems}"
    );

    // Declaring is refused before anything is queued, naming rule and field.
    let err = h.call("file_declaration", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "tax_refused", "{err}");
    assert_eq!(err["field"], "tax_payment.guarantee_no");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("TAX-GUARANTEE-QUOTA"));
    assert_eq!(h.call("outbox_entries", json!({})).unwrap(), json!([]));
}

#[test]
fn port_fee_estimate_and_search_read_the_cached_catalogue() {
    let h = harness();
    let empty = h
        .call(
            "port_fee_estimate",
            json!({"portCode": "210200", "boxes20": 2, "boxes40": 1, "storageDays": 0}),
        )
        .unwrap();
    assert_eq!(empty["total"], "0.00");

    seed_tax_reference(&h);
    let estimate = h
        .call(
            "port_fee_estimate",
            json!({"portCode": "210200", "boxes20": 2, "boxes40": 1, "storageDays": 0}),
        )
        .unwrap();
    // 2 × 690.00 + 1 × 1030.00; the per-ton fee is listed, not added.
    assert_eq!(estimate["total"], "2410.00", "{estimate}");
    assert_eq!(estimate["not_estimated"][0]["service_code"], "DL-PCF");
    let found = h.call("port_fees", json!({"query": "dl-thc-40"})).unwrap();
    assert_eq!(found["fees"].as_array().unwrap().len(), 1);
    assert_eq!(found["version"], "2026-11-01");
}

// --- The goods library (goods_commands.rs): a record made by filing and
// an acceptance receipt (stored as the sync worker stores it), found by
// the picker's search, fills a line of a new declaration.

#[test]
fn a_record_made_by_filing_is_found_by_the_picker_and_fills_a_new_line() {
    use portdesk_store::NewReceipt;
    use tauri::Manager;

    let h = harness();
    let view = h
        .call("create_declaration", json!({"ieFlag": "E"}))
        .unwrap();
    let id = view["meta"]["id"].as_str().unwrap().to_owned();
    let mut declaration: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/declaration-valid.json")).unwrap();
    declaration["client_seq_no"] = view["meta"]["client_seq_no"].clone();
    declaration["lines"][0]["part_number"] = json!("DL-STEEL-01");
    h.call(
        "save_declaration",
        json!({"id": id, "declaration": declaration, "note": "save"}),
    )
    .unwrap();
    let filed = h.call("file_declaration", json!({"id": id})).unwrap();
    let client_seq_no = filed["meta"]["client_seq_no"].as_str().unwrap().to_owned();
    // Filed but not accepted: the library is empty.
    let none = h
        .call("goods_search", json!({"query": "DL-STEEL", "limit": 20}))
        .unwrap();
    assert_eq!(none, json!([]));

    let store = h.app().state::<crate::AppState>().drafts.store().clone();
    tauri::async_runtime::block_on(async {
        store
            .store_receipts(
                "http://x|2102980567",
                &[NewReceipt {
                    server_id: "1".into(),
                    client_seq_no: client_seq_no.clone(),
                    seq_no: "000020261000000001".into(),
                    entry_id: None,
                    code: "L".into(),
                    message_zh: "受理".into(),
                    message_en: "accepted".into(),
                    reasons: "[]".into(),
                    issued_at: chrono::Utc::now(),
                }],
                "1",
            )
            .await
            .unwrap();
    });

    // Typed part of the part number, of the code, of the name: found.
    let line0 = &declaration["lines"][0];
    let name = line0["name"].as_str().unwrap();
    for query in [
        "dl-steel",
        &line0["commodity_code"].as_str().unwrap()[..4],
        name,
    ] {
        let found = h
            .call("goods_search", json!({"query": query, "limit": 20}))
            .unwrap();
        assert!(
            found
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["part_number"] == "DL-STEEL-01"),
            "{query}: {found}"
        );
    }
    let found = h
        .call("goods_search", json!({"query": "DL-STEEL", "limit": 20}))
        .unwrap();
    let goods_id = found[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(found[0]["last_unit_price"], line0["unit_price"]);
    let record = h.call("goods_get", json!({"goodsId": goods_id})).unwrap();
    assert_eq!(record["record"]["last_declaration"], json!(client_seq_no));

    // A new declaration: its empty line with a quantity, filled from the record.
    let fresh = h
        .call("create_declaration", json!({"ieFlag": "E"}))
        .unwrap();
    let line = json!({"quantity": "3", "destination_country": "JPN"});
    let filled = h
        .call(
            "goods_fill_line",
            json!({"goodsId": goods_id, "line": line}),
        )
        .unwrap();
    assert_eq!(filled["part_number"], "DL-STEEL-01");
    assert_eq!(filled["commodity_code"], line0["commodity_code"]);
    assert_eq!(filled["name"], line0["name"]);
    assert_eq!(filled["elements"], line0["elements"]);
    assert_eq!(filled["quantity"], "3");
    assert_eq!(filled["destination_country"], "JPN");
    let mut decl = fresh["declaration"].clone();
    decl["lines"] = json!([filled]);
    let saved = h
        .call(
            "save_declaration",
            json!({"id": fresh["meta"]["id"], "declaration": decl, "note": "picked"}),
        )
        .unwrap();
    let back = h
        .call("get_declaration", json!({"id": fresh["meta"]["id"]}))
        .unwrap();
    assert_eq!(
        back["declaration"]["lines"][0]["part_number"],
        "DL-STEEL-01"
    );
    assert_eq!(saved["meta"]["revision"], 2);

    // A bad edit is refused naming the field.
    let mut bad = record["record"].clone();
    bad["part_number"] = json!("X".repeat(33));
    let err = h
        .call("goods_save", json!({"goodsId": goods_id, "record": bad}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["field"], "part_number");
}
