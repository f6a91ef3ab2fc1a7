//! Declaration messages in a real window: import a hand-written message
//! with a problem, see it beside its field, fix it by typing, export the
//! declaration as a message, and read the file back. The file dialogs are
//! answered by the `e2e` build's hook (`--e2e-pick-files`, `--e2e-save-file`):
//! WebDriver cannot drive the system's dialog.

use std::path::Path;

use fantoccini::Locator;

use crate::harness::*;

const FIXED_SCC: &str = "91210200241280379U";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_imported_with_a_problem_is_fixed_and_exported_equal() {
    let _window = own_window().await;
    let data = tempfile::tempdir().expect("temp data dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/decmessage/e2e-bad-scc.xml")
        .canonicalize()
        .expect("fixture");
    let out = data.path().join("exported").join("PD06H1RX30KSSW3311.xml");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let client = launch_with(
        data.path(),
        &[
            format!("--e2e-pick-files={}", fixture.display()),
            format!("--e2e-save-file={}", out.display()),
        ],
    )
    .await;

    // 导入…: one file, one draft, opened at once.
    click(&client, "import-files").await;
    wait_for(&client, "[data-testid=\"editor\"]").await;
    // The consignee's credit code fails its check character: shown beside it.
    wait_for(
        &client,
        "[data-problem-for=\"head.trade_scc\"][data-rule=\"DEC-SCC\"]",
    )
    .await;
    let scc = wait_for(&client, "[data-field=\"head.trade_scc\"]").await;
    assert_eq!(
        scc.prop("value").await.expect("value").as_deref(),
        Some("91210200241280379A")
    );
    screenshot(&client, "messages-01-imported-with-problem.png").await;

    // Fixed by typing; the problem goes and the autosave lands.
    type_into(&client, "head.trade_scc", FIXED_SCC).await;
    eventually("the credit-code problem to go", || async {
        client
            .find(Locator::Css(
                "[data-problem-for=\"head.trade_scc\"][data-rule=\"DEC-SCC\"]",
            ))
            .await
            .is_err()
            .then_some(())
    })
    .await;
    eventually("the autosave to finish", || async {
        (save_state(&client).await == "saved").then_some(())
    })
    .await;

    // 导出报文…: written where the (hooked) save dialog says.
    click(&client, "export-message").await;
    eventually("the exported file", || async {
        std::fs::metadata(&out).is_ok().then_some(())
    })
    .await;
    screenshot(&client, "messages-02-exported.png").await;
    client.close().await.expect("close the app");

    // The file reads back as the message imported, the fixed field changed
    // and everything else — unmodelled blocks included — the same.
    let imported = portdesk_message::read(&std::fs::read(&fixture).unwrap()).unwrap();
    let mut expected = imported.declaration.clone();
    expected.head.trade_scc = FIXED_SCC.into();
    let bytes = std::fs::read(&out).expect("exported message");
    let mut back = portdesk_message::read(&bytes).expect("the exported message reads");
    portdesk_message::keep_draft_only_fields(&mut back.declaration, &expected);
    assert_eq!(back.declaration, expected);
    assert!(
        back.declaration.extensions.decmessage.is_some(),
        "the blocks came back"
    );
    let text = String::from_utf8(bytes).unwrap();
    for block in [
        "<DecRequestCerts>",
        "<DecOtherPacks>",
        "<PackType>92</PackType>",
    ] {
        assert!(text.contains(block), "{block} missing:\n{text}");
    }
}
