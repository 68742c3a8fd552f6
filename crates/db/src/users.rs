//! People: residents and staff. Staff roles are rows of their own, each scoped
//! to an organisation (and optionally its subtree).

use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_domain::access::Grant;
use vmeste_domain::organisation::Role;

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: Option<String>,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub locale: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub failed_logins: i32,
    #[serde(skip)]
    pub locked_until: Option<DateTime<Utc>>,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub notify_email: bool,
    pub notify_news: bool,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub staff_mail: String,
}

impl User {
    pub fn staff_mail(&self) -> StaffMail {
        StaffMail::parse(&self.staff_mail).unwrap_or(StaffMail::Digest)
    }

    /// Whether sign-ins are refused at `now` after too many failures.
    pub fn locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

/// Failed sign-ins allowed before the account locks.
pub const FREE_ATTEMPTS: i32 = 5;

/// The lock after the n-th failure beyond the free ones: 1, 2, 4 … minutes, at most an hour.
pub fn lockout(failures: i32) -> chrono::Duration {
    let beyond = u32::try_from(failures - FREE_ATTEMPTS).unwrap_or(0).min(6);
    chrono::Duration::minutes((1_i64 << beyond).min(60))
}

/// Records a failed sign-in; locks the account once the free attempts are used up.
pub async fn record_failed_login(
    conn: &mut Conn<'_>,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let failures = user.failed_logins + 1;
    let locked_until = (failures >= FREE_ATTEMPTS).then(|| now + lockout(failures));
    Sql::new("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
        .bind(failures)
        .bind(locked_until)
        .bind(user.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clears the failure count after a successful sign-in.
pub async fn record_successful_login(conn: &mut Conn<'_>, user_id: i64) -> Result<(), DbError> {
    Sql::new("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

const USER_COLUMNS: &str = "id, email, password_hash, name, phone, locale, active, created_at, failed_logins, locked_until, email_confirmed_at, notify_email, notify_news, totp_secret, totp_enabled_at, totp_last_step, deleted_at, staff_mail";

pub struct NewUser<'a> {
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub locale: &'a str,
    pub created_at: DateTime<Utc>,
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, DbError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DbError::Config(format!("password hashing failed: {e}")))
}

pub async fn insert(conn: &mut Conn<'_>, user: &NewUser<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO users (email, password_hash, name, phone, locale, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.email.map(str::to_lowercase))
    .bind(user.password_hash)
    .bind(user.name)
    .bind(user.phone)
    .bind(user.locale)
    .bind(user.created_at)
    .scalar(conn)
    .await
}

pub async fn grant(
    conn: &mut Conn<'_>,
    user_id: i64,
    role: Role,
    organisation_id: Option<i64>,
    include_subtree: bool,
) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO staff_roles (user_id, role, organisation_id, include_subtree) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(role.as_str())
    .bind(organisation_id)
    .bind(include_subtree)
    .scalar(conn)
    .await
}

pub async fn by_email(conn: &mut Conn<'_>, email: &str) -> Result<Option<User>, DbError> {
    Sql::new(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"))
        .bind(email.trim().to_lowercase())
        .fetch_optional(conn)
        .await
}

pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<User>, DbError> {
    Sql::new(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Checks a password against a stored argon2 hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(stored).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    organisation_id: Option<i64>,
    include_subtree: bool,
}

/// The roles a user holds; rows naming a role this build does not know are
/// skipped rather than trusted.
pub async fn grants(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<Grant>, DbError> {
    let rows: Vec<GrantRow> = Sql::new(
        "SELECT role, organisation_id, include_subtree FROM staff_roles WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Grant {
                role: Role::parse(&r.role)?,
                organisation_id: r.organisation_id,
                include_subtree: r.include_subtree,
            })
        })
        .collect())
}

/// A staff role as an organisation's administrator sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StaffMember {
    pub grant_id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation_id: i64,
    pub include_subtree: bool,
    pub totp_enabled_at: Option<DateTime<Utc>>,
}

/// The staff roles held in the given organisations.
pub async fn staff_of(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<StaffMember>, DbError> {
    Sql::new(
        "SELECT r.id AS grant_id, u.id AS user_id, u.name, u.email, r.role, r.organisation_id, r.include_subtree, u.totp_enabled_at \
         FROM staff_roles r JOIN users u ON u.id = r.user_id \
         WHERE r.organisation_id = $1 ORDER BY u.name, r.role",
    )
    .bind(organisation_id)
    .fetch_all(conn)
    .await
}

pub async fn staff_grant(
    conn: &mut Conn<'_>,
    grant_id: i64,
) -> Result<Option<StaffMember>, DbError> {
    Sql::new(
        "SELECT r.id AS grant_id, u.id AS user_id, u.name, u.email, r.role, r.organisation_id, r.include_subtree, u.totp_enabled_at \
         FROM staff_roles r JOIN users u ON u.id = r.user_id WHERE r.id = $1 AND r.organisation_id IS NOT NULL",
    )
    .bind(grant_id)
    .fetch_optional(conn)
    .await
}

pub async fn revoke(conn: &mut Conn<'_>, grant_id: i64) -> Result<(), DbError> {
    Sql::new("DELETE FROM staff_roles WHERE id = $1")
        .bind(grant_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn confirm_email(
    conn: &mut Conn<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a new password hash and lifts any lock.
pub async fn set_password(
    conn: &mut Conn<'_>,
    user_id: i64,
    password_hash: &str,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2",
    )
    .bind(password_hash)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a resident edits about themself.
pub struct Profile<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub locale: &'a str,
    pub notify_email: bool,
    pub notify_news: bool,
    /// How staff take case news by e-mail (ignored for residents).
    pub staff_mail: StaffMail,
}

/// How a staff member takes case news by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffMail {
    /// One digest a day.
    Digest,
    /// An e-mail for each notification.
    Each,
    None,
}

impl StaffMail {
    pub const ALL: [Self; 3] = [Self::Digest, Self::Each, Self::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::Each => "each",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

pub async fn update_profile(
    conn: &mut Conn<'_>,
    user_id: i64,
    profile: &Profile<'_>,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE users SET name = $1, phone = $2, locale = $3, notify_email = $4, notify_news = $5, staff_mail = $7 WHERE id = $6",
    )
    .bind(profile.name)
    .bind(profile.phone)
    .bind(profile.locale)
    .bind(profile.notify_email)
    .bind(profile.notify_news)
    .bind(user_id)
    .bind(profile.staff_mail.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a second-factor secret; `enabled_at` is set once the user has
/// proven they hold it, and both are cleared to switch it off.
pub async fn set_totp(
    conn: &mut Conn<'_>,
    user_id: i64,
    secret: Option<&str>,
    enabled_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    Sql::new("UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = NULL WHERE id = $3")
        .bind(secret)
        .bind(enabled_at)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The name a deleted account leaves behind in histories.
pub const DELETED_NAME: &str = "Удалённый пользователь";

/// Deletes an account by anonymising it: the row stays so that messages and
/// their histories keep their shape, but nothing identifies the person.
pub async fn anonymise(
    conn: &mut Conn<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "UPDATE users SET email = NULL, password_hash = NULL, name = $1, phone = NULL, active = $2, \
         totp_secret = NULL, totp_enabled_at = NULL, email_confirmed_at = NULL, notify_email = $2, \
         notify_news = $2, deleted_at = $3 WHERE id = $4",
    )
    .bind(DELETED_NAME)
    .bind(false)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    for table in [
        "sessions",
        "user_identities",
        "account_tokens",
        "staff_roles",
    ] {
        Sql::new(format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(user_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Records that a second-factor code of time step `step` was used; false when
/// that step (or a later one) was used already, so a code works only once.
pub async fn use_totp_step(conn: &mut Conn<'_>, user_id: i64, step: i64) -> Result<bool, DbError> {
    let n = Sql::new(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Switches the stored second factor on (or, with `None`, leaves it proposed).
pub async fn set_totp_enabled(
    conn: &mut Conn<'_>,
    user_id: i64,
    enabled_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    Sql::new("UPDATE users SET totp_enabled_at = $1 WHERE id = $2 AND totp_secret IS NOT NULL")
        .bind(enabled_at)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
