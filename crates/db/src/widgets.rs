//! The «Сообщить о проблеме» widget of an organisation: the sites allowed
//! to frame it and how its button looks.

use chrono::{DateTime, Utc};

use crate::{Conn, DbError, Sql};

/// A site allowed to frame an organisation's widget.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllowedOrigin {
    pub id: i64,
    pub organisation_id: i64,
    /// `scheme://host[:port]`, as checked by the administrator's page.
    pub origin: String,
    pub created_at: DateTime<Utc>,
}

/// The most sites one organisation may list: a CSP header has to stay short.
pub const MAX_ORIGINS: usize = 20;

pub async fn origins_of(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<AllowedOrigin>, DbError> {
    Sql::new(
        "SELECT id, organisation_id, origin, created_at FROM widget_origins \
         WHERE organisation_id = $1 ORDER BY origin",
    )
    .bind(organisation_id)
    .fetch_all(conn)
    .await
}

/// Adds a site: the new row's id, or `None` when the organisation already
/// lists it.
pub async fn add_origin(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    origin: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let ids: Vec<i64> = Sql::new(
        "INSERT INTO widget_origins (organisation_id, origin, created_by, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, origin) DO NOTHING RETURNING id",
    )
    .bind(organisation_id)
    .bind(origin)
    .bind(by)
    .bind(now)
    .scalars(conn)
    .await?;
    Ok(ids.first().copied())
}

/// Removes a site of the organisation; the origin removed, if it was there.
pub async fn remove_origin(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    id: i64,
) -> Result<Option<String>, DbError> {
    let removed: Vec<String> = Sql::new(
        "DELETE FROM widget_origins WHERE id = $1 AND organisation_id = $2 RETURNING origin",
    )
    .bind(id)
    .bind(organisation_id)
    .scalars(conn)
    .await?;
    Ok(removed.into_iter().next())
}

/// How the widget's button looks and what the form presets.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Settings {
    pub topic_id: Option<i64>,
    /// `ru` or `en`.
    pub lang: String,
    /// The button's colours, `#rrggbb`.
    pub background: String,
    pub color: String,
    pub button_text: String,
    /// `iframe` (an overlay on the site) or `page` (a new tab).
    pub mode: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            topic_id: None,
            lang: "ru".into(),
            background: "#0b5cad".into(),
            color: "#ffffff".into(),
            button_text: "Сообщить о проблеме".into(),
            mode: "iframe".into(),
        }
    }
}

/// The organisation's settings, or the defaults until it saves its own.
pub async fn settings(conn: &mut Conn<'_>, organisation_id: i64) -> Result<Settings, DbError> {
    let found: Option<Settings> = Sql::new(
        "SELECT topic_id, lang, background, color, button_text, mode FROM widget_settings \
         WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.unwrap_or_default())
}

pub async fn save_settings(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    settings: &Settings,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO widget_settings \
         (organisation_id, topic_id, lang, background, color, button_text, mode, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (organisation_id) DO UPDATE SET topic_id = excluded.topic_id, \
         lang = excluded.lang, background = excluded.background, color = excluded.color, \
         button_text = excluded.button_text, mode = excluded.mode, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(organisation_id)
    .bind(settings.topic_id)
    .bind(settings.lang.as_str())
    .bind(settings.background.as_str())
    .bind(settings.color.as_str())
    .bind(settings.button_text.as_str())
    .bind(settings.mode.as_str())
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
