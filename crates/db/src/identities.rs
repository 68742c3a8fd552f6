//! Accounts at outside identity providers (OpenID Connect) linked to ours,
//! and the OIDC sign-ins in flight.

use chrono::{DateTime, Duration, Utc};

use crate::secret::hash;
use crate::{Conn, DbError, Sql};

/// How long a user may spend at the provider before coming back.
const LOGIN_LIFETIME_MINUTES: i64 = 15;

pub async fn user_for(
    conn: &mut Conn<'_>,
    provider: &str,
    subject: &str,
) -> Result<Option<i64>, DbError> {
    let id: Option<i64> =
        Sql::new("SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2")
            .bind(provider)
            .bind(subject)
            .scalars(conn)
            .await?
            .into_iter()
            .next();
    Ok(id)
}

pub async fn link(
    conn: &mut Conn<'_>,
    provider: &str,
    subject: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(provider)
    .bind(subject)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// What we keep of a sign-in while the user is at the provider.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn start_login(
    conn: &mut Conn<'_>,
    state: &str,
    login: &PendingLogin,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new("DELETE FROM oidc_logins WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await?;
    Sql::new(
        "INSERT INTO oidc_logins (state_hash, nonce, pkce_verifier, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash(state))
    .bind(login.nonce.as_str())
    .bind(login.pkce_verifier.as_str())
    .bind(now)
    .bind(login.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The deadline of a sign-in started now.
pub fn login_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(LOGIN_LIFETIME_MINUTES)
}

/// Takes a sign-in out of the store: each state is good once.
pub async fn finish_login(
    conn: &mut Conn<'_>,
    state: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingLogin>, DbError> {
    let found: Option<PendingLogin> =
        Sql::new("SELECT nonce, pkce_verifier, expires_at FROM oidc_logins WHERE state_hash = $1")
            .bind(hash(state))
            .fetch_optional(conn)
            .await?;
    Sql::new("DELETE FROM oidc_logins WHERE state_hash = $1")
        .bind(hash(state))
        .execute(conn)
        .await?;
    Ok(found.filter(|l| now < l.expires_at))
}
