//! The map's grid: square cells at each zoom, and the counts of the shown
//! messages in them kept at a few zooms, moved in the same transaction as
//! the change that shows or hides a message (like the daily counters), so a
//! viewport reads its cells instead of grouping every message in it.
//!
//! Cells are counted from 90° S and 180° W, so an index is whole and never
//! negative, and a cell at zoom z is exactly four cells at z + 1: a zoom
//! between the kept ones is summed from the next finer.

use std::collections::HashMap;

use crate::messages::PUBLISHED;
use crate::{Arg, Backend, Conn, DbError, Sql, many_rows};

/// The zooms whose cells are kept counted: every other one from the
/// region's (8) to a few streets (18); coarser zooms sum level 8, finer
/// ones group their few messages live.
const LEVELS: [u8; 6] = [8, 10, 12, 14, 16, 18];

/// The kept zoom a map at `zoom` is summed from: the next at or finer.
pub(crate) fn level_for(zoom: Zoom) -> Option<u8> {
    LEVELS.into_iter().find(|&level| level >= zoom.0)
}

/// The cells of one zoom: 90° / 2^zoom wide, which is 64 pixels, a
/// marker's room, on Web Mercator's 256-pixel tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Zoom(pub u8);

impl Zoom {
    fn cells_per_90(self) -> u32 {
        1_u32 << self.0
    }

    pub(crate) fn width(self) -> f64 {
        90.0 / f64::from(self.cells_per_90())
    }

    /// The row of a latitude. The SQL twin below computes it with the very
    /// same operations, so both put a point in the same cell.
    #[allow(clippy::cast_possible_truncation)] // whole by floor, far below i64::MAX
    pub(crate) fn row(self, lat: f64) -> i64 {
        ((lat + 90.0) * f64::from(self.cells_per_90()) / 90.0).floor() as i64
    }

    #[allow(clippy::cast_possible_truncation)] // whole by floor, far below i64::MAX
    pub(crate) fn col(self, lon: f64) -> i64 {
        ((lon + 180.0) * f64::from(self.cells_per_90()) / 90.0).floor() as i64
    }

    /// [`Self::row`] and [`Self::col`] of `messages m` in SQL.
    pub(crate) fn row_col_sql(self, backend: Backend) -> (String, String) {
        let n = self.cells_per_90();
        let floor = |x: String| match backend {
            // Never negative, so truncation is floor.
            Backend::Sqlite => format!("CAST({x} AS INTEGER)"),
            Backend::Postgres => format!("CAST(FLOOR({x}) AS BIGINT)"),
        };
        (
            floor(format!("(m.lat + 90) * {n} / 90")),
            floor(format!("(m.lon + 180) * {n} / 90")),
        )
    }
}

/// A shown message's point.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub(crate) struct Placed {
    lat: f64,
    lon: f64,
}

/// Where the message is on the public map, if it is shown there at all
/// (public, and published).
pub(crate) async fn placed(conn: &mut Conn<'_>, id: i64) -> Result<Option<Placed>, DbError> {
    Sql::new("SELECT lat, lon FROM messages WHERE id = $1 AND public = $2")
        .bind(id)
        .bind(true)
        .push_list(" AND status IN ", PUBLISHED.iter().map(|s| s.as_str()))
        .fetch_optional(conn)
        .await
}

/// Moves the message's count after a change to it, given where it was
/// shown before ([`placed`]); whether it is shown now.
pub(crate) async fn follow(
    conn: &mut Conn<'_>,
    id: i64,
    before: Option<Placed>,
) -> Result<bool, DbError> {
    let after = placed(conn, id).await?;
    if before != after {
        if let Some(was) = before {
            shift(conn, id, was, -1).await?;
        }
        if let Some(is) = after {
            shift(conn, id, is, 1).await?;
        }
    }
    Ok(after.is_some())
}

/// Counts a message shown at `lat`, `lon` that was not before.
pub(crate) async fn shown(conn: &mut Conn<'_>, id: i64, lat: f64, lon: f64) -> Result<(), DbError> {
    shift(conn, id, Placed { lat, lon }, 1).await
}

/// Adds (`by` 1) or takes away (-1) a message in its cell at every kept
/// zoom. A cell's box only grows while it has messages (it still holds
/// them all after one leaves) and starts anew once it was empty.
async fn shift(conn: &mut Conn<'_>, id: i64, at: Placed, by: i32) -> Result<(), DbError> {
    let mut sql = Sql::new(format!("INSERT INTO map_cells ({COLUMNS}) VALUES "));
    for (i, level) in LEVELS.into_iter().enumerate() {
        let zoom = Zoom(level);
        sql = sql
            .push(if i == 0 { "(" } else { ", (" })
            .push_bound("{}", i64::from(level))
            .push_bound(", {}", zoom.row(at.lat))
            .push_bound(", {}", zoom.col(at.lon))
            .push_bound(", {}", by)
            .push_bound(", {}", at.lat * f64::from(by))
            .push_bound(", {}", at.lon * f64::from(by))
            .push_bound(", {}", id * i64::from(by))
            .push_bound(", {}", at.lat)
            .push_bound(", {}", at.lon)
            .push_bound(", {}", at.lat)
            .push_bound(", {}", at.lon)
            .push(")");
    }
    sql.push(&adding()).execute(conn).await?;
    Ok(())
}

