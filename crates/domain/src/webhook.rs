//! Webhooks: which changes of a message are told to subscribers, where a
//! subscription may point, and when a failing one is switched off.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::status::MessageStatus;

/// What a delivery tells. Each recorded change of a message is at most one
/// of them, so a subscriber never hears of one change twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// A resident's message was taken in (it waits for moderation).
    Created,
    /// The message was routed or redirected to an organisation.
    Routed,
    /// Any other change of status (rejected, in progress, disputed, closed…).
    StatusChanged,
    /// The organisation answered (or declined to answer on the merits).
    Answered,
    /// The resident rated the answer.
    Rated,
    /// A test delivery an administrator asked for; never subscribed to.
    Ping,
}

impl Event {
    /// The events one can subscribe to, in the order forms show them.
    pub const SUBSCRIBABLE: [Self; 5] = [
        Self::Created,
        Self::Routed,
        Self::StatusChanged,
        Self::Answered,
        Self::Rated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "message.created",
            Self::Routed => "message.routed",
            Self::StatusChanged => "message.status_changed",
            Self::Answered => "message.answered",
            Self::Rated => "message.rated",
            Self::Ping => "ping",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([Self::Ping])
            .find(|e| e.as_str() == s)
    }

    /// The event a recorded change of a message is, if any: `action` is the
    /// name stored in the message's history.
    pub fn of_change(action: &str, from: Option<MessageStatus>, to: MessageStatus) -> Option<Self> {
        match action {
            "created" => Some(Self::Created),
            // The second half of taking a message in: told with `Created`.
            "send_to_moderation" => None,
            "route" | "redirect" | "mark_complaint" | "copy" => Some(Self::Routed),
            "answer" | "approve_answer" | "decline_on_merits" => Some(Self::Answered),
            "rate" => Some(Self::Rated),
            _ if from != Some(to) => Some(Self::StatusChanged),
            _ => None,
        }
    }
}

/// Which messages' events a subscription hears of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Messages assigned to its organisation.
    Organisation,
    /// ...and to the organisations below it.
    Subtree,
    /// Every message of the region, from its creation (platform subscriptions).
    Region,
}

impl Reach {
    pub const ALL: [Self; 3] = [Self::Organisation, Self::Subtree, Self::Region];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Subtree => "subtree",
            Self::Region => "region",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Why an address cannot receive webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not an absolute URL")]
    Invalid,
    #[error("only http and https")]
    Scheme,
    #[error("no user or password in the URL")]
    Credentials,
    #[error("longer than {MAX_URL} characters")]
    TooLong,
}

/// The longest URL accepted.
pub const MAX_URL: usize = 2000;

/// An address webhooks may be sent to: absolute http(s), with a host, without
/// credentials (they would show in lists and logs). Its normal form.
pub fn parse_target(input: &str) -> Result<url::Url, TargetError> {
    let input = input.trim();
    if input.chars().count() > MAX_URL {
        return Err(TargetError::TooLong);
    }
    let url = url::Url::parse(input).map_err(|_| TargetError::Invalid)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(TargetError::Invalid);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::Credentials);
    }
    Ok(url)
}

/// Whether an address is on the public internet. Deliveries to anything else
/// (loopback, private networks, link-local cloud metadata…) are refused unless
/// the operator allows them, so that a subscription cannot probe the
/// server's own network.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b))
                || a == 0)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local())
            }
        },
    }
}

/// Attempts at one delivery before it is given up (with the queue's backoff,
/// about an hour: 30 s, 1, 2, 4, 8, 16 and 32 min).
pub const MAX_ATTEMPTS: i32 = 8;
/// Consecutive failed attempts that, lasting a day, switch a subscription off.
pub const DISABLE_AFTER_FAILURES: i32 = 20;

/// How long failures must have lasted to switch a subscription off.
pub fn failing_for_disable() -> Duration {
    Duration::hours(24)
}

/// Whether a subscription is switched off: at least
/// [`DISABLE_AFTER_FAILURES`] attempts in a row failed and the first of them
/// is a day old. Both are needed: a busy organisation's burst of events during
/// a short outage fails many attempts in minutes, and one event a week never
/// piles up twenty.
pub fn should_disable(failures: i32, failing_since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    failures >= DISABLE_AFTER_FAILURES && now - failing_since >= failing_for_disable()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_at_most_one_event() {
        use MessageStatus as S;
        assert_eq!(
            Event::of_change("created", None, S::Submitted),
            Some(Event::Created)
        );
        assert_eq!(
            Event::of_change("send_to_moderation", Some(S::Submitted), S::Moderation),
            None
        );
        assert_eq!(
            Event::of_change("route", Some(S::Moderation), S::Routed),
            Some(Event::Routed)
        );
        assert_eq!(
            Event::of_change("redirect", Some(S::InProgress), S::Routed),
            Some(Event::Routed)
        );
        assert_eq!(
            Event::of_change("approve_answer", Some(S::InProgress), S::Answered),
            Some(Event::Answered)
        );
        assert_eq!(
            Event::of_change("rate", Some(S::Answered), S::Answered),
            Some(Event::Rated)
        );
        assert_eq!(
            Event::of_change("close", Some(S::Answered), S::Closed),
            Some(Event::StatusChanged)
        );
        assert_eq!(
            Event::of_change("extend", Some(S::InProgress), S::InProgress),
            None
        );
    }

    #[test]
    fn names_round_trip_and_ping_is_not_subscribable() {
        for e in Event::SUBSCRIBABLE {
            assert_eq!(Event::parse(e.as_str()), Some(e));
        }
        assert_eq!(Event::parse("ping"), Some(Event::Ping));
        assert!(!Event::SUBSCRIBABLE.contains(&Event::Ping));
        assert_eq!(Event::parse("message.deleted"), None);
    }

    #[test]
    fn targets_are_plain_http_addresses() {
        assert_eq!(
            parse_target(" https://hooks.example.org/vmeste?x=1 ")
                .unwrap()
                .as_str(),
            "https://hooks.example.org/vmeste?x=1"
        );
        assert_eq!(parse_target("ftp://example.org/"), Err(TargetError::Scheme));
        assert_eq!(
            parse_target("javascript:alert(1)"),
            Err(TargetError::Scheme)
        );
        assert_eq!(parse_target("hooks.example.org"), Err(TargetError::Invalid));
        assert_eq!(
            parse_target("https://user:pw@example.org/"),
            Err(TargetError::Credentials)
        );
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL));
        assert_eq!(parse_target(&long), Err(TargetError::TooLong));
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2a00:1450:4010:c0e::71"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn a_day_of_twenty_failures_switches_off() {
        let start = DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(!should_disable(100, start, start + Duration::hours(23)));
        assert!(!should_disable(19, start, start + Duration::days(3)));
        assert!(should_disable(20, start, start + Duration::hours(24)));
    }
}
