//! Answer templates: ready texts an organisation keeps for a topic (or for
//! any topic), which staff start their answers from.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Template {
    pub id: i64,
    pub organisation_id: i64,
    pub topic_id: Option<i64>,
    pub topic_name_ru: Option<String>,
    pub topic_name_en: Option<String>,
    pub title: String,
    pub text: String,
}

const COLUMNS: &str = "a.id, a.organisation_id, a.topic_id, t.name_ru AS topic_name_ru, \
    t.name_en AS topic_name_en, a.title, a.text \
    FROM answer_templates a LEFT JOIN topics t ON t.id = a.topic_id";

pub struct NewTemplate<'a> {
    pub organisation_id: i64,
    pub topic_id: Option<i64>,
    pub title: &'a str,
    pub text: &'a str,
    pub created_by: i64,
}

pub async fn insert(
    conn: &mut Conn<'_>,
    t: &NewTemplate<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO answer_templates (organisation_id, topic_id, title, text, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.organisation_id)
    .bind(t.topic_id)
    .bind(t.title)
    .bind(t.text)
    .bind(t.created_by)
    .bind(now)
    .scalar(conn)
    .await
}

/// An organisation's templates, by title.
pub async fn of_organisation(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<Template>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} WHERE a.organisation_id = $1 ORDER BY a.title"
    ))
    .bind(organisation_id)
    .fetch_all(conn)
    .await
}

/// The templates that suit a case: its organisation's, for its topic or any.
pub async fn for_case(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    topic_id: i64,
) -> Result<Vec<Template>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} WHERE a.organisation_id = $1 AND (a.topic_id = $2 OR a.topic_id IS NULL) \
         ORDER BY a.topic_id IS NULL, a.title"
    ))
    .bind(organisation_id)
    .bind(topic_id)
    .fetch_all(conn)
    .await
}

pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<Template>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    Sql::new("DELETE FROM answer_templates WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
