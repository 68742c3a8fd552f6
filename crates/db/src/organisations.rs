use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_domain::organisation::OrganisationKind;

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub region_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub kind: String,
    pub name_ru: String,
    pub short_name_ru: String,
    pub name_en: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub time_zone: Option<String>,
    pub requires_answer_approval: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl Organisation {
    pub fn kind(&self) -> OrganisationKind {
        OrganisationKind::parse(&self.kind).unwrap_or(OrganisationKind::Other)
    }
}

const COLUMNS: &str = "id, region_id, parent_id, slug, kind, name_ru, short_name_ru, name_en, email, phone, \
                       address, website, time_zone, requires_answer_approval, active, created_at";

pub struct NewOrganisation<'a> {
    pub region_id: i64,
    pub parent_id: Option<i64>,
    pub slug: &'a str,
    pub kind: OrganisationKind,
    pub name_ru: &'a str,
    pub short_name_ru: &'a str,
    pub name_en: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
    pub website: Option<&'a str>,
    pub requires_answer_approval: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn<'_>, org: &NewOrganisation<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO organisations (region_id, parent_id, slug, kind, name_ru, short_name_ru, name_en, email, phone, \
         address, website, requires_answer_approval, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(org.region_id)
    .bind(org.parent_id)
    .bind(org.slug)
    .bind(org.kind.as_str())
    .bind(org.name_ru)
    .bind(org.short_name_ru)
    .bind(org.name_en)
    .bind(org.email)
    .bind(org.phone)
    .bind(org.address)
    .bind(org.website)
    .bind(org.requires_answer_approval)
    .bind(org.created_at)
    .scalar(conn)
    .await
}

pub async fn add_territory(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    territory_id: i64,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO organisation_territories (organisation_id, territory_id) VALUES ($1, $2)",
    )
    .bind(organisation_id)
    .bind(territory_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Active organisations in name order.
pub async fn list(conn: &mut Conn<'_>) -> Result<Vec<Organisation>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM organisations WHERE active = $1 ORDER BY name_ru, id"
    ))
    .bind(true)
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Organisation>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM organisations WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn count(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM organisations")
        .scalar(conn)
        .await
}

/// Ids of the territories each organisation serves, as (organisation, territory) pairs.
pub async fn territory_links(conn: &mut Conn<'_>) -> Result<Vec<(i64, i64)>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Link {
        organisation_id: i64,
        territory_id: i64,
    }
    let links: Vec<Link> =
        Sql::new("SELECT organisation_id, territory_id FROM organisation_territories ORDER BY organisation_id, territory_id")
            .fetch_all(conn)
            .await?;
    Ok(links
        .into_iter()
        .map(|l| (l.organisation_id, l.territory_id))
        .collect())
}

#[derive(sqlx::FromRow)]
struct ParentLink {
    id: i64,
    parent_id: Option<i64>,
}

/// The organisations' tree, for deciding who reaches what.
pub async fn tree(conn: &mut Conn<'_>) -> Result<vmeste_domain::access::OrgTree, DbError> {
    let links: Vec<ParentLink> = Sql::new("SELECT id, parent_id FROM organisations")
        .fetch_all(conn)
        .await?;
    Ok(vmeste_domain::access::OrgTree::new(
        links.into_iter().map(|l| (l.id, l.parent_id)),
    ))
}
