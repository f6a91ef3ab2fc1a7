//! What every real-window test needs: launching the app on its own data
//! dir through tauri-driver, waiting, typing (CJK included), screenshots,
//! a real mock Single Window process, and logging in through the login screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;

pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// The app under test: `PORTDESK_E2E_APP`, else the `portdesk-app` built
/// beside this test binary (the test run builds it with `custom-protocol`,
/// so it serves the UI from `ui/dist` inside the binary).
pub(crate) fn app_binary() -> PathBuf {
    std::env::var_os("PORTDESK_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| portdesk_testkit::binary("portdesk-app"))
}

/// There is one display and tauri-driver runs one session at a time: each
/// test holds this for its whole run, so the e2e binary can run with the
/// workspace's other tests under the default thread count.
pub(crate) async fn own_window() -> tokio::sync::MutexGuard<'static, ()> {
    static WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    WINDOW.lock().await
}

pub(crate) fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("PORTDESK_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/e2e"));
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Starts the app with its own data dir and returns a WebDriver session on it.
pub(crate) async fn launch(data_dir: &Path) -> Client {
    launch_with(data_dir, &[]).await
}

/// [`launch`] with more command-line arguments, e.g. the `e2e` build's
/// `--e2e-pick-files=…` hook that answers in place of the file dialog
/// (the app inherits tauri-driver's environment, not this test's).
pub(crate) async fn launch_with(data_dir: &Path, extra: &[String]) -> Client {
    let driver =
        std::env::var("PORTDESK_E2E_DRIVER").unwrap_or_else(|_| "http://127.0.0.1:4444".into());
    let mut caps = serde_json::Map::new();
    let mut args = vec![json!("--data-dir"), json!(data_dir)];
    args.extend(extra.iter().map(|a| json!(a)));
    // Only tauri:options: a browserName makes tauri-driver fail to match.
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app_binary(), "args": args }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&driver)
        .await
        .expect("WebDriver session on the app")
}

pub(crate) async fn wait_for(client: &Client, css: &str) -> Element {
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
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
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

pub(crate) async fn type_into(client: &Client, field: &str, text: &str) {
    let input = wait_for(client, &format!("[data-field=\"{field}\"]")).await;
    // Into the middle of the form first: WebDriver's own scroll leaves a
    // field low in the form half under the field-help bar, and WebKitWebDriver
    // calls a half-hidden field not interactable.
    client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![serde_json::to_value(&input).expect("element ref")],
        )
        .await
        .expect("scroll field into view");
    input.click().await.expect("focus field");
    if let Err(e) = input.clear().await {
        let shot = screenshot(client, "failure.png").await;
        panic!("clear {field}: {e:?}; see {}", shot.display());
    }
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

pub(crate) async fn save_state(client: &Client) -> String {
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

pub(crate) async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client.screenshot().await.expect("screenshot");
    let path = artifacts_dir().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
    path
}

/// The broker every e2e test logs in as: a seeded mock account that may file
/// the sample fixtures (declaring agent 2102980567).
pub(crate) const BROKER: &str = "2102980567";
pub(crate) const OPERATOR: &str = "op01";
pub(crate) const PASSWORD: &str = "demo1234";

/// A real `mock-window` process on a free port with its own database;
/// killed on drop. Its log goes to the artifacts dir.
pub(crate) struct MockWindow {
    pub(crate) base: String,
    _process: portdesk_testkit::MockProcess,
}

impl MockWindow {
    pub(crate) fn start(extra: &[&str]) -> MockWindow {
        let process = portdesk_testkit::MockProcess::start_with(
            portdesk_testkit::MockOptions::default()
                .args(extra)
                .rust_log("info")
                .log(artifacts_dir().join("mock-window.log")),
        );
        MockWindow {
            base: process.base.clone(),
            _process: process,
        }
    }
}

/// Logs in as the broker; see [`log_in_as`].
pub(crate) async fn log_in(client: &Client, server: &str) {
    log_in_as(client, server, BROKER).await;
}

/// Logs in as `customs_code` (operator op01) through the login screen
/// (opened from the header's account button) and waits until the header
/// shows the account online.
pub(crate) async fn log_in_as(client: &Client, server: &str, customs_code: &str) {
    click(client, "account").await;
    for (field, value) in [
        ("login-server", server),
        ("login-code", customs_code),
        ("login-operator", OPERATOR),
        ("login-password", PASSWORD),
    ] {
        let input = wait_for(client, &format!("[data-testid=\"{field}\"]")).await;
        input.clear().await.expect("clear login field");
        input.send_keys(value).await.expect("type login field");
    }
    click(client, "login-submit").await;
    eventually("the header to show the account online", || async {
        (attr(client, "[data-testid=\"online-state\"]", "data-state").await? == "online")
            .then_some(())
    })
    .await;
}

/// Clicks the element with this `data-testid` once it appears.
pub(crate) async fn click(client: &Client, testid: &str) {
    wait_for(client, &format!("[data-testid=\"{testid}\"]"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {testid}: {e}"));
}

/// An attribute of the first element matching `css`, if both exist now.
pub(crate) async fn attr(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}
