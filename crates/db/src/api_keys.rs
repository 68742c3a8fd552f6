//! Integrators' API keys: issued by an organisation's administrator, shown
//! once, kept only as a hash, scoped, revocable, with the time of last use.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::secret::{hash, new_token};
use crate::{Conn, DbError, Sql};

/// What a key allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read messages and the catalogue with the caller's organisation's view.
    Read,
    /// Submit messages (REST and Open311 POST).
    Submit,
    /// Push posts found in social networks and learn what became of them.
    Incidents,
}

impl Scope {
    pub const ALL: [Self; 3] = [Self::Read, Self::Submit, Self::Incidents];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Submit => "submit",
            Self::Incidents => "incidents",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Keys start with this, so that secret scanners and people recognise them.
const KEY_PREFIX: &str = "vmk_";
/// The start of a key shown in lists to tell keys apart.
const SHOWN_CHARS: usize = 12;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    pub fn scopes(&self) -> Vec<Scope> {
        self.scopes.split(',').filter_map(Scope::parse).collect()
    }

    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes().contains(&scope)
    }
}

const COLUMNS: &str =
    "id, organisation_id, name, prefix, scopes, created_by, created_at, last_used_at, revoked_at";

/// Creates a key and returns it with the secret, which is never seen again.
pub async fn create(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    name: &str,
    scopes: &[Scope],
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<(ApiKey, String), DbError> {
    let secret = format!("{KEY_PREFIX}{}", new_token());
    let prefix: String = secret.chars().take(SHOWN_CHARS).collect();
    let scopes = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let key: ApiKey = Sql::new(format!(
        "INSERT INTO api_keys (organisation_id, name, prefix, key_hash, scopes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(organisation_id)
    .bind(name)
    .bind(prefix)
    .bind(hash(&secret))
    .bind(scopes)
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok((key, secret))
}

pub async fn of_organisation(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<ApiKey>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM api_keys WHERE organisation_id = $1 ORDER BY revoked_at IS NOT NULL, id DESC"
    ))
    .bind(organisation_id)
    .fetch_all(conn)
    .await
}

pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<ApiKey>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The key a caller presented, revoked or not; `None` for anything else.
pub async fn by_secret(conn: &mut Conn<'_>, secret: &str) -> Result<Option<ApiKey>, DbError> {
    if !secret.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    Sql::new(format!(
        "SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1"
    ))
    .bind(hash(secret))
    .fetch_optional(conn)
    .await
}

/// Whether `last_used_at` is old enough to be worth a write: keys serving
/// many requests a second would otherwise load the writer.
pub fn use_is_news(key: &ApiKey, now: DateTime<Utc>) -> bool {
    key.last_used_at
        .is_none_or(|at| now - at >= Duration::minutes(1))
}

pub async fn mark_used(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    Sql::new("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn revoke(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    Sql::new("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
