//! Point-in-territory lookup over GeoJSON polygons.
//!
//! A region has hundreds of territories at most (districts, settlements, service
//! areas), so a bounding-box prefilter over a list sorted by area is enough; the
//! smallest territory containing a point is the most specific one.

use geo::{
    Area, BoundingRect, Contains, CoordsIter, LinesIter, MultiPolygon, Point, Polygon, Rect,
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TerritoryError {
    #[error("not valid GeoJSON: {0}")]
    Json(String),
    #[error("a territory must be a Polygon or MultiPolygon, found {0}")]
    NotAPolygon(String),
    #[error("the territory has no area")]
    Empty,
    #[error(
        "coordinates out of range: longitude must lie in [-180, 180] and latitude in [-90, 90]"
    )]
    OutOfRange,
}

/// Parses a GeoJSON geometry (or a Feature carrying one) into a multipolygon.
pub fn parse_geometry(text: &str) -> Result<MultiPolygon<f64>, TerritoryError> {
    let parsed: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| TerritoryError::Json(e.to_string()))?;
    let geometry = match parsed {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f
            .geometry
            .ok_or_else(|| TerritoryError::NotAPolygon("a Feature without geometry".into()))?,
        geojson::GeoJson::FeatureCollection(_) => {
            return Err(TerritoryError::NotAPolygon("FeatureCollection".into()));
        }
    };
    let kind = geometry.value.type_name().to_string();
    let shape: geo::Geometry<f64> = geometry
        .try_into()
        .map_err(|e: geojson::Error| TerritoryError::Json(e.to_string()))?;
    let multi = match shape {
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        _ => return Err(TerritoryError::NotAPolygon(kind)),
    };
    if multi.bounding_rect().is_none() {
        return Err(TerritoryError::Empty);
    }
    // Every coordinate, holes' too: a bounding box covers the outer rings only.
    let in_range =
        |c: geo::Coord<f64>| (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y);
    if !multi.coords_iter().all(in_range) {
        return Err(TerritoryError::OutOfRange);
    }
    if multi.unsigned_area() <= 0.0 {
        return Err(TerritoryError::Empty);
    }
    Ok(multi)
}

#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    shape: MultiPolygon<f64>,
    bbox: Rect<f64>,
    area: f64,
}

/// Territories by id, answering "which territories contain this point".
#[derive(Debug, Clone, Default)]
pub struct TerritoryIndex {
    /// Sorted by area, smallest first.
    entries: Vec<Entry>,
}

impl TerritoryIndex {
    pub fn new(territories: impl IntoIterator<Item = (i64, MultiPolygon<f64>)>) -> Self {
        let mut entries: Vec<Entry> = territories
            .into_iter()
            .filter_map(|(id, shape)| {
                let bbox = shape.bounding_rect()?;
                let area = shape.unsigned_area();
                Some(Entry {
                    id,
                    shape,
                    bbox,
                    area,
                })
            })
            .collect();
        entries.sort_by(|a, b| a.area.total_cmp(&b.area).then(a.id.cmp(&b.id)));
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Ids of the territories containing the point, the most specific (smallest) first.
    pub fn containing(&self, lat: f64, lon: f64) -> Vec<i64> {
        let point = Point::new(lon, lat);
        self.entries
            .iter()
            .filter(|e| e.bbox.contains(&point) && e.shape.contains(&point))
            .map(|e| e.id)
            .collect()
    }

    /// The smallest territory containing the point.
    pub fn most_specific(&self, lat: f64, lon: f64) -> Option<i64> {
        let point = Point::new(lon, lat);
        self.entries
            .iter()
            .find(|e| e.bbox.contains(&point) && e.shape.contains(&point))
            .map(|e| e.id)
    }

    /// A point guaranteed to lie inside the territory, as (lat, lon): where a
    /// resident names a territory but gives no coordinates.
    pub fn interior_point(&self, id: i64) -> Option<(f64, f64)> {
        let entry = self.entries.iter().find(|e| e.id == id)?;
        interior_point(&entry.shape).map(|p| (p.y(), p.x()))
    }

    /// The bounding box of a territory as (min_lat, min_lon, max_lat, max_lon).
    pub fn bounds(&self, id: i64) -> Option<(f64, f64, f64, f64)> {
        let entry = self.entries.iter().find(|e| e.id == id)?;
        let (min, max) = (entry.bbox.min(), entry.bbox.max());
        Some((min.y, min.x, max.y, max.x))
    }
}

/// The middle of the widest stretch inside the shape of a horizontal line
/// through the middle of one of its parts. geo's `InteriorPoint` does much the
/// same with a sweep line, which panics on a ring that runs back over itself
/// (found by fuzzing; georust/geo#1174), and a stored territory must never
/// panic a resident's request.
fn interior_point(shape: &MultiPolygon<f64>) -> Option<Point<f64>> {
    let mut stretches: Vec<(f64, Point<f64>)> = shape.iter().flat_map(inside_stretches).collect();
    stretches.sort_by(|a, b| b.0.total_cmp(&a.0));
    stretches
        .into_iter()
        .map(|(_, middle)| middle)
        .find(|middle| shape.contains(middle))
}

/// (length, middle) of each stretch between two crossings of the polygon's
/// rings by the horizontal line through its middle: inside and outside ones
/// alternate when the rings are simple, and the caller asks which is which.
fn inside_stretches(polygon: &Polygon<f64>) -> Vec<(f64, Point<f64>)> {
    let Some(y) = scan_height(polygon) else {
        return Vec::new();
    };
    let mut crossings: Vec<f64> = polygon
        .lines_iter()
        .filter(|l| (l.start.y > y) != (l.end.y > y))
        .map(|l| l.start.x + (y - l.start.y) * (l.end.x - l.start.x) / (l.end.y - l.start.y))
        .collect();
    crossings.sort_by(f64::total_cmp);
    crossings
        .windows(2)
        .map(|pair| {
            (
                pair[1] - pair[0],
                Point::new(f64::midpoint(pair[0], pair[1]), y),
            )
        })
        .collect()
}

/// Halfway up the polygon, moved off its corners (halfway to the nearest
/// other height) so the line crosses edges, not corners.
#[allow(clippy::float_cmp)] // a corner exactly on the line is what is avoided
fn scan_height(polygon: &Polygon<f64>) -> Option<f64> {
    let bbox = polygon.bounding_rect()?;
    let middle = f64::midpoint(bbox.min().y, bbox.max().y);
    let heights = || polygon.coords_iter().map(|c| c.y);
    if heights().all(|y| y != middle) {
        return Some(middle);
    }
    let nearest = heights()
        .filter(|y| *y != middle)
        .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()));
    Some(nearest.map_or(middle, |nearest| f64::midpoint(middle, nearest)))
}
