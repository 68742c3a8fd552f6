//! Per-client rate limits on intake and sign-in, so that one client cannot
//! flood the moderators or guess passwords at speed. Counted per app node
//! (GCRA buckets in memory); the account lockout in the database covers
//! password guessing across nodes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many requests of each kind one client address, and one account (an
/// e-mail address tried, a resident, an API key), may make; bursts up to the
/// same number.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub intake_per_minute: u32,
    pub intake_per_account_per_hour: u32,
    pub login_per_minute: u32,
    pub login_per_account_per_minute: u32,
    pub signup_per_hour: u32,
    pub reset_per_hour: u32,
    pub reset_per_account_per_hour: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            intake_per_minute: 20,
            intake_per_account_per_hour: 60,
            login_per_minute: 10,
            login_per_account_per_minute: 5,
            signup_per_hour: 10,
            reset_per_hour: 10,
            reset_per_account_per_hour: 3,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Bucket {
    Intake,
    Login,
    Signup,
    Reset,
}

/// Buckets beyond this many clients are pruned of idle ones.
const PRUNE_ABOVE: usize = 10_000;

type Keyed<K> = DefaultKeyedRateLimiter<K>;

pub struct Limiters {
    intake: (Keyed<IpAddr>, Keyed<String>),
    login: (Keyed<IpAddr>, Keyed<String>),
    signup: Keyed<IpAddr>,
    reset: (Keyed<IpAddr>, Keyed<String>),
}

fn quota(n: u32, per_hour: bool) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    if per_hour {
        Quota::per_hour(n)
    } else {
        Quota::per_minute(n)
    }
}

fn take<K: std::hash::Hash + Eq + Clone>(limiter: &Keyed<K>, key: &K) -> Result<(), Duration> {
    if limiter.len() > PRUNE_ABOVE {
        limiter.retain_recent();
    }
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

impl Limiters {
    pub fn new(l: RateLimits) -> Self {
        Self {
            intake: (
                RateLimiter::keyed(quota(l.intake_per_minute, false)),
                RateLimiter::keyed(quota(l.intake_per_account_per_hour, true)),
            ),
            login: (
                RateLimiter::keyed(quota(l.login_per_minute, false)),
                RateLimiter::keyed(quota(l.login_per_account_per_minute, false)),
            ),
            signup: RateLimiter::keyed(quota(l.signup_per_hour, true)),
            reset: (
                RateLimiter::keyed(quota(l.reset_per_hour, true)),
                RateLimiter::keyed(quota(l.reset_per_account_per_hour, true)),
            ),
        }
    }

    /// Takes one request from the client address's bucket, or says how long to wait.
    pub fn check(&self, bucket: Bucket, client: &ClientIp) -> Result<(), Duration> {
        let limiter = match bucket {
            Bucket::Intake => &self.intake.0,
            Bucket::Login => &self.login.0,
            Bucket::Signup => &self.signup,
            Bucket::Reset => &self.reset.0,
        };
        take(limiter, &client.0)
    }

    /// Takes one request from an account's bucket (`account` names it: an
    /// e-mail address, `user:ID`, `key:ID`). Sign-up has none: there is no
    /// account yet, and the address is unique anyway.
    /// An empty name (an anonymous caller) has no account bucket.
    pub fn check_account(&self, bucket: Bucket, account: &str) -> Result<(), Duration> {
        if account.is_empty() {
            return Ok(());
        }
        let limiter = match bucket {
            Bucket::Intake => &self.intake.1,
            Bucket::Login => &self.login.1,
            Bucket::Reset => &self.reset.1,
            Bucket::Signup => return Ok(()),
        };
        take(limiter, &account.trim().to_lowercase())
    }
}

/// The client's address: the TCP peer, or — when the peer is one of the
/// configured reverse proxies — the last address in `X-Forwarded-For` that is
/// not a trusted proxy (earlier entries are whatever the client claimed).
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
        if !trusted.contains(&peer) {
            return peer;
        }
        forwarded_for
            .into_iter()
            .flat_map(|h| h.rsplit(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer)
    }
}

impl FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientIp(Self::resolve(
            peer,
            forwarded,
            &state.settings().trusted_proxies,
        )))
    }
}

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Whole seconds to wait, as `Retry-After` wants them.
pub fn retry_after_secs(wait: Duration) -> u32 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(seconds).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let chain = Some("203.0.113.9, 198.51.100.7, 10.0.0.1");
        assert_eq!(
            ClientIp::resolve(proxy, chain, &[proxy]),
            ip("198.51.100.7")
        );
        // A client that is not a proxy cannot pick its own address.
        assert_eq!(
            ClientIp::resolve(ip("192.0.2.5"), chain, &[proxy]),
            ip("192.0.2.5")
        );
        assert_eq!(ClientIp::resolve(proxy, None, &[proxy]), proxy);
    }
}
