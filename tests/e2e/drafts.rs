//! Drafts: validation beside the fields, autosave, and surviving a restart.

use fantoccini::Locator;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaration_is_validated_autosaved_and_survives_a_restart() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");

    // First run: create an export declaration and type into it.
    let client = launch(data.path()).await;
    click(&client, "new-export").await;
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
