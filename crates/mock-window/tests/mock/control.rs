//! The control surface's own defences: the control token, the `Host`
//! check, the bound on clock moves (also for an offset stored by an older
//! version), and how the token is chosen at start-up.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn control_refuses_a_request_without_the_token() {
    let m = Mock::start(&[]).await;
    // No token: 401 with an answer that says what is missing.
    let r = m.http.get(m.url("/control/faults")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("X-Control-Token"),
        "{body}"
    );
    // A wrong token, or a user's bearer token: 401 as well.
    let r = m
        .http
        .get(m.url("/control/faults"))
        .header("X-Control-Token", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let user = m.token(BROKER).await;
    let r = m
        .http
        .post(m.url("/control/expire-tokens"))
        .bearer_auth(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        m.get(&user, "/v1/receipts").await.status(),
        200,
        "nothing expired"
    );
    // Writes without the token change nothing.
    let r = m
        .http
        .post(m.url("/control/clock"))
        .json(&json!({"advance_secs": 86_400}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let clock = m
        .control(reqwest::Method::GET, "/control/clock", None)
        .await;
    assert_eq!(clock["offset_secs"], 0);
    // Every /control route is behind it.
    for (method, path) in [
        (reqwest::Method::PUT, "/control/faults"),
        (reqwest::Method::GET, "/control/auth-stats"),
        (reqwest::Method::POST, "/control/declarations/X/amend"),
        (reqwest::Method::POST, "/control/origin/X/decide"),
    ] {
        let r = m
            .http
            .request(method, m.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn control_refuses_a_host_that_is_not_this_loopback_server() {
    let m = Mock::start(&[]).await;
    let port = m.process().port();
    let probe = |host: String| {
        let r = m
            .control_request(reqwest::Method::GET, "/control/clock")
            .header("host", host);
        async move { r.send().await.unwrap() }
    };
    // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("localhost.evil.example:{port}"),
        String::new(),
    ] {
        let r = probe(host.clone()).await;
        assert_eq!(r.status(), 403, "Host {host:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "forbidden");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(probe(host.clone()).await.status(), 200, "Host {host:?}");
    }
}

#[tokio::test]
async fn the_clock_moves_at_most_ten_years_either_way() {
    let m = Mock::start(&[]).await;
    let ten_years: i64 = 10 * 31_557_600;
    for secs in [i64::MAX, i64::MIN, ten_years + 1, -ten_years - 1] {
        let r = m
            .control_request(reqwest::Method::POST, "/control/clock")
            .json(&json!({"advance_secs": secs}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{secs}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "invalid_body");
        assert!(
            body["message"].as_str().unwrap().contains("advance_secs"),
            "{body}"
        );
    }
    // Nine years is fine; two more would make eleven.
    m.advance_clock(9 * 31_557_600).await;
    let r = m
        .control_request(reqwest::Method::POST, "/control/clock")
        .json(&json!({"advance_secs": 2 * 31_557_600}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let clock = m
        .control(reqwest::Method::GET, "/control/clock", None)
        .await;
    assert_eq!(clock["offset_secs"], 9 * 31_557_600);
    // Logins (and their expiry arithmetic) still work nine years on, also
    // after a restart that reads the stored offset.
    let token = m.token(BROKER).await;
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
    let mut m = m;
    m.restart_with(&[]).await;
    let token = m.token(BROKER).await;
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
}

/// Runs the binary on `db` with `args` and `env`; its exit status and stderr
/// if it stopped, or its first two stdout lines if it started (then killed).
fn run_mock(
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(String, String), (std::process::ExitStatus, String)> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mw.db");
    run_mock_on(&db, args, env)
}

fn run_mock_on(
    db: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(String, String), (std::process::ExitStatus, String)> {
    let mut cmd = Command::new(portdesk_testkit::binary("mock-window"));
    cmd.arg("--port")
        .arg("0")
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("MOCK_CONTROL_TOKEN")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    if first.is_empty() {
        let status = child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        return Err((status, err));
    }
    let mut second = String::new();
    out.read_line(&mut second).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    Ok((first.trim().to_owned(), second.trim().to_owned()))
}

#[test]
fn the_control_token_is_printed_second_and_can_be_given() {
    // Made up: 64 hex digits, a new one each start.
    let (first, second) = run_mock(&[], &[]).unwrap();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );
    let token = second.strip_prefix("control token: ").expect(&second);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let (_, again) = run_mock(&[], &[]).unwrap();
    assert_ne!(again, second);
    // Given by flag or by environment.
    let given = "a-token-scripts-know-1234";
    let (_, line) = run_mock(&["--control-token", given], &[]).unwrap();
    assert_eq!(line, format!("control token: {given}"));
    let (_, line) = run_mock(&[], &[("MOCK_CONTROL_TOKEN", given)]).unwrap();
    assert_eq!(line, format!("control token: {given}"));
    // Too short to be a secret: refused, naming the flag.
    let (status, err) = run_mock(&["--control-token", "short"], &[]).unwrap_err();
    assert!(!status.success());
    assert!(err.contains("--control-token"), "{err}");
}

#[tokio::test]
async fn a_stored_clock_offset_beyond_the_bound_stops_the_start_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mw.db");
    {
        // What an older, unbounded version could leave behind.
        let pool = portdesk_mock_window::db::open(Some(&db)).await.unwrap();
        portdesk_mock_window::db::save_clock_offset(&pool, i64::MAX)
            .await
            .unwrap();
        pool.close().await;
    }
    let (status, err) = run_mock_on(&db, &[], &[]).unwrap_err();
    assert!(!status.success());
    assert!(err.contains("clock offset"), "{err}");
    assert!(
        err.contains(&db.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains("clock_offset_ms"), "says how to fix it: {err}");
    // Not a number at all: the same clear refusal.
    {
        let pool = portdesk_mock_window::db::open(Some(&db)).await.unwrap();
        portdesk_mock_window::db::set_setting(&pool, "clock_offset_ms", "soon")
            .await
            .unwrap();
        pool.close().await;
    }
    let (_, err) = run_mock_on(&db, &[], &[]).unwrap_err();
    assert!(err.contains("\"soon\""), "{err}");
    // Within the bound it starts.
    {
        let pool = portdesk_mock_window::db::open(Some(&db)).await.unwrap();
        portdesk_mock_window::db::save_clock_offset(&pool, 86_400_000)
            .await
            .unwrap();
        pool.close().await;
    }
    run_mock_on(&db, &[], &[]).unwrap();
}
