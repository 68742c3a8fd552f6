//! Point-in-territory lookup over GeoJSON polygons.
//!
//! A region has hundreds of territories at most (districts, settlements, service
//! areas), so a bounding-box prefilter over a list sorted by area is enough; the
//! smallest territory containing a point is the most specific one.

use geo::{Area, BoundingRect, Contains, InteriorPoint, MultiPolygon, Point, Rect};

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
    let Some(bbox) = multi.bounding_rect() else {
        return Err(TerritoryError::Empty);
    };
    let in_range =
        |c: geo::Coord<f64>| (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y);
    if !in_range(bbox.min()) || !in_range(bbox.max()) {
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
        entry.shape.interior_point().map(|p| (p.y(), p.x()))
    }

    /// The bounding box of a territory as (min_lat, min_lon, max_lat, max_lon).
    pub fn bounds(&self, id: i64) -> Option<(f64, f64, f64, f64)> {
        let entry = self.entries.iter().find(|e| e.id == id)?;
        let (min, max) = (entry.bbox.min(), entry.bbox.max());
        Some((min.y, min.x, max.y, max.x))
    }
}
