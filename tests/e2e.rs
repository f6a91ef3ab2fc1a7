//! Real-window end-to-end test: the app binary built by the tauri CLI,
//! driven through tauri-driver and WebKitWebDriver under Xvfb, with a
//! temporary data dir. `tests/e2e/run.sh` builds and starts all of that;
//! this file only speaks WebDriver.
//!
//! Environment: `PORTDESK_E2E_APP` (the binary), `PORTDESK_E2E_DRIVER`
//! (tauri-driver's URL, default http://127.0.0.1:4444),
//! `PORTDESK_E2E_ARTIFACTS` (where screenshots go).

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

fn app_binary() -> String {
    std::env::var("PORTDESK_E2E_APP")
        .expect("PORTDESK_E2E_APP names the app binary (tests/e2e/run.sh sets it)")
}

fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("PORTDESK_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/e2e"));
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Starts the app with its own data dir and returns a WebDriver session on it.
async fn launch(data_dir: &Path) -> Client {
    let driver =
        std::env::var("PORTDESK_E2E_DRIVER").unwrap_or_else(|_| "http://127.0.0.1:4444".into());
    let mut caps = serde_json::Map::new();
    // Only tauri:options: a browserName makes tauri-driver fail to match.
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app_binary(), "args": ["--data-dir", data_dir] }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&driver)
        .await
        .expect("WebDriver session on the app")
}

async fn wait_for(client: &Client, css: &str) -> Element {
    match client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
    {
        Ok(el) => el,
        Err(e) => {
            // Leave what the window showed, for whoever reads the failure.
            let shot = screenshot(client, "failure.png").await;
            let html = client.source().await.unwrap_or_default();
            let page = artifacts_dir().join("failure.html");
            std::fs::write(&page, html).ok();
            panic!(
                "{css} did not appear: {e}; see {} and {}",
                shot.display(),
                page.display()
            )
        }
    }
}

/// Polls `check` until it gives Some, or fails after WAIT with `what`.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn type_into(client: &Client, field: &str, text: &str) {
    let input = wait_for(client, &format!("[data-field=\"{field}\"]")).await;
    input.click().await.expect("focus field");
    input.clear().await.expect("clear field");
    if text.is_ascii() {
        input.send_keys(text).await.expect("type into field");
        return;
    }
    // WebKitWebDriver types no CJK keys; an input method hands the page
    // composed text with an input event, which is what this does.
    client
        .execute(
            "const [el, text] = arguments; el.value = text; \
             el.dispatchEvent(new InputEvent('input', { bubbles: true, data: text }));",
            vec![
                serde_json::to_value(&input).expect("element ref"),
                json!(text),
            ],
        )
        .await
        .expect("enter composed text");
}

async fn save_state(client: &Client) -> String {
    match client
        .find(Locator::Css("[data-testid=\"save-state\"]"))
        .await
    {
        Ok(el) => el
            .attr("data-state")
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client.screenshot().await.expect("screenshot");
    let path = artifacts_dir().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaration_is_validated_autosaved_and_survives_a_restart() {
    let data = tempfile::tempdir().expect("temp data dir");

    // First run: create an export declaration and type into it.
    let client = launch(data.path()).await;
    wait_for(&client, "[data-testid=\"new-export\"]")
        .await
        .click()
        .await
        .expect("new export declaration");
    type_into(&client, "head.trade_name", "大连海融钢铁贸易有限公司").await;
    // One character off the check character: GB 32100 checksum fails.
    type_into(&client, "head.trade_scc", "91210200MA0QF6XY7A").await;
    type_into(&client, "head.gross_weight", "1200").await;
    type_into(&client, "head.net_weight", "1500").await;

    // The messages appear beside the fields they concern, with their rule ids.
    let scc_problem = wait_for(
        &client,
        "[data-problem-for=\"head.trade_scc\"][data-rule=\"DEC-SCC\"]",
    )
    .await;
    let text = scc_problem.text().await.expect("problem text");
    assert!(
        text.contains("校验"),
        "the credit-code message is in Chinese by default: {text}"
    );
    wait_for(
        &client,
        "[data-problem-for=\"head.net_weight\"][data-rule=\"DEC-X01\"]",
    )
    .await;

    eventually("the autosave to finish", || async {
        (save_state(&client).await == "saved").then_some(())
    })
    .await;
    screenshot(&client, "01-editor-with-problems.png").await;
    let id = client
        .find(Locator::Css("[data-testid=\"editor\"]"))
        .await
        .expect("editor")
        .attr("data-draft-id")
        .await
        .expect("draft id attr")
        .expect("editor carries its draft id");
    client.close().await.expect("close the app");

    // Second run on the same data dir: the draft and its history are there.
    let client = launch(data.path()).await;
    let row = wait_for(&client, &format!("[data-draft-id=\"{id}\"]")).await;
    screenshot(&client, "02-list-after-restart.png").await;
    // textContent: WebKitWebDriver's rendered-text answer drops this cell's CJK text.
    let row_text = row
        .prop("textContent")
        .await
        .expect("row text")
        .unwrap_or_default();
    assert!(
        row_text.contains("大连海融钢铁贸易有限公司"),
        "the list shows the consignee: {row_text}"
    );
    // A table row is not "interactable" to WebKitWebDriver; its cell is.
    row.find(Locator::Css("td.c-title"))
        .await
        .expect("title cell")
        .click()
        .await
        .expect("open the draft");

    let name = wait_for(&client, "[data-field=\"head.trade_name\"]").await;
    assert_eq!(
        name.prop("value").await.expect("value").as_deref(),
        Some("大连海融钢铁贸易有限公司")
    );
    let net = wait_for(&client, "[data-field=\"head.net_weight\"]").await;
    assert_eq!(
        net.prop("value").await.expect("value").as_deref(),
        Some("1500")
    );
    wait_for(
        &client,
        "[data-problem-for=\"head.trade_scc\"][data-rule=\"DEC-SCC\"]",
    )
    .await;

    wait_for(&client, "[data-testid=\"history-panel\"] [data-revision]").await;
    let revisions = client
        .find_all(Locator::Css(
            "[data-testid=\"history-panel\"] [data-revision]",
        ))
        .await
        .expect("revision rows");
    assert!(
        revisions.len() >= 2,
        "creation plus at least one autosave are in the history, found {}",
        revisions.len()
    );
    screenshot(&client, "03-after-restart-history.png").await;
    client.close().await.expect("close the app");
}
