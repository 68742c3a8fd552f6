//! People: residents and staff. Staff roles are rows of their own, each scoped
//! to an organisation (and optionally its subtree).

use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use chrono::{DateTime, Utc};
use serde::Serialize;
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
}

impl User {
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

const USER_COLUMNS: &str = "id, email, password_hash, name, phone, locale, active, created_at, failed_logins, locked_until";

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
