//! Spreadsheets in a real window (导入 Excel): a customer's packing list,
//! in its own odd layout saved beforehand with the CLI (`portdesk layout
//! save`, as a broker sets up a customer once), is picked in the drafts
//! list; the preview suggests the layout from the headers and shows each
//! row and the totals before anything is saved; saving opens the new
//! declaration with those lines. Then rows copied from a spreadsheet are
//! pasted into its lines table and go through the same preview.

use fantoccini::Locator;

use crate::harness::*;

fn excel_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/excel")
        .join(name)
        .canonicalize()
        .expect("fixture")
}

async fn text_of(client: &fantoccini::Client, testid: &str) -> String {
    wait_for(client, &format!("[data-testid=\"{testid}\"]"))
        .await
        .text()
        .await
        .expect("text")
        .trim()
        .to_owned()
}

async fn value(client: &fantoccini::Client, field: &str) -> String {
    wait_for(client, &format!("[data-field=\"{field}\"]"))
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

async fn preview_row_count(client: &fantoccini::Client) -> usize {
    client
        .find_all(Locator::Css("[data-testid=\"sheet-rows\"] tbody tr"))
        .await
        .expect("rows")
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_packing_list_imports_through_the_preview_and_rows_paste_into_the_lines() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    let saved = std::process::Command::new(portdesk_testkit::binary("portdesk"))
        .env("PORTDESK_DATA_DIR", data.path())
        .args(["layout", "save", "海兴装箱单"])
        .arg(excel_fixture("packing-list-odd.layout.json"))
        .output()
        .expect("run portdesk layout save");
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );

    let sheet = excel_fixture("packing-list-odd.xlsx");
    let client = launch_with(
        data.path(),
        &[format!("--e2e-pick-files={}", sheet.display())],
    )
    .await;
    click(&client, "import-sheet").await;
    wait_for(&client, "[data-testid=\"sheet-rows\"] tbody tr").await;

    // The preview: five goods rows under the suggested layout, the totals
    // of the packing list's own columns, nothing saved yet.
    assert_eq!(preview_row_count(&client).await, 5);
    let chosen = wait_for(&client, "[data-testid=\"sheet-layout\"]")
        .await
        .prop("value")
        .await
        .expect("layout")
        .unwrap_or_default();
    assert_eq!(chosen, "海兴装箱单");
    assert_eq!(text_of(&client, "total-lines").await, "5");
    assert_eq!(text_of(&client, "total-packages").await, "60");
    assert_eq!(text_of(&client, "total-gross").await, "1772.35");
    assert_eq!(text_of(&client, "total-net").await, "1672.05");
    assert!(
        text_of(&client, "total-value").await.contains("6701.1 USD"),
        "value total"
    );
    screenshot(&client, "sheets-01-preview.png").await;

    click(&client, "sheet-save").await;
    wait_for(&client, "[data-field=\"lines[4].name\"]").await;
    assert_eq!(value(&client, "lines[0].name").await, "不锈钢螺丝");
    assert_eq!(value(&client, "lines[3].unit").await, "035");
    assert_eq!(
        value(&client, "lines[4].commodity_code").await,
        "8301400000"
    );
    assert_eq!(value(&client, "head.packages").await, "60");
    assert_eq!(value(&client, "head.bill_no").await, "COSU6399887766");

    // Two rows copied from a spreadsheet (template column order: code,
    // name, elements, quantity, unit, …) pasted into a cell of the lines
    // table: the same preview, then appended after the five.
    let cell = wait_for(&client, "[data-field=\"lines[0].elements\"]").await;
    client
        .execute(
            "const [el, text] = arguments; el.focus(); \
             const data = new DataTransfer(); data.setData('text/plain', text); \
             el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));",
            vec![
                serde_json::to_value(&cell).expect("element ref"),
                serde_json::json!("7318159090\t不锈钢垫圈\t\t500\t007\n7318160000\t镀锌螺栓\t\t300\t007\n"),
            ],
        )
        .await
        .expect("paste rows");
    wait_for(&client, "[data-testid=\"sheet-rows\"] tbody tr").await;
    assert_eq!(preview_row_count(&client).await, 2);
    click(&client, "sheet-save").await;
    wait_for(&client, "[data-field=\"lines[6].name\"]").await;
    assert_eq!(value(&client, "lines[5].name").await, "不锈钢垫圈");
    assert_eq!(value(&client, "lines[6].quantity").await, "300");
    assert_eq!(value(&client, "lines[0].name").await, "不锈钢螺丝");
    screenshot(&client, "sheets-02-pasted.png").await;
    client.close().await.ok();
}
