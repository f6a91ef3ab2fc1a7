//! Certificates of origin in the real window: from an export declaration to
//! a Form E application, filled in until the precheck is clean, submitted to
//! a real mock Single Window, approved by smart review, saved as a PDF that
//! carries the certificate number, and verified offline on the verify screen
//! from that PDF's QR code.

use std::path::Path;
use std::sync::Arc;

use fantoccini::{Client, Locator};
use portdesk_domain::origin::EnterpriseRecord;
use portdesk_drafts::interchange::read_declarations;
use portdesk_drafts::origin::OriginDrafts;
use portdesk_drafts::{load_code_lists, Drafts, DB_FILE};
use portdesk_store::Store;

use crate::harness::*;

/// The exporter of the declaration fixture files its own certificates:
/// smart review compares box 1 with the record of whoever applies.
const EXPORTER: &str = "2102930001";

/// Seeds the declaration fixture and the exporter's record into the app's
/// data dir before it starts; returns the declaration's draft id.
async fn seed(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declaration-valid.json"),
    )
    .expect("fixture");
    let declaration = read_declarations(&text).expect("fixture parses").remove(0);
    let store = Store::open(&data_dir.join(DB_FILE))
        .await
        .expect("open the app's database");
    let lists = Arc::new(load_code_lists(data_dir));
    let origins = OriginDrafts::new(store.clone(), lists.clone());
    origins
        .set_enterprise_record(&EnterpriseRecord {
            name_en: "Dalian Northern Steel Import & Export Co., Ltd.".into(),
            address_en: "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA".into(),
            credit_code: "91210200MA0QC4L18M".into(),
            customs_code: EXPORTER.into(),
        })
        .await
        .expect("enterprise record");
    let view = Drafts::new(store.clone(), lists)
        .import(declaration)
        .await
        .expect("import fixture");
    store.close().await;
    view.meta.id.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_e_from_a_declaration_is_approved_printed_and_verified() {
    let _window = own_window().await;
    let mock = MockWindow::start(&["--review-pace-ms", "200"]);
    let data = tempfile::tempdir().expect("temp data dir");
    let draft = seed(data.path()).await;

    let client = launch(data.path()).await;
    log_in_as(&client, &mock.base, EXPORTER).await;

    // The declaration → 申请原产地证 (Form E is the default choice).
    let row = wait_for(&client, &format!("[data-draft-id=\"{draft}\"]")).await;
    row.find(Locator::Css("td.c-title"))
        .await
        .expect("title cell")
        .click()
        .await
        .expect("open the draft");
    click(&client, "origin-from-declaration").await;
    wait_for(&client, "[data-testid=\"origin-editor\"]").await;
    wait_for(&client, "[data-field=\"items[1].description\"]").await;
    // What the declaration cannot give: English descriptions, packages,
    // origin criteria, the invoice and the exporter's declaration.
    for (field, value) in [
        (
            "items[0].description",
            "FIVE (5) PALLETS OF HOT ROLLED NON-ALLOY STEEL COILS ***",
        ),
        ("items[0].package_count", "5"),
        ("items[0].package_kind", "99"),
        ("items[0].origin_criterion", "PE"),
        (
            "items[1].description",
            "THREE (3) PALLETS OF HOT-DIP GALVANIZED STEEL COILS ***",
        ),
        ("items[1].package_count", "3"),
        ("items[1].package_kind", "99"),
        ("items[1].origin_criterion", "PE"),
        ("invoices[0].number", "HSJ2026117"),
        ("invoices[0].date", "20261102"),
        ("declaration_place", "DALIAN, CHINA"),
        ("declaration_date", "20261106"),
    ] {
        type_into(&client, field, value).await;
    }
    click(&client, "origin-save").await;
    eventually("a clean precheck", || async {
        let text = client
            .find(Locator::Css("[data-testid=\"error-count\"]"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (text.trim() == "0").then_some(())
    })
    .await;
    screenshot(&client, "origin-ready.png").await;

    click(&client, "origin-submit").await;
    eventually("approval by smart review", || async {
        let status = attr(&client, "[data-testid=\"origin-status\"]", "data-status").await?;
        assert_ne!(status, "rejected", "smart review rejected the application");
        (status == "approved").then_some(())
    })
    .await;
    let number = wait_for(&client, "[data-testid=\"certificate-number\"]")
        .await
        .text()
        .await
        .expect("certificate number");
    assert_eq!(number.len(), 16, "{number}");
    assert!(number.starts_with('E'), "{number}");

    // Save as PDF: the file exists and its text carries the number.
    click(&client, "origin-render-pdf").await;
    let pdf = wait_for(&client, "[data-testid=\"origin-pdf-path\"]")
        .await
        .text()
        .await
        .expect("pdf path");
    assert!(Path::new(&pdf).is_file(), "{pdf} missing");
    assert!(pdf.starts_with(&data.path().display().to_string()), "{pdf}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&number), "{number} not in the PDF text");
    assert!(text.contains("HSJ2026117"));
    screenshot(&client, "origin-approved.png").await;

    // Verify it offline from the PDF's QR code.
    click(&client, "nav-verify").await;
    type_verify(&client, &pdf).await;
    click(&client, "verify-submit").await;
    let result = wait_for(&client, "[data-testid=\"verify-result\"]").await;
    assert_eq!(
        result.attr("data-valid").await.expect("attr").as_deref(),
        Some("true")
    );
    let verified = wait_for(&client, "[data-testid=\"verify-number\"]")
        .await
        .text()
        .await
        .expect("verified number");
    assert_eq!(verified, number);
    screenshot(&client, "origin-verified.png").await;

    // A tampered code does not verify.
    let qr = portdesk_seal::offline::qr_text(&pdf).expect("QR text of the PDF");
    let mut forged: Vec<char> = qr.chars().collect();
    let i = forged.len() / 2;
    forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
    type_verify(&client, &forged.into_iter().collect::<String>()).await;
    click(&client, "verify-submit").await;
    eventually("the tampered code to be refused", || async {
        (attr(&client, "[data-testid=\"verify-result\"]", "data-valid").await? == "false")
            .then_some(())
    })
    .await;
    client.close().await.ok();
}

async fn type_verify(client: &Client, text: &str) {
    let input = wait_for(client, "[data-testid=\"verify-input\"]").await;
    input.clear().await.expect("clear");
    input.send_keys(text).await.expect("type");
}
