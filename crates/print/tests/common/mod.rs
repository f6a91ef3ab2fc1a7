//! Shared by the print tests and the bench: realistic jobs of each form,
//! sealed with a fixed test key, and the poppler/zbar tools.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use portdesk_domain::origin::{CertifiedFields, OriginApplication, OriginForm, OriginItem};
use portdesk_print::PrintJob;
use portdesk_seal::{seal, SealKey};

/// The RFC 8032 test vector 1 seed: a fixed key, so printed examples can be
/// reproduced.
pub const TEST_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

pub fn test_key() -> SealKey {
    SealKey::from_seed_hex(TEST_SEED).unwrap()
}

pub fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
}

/// The valid Form E fixture (two items of steel coils, Dalian to Haiphong).
pub fn fixture_e() -> OriginApplication {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/origin-e-valid.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A realistic application of `form`, built from the Form E fixture.
pub fn application(form: OriginForm) -> OriginApplication {
    let mut app = fixture_e();
    app.form = form;
    match form {
        OriginForm::E => {}
        OriginForm::C => {
            app.consignee.name = "OSAKA METAL TRADING CO., LTD.".into();
            app.consignee.address = "2-1 NAKANOSHIMA, KITA-KU, OSAKA 530-0005".into();
            app.consignee.country = "JPN".into();
            app.importing_country = "JPN".into();
            app.transport.route = "FROM DALIAN, CHINA TO OSAKA, JAPAN BY SEA".into();
            app.transport.port_of_discharge = "JPN000".into();
            // Chinese in a description: the renderer prints what it is given
            // (smart review is what keeps it off English forms).
            app.items[0].description =
                "FIVE (5) PALLETS OF HOT ROLLED STEEL COILS 热轧钢卷, Q235B ***".into();
            for item in &mut app.items {
                item.origin_criterion.clear();
                item.fob_value.clear();
            }
        }
        OriginForm::R => {
            app.consignee.name = "BANGKOK STEEL SUPPLY CO., LTD.".into();
            app.consignee.address = "99 RAMA IV ROAD, KHLONG TOEI, BANGKOK 10110".into();
            app.consignee.country = "THA".into();
            app.importing_country = "THA".into();
            app.producer.name = "DALIAN NORTHERN STEEL WORKS CO., LTD.".into();
            app.producer.address = "NO. 8 HUANGHAI ROAD, GANJINGZI DISTRICT, DALIAN".into();
            app.producer.country = "CHN".into();
            app.transport.route = "FROM DALIAN, CHINA TO LAEM CHABANG, THAILAND BY SEA".into();
            app.transport.port_of_discharge = "THA000".into();
            app.remarks = "GOODS SHIPPED IN ONE LOT.".into();
            app.flags.third_party_invoicing = true;
            for item in &mut app.items {
                item.country_of_origin = "CHN".into();
            }
        }
    }
    app
}

pub fn number(form: OriginForm) -> String {
    format!("{}26470ZC41091001", form.letter())
}

pub fn fields(app: &OriginApplication, number: &str) -> CertifiedFields {
    CertifiedFields::from_application(app, number, issue_date())
}

/// A job as the client would make it once the server approved `app`.
pub fn job(app: OriginApplication) -> PrintJob {
    let number = number(app.form);
    let qr_text = seal(&test_key(), &fields(&app, &number)).unwrap();
    PrintJob {
        application: app,
        certificate_number: number,
        issue_date: issue_date(),
        qr_text,
        seal_png: Some(seal_png()),
        signature_png: Some(signature_png()),
        printed_at: Some(Utc.with_ymd_and_hms(2026, 11, 10, 9, 30, 0).unwrap()),
    }
}

/// `n` goods items made from `app`'s, enough to need continuation sheets.
pub fn many_items(app: &OriginApplication, n: usize) -> Vec<OriginItem> {
    let base = app.items.clone();
    (0..n)
        .map(|i| {
            let mut item = base[i % base.len()].clone();
            item.item_no = (i + 1).to_string();
            item.description = format!("LOT {} OF {}: {}", i + 1, n, item.description);
            item
        })
        .collect()
}

fn encode_png(w: u32, h: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&pixel(x, y));
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
    }
    out
}

/// A red round company seal with a transparent background.
pub fn seal_png() -> Vec<u8> {
    encode_png(96, 96, |x, y| {
        let (dx, dy) = (x as f32 - 47.5, y as f32 - 47.5);
        let r = (dx * dx + dy * dy).sqrt();
        let star = dx.abs() + dy.abs() < 14.0;
        if (40.0..46.0).contains(&r) || star {
            [200, 20, 30, 230]
        } else {
            [0, 0, 0, 0]
        }
    })
}

/// A blue hand-written-looking stroke.
pub fn signature_png() -> Vec<u8> {
    encode_png(160, 48, |x, y| {
        let t = x as f32 / 160.0 * 12.0;
        let curve = 24.0 + 12.0 * t.sin() * (1.0 - x as f32 / 200.0);
        if (y as f32 - curve).abs() < 1.8 {
            [20, 40, 140, 255]
        } else {
            [0, 0, 0, 0]
        }
    })
}

/// Runs a poppler or zbar tool; a missing tool fails the test with what to
/// install (the project's test script installs them).
pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{tool}` ({e}): install poppler-utils and zbar-tools \
             (apt-get install -y poppler-utils zbar-tools)"
        )
    });
    assert!(
        out.status.success(),
        "`{tool} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// A value `pdfinfo -isodates` reports, e.g. `info(pdf, "Pages")`.
pub fn info(pdf: &str, key: &str) -> String {
    run("pdfinfo", &["-isodates", pdf])
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("pdfinfo prints no {key}"))
}

/// Number of pages `pdfinfo` reports.
pub fn pages(pdf: &str) -> usize {
    info(pdf, "Pages").parse().expect("a page count")
}

/// The text of the PDF with all whitespace removed, so values that wrap
/// inside a box still compare equal.
pub fn text_without_spaces(pdf: &str) -> String {
    // -raw keeps the content stream's order, which is cell by cell, so a
    // wrapped value's lines stay together.
    squeeze(&run("pdftotext", &["-raw", "-enc", "UTF-8", pdf, "-"]))
}

pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Rasterises page 1 at 300 dpi and decodes its QR code.
pub fn decode_qr(dir: &Path, pdf: &str) -> String {
    let prefix = dir.join("page").to_string_lossy().into_owned();
    run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            &prefix,
        ],
    );
    let png = format!("{prefix}.png");
    assert!(Path::new(&png).exists(), "pdftoppm made no {png}");
    run(
        "zbarimg",
        &["--raw", "-q", "-Sdisable", "-Sqrcode.enable", &png],
    )
    .trim_end()
    .to_owned()
}
