//! Hands laid-out pages to krilla: PDF/A-2b, A4, the bundled font (krilla
//! embeds only the glyphs used), black strokes and text, the QR path, and
//! the seal and signature images.

use chrono::{Datelike, Timelike, Utc};
use krilla::configure::{Archival, Configuration, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};

use crate::font::krilla_font;
use crate::layout::{ImageKind, Op, Page, PAGE_H, PAGE_W};
use crate::qr::qr_path;
use crate::{PrintError, PrintJob};

/// Width of box rules, in points.
const RULE: f32 = 0.6;

fn configuration() -> Result<Configuration, PrintError> {
    ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn image(job: &PrintJob, which: ImageKind) -> Result<Option<Image>, PrintError> {
    let (bytes, name) = match which {
        ImageKind::Seal => (&job.seal_png, "seal image"),
        ImageKind::Signature => (&job.signature_png, "signature image"),
    };
    let Some(bytes) = bytes else { return Ok(None) };
    // No interpolation: PDF/A forbids it (6.2.8).
    Image::from_png(bytes.clone().into(), false)
        .map(Some)
        .map_err(|reason| PrintError::BadImage {
            which: name,
            reason,
        })
}

pub(crate) fn draw(job: &PrintJob, pages: &[Page]) -> Result<Vec<u8>, PrintError> {
    // Decode images and the QR code before starting the document, so a bad
    // input fails before any work is done.
    let seal = image(job, ImageKind::Seal)?;
    let signature = image(job, ImageKind::Signature)?;
    let font = krilla_font()?;
    let qr = pages
        .iter()
        .flat_map(|p| &p.ops)
        .find_map(|op| match op {
            Op::Qr { side, .. } => Some(*side),
            _ => None,
        })
        .map(|side| qr_path(&job.qr_text, side))
        .transpose()?;

    let settings = SerializeSettings {
        configuration: configuration()?,
        // No structure tree is built; PDF/A-2b does not ask for one.
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let number = &job.certificate_number;
    let printed = job.printed_at.unwrap_or_else(Utc::now);
    let created = DateTime::new(u16::try_from(printed.year()).unwrap_or(2000))
        .month(printed.month() as u8)
        .day(printed.day() as u8)
        .hour(printed.hour() as u8)
        .minute(printed.minute() as u8)
        .second(printed.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    document.set_metadata(
        Metadata::new()
            .title(format!("Certificate of Origin 原产地证书 {number}"))
            // The certificate's values are English; the Chinese is box
            // titles only.
            .language("en".into())
            .creator("PortDesk 口岸申报助手".into())
            .producer("PortDesk 口岸申报助手 (krilla)".into())
            .creation_date(created),
    );

    let a4 = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PrintError::Pdf("bad page size".into()))?;
    for page in pages {
        let mut p = document.start_page_with(a4.clone());
        let mut surface = p.surface();
        for op in &page.ops {
            match op {
                Op::Text { x, y, size, text } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = krilla::geom::Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    stroke(&mut surface, pb);
                }
                Op::Line { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    stroke(&mut surface, pb);
                }
                Op::Check {
                    x,
                    y,
                    side,
                    checked,
                } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = krilla::geom::Rect::from_xywh(*x, *y, *side, *side) {
                        pb.push_rect(r);
                    }
                    if *checked {
                        let inset = side * 0.18;
                        pb.move_to(x + inset, y + inset);
                        pb.line_to(x + side - inset, y + side - inset);
                        pb.move_to(x + side - inset, y + inset);
                        pb.line_to(x + inset, y + side - inset);
                    }
                    stroke(&mut surface, pb);
                }
                Op::Qr { x, y, .. } => {
                    let Some((path, _)) = &qr else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    surface.push_transform(&Transform::from_translate(*x, *y));
                    surface.draw_path(path);
                    surface.pop();
                }
                Op::Image { which, x, y, w, h } => {
                    let img = match which {
                        ImageKind::Seal => seal.clone(),
                        ImageKind::Signature => signature.clone(),
                    };
                    if let Some(img) = img {
                        place_image(&mut surface, img, *x, *y, *w, *h);
                    }
                }
            }
        }
        surface.finish();
        p.finish();
    }
    document
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn stroke(surface: &mut krilla::surface::Surface<'_>, pb: PathBuilder) {
    let Some(path) = pb.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        width: RULE,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// Draws `img` as large as fits in the rectangle, keeping its proportions,
/// centred.
fn place_image(
    surface: &mut krilla::surface::Surface<'_>,
    img: Image,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
) {
    let (iw, ih) = img.size();
    if iw == 0 || ih == 0 {
        return;
    }
    let scale = (w / iw as f32).min(h / ih as f32);
    let (dw, dh) = (iw as f32 * scale, ih as f32 * scale);
    let Some(size) = Size::from_wh(dw, dh) else {
        return;
    };
    surface.push_transform(&Transform::from_translate(
        x + (w - dw) / 2.0,
        y + (h - dh) / 2.0,
    ));
    surface.draw_image(img, size);
    surface.pop();
}
