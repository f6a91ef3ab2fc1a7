//! Templates in a real window (报关单模板): an imported declaration is saved
//! as a template from the editor, a new declaration is made from it in the
//! drafts list's picker, two fields are changed, and the side panel
//! 与模板的差异 lists exactly those two with the template's and the current
//! value.

use fantoccini::Locator;

use crate::harness::*;

/// The `data-field` of every row of the differences panel, in order.
async fn listed_differences(client: &fantoccini::Client) -> Vec<String> {
    let mut out = Vec::new();
    for row in client
        .find_all(Locator::Css("[data-testid=\"template-diff\"]"))
        .await
        .unwrap_or_default()
    {
        if let Ok(Some(f)) = row.attr("data-field").await {
            out.push(f);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declaration_from_a_template_lists_the_two_fields_changed() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
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
    let original_id = attr(&client, "[data-testid=\"editor\"]", "data-draft-id")
        .await
        .expect("editor draft id");

    // 另存为模板…: the name dialog.
    click(&client, "save-as-template").await;
    let name = wait_for(&client, "[data-testid=\"template-name\"]").await;
    name.send_keys("monthly-export")
        .await
        .expect("type the name");
    click(&client, "confirm").await;
    eventually("the template to be saved", || async {
        client
            .find(Locator::Css("[data-testid=\"template-name\"]"))
            .await
            .is_err()
            .then_some(())
    })
    .await;

    // 从模板新建 in the drafts list.
    click(&client, "back").await;
    click(&client, "new-from-template").await;
    wait_for(
        &client,
        "[data-testid=\"template-row\"][data-name=\"monthly-export\"]",
    )
    .await;
    screenshot(&client, "templates-01-picker.png").await;
    click(&client, "template-use").await;
    let new_id = eventually("the new declaration to open", || async {
        attr(&client, "[data-testid=\"editor\"]", "data-draft-id")
            .await
            .filter(|id| *id != original_id)
    })
    .await;
    wait_for(&client, "[data-field=\"lines[1].name\"]").await;
    wait_for(&client, "[data-testid=\"template-diff-panel\"]").await;
    assert!(listed_differences(&client).await.is_empty());

    // Two fields changed: exactly those two are listed.
    type_into(&client, "head.bill_no", "DLCN2026120001").await;
    type_into(&client, "lines[0].name", "LAPTOP X1").await;
    eventually("the autosave to finish", || async {
        (save_state(&client).await == "saved").then_some(())
    })
    .await;
    eventually("the two differences to be listed", || async {
        let fields = listed_differences(&client).await;
        (fields == ["head.bill_no", "lines[0].name"]).then_some(())
    })
    .await;
    let row = wait_for(
        &client,
        "[data-testid=\"template-diff\"][data-field=\"head.bill_no\"]",
    )
    .await;
    let text = row.text().await.expect("row text");
    assert!(text.contains("COSU6312345670"), "{text}");
    assert!(text.contains("DLCN2026120001"), "{text}");
    screenshot(&client, "templates-02-differences.png").await;

    // The original and the new one are both in the list.
    click(&client, "back").await;
    wait_for(&client, &format!("[data-draft-id=\"{original_id}\"]")).await;
    wait_for(&client, &format!("[data-draft-id=\"{new_id}\"]")).await;
    client.close().await.expect("close the app");
}
