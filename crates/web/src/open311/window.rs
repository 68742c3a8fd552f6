//! The time window and the page of Open311's lists: at most 90 days (the
//! last 90 when no dates are given) and pages of at most 1000 records.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// The longest window a list may span.
const MAX_DAYS: i64 = 90;
/// The most records in one response.
pub(super) const MAX_PAGE_SIZE: i64 = 1000;

/// From when to when, in UTC.
pub(super) type Span = (DateTime<Utc>, DateTime<Utc>);

/// Why a window or a page cannot be used: the Fluent id of the error.
pub(super) type Refusal = &'static str;

/// A moment as clients write it: RFC 3339, or a date or local time read in
/// the region's time zone.
fn moment(raw: &str, tz: chrono_tz::Tz, bad: Refusal) -> Result<DateTime<Utc>, Refusal> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .map_err(|_| bad)?;
    local
        .and_local_timezone(tz)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or(bad)
}

/// From `start_date` and `end_date`, either of them optional.
pub(super) fn window(
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<Span, Refusal> {
    fn given(raw: Option<&str>) -> Option<&str> {
        raw.map(str::trim).filter(|r| !r.is_empty())
    }
    let start = given(start)
        .map(|r| moment(r, tz, "open311-bad-start-date"))
        .transpose()?;
    let end = given(end)
        .map(|r| moment(r, tz, "open311-bad-end-date"))
        .transpose()?;
    let span = Duration::days(MAX_DAYS);
    let (since, until) = match (start, end) {
        (None, None) => (now - span, now),
        (Some(since), None) => (since, since + span),
        (None, Some(until)) => (until - span, until),
        (Some(since), Some(until)) => (since, until),
    };
    if until < since {
        return Err("open311-window-reversed");
    }
    if until - since > span {
        return Err("open311-window-too-long");
    }
    Ok((since, until))
}

/// `page` (from 1) and `page_size` (up to 1000, which is also the default)
/// as an offset and a limit.
pub(super) fn page(page: Option<&str>, size: Option<&str>) -> Result<(i64, i64), Refusal> {
    let number =
        |raw: Option<&str>, default: i64| match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => Ok(default),
            Some(r) => r.parse::<i64>().map_err(|_| "open311-bad-page"),
        };
    let page = number(page, 1)?;
    let size = number(size, MAX_PAGE_SIZE)?;
    if page < 1 || !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err("open311-bad-page");
    }
    Ok(((page - 1).saturating_mul(size), size))
}

/// The window and the page a list asks for, as [`window`] and [`page`] read them.
pub(super) fn bounds(
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    (start, end): (Option<&str>, Option<&str>),
    (number, size): (Option<&str>, Option<&str>),
) -> Result<(Span, (i64, i64)), Refusal> {
    Ok((window(now, tz, start, end)?, page(number, size)?))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const TZ: chrono_tz::Tz = chrono_tz::Europe::Moscow;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 16, 6, 0, 0).unwrap()
    }

    #[test]
    fn the_last_ninety_days_by_default() {
        let (since, until) = window(now(), TZ, None, None).unwrap();
        assert_eq!(until, now());
        assert_eq!(until - since, Duration::days(90));
    }

    #[test]
    fn dates_in_several_spellings() {
        let (since, until) =
            window(now(), TZ, Some("2026-01-01T00:00:00Z"), Some("2026-02-01")).unwrap();
        assert_eq!(since, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        // A bare date is midnight in the region (UTC+3).
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 1, 31, 21, 0, 0).unwrap());
        let (since, _) = window(now(), TZ, Some("2026-01-01T12:00:00+05:00"), None).unwrap();
        assert_eq!(since, Utc.with_ymd_and_hms(2026, 1, 1, 7, 0, 0).unwrap());
    }

    #[test]
    fn windows_that_cannot_be_used() {
        assert_eq!(
            window(now(), TZ, Some("2025-01-01"), Some("2026-01-01")),
            Err("open311-window-too-long")
        );
        assert_eq!(
            window(now(), TZ, Some("2026-02-01"), Some("2026-01-01")),
            Err("open311-window-reversed")
        );
        assert_eq!(
            window(now(), TZ, Some("yesterday"), None),
            Err("open311-bad-start-date")
        );
        assert_eq!(
            window(now(), TZ, None, Some("2026-13-01")),
            Err("open311-bad-end-date")
        );
    }

    #[test]
    fn pages() {
        assert_eq!(page(None, None), Ok((0, 1000)));
        assert_eq!(page(Some("3"), Some("20")), Ok((40, 20)));
        assert_eq!(page(Some("0"), None), Err("open311-bad-page"));
        assert_eq!(page(None, Some("1001")), Err("open311-bad-page"));
        assert_eq!(page(Some("x"), None), Err("open311-bad-page"));
    }
}
