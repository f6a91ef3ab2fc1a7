//! Tax payment and guarantees: in the real window, choose summary tax
//! payment (汇总征税) on a guarantee, declare, and watch the guarantee's
//! quota drop by the declaration's duty estimate on the guarantees page
//! once the mock Single Window releases it (`P`); then pay the duties
//! (缴纳税款) from the tax panel and see the quota restored.

use std::path::Path;
use std::sync::Arc;

use fantoccini::{Client, Locator};
use portdesk_domain::checksum::scc_check_char;
use portdesk_drafts::interchange::read_declarations;
use portdesk_drafts::{load_code_lists, Drafts, DB_FILE};
use portdesk_store::Store;

use crate::harness::*;

/// Advanced-certified forwarder with a live general bank letter; it may
/// declare for the fixture's consignor as its agent.
const FORWARDER: &str = "2102961234";
const FORWARDER_SCC_BODY: &str = "91210200MA0Y8K3T7";
const BANK_LETTER: &str = "BG-BOC-DL-2026-000117";
/// Seeded: 5,000,000.00 less 1,250,000.00 reserved.
const LEFT_BEFORE: &str = "3750000.00";
/// Less the fixture's estimate with the test rate files of
/// `tests/fixtures/estimate` (export duty 20 %, worked out in
/// crates/sync/tests/sync/guarantees.rs): 45 451.98.
const LEFT_AFTER_RELEASE: &str = "3704548.02";

/// The fixture, declared by the forwarder as agent, in the app's data dir.
async fn seed_declaration(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declaration-valid.json"),
    )
    .expect("fixture");
    let mut declaration = read_declarations(&text).expect("fixture parses").remove(0);
    declaration.head.agent_code = FORWARDER.into();
    declaration.head.agent_scc = format!(
        "{FORWARDER_SCC_BODY}{}",
        scc_check_char(FORWARDER_SCC_BODY).expect("scc body")
    );
    let store = Store::open(&data_dir.join(DB_FILE))
        .await
        .expect("open the app's database");
    let drafts = Drafts::new(store, Arc::new(load_code_lists(data_dir)));
    let view = drafts.import(declaration).await.expect("import fixture");
    view.meta.id.to_string()
}

async fn quota_left(client: &Client) -> Option<String> {
    let cell = client
        .find(Locator::Css(&format!(
            "[data-testid=\"guarantee-row\"][data-number=\"{BANK_LETTER}\"] [data-testid=\"quota-left\"]"
        )))
        .await
        .ok()?;
    cell.prop("textContent").await.ok().flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_tax_declaration_reserves_quota_shown_on_the_guarantees_page() {
    let _window = own_window().await;
    let rates = portdesk_testkit::workspace().join("tests/fixtures/estimate");
    let (tariff, fx) = (
        rates.join("tariff_rates.json").display().to_string(),
        rates.join("exchange_rates.json").display().to_string(),
    );
    let mock = MockWindow::start(&[
        "--review-pace-ms",
        "200",
        "--tariff-rates",
        &tariff,
        "--exchange-rates",
        &fx,
    ]);
    let data = tempfile::tempdir().expect("temp data dir");
    let id = seed_declaration(data.path()).await;

    let client = launch(data.path()).await;
    log_in_as(&client, &mock.base, FORWARDER).await;

    // Logging in syncs the guarantees: the page shows the seeded quota.
    click(&client, "nav-guarantees").await;
    eventually("the guarantees to be synced", || async {
        quota_left(&client).await.filter(|q| q == LEFT_BEFORE)
    })
    .await;
    screenshot(&client, "tax-01-guarantees-before.png").await;

    // Choose summary tax on the bank letter in the editor's tax panel.
    click(&client, "nav-drafts").await;
    wait_for(&client, &format!("[data-draft-id=\"{id}\"] td.c-title"))
        .await
        .click()
        .await
        .expect("open the draft");
    wait_for(&client, "[data-testid=\"tax-panel\"]").await;
    wait_for(&client, "[data-testid=\"tax-arrangement-summary_tax\"]")
        .await
        .click()
        .await
        .expect("choose summary tax");
    // Without a guarantee the rule says so beside the picker.
    wait_for(
        &client,
        "[data-problem-for=\"tax_payment.guarantee_no\"][data-rule=\"TAX-SUMMARY-GUARANTEE\"]",
    )
    .await;
    wait_for(&client, "[data-testid=\"tax-guarantee\"]")
        .await
        .select_by_value(BANK_LETTER)
        .await
        .expect("pick the bank letter");
    eventually("the guarantee problem to clear", || async {
        client
            .find(Locator::Css(
                "[data-problem-for=\"tax_payment.guarantee_no\"]",
            ))
            .await
            .is_err()
            .then_some(())
    })
    .await;
    screenshot(&client, "tax-02-summary-tax-chosen.png").await;

    // Declare; the mock releases it (P).
    click(&client, "declare").await;
    wait_for(
        &client,
        "[data-testid=\"receipt-timeline\"] [data-testid=\"receipt\"][data-code=\"P\"]",
    )
    .await;

    // The release reserved the duty estimate: the page shows less quota left.
    click(&client, "nav-guarantees").await;
    eventually("the quota to show the reservation", || async {
        quota_left(&client)
            .await
            .filter(|q| q == LEFT_AFTER_RELEASE)
    })
    .await;
    screenshot(&client, "tax-03-guarantees-after-release.png").await;

    // Pay the duties (缴纳税款) from the tax panel: the quota comes back.
    click(&client, "nav-drafts").await;
    wait_for(&client, &format!("[data-draft-id=\"{id}\"] td.c-title"))
        .await
        .click()
        .await
        .expect("open the released draft");
    click(&client, "tax-pay").await;
    let paid = wait_for(&client, "[data-testid=\"tax-paid\"]").await;
    let text = paid
        .prop("textContent")
        .await
        .expect("paid text")
        .unwrap_or_default();
    assert!(text.contains("45451.98"), "{text}");
    screenshot(&client, "tax-04-duties-paid.png").await;
    click(&client, "nav-guarantees").await;
    eventually("the quota to be restored", || async {
        quota_left(&client).await.filter(|q| q == LEFT_BEFORE)
    })
    .await;
    screenshot(&client, "tax-05-guarantees-after-payment.png").await;
    client.close().await.expect("close the app");
}
