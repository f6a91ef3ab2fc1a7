//! Renders certificates of each form and checks the paper as a verifier
//! would: the text poppler extracts, and the QR code zbar reads off a
//! 300 dpi raster, opened with the issuer's public key.

mod common;
#[path = "declaration/mod.rs"]
mod declaration;

use common::*;
use portdesk_domain::origin::OriginForm;
use portdesk_print::{form_boxes, render, render_batch, PrintError};
use portdesk_seal::{open, PREFIX};

/// The size every certificate PDF must stay under.
const MAX_PDF_BYTES: usize = 100 * 1024;

fn check_form(form: OriginForm) {
    let dir = tempfile::tempdir().unwrap();
    let app = application(form);
    let job = job(app.clone());
    let pdf = render(&job).unwrap();
    println!("{form:?}: {} bytes", pdf.len());
    assert!(pdf.len() <= MAX_PDF_BYTES, "{form:?}: {} bytes", pdf.len());
    let path = write(dir.path(), &format!("{form:?}.pdf"), &pdf);
    assert_eq!(pages(&path), 1);

    // The values and the form's own words are real text.
    let text = text_without_spaces(&path);
    let expect = [
        job.certificate_number.as_str(),
        &app.exporter.name,
        &app.exporter.address,
        &app.consignee.name,
        &app.items[0].description,
        &app.items[1].description,
        &app.invoices[0].number,
        "CERTIFICATEOFORIGIN",
    ];
    for s in expect {
        assert!(
            text.contains(&squeeze(s)),
            "{form:?}: {s:?} not in the text"
        );
    }
    // Every numbered box with its English and Chinese title.
    let boxes = form_boxes(form);
    for b in boxes {
        assert!(
            text.contains(&squeeze(&format!("{}. {}", b.number, b.en))),
            "{form:?}: box {} {:?}",
            b.number,
            b.en
        );
        assert!(text.contains(b.zh), "{form:?}: box {} {:?}", b.number, b.zh);
    }

    // The QR code reads back, verifies with the issuer's key and matches
    // the certificate's fields.
    let decoded = decode_qr(dir.path(), &path);
    assert_eq!(decoded, job.qr_text);
    let key = test_key().public();
    let seal = open(&decoded, std::slice::from_ref(&key), issue_date()).unwrap();
    let certified = fields(&app, &job.certificate_number);
    assert!(seal.matches(&certified));

    // A field changed on the paper no longer matches.
    let mut forged = app.clone();
    forged.items[0].quantity = "52.5".into();
    assert!(!seal.matches(&fields(&forged, &job.certificate_number)));
    let mut forged = app.clone();
    forged.consignee.name.push_str(" LTD");
    assert!(!seal.matches(&fields(&forged, &job.certificate_number)));

    // A flipped bit in the signature (the last 64 bytes) fails.
    let mut raw = base45_decode(&decoded[PREFIX.len()..]);
    let n = raw.len();
    raw[n - 5] ^= 0x10;
    let flipped = format!("{PREFIX}{}", base45_encode(&raw));
    assert_eq!(
        open(&flipped, &[key], issue_date()).unwrap_err().code(),
        "bad_signature"
    );
}

