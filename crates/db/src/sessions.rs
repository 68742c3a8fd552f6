//! Server-side sessions: a random token in the browser's cookie, its SHA-256
//! here, with an idle and an absolute expiry.

use chrono::{DateTime, Duration, Utc};

use crate::secret::hash;
pub use crate::secret::new_token;
use crate::users::User;
use crate::{Conn, DbError, Sql};

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    /// Ends a session nobody used for this long.
    pub idle: Duration,
    /// Ends every session this long after sign-in, used or not.
    pub absolute: Duration,
}

/// Starts a session; with `second_factor_pending` it opens nothing until
/// [`pass_second_factor`].
pub async fn create(
    conn: &mut Conn<'_>,
    token: &str,
    user_id: i64,
    now: DateTime<Utc>,
    life: Lifetime,
    second_factor_pending: bool,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, second_factor_pending) VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(hash(token))
    .bind(user_id)
    .bind(now)
    .bind(now + life.absolute)
    .bind(second_factor_pending)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user_id: i64,
    second_factor_pending: bool,
}

/// What a session token is worth now.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// No such session (never was, signed out, or cleaned up).
    Unknown,
    /// The session ran out; the caller should delete it.
    Expired,
    /// A live session; `stale` when `last_seen_at` is over a minute old and
    /// worth refreshing (refreshing on every request would load the writer).
    Live { user: User, stale: bool },
    /// Signed in by password, still owing the second factor: opens nothing
    /// but the second-factor page.
    SecondFactorPending { user: User },
}

/// Looks a session up without writing: safe on a read connection.
pub async fn lookup(
    conn: &mut Conn<'_>,
    token: &str,
    now: DateTime<Utc>,
    life: Lifetime,
) -> Result<Lookup, DbError> {
    let row: Option<SessionRow> =
        Sql::new("SELECT last_seen_at, expires_at, user_id, second_factor_pending FROM sessions WHERE token_hash = $1")
            .bind(hash(token))
            .fetch_optional(conn)
            .await?;
    let Some(row) = row else {
        return Ok(Lookup::Unknown);
    };
    if now >= row.expires_at || now - row.last_seen_at >= life.idle {
        return Ok(Lookup::Expired);
    }
    Ok(match crate::users::by_id(conn, row.user_id).await? {
        Some(user) if user.active && row.second_factor_pending => {
            Lookup::SecondFactorPending { user }
        }
        Some(user) if user.active => Lookup::Live {
            user,
            stale: now - row.last_seen_at >= Duration::minutes(1),
        },
        _ => Lookup::Expired,
    })
}

pub async fn touch(conn: &mut Conn<'_>, token: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    Sql::new("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(hash(token))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn<'_>, token: &str) -> Result<(), DbError> {
    Sql::new("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash(token))
        .execute(conn)
        .await?;
    Ok(())
}

/// Signs a user out everywhere.
pub async fn delete_all(conn: &mut Conn<'_>, user_id: i64) -> Result<u64, DbError> {
    Sql::new("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
}

/// Completes a sign-in once the second factor is proven. The token changes
/// hands at the same time so a token seen before the second factor is worthless.
pub async fn pass_second_factor(
    conn: &mut Conn<'_>,
    old_token: &str,
    new_token: &str,
) -> Result<bool, DbError> {
    let changed = Sql::new(
        "UPDATE sessions SET second_factor_pending = $1, token_hash = $2 WHERE token_hash = $3 AND second_factor_pending = $4",
    )
    .bind(false)
    .bind(hash(new_token))
    .bind(hash(old_token))
    .bind(true)
    .execute(conn)
    .await?;
    Ok(changed == 1)
}
