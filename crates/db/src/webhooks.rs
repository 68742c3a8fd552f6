//! Webhooks: organisations' subscriptions to message events; a delivery job
//! queued for each matching subscription in the transaction of the change it
//! tells of (an outbox), and the log of every attempt to deliver it.
//!
//! Bodies carry what the public page shows of a message and never who wrote
//! it: the rules of `vmeste_domain::privacy` apply to every field.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vmeste_domain::privacy::{public_address, public_text};
use vmeste_domain::webhook::{self, Event, Reach, should_disable};

use crate::messages::{self, Visibility};
use crate::secret::new_token;
use crate::{Conn, DbError, Sql, audit, events, jobs};

/// The job kind of a delivery.
pub const JOB: &str = "webhook_delivery";
/// Secrets start with this, so that people and secret scanners recognise them.
const SECRET_PREFIX: &str = "whsec_";
/// The attempts a subscription's log page shows.
pub const LOG_LIMIT: i64 = 50;
/// How much of a receiver's answer the log keeps.
pub const RESPONSE_KEPT: usize = 1024;

/// Why a subscription is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disabled {
    /// Its administrator switched it off.
    Manual,
    /// Deliveries kept failing (see [`webhook::should_disable`]).
    Failing,
}

impl Disabled {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Failing => "failing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Manual, Self::Failing]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

#[derive(Clone, sqlx::FromRow)]
pub struct Subscription {
    pub id: i64,
    pub organisation_id: i64,
    pub url: String,
    secret: String,
    pub events: String,
    pub reach: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub failures: i32,
    pub failing_since: Option<DateTime<Utc>>,
}

/// Without the secret, so that no `{:?}` ever writes it to a log.
impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("organisation_id", &self.organisation_id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("reach", &self.reach)
            .field("disabled_at", &self.disabled_at)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    pub fn events(&self) -> Vec<Event> {
        self.events.split(',').filter_map(Event::parse).collect()
    }

    pub fn reach(&self) -> Reach {
        Reach::parse(&self.reach).unwrap_or(Reach::Organisation)
    }

    pub fn active(&self) -> bool {
        self.disabled_at.is_none()
    }

    pub fn disabled(&self) -> Option<Disabled> {
        self.disabled_at?;
        Some(
            self.disabled_reason
                .as_deref()
                .and_then(Disabled::parse)
                .unwrap_or(Disabled::Manual),
        )
    }

    /// The key deliveries are signed with.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

const COLUMNS: &str = "id, organisation_id, url, secret, events, reach, created_by, created_at, \
                       disabled_at, disabled_reason, failures, failing_since";

pub struct NewSubscription<'a> {
    pub organisation_id: i64,
    /// Checked with [`webhook::parse_target`].
    pub url: &'a str,
    pub events: &'a [Event],
    pub reach: Reach,
    pub created_by: i64,
}

/// Creates a subscription; returns it with its secret, which its
/// administrator sees this once.
pub async fn create(
    conn: &mut Conn<'_>,
    new: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> Result<(Subscription, String), DbError> {
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let events = new
        .events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let subscription = Sql::new(format!(
        "INSERT INTO webhook_subscriptions (organisation_id, url, secret, events, reach, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(new.organisation_id)
    .bind(new.url)
    .bind(secret.as_str())
    .bind(events)
    .bind(new.reach.as_str())
    .bind(new.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok((subscription, secret))
}

pub async fn of_organisation(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<Subscription>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM webhook_subscriptions WHERE organisation_id = $1 ORDER BY id DESC"
    ))
    .bind(organisation_id)
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Subscription>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM webhook_subscriptions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn disable(
    conn: &mut Conn<'_>,
    id: i64,
    reason: Disabled,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE webhook_subscriptions SET disabled_at = $1, disabled_reason = $2 \
         WHERE id = $3 AND disabled_at IS NULL",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches a subscription back on with a clean record of failures.
pub async fn enable(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    Sql::new(
        "UPDATE webhook_subscriptions SET disabled_at = NULL, disabled_reason = NULL, failures = 0, \
         failing_since = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a subscription with its log; its queued deliveries find it gone
/// and are dropped.
pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    Sql::new("DELETE FROM webhook_attempts WHERE subscription_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Sql::new("DELETE FROM webhook_subscriptions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A queued delivery: the job's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub subscription_id: i64,
    pub body: Body,
}

/// What is POSTed to the receiver.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Body {
    /// The delivery's id, the same in every attempt: receivers drop repeats by it.
    pub id: String,
    pub event: String,
    pub occurred_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageOut>,
}

/// The recorded change: the action in the message's history and the statuses.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rating {
    pub score: i32,
    pub resolved: Option<bool>,
}

/// A message as the public may see it at the moment of the change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageOut {
    pub id: i64,
    pub number: String,
    /// `message`, or `appeal` for a formal appeal under 59-FZ (never public).
    pub kind: String,
    pub status: String,
    pub public: bool,
    pub topic: Named,
    pub category: Named,
    pub organisation: Option<Named>,
    pub territory: Option<Named>,
    /// Text, address and point only once published, as on the public page:
    /// contacts typed into the text masked, flats left out of the address.
    pub text: Option<String>,
    pub address: Option<String>,
    pub location: Option<Location>,
    pub due_date: Option<NaiveDate>,
    pub rating: Option<Rating>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The public page and the staff page: paths while queued, full
    /// addresses once [`Body::render`] puts the site's address before them.
    pub url: Option<String>,
    pub staff_url: String,
}

impl Body {
    /// The JSON sent, with links on the site at `public_url`.
    pub fn render(&self, public_url: &str) -> Result<String, serde_json::Error> {
        let site = public_url.trim_end_matches('/');
        let mut body = self.clone();
        if let Some(m) = &mut body.message {
            m.url = m.url.take().map(|path| format!("{site}{path}"));
            m.staff_url = format!("{site}{}", m.staff_url);
        }
        serde_json::to_string(&body)
    }
}

#[derive(sqlx::FromRow)]
struct CaseFacts {
    kind: String,
    rating: Option<i32>,
    resolved: Option<bool>,
    routed_at: Option<DateTime<Utc>>,
}

/// The message as a delivery shows it, and the organisation it is assigned
/// to (`None` until routed: in moderation it is the regional centre's).
async fn snapshot(
    conn: &mut Conn<'_>,
    message_id: i64,
) -> Result<(MessageOut, Option<i64>), DbError> {
    let view = messages::get(conn, message_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let facts: CaseFacts =
        Sql::new("SELECT kind, rating, resolved, routed_at FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_one(conn)
            .await?;
    let visibility = view.public_visibility();
    let published = visibility == Visibility::Published;
    let assigned = view.organisation_id.filter(|_| facts.routed_at.is_some());
    let out = MessageOut {
        id: view.id,
        number: view.number.clone(),
        kind: facts.kind,
        status: view.status.clone(),
        public: view.public,
        topic: Named {
            id: view.topic_id,
            name: view.topic_name_ru.clone(),
        },
        category: Named {
            id: view.category_id,
            name: view.category_name_ru.clone(),
        },
        organisation: view
            .organisation_id
            .zip(view.organisation_name_ru.clone())
            .map(|(id, name)| Named { id, name }),
        territory: view
            .territory_id
            .zip(view.territory_name_ru.clone())
            .map(|(id, name)| Named { id, name }),
        text: published.then(|| public_text(&view.text)),
        address: view
            .address
            .as_deref()
            .filter(|_| published)
            .map(public_address),
        location: published.then_some(Location {
            lat: view.lat,
            lon: view.lon,
        }),
        due_date: view.due_date,
        rating: facts.rating.map(|score| Rating {
            score,
            resolved: facts.resolved,
        }),
        created_at: view.created_at,
        updated_at: view.updated_at,
        url: (visibility != Visibility::Hidden).then(|| format!("/messages/{}", view.id)),
        staff_url: format!("/staff/messages/{}", view.id),
    };
    Ok((out, assigned))
}

/// The organisation and those above it, nearest first.
async fn with_ancestors(conn: &mut Conn<'_>, org: i64) -> Result<Vec<i64>, DbError> {
    let mut chain = vec![org];
    // Bounded: the tree is data an administrator edits and might loop.
    for _ in 0..32 {
        let Some(&current) = chain.last() else { break };
        let parent: Vec<Option<i64>> =
            Sql::new("SELECT parent_id FROM organisations WHERE id = $1")
                .bind(current)
                .scalars(conn)
                .await?;
        match parent.first().copied().flatten() {
            Some(p) if !chain.contains(&p) => chain.push(p),
            _ => break,
        }
    }
    Ok(chain)
}

async fn active(conn: &mut Conn<'_>) -> Result<Vec<Subscription>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM webhook_subscriptions WHERE disabled_at IS NULL ORDER BY id"
    ))
    .fetch_all(conn)
    .await
}

/// Queues the deliveries of a recorded change of a message, in the caller's
/// transaction, to every active subscription that wants its event and
/// reaches the message.
pub async fn capture(conn: &mut Conn<'_>, change: &events::NewEvent<'_>) -> Result<(), DbError> {
    capture_all(conn, std::slice::from_ref(change)).await
}

/// [`capture`] for many changes, reading the subscriptions once.
pub async fn capture_all(
    conn: &mut Conn<'_>,
    changes: &[events::NewEvent<'_>],
) -> Result<(), DbError> {
    let told: Vec<(&events::NewEvent<'_>, Event)> = changes
        .iter()
        .filter_map(|c| Event::of_change(c.action, c.from_status, c.to_status).map(|e| (c, e)))
        .collect();
    if told.is_empty() {
        return Ok(());
    }
    let subscriptions = active(conn).await?;
    for (change, event) in told {
        capture_one(conn, &subscriptions, change, event).await?;
    }
    Ok(())
}

async fn capture_one(
    conn: &mut Conn<'_>,
    subscriptions: &[Subscription],
    change: &events::NewEvent<'_>,
    event: Event,
) -> Result<(), DbError> {
    let wanting: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|s| s.events().contains(&event))
        .collect();
    if wanting.is_empty() {
        return Ok(());
    }
    let (message, assigned) = snapshot(conn, change.message_id).await?;
    let chain = match assigned {
        Some(org) => with_ancestors(conn, org).await?,
        None => Vec::new(),
    };
    for subscription in wanting {
        let reaches = match subscription.reach() {
            Reach::Region => true,
            Reach::Organisation => assigned == Some(subscription.organisation_id),
            Reach::Subtree => chain.contains(&subscription.organisation_id),
        };
        if !reaches {
            continue;
        }
        let body = Body {
            id: uuid::Uuid::new_v4().to_string(),
            event: event.as_str().to_owned(),
            occurred_at: change.at,
            change: Some(Change {
                action: change.action.to_owned(),
                from_status: change.from_status.map(|s| s.as_str().to_owned()),
                to_status: change.to_status.as_str().to_owned(),
            }),
            message: Some(message.clone()),
        };
        enqueue(conn, subscription.id, body, change.at).await?;
    }
    Ok(())
}

/// Queues a test delivery to one subscription.
pub async fn ping(
    conn: &mut Conn<'_>,
    subscription_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let body = Body {
        id: uuid::Uuid::new_v4().to_string(),
        event: Event::Ping.as_str().to_owned(),
        occurred_at: now,
        change: None,
        message: None,
    };
    enqueue(conn, subscription_id, body, now).await
}

async fn enqueue(
    conn: &mut Conn<'_>,
    subscription_id: i64,
    body: Body,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let payload = serde_json::to_string(&Delivery {
        subscription_id,
        body,
    })
    .map_err(|e| DbError::Config(e.to_string()))?;
    jobs::enqueue(
        conn,
        &jobs::NewJob {
            kind: JOB,
            payload: &payload,
            dedupe_key: None,
            run_at: now,
            max_attempts: webhook::MAX_ATTEMPTS,
        },
        now,
    )
    .await?;
    Ok(())
}

/// One attempt to deliver, as the log keeps it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub subscription_id: i64,
    pub delivery_id: String,
    pub event: String,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub response_body: Option<String>,
    pub at: DateTime<Utc>,
}

/// A 2xx answer; anything else (another status, no answer) is a failure.
fn success(status_code: Option<i32>) -> bool {
    status_code.is_some_and(|c| (200..300).contains(&c))
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        success(self.status_code)
    }
}

pub struct NewAttempt<'a> {
    pub subscription_id: i64,
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub error: Option<&'a str>,
    pub duration_ms: i32,
    pub response_body: Option<&'a str>,
    pub at: DateTime<Utc>,
}

impl NewAttempt<'_> {
    pub fn succeeded(&self) -> bool {
        success(self.status_code)
    }
}

/// Logs an attempt and counts it: a success clears the subscription's
/// failures; a failure adds one and may switch the subscription off, which
/// the audit log records. True when this attempt switched it off.
pub async fn record_attempt(conn: &mut Conn<'_>, a: &NewAttempt<'_>) -> Result<bool, DbError> {
    Sql::new(
        "INSERT INTO webhook_attempts (subscription_id, delivery_id, event, attempt, status_code, error, \
         duration_ms, response_body, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.subscription_id)
    .bind(a.delivery_id)
    .bind(a.event)
    .bind(a.attempt)
    .bind(a.status_code)
    .bind(a.error)
    .bind(a.duration_ms)
    .bind(a.response_body)
    .bind(a.at)
    .execute(conn)
    .await?;
    if a.succeeded() {
        Sql::new(
            "UPDATE webhook_subscriptions SET failures = 0, failing_since = NULL WHERE id = $1",
        )
        .bind(a.subscription_id)
        .execute(conn)
        .await?;
        return Ok(false);
    }
    Sql::new(
        "UPDATE webhook_subscriptions SET failures = failures + 1, failing_since = COALESCE(failing_since, $1) \
         WHERE id = $2",
    )
    .bind(a.at)
    .bind(a.subscription_id)
    .execute(conn)
    .await?;
    let Some(subscription) = get(conn, a.subscription_id).await? else {
        return Ok(false);
    };
    let since = subscription.failing_since.unwrap_or(a.at);
    if !subscription.active() || !should_disable(subscription.failures, since, a.at) {
        return Ok(false);
    }
    disable(conn, subscription.id, Disabled::Failing, a.at).await?;
    let detail = format!("{} failed attempts since {since}", subscription.failures);
    audit::record(
        conn,
        &audit::Entry {
            action: "webhook.auto_disable",
            object_kind: "webhook",
            object_id: Some(subscription.id),
            organisation_id: Some(subscription.organisation_id),
            detail: Some(&detail),
            ..audit::Entry::default()
        },
        a.at,
    )
    .await?;
    Ok(true)
}

/// A subscription's latest attempts, newest first.
pub async fn attempts(
    conn: &mut Conn<'_>,
    subscription_id: i64,
    limit: i64,
) -> Result<Vec<Attempt>, DbError> {
    Sql::new(
        "SELECT id, subscription_id, delivery_id, event, attempt, status_code, error, duration_ms, response_body, at \
         FROM webhook_attempts WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(subscription_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Forgets attempts older than `before`.
pub async fn prune_attempts(conn: &mut Conn<'_>, before: DateTime<Utc>) -> Result<u64, DbError> {
    Sql::new("DELETE FROM webhook_attempts WHERE at < $1")
        .bind(before)
        .execute(conn)
        .await
}
