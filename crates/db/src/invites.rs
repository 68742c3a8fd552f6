//! Staff invitations: an organisation's administrator names an e-mail, a role
//! and a scope; the link in the e-mail lets the person set a password (or, if
//! they already have an account, take the role).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use vmeste_domain::organisation::Role;

use crate::secret::{hash, new_token};
use crate::{Conn, DbError, Sql};

/// How long an invitation stays open.
pub const LIFETIME_DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Invite {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub organisation_id: i64,
    pub include_subtree: bool,
    pub invited_by: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Invite {
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

const COLUMNS: &str = "id, email, role, organisation_id, include_subtree, invited_by, created_at, expires_at, accepted_at, revoked_at";

pub struct NewInvite<'a> {
    pub email: &'a str,
    pub role: Role,
    pub organisation_id: i64,
    pub include_subtree: bool,
    pub invited_by: i64,
}

/// Records an invitation and returns it with the token for the e-mail.
pub async fn create(
    conn: &mut Conn<'_>,
    invite: &NewInvite<'_>,
    now: DateTime<Utc>,
) -> Result<(Invite, String), DbError> {
    let token = new_token();
    let row = Sql::new(format!(
        "INSERT INTO invites (token_hash, email, role, organisation_id, include_subtree, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    ))
    .bind(hash(&token))
    .bind(invite.email.trim().to_lowercase())
    .bind(invite.role.as_str())
    .bind(invite.organisation_id)
    .bind(invite.include_subtree)
    .bind(invite.invited_by)
    .bind(now)
    .bind(now + Duration::days(LIFETIME_DAYS))
    .fetch_one(conn)
    .await?;
    Ok((row, token))
}

pub async fn by_token(conn: &mut Conn<'_>, token: &str) -> Result<Option<Invite>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM invites WHERE token_hash = $1"
    ))
    .bind(hash(token))
    .fetch_optional(conn)
    .await
}

pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<Invite>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM invites WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Invitations of an organisation still waiting for an answer.
pub async fn open_of(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Invite>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM invites WHERE organisation_id = $1 AND accepted_at IS NULL \
         AND revoked_at IS NULL AND expires_at > $2 ORDER BY id DESC"
    ))
    .bind(organisation_id)
    .bind(now)
    .fetch_all(conn)
    .await
}

pub async fn mark_accepted(
    conn: &mut Conn<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = Sql::new("UPDATE invites SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn revoke(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    Sql::new("UPDATE invites SET revoked_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
