//! Text preparation for the full-text index (`drafts_fts`): the terms stored
//! for a draft, and the FTS5 query built from what the clerk typed.
//!
//! # Why bigrams over `unicode61`, not the `trigram` tokenizer
//!
//! Chinese has no spaces, so `unicode61` alone sees `深圳市华强电子有限公司`
//! as one token: a search for `华强` (a substring) would find nothing. The
//! `trigram` tokenizer finds substrings, but only of 3 or more characters
//! through `MATCH`; a 2-character query such as `华强` or `中远` falls back to
//! a `LIKE` full scan. So we segment in Rust instead, both when indexing and
//! when querying:
//!
//! - a run of CJK characters becomes its overlapping bigrams plus its last
//!   character (`华强电子` → `华强 强电 电子 子`); a query run of 2+ characters
//!   becomes the phrase of its bigrams, which matches exactly the texts that
//!   contain it; a 1-character query is a prefix query (`华*`), which finds
//!   the character anywhere (as the start of a bigram or as a run's last);
//! - any other run of letters/digits is one token (`COSU6123456789`,
//!   `8471300000`, `MSKU1234565`), and every query token is a prefix query,
//!   so a bill-of-lading or commodity-code prefix finds the draft;
//! - full-width ASCII (`ＣＯＳＵ１２`) is folded to ASCII, so it matches
//!   what was typed with a half-width keyboard, and everything else (spaces,
//!   punctuation, `-`, `/`) separates tokens.
//!
//! The FTS table then uses `unicode61` only to split on our spaces and fold
//! case. Terms are made of letters, digits and CJK characters only, so a
//! query can never inject FTS5 syntax (quotes, `NEAR`, `*`, column filters).

/// The terms to index for `text` (a declaration's `search_text()`).
pub(crate) fn index_terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for seg in segments(text) {
        match seg {
            Segment::Word(w) => push_term(&mut out, &w),
            Segment::Cjk(run) => {
                for pair in run.windows(2) {
                    push_term(&mut out, &pair.iter().collect::<String>());
                }
                if let Some(last) = run.last() {
                    push_term(&mut out, &last.to_string());
                }
            }
            Segment::Break => {}
        }
    }
    out
}

/// The terms to index for a goods record's part number, code and name:
/// [`index_terms`] plus every suffix (2+ characters) of each Latin/digit
/// word, so the prefix queries of [`match_expression`] find a part number
/// or code by any part of it (`7318150000` by `1500`).
pub(crate) fn goods_terms(text: &str) -> String {
    let mut out = index_terms(text);
    for seg in segments(text) {
        if let Segment::Word(w) = seg {
            let chars: Vec<char> = w.chars().collect();
            for start in 1..chars.len().saturating_sub(1) {
                push_term(&mut out, &chars[start..].iter().collect::<String>());
            }
        }
    }
    out
}

/// The FTS5 `MATCH` expression for a search box text, or `None` when it has
/// nothing searchable (only spaces or punctuation).
///
/// Every whitespace-separated word must match (AND). Inside a word, Latin and
/// digit tokens joined by punctuation form one phrase whose last token is a
/// prefix (`COSU-61` → `"cosu 61"*`); a CJK run is the phrase of its bigrams.
pub(crate) fn match_expression(query: &str) -> Option<String> {
    let mut phrases: Vec<String> = Vec::new();
    let mut latin: Vec<String> = Vec::new();
    let flush = |latin: &mut Vec<String>, phrases: &mut Vec<String>| {
        if !latin.is_empty() {
            phrases.push(format!("\"{}\"*", latin.join(" ")));
            latin.clear();
        }
    };
    for seg in segments(query) {
        match seg {
            Segment::Word(w) => latin.push(w),
            Segment::Cjk(run) => {
                flush(&mut latin, &mut phrases);
                if run.len() == 1 {
                    phrases.push(format!("\"{}\"*", run[0]));
                } else {
                    let bigrams: Vec<String> = run.windows(2).map(|p| p.iter().collect()).collect();
                    phrases.push(format!("\"{}\"", bigrams.join(" ")));
                }
            }
            Segment::Break => flush(&mut latin, &mut phrases),
        }
    }
    flush(&mut latin, &mut phrases);
    if phrases.is_empty() {
        None
    } else {
        Some(phrases.join(" "))
    }
}

fn push_term(out: &mut String, term: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(term);
}

#[derive(Debug, PartialEq)]
enum Segment {
    /// Letters and digits outside CJK, lower-cased.
    Word(String),
    /// A run of CJK characters.
    Cjk(Vec<char>),
    /// Whitespace: ends a query word (punctuation only separates tokens).
    Break,
}

fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let end_word = |word: &mut String, out: &mut Vec<Segment>| {
        if !word.is_empty() {
            out.push(Segment::Word(std::mem::take(word)));
        }
    };
    let end_run = |run: &mut Vec<char>, out: &mut Vec<Segment>| {
        if !run.is_empty() {
            out.push(Segment::Cjk(std::mem::take(run)));
        }
    };
    for c in text.chars().map(fold_width) {
        if is_cjk(c) {
            end_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            end_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            end_word(&mut word, &mut out);
            end_run(&mut run, &mut out);
            if c.is_whitespace() && out.last() != Some(&Segment::Break) {
                out.push(Segment::Break);
            }
        }
    }
    end_word(&mut word, &mut out);
    end_run(&mut run, &mut out);
    out
}

/// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII.
fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Scripts written without spaces between words: Han, kana, Hangul.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{3134F}' // CJK Extensions B..G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_bigrams_and_last_char() {
        assert_eq!(index_terms("华强电子"), "华强 强电 电子 子");
        assert_eq!(index_terms("华"), "华");
    }

    #[test]
    fn latin_and_digits_are_words_lower_cased() {
        assert_eq!(
            index_terms("COSU6123456789 8471.30-00 深圳A公司"),
            "cosu6123456789 8471 30 00 深圳 圳 a 公司 司"
        );
    }

    #[test]
    fn full_width_is_folded() {
        assert_eq!(index_terms("ＣＯＳＵ１２"), "cosu12");
        assert_eq!(match_expression("ＣＯＳＵ"), Some("\"cosu\"*".into()));
    }

    #[test]
    fn queries() {
        assert_eq!(match_expression("华强"), Some("\"华强\"".into()));
        assert_eq!(match_expression("华强电"), Some("\"华强 强电\"".into()));
        assert_eq!(match_expression("华"), Some("\"华\"*".into()));
        assert_eq!(match_expression("COSU-61"), Some("\"cosu 61\"*".into()));
        assert_eq!(
            match_expression("  华强  cosu "),
            Some("\"华强\" \"cosu\"*".into())
        );
        assert_eq!(match_expression("深圳A"), Some("\"深圳\" \"a\"*".into()));
    }

    #[test]
    fn goods_terms_hold_every_word_suffix() {
        assert_eq!(goods_terms("AB-1234 螺栓"), "ab 1234 螺栓 栓 234 34");
    }

    #[test]
    fn nothing_searchable() {
        assert_eq!(match_expression(""), None);
        assert_eq!(match_expression(" - / \" * "), None);
    }

    #[test]
    fn quotes_and_operators_cannot_inject() {
        assert_eq!(
            match_expression("a\" OR NEAR(x"),
            Some("\"a\"* \"or\"* \"near x\"*".into())
        );
    }
}
