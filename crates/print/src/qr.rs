//! The QR code as vector graphics: one filled path made of a rectangle per
//! horizontal run of dark modules. Vectors stay sharp at any printer
//! resolution and cost a few hundred bytes, where an image would blur or
//! weigh kilobytes.

use krilla::geom::{Path, PathBuilder, Rect};
use qrcode::{Color, EcLevel, QrCode};

use crate::PrintError;

/// Error correction level M (15 %): the payload (~290 characters) stays a
/// version 10 code, and a smudge or a fold does not make it unreadable.
const EC_LEVEL: EcLevel = EcLevel::M;

/// The QR code of `text` as a path `side` points square with its top left at
/// the origin, and the number of modules per side. The quiet zone (four
/// modules) is not part of the path: the layout keeps it clear.
pub(crate) fn qr_path(text: &str, side: f32) -> Result<(Path, usize), PrintError> {
    if text.is_empty() {
        return Err(PrintError::BadQr("the QR text is empty".into()));
    }
    let code = QrCode::with_error_correction_level(text.as_bytes(), EC_LEVEL)
        .map_err(|e| PrintError::BadQr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = side / n as f32;
    let mut pb = PathBuilder::new();
    for (row, cells) in colors.chunks(n).enumerate() {
        let mut col = 0;
        while col < n {
            if cells[col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && cells[col] == Color::Dark {
                col += 1;
            }
            if let Some(rect) = Rect::from_xywh(
                start as f32 * module,
                row as f32 * module,
                (col - start) as f32 * module,
                module,
            ) {
                pb.push_rect(rect);
            }
        }
    }
    let path = pb
        .finish()
        .ok_or_else(|| PrintError::BadQr("empty QR code".into()))?;
    Ok((path, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_sized_text_is_a_version_10_code() {
        let text = format!("PDC1:{}", "A1B2C3".repeat(46));
        let (_, n) = qr_path(&text, 99.2).unwrap();
        assert_eq!(n, 57);
        for bad in [String::new(), "A".repeat(5000)] {
            assert!(matches!(qr_path(&bad, 10.0), Err(PrintError::BadQr(_))));
        }
    }
}
