//! Check characters: the unified social credit code (统一社会信用代码, GB
//! 32100) and the ISO 6346 container number (集装箱号).
//!
//! Both are checked locally because the Single Window rejects a filing for a
//! mistyped code only after a round trip; catching it beside the field is the
//! point of the client. The functions are strict: upper-case only, exact
//! length, no trimming. Whoever wants to be lenient normalises first.

/// The 31 characters of a credit code (GB 32100): digits and capitals
/// without I, O, S, V and Z, which are too easily confused.
pub const SCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters of a credit code (3ⁱ mod 31).
const SCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Length of a unified social credit code.
pub const SCC_LEN: usize = 18;

/// Value of one credit-code character, `None` outside the alphabet.
fn scc_value(c: char) -> Option<u32> {
    SCC_ALPHABET.find(c).map(|i| i as u32)
}

/// The check character (position 18) of a credit code whose first 17
/// characters are `first17`; `None` when it is not 17 alphabet characters.
pub fn scc_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != SCC_LEN - 1 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(SCC_WEIGHTS) {
        sum += scc_value(c)? * w;
    }
    let idx = (31 - sum % 31) % 31;
    SCC_ALPHABET.chars().nth(idx as usize)
}

/// Whether `code` is an 18-character credit code with a correct check character.
pub fn is_valid_scc(code: &str) -> bool {
    if code.chars().count() != SCC_LEN {
        return false;
    }
    let (body, check) = code.split_at(code.char_indices().nth(SCC_LEN - 1).map_or(0, |(i, _)| i));
    scc_check_char(body).is_some_and(|c| check.chars().eq(std::iter::once(c)))
}

/// Length of an ISO 6346 container number: owner code (3 letters), category
/// (1 letter), serial (6 digits), check digit.
pub const CONTAINER_NO_LEN: usize = 11;

/// ISO 6346 value of a capital letter: A = 10 upwards, skipping 11, 22 and
/// 33 (multiples of 11 would make some errors undetectable).
fn container_letter_value(c: char) -> Option<u32> {
    if !c.is_ascii_uppercase() {
        return None;
    }
    let mut v = 10;
    for l in 'A'..c {
        let _ = l;
        v += 1;
        if v % 11 == 0 {
            v += 1;
        }
    }
    Some(v)
}

/// The check digit of a container number whose first ten characters are
/// `first10` (4 capitals, 6 digits); `None` when it has another shape.
pub fn container_check_digit(first10: &str) -> Option<u32> {
    let chars: Vec<char> = first10.chars().collect();
    if chars.len() != CONTAINER_NO_LEN - 1 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in chars.iter().enumerate() {
        let v = if i < 4 {
            container_letter_value(c)?
        } else {
            c.to_digit(10)?
        };
        sum += v << i;
    }
    Some(sum % 11 % 10)
}

/// Whether `no` is an 11-character container number with a correct check digit.
pub fn is_valid_container_no(no: &str) -> bool {
    let chars: Vec<char> = no.chars().collect();
    if chars.len() != CONTAINER_NO_LEN {
        return false;
    }
    let first10: String = chars[..10].iter().collect();
    match (container_check_digit(&first10), chars[10].to_digit(10)) {
        (Some(expected), Some(given)) => expected == given,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        let v = |c| container_letter_value(c).unwrap();
        assert_eq!(v('A'), 10);
        assert_eq!(v('B'), 12);
        assert_eq!(v('K'), 21);
        assert_eq!(v('L'), 23);
        assert_eq!(v('U'), 32);
        assert_eq!(v('V'), 34);
        assert_eq!(v('Z'), 38);
        assert_eq!(container_letter_value('a'), None);
    }

    #[test]
    fn known_good_container_numbers() {
        // CSQU3054383 is the example of ISO 6346 itself.
        for no in [
            "CSQU3054383",
            "MSKU9070323",
            "TGHU1234567",
            "COSU1234560",
            "CBHU8123451",
        ] {
            assert!(is_valid_container_no(no), "{no}");
        }
        assert_eq!(container_check_digit("CSQU305438"), Some(3));
    }

    #[test]
    fn known_bad_container_numbers() {
        for no in [
            "CSQU3054384", // wrong check digit
            "CSQU3054883", // one digit changed
            "CSQV3054383", // one letter changed
            "CSQU305438",  // too short
            "CSQU30543830",
            "csqu3054383", // lower case is not accepted
            "CSQ03054383",
            "CSQU30543A3",
            "",
        ] {
            assert!(!is_valid_container_no(no), "{no}");
        }
    }

    #[test]
    fn known_good_credit_codes() {
        assert!(is_valid_scc("91350100M000100Y43"));
        assert_eq!(scc_check_char("91350100M000100Y4"), Some('3'));
        for code in [
            "91210200MA0QC4L18M",
            "91210200241280379U",
            "91210231MA10XB2P32",
        ] {
            assert!(is_valid_scc(code), "{code}");
        }
    }

    #[test]
    fn known_bad_credit_codes() {
        for code in [
            "91350100M000100Y44", // wrong check char
            "91350100M000101Y43", // one char changed
            "91350100M000100Y4",  // too short
            "91350100M000100Y433",
            "91350100m000100Y43", // lower case
            "91350100I000100Y43", // I is not in the alphabet
            "91350100O000100Y43",
            "91350100S000100Y43",
            "91350100V000100Y43",
            "91350100Z000100Y43",
            "",
        ] {
            assert!(!is_valid_scc(code), "{code}");
        }
        assert_eq!(scc_check_char("91350100I000100Y4"), None);
        assert_eq!(scc_check_char("913501"), None);
    }

    #[test]
    fn check_char_never_uses_forbidden_letters() {
        for body in [
            "91210200MA0QC4L18",
            "12100000400012345",
            "00000000000000000",
        ] {
            let c = scc_check_char(body).unwrap();
            assert!(SCC_ALPHABET.contains(c));
        }
        assert_eq!(scc_check_char("00000000000000000"), Some('0'));
    }
}
