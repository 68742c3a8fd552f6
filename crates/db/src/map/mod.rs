//! The public map: messages counted in grid cells by the database, so a
//! browser gets at most one marker per cell however many messages there
//! are. The whole map at the zooms of a city and coarser reads the kept
//! counts ([`grid`]); a filtered map, or a street's zoom, groups its
//! messages live, in the same cells.

pub(crate) mod grid;

use std::collections::HashMap;

use serde::Serialize;

use self::grid::{Zoom, level_for};
use crate::messages::{BBox, Filter, PUBLISHED, narrowed};
use crate::search::Matching;
use crate::{Conn, DbError, Sql};

/// Messages in one grid cell: where they are and, for a lone one, which.
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub count: i64,
    /// The cell's messages' mean position, where its marker goes.
    pub lat: f64,
    pub lon: f64,
    /// A box around the cell's messages: zooming to it splits the cluster.
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
    /// For a cell of one message: that message.
    #[serde(flatten)]
    pub lone: Option<Lone>,
}

/// The message of a cell of one, its topic and status.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Lone {
    pub first_id: i64,
    #[serde(skip)]
    lat: f64,
    #[serde(skip)]
    lon: f64,
    pub topic_name_ru: String,
    pub topic_name_en: String,
    pub status: String,
}

/// The sums of one cell, whichever way they were counted.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cell {
    pub cell_row: i64,
    pub cell_col: i64,
    pub count: i64,
    pub sum_lat: f64,
    pub sum_lon: f64,
    /// For a cell of one message, its id.
    pub sum_id: i64,
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

/// Where a map's counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The kept counts of the next kept zoom at or finer than the one
    /// asked (finer than every kept zoom: live).
    Grid,
    /// The messages, grouped as they are read.
    Live,
}

/// The most cells one request may ask for; a finer zoom is coarsened.
const MAX_CELLS: i64 = 4096;
/// The finest zoom a map asks for.
pub const MAX_ZOOM: u8 = 20;

/// The cells of `zoom` that the box touches.
fn span(bbox: BBox, zoom: Zoom) -> Span {
    (
        (zoom.row(bbox.south).max(0), zoom.row(bbox.north).max(0)),
        (zoom.col(bbox.west).max(0), zoom.col(bbox.east).max(0)),
    )
}

/// The zoom asked for, coarser while the box would hold more cells than
/// [`MAX_CELLS`].
fn zoom_for(bbox: BBox, zoom: u8) -> Zoom {
    let mut zoom = Zoom(zoom.min(MAX_ZOOM));
    while zoom.0 > 0 {
        let ((south, north), (west, east)) = span(bbox, zoom);
        if (north - south + 1) * (east - west + 1) <= MAX_CELLS {
            break;
        }
        zoom = Zoom(zoom.0 - 1);
    }
    zoom
}

/// Whether the filter asks for every shown message (the box aside).
fn whole_map(filter: &Filter, backend: crate::Backend) -> bool {
    (filter.statuses.is_empty() || PUBLISHED.iter().all(|s| filter.statuses.contains(s)))
        && filter.topic_id.is_none()
        && filter.topics.is_empty()
        && filter.category_id.is_none()
        && filter.organisation_id.is_none()
        && filter.territory_id.is_none()
        && filter.since.is_none()
        && filter.until.is_none()
        && filter
            .search
            .as_deref()
            .is_none_or(|q| Matching::of(backend, q).is_none())
}

/// The filter's public messages in the cells of `zoom` (0–20) that `bbox`
/// touches, each cell whole. Only the lone message of a cell is named.
pub async fn clusters(
    conn: &mut Conn<'_>,
    filter: &Filter,
    bbox: BBox,
    zoom: u8,
) -> Result<Vec<Cluster>, DbError> {
    let source = if whole_map(filter, conn.backend()) {
        Source::Grid
    } else {
        Source::Live
    };
    let cells = cells(conn, filter, bbox, zoom, source).await?;
    let lone_ids: Vec<i64> = cells
        .iter()
        .filter(|c| c.count == 1)
        .map(|c| c.sum_id)
        .collect();
    let mut lone = lone_messages(conn, &lone_ids).await?;
    Ok(cells
        .into_iter()
        .map(|c| {
            let lone = (c.count == 1).then(|| lone.remove(&c.sum_id)).flatten();
            #[allow(clippy::cast_precision_loss)] // counts far below 2^52
            let count = c.count as f64;
            Cluster {
                count: c.count,
                lat: lone.as_ref().map_or(c.sum_lat / count, |m| m.lat),
                lon: lone.as_ref().map_or(c.sum_lon / count, |m| m.lon),
                south: c.south,
                west: c.west,
                north: c.north,
                east: c.east,
                lone,
            }
        })
        .collect())
}