// The seal crate's base45 dependency is not re-exported; a tiny codec for
// the test keeps the dev-dependencies short.
const B45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn base45_decode(s: &str) -> Vec<u8> {
    let v: Vec<u32> = s
        .bytes()
        .map(|c| B45.iter().position(|&x| x == c).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in v.chunks(3) {
        let n = chunk.iter().rev().fold(0, |acc, d| acc * 45 + d);
        if chunk.len() == 3 {
            out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
        } else {
            out.push(n as u8);
        }
    }
    out
}

fn base45_encode(b: &[u8]) -> String {
    let mut s = String::new();
    for chunk in b.chunks(2) {
        let (mut n, digits) = if chunk.len() == 2 {
            (u32::from(chunk[0]) * 256 + u32::from(chunk[1]), 3)
        } else {
            (u32::from(chunk[0]), 2)
        };
        for _ in 0..digits {
            s.push(B45[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    s
}

#[test]
fn form_c_prints_verifies_and_carries_chinese() {
    check_form(OriginForm::C);
    // The Chinese words of the description are extractable text too.
    let dir = tempfile::tempdir().unwrap();
    let pdf = render(&job(application(OriginForm::C))).unwrap();
    let path = write(dir.path(), "c.pdf", &pdf);
    assert!(text_without_spaces(&path).contains("热轧钢卷"));
}

#[test]
fn form_e_prints_and_verifies() {
    check_form(OriginForm::E);
}

#[test]
fn form_r_prints_and_verifies() {
    check_form(OriginForm::R);
}

#[test]
fn many_items_continue_on_further_sheets() {
    let dir = tempfile::tempdir().unwrap();
    for form in [OriginForm::C, OriginForm::E, OriginForm::R] {
        let mut app = application(form);
        app.items = many_items(&app, 40);
        let job = job(app.clone());
        let pdf = render(&job).unwrap();
        println!("{form:?}, 40 items: {} bytes", pdf.len());
        assert!(pdf.len() <= MAX_PDF_BYTES, "{} bytes", pdf.len());
        let path = write(dir.path(), &format!("many-{form:?}.pdf"), &pdf);
        let n = pages(&path);
        assert!(n >= 2, "{form:?}: {n} pages");
        let text = text_without_spaces(&path);
        assert!(text.contains("CONTINUATIONSHEET"));
        assert!(text.contains(&format!("Page{n}of{n}")));
        // No goods are lost between pages.
        for item in &app.items {
            assert!(
                text.contains(&squeeze(&item.description)),
                "{}",
                item.description
            );
        }
        // The QR code is still on page 1 and still reads.
        assert_eq!(decode_qr(dir.path(), &path), job.qr_text);
    }
}

#[test]
fn one_enormous_description_is_split_across_sheets() {
    let mut app = application(OriginForm::E);
    app.items[1].description = format!("{} ***", "HOT-DIP GALVANIZED STEEL COIL ".repeat(200));
    let pdf = render(&job(app.clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "long.pdf", &pdf);
    assert!(pages(&path) >= 2);
    // Every word made it to paper: the pieces are on different sheets, so
    // count a word rather than look for the whole text.
    let text = text_without_spaces(&path);
    assert_eq!(text.matches("GALVANIZED").count(), 200);
    assert_eq!(text.matches("COIL").count(), 200 + 1); // + item 1's COILS
}

#[test]
fn a_character_missing_from_the_font_is_an_error_naming_it() {
    let mut app = application(OriginForm::E);
    app.items = many_items(&app, 5);
    app.items[2].description = "STEEL 𠀀 COILS ***".into();
    let err = render(&job(app)).unwrap_err();
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "items[2].description".into(),
            ch: '𠀀'
        }
    );
    assert_eq!(err.code(), "missing_glyph");
    assert!(err.to_string().contains("U+20000"), "{err}");
    assert_eq!(
        err.box_label(OriginForm::E).unwrap().1,
        "Box 7 goods description (item 3)"
    );

    // Any printed field is checked, not just descriptions.
    let mut app = application(OriginForm::C);
    app.exporter.address = "NO. 1 GANGWAN STREET \u{7}".into();
    assert_eq!(
        render(&job(app)).unwrap_err(),
        PrintError::MissingGlyph {
            field: "exporter.address".into(),
            ch: '\u{7}'
        }
    );
}

#[test]
fn bad_inputs_are_errors_not_broken_paper() {
    let mut j = job(application(OriginForm::E));
    j.seal_png = Some(b"not a png".to_vec());
    assert_eq!(render(&j).unwrap_err().code(), "bad_image");

    let mut j = job(application(OriginForm::E));
    j.certificate_number = "C26470ZC41091001".into(); // a form C number on Form E
    assert_eq!(render(&j).unwrap_err().code(), "bad_certificate_number");

    let mut j = job(application(OriginForm::E));
    j.qr_text = "A".repeat(5000);
    assert_eq!(render(&j).unwrap_err().code(), "bad_qr");

    let mut j = job(application(OriginForm::C));
    j.application.consignee.address = "VERY LONG ADDRESS ".repeat(400);
    assert_eq!(
        render(&j).unwrap_err(),
        PrintError::TooLong {
            field: "consignee.address".into()
        }
    );
}

#[test]
fn output_is_pdf_a_2b_with_metadata_and_reproducible() {
    let j = job(application(OriginForm::E));
    let pdf = render(&j).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let raw = String::from_utf8_lossy(&pdf);
    // The XMP packet declares PDF/A-2B and is stored uncompressed.
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>"),
        "no pdfaid:part"
    );
    assert!(raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(raw.contains("OutputIntent"), "no output intent");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.pdf", &pdf);
    assert_eq!(
        info(&path, "Title"),
        "Certificate of Origin 原产地证书 E26470ZC41091001"
    );
    assert_eq!(info(&path, "CreationDate"), "2026-11-10T09:30:00Z");
    assert_eq!(info(&path, "Page size"), "595.28 x 841.89 pts (A4)");
    assert_eq!(info(&path, "PDF version"), "1.7");
    // The same job prints the same bytes.
    assert_eq!(render(&j).unwrap(), pdf);
}

#[test]
fn without_seal_images_it_still_prints() {
    let mut j = job(application(OriginForm::R));
    j.seal_png = None;
    j.signature_png = None;
    let pdf = render(&j).unwrap();
    assert!(pdf.len() < MAX_PDF_BYTES);
}

#[test]
fn batch_reports_progress_and_keeps_going_after_a_failure() {
    let mut jobs: Vec<_> = [OriginForm::C, OriginForm::E, OriginForm::R]
        .into_iter()
        .map(|f| job(application(f)))
        .collect();
    jobs[1].application.items[0].description = "𠀀".into();
    let mut seen = Vec::new();
    let results = render_batch(&jobs, |done, total| seen.push((done, total)));
    assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
    assert!(results[0].is_ok() && results[2].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().code(), "missing_glyph");
}

#[test]
fn the_bundled_font_and_its_licence_ship_together() {
    let fonts = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/");
    let font = std::fs::metadata(format!("{fonts}NotoSansCJKsc-Regular-GB2312.otf")).unwrap();
    assert!(font.len() < 4 * 1024 * 1024, "{} bytes", font.len());
    let licence = std::fs::read_to_string(format!("{fonts}LICENSE-OFL.txt")).unwrap();
    assert!(licence.contains("SIL OPEN FONT LICENSE Version 1.1"));
    let readme = std::fs::read_to_string(format!("{fonts}README.md")).unwrap();
    assert!(readme.contains("pyftsubset"));
}
