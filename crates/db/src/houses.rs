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

/// The registered houses near each of `points`, in their order, read in as
/// few statements as SQLite allows: intake's writer needs them for every
/// message of a batch, and on SQLite each statement is a round trip to
/// another thread.
pub async fn near_each(
    conn: &mut Conn<'_>,
    points: &[(f64, f64)],
) -> Result<Vec<Vec<House>>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        point: i32,
        #[sqlx(flatten)]
        house: House,
    }
    // SQLite refuses a compound SELECT of more than 500 terms.
    const TERMS: usize = 250;
    let mut near = vec![Vec::new(); points.len()];
    for (chunk, points) in points.chunks(TERMS).enumerate() {
        let mut sql = Sql::new("");
        for (i, &(lat, lon)) in points.iter().enumerate() {
            // A box a little larger than the radius, on the (lat, lon) index.
            let dlat = NEAR_METRES / 111_000.0 * 1.5;
            let dlon = dlat / lat.to_radians().cos().max(0.1);
            let union = if i == 0 { "" } else { " UNION ALL " };
            sql = sql
                .push(&format!(
                    "{union}SELECT {i} AS point, h.id, h.address, h.lat, h.lon, h.manager_id, \
                     o.name_ru AS manager_name_ru \
                     FROM houses h LEFT JOIN organisations o ON o.id = h.manager_id"
                ))
                .push_bound(" WHERE h.lat BETWEEN {}", lat - dlat)
                .push_bound(" AND {}", lat + dlat)
                .push_bound(" AND h.lon BETWEEN {}", lon - dlon)
                .push_bound(" AND {}", lon + dlon);
        }
        let rows: Vec<Row> = sql.fetch_all(conn).await?;
        for row in rows {
            let at = usize::try_from(row.point).map(|i| chunk * TERMS + i);
            if let Some(houses) = at.ok().and_then(|i| near.get_mut(i)) {
                houses.push(row.house);
            }
        }
    }
    Ok(near)
}

/// The house a message is about: the typed address first, then the nearest
/// registered house within a few dozen metres of the point.
pub async fn find(
    conn: &mut Conn<'_>,
    typed_address: Option<&str>,
    lat: f64,
    lon: f64,
) -> Result<Option<House>, DbError> {
    if let Some(typed) = typed_address
        && let Some(house) = by_address(conn, typed).await?
    {
        return Ok(Some(house));
    }
    let near = near_each(conn, &[(lat, lon)]).await?;
    Ok(nearest(near.into_iter().flatten(), lat, lon))
}

/// The nearest of the houses `near` a point, if within a few dozen metres.
pub fn nearest(near: impl IntoIterator<Item = House>, lat: f64, lon: f64) -> Option<House> {
    near.into_iter()
        .map(|h| (metres(lat, lon, h.lat, h.lon), h))
        .filter(|(d, _)| *d <= NEAR_METRES)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, h)| h)
}

/// Distance on the sphere, accurate enough at a house's scale.
fn metres(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let k = 111_195.0;
    let dy = (lat2 - lat1) * k;
    let dx = (lon2 - lon1) * k * f64::midpoint(lat1, lat2).to_radians().cos();
    dx.hypot(dy)
}
