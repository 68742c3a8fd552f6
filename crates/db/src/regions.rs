use serde::Serialize;

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Region {
    pub id: i64,
    pub slug: String,
    pub name_ru: String,
    pub name_en: String,
    pub time_zone: String,
    pub centre_lat: f64,
    pub centre_lon: f64,
    pub zoom: i32,
}

impl Region {
    /// The region's time zone; stored names are checked on insert, so a bad
    /// one means the database was edited by hand.
    pub fn tz(&self) -> Result<chrono_tz::Tz, DbError> {
        self.time_zone.parse().map_err(|_| {
            DbError::Corrupt(format!(
                "unknown time zone {:?} of region {}",
                self.time_zone, self.slug
            ))
        })
    }
}

pub struct NewRegion<'a> {
    pub slug: &'a str,
    pub name_ru: &'a str,
    pub name_en: &'a str,
    pub time_zone: chrono_tz::Tz,
    pub centre_lat: f64,
    pub centre_lon: f64,
    pub zoom: i32,
}

/// The installation's region (the first one created).
pub async fn current(conn: &mut Conn<'_>) -> Result<Option<Region>, DbError> {
    Sql::new("SELECT id, slug, name_ru, name_en, time_zone, centre_lat, centre_lon, zoom FROM regions ORDER BY id LIMIT 1")
        .fetch_optional(conn)
        .await
}

pub async fn insert(conn: &mut Conn<'_>, region: &NewRegion<'_>) -> Result<i64, DbError> {
    Sql::new(
        "INSERT INTO regions (slug, name_ru, name_en, time_zone, centre_lat, centre_lon, zoom) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(region.slug)
    .bind(region.name_ru)
    .bind(region.name_en)
    .bind(region.time_zone.name())
    .bind(region.centre_lat)
    .bind(region.centre_lon)
    .bind(region.zoom)
    .scalar(conn)
    .await
}
