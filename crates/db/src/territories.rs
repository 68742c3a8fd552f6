use serde::Serialize;

use crate::{Conn, DbError, Sql};

/// A territory without its geometry, for lists and forms.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Territory {
    pub id: i64,
    pub region_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub kind: String,
    pub name_ru: String,
    pub name_en: String,
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Geometry {
    pub id: i64,
    pub geometry: String,
}

pub struct NewTerritory<'a> {
    pub region_id: i64,
    pub parent_id: Option<i64>,
    pub slug: &'a str,
    pub kind: &'a str,
    pub name_ru: &'a str,
    pub name_en: &'a str,
    /// GeoJSON Polygon or MultiPolygon, already checked by the caller.
    pub geometry: &'a str,
    /// (min_lat, min_lon, max_lat, max_lon)
    pub bounds: (f64, f64, f64, f64),
}

pub async fn insert(conn: &mut Conn<'_>, t: &NewTerritory<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO territories (region_id, parent_id, slug, kind, name_ru, name_en, geometry, min_lat, min_lon, max_lat, max_lon) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(t.region_id)
    .bind(t.parent_id)
    .bind(t.slug)
    .bind(t.kind)
    .bind(t.name_ru)
    .bind(t.name_en)
    .bind(t.geometry)
    .bind(t.bounds.0)
    .bind(t.bounds.1)
    .bind(t.bounds.2)
    .bind(t.bounds.3)
    .scalar(conn)
    .await
}

const COLUMNS: &str =
    "id, region_id, parent_id, slug, kind, name_ru, name_en, min_lat, min_lon, max_lat, max_lon";

pub async fn list(conn: &mut Conn<'_>) -> Result<Vec<Territory>, DbError> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM territories ORDER BY parent_id IS NOT NULL, name_ru, id"
    ))
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Territory>, DbError> {
    Sql::new(format!("SELECT {COLUMNS} FROM territories WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn geometries(conn: &mut Conn<'_>) -> Result<Vec<Geometry>, DbError> {
    Sql::new("SELECT id, geometry FROM territories ORDER BY id")
        .fetch_all(conn)
        .await
}

/// A territory and the ones it lies in, smallest first (the order routing
/// rules are matched in).
pub async fn chain(conn: &mut Conn<'_>, id: i64) -> Result<Vec<i64>, DbError> {
    let mut chain = vec![id];
    let mut at = id;
    // A tree of a region is shallow; the bound guards against a cycle.
    for _ in 0..16 {
        let parent: Option<i64> = Sql::new("SELECT parent_id FROM territories WHERE id = $1")
            .bind(at)
            .fetch_optional::<Parent>(conn)
            .await?
            .and_then(|p| p.parent_id);
        match parent {
            Some(p) => {
                chain.push(p);
                at = p;
            }
            None => break,
        }
    }
    Ok(chain)
}

#[derive(sqlx::FromRow)]
struct Parent {
    parent_id: Option<i64>,
}

pub async fn exists(conn: &mut Conn<'_>, id: i64) -> Result<bool, DbError> {
    let n: i64 = Sql::new("SELECT COUNT(*) FROM territories WHERE id = $1")
        .bind(id)
        .scalar(conn)
        .await?;
    Ok(n > 0)
}
