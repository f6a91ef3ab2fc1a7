//! Filing flows in the real window: an amendment (修撤单) filed from the
//! editor comes back "不记录差错" (tolerated after an advance declaration),
//! and a change customs makes to the filing shows as a conflict banner with
//! both versions, resolved by taking the Single Window's version.

use std::path::Path;
use std::sync::Arc;

use fantoccini::{Client, Locator};
use portdesk_drafts::interchange::read_declarations;
use portdesk_drafts::{load_code_lists, Drafts, DB_FILE};
use portdesk_store::Store;
use uuid::Uuid;

use crate::harness::*;

const FAST_REVIEW: &[&str] = &["--review-pace-ms", "200"];

async fn drafts_of(data_dir: &Path) -> Drafts {
    let store = Store::open(&data_dir.join(DB_FILE))
        .await
        .expect("open the app's database");
    Drafts::new(store, Arc::new(load_code_lists(data_dir)))
}

/// The valid export fixture as an advance declaration (提前申报).
async fn seed_advance(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declaration-valid.json"),
    )
    .expect("fixture");
    let mut declaration = read_declarations(&text).expect("fixture parses").remove(0);
    declaration.advance = true;
    let view = drafts_of(data_dir)
        .await
        .import(declaration)
        .await
        .expect("import fixture");
    view.meta.id.to_string()
}

async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, css)
        .await
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default()
}

async fn field_value(client: &Client, field: &str) -> String {
    wait_for(client, &format!("[data-field=\"{field}\"]"))
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amendment_is_tolerated_and_a_customs_change_is_a_choice() {
    let _window = own_window().await;
    let mock = MockWindow::start(FAST_REVIEW);
    let data = tempfile::tempdir().expect("temp data dir");
    let id = seed_advance(data.path()).await;

    let client = launch(data.path()).await;
    log_in(&client, &mock.base).await;
    let row = wait_for(&client, &format!("[data-draft-id=\"{id}\"]")).await;
    row.find(Locator::Css("td.c-title"))
        .await
        .expect("title cell")
        .click()
        .await
        .expect("open the draft");
    click(&client, "declare").await;

    // Delivered: the amend button appears. Amend the import date.
    wait_for(&client, "[data-testid=\"filing-amend\"]:not([disabled])")
        .await
        .click()
        .await
        .expect("open the amendment dialog");
    let value = wait_for(&client, "[data-testid=\"amend-value\"]").await;
    value
        .send_keys("20261110")
        .await
        .expect("type the new date");
    click(&client, "confirm").await;
    eventually("the amendment to be answered as tolerated", || async {
        let t = client
            .find(Locator::Css("[data-testid=\"amendment-answer\"]"))
            .await
            .ok()?
            .prop("textContent")
            .await
            .ok()??;
        (t == "不记录差错").then_some(())
    })
    .await;
    assert_eq!(field_value(&client, "head.ie_date").await, "20261110");
    screenshot(&client, "flows-01-amendment-tolerated.png").await;

    // Customs changes the conveyance on the server.
    let drafts = drafts_of(data.path()).await;
    let seq_no = drafts
        .store()
        .last_delivered(Uuid::parse_str(&id).unwrap())
        .await
        .expect("read the outbox")
        .expect("delivered")
        .seq_no;
    let control = portdesk_testkit::control_header_for(&mock.base);
    let r = reqwest::Client::new()
        .post(format!("{}/control/declarations/{seq_no}/amend", mock.base))
        .header(control.0, control.1)
        .json(&serde_json::json!({"changes": [{"field": "head.conveyance_name", "value": "COSCO TIANJIN"}]}))
        .send()
        .await
        .expect("customs amends");
    assert_eq!(r.status(), 200);

    // The app's worker hears the M receipt, reads the filing back, and the
    // editor shows both versions, field by field.
    wait_for(&client, "[data-testid=\"conflict-banner\"]").await;
    let diff = text_of(
        &client,
        "[data-testid=\"conflict-diff\"][data-field=\"head.conveyance_name\"]",
    )
    .await;
    assert!(
        diff.contains("COSCO TIANJIN"),
        "server version shown: {diff}"
    );
    let local = field_value(&client, "head.conveyance_name").await;
    assert!(
        diff.contains(&local),
        "local version shown: {diff} / {local}"
    );
    screenshot(&client, "flows-02-conflict.png").await;

    click(&client, "conflict-take-server").await;
    eventually(
        "the banner to go and the field to show the server's value",
        || async {
            let gone = client
                .find(Locator::Css("[data-testid=\"conflict-banner\"]"))
                .await
                .is_err();
            let v = client
                .find(Locator::Css("[data-field=\"head.conveyance_name\"]"))
                .await
                .ok()?
                .prop("value")
                .await
                .ok()??;
            (gone && v == "COSCO TIANJIN").then_some(())
        },
    )
    .await;
    let history = drafts.history(Uuid::parse_str(&id).unwrap()).await.unwrap();
    assert_eq!(history[0].note, "server");
    screenshot(&client, "flows-03-resolved.png").await;
    client.close().await.expect("close the app");
}