/// The cells' sums from `source` (the grid only counts the whole map), in
/// row and column order.
pub async fn cells(
    conn: &mut Conn<'_>,
    filter: &Filter,
    bbox: BBox,
    zoom: u8,
    source: Source,
) -> Result<Vec<Cell>, DbError> {
    let zoom = zoom_for(bbox, zoom);
    let span = span(bbox, zoom);
    let sql = match level_for(zoom).filter(|_| source == Source::Grid) {
        Some(level) => kept(level, zoom, span),
        None => match live(conn.backend(), filter, zoom, span) {
            Some(sql) => sql,
            None => return Ok(Vec::new()),
        },
    };
    sql.push(" GROUP BY 1, 2 ORDER BY 1, 2")
        .fetch_all(conn)
        .await
}

/// Rows and columns, first and last.
type Span = ((i64, i64), (i64, i64));

/// The cells of `zoom` summed from the kept ones of `level`, before its
/// `GROUP BY`.
fn kept(level: u8, zoom: Zoom, ((south, north), (west, east)): Span) -> Sql {
    let shift = u32::from(level - zoom.0);
    let div = 1_i64 << shift;
    // A row at a time, so each is a seek and a short scan of columns.
    let rows = (south << shift)..((north + 1) << shift);
    Sql::new(format!(
        "SELECT cell_row / {div} AS cell_row, cell_col / {div} AS cell_col, \
         CAST(SUM(count) AS BIGINT) AS count, SUM(sum_lat) AS sum_lat, SUM(sum_lon) AS sum_lon, \
         CAST(SUM(sum_id) AS BIGINT) AS sum_id, MIN(south) AS south, MIN(west) AS west, \
         MAX(north) AS north, MAX(east) AS east FROM map_cells"
    ))
    .push_bound(" WHERE level = {}", i64::from(level))
    .push_list(" AND cell_row IN ", rows)
    .push_bound(" AND cell_col BETWEEN {}", west << shift)
    .push_bound(" AND {}", ((east + 1) << shift) - 1)
    .push(" AND count > 0")
}

/// The cells of `zoom` counted from the filter's messages, before its
/// `GROUP BY`; `None` when the filter keeps none.
fn live(
    backend: crate::Backend,
    filter: &Filter,
    zoom: Zoom,
    ((south, north), (west, east)): Span,
) -> Option<Sql> {
    let (row, col) = zoom.row_col_sql(backend);
    // The cells' own box (read through the place index), then the cells
    // exactly, as the grid has them.
    let margin = zoom.width() / 1024.0;
    let cells_box = BBox {
        south: cell_edge(south, zoom, -90.0) - margin,
        north: cell_edge(north + 1, zoom, -90.0) + margin,
        west: cell_edge(west, zoom, -180.0) - margin,
        east: cell_edge(east + 1, zoom, -180.0) + margin,
    };
    let filter = Filter {
        bbox: Some(cells_box),
        before_id: None,
        ..filter.clone()
    };
    let narrowed = narrowed(
        &format!(
            "SELECT {row} AS cell_row, {col} AS cell_col, COUNT(*) AS count, \
             SUM(m.lat) AS sum_lat, SUM(m.lon) AS sum_lon, CAST(SUM(m.id) AS BIGINT) AS sum_id, \
             MIN(m.lat) AS south, MIN(m.lon) AS west, MAX(m.lat) AS north, MAX(m.lon) AS east"
        ),
        "JOIN topics t ON t.id = m.topic_id",
        backend,
        &filter,
    )?;
    Some(
        narrowed
            .sql
            .push_bound(&format!(" AND {row} BETWEEN {{}}"), south)
            .push_bound(" AND {}", north)
            .push_bound(&format!(" AND {col} BETWEEN {{}}"), west)
            .push_bound(" AND {}", east),
    )
}

/// The southern (western) edge of row (column) `index`, counted from `origin`.
#[allow(clippy::cast_precision_loss)] // indexes far below 2^52
fn cell_edge(index: i64, zoom: Zoom, origin: f64) -> f64 {
    origin + index as f64 * zoom.width()
}

/// The shown messages among `ids`, by id: a cell of one names its message
/// only while it is still shown.
async fn lone_messages(conn: &mut Conn<'_>, ids: &[i64]) -> Result<HashMap<i64, Lone>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<Lone> = Sql::new(
        "SELECT m.id AS first_id, m.lat, m.lon, t.name_ru AS topic_name_ru, \
         t.name_en AS topic_name_en, m.status FROM messages m JOIN topics t ON t.id = m.topic_id",
    )
    .push_bound(" WHERE m.public = {}", true)
    .push_list(" AND m.status IN ", PUBLISHED.iter().map(|s| s.as_str()))
    .push_list(" AND m.id IN ", ids.iter().copied())
    .fetch_all(conn)
    .await?;
    Ok(found.into_iter().map(|m| (m.first_id, m)).collect())
}
