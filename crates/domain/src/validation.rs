//! Turning what a resident typed into a message we can store ("parse, don't
//! validate"). Errors name the field and carry a stable code; the web layer
//! translates them.

use serde::Serialize;

pub const TEXT_MIN_CHARS: usize = 10;
/// Open311 caps a description at 4000 characters; so do we.
pub const TEXT_MAX_CHARS: usize = 4000;
pub const ADDRESS_MAX_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooShort,
    TooLong,
    NotANumber,
    OutOfRange,
    UnknownTopic,
    InactiveTopic,
    OutsideRegion,
    UnknownTerritory,
    ControlCharacters,
    WrongType,
    UnknownValue,
    /// Not in the form the field takes (a URL, a date and time).
    InvalidFormat,
    /// A time later than now.
    InFuture,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooShort => "too_short",
            ErrorCode::TooLong => "too_long",
            ErrorCode::NotANumber => "not_a_number",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::UnknownTopic => "unknown_topic",
            ErrorCode::InactiveTopic => "inactive_topic",
            ErrorCode::OutsideRegion => "outside_region",
            ErrorCode::UnknownTerritory => "unknown_territory",
            ErrorCode::ControlCharacters => "control_characters",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::InvalidFormat => "invalid_format",
            ErrorCode::InFuture => "in_future",
        }
    }
}

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: ErrorCode,
    /// The limit the value broke, where there is one (a length, a range bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl FieldError {
    pub fn new(field: &'static str, code: ErrorCode) -> Self {
        Self {
            field,
            code,
            limit: None,
        }
    }

    pub fn with_limit(field: &'static str, code: ErrorCode, limit: i64) -> Self {
        Self {
            field,
            code,
            limit: Some(limit),
        }
    }
}

/// A message as submitted, before any check. Numbers arrive as text from forms.
#[derive(Debug, Clone, Default)]
pub struct MessageInput {
    pub topic_id: Option<String>,
    pub text: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub address: Option<String>,
    /// A territory chosen instead of coordinates (forms without a map).
    pub territory_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    Point(Point),
    Territory(i64),
}

/// A message whose fields are well-formed; whether the topic exists and the
/// point lies in the region is checked against the database at intake.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMessage {
    pub topic_id: i64,
    pub text: String,
    pub place: Place,
    pub address: Option<String>,
}

pub fn validate_message(input: &MessageInput) -> Result<ValidMessage, Vec<FieldError>> {
    let mut errors = Vec::new();
    let topic_id = match non_empty(input.topic_id.as_deref()) {
        None => {
            errors.push(FieldError::new("topic_id", ErrorCode::Required));
            None
        }
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError::new("topic_id", ErrorCode::UnknownTopic));
                None
            }
        },
    };
    let text = check_text(input.text.as_deref(), &mut errors);
    let address = check_address(input.address.as_deref(), &mut errors);
    let place = check_place(input, &mut errors);
    match (topic_id, text, place) {
        (Some(topic_id), Some(text), Some(place)) if errors.is_empty() => Ok(ValidMessage {
            topic_id,
            text,
            place,
            address,
        }),
        _ => Err(errors),
    }
}

pub(crate) fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Collapses runs of spaces within lines and trims; keeps paragraph breaks.
pub(crate) fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut out = String::new();
    let mut blank_run = 0;
    for line in lines {
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    out
}

pub(crate) fn has_control_chars(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

fn check_text(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let Some(raw) = non_empty(raw) else {
        errors.push(FieldError::new("text", ErrorCode::Required));
        return None;
    };
    if has_control_chars(raw) {
        errors.push(FieldError::new("text", ErrorCode::ControlCharacters));
        return None;
    }
    let text = tidy(raw);
    let chars = text.chars().count();
    if chars < TEXT_MIN_CHARS {
        errors.push(FieldError::with_limit(
            "text",
            ErrorCode::TooShort,
            TEXT_MIN_CHARS as i64,
        ));
        None
    } else if chars > TEXT_MAX_CHARS {
        errors.push(FieldError::with_limit(
            "text",
            ErrorCode::TooLong,
            TEXT_MAX_CHARS as i64,
        ));
        None
    } else {
        Some(text)
    }
}

fn check_address(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let raw = non_empty(raw)?;
    if has_control_chars(raw) || raw.contains('\n') {
        errors.push(FieldError::new("address", ErrorCode::ControlCharacters));
        return None;
    }
    let address = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if address.chars().count() > ADDRESS_MAX_CHARS {
        errors.push(FieldError::with_limit(
            "address",
            ErrorCode::TooLong,
            ADDRESS_MAX_CHARS as i64,
        ));
        return None;
    }
    Some(address)
}

pub(crate) fn parse_coordinate(
    field: &'static str,
    raw: Option<&str>,
    bound: f64,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let raw = non_empty(raw)?;
    // Russian keyboards type a decimal comma.
    match raw.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= bound => Some(v),
        Ok(_) => {
            errors.push(FieldError::with_limit(
                field,
                ErrorCode::OutOfRange,
                bound as i64,
            ));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(field, ErrorCode::NotANumber));
            None
        }
    }
}

