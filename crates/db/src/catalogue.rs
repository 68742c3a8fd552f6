//! Categories and topics. Topics are retired (inactive), never deleted: old
//! messages refer to them.

use serde::Serialize;
use vmeste_domain::deadline::{DeadlineKind, DeadlineRule};

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub position: i32,
    pub name_ru: String,
    pub name_en: String,
    pub icon: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Topic {
    pub id: i64,
    pub category_id: i64,
    pub slug: String,
    pub position: i32,
    pub name_ru: String,
    pub name_en: String,
    pub guidance_ru: String,
    pub guidance_en: String,
    pub responsible: String,
    pub deadline_days: i32,
    pub deadline_kind: String,
    pub dispute_window_days: i32,
    pub extension_days: i32,
    pub priority: bool,
    pub public: bool,
    pub active: bool,
}

impl Topic {
    pub fn deadline(&self) -> Result<DeadlineRule, DbError> {
        let kind = DeadlineKind::parse(&self.deadline_kind).ok_or_else(|| {
            DbError::Corrupt(format!(
                "topic {} has deadline kind {:?}",
                self.id, self.deadline_kind
            ))
        })?;
        Ok(DeadlineRule {
            days: u32::try_from(self.deadline_days).unwrap_or(0),
            kind,
        })
    }
}

const TOPIC_COLUMNS: &str = "id, category_id, slug, position, name_ru, name_en, guidance_ru, guidance_en, responsible, \
                             deadline_days, deadline_kind, dispute_window_days, extension_days, priority, public, active";

pub struct NewCategory<'a> {
    pub slug: &'a str,
    pub position: i32,
    pub name_ru: &'a str,
    pub name_en: &'a str,
    pub icon: &'a str,
}

pub struct NewTopic<'a> {
    pub category_id: i64,
    pub slug: &'a str,
    pub position: i32,
    pub name_ru: &'a str,
    pub name_en: &'a str,
    pub guidance_ru: &'a str,
    pub guidance_en: &'a str,
    pub responsible: &'a str,
    pub deadline: DeadlineRule,
    pub dispute_window_days: i32,
    pub extension_days: i32,
    pub priority: bool,
    pub public: bool,
    pub active: bool,
}

pub async fn insert_category(conn: &mut Conn<'_>, c: &NewCategory<'_>) -> Result<i64, DbError> {
    Sql::new("INSERT INTO categories (slug, position, name_ru, name_en, icon) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(c.slug)
        .bind(c.position)
        .bind(c.name_ru)
        .bind(c.name_en)
        .bind(c.icon)
        .scalar(conn)
        .await
}

pub async fn insert_topic(conn: &mut Conn<'_>, t: &NewTopic<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO topics (category_id, slug, position, name_ru, name_en, guidance_ru, guidance_en, responsible, \
         deadline_days, deadline_kind, dispute_window_days, extension_days, priority, public, active) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(t.category_id)
    .bind(t.slug)
    .bind(t.position)
    .bind(t.name_ru)
    .bind(t.name_en)
    .bind(t.guidance_ru)
    .bind(t.guidance_en)
    .bind(t.responsible)
    .bind(t.deadline.days)
    .bind(t.deadline.kind.as_str())
    .bind(t.dispute_window_days)
    .bind(t.extension_days)
    .bind(t.priority)
    .bind(t.public)
    .bind(t.active)
    .scalar(conn)
    .await
}

pub async fn categories(conn: &mut Conn<'_>) -> Result<Vec<Category>, DbError> {
    Sql::new("SELECT id, slug, position, name_ru, name_en, icon, active FROM categories ORDER BY position, id")
        .fetch_all(conn)
        .await
}

/// All topics, retired ones included, in catalogue order.
pub async fn topics(conn: &mut Conn<'_>) -> Result<Vec<Topic>, DbError> {
    Sql::new(format!(
        "SELECT {TOPIC_COLUMNS} FROM topics ORDER BY category_id, position, id"
    ))
    .fetch_all(conn)
    .await
}

pub async fn topic(conn: &mut Conn<'_>, id: i64) -> Result<Option<Topic>, DbError> {
    Sql::new(format!("SELECT {TOPIC_COLUMNS} FROM topics WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// A category with its topics, for forms and the catalogue API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryWithTopics {
    #[serde(flatten)]
    pub category: Category,
    pub topics: Vec<Topic>,
}

/// The catalogue as residents see it: active categories and active topics.
pub async fn active_tree(conn: &mut Conn<'_>) -> Result<Vec<CategoryWithTopics>, DbError> {
    let categories = categories(conn).await?;
    let mut topics = topics(conn).await?;
    topics.retain(|t| t.active);
    Ok(categories
        .into_iter()
        .filter(|c| c.active)
        .map(|category| {
            let topics = topics
                .iter()
                .filter(|t| t.category_id == category.id)
                .cloned()
                .collect();
            CategoryWithTopics { category, topics }
        })
        .filter(|c| !c.topics.is_empty())
        .collect())
}
