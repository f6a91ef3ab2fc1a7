//! Test harness: the real `mock-window` binary (started by
//! `portdesk-testkit` on an ephemeral loopback port with a temporary SQLite
//! file), talked to with reqwest.

#![allow(dead_code)]

use std::time::Duration;

use portdesk_testkit::{MockOptions, MockProcess};
use serde_json::{json, Value};

pub const DEMO_CODE: &str = "2102961234";
/// Customs broker of the fixtures (declares for 2102930001 and 2102910128).
pub const BROKER: &str = "2102980567";
/// Importer of the import sample.
pub const IMPORTER: &str = "2102910128";
pub const IMPORTER_SCC: &str = "91210200241280379U";

/// A running server process; killed on drop.
pub struct Mock {
    pub base: String,
    process: MockProcess,
    pub http: reqwest::Client,
}

/// Review pace 50 ms unless the flags say otherwise.
fn options(extra: &[&str]) -> MockOptions {
    let mut args: Vec<&str> = Vec::new();
    if !extra.contains(&"--review-pace-ms") {
        args.extend(["--review-pace-ms", "50"]);
    }
    args.extend(extra);
    MockOptions::default().args(&args).rust_log("info")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

impl Mock {
    /// Starts the binary with a fresh database, review pace 50 ms, and `extra` flags.
    pub async fn start(extra: &[&str]) -> Mock {
        let process = MockProcess::start_with(options(extra));
        Mock {
            base: process.base.clone(),
            process,
            http: client(),
        }
    }

    /// Kills the process (SIGKILL: no graceful shutdown) and starts it again
    /// on the same database, with `extra` flags instead of the original ones.
    pub async fn restart_with(&mut self, extra: &[&str]) {
        let args = options(extra).args;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.process.restart_with(&args);
        self.base = self.process.base.clone();
        // A fresh client: the old connections point at a dead process.
        self.http = client();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, code: &str, operator: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/v1/auth/login"))
            .json(&json!({"customs_code": code, "operator": operator, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Logs in as `code`/op01/demo1234 and returns the bearer token.
    pub async fn token(&self, code: &str) -> String {
        let r = self.login(code, "op01", "demo1234").await;
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// A write with an Idempotency-Key.
    pub async fn post(
        &self,
        token: &str,
        path: &str,
        key: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.try_post(token, path, key, body).await.unwrap()
    }

    pub async fn try_post(
        &self,
        token: &str,
        path: &str,
        key: &str,
        body: &Value,
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
    }

    /// The running process (its control token, data dir, request log).
    pub fn process(&self) -> &MockProcess {
        &self.process
    }

    /// A `/control` request with the control token.
    pub fn control_request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let (name, value) = self.process.control_header();
        self.http
            .request(method, self.url(path))
            .header(name, value)
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self.control_request(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    pub async fn advance_clock(&self, secs: i64) {
        self.control(
            reqwest::Method::POST,
            "/control/clock",
            Some(json!({"advance_secs": secs})),
        )
        .await;
    }

    pub async fn set_faults(&self, faults: Value) -> Value {
        self.control(reqwest::Method::PUT, "/control/faults", Some(faults))
            .await
    }

    /// All receipts of the caller from the start, following the cursor.
    pub async fn all_receipts(&self, token: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut since = "0".to_owned();
        loop {
            let page: Value = self
                .get(token, &format!("/v1/receipts?since={since}&limit=50"))
                .await
                .json()
                .await
                .unwrap();
            out.extend(page["receipts"].as_array().unwrap().iter().cloned());
            since = page["next"].as_str().unwrap().to_owned();
            if !page["has_more"].as_bool().unwrap() {
                return out;
            }
        }
    }

    /// Waits (polling, bounded) until the filing reaches `status`.
    pub async fn wait_status(&self, token: &str, seq_no: &str, status: &str) -> Value {
        for _ in 0..200 {
            let v: Value = self
                .get(token, &format!("/v1/declarations/{seq_no}"))
                .await
                .json()
                .await
                .unwrap();
            if v["status"] == status {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{seq_no} never reached {status}");
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The valid export fixture (consignee 2102930001, agent 2102980567) with
/// its own client document id.
pub fn export_declaration(client_seq_no: &str) -> Value {
    let mut d = fixture("declaration-valid.json");
    d["client_seq_no"] = json!(client_seq_no);
    d
}

/// The invalid fixture: it breaks domain rules.
pub fn invalid_declaration(client_seq_no: &str) -> Value {
    let mut d = fixture("declaration-invalid.json");
    d["client_seq_no"] = json!(client_seq_no);
    d
}

/// A Dalian import of machining centres from Japan by the importer itself,
/// as one complete (one-step) declaration.
pub fn import_declaration(client_seq_no: &str) -> Value {
    let head = json!({
            "ie_flag": "I",
            "declaring_customs": "0900",
            "ie_port": "0902",
            "contract_no": "DL-IMP-2026-031",
            "ie_date": "20261103",
            "trade_scc": IMPORTER_SCC,
            "trade_code": IMPORTER,
            "trade_name": "大连精工机械有限公司",
            "overseas_name": "OSAKA MACHINE TOOLS CORPORATION",
            "overseas_address": "3-1-8 NANKO-KITA, SUMINOE-KU, OSAKA, JAPAN",
            "overseas_aeo": "NO",
            "owner_scc": "91210106MA0P3Q9W5K",
            "owner_name": "沈阳精工装备制造有限公司",
            "agent_scc": "91210231MA10XB2P32",
            "agent_code": BROKER,
            "agent_name": "大连港通报关有限公司",
            "transport_mode": "2",
            "conveyance_name": "SITC DALIAN",
            "voyage_no": "2611N",
            "bill_no": "SITDLOSA261103",
            "trade_mode": "0110",
            "levy_kind": "101",
            "trade_country": "JPN",
            "trading_country": "JPN",
            "destination_port": "JPN000",
            "departure_port": "JPN000",
            "entry_exit_port": "210200",
            "terms_of_sale": "3",
            "freight": {"mark": "3", "value": "850", "currency": "USD"},
            "insurance": {"mark": "1", "value": "0.3", "currency": ""},
            "packages": "2",
            "package_kind": "23",
            "gross_weight": "5230",
            "net_weight": "4800",
            "marks": "OMT/DL-IMP-2026-031 C/NO.1-2",
            "goods_place": "大连港大窑湾集装箱码头",
            "entry_type": "M",
            "document_type": "SW0",
            "price_declarations": "00000"
    });
    let line = json!({
            "commodity_code": "8457101000",
            "name": "立式加工中心",
            "elements": "0|3|加工金属用|立式|OKUMA|MB-46VAE",
            "quantity": "2",
            "unit": "001",
            "first_quantity": "2",
            "first_unit": "001",
            "second_quantity": "4800",
            "second_unit": "035",
            "unit_price": "86500.00",
            "total_price": "173000.00",
            "currency": "USD",
            "origin_country": "JPN",
            "destination_country": "CHN",
            "district_code": "21019",
            "duty_mode": "1"
    });
    json!({
        "client_seq_no": client_seq_no,
        "filing_mode": "one_step",
        "advance": false,
        "head": head,
        "lines": [line],
        "containers": [{"number": "MSKU9070323", "size_type": "45G1", "line_refs": "1", "part_load": false, "weight": "3900"}],
        "documents": [{"code": "Y", "cert_no": "RCEP-JP-2026-001234"}],
        "edocs": [
            {"code": "00000001", "file_name": "invoice.pdf", "size": "95012"},
            {"code": "00000003", "file_name": "bill-of-lading.pdf", "size": "120331"}
        ]
    })
}

/// The import as a two-step summary (概要申报): summary fields only.
pub fn summary_declaration(client_seq_no: &str) -> Value {
    let full = import_declaration(client_seq_no);
    let h = &full["head"];
    let l = &full["lines"][0];
    json!({
        "client_seq_no": client_seq_no,
        "filing_mode": "two_step_summary",
        "head": {
            "ie_flag": "I",
            "declaring_customs": h["declaring_customs"],
            "ie_port": h["ie_port"],
            "trade_scc": h["trade_scc"],
            "trade_code": h["trade_code"],
            "trade_name": h["trade_name"],
            "agent_scc": h["agent_scc"],
            "agent_code": h["agent_code"],
            "agent_name": h["agent_name"],
            "transport_mode": h["transport_mode"],
            "conveyance_name": h["conveyance_name"],
            "voyage_no": h["voyage_no"],
            "bill_no": h["bill_no"],
            "trade_mode": h["trade_mode"],
            "gross_weight": h["gross_weight"],
            "document_type": "SW5"
        },
        "lines": [{
            "commodity_code": "845710",
            "name": l["name"],
            "quantity": l["quantity"],
            "unit": l["unit"],
            "total_price": l["total_price"],
            "currency": l["currency"],
            "origin_country": l["origin_country"]
        }],
        "containers": [{"number": "MSKU9070323"}]
    })
}

/// The complete declaration (完整申报) of a summary.
pub fn complete_declaration(client_seq_no: &str) -> Value {
    let mut d = import_declaration(client_seq_no);
    d["filing_mode"] = json!("two_step_complete");
    d["head"]["document_type"] = json!("SW6");
    d
}

pub fn submission(declaration: Value) -> Value {
    json!({ "declaration": declaration })
}

/// Receipt codes of one filing in feed order.
pub fn codes_of(receipts: &[Value], seq_no: &str) -> Vec<String> {
    receipts
        .iter()
        .filter(|r| r["seq_no"] == seq_no)
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}
