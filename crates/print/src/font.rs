//! The fonts of a printed document and line breaking: the one bundled
//! font (Noto Sans CJK SC, cut to GB2312 + Latin-1, OFL; see
//! `assets/fonts/README.md`) and, for the declaration, a system CJK font the
//! caller passes in ([`FallbackFont`], 后备字体) for characters the subset
//! lacks (GBK names such as 镕, 喆).
//!
//! Every character is looked up in the fonts' cmaps while a text is
//! measured, and a character no font has is an error naming the field: a
//! printed document must never show an empty box where a character was.

use std::sync::{Arc, OnceLock};

use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{charmap::Charmap, FontRef, MetadataProvider};

use crate::PrintError;

/// The font file, compiled in.
pub(crate) static FONT_BYTES: &[u8] =
    include_bytes!("../assets/fonts/NotoSansCJKsc-Regular-GB2312.otf");

/// Parsed tables of one font: the bundled one (`'static`, built once) or
/// a fallback borrowed from the caller's bytes.
pub(crate) struct Metrics<'a> {
    charmap: Charmap<'a>,
    glyphs: GlyphMetrics<'a>,
    units_per_em: f32,
}

static METRICS: OnceLock<Option<Metrics<'static>>> = OnceLock::new();
static KRILLA_FONT: OnceLock<Option<Font>> = OnceLock::new();

impl<'a> Metrics<'a> {
    fn parse(bytes: &'a [u8], index: u32) -> Option<Metrics<'a>> {
        let font = FontRef::from_index(bytes, index).ok()?;
        let m = font.metrics(Size::unscaled(), LocationRef::default());
        Some(Metrics {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: f32::from(m.units_per_em).max(1.0),
        })
    }
}

/// The bundled font's tables.
pub(crate) fn metrics() -> Result<&'static Metrics<'static>, PrintError> {
    METRICS
        .get_or_init(|| Metrics::parse(FONT_BYTES, 0))
        .as_ref()
        .ok_or_else(|| PrintError::Pdf("the bundled font cannot be read".into()))
}

/// Whether the bundled font (GB2312 + Latin-1) draws `ch`; a caller looks
/// for a [`FallbackFont`] only for the characters it does not.
pub fn bundled_font_has(ch: char) -> bool {
    metrics().is_ok_and(|m| m.glyph(ch).is_some())
}

/// A system CJK font for the characters the bundled subset lacks
/// (后备字体): the file's bytes and the face's index in a collection
/// (`.ttc`). The caller finds it (rendering stays pure: bytes in); keep one
/// value and reuse it, since krilla hashes the whole file once per value.
#[derive(Clone)]
pub struct FallbackFont {
    bytes: Arc<Vec<u8>>,
    index: u32,
    krilla: Arc<OnceLock<Option<Font>>>,
}

impl std::fmt::Debug for FallbackFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FallbackFont")
            .field("bytes", &self.bytes.len())
            .field("index", &self.index)
            .finish()
    }
}

impl FallbackFont {
    /// The face `index` of font file `bytes`; `None` when it is not a font
    /// skrifa can read.
    pub fn new(bytes: Arc<Vec<u8>>, index: u32) -> Option<FallbackFont> {
        Metrics::parse(&bytes, index)?;
        Some(FallbackFont {
            bytes,
            index,
            krilla: Arc::default(),
        })
    }

    /// Whether the font would print `ch`: it has a glyph, and `ch` is not
    /// a private-use character (never taken from a fallback).
    pub fn has(&self, ch: char) -> bool {
        !is_private_use(ch)
            && Metrics::parse(&self.bytes, self.index).is_some_and(|m| m.glyph(ch).is_some())
    }

    pub(crate) fn krilla_font(&self) -> Result<Font, PrintError> {
        self.krilla
            .get_or_init(|| Font::new(self.bytes.clone().into(), self.index))
            .clone()
            .ok_or_else(|| PrintError::Pdf("the fallback font cannot be read".into()))
    }
}

/// The fonts one document is measured and drawn with: the bundled font
/// first, then the fallback for a character it lacks.
pub(crate) struct FontSet<'a> {
    primary: &'static Metrics<'static>,
    fallback: Option<Metrics<'a>>,
}

impl<'a> FontSet<'a> {
    /// The bundled font alone (certificates: their text is English and
    /// box titles).
    pub(crate) fn bundled() -> Result<FontSet<'static>, PrintError> {
        Ok(FontSet {
            primary: metrics()?,
            fallback: None,
        })
    }

    pub(crate) fn with_fallback(fallback: Option<&'a FallbackFont>) -> Result<Self, PrintError> {
        Ok(FontSet {
            primary: metrics()?,
            fallback: fallback.and_then(|f| Metrics::parse(&f.bytes, f.index)),
        })
    }

    /// Whether the bundled font draws `ch` (else the fallback does).
    pub(crate) fn in_primary(&self, ch: char) -> bool {
        self.primary.glyph(ch).is_some()
    }

    /// Advance of `ch` at `size` points, or the error naming `field`.
    fn advance(&self, field: &str, ch: char, size: f32) -> Result<f32, PrintError> {
        self.primary
            .advance(ch, size)
            .or_else(|| {
                // Private-use characters mean what each font maker chose;
                // a system font's glyph there is not the sender's.
                if is_private_use(ch) {
                    return None;
                }
                self.fallback.as_ref()?.advance(ch, size)
            })
            .ok_or_else(|| PrintError::MissingGlyph {
                field: field.to_owned(),
                ch,
            })
    }
}

