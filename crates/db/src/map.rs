//! The public map: messages grouped into grid cells by the database, so a
//! browser gets at most one marker per cell however many messages there are.

use serde::Serialize;

use crate::messages::{BBox, Filter, narrowed};
use crate::{Backend, Conn, DbError};

/// Messages in one grid cell: where they are and, for a lone one, which.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Cluster {
    pub count: i64,
    /// The cell's messages' mean position, where its marker goes.
    pub lat: f64,
    pub lon: f64,
    /// The box around the cell's messages: zooming to it splits the cluster.
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
    /// For a cell of one message: that message, its topic and status.
    pub first_id: i64,
    pub topic_name_ru: String,
    pub topic_name_en: String,
    pub status: String,
}

/// The most cells one request may ask for; a finer grid is coarsened.
const MAX_CELLS: f64 = 4096.0;

/// The filter's public messages in `bbox`, grouped on a grid of square cells
/// `cell` degrees wide. Only the lone message of a cell is named (the
/// `first_id`, topic and status of a larger cell are of one of its messages).
pub async fn clusters(
    conn: &mut Conn<'_>,
    filter: &Filter,
    bbox: BBox,
    cell: f64,
) -> Result<Vec<Cluster>, DbError> {
    let area = (bbox.east - bbox.west).abs() * (bbox.north - bbox.south).abs();
    let cell = cell.max((area / MAX_CELLS).sqrt()).max(1e-6);
    let filter = Filter {
        bbox: Some(bbox),
        before_id: None,
        ..filter.clone()
    };
    let backend = conn.backend();
    let Some(narrowed) = narrowed(
        "SELECT COUNT(*) AS count, AVG(m.lat) AS lat, AVG(m.lon) AS lon, \
         MIN(m.lat) AS south, MIN(m.lon) AS west, MAX(m.lat) AS north, MAX(m.lon) AS east, \
         MIN(m.id) AS first_id, MIN(t.name_ru) AS topic_name_ru, MIN(t.name_en) AS topic_name_en, \
         MIN(m.status) AS status",
        "JOIN topics t ON t.id = m.topic_id",
        backend,
        &filter,
    ) else {
        return Ok(Vec::new());
    };
    // Offsets from the box's corner are never negative, so truncation is floor.
    let (open, close) = match backend {
        Backend::Sqlite => ("CAST(", " AS INTEGER)"),
        Backend::Postgres => ("FLOOR(", ")"),
    };
    narrowed
        .sql
        .push(" GROUP BY ")
        .push(open)
        .push_bound("(m.lat - {})", bbox.south)
        .push_bound(" / {}", cell)
        .push(close)
        .push(", ")
        .push(open)
        .push_bound("(m.lon - {})", bbox.west)
        .push_bound(" / {}", cell)
        .push(close)
        .push(" ORDER BY first_id")
        .fetch_all(conn)
        .await
}
