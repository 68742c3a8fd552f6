//! Idempotency keys of the REST API. The first request with a key claims it
//! (a row without a status), runs, and records its answer; a retry with the
//! same key and the same request gets that answer again; the same key with
//! another request, or while the first still runs, is refused. Keys belong
//! to one caller and live [`KEEP_HOURS`].

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::{Conn, DbError, Sql};

/// How long a key and its answer are kept.
pub const KEEP_HOURS: i64 = 24;
/// A claim whose request has not answered in this long was abandoned (its
/// process died): a retry may take it over.
const ABANDONED_AFTER_MINUTES: i64 = 5;

/// A request as its key is checked against.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    /// `key:<api key id>` or `user:<user id>`.
    pub principal: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// See [`fingerprint`].
    pub request_hash: &'a str,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Answer {
    pub status: i32,
    /// The answer's headers worth repeating, as a JSON object.
    pub response_headers: String,
    pub response_body: String,
}

/// What [`begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begun {
    /// The key is ours now: run the request, then [`finish`] or [`abandon`].
    Claimed { at: DateTime<Utc> },
    /// The same request was answered before.
    Replay(Answer),
    /// The key was used for another request.
    Reused,
    /// The first request with this key is still running.
    InFlight,
}

/// The SHA-256 of the parts of a request, each length-prefixed so that no
/// two different lists of parts hash alike.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    crate::secret::hex(&hasher.finalize())
}

#[derive(sqlx::FromRow)]
struct Row {
    method: String,
    path: String,
    request_hash: String,
    status: Option<i32>,
    response_headers: Option<String>,
    response_body: Option<String>,
}

/// Claims the key for this request, or says why not. Run it in its own
/// short transaction and commit before the request runs, so that a
/// concurrent retry sees the claim.
pub async fn begin(
    conn: &mut Conn<'_>,
    claim: &Claim<'_>,
    now: DateTime<Utc>,
) -> Result<Begun, DbError> {
    // An expired key, or a claim whose request died, is free again.
    Sql::new(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2 \
         AND (created_at <= $3 OR (status IS NULL AND created_at <= $4))",
    )
    .bind(claim.principal)
    .bind(claim.key)
    .bind(now - Duration::hours(KEEP_HOURS))
    .bind(now - Duration::minutes(ABANDONED_AFTER_MINUTES))
    .execute(conn)
    .await?;
    let inserted = Sql::new(
        "INSERT INTO idempotency_keys (principal, idempotency_key, method, path, request_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (principal, idempotency_key) DO NOTHING",
    )
    .bind(claim.principal)
    .bind(claim.key)
    .bind(claim.method)
    .bind(claim.path)
    .bind(claim.request_hash)
    .bind(now)
    .execute(conn)
    .await?;
    if inserted == 1 {
        return Ok(Begun::Claimed { at: now });
    }
    let row: Row = Sql::new(
        "SELECT method, path, request_hash, status, response_headers, response_body \
         FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2",
    )
    .bind(claim.principal)
    .bind(claim.key)
    .fetch_one(conn)
    .await?;
    if row.method != claim.method
        || row.path != claim.path
        || row.request_hash != claim.request_hash
    {
        return Ok(Begun::Reused);
    }
    Ok(match row.status {
        None => Begun::InFlight,
        Some(status) => Begun::Replay(Answer {
            status,
            response_headers: row.response_headers.unwrap_or_default(),
            response_body: row.response_body.unwrap_or_default(),
        }),
    })
}

/// Records the answer of the request that claimed the key at `at`.
pub async fn finish(
    conn: &mut Conn<'_>,
    principal: &str,
    key: &str,
    at: DateTime<Utc>,
    answer: &Answer,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE idempotency_keys SET status = $1, response_headers = $2, response_body = $3 \
         WHERE principal = $4 AND idempotency_key = $5 AND created_at = $6 AND status IS NULL",
    )
    .bind(answer.status)
    .bind(answer.response_headers.as_str())
    .bind(answer.response_body.as_str())
    .bind(principal)
    .bind(key)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees the key claimed at `at` without an answer worth repeating (the
/// request failed on our side), so that a retry runs afresh.
pub async fn abandon(
    conn: &mut Conn<'_>,
    principal: &str,
    key: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2 \
         AND created_at = $3 AND status IS NULL",
    )
    .bind(principal)
    .bind(key)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops the keys older than [`KEEP_HOURS`] before `now`; the number dropped.
pub async fn purge(conn: &mut Conn<'_>, now: DateTime<Utc>) -> Result<u64, DbError> {
    Sql::new("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(now - Duration::hours(KEEP_HOURS))
        .execute(conn)
        .await
}
