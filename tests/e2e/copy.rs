//! Copying in a real window (复制报关单, 复制此行): in an imported export
//! declaration a goods line is copied after itself, then the declaration
//! copied from the editor opens as a new draft with another client sequence
//! no., the same goods, no export date and no electronic attachments, its
//! history saying where it came from; the original stays in the list.

use fantoccini::Locator;

use crate::harness::*;

/// The client sequence no. the editor's action bar shows.
async fn shown_seq_no(client: &fantoccini::Client) -> String {
    wait_for(client, ".bar .seq")
        .await
        .prop("textContent")
        .await
        .expect("seq text")
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The text of the first element matching `css`, if there is one now.
async fn attr_text(client: &fantoccini::Client, css: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .prop("textContent")
        .await
        .ok()
        .flatten()
}

async fn value(client: &fantoccini::Client, field: &str) -> Option<String> {
    wait_for(client, &format!("[data-field=\"{field}\"]"))
        .await
        .prop("value")
        .await
        .expect("value")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_declaration_opens_with_a_new_seq_no_and_the_same_goods() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    // The original: the valid sample (an export with two goods lines and
    // an electronic attachment), imported through the dialog hook.
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/declaration-valid.json")
        .canonicalize()
        .expect("fixture");
    let client = launch_with(
        data.path(),
        &[format!("--e2e-pick-files={}", fixture.display())],
    )
    .await;
    click(&client, "import-files").await;
    wait_for(&client, "[data-field=\"lines[1].name\"]").await;
    let first_line = value(&client, "lines[0].name").await;
    assert!(first_line.as_deref().is_some_and(|v| !v.is_empty()));
    assert_eq!(
        value(&client, "head.ie_date").await.as_deref(),
        Some("20261105")
    );
    wait_for(&client, "[data-field=\"edocs[0].code\"]").await;

    // 复制此行: the copy lands right after the line. The button sits at the
    // far end of a table that scrolls sideways, where WebKitWebDriver's
    // pointer does not reliably reach; a keyboard user presses it, so the
    // page is asked to.
    let duplicate = wait_for(&client, "[data-testid=\"duplicate-lines-0\"]").await;
    client
        .execute(
            "arguments[0].focus(); arguments[0].click();",
            vec![serde_json::to_value(&duplicate).expect("element ref")],
        )
        .await
        .expect("press 复制此行");
    wait_for(&client, "[data-field=\"lines[2].name\"]").await;
    assert_eq!(value(&client, "lines[1].name").await, first_line);
    eventually("the autosave to finish", || async {
        (save_state(&client).await == "saved").then_some(())
    })
    .await;
    let original_id = attr(&client, "[data-testid=\"editor\"]", "data-draft-id")
        .await
        .expect("editor draft id");
    let original_seq = shown_seq_no(&client).await;
    assert_eq!(original_seq.len(), 18, "{original_seq}");

    // 复制报关单: the copy opens in the editor.
    click(&client, "copy-declaration").await;
    let copy_id = eventually("the copy to open", || async {
        attr(&client, "[data-testid=\"editor\"]", "data-draft-id")
            .await
            .filter(|id| *id != original_id)
    })
    .await;
    wait_for(&client, "[data-field=\"lines[2].name\"]").await;
    let copy_seq = shown_seq_no(&client).await;
    assert_ne!(copy_seq, original_seq);
    assert_eq!(copy_seq.len(), 18, "{copy_seq}");
    assert_eq!(value(&client, "lines[0].name").await, first_line);
    assert_eq!(value(&client, "lines[1].name").await, first_line);
    assert_eq!(
        value(&client, "head.trade_name").await.as_deref(),
        Some("大连北方钢材进出口有限公司")
    );
    // The export date and the uploaded files belong to the old shipment.
    assert_eq!(value(&client, "head.ie_date").await.as_deref(), Some(""));
    assert!(client
        .find(Locator::Css("[data-field=\"edocs[0].code\"]"))
        .await
        .is_err());
    let copied_from = format!("复制自 {original_seq}");
    eventually("the history to say where the copy came from", || async {
        let text = attr_text(
            &client,
            "[data-testid=\"history-panel\"] [data-revision=\"1\"]",
        )
        .await;
        text.filter(|t| t.contains(&copied_from))
    })
    .await;
    screenshot(&client, "copy-01-the-copy-open.png").await;

    // Both are in the list.
    click(&client, "back").await;
    wait_for(&client, &format!("[data-draft-id=\"{original_id}\"]")).await;
    wait_for(&client, &format!("[data-draft-id=\"{copy_id}\"]")).await;
    assert_eq!(
        client
            .find_all(Locator::Css("tr[data-draft-id]"))
            .await
            .expect("rows")
            .len(),
        2
    );
    client.close().await.expect("close the app");
}