/// What a row inserted into `map_cells` does to a cell already there: adds
/// its count and sums (a negative count takes a message away), and widens
/// the box.
fn adding() -> String {
    let emptied = "map_cells.count + excluded.count = 0";
    let fresh = "map_cells.count = 0";
    format!(
        " ON CONFLICT (level, cell_row, cell_col) DO UPDATE SET \
         count = map_cells.count + excluded.count, \
         sum_lat = CASE WHEN {emptied} THEN 0 ELSE map_cells.sum_lat + excluded.sum_lat END, \
         sum_lon = CASE WHEN {emptied} THEN 0 ELSE map_cells.sum_lon + excluded.sum_lon END, \
         sum_id = map_cells.sum_id + excluded.sum_id, \
         south = CASE WHEN {fresh} OR excluded.south < map_cells.south THEN excluded.south ELSE map_cells.south END, \
         west = CASE WHEN {fresh} OR excluded.west < map_cells.west THEN excluded.west ELSE map_cells.west END, \
         north = CASE WHEN {fresh} OR excluded.north > map_cells.north THEN excluded.north ELSE map_cells.north END, \
         east = CASE WHEN {fresh} OR excluded.east > map_cells.east THEN excluded.east ELSE map_cells.east END"
    )
}

/// The grid of a bulk load, summed in memory as its messages are made
/// rather than grouped from the whole table after (at 10M messages that
/// scan took half a minute): the finest kept zoom's cells, through the same
/// [`Zoom::row`] and [`Zoom::col`] as the live map.
#[derive(Default)]
pub(crate) struct BulkCells(HashMap<(i64, i64), CellSums>);

#[derive(Clone, Copy)]
struct CellSums {
    count: i64,
    sum_lat: f64,
    sum_lon: f64,
    sum_id: i64,
    south: f64,
    west: f64,
    north: f64,
    east: f64,
}

impl BulkCells {
    /// Counts a shown message.
    pub(crate) fn add(&mut self, id: i64, lat: f64, lon: f64) {
        let finest = Zoom(LEVELS[LEVELS.len() - 1]);
        let cell = self
            .0
            .entry((finest.row(lat), finest.col(lon)))
            .or_insert(CellSums {
                count: 0,
                sum_lat: 0.0,
                sum_lon: 0.0,
                sum_id: 0,
                south: lat,
                west: lon,
                north: lat,
                east: lon,
            });
        cell.count += 1;
        cell.sum_lat += lat;
        cell.sum_lon += lon;
        cell.sum_id += id;
        cell.south = cell.south.min(lat);
        cell.west = cell.west.min(lon);
        cell.north = cell.north.max(lat);
        cell.east = cell.east.max(lon);
    }

    /// The statements that add the cells to the stored grid (which counts
    /// the messages there before the load), each built as it is taken: the
    /// finest zoom's in key order, then each coarser zoom summed again from
    /// the one below it.
    pub(crate) fn statements(self, backend: Backend) -> impl Iterator<Item = Sql> {
        let finest = LEVELS[LEVELS.len() - 1];
        let mut cells: Vec<_> = self.0.into_iter().collect();
        cells.sort_unstable_by_key(|(key, _)| *key);
        let rows = cells.into_iter().map(move |((row, col), c)| {
            vec![
                Arg::from(i64::from(finest)),
                row.into(),
                col.into(),
                c.count.into(),
                c.sum_lat.into(),
                c.sum_lon.into(),
                c.sum_id.into(),
                c.south.into(),
                c.west.into(),
                c.north.into(),
                c.east.into(),
            ]
        });
        let coarser = LEVELS.windows(2).rev().map(|pair| {
            let (level, finer) = (pair[0], pair[1]);
            let div = 1_u32 << (finer - level);
            Sql::new(format!(
                "INSERT INTO map_cells ({COLUMNS}) SELECT {level}, cell_row / {div}, cell_col / {div}, \
                 SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), \
                 MAX(north), MAX(east) FROM map_cells WHERE level = {finer} GROUP BY 2, 3"
            ))
        });
        many_rows::statements_by_part(
            backend,
            format!("INSERT INTO map_cells ({COLUMNS}) VALUES "),
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})".to_string(),
            adding(),
            rows,
            10_000,
        )
        .chain(std::iter::once(Sql::new(format!(
            "DELETE FROM map_cells WHERE level < {finest}"
        ))))
        .chain(coarser)
    }
}

const COLUMNS: &str =
    "level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east";
