//! Sync: log in through the login screen, declare a draft, and watch the
//! receipts come back from a real mock Single Window process — released
//! (`P`) in the timeline, or a review rejection shown beside the field it
//! names. The app keeps its secrets in the real keyring (run.sh runs the
//! whole e2e inside a D-Bus session with gnome-keyring unlocked). And an
//! account with no server, started from the login dialog with the mock's
//! exchange folder, files through the folders.

use std::path::Path;
use std::sync::Arc;

use fantoccini::{Client, Locator};
use portdesk_drafts::interchange::read_declarations;
use portdesk_drafts::{load_code_lists, Drafts, DB_FILE};
use portdesk_store::Store;
use portdesk_sync::{Account, CredentialStore, KeyringStore, SecretKind};

use crate::harness::*;

/// Review steps 200 ms apart: the receipts arrive within seconds.
const FAST_REVIEW: &[&str] = &["--review-pace-ms", "200"];

/// Puts the valid export fixture (filable by [`BROKER`]) into the app's data
/// dir before the app starts, with `remarks`; returns its draft id.
async fn seed_declaration(data_dir: &Path, remarks: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declaration-valid.json"),
    )
    .expect("fixture");
    let mut declaration = read_declarations(&text).expect("fixture parses").remove(0);
    declaration.head.remarks = remarks.to_owned();
    let store = Store::open(&data_dir.join(DB_FILE))
        .await
        .expect("open the app's database");
    let drafts = Drafts::new(store, Arc::new(load_code_lists(data_dir)));
    let view = drafts.import(declaration).await.expect("import fixture");
    view.meta.id.to_string()
}

/// Opens the draft from the list and presses 申报.
async fn open_and_declare(client: &Client, id: &str) {
    let row = wait_for(client, &format!("[data-draft-id=\"{id}\"]")).await;
    // A table row is not "interactable" to WebKitWebDriver; its cell is.
    row.find(Locator::Css("td.c-title"))
        .await
        .expect("title cell")
        .click()
        .await
        .expect("open the draft");
    wait_for(client, "[data-field=\"head.bill_no\"]").await;
    wait_for(client, "[data-testid=\"declare\"]")
        .await
        .click()
        .await
        .expect("press declare");
}

