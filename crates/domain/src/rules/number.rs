//! Decimal text → [`Decimal`], with the digit limits of the message
//! specification. Money and weights are never floats: a float cannot hold
//! `0.1` and the customs compare totals to the cent.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Why a text is not an acceptable decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("not a plain decimal number")]
    NotANumber,
    #[error("more than {0} digits before the decimal point")]
    TooManyIntegerDigits(usize),
    #[error("more than {0} digits after the decimal point")]
    TooManyFractionDigits(usize),
}

/// Parses a plain non-negative decimal (`123`, `0.5`, `12.50`) with at
/// most `max_int_digits` significant digits before the point and
/// `max_frac_digits` after it. No sign, exponent, grouping or bare point
/// (`.5`, `5.`): the customs message accepts none of them, so the clerk
/// should see it here rather than in a rejection.
pub fn parse_decimal(
    text: &str,
    max_int_digits: usize,
    max_frac_digits: usize,
) -> Result<Decimal, DecimalError> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(DecimalError::NotANumber);
    }
    if int.trim_start_matches('0').len() > max_int_digits {
        return Err(DecimalError::TooManyIntegerDigits(max_int_digits));
    }
    if frac.map_or(0, str::len) > max_frac_digits {
        return Err(DecimalError::TooManyFractionDigits(max_frac_digits));
    }
    // Within 28 significant digits (the limits used are at most 15 + 5) the
    // exact parse cannot fail; map any failure to "not a number" anyway.
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_str(text))
        .map_err(|_| DecimalError::NotANumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn accepts_plain_decimals() {
        assert_eq!(parse_decimal("123", 14, 5), Ok(d("123")));
        assert_eq!(parse_decimal("0.5", 14, 5), Ok(d("0.5")));
        assert_eq!(parse_decimal("12.50000", 14, 5), Ok(d("12.5")));
        assert_eq!(parse_decimal("00012", 2, 0), Ok(d("12")));
        assert_eq!(
            parse_decimal("99999999999999.99999", 14, 5),
            Ok(d("99999999999999.99999"))
        );
    }

    #[test]
    fn rejects_other_shapes() {
        for s in [
            "", ".5", "5.", "-1", "+1", "1e3", "1,000", "12.5x", " 1", "1.2.3", "１２",
        ] {
            assert_eq!(
                parse_decimal(s, 14, 5),
                Err(DecimalError::NotANumber),
                "{s:?}"
            );
        }
    }

    #[test]
    fn enforces_digit_limits() {
        assert_eq!(
            parse_decimal("123", 2, 5),
            Err(DecimalError::TooManyIntegerDigits(2))
        );
        assert_eq!(
            parse_decimal("1.123456", 14, 5),
            Err(DecimalError::TooManyFractionDigits(5))
        );
        assert_eq!(
            parse_decimal("1.5", 14, 0),
            Err(DecimalError::TooManyFractionDigits(0))
        );
    }
}
