//! One-time links sent by e-mail: confirm an address, reset a password.

use chrono::{DateTime, Duration, Utc};

use crate::secret::{hash, new_token};
use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmEmail => "confirm_email",
            Self::ResetPassword => "reset_password",
        }
    }

    /// How long a link stays good: a reset link is a key to the account,
    /// so it lives briefly.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::ConfirmEmail => Duration::days(3),
            Self::ResetPassword => Duration::hours(1),
        }
    }
}

/// Issues a link token; earlier unused tokens of the same purpose die, so
/// only the newest e-mail works.
pub async fn issue(
    conn: &mut Conn<'_>,
    purpose: Purpose,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    Sql::new("DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(conn)
        .await?;
    let token = new_token();
    Sql::new(
        "INSERT INTO account_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash(&token))
    .bind(purpose.as_str())
    .bind(user_id)
    .bind(now)
    .bind(now + purpose.lifetime())
    .execute(conn)
    .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

/// Whose token this is, if it is good for `purpose` now; does not use it up.
pub async fn check(
    conn: &mut Conn<'_>,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let row: Option<TokenRow> = Sql::new(
        "SELECT user_id, expires_at, used_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(hash(token))
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row
        .filter(|r| r.used_at.is_none() && now < r.expires_at)
        .map(|r| r.user_id))
}

/// Uses a token up; `None` when it is unknown, used or expired. Run inside
/// the transaction that does what the token allows.
pub async fn redeem(
    conn: &mut Conn<'_>,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let Some(user_id) = check(conn, purpose, token, now).await? else {
        return Ok(None);
    };
    let used = Sql::new(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(hash(token))
    .execute(conn)
    .await?;
    Ok((used == 1).then_some(user_id))
}
