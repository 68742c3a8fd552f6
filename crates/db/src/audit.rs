//! The audit log: every staff action and every look at a resident's personal
//! data. Rows are only ever added; triggers refuse updates and deletions.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Conn, DbError, Sql};

/// One entry to write.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub api_key_id: Option<i64>,
    /// What was done, as a stable dotted name: `message.view_personal_data`.
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// Facts about the action; never a resident's personal data.
    pub detail: Option<&'a str>,
    pub ip: Option<&'a str>,
}

pub async fn record(
    conn: &mut Conn<'_>,
    entry: &Entry<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO audit_log (at, actor_id, api_key_id, action, object_kind, object_id, organisation_id, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(at)
    .bind(entry.actor_id)
    .bind(entry.api_key_id)
    .bind(entry.action)
    .bind(entry.object_kind)
    .bind(entry.object_id)
    .bind(entry.organisation_id)
    .bind(entry.detail)
    .bind(entry.ip)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub api_key_id: Option<i64>,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// Filters of the audit page; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Keyset: entries older than this id.
    pub before_id: Option<i64>,
}

/// Newest first.
pub async fn list(conn: &mut Conn<'_>, filter: &Filter, limit: i64) -> Result<Vec<Row>, DbError> {
    let mut sql = Sql::new(
        "SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.api_key_id, a.action, a.object_kind, a.object_id, \
         a.organisation_id, a.detail, a.ip FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1",
    );
    if let Some(v) = filter.actor_id {
        sql = sql.push_bound(" AND a.actor_id = {}", v);
    }
    if let Some(v) = &filter.action {
        sql = sql.push_bound(" AND a.action = {}", v.clone());
    }
    if let Some(v) = &filter.object_kind {
        sql = sql.push_bound(" AND a.object_kind = {}", v.clone());
    }
    if let Some(v) = filter.object_id {
        sql = sql.push_bound(" AND a.object_id = {}", v);
    }
    if let Some(v) = filter.organisation_id {
        sql = sql.push_bound(" AND a.organisation_id = {}", v);
    }
    if let Some(v) = filter.from {
        sql = sql.push_bound(" AND a.at >= {}", v);
    }
    if let Some(v) = filter.until {
        sql = sql.push_bound(" AND a.at < {}", v);
    }
    if let Some(v) = filter.before_id {
        sql = sql.push_bound(" AND a.id < {}", v);
    }
    sql.push_bound(" ORDER BY a.id DESC LIMIT {}", limit)
        .fetch_all(conn)
        .await
}

/// The distinct actions logged so far, for the filter's choices.
pub async fn actions(conn: &mut Conn<'_>) -> Result<Vec<String>, DbError> {
    Sql::new("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .scalars(conn)
        .await
}