/// The font for krilla. Created once: krilla hashes the whole file when a
/// `Font` is made, and every document then shares the parsed font.
pub(crate) fn krilla_font() -> Result<Font, PrintError> {
    KRILLA_FONT
        .get_or_init(|| Font::new(FONT_BYTES.into(), 0))
        .clone()
        .ok_or_else(|| PrintError::Pdf("the bundled font cannot be read".into()))
}

impl Metrics<'_> {
    fn glyph(&self, ch: char) -> Option<skrifa::GlyphId> {
        self.charmap.map(ch).filter(|g| g.to_u32() != 0)
    }

    /// Whether the font has a glyph for `ch`.
    #[cfg(test)]
    pub(crate) fn has(&self, ch: char) -> bool {
        self.glyph(ch).is_some()
    }

    /// Advance of `ch` at `size` points, if the font has it.
    fn advance(&self, ch: char, size: f32) -> Option<f32> {
        let gid = self.glyph(ch)?;
        let units = self.glyphs.advance_width(gid).unwrap_or(self.units_per_em);
        Some(units / self.units_per_em * size)
    }
}

impl FontSet<'_> {
    /// Width of `text` at `size`, checking every character.
    pub(crate) fn width(&self, field: &str, text: &str, size: f32) -> Result<f32, PrintError> {
        text.chars()
            .try_fold(0.0, |w, ch| Ok(w + self.advance(field, ch, size)?))
    }

    /// Breaks `text` into lines no wider than `width` at `size` points.
    ///
    /// Greedy: a line takes as much as fits. Latin text breaks after a space
    /// or a hyphen (the spaces at a break are dropped); CJK characters and
    /// full-width punctuation may break anywhere, as Chinese typesetting
    /// does; a word longer than the line is cut where it overflows. `\n`
    /// forces a break. Checks every character against the cmap on the way,
    /// so measuring is the glyph check.
    pub(crate) fn wrap(
        &self,
        field: &str,
        text: &str,
        size: f32,
        width: f32,
    ) -> Result<Vec<String>, PrintError> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let para = para.trim_end_matches('\r');
            self.wrap_paragraph(field, para, size, width, &mut lines)?;
        }
        Ok(lines)
    }

    fn wrap_paragraph(
        &self,
        field: &str,
        para: &str,
        size: f32,
        width: f32,
        lines: &mut Vec<String>,
    ) -> Result<(), PrintError> {
        let chars: Vec<char> = para.chars().collect();
        let mut advances = Vec::with_capacity(chars.len());
        for &ch in &chars {
            advances.push(self.advance(field, ch, size)?);
        }
        let mut start = 0;
        while start < chars.len() {
            // Skip the spaces a previous break left at the start of a line.
            while start > 0 && start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
            let mut w = 0.0;
            let mut end = start;
            // Last position after which the line may break.
            let mut last_break = None;
            while end < chars.len() {
                if w + advances[end] > width && end > start {
                    break;
                }
                w += advances[end];
                end += 1;
                if end < chars.len() && may_break_between(chars[end - 1], chars[end]) {
                    last_break = Some(end);
                }
            }
            let cut = if end >= chars.len() {
                end
            } else {
                last_break.filter(|&b| b > start).unwrap_or(end)
            };
            let line: String = chars[start..cut].iter().collect();
            lines.push(line.trim_end().to_owned());
            start = cut;
        }
        if chars.is_empty() {
            lines.push(String::new());
        }
        Ok(())
    }
}

/// Unicode private-use areas (BMP and planes 15-16).
fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// Whether a line may end between `a` and `b`.
fn may_break_between(a: char, b: char) -> bool {
    if b == ' ' {
        return false; // break after the spaces, not before them
    }
    if a == ' ' || a == '-' || a == '/' {
        return true;
    }
    // Never start a line with closing punctuation.
    if matches!(
        b,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '”'
            | '！'
            | '？'
            | ')'
            | ','
            | '.'
    ) {
        return false;
    }
    is_cjk(a) || is_cjk(b)
}

/// Han, kana, hangul, CJK punctuation and full-width forms: characters
/// between which a line may break.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> FontSet<'static> {
        FontSet::bundled().unwrap()
    }

    #[test]
    fn latin_breaks_at_spaces_and_every_line_fits() {
        let text = "FIVE (5) PALLETS OF HOT ROLLED NON-ALLOY STEEL COILS, WIDTH 1500MM ***";
        let lines = m().wrap("f", text, 8.0, 100.0).unwrap();
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(m().width("f", l, 8.0).unwrap() <= 100.0 + 0.01, "{l}");
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{l:?}");
        }
        assert_eq!(lines.join(" ").replace("- ", "-"), text);
    }

    #[test]
    fn cjk_breaks_anywhere_and_long_words_are_cut() {
        let lines = m()
            .wrap("f", "大连北方钢铁进出口有限公司热轧非合金钢卷", 10.0, 45.0)
            .unwrap();
        assert!(lines.len() >= 4, "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 4));
        let lines = m()
            .wrap("f", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10.0, 40.0)
            .unwrap();
        assert!(lines.len() > 2);
        assert_eq!(lines.concat(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        // Explicit line breaks are kept, an empty paragraph is an empty line.
        assert_eq!(
            m().wrap("f", "A\n\nB", 10.0, 100.0).unwrap(),
            ["A", "", "B"]
        );
    }

    #[test]
    fn a_missing_glyph_names_the_field_and_character() {
        let err = m()
            .wrap("items[2].description", "STEEL 𠀀 COILS", 8.0, 100.0)
            .unwrap_err();
        assert_eq!(
            err,
            PrintError::MissingGlyph {
                field: "items[2].description".into(),
                ch: '𠀀'
            }
        );
        let b = metrics().unwrap();
        assert!(b.has('中') && b.has('é') && b.has('A') && !b.has('\u{1}'));
    }
}
