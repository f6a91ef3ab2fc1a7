//! The OpenAPI document: the committed `docs/openapi.json` is what the
//! server serves (regenerate with `UPDATE_OPENAPI=1 cargo test -p
//! portdesk-mock-window --test openapi`), it parses as OpenAPI 3.x, and the
//! routes it lists are exactly the routes the router serves.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use portdesk_mock_window::{Config, Server};
use serde_json::Value;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn committed_document_is_what_the_server_serves() {
    let m = Mock::start(&[]).await;
    let r = m.http.get(m.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let served = r.text().await.unwrap();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "docs/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p portdesk-mock-window --test openapi"
    );

    // OpenAPI 3.x: utoipa's own types read it back, and the required keys are there.
    let doc: utoipa::openapi::OpenApi = serde_json::from_str(&served).expect("parses as OpenAPI");
    let v: Value = serde_json::from_str(&served).unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert!(v["info"]["title"].is_string() && v["info"]["version"].is_string());
    assert!(!doc.paths.paths.is_empty());
    // Every schema a path refers to is defined.
    let schemas = v["components"]["schemas"].as_object().unwrap();
    for r in served.split("\"$ref\": \"#/components/schemas/").skip(1) {
        let name = &r[..r.find('"').unwrap()];
        assert!(schemas.contains_key(name), "undefined schema {name}");
    }
}

/// Paths the router itself holds, read from its `Debug` form (axum lists
/// its route table there; there is no public accessor).
fn router_paths(router: &axum::Router) -> BTreeSet<String> {
    let dbg = format!("{router:?}");
    let routes = dbg.split("fallback_router").next().unwrap();
    routes
        .split("RouteId(")
        .skip(1)
        .filter_map(|s| {
            let rest = s.split_once("): \"")?.1;
            Some(rest[..rest.find('"')?].to_owned())
        })
        .collect()
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

#[tokio::test]
async fn documented_routes_are_exactly_the_served_routes() {
    // Paths: the in-process router's table against the document.
    let server = Server::bind(Config::for_tests()).await.unwrap();
    let served_paths = router_paths(server.router());
    let doc: Value =
        serde_json::from_str(&portdesk_mock_window::app::openapi_document(server.state())).unwrap();
    let documented: BTreeMap<String, BTreeSet<String>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, item)| {
            let methods = item
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| METHODS.contains(&k.to_uppercase().as_str()))
                .map(|k| k.to_uppercase())
                .collect();
            (p.clone(), methods)
        })
        .collect();
    assert!(served_paths.len() >= 12, "{served_paths:?}");
    assert_eq!(
        served_paths,
        documented.keys().cloned().collect::<BTreeSet<_>>(),
        "router paths vs document paths"
    );

    // Methods: over HTTP, each documented method is routed, every other one is 405.
    let m = Mock::start(&[]).await;
    let control = m.process().control_header();
    for (n, (path, methods)) in documented.iter().enumerate() {
        // Fresh each time: probing /control/expire-tokens expires the last one.
        let token = m.token(BROKER).await;
        let concrete = path.replace("{seq_no}", "I09002026000000001");
        for (k, method) in METHODS.iter().enumerate() {
            let r = m
                .http
                .request(method.parse().unwrap(), m.url(&concrete))
                .bearer_auth(&token)
                // /control routes need it; the others ignore it.
                .header(control.0, control.1.as_str())
                .header("Idempotency-Key", format!("probe-{n}-{k}"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let code = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_owned));
            if methods.contains(*method) {
                assert_ne!(status, 405, "{method} {path} documented but not allowed");
                assert_ne!(
                    code.as_deref(),
                    Some("no_route"),
                    "{method} {path} not routed"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} served but not documented");
            }
        }
    }
}
