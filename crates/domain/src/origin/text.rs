//! Text hygiene of the English certificate forms: what smart review rejects
//! (Chinese characters, full-width punctuation and spaces, pasted control or
//! invisible characters) and an automatic clean-up for what can be fixed
//! without a translator.

/// Invisible format characters that ride along with pasted text (zero-width
/// spaces, byte-order mark, soft hyphen, line/paragraph separators). They are
/// reported with the control characters: the clerk cannot see them either.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The first pasted control or invisible character of `s`. A line break is
/// allowed where the box prints several lines (`multiline`).
pub(crate) fn first_control(s: &str, multiline: bool) -> Option<char> {
    s.chars()
        .find(|&c| (c.is_control() && !(multiline && c == '\n')) || is_invisible(c))
}

/// What kind of non-English character was found, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonAscii {
    /// 中文字符.
    Chinese(char),
    /// Full-width space U+3000, 全角空格.
    FullWidthSpace,
    /// Full-width or Chinese punctuation: `，。：；（）“”` ….
    FullWidthPunctuation(char),
    /// Anything else outside ASCII (accented letters, NBSP …).
    Other(char),
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

fn is_chinese_punctuation(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF65}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
        | '\u{2014}' | '\u{2026}' | '\u{00B7}')
}

/// The first character of `s` that an English form does not accept
/// (invisible characters are left to [`first_control`]).
pub(crate) fn first_non_ascii(s: &str) -> Option<NonAscii> {
    let c = s.chars().find(|&c| !c.is_ascii() && !is_invisible(c))?;
    Some(if c == '\u{3000}' {
        NonAscii::FullWidthSpace
    } else if is_cjk(c) {
        NonAscii::Chinese(c)
    } else if is_chinese_punctuation(c) {
        NonAscii::FullWidthPunctuation(c)
    } else {
        NonAscii::Other(c)
    })
}

/// Cleans text for an English certificate box as far as it can be done
/// mechanically: full-width letters, digits and punctuation become their
/// ASCII forms (`，` → `,`, `（` → `(`, `Ａ` → `A`), full-width and
/// non-breaking spaces become spaces, curly quotes straight, `\r\n` and tabs
/// become `\n` and a space, and other control and invisible characters are
/// dropped. Chinese characters stay: they need a translation, not a fix.
/// Offered to the UI as a one-click fix for `COO-ASCII` / `COO-CTRL`.
pub fn clean_english_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\t' | '\u{3000}' | '\u{00A0}' => out.push(' '),
            '\u{FF01}'..='\u{FF5E}' => {
                // The full-width block mirrors ASCII 0x21..=0x7E at a fixed offset.
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
            }
            '\u{3001}' => out.push(','),
            '\u{3002}' => out.push('.'),
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{3010}' | '\u{300C}' => out.push('['),
            '\u{3011}' | '\u{300D}' => out.push(']'),
            '\u{300A}' => out.push('<'),
            '\u{300B}' => out.push('>'),
            '\u{2014}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\n' => out.push('\n'),
            c if c.is_control() || is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_non_ascii() {
        assert_eq!(first_non_ascii("STEEL COILS"), None);
        assert_eq!(first_non_ascii("热轧卷板"), Some(NonAscii::Chinese('热')));
        assert_eq!(
            first_non_ascii("STEEL，COILS"),
            Some(NonAscii::FullWidthPunctuation('，'))
        );
        assert_eq!(
            first_non_ascii("STEEL\u{3000}COILS"),
            Some(NonAscii::FullWidthSpace)
        );
        assert_eq!(first_non_ascii("CAFÉ"), Some(NonAscii::Other('É')));
        // Invisible characters are COO-CTRL's, not COO-ASCII's.
        assert_eq!(first_non_ascii("A\u{200B}B"), None);
    }

    #[test]
    fn finds_control_characters() {
        assert_eq!(first_control("A\nB", true), None);
        assert_eq!(first_control("A\nB", false), Some('\n'));
        assert_eq!(first_control("A\tB", true), Some('\t'));
        assert_eq!(first_control("A\u{FEFF}B", true), Some('\u{FEFF}'));
        assert_eq!(first_control("A\u{7}B", true), Some('\u{7}'));
    }

    #[test]
    fn cleans_what_can_be_cleaned() {
        assert_eq!(
            clean_english_text("ＨＯＴ　ROLLED（Q235B），“STEEL”\r\nCOILS\u{200B}\t***"),
            "HOT ROLLED(Q235B),\"STEEL\"\nCOILS ***"
        );
        assert_eq!(clean_english_text("钢材。"), "钢材.");
    }
}