fn check_place(input: &MessageInput, errors: &mut Vec<FieldError>) -> Option<Place> {
    let has_lat = non_empty(input.lat.as_deref()).is_some();
    let has_lon = non_empty(input.lon.as_deref()).is_some();
    if has_lat || has_lon {
        let before = errors.len();
        let lat = parse_coordinate("lat", input.lat.as_deref(), 90.0, errors);
        let lon = parse_coordinate("lon", input.lon.as_deref(), 180.0, errors);
        if !has_lat {
            errors.push(FieldError::new("lat", ErrorCode::Required));
        }
        if !has_lon {
            errors.push(FieldError::new("lon", ErrorCode::Required));
        }
        return match (lat, lon) {
            (Some(lat), Some(lon)) if errors.len() == before => {
                Some(Place::Point(Point { lat, lon }))
            }
            _ => None,
        };
    }
    let Some(raw) = non_empty(input.territory_id.as_deref()) else {
        errors.push(FieldError::new("location", ErrorCode::Required));
        return None;
    };
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(Place::Territory(id)),
        _ => {
            errors.push(FieldError::new("territory_id", ErrorCode::UnknownTerritory));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(topic: &str, text: &str, lat: &str, lon: &str) -> MessageInput {
        MessageInput {
            topic_id: Some(topic.into()),
            text: Some(text.into()),
            lat: Some(lat.into()),
            lon: Some(lon.into()),
            address: None,
            territory_id: None,
        }
    }

    fn codes(result: Result<ValidMessage, Vec<FieldError>>) -> Vec<(&'static str, ErrorCode)> {
        result
            .expect_err("refused")
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_message_is_tidied() {
        let valid = validate_message(&MessageInput {
            address: Some("  ул.   Садовая,  д. 1 ".into()),
            ..input(
                "7",
                "  Яма   на дороге\r\n\r\n\r\nуже месяц  ",
                "56,4",
                " 43.1 ",
            )
        })
        .unwrap();
        assert_eq!(valid.topic_id, 7);
        assert_eq!(valid.text, "Яма на дороге\n\nуже месяц");
        assert_eq!(
            valid.place,
            Place::Point(Point {
                lat: 56.4,
                lon: 43.1
            })
        );
        assert_eq!(valid.address.as_deref(), Some("ул. Садовая, д. 1"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        assert_eq!(
            codes(validate_message(&MessageInput::default())),
            [
                ("topic_id", ErrorCode::Required),
                ("text", ErrorCode::Required),
                ("location", ErrorCode::Required),
            ]
        );
        assert_eq!(
            codes(validate_message(&input("x", "коротко", "91", "abc"))),
            [
                ("topic_id", ErrorCode::UnknownTopic),
                ("text", ErrorCode::TooShort),
                ("lat", ErrorCode::OutOfRange),
                ("lon", ErrorCode::NotANumber),
            ]
        );
        assert_eq!(
            codes(validate_message(&input(
                "1",
                "достаточно длинный текст",
                "56",
                ""
            ))),
            [("lon", ErrorCode::Required)]
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let at_limit = "ж".repeat(TEXT_MAX_CHARS);
        assert!(validate_message(&input("1", &at_limit, "56", "43")).is_ok());
        let over = "ж".repeat(TEXT_MAX_CHARS + 1);
        let errors = validate_message(&input("1", &over, "56", "43")).unwrap_err();
        assert_eq!(errors[0].limit, Some(4000));
        assert_eq!(
            codes(validate_message(&input(
                "1",
                "ничего\u{0}такого",
                "56",
                "43"
            ))),
            [("text", ErrorCode::ControlCharacters)]
        );
    }

    #[test]
    fn a_territory_may_stand_in_for_coordinates() {
        let valid = validate_message(&MessageInput {
            territory_id: Some("12".into()),
            ..input("1", "текст про двор", "", "")
        });
        assert_eq!(valid.unwrap().place, Place::Territory(12));
        let bad = validate_message(&MessageInput {
            territory_id: Some("-1".into()),
            ..input("1", "текст про двор", "", "")
        });
        assert_eq!(codes(bad), [("territory_id", ErrorCode::UnknownTerritory)]);
    }
}

/// Why a password or an e-mail address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountError {
    EmailInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordIsEmail,
}

/// Passwords: long rather than clever (NIST SP 800-63B): 10 to 128
/// characters, not the e-mail address itself.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

pub fn check_password(password: &str, email: &str) -> Result<(), AccountError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        Err(AccountError::PasswordTooShort)
    } else if length > PASSWORD_MAX {
        Err(AccountError::PasswordTooLong)
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Err(AccountError::PasswordIsEmail)
    } else {
        Ok(())
    }
}

/// A plausible e-mail address, lower-cased; the confirmation link proves the rest.
pub fn normalise_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(AccountError::EmailInvalid)
    }
}

#[cfg(test)]
mod account_tests {
    use super::*;

    #[test]
    fn passwords_and_addresses() {
        assert_eq!(
            check_password("short", "a@b.ru"),
            Err(AccountError::PasswordTooShort)
        );
        assert_eq!(
            check_password("a@b.example", "A@B.example"),
            Err(AccountError::PasswordIsEmail)
        );
        assert!(check_password("длинный пароль", "a@b.ru").is_ok());
        assert_eq!(
            normalise_email(" Maria@Example.ORG ").as_deref(),
            Ok("maria@example.org")
        );
        for bad in [
            "",
            "maria",
            "maria@",
            "@example.org",
            "ma ria@example.org",
            "m@localhost",
        ] {
            assert_eq!(
                normalise_email(bad),
                Err(AccountError::EmailInvalid),
                "{bad}"
            );
        }
    }
}
