//! Sends queued webhook deliveries: a signed JSON POST with short timeouts,
//! no redirects followed and — unless the operator allows otherwise — only
//! to public internet addresses. Every attempt goes to the subscription's log;
//! a failure returns an error so that the queue retries it with backoff.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use vmeste_db::webhooks::{self, Delivery, NewAttempt};
use vmeste_db::{Db, jobs};
use vmeste_domain::clock::Clock;
use vmeste_domain::webhook::is_public;

use crate::worker::JobError;

/// A receiver gets this long to answer, body included.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The signature header's value: HMAC-SHA256 of `{timestamp}.{body}` keyed
/// with the subscription's secret, in hex (see docs/webhooks.md).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length; the error cannot happen.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!(
        "sha256={}",
        vmeste_db::secret::hex(&mac.finalize().into_bytes())
    )
}

/// Resolves names to public addresses only, so that a subscription cannot
/// reach into the server's own network by a name that points there.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(NOT_PUBLIC.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

const NOT_PUBLIC: &str = "the address is not a public one";

pub struct Sender {
    /// Building a client fails only if TLS cannot start; then every attempt
    /// fails with the reason, in the log where administrators look.
    client: Result<reqwest::Client, String>,
    allow_private: bool,
    /// The site's address, for links in bodies.
    public_url: String,
}

impl Sender {
    pub fn new(public_url: &str, allow_private: bool) -> Self {
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve names itself, past the check below.
            .no_proxy()
            .user_agent(concat!("Vmeste-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(std::sync::Arc::new(PublicOnly));
        }
        Self {
            client: builder.build().map_err(|e| e.to_string()),
            allow_private,
            public_url: public_url.to_owned(),
        }
    }

    /// Runs one delivery job: sends it, logs the attempt and counts it
    /// against the subscription. A subscription gone or switched off drops it.
    pub async fn deliver(
        &self,
        db: &Db,
        clock: &dyn Clock,
        job: &jobs::Job,
    ) -> Result<(), JobError> {
        let delivery: Delivery =
            serde_json::from_str(&job.payload).map_err(|e| JobError::Payload(e.to_string()))?;
        let subscription = {
            let mut handle = db.read().await?;
            webhooks::get(&mut handle.conn(), delivery.subscription_id).await?
        };
        let Some(subscription) = subscription.filter(webhooks::Subscription::active) else {
            return Ok(());
        };
        let body = delivery
            .body
            .render(&self.public_url)
            .map_err(|e| JobError::Payload(e.to_string()))?;
        let now = clock.now();
        let started = Instant::now();
        let outcome = self
            .post(&subscription, &delivery.body, &body, now.timestamp())
            .await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, error, response_body) = match &outcome {
            Ok((status, answer)) => (Some(i32::from(*status)), None, Some(answer.as_str())),
            Err(e) => (None, Some(e.as_str()), None),
        };
        let attempt = NewAttempt {
            subscription_id: subscription.id,
            delivery_id: &delivery.body.id,
            event: &delivery.body.event,
            attempt: job.attempts,
            status_code,
            error,
            duration_ms,
            response_body,
            at: now,
        };
        let mut tx = db.write().await?;
        let switched_off = webhooks::record_attempt(&mut tx.conn(), &attempt).await?;
        tx.commit().await?;
        if switched_off {
            tracing::warn!(
                subscription = subscription.id,
                organisation = subscription.organisation_id,
                "webhook subscription switched off after failing for a day"
            );
        }
        match (attempt.succeeded(), status_code, error) {
            (true, _, _) => Ok(()),
            (false, Some(code), _) => Err(JobError::Webhook(format!("HTTP {code}"))),
            (false, None, e) => Err(JobError::Webhook(e.unwrap_or_default().to_owned())),
        }
    }

    /// POSTs the body; the answer's status and the start of its body, or
    /// why there was no answer.
    async fn post(
        &self,
        subscription: &webhooks::Subscription,
        delivery: &webhooks::Body,
        body: &str,
        timestamp: i64,
    ) -> Result<(u16, String), String> {
        let client = self.client.as_ref().map_err(Clone::clone)?;
        let url = reqwest::Url::parse(&subscription.url).map_err(|e| e.to_string())?;
        // Literal addresses are not resolved, so the resolver cannot check them.
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        if !self.allow_private && literal.is_some_and(|ip| !is_public(ip)) {
            return Err(NOT_PUBLIC.to_owned());
        }
        let sent = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Vmeste-Event", &delivery.event)
            .header("X-Vmeste-Delivery", &delivery.id)
            .header("X-Vmeste-Timestamp", timestamp.to_string())
            .header(
                "X-Vmeste-Signature",
                signature(subscription.secret(), timestamp, body),
            )
            .body(body.to_owned())
            .send()
            .await;
        let mut response = sent.map_err(explain)?;
        let status = response.status().as_u16();
        let mut kept = Vec::new();
        while kept.len() < webhooks::RESPONSE_KEPT {
            match response.chunk().await {
                Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                // The status decides; an answer cut short is still an answer.
                Ok(None) | Err(_) => break,
            }
        }
        kept.truncate(webhooks::RESPONSE_KEPT);
        Ok((status, String::from_utf8_lossy(&kept).into_owned()))
    }
}

/// Why a request got no answer, in one line without the URL.
fn explain(e: reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
    }
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
