//! The certificate number (证书号): 16 characters, form letter (1) + 2-digit
//! year + 9-character registration no. + 4-digit serial, e.g.
//! `E19470ZC41091001`. The number is what the official site and the printed
//! QR code identify a certificate by, so it is built and read in one place.

use std::fmt;

use super::OriginForm;

/// Length of a certificate number.
pub const CERTIFICATE_NUMBER_LEN: usize = 16;

/// Why a certificate number cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateNumberError {
    #[error("a certificate number has 16 characters, not {0}")]
    Length(usize),
    #[error("the form letter must be a capital letter")]
    FormLetter,
    #[error("the year must be 2 digits")]
    Year,
    #[error("the registration no. must be 9 capitals or digits")]
    RegistrationNo,
    #[error("the serial must be 4 digits (0001-9999)")]
    Serial,
}

/// A certificate number taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateNumber {
    /// First character. Other forms (G, B, F, P, N, S …) are read as well.
    pub letter: char,
    /// The modelled form of `letter`, if it is one.
    pub form: Option<OriginForm>,
    /// Last two digits of the year of issue.
    pub year2: u8,
    /// The issuing registration no. (9 capitals or digits).
    pub registration_no: String,
    pub serial: u16,
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:02}{}{:04}",
            self.letter, self.year2, self.registration_no, self.serial
        )
    }
}

fn is_upper_alnum(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// Builds the number of certificate `serial` (1-9999) of `form`, issued in
/// `year` (any 4-digit year; its last two digits are used) under the
/// 9-character `registration_no`.
pub fn certificate_number(
    form: OriginForm,
    year: i32,
    registration_no: &str,
    serial: u16,
) -> Result<String, CertificateNumberError> {
    if !(0..=9999).contains(&year) {
        return Err(CertificateNumberError::Year);
    }
    if registration_no.len() != 9 || !is_upper_alnum(registration_no) {
        return Err(CertificateNumberError::RegistrationNo);
    }
    if !(1..=9999).contains(&serial) {
        return Err(CertificateNumberError::Serial);
    }
    Ok(CertificateNumber {
        letter: form.letter(),
        form: Some(form),
        year2: (year % 100) as u8,
        registration_no: registration_no.to_owned(),
        serial,
    }
    .to_string())
}

/// Reads a certificate number, strictly: exactly 16 characters, no
/// trimming, capitals only (a lower-case `e` is a typing slip the clerk
/// should see, not silently accept).
pub fn parse_certificate_number(s: &str) -> Result<CertificateNumber, CertificateNumberError> {
    let n = s.chars().count();
    if n != CERTIFICATE_NUMBER_LEN || !s.is_ascii() {
        return Err(CertificateNumberError::Length(n));
    }
    let letter = s.as_bytes()[0] as char;
    if !letter.is_ascii_uppercase() {
        return Err(CertificateNumberError::FormLetter);
    }
    let (year, reg, serial) = (&s[1..3], &s[3..12], &s[12..]);
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CertificateNumberError::Year);
    }
    if !is_upper_alnum(reg) {
        return Err(CertificateNumberError::RegistrationNo);
    }
    let serial: u16 = match serial.parse() {
        Ok(v) if serial.bytes().all(|b| b.is_ascii_digit()) && v > 0 => v,
        _ => return Err(CertificateNumberError::Serial),
    };
    Ok(CertificateNumber {
        letter,
        form: OriginForm::from_letter(letter),
        year2: year.parse().map_err(|_| CertificateNumberError::Year)?,
        registration_no: reg.to_owned(),
        serial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_example() {
        assert_eq!(
            certificate_number(OriginForm::E, 2019, "470ZC4109", 1001).unwrap(),
            "E19470ZC41091001"
        );
        assert_eq!(
            certificate_number(OriginForm::R, 2026, "210200001", 7).unwrap(),
            "R262102000010007"
        );
        assert_eq!(
            certificate_number(OriginForm::C, 2005, "ABCDEFGH1", 9999).unwrap(),
            "C05ABCDEFGH19999"
        );
    }

    #[test]
    fn rejects_bad_parts() {
        use CertificateNumberError as E;
        assert_eq!(
            certificate_number(OriginForm::E, 2019, "470ZC410", 1),
            Err(E::RegistrationNo)
        );
        assert_eq!(
            certificate_number(OriginForm::E, 2019, "470zc4109", 1),
            Err(E::RegistrationNo)
        );
        assert_eq!(
            certificate_number(OriginForm::E, 2019, "470ZC4109", 0),
            Err(E::Serial)
        );
        assert_eq!(
            certificate_number(OriginForm::E, 2019, "470ZC4109", 10000),
            Err(E::Serial)
        );
        assert_eq!(
            certificate_number(OriginForm::E, -1, "470ZC4109", 1),
            Err(E::Year)
        );
    }

    #[test]
    fn parses_and_round_trips() {
        let n = parse_certificate_number("E19470ZC41091001").unwrap();
        assert_eq!(n.letter, 'E');
        assert_eq!(n.form, Some(OriginForm::E));
        assert_eq!(n.year2, 19);
        assert_eq!(n.registration_no, "470ZC4109");
        assert_eq!(n.serial, 1001);
        assert_eq!(n.to_string(), "E19470ZC41091001");
        // Another form's letter is read, but is not a modelled form.
        assert_eq!(
            parse_certificate_number("G19470ZC41091001").unwrap().form,
            None
        );
    }

    #[test]
    fn parse_rejects_malformed_numbers() {
        use CertificateNumberError as E;
        for (s, e) in [
            ("E19470ZC4109100", E::Length(15)),
            ("E19470ZC410910011", E::Length(17)),
            ("E19470ZC41091 01", E::Serial),
            ("e19470ZC41091001", E::FormLetter),
            ("E1A470ZC41091001", E::Year),
            ("E19470zC41091001", E::RegistrationNo),
            ("E19470ZC4109000A", E::Serial),
            ("E19470ZC41090000", E::Serial),
            ("E19470ZC4109１001", E::Length(16)),
        ] {
            assert_eq!(parse_certificate_number(s), Err(e), "{s}");
        }
    }
}
