//! Platform-wide switches that platform administrators set at run time.

use crate::{Conn, DbError, Sql};

/// Staff must sign in with a second factor.
pub const REQUIRE_STAFF_TOTP: &str = "require_staff_totp";

pub async fn flag(conn: &mut Conn<'_>, key: &str) -> Result<bool, DbError> {
    let values: Vec<String> = Sql::new("SELECT value FROM platform_settings WHERE key = $1")
        .bind(key)
        .scalars(conn)
        .await?;
    Ok(values.first().is_some_and(|v| v == "true"))
}

pub async fn set_flag(conn: &mut Conn<'_>, key: &str, on: bool) -> Result<(), DbError> {
    Sql::new("DELETE FROM platform_settings WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Sql::new("INSERT INTO platform_settings (key, value) VALUES ($1, $2)")
        .bind(key)
        .bind(if on { "true" } else { "false" })
        .execute(conn)
        .await?;
    Ok(())
}

/// A random secret the platform keeps for itself (e.g. to sign widget forms),
/// made on first use. Every application node reads the same one: the first
/// to write it wins.
pub async fn secret(conn: &mut Conn<'_>, key: &str) -> Result<String, DbError> {
    Sql::new(
        "INSERT INTO platform_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(crate::secret::new_token())
    .execute(conn)
    .await?;
    Sql::new("SELECT value FROM platform_settings WHERE key = $1")
        .bind(key)
        .scalar(conn)
        .await
}
