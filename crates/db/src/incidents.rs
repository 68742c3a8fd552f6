//! Posts about problems found in social networks, pushed by monitoring
//! tools, waiting in the regional centre's queue until a moderator turns
//! one into a message or dismisses it.

use chrono::{DateTime, Utc};
use vmeste_domain::incident::{IncidentStatus, ValidIncident};

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Incident {
    pub id: i64,
    pub source: String,
    pub url: String,
    /// Personal data: shown to the regional centre's staff only.
    pub author_handle: String,
    pub text: String,
    pub posted_at: DateTime<Utc>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// A JSON array of the photos' addresses.
    pub photos: String,
    pub status: String,
    pub received_at: DateTime<Utc>,
    pub message_id: Option<i64>,
    pub dismiss_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Incident {
    pub fn status(&self) -> Option<IncidentStatus> {
        IncidentStatus::parse(&self.status)
    }

    pub fn photos(&self) -> Vec<String> {
        serde_json::from_str(&self.photos).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, source, url, author_handle, text, posted_at, lat, lon, photos, status, \
     received_at, message_id, dismiss_reason, decided_at";

/// Records a pushed post. A post already known by its address is returned
/// as it is, with `false`: pushing twice never makes a second incident.
pub async fn record(
    conn: &mut Conn<'_>,
    post: &ValidIncident,
    api_key_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(Incident, bool), DbError> {
    let photos =
        serde_json::to_string(&post.photos).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let inserted: Option<Incident> = Sql::new(format!(
        "INSERT INTO incidents (source, url, author_handle, text, posted_at, lat, lon, photos, \
         status, api_key_id, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (url) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(post.source.as_str())
    .bind(post.url.as_str())
    .bind(post.author_handle.as_str())
    .bind(post.text.as_str())
    .bind(post.posted_at)
    .bind(post.point.map(|p| p.lat))
    .bind(post.point.map(|p| p.lon))
    .bind(photos)
    .bind(IncidentStatus::New.as_str())
    .bind(api_key_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    if let Some(new) = inserted {
        return Ok((new, true));
    }
    let known = Sql::new(format!("SELECT {COLUMNS} FROM incidents WHERE url = $1"))
        .bind(post.url.as_str())
        .fetch_one(conn)
        .await?;
    Ok((known, false))
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Incident>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM incidents WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<IncidentStatus>,
    pub source: Option<String>,
}

/// The queue: new incidents first, then the decided ones, newest first
/// within each; filtered. Two reads in index order rather than one sort of
/// the whole table.
pub async fn queue(
    conn: &mut Conn<'_>,
    filter: &QueueFilter,
    limit: i64,
) -> Result<Vec<Incident>, DbError> {
    let new = IncidentStatus::New.as_str();
    let parts: Vec<(&str, &str)> = match filter.status {
        Some(status) => vec![(" AND status = {}", status.as_str())],
        None => vec![(" AND status = {}", new), (" AND status <> {}", new)],
    };
    let mut found: Vec<Incident> = Vec::new();
    for (condition, status) in parts {
        let left = limit - i64::try_from(found.len()).unwrap_or(i64::MAX);
        if left <= 0 {
            break;
        }
        let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM incidents WHERE 1 = 1"))
            .push_bound(condition, status);
        if let Some(source) = &filter.source {
            sql = sql.push_bound(" AND source = {}", source.as_str());
        }
        found.extend(
            sql.push_bound(" ORDER BY id DESC LIMIT {}", left)
                .fetch_all(conn)
                .await?,
        );
    }
    Ok(found)
}

/// The networks incidents came from, for the queue's filter.
pub async fn sources(conn: &mut Conn<'_>) -> Result<Vec<String>, DbError> {
    Sql::new("SELECT DISTINCT source FROM incidents ORDER BY source")
        .scalars(conn)
        .await
}

/// Marks a new incident as turned into `message_id`; `false` when it was
/// no longer new (another moderator decided first).
pub async fn mark_converted(
    conn: &mut Conn<'_>,
    id: i64,
    message_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = Sql::new(
        "UPDATE incidents SET status = $1, message_id = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(IncidentStatus::Converted.as_str())
    .bind(message_id)
    .bind(by)
    .bind(now)
    .bind(id)
    .bind(IncidentStatus::New.as_str())
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// Dismisses a new incident with the moderator's reason; `false` when it
/// was no longer new.
pub async fn dismiss(
    conn: &mut Conn<'_>,
    id: i64,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = Sql::new(
        "UPDATE incidents SET status = $1, dismiss_reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(IncidentStatus::Dismissed.as_str())
    .bind(reason)
    .bind(by)
    .bind(now)
    .bind(id)
    .bind(IncidentStatus::New.as_str())
    .execute(conn)
    .await?;
    Ok(changed == 1)
}
