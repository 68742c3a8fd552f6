//! Files of a message, recorded here and kept by the storage layer:
//! residents' photos (shown with the message) and answer documents. An
//! answer's documents are recorded with the answer and published with its
//! event; until then (an answer waiting for the head's approval) only staff
//! see them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Conn, DbError, Sql};

/// What an answer's documents are recorded as.
pub const ANSWER: &str = "answer";
/// What residents' photos are recorded as.
pub const PHOTO: &str = "photo";
/// The job that makes a photo's smaller copies.
pub const SIZES_JOB: &str = "photo_sizes";

/// The smaller copies of a photo, by name and longest edge; each is stored
/// beside the full one with the name appended to its key.
pub const SIZES: [(&str, u32); 2] = [("medium", 1024), ("thumb", 320)];

/// The key of a photo's smaller copy.
pub fn sized_key(key: &str, size: &str) -> String {
    match key.strip_suffix(".jpg") {
        Some(stem) => format!("{stem}-{size}.jpg"),
        None => format!("{key}-{size}"),
    }
}

/// Queues the making of a photo's smaller copies.
pub async fn enqueue_sizes(
    conn: &mut Conn<'_>,
    attachment_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let payload = attachment_id.to_string();
    crate::jobs::enqueue(
        conn,
        &crate::jobs::NewJob {
            kind: SIZES_JOB,
            payload: &payload,
            dedupe_key: None,
            run_at: now,
            max_attempts: 5,
        },
        now,
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub message_id: i64,
    pub purpose: String,
    pub storage_key: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub event_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    pub fn published(&self) -> bool {
        self.event_id.is_some()
    }
}

pub struct NewAttachment<'a> {
    pub message_id: i64,
    pub purpose: &'a str,
    pub storage_key: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub uploaded_by: Option<i64>,
}

const COLUMNS: &str =
    "id, message_id, purpose, storage_key, filename, content_type, size, event_id, created_at";

pub async fn insert(
    conn: &mut Conn<'_>,
    a: &NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO attachments (message_id, purpose, storage_key, filename, content_type, size, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.message_id)
    .bind(a.purpose)
    .bind(a.storage_key)
    .bind(a.filename)
    .bind(a.content_type)
    .bind(a.size)
    .bind(a.uploaded_by)
    .bind(now)
    .scalar(conn)
    .await
}

/// Publishes the answer documents not yet published with the answer's event.
pub async fn publish_answer(
    conn: &mut Conn<'_>,
    message_id: i64,
    event_id: i64,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE attachments SET event_id = $1 WHERE message_id = $2 AND purpose = $3 AND event_id IS NULL",
    )
    .bind(event_id)
    .bind(message_id)
    .bind(ANSWER)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message's answer documents, oldest first; `published_only` for residents.
pub async fn for_message(
    conn: &mut Conn<'_>,
    message_id: i64,
    published_only: bool,
) -> Result<Vec<Attachment>, DbError> {
    let mut sql = Sql::new(format!(
        "SELECT {COLUMNS} FROM attachments WHERE message_id = $1 AND purpose = $2"
    ))
    .bind(message_id)
    .bind(ANSWER);
    if published_only {
        sql = sql.push(" AND event_id IS NOT NULL");
    }
    sql.push(" ORDER BY id").fetch_all(conn).await
}

/// A message's photos, in the order they were sent.
pub async fn photos(conn: &mut Conn<'_>, message_id: i64) -> Result<Vec<Attachment>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM attachments WHERE message_id = $1 AND purpose = $2 ORDER BY id"
    ))
    .bind(message_id)
    .bind(PHOTO)
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Attachment>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM attachments WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The first photo of each of these messages that has one: a message's
/// picture in lists.
pub async fn first_photos(
    conn: &mut Conn<'_>,
    message_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    if message_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> =
        Sql::new("SELECT message_id, MIN(id) FROM attachments WHERE purpose = $1")
            .bind(PHOTO)
            .push_list(" AND message_id IN ", message_ids.iter().copied())
            .push(" GROUP BY message_id")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}
