//! The register of apartment buildings and their management companies. A
//! topic in a management company's area goes to the company of the house
//! the message is about — found by the address the resident typed, else by
//! the nearest registered house to the point — before any district rule.

use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_domain::address;

use crate::{Conn, DbError, Sql};

/// The responsibility area routed by the house register.
pub const MANAGED_AREA: &str = "management_company";

/// How far from a registered house a point still means that house, in metres.
const NEAR_METRES: f64 = 40.0;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct House {
    pub id: i64,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub manager_id: Option<i64>,
    pub manager_name_ru: Option<String>,
}

const HOUSE: &str = "SELECT h.id, h.address, h.lat, h.lon, h.manager_id, o.name_ru AS manager_name_ru \
    FROM houses h LEFT JOIN organisations o ON o.id = h.manager_id";

pub struct NewHouse<'a> {
    pub region_id: i64,
    pub address: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub manager_id: Option<i64>,
}

/// Registers a house; `None` when a house with the same address exists.
pub async fn insert(
    conn: &mut Conn<'_>,
    house: &NewHouse<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let key = address::fold(house.address);
    let taken: i64 = Sql::new("SELECT COUNT(*) FROM houses WHERE address_key = $1")
        .bind(key.clone())
        .scalar(conn)
        .await?;
    if taken > 0 {
        return Ok(None);
    }
    Sql::new(
        "INSERT INTO houses (region_id, address, address_key, lat, lon, manager_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(house.region_id)
    .bind(house.address)
    .bind(key)
    .bind(house.lat)
    .bind(house.lon)
    .bind(house.manager_id)
    .bind(now)
    .scalar(conn)
    .await
    .map(Some)
}

/// Every house, by address.
pub async fn list(conn: &mut Conn<'_>) -> Result<Vec<House>, DbError> {
    Sql::new(format!("{HOUSE} ORDER BY h.address"))
        .fetch_all(conn)
        .await
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<House>, DbError> {
    Sql::new(format!("{HOUSE} WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Hands a house to another management company (or to none).
pub async fn set_manager(
    conn: &mut Conn<'_>,
    id: i64,
    manager_id: Option<i64>,
) -> Result<bool, DbError> {
    let n = Sql::new("UPDATE houses SET manager_id = $1 WHERE id = $2")
        .bind(manager_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// The registered house at a typed address. The register leaves out the
/// town that residents often type first («г. Приозёрск, ул. Ленина, 10»), so
/// the address's tails are tried too, longest first, down to a street and
/// a number — in one query.
pub async fn by_address(conn: &mut Conn<'_>, typed: &str) -> Result<Option<House>, DbError> {
    let key = address::fold(typed);
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let tails: Vec<String> = (0..words.len().saturating_sub(1))
        .map(|start| words[start..].join(" "))
        .collect();
    if tails.is_empty() {
        return Ok(None);
    }
    // Keys are unique, and a longer tail is a longer key.
    Sql::new(format!("{HOUSE} WHERE h.address_key IN "))
        .push_list("", tails)
        .push(" ORDER BY LENGTH(h.address_key) DESC LIMIT 1")
        .fetch_optional(conn)
        .await
}

/// The reference data's version (see [`crate::reference`]) and the
/// registered houses near a point, read together: intake needs both for
/// every message, and on SQLite each statement is a round trip to another
/// thread.
pub async fn near_with_reference_version(
    conn: &mut Conn<'_>,
    lat: f64,
    lon: f64,
) -> Result<(i64, Vec<House>), DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        version: i64,
        id: Option<i64>,
        address: Option<String>,
        lat: Option<f64>,
        lon: Option<f64>,
        manager_id: Option<i64>,
        manager_name_ru: Option<String>,
    }
    // A box a little larger than the radius, on the (lat, lon) index.
    let dlat = NEAR_METRES / 111_000.0 * 1.5;
    let dlon = dlat / lat.to_radians().cos().max(0.1);
    let rows: Vec<Row> = Sql::new(
        "SELECT r.version, h.id, h.address, h.lat, h.lon, h.manager_id, \
         o.name_ru AS manager_name_ru \
         FROM reference_version r \
         LEFT JOIN houses h ON h.lat BETWEEN $1 AND $2 AND h.lon BETWEEN $3 AND $4 \
         LEFT JOIN organisations o ON o.id = h.manager_id \
         WHERE r.id = 1",
    )
    .bind(lat - dlat)
    .bind(lat + dlat)
    .bind(lon - dlon)
    .bind(lon + dlon)
    .fetch_all(conn)
    .await?;
    let version = rows.first().map(|r| r.version).ok_or(DbError::NotFound)?;
    let houses = rows
        .into_iter()
        .filter_map(|r| {
            Some(House {
                id: r.id?,
                address: r.address?,
                lat: r.lat?,
                lon: r.lon?,
                manager_id: r.manager_id,
                manager_name_ru: r.manager_name_ru,
            })
        })
        .collect();
    Ok((version, houses))
}

/// The house a message is about: the typed address first, then the nearest
/// registered house within a few dozen metres of the point.
pub async fn find(
    conn: &mut Conn<'_>,
    typed_address: Option<&str>,
    lat: f64,
    lon: f64,
) -> Result<Option<House>, DbError> {
    let (_, near) = near_with_reference_version(conn, lat, lon).await?;
    choose(conn, typed_address, lat, lon, near).await
}

/// [`find`] among the houses `near` the point, read beforehand.
pub async fn choose(
    conn: &mut Conn<'_>,
    typed_address: Option<&str>,
    lat: f64,
    lon: f64,
    near: Vec<House>,
) -> Result<Option<House>, DbError> {
    if let Some(typed) = typed_address {
        let by_address = by_address(conn, typed).await?;
        if by_address.is_some() {
            return Ok(by_address);
        }
    }
    Ok(near
        .into_iter()
        .map(|h| (metres(lat, lon, h.lat, h.lon), h))
        .filter(|(d, _)| *d <= NEAR_METRES)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, h)| h))
}

/// Distance on the sphere, accurate enough at a house's scale.
fn metres(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let k = 111_195.0;
    let dy = (lat2 - lat1) * k;
    let dx = (lon2 - lon1) * k * f64::midpoint(lat1, lat2).to_radians().cos();
    dx.hypot(dy)
}
