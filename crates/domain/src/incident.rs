//! Posts about problems found in social networks by monitoring tools: what a
//! tool may push, when two pushes are the same post, and keeping the post's
//! author (personal data) out of what becomes public.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use crate::validation::{
    ErrorCode, FieldError, Point, has_control_chars, non_empty, parse_coordinate, tidy,
};

pub const TEXT_MAX_CHARS: usize = 10_000;
pub const HANDLE_MAX_CHARS: usize = 200;
pub const URL_MAX_CHARS: usize = 2_000;
pub const MAX_PHOTOS: usize = 10;
/// Clocks of monitoring tools drift; a post a little "from the future" is fine.
const CLOCK_SKEW_MINUTES: i64 = 5;

/// Where an incident stands in the regional centre's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentStatus {
    /// Waiting for a moderator.
    New,
    /// Turned into a message.
    Converted,
    /// Not a problem for the platform, with a reason.
    Dismissed,
}

impl IncidentStatus {
    pub const ALL: [Self; 3] = [Self::New, Self::Converted, Self::Dismissed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Converted => "converted",
            Self::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A post as a tool pushed it, before any check.
#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    pub source: Option<String>,
    pub url: Option<String>,
    pub author_handle: Option<String>,
    pub text: Option<String>,
    pub posted_at: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidIncident {
    /// The network, lower case: `vk`, `telegram`, `ok`…
    pub source: String,
    /// The post's address, normalised (see [`normalise_url`]).
    pub url: String,
    pub author_handle: String,
    pub text: String,
    pub posted_at: DateTime<Utc>,
    pub point: Option<Point>,
    pub photos: Vec<String>,
}

static SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z][a-z0-9_-]{0,31}$")
        .unwrap_or_else(|_| unreachable!("the pattern is a literal"))
});

/// The one spelling of a post's address, so that a post pushed twice is
/// found again: scheme and host in lower case, default port and fragment
/// dropped. Only `http` and `https` addresses with a host are posts.
pub fn normalise_url(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    Some(url.to_string())
}

pub fn validate_incident(
    input: &IncidentInput,
    now: DateTime<Utc>,
) -> Result<ValidIncident, Vec<FieldError>> {
    let mut errors = Vec::new();
    let source = match non_empty(input.source.as_deref()).map(str::to_lowercase) {
        None => {
            errors.push(FieldError::new("source", ErrorCode::Required));
            None
        }
        Some(s) if SOURCE.is_match(&s) => Some(s),
        Some(_) => {
            errors.push(FieldError::new("source", ErrorCode::InvalidFormat));
            None
        }
    };
    let url = match non_empty(input.url.as_deref()) {
        None => {
            errors.push(FieldError::new("url", ErrorCode::Required));
            None
        }
        Some(raw) if raw.chars().count() > URL_MAX_CHARS => {
            errors.push(FieldError::with_limit(
                "url",
                ErrorCode::TooLong,
                URL_MAX_CHARS as i64,
            ));
            None
        }
        Some(raw) => {
            let normal = normalise_url(raw);
            if normal.is_none() {
                errors.push(FieldError::new("url", ErrorCode::InvalidFormat));
            }
            normal
        }
    };
    let author_handle = line("author_handle", input.author_handle.as_deref(), &mut errors);
    let text = post_text(input.text.as_deref(), &mut errors);
    let posted_at = posted_at(input.posted_at.as_deref(), now, &mut errors);
    let point = point(input, &mut errors);
    let photos = photos(&input.photos, &mut errors);
    match (source, url, author_handle, text, posted_at) {
        (Some(source), Some(url), Some(author_handle), Some(text), Some(posted_at))
            if errors.is_empty() =>
        {
            Ok(ValidIncident {
                source,
                url,
                author_handle,
                text,
                posted_at,
                point,
                photos,
            })
        }
        _ => Err(errors),
    }
}

/// A one-line value such as a handle.
fn line(field: &'static str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let Some(raw) = non_empty(raw) else {
        errors.push(FieldError::new(field, ErrorCode::Required));
        return None;
    };
    if has_control_chars(raw) || raw.contains('\n') {
        errors.push(FieldError::new(field, ErrorCode::ControlCharacters));
        return None;
    }
    if raw.chars().count() > HANDLE_MAX_CHARS {
        errors.push(FieldError::with_limit(
            field,
            ErrorCode::TooLong,
            HANDLE_MAX_CHARS as i64,
        ));
        return None;
    }
    Some(raw.to_owned())
}

fn post_text(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let Some(raw) = non_empty(raw) else {
        errors.push(FieldError::new("text", ErrorCode::Required));
        return None;
    };
    if has_control_chars(raw) {
        errors.push(FieldError::new("text", ErrorCode::ControlCharacters));
        return None;
    }
    let text = tidy(raw);
    if text.chars().count() > TEXT_MAX_CHARS {
        errors.push(FieldError::with_limit(
            "text",
            ErrorCode::TooLong,
            TEXT_MAX_CHARS as i64,
        ));
        return None;
    }
    Some(text)
}

