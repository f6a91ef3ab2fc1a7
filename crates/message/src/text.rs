//! Bytes to text: the encoding the XML declaration names (UTF-8 when none;
//! GBK/GB2312/GB18030 for files written on Windows), and a byte-offset to
//! line-number index for error messages.

use encoding_rs::{DecoderResult, Encoding, UTF_8};

use crate::error::MessageError;
use crate::MAX_INPUT_BYTES;

/// Decodes the whole input to UTF-8. Decoding first (instead of letting the
/// XML parser decode) keeps every later offset an offset into one `str`, so
/// unmodelled fragments can be sliced out of it verbatim.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, MessageError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(MessageError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => match declared_label(bytes) {
            Some(label) => match Encoding::for_label(label) {
                Some(enc) => (enc, bytes),
                None => {
                    return Err(MessageError::UnknownEncoding {
                        label: String::from_utf8_lossy(label).into_owned(),
                        line: 1,
                    })
                }
            },
            None => (UTF_8, bytes),
        },
    };
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        // The output is sized for the worst case, so it cannot fill up; a
        // malformed sequence stops decoding where `out` ends.
        DecoderResult::Malformed(..) | DecoderResult::OutputFull => {
            Err(MessageError::Undecodable {
                encoding: encoding.name().to_owned(),
                line: out.matches('\n').count() + 1,
            })
        }
    }
}

/// The `encoding="…"` of an XML declaration at the very start, read as
/// ASCII (every encoding we accept without a BOM is ASCII-compatible).
fn declared_label(bytes: &[u8]) -> Option<&[u8]> {
    if !bytes.starts_with(b"<?xml") {
        return None;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let end = find(head, b"?>")?;
    let decl = &head[..end];
    let at = find(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let rest = trim_start(rest);
    let rest = trim_start(rest.strip_prefix(b"=")?);
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.iter().position(|b| *b == quote)?;
    Some(&value[..close])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

/// Byte offset → 1-based line number.
pub(crate) struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        Lines {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}
