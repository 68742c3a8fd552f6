//! The immutable history of a message: every transition is one row, never
//! updated or deleted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_domain::status::MessageStatus;

use crate::{Arg, Backend, Conn, DbError, Sql, many_rows};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub message_id: i64,
    pub at: DateTime<Utc>,
    #[serde(skip)]
    pub actor_id: Option<i64>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub comment: Option<String>,
    pub public: bool,
}

pub struct NewEvent<'a> {
    pub message_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    /// The transition's action name, [`CREATED`] for the creation of the
    /// message, or another case event such as `rate`.
    pub action: &'a str,
    pub from_status: Option<MessageStatus>,
    pub to_status: MessageStatus,
    pub comment: Option<&'a str>,
    pub public: bool,
}

/// The action name stored for the event that creates a message.
pub const CREATED: &str = "created";

/// Writes an event and queues, in the same transaction, the webhook
/// deliveries it causes. Every change of a live message goes through here.
pub async fn record(conn: &mut Conn<'_>, e: &NewEvent<'_>) -> Result<i64, DbError> {
    let id = insert(conn, e).await?;
    crate::webhooks::capture(conn, e).await?;
    Ok(id)
}

/// Writes events in one statement and queues the webhook deliveries they
/// cause, as [`record`] does for one; for intake's batches.
pub async fn record_all(conn: &mut Conn<'_>, new: &[NewEvent<'_>]) -> Result<(), DbError> {
    insert_all(conn, new).await?;
    crate::webhooks::capture_all(conn, new).await
}

/// Writes events in as few statements as they fit in, telling no one: for
/// history loaded in bulk.
pub async fn insert_all(conn: &mut Conn<'_>, new: &[NewEvent<'_>]) -> Result<(), DbError> {
    let head = format!(
        "INSERT INTO message_events ({}) VALUES ",
        COLUMNS.join(", ")
    );
    many_rows::insert(conn, &head, "({}, {}, {}, {}, {}, {}, {}, {})", rows(new)).await
}

const COLUMNS: [&str; 8] = [
    "message_id",
    "at",
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "comment",
    "public",
];

/// Each event's values, in the order of [`COLUMNS`].
fn rows(new: &[NewEvent<'_>]) -> Vec<Vec<Arg>> {
    new.iter()
        .map(|e| {
            vec![
                Arg::from(e.message_id),
                e.at.into(),
                e.actor_id.into(),
                e.action.into(),
                e.from_status.map(MessageStatus::as_str).into(),
                e.to_status.as_str().into(),
                e.comment.into(),
                e.public.into(),
            ]
        })
        .collect()
}

/// History appended by a bulk load (see [`many_rows::appended`]).
pub(crate) fn appended(
    backend: Backend,
    new: &[NewEvent<'_>],
) -> Result<Vec<many_rows::Step>, DbError> {
    many_rows::appended(backend, "message_events", &COLUMNS, rows(new))
}

/// Writes an event without telling anyone: for history loaded in bulk (the demo).
pub async fn insert(conn: &mut Conn<'_>, e: &NewEvent<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO message_events (message_id, at, actor_id, action, from_status, to_status, comment, public) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(e.message_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.action)
    .bind(e.from_status.map(MessageStatus::as_str))
    .bind(e.to_status.as_str())
    .bind(e.comment)
    .bind(e.public)
    .scalar(conn)
    .await
}

/// A message's history in order; `public_only` for what residents and the public see.
pub async fn for_message(
    conn: &mut Conn<'_>,
    message_id: i64,
    public_only: bool,
) -> Result<Vec<Event>, DbError> {
    let sql = Sql::new(
        "SELECT id, message_id, at, actor_id, action, from_status, to_status, comment, public \
         FROM message_events WHERE message_id = $1",
    )
    .bind(message_id);
    let sql = if public_only {
        sql.push_bound(" AND public = {}", true)
    } else {
        sql
    };
    sql.push(" ORDER BY at, id").fetch_all(conn).await
}

/// Public events of messages the public may see, newest first, `offset`
/// rows in: the Open311 update feed of a window of time.
pub async fn public_feed(
    conn: &mut Conn<'_>,
    (since, until): (DateTime<Utc>, DateTime<Utc>),
    offset: i64,
    limit: i64,
) -> Result<Vec<Event>, DbError> {
    Sql::new(
        "SELECT e.id, e.message_id, e.at, e.actor_id, e.action, e.from_status, e.to_status, e.comment, e.public \
         FROM message_events e JOIN messages m ON m.id = e.message_id \
         WHERE e.public = $1 AND m.public = $1 AND e.at >= $2 AND e.at <= $3",
    )
    .bind(true)
    .bind(since)
    .bind(until)
    .push_list(
        " AND m.status IN ",
        crate::messages::PUBLISHED.iter().map(|s| s.as_str()),
    )
    .push_bound(" ORDER BY e.id DESC LIMIT {}", limit)
    .push_bound(" OFFSET {}", offset)
    .fetch_all(conn)
    .await
}

/// The latest public comment of each of these messages that has one (the
/// answer, as a rule).
pub async fn latest_public_comments(
    conn: &mut Conn<'_>,
    message_ids: &[i64],
) -> Result<HashMap<i64, String>, DbError> {
    if message_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = Sql::new(
        "SELECT message_id, comment FROM message_events WHERE public = $1 AND comment IS NOT NULL",
    )
    .bind(true)
    .push_list(" AND message_id IN ", message_ids.iter().copied())
    .push(" ORDER BY id")
    .fetch_all(conn)
    .await?;
    // Later rows overwrite earlier ones.
    Ok(rows.into_iter().collect())
}