async fn editor_status(client: &Client) -> Option<String> {
    let badge = client
        .find(Locator::Css("[data-testid=\"editor\"] .status-badge"))
        .await
        .ok()?;
    let class = badge.attr("class").await.ok().flatten()?;
    [
        "queued", "sent", "accepted", "cleared", "released", "closed", "rejected",
    ]
    .into_iter()
    .find(|s| class.split_whitespace().any(|c| c == *s))
    .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_draft_is_released_and_the_timeline_shows_p() {
    let _window = own_window().await;
    let mock = MockWindow::start(FAST_REVIEW);
    let data = tempfile::tempdir().expect("temp data dir");
    let id = seed_declaration(data.path(), "").await;

    let client = launch(data.path()).await;
    log_in(&client, &mock.base).await;
    // The password went to the real keyring (this process shares the D-Bus
    // session run.sh started), not to the database.
    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let stored = KeyringStore
        .get(&account, SecretKind::Password)
        .expect("keyring reachable");
    assert_eq!(stored.as_ref().map(|s| s.expose()), Some(PASSWORD));
    open_and_declare(&client, &id).await;

    // The filing goes out, the receipts come back, the last is P (放行).
    wait_for(
        &client,
        "[data-testid=\"receipt-timeline\"] [data-testid=\"receipt\"][data-code=\"P\"]",
    )
    .await;
    // The mock closes (R) a released filing one review step after P, so the
    // badge may already have moved on from 放行 to 结关.
    let status = eventually("the draft to show released", || async {
        editor_status(&client)
            .await
            .filter(|s| s == "released" || s == "closed")
    })
    .await;
    println!("status after P: {status}");
    let p = client
        .find(Locator::Css("[data-testid=\"receipt\"][data-code=\"P\"]"))
        .await
        .expect("P receipt");
    let text = p
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default();
    assert!(
        text.contains("放行"),
        "the P receipt says 放行 in plain words: {text}"
    );
    // The earlier steps are in the timeline too, in order.
    let codes = receipt_codes(&client).await;
    let at = |code: &str| codes.iter().position(|c| c == code);
    assert!(
        matches!((at("L"), at("P")), (Some(l), Some(p)) if l < p),
        "accepted (L) comes before released (P): {codes:?}"
    );
    assert!(codes.len() >= 2, "more than one step: {codes:?}");
    screenshot(&client, "sync-01-released-timeline.png").await;

    // The drafts list shows the new status; the sync panel shows it delivered.
    click(&client, "back").await;
    let badge = wait_for(
        &client,
        &format!(
            "[data-draft-id=\"{id}\"] .status-badge.released, [data-draft-id=\"{id}\"] .status-badge.closed"
        ),
    )
    .await;
    assert!(!badge
        .prop("textContent")
        .await
        .expect("badge text")
        .unwrap_or_default()
        .is_empty());
    click(&client, "nav-sync").await;
    wait_for(&client, "[data-testid=\"outbox-row\"][data-state=\"done\"]").await;
    wait_for(
        &client,
        "[data-testid=\"log-line\"][data-direction=\"response\"]",
    )
    .await;
    screenshot(&client, "sync-02-sync-panel.png").await;

    // 商品库: the accepted filing's lines are now goods records; in a new
    // declaration, typing a name lists the record and Enter fills the line.
    click(&client, "nav-drafts").await;
    click(&client, "new-export").await;
    wait_for(&client, "[data-field=\"head.bill_no\"]").await;
    click(&client, "add-lines").await;
    let names = client
        .find_all(Locator::Css(
            "input[data-field^=\"lines[\"][data-field$=\"].name\"]",
        ))
        .await
        .expect("line name cells");
    let line = names.len() - 1;
    // The name cell of a new line may sit outside the view of the wide
    // table, where WebKitWebDriver will not click or type: the page is told
    // what an input method and the Enter key would tell it.
    let cell = wait_for(&client, &format!("[data-field=\"lines[{line}].name\"]")).await;
    let cell_ref = serde_json::to_value(&cell).expect("element ref");
    client
        .execute(
            "const [el, text] = arguments; el.scrollIntoView({block: 'center'}); el.focus(); \
             el.value = text; el.dispatchEvent(new InputEvent('input', { bubbles: true, data: text }));",
            vec![cell_ref.clone(), serde_json::json!("热轧")],
        )
        .await
        .expect("type the name");
    let option = wait_for(&client, "[data-testid=\"goods-option-0\"]").await;
    let shown = option
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default();
    assert!(
        shown.contains("7208390000"),
        "the record's code is listed: {shown}"
    );
    screenshot(&client, "sync-03-goods-picker.png").await;
    client
        .execute(
            "arguments[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));",
            vec![cell_ref],
        )
        .await
        .expect("press Enter");
    eventually("the picked record to fill the line", || async {
        let code = client
            .find(Locator::Css(&format!(
                "[data-field=\"lines[{line}].commodity_code\"]"
            )))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (code == "7208390000").then_some(())
    })
    .await;

    // Signing out deletes the secrets from the keyring.
    click(&client, "account").await;
    click(&client, "logout").await;
    eventually("the header to show signed out", || async {
        (attr(&client, "[data-testid=\"online-state\"]", "data-state").await? == "signed_out")
            .then_some(())
    })
    .await;
    for kind in [SecretKind::Password, SecretKind::Token] {
        assert_eq!(
            KeyringStore.get(&account, kind).expect("keyring reachable"),
            None,
            "{kind:?} deleted"
        );
    }
    client.close().await.expect("close the app");
    // Nor in the database or its write-ahead log.
    for file in [DB_FILE.to_owned(), format!("{DB_FILE}-wal")] {
        let bytes = std::fs::read(data.path().join(&file)).unwrap_or_default();
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes()),
            "the password is not in {file}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_with_no_server_files_through_the_exchange_folders() {
    let _window = own_window().await;
    let exchange = tempfile::tempdir().expect("temp exchange root");
    let root = exchange.path().join("ImpPath");
    let root_s = root.to_str().expect("utf-8 path").to_owned();
    let _mock = MockWindow::start(&[
        "--exchange-dir",
        &root_s,
        "--exchange-poll-ms",
        "50",
        "--review-pace-ms",
        "200",
    ]);
    let data = tempfile::tempdir().expect("temp data dir");
    let id = seed_declaration(data.path(), "").await;

    let client = launch(data.path()).await;
    click(&client, "account").await;
    click(&client, "login-mode-exchange").await;
    for (field, value) in [
        ("login-code", BROKER),
        ("login-operator", OPERATOR),
        ("login-exchange-root", root_s.as_str()),
    ] {
        let input = wait_for(&client, &format!("[data-testid=\"{field}\"]")).await;
        input.clear().await.expect("clear field");
        input.send_keys(value).await.expect("type field");
    }
    click(&client, "login-submit").await;
    eventually("the header to show the folders there", || async {
        (attr(&client, "[data-testid=\"online-state\"]", "data-state").await? == "online")
            .then_some(())
    })
    .await;
    wait_for(&client, "[data-testid=\"account-exchange-only\"]").await;

    open_and_declare(&client, &id).await;
    wait_for(
        &client,
        "[data-testid=\"receipt-timeline\"] [data-testid=\"receipt\"][data-code=\"P\"]",
    )
    .await;
    screenshot(&client, "sync-04-exchange-only.png").await;
    // That no keyring is used for it is proven without one: the sync and
    // workspace tests hand it a keyring that refuses every call. Reading
    // the real one here first would make gnome-keyring prompt later tests.
    client.close().await.expect("close the app");
}

async fn receipt_codes(client: &Client) -> Vec<String> {
    let mut codes = Vec::new();
    for el in client
        .find_all(Locator::Css("[data-testid=\"receipt\"]"))
        .await
        .expect("receipts")
    {
        codes.push(
            el.attr("data-code")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
        );
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejection_reason_is_shown_beside_the_field_it_names() {
    let _window = own_window().await;
    let mock = MockWindow::start(FAST_REVIEW);
    let data = tempfile::tempdir().expect("temp data dir");
    // The mock rejects on review, naming the bill of lading.
    let id = seed_declaration(data.path(), "#REJECT:head.bill_no").await;

    let client = launch(data.path()).await;
    log_in(&client, &mock.base).await;
    open_and_declare(&client, &id).await;

    wait_for(&client, "[data-testid=\"receipt\"][data-code=\"E\"]").await;
    // Beside the bill-no field, through the same mechanism as local problems.
    let note = wait_for(
        &client,
        "[data-problem-for=\"head.bill_no\"][data-rule=\"SW-REVIEW\"]",
    )
    .await;
    let text = note
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default();
    assert!(text.contains("退单"), "the reason reads in Chinese: {text}");
    eventually("the draft to show rejected", || async {
        (editor_status(&client).await.as_deref() == Some("rejected")).then_some(())
    })
    .await;

    // Clicking the reason in the timeline focuses the field.
    wait_for(
        &client,
        "[data-testid=\"receipt-reason\"][data-field=\"head.bill_no\"]",
    )
    .await
    .click()
    .await
    .expect("click the reason");
    eventually("the bill-no field to have focus", || async {
        let active = client.active_element().await.ok()?;
        (active.attr("data-field").await.ok().flatten()?.as_str() == "head.bill_no").then_some(())
    })
    .await;
    screenshot(&client, "sync-03-rejection-beside-field.png").await;
    client.close().await.expect("close the app");
}
