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

/// Requests per minute per client address; bursts up to the same number.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub intake_per_minute: u32,
    pub login_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            intake_per_minute: 20,
            login_per_minute: 10,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Bucket {
    Intake,
    Login,
}

/// Buckets beyond this many clients are pruned of idle ones.
const PRUNE_ABOVE: usize = 10_000;

pub struct Limiters {
    intake: DefaultKeyedRateLimiter<IpAddr>,
    login: DefaultKeyedRateLimiter<IpAddr>,
}

fn keyed(per_minute: u32) -> DefaultKeyedRateLimiter<IpAddr> {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
    ))
}

impl Limiters {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            intake: keyed(limits.intake_per_minute),
            login: keyed(limits.login_per_minute),
        }
    }

    /// Takes one request from the client's bucket, or says how long to wait.
    pub fn check(&self, bucket: Bucket, client: &ClientIp) -> Result<(), Duration> {
        let limiter = match bucket {
            Bucket::Intake => &self.intake,
            Bucket::Login => &self.login,
        };
        if limiter.len() > PRUNE_ABOVE {
            limiter.retain_recent();
        }
        limiter
            .check_key(&client.0)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The client's address: the TCP peer. (Behind a reverse proxy every client
/// shares the proxy's address; per-proxy header trust comes with deployment docs.)
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// Whole seconds to wait, as `Retry-After` wants them.
pub fn retry_after_secs(wait: Duration) -> u32 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(seconds).unwrap_or(u32::MAX)
}
