//! Hands laid-out pages to krilla: PDF/A-2b, A4, the bundled font and the
//! caller's fallback font for what it lacks (krilla embeds only the glyphs
//! used), black strokes and text, grey watermarks, the QR path, and the
//! seal and signature images. Shared by every printed document
//! (certificates, declarations): the document says what it is through
//! [`DocInfo`] and what it embeds through [`Assets`].

use chrono::{DateTime as UtcTime, Datelike, Timelike, Utc};
use krilla::configure::{Archival, Configuration, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};

use crate::font::{krilla_font, FallbackFont, FontSet};
use crate::layout::{ImageKind, Op, Page, PAGE_H, PAGE_W};
use crate::qr::qr_path;
use crate::PrintError;

/// What the PDF's metadata says of the document.
pub(crate) struct DocInfo {
    pub(crate) title: String,
    /// The language of most of its values (`en`, `zh-CN`).
    pub(crate) language: &'static str,
    /// Creation time; `None` means now (a fixed value: reproducible bytes).
    pub(crate) printed_at: Option<UtcTime<Utc>>,
}

/// What the pages' images and QR operations draw.
#[derive(Default)]
pub(crate) struct Assets<'a> {
    pub(crate) seal_png: Option<&'a [u8]>,
    pub(crate) signature_png: Option<&'a [u8]>,
    pub(crate) qr_text: Option<&'a str>,
}

/// How light a watermark is (0 black, 255 white).
const WATERMARK_GREY: u8 = 205;

/// Width of box rules, in points.
const RULE: f32 = 0.6;

fn configuration() -> Result<Configuration, PrintError> {
    ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn image(assets: &Assets<'_>, which: ImageKind) -> Result<Option<Image>, PrintError> {
    let (bytes, name) = match which {
        ImageKind::Seal => (assets.seal_png, "seal image"),
        ImageKind::Signature => (assets.signature_png, "signature image"),
    };
    let Some(bytes) = bytes else { return Ok(None) };
    // No interpolation: PDF/A forbids it (6.2.8).
    Image::from_png(bytes.to_vec().into(), false)
        .map(Some)
        .map_err(|reason| PrintError::BadImage {
            which: name,
            reason,
        })
}

pub(crate) fn draw(
    info: &DocInfo,
    fonts: &FontSet<'_>,
    fallback: Option<&FallbackFont>,
    assets: &Assets<'_>,
    pages: &[Page],
) -> Result<Vec<u8>, PrintError> {
    // Decode images and the QR code before starting the document, so a bad
    // input fails before any work is done.
    let seal = image(assets, ImageKind::Seal)?;
    let signature = image(assets, ImageKind::Signature)?;
    let font = krilla_font()?;
    // The fallback font only when a character needs it: krilla embeds
    // every font it is handed.
    let needs_fallback = pages.iter().flat_map(|p| &p.ops).any(|op| match op {
        Op::Text { text, .. } | Op::Watermark { text, .. } => {
            text.chars().any(|c| !fonts.in_primary(c))
        }
        _ => false,
    });
    let fallback = match fallback {
        Some(f) if needs_fallback => Some(f.krilla_font()?),
        _ => None,
    };
    let qr = pages
        .iter()
        .flat_map(|p| &p.ops)
        .find_map(|op| match op {
            Op::Qr { side, .. } => Some(*side),
            _ => None,
        })
        .map(|side| qr_path(assets.qr_text.unwrap_or_default(), side))
        .transpose()?;

    let settings = SerializeSettings {
        configuration: configuration()?,
        // No structure tree is built; PDF/A-2b does not ask for one.
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let printed = info.printed_at.unwrap_or_else(Utc::now);
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
            .title(info.title.clone())
            .language(info.language.into())
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
                    draw_runs(
                        &mut surface,
                        fonts,
                        &font,
                        fallback.as_ref(),
                        *x,
                        *y,
                        *size,
                        text,
                    );
                }
                Op::Watermark {
                    cx,
                    cy,
                    size,
                    angle,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: krilla::color::luma::Color::new(WATERMARK_GREY).into(),
                        ..Fill::default()
                    }));
                    let w = fonts.width("label", text, *size).unwrap_or(0.0);
                    surface.push_transform(&Transform::from_rotate_at(*angle, *cx, *cy));
                    let (x, y) = (cx - w / 2.0, cy + size * 0.35);
                    draw_runs(
                        &mut surface,
                        fonts,
                        &font,
                        fallback.as_ref(),
                        x,
                        y,
                        *size,
                        text,
                    );
                    surface.pop();
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

/// Draws `text` from `(x, y)` (baseline), each run of characters in the
/// font that has them: the bundled one, else the fallback. Layout checked
/// every character, so a run the fallback lacks cannot occur; it is skipped.
#[allow(clippy::too_many_arguments)]
fn draw_runs(
    surface: &mut krilla::surface::Surface<'_>,
    fonts: &FontSet<'_>,
    primary: &krilla::text::Font,
    fallback: Option<&krilla::text::Font>,
    x: f32,
    y: f32,
    size: f32,
    text: &str,
) {
    let mut x = x;
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let in_primary = fonts.in_primary(first);
        let end = rest
            .char_indices()
            .find(|&(_, c)| fonts.in_primary(c) != in_primary)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        let font = if in_primary { Some(primary) } else { fallback };
        if let Some(font) = font {
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                run,
                false,
                TextDirection::Auto,
            );
        }
        x += fonts.width("label", run, size).unwrap_or(0.0);
        rest = tail;
    }
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
