//! Desktop conventions and the first minutes in a real window: a second
//! launch on the same data directory focuses the first and exits 0 (another
//! data directory still opens); the first start offers what to do next; a
//! new declaration shows no field in red before the clerk acts, a required
//! field left empty turns red, and 全部检查 turns every required-empty one
//! red; the window's size is remembered per data directory.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::json;

use crate::harness::*;

/// The app on `data_dir` without tauri-driver (as a clerk's second double-click).
fn spawn_app(data_dir: &Path) -> Child {
    Command::new(app_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start another app")
}

/// Waits for `child` to end, killing it if it runs past WAIT.
fn exit_status(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().expect("poll the app") {
            return status;
        }
        if Instant::now() >= deadline {
            child.kill().ok();
            panic!("a second launch on the same data dir did not exit");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The data-field paths of inputs styled as errors now.
async fn red_fields(client: &Client) -> Vec<String> {
    let found = client
        .execute(
            "return [...new Set([...document.querySelectorAll(\
               '.has-error [data-field], [data-field].invalid, [data-field][aria-invalid=\"true\"]')]\
               .map((e) => e.dataset.field))].sort();",
            vec![],
        )
        .await
        .expect("query red fields");
    serde_json::from_value(found).expect("field list")
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(css)],
        )
        .await
        .expect("count elements")
        .as_u64()
        .unwrap_or(0) as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_on_the_same_data_dir_focuses_the_first_and_exits() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    let client = launch(data.path()).await;
    // First start: no drafts, so the list says what to do next.
    wait_for(&client, "[data-testid=\"first-start\"]").await;
    wait_for(&client, "[data-testid=\"first-new-import\"]").await;
    wait_for(&client, "[data-testid=\"first-import\"]").await;
    wait_for(&client, "[data-testid=\"first-login\"]").await;

    let mut second = spawn_app(data.path());
    let status = exit_status(&mut second);
    assert!(status.success(), "the second launch ended with {status}");
    assert_eq!(client.windows().await.expect("window handles").len(), 1);
    // The first one still answers.
    click(&client, "first-new-import").await;
    wait_for(&client, "[data-field=\"head.gross_weight\"]").await;

    // Another data directory is another app: it gets past the lock and listens.
    let other = tempfile::tempdir().expect("other data dir");
    let mut third = spawn_app(other.path());
    let socket = portdesk_workspace::instance::socket_path(other.path());
    let deadline = Instant::now() + WAIT;
    while !socket.exists() {
        if let Some(status) = third.try_wait().expect("poll") {
            panic!("the app on another data dir ended: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the app on another data dir did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    third.kill().ok();
    third.wait().ok();
    client.close().await.expect("close the app");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_declaration_shows_no_red_until_the_clerk_acts() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    let client = launch(data.path()).await;
    click(&client, "first-new-import").await;
    wait_for(&client, "[data-field=\"head.agent_name\"]").await;
    // The problems of the fresh draft are in: required fields marked to fill.
    eventually("the to-fill marks", || async {
        (count(&client, "[data-to-fill-for]").await > 5).then_some(())
    })
    .await;
    assert_eq!(red_fields(&client).await, Vec::<String>::new());
    assert_eq!(count(&client, ".problem.error").await, 0);
    let to_fill = count(&client, "[data-to-fill-for]").await;
    screenshot(&client, "desk-new-quiet.png").await;

    // Focus a required field and leave it empty: that one is an error now.
    wait_for(&client, "[data-field=\"head.agent_name\"]")
        .await
        .click()
        .await
        .expect("focus the agent name");
    wait_for(&client, "[data-field=\"head.contract_no\"]")
        .await
        .click()
        .await
        .expect("leave it");
    eventually("the left field in red", || async {
        (red_fields(&client).await == ["head.agent_name"]).then_some(())
    })
    .await;

    // 全部检查: every required-empty field is an error, none left to fill.
    click(&client, "check-all").await;
    eventually("every required-empty field in red", || async {
        (count(&client, "[data-to-fill-for]").await == 0).then_some(())
    })
    .await;
    let red = red_fields(&client).await;
    assert!(
        red.len() >= to_fill - 1 && red.iter().any(|f| f == "head.agent_scc"),
        "after check all only {red:?} are red ({to_fill} were to fill)"
    );
    screenshot(&client, "desk-check-all.png").await;
    client.close().await.expect("close the app");
}

/// The window's inner size as the page sees it (Xvfb: one CSS pixel per pixel).
async fn inner_size(client: &Client) -> (u64, u64) {
    let v = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .expect("inner size");
    (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_comes_back_at_the_size_it_had_on_this_data_dir() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    // What an earlier run left when it closed.
    std::fs::write(
        data.path()
            .join(portdesk_workspace::window_state::WINDOW_STATE_FILE),
        r#"{"x":20,"y":10,"width":1180,"height":720,"maximized":false}"#,
    )
    .expect("seed the window state");
    let client = launch(data.path()).await;
    wait_for(&client, "[data-testid=\"first-start\"]").await;
    eventually("the restored size", || async {
        (inner_size(&client).await == (1180, 720)).then_some(())
    })
    .await;

    // Resized through the driver: saved once it stops, and back at the next start.
    client
        .set_window_size(1250, 780)
        .await
        .expect("resize the window");
    let state = data
        .path()
        .join(portdesk_workspace::window_state::WINDOW_STATE_FILE);
    let saved = eventually("the new size saved", || async {
        let g = portdesk_workspace::window_state::load(data.path())?;
        (g.width != 1180).then_some(g)
    })
    .await;
    assert!(state.exists());
    client.close().await.expect("close the app");

    let client = launch(data.path()).await;
    wait_for(&client, "[data-testid=\"first-start\"]").await;
    eventually("the size saved last time", || async {
        (inner_size(&client).await == (u64::from(saved.width), u64::from(saved.height)))
            .then_some(())
    })
    .await;
    client.close().await.expect("close the app");
}
