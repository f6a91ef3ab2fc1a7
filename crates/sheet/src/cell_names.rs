//! How Excel names cells (单元格名称): column letters `A` … `XFD` and
//! references like `B3`, shared by reading, layouts and the errors that
//! name a cell.

/// `A` for column 0, `Z` 25, `AA` 26, as Excel names columns.
pub fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The 0-based column of letters `A`, `AB`, …; `None` when not 1–3 letters.
pub fn column_index(letters: &str) -> Option<u32> {
    let l = letters.trim();
    if l.is_empty() || l.len() > 3 || !l.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in l.bytes() {
        n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    Some(n - 1)
}

/// `B3` as (row 3, column 1); `None` when not a cell reference.
pub fn cell_ref(reference: &str) -> Option<(u32, u32)> {
    let r = reference.trim();
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let col = column_index(letters)?;
    let row: u32 = digits.parse().ok().filter(|n| *n >= 1)?;
    Some((row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        for c in [0, 25, 26, 51, 701, 702, 16383] {
            assert_eq!(column_index(&column_letter(c)), Some(c));
        }
        assert_eq!(column_index("b"), Some(1));
        assert_eq!(column_index("HS编码"), None);
        assert_eq!(cell_ref("B3"), Some((3, 1)));
        assert_eq!(cell_ref("B0"), None);
        assert_eq!(cell_ref("3B"), None);
    }
}