/// ISO 8601 with a time zone (RFC 3339), not later than now.
fn posted_at(
    raw: Option<&str>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let Some(raw) = non_empty(raw) else {
        errors.push(FieldError::new("posted_at", ErrorCode::Required));
        return None;
    };
    let Ok(at) = DateTime::parse_from_rfc3339(raw) else {
        errors.push(FieldError::new("posted_at", ErrorCode::InvalidFormat));
        return None;
    };
    let at = at.with_timezone(&Utc);
    if at > now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES) {
        errors.push(FieldError::new("posted_at", ErrorCode::InFuture));
        return None;
    }
    Some(at)
}

/// Both coordinates or neither.
fn point(input: &IncidentInput, errors: &mut Vec<FieldError>) -> Option<Point> {
    let (raw_lat, raw_lon) = (
        non_empty(input.lat.as_deref()),
        non_empty(input.lon.as_deref()),
    );
    if raw_lat.is_none() && raw_lon.is_none() {
        return None;
    }
    let lat = parse_coordinate("lat", raw_lat, 90.0, errors);
    let lon = parse_coordinate("lon", raw_lon, 180.0, errors);
    for (field, raw) in [("lat", raw_lat), ("lon", raw_lon)] {
        if raw.is_none() {
            errors.push(FieldError::new(field, ErrorCode::Required));
        }
    }
    Some(Point {
        lat: lat?,
        lon: lon?,
    })
}

fn photos(raw: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if raw.len() > MAX_PHOTOS {
        errors.push(FieldError::with_limit(
            "photos",
            ErrorCode::TooLong,
            MAX_PHOTOS as i64,
        ));
        return Vec::new();
    }
    let normal: Option<Vec<String>> = raw
        .iter()
        .map(|p| {
            (p.chars().count() <= URL_MAX_CHARS)
                .then(|| normalise_url(p))
                .flatten()
        })
        .collect();
    normal.unwrap_or_else(|| {
        errors.push(FieldError::new("photos", ErrorCode::InvalidFormat));
        Vec::new()
    })
}

/// Occurrences of the author's handle in a text, with or without its `@`,
/// bordered by anything but letters, digits and `_`.
fn handle_pattern(handle: &str) -> Option<Regex> {
    let bare = handle.trim().trim_start_matches('@').trim();
    // One letter would match everywhere; such a handle names nobody.
    if bare.chars().count() < 2 {
        return None;
    }
    Regex::new(&format!(
        r"(?i)(^|[^\p{{L}}\p{{N}}_@])@?{}($|[^\p{{L}}\p{{N}}_])",
        regex::escape(bare)
    ))
    .ok()
}

/// Whether a text names the post's author by their handle.
pub fn names_author(text: &str, handle: &str) -> bool {
    handle_pattern(handle).is_some_and(|p| p.is_match(text))
}

/// The post's text with its author's handle taken out: what a moderator
/// starts the public message from.
pub fn without_author(text: &str, handle: &str) -> String {
    let Some(pattern) = handle_pattern(handle) else {
        return text.to_owned();
    };
    let mut out = text.to_owned();
    // Neighbouring occurrences share a border character: repeat until none is left.
    while pattern.is_match(&out) {
        out = pattern.replace_all(&out, "$1$2").into_owned();
    }
    tidy(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn good() -> IncidentInput {
        IncidentInput {
            source: Some("VK".into()),
            url: Some("HTTPS://VK.com:443/wall-1_2?x=1#reply".into()),
            author_handle: Some("@ivan_p".into()),
            text: Some("Яма   на Ленина".into()),
            posted_at: Some("2026-03-02T12:30:00+03:00".into()),
            ..IncidentInput::default()
        }
    }

    #[test]
    fn a_good_post_is_normalised() {
        let valid = validate_incident(&good(), now()).unwrap();
        assert_eq!(valid.source, "vk");
        assert_eq!(valid.url, "https://vk.com/wall-1_2?x=1");
        assert_eq!(valid.text, "Яма на Ленина");
        assert_eq!(valid.posted_at.to_rfc3339(), "2026-03-02T09:30:00+00:00");
        assert_eq!(valid.point, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = validate_incident(
            &IncidentInput {
                source: Some("в контакте".into()),
                url: Some("ftp://example.org/x".into()),
                posted_at: Some("вчера".into()),
                lat: Some("56".into()),
                photos: vec!["javascript:alert(1)".into()],
                ..IncidentInput::default()
            },
            now(),
        )
        .unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                ("source", ErrorCode::InvalidFormat),
                ("url", ErrorCode::InvalidFormat),
                ("author_handle", ErrorCode::Required),
                ("text", ErrorCode::Required),
                ("posted_at", ErrorCode::InvalidFormat),
                ("lon", ErrorCode::Required),
                ("photos", ErrorCode::InvalidFormat),
            ]
        );
        let future = validate_incident(
            &IncidentInput {
                posted_at: Some("2026-03-03T10:00:00Z".into()),
                ..good()
            },
            now(),
        )
        .unwrap_err();
        assert_eq!(future[0].code, ErrorCode::InFuture);
    }

    #[test]
    fn the_author_is_taken_out_of_the_text() {
        let text = "@Ivan_P пишет: яма у дома, ivan_p просит помочь. Not ivan_pp.";
        assert!(names_author(text, "@ivan_p"));
        assert_eq!(
            without_author(text, "@ivan_p"),
            "пишет: яма у дома, просит помочь. Not ivan_pp."
        );
        assert!(!names_author("яма у дома", "@ivan_p"));
        assert!(!names_author("a b c", "a"), "one letter names nobody");
    }
}
