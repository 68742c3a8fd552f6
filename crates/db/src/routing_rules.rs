//! Routing rules: which organisation answers a topic (or a topic's area of
//! responsibility) within a territory. The most specific territory wins; on
//! the same territory a rule for the topic beats one for its area.

use serde::Serialize;

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Rule {
    pub id: i64,
    pub topic_id: Option<i64>,
    pub responsible: Option<String>,
    pub territory_id: Option<i64>,
    pub organisation_id: i64,
}

pub enum Target<'a> {
    Topic(i64),
    Responsible(&'a str),
}

pub async fn insert(
    conn: &mut Conn<'_>,
    target: Target<'_>,
    territory_id: Option<i64>,
    organisation_id: i64,
) -> Result<i64, DbError> {
    let (topic_id, responsible) = match target {
        Target::Topic(id) => (Some(id), None),
        Target::Responsible(key) => (None, Some(key)),
    };
    Sql::new(
        "INSERT INTO routing_rules (topic_id, responsible, territory_id, organisation_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(topic_id)
    .bind(responsible)
    .bind(territory_id)
    .bind(organisation_id)
    .scalar(conn)
    .await
}

/// Every rule that could apply to a topic, whatever the territory.
pub async fn candidates(
    conn: &mut Conn<'_>,
    topic_id: i64,
    responsible: &str,
) -> Result<Vec<Rule>, DbError> {
    Sql::new(
        "SELECT id, topic_id, responsible, territory_id, organisation_id FROM routing_rules \
         WHERE topic_id = $1 OR responsible = $2 ORDER BY id",
    )
    .bind(topic_id)
    .bind(responsible)
    .fetch_all(conn)
    .await
}

/// Picks the rule for a point lying in `containing` territories (most specific
/// first). Rules for other territories do not apply; a rule without a territory
/// applies anywhere, after every territorial one.
pub fn choose<'r>(rules: &'r [Rule], containing: &[i64]) -> Option<&'r Rule> {
    let rank = |rule: &Rule| -> Option<(usize, bool)> {
        let territory_rank = match rule.territory_id {
            None => containing.len(),
            Some(t) => containing.iter().position(|&c| c == t)?,
        };
        Some((territory_rank, rule.topic_id.is_none()))
    };
    rules
        .iter()
        .filter_map(|r| rank(r).map(|k| (k, r)))
        .min_by_key(|(k, r)| (*k, r.id))
        .map(|(_, r)| r)
}

/// A rule as the editor lists it, with names.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub topic_name_ru: Option<String>,
    pub topic_name_en: Option<String>,
    pub responsible: Option<String>,
    pub territory_name_ru: Option<String>,
    pub territory_name_en: Option<String>,
    pub organisation_name_ru: String,
    pub organisation_name_en: String,
}

/// Every rule, by responsibility area or topic, then territory.
pub async fn list(conn: &mut Conn<'_>) -> Result<Vec<Listed>, DbError> {
    Sql::new(
        "SELECT r.id, t.name_ru AS topic_name_ru, t.name_en AS topic_name_en, r.responsible, \
         tr.name_ru AS territory_name_ru, tr.name_en AS territory_name_en, \
         o.name_ru AS organisation_name_ru, o.name_en AS organisation_name_en FROM routing_rules r \
         LEFT JOIN topics t ON t.id = r.topic_id LEFT JOIN territories tr ON tr.id = r.territory_id \
         JOIN organisations o ON o.id = r.organisation_id \
         ORDER BY r.responsible IS NULL, r.responsible, t.name_ru, tr.name_ru IS NOT NULL, tr.name_ru",
    )
    .fetch_all(conn)
    .await
}

/// Whether a rule for the same target and territory exists already.
pub async fn exists(
    conn: &mut Conn<'_>,
    target: &Target<'_>,
    territory_id: Option<i64>,
) -> Result<bool, DbError> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM routing_rules WHERE ");
    sql = match target {
        Target::Topic(id) => sql.push_bound("topic_id = {}", *id),
        Target::Responsible(key) => sql.push_bound("responsible = {}", (*key).to_owned()),
    };
    sql = match territory_id {
        Some(id) => sql.push_bound(" AND territory_id = {}", id),
        None => sql.push(" AND territory_id IS NULL"),
    };
    let n: i64 = sql.scalar(conn).await?;
    Ok(n > 0)
}

pub async fn delete(conn: &mut Conn<'_>, id: i64) -> Result<bool, DbError> {
    let n = Sql::new("DELETE FROM routing_rules WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// The responsibility areas the catalogue uses.
pub async fn areas(conn: &mut Conn<'_>) -> Result<Vec<String>, DbError> {
    Sql::new("SELECT DISTINCT responsible FROM topics ORDER BY responsible")
        .scalars(conn)
        .await
}
