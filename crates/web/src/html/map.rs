//! The public map. Without JavaScript it is the list of the messages in the
//! chosen box; with it, Leaflet draws the box's messages as clusters the
//! database groups by zoom, and the list beside follows the map.

use askama::Template;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use vmeste_db::map::{self, Cluster};
use vmeste_db::messages::BBox;
use vmeste_db::territories;
use vmeste_domain::validation::{ErrorCode, FieldError};

use super::list::{self, Results};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::assets;
use crate::auth::CurrentUser;
use crate::error::{OrInternal, OrPage, PageError};
use crate::i18n::Lang;
use crate::listing::ListParams;
use crate::problem::Problem;

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    layout: Layout,
    results: Results,
    map: MapView,
    map_js: String,
}

/// What a map on a page needs: the box it opens on and its tiles.
pub struct MapView {
    /// `west,south,east,north`.
    pub bounds: String,
    pub tile_url: String,
    pub attribution: String,
    pub leaflet_css: String,
    pub leaflet_js: String,
}

impl MapView {
    /// A map of the region.
    pub async fn new(state: &AppState) -> Result<Self, PageError> {
        let b = region_bounds(state).await?;
        Ok(Self::of(
            state,
            format!("{},{},{},{}", b.west, b.south, b.east, b.north),
        ))
    }

    fn of(state: &AppState, bounds: String) -> Self {
        let tiles = &state.settings().tiles;
        Self {
            bounds,
            tile_url: tiles.url.clone(),
            attribution: if tiles.attribution.is_empty() {
                crate::i18n::current().t("map-attribution")
            } else {
                tiles.attribution.clone()
            },
            leaflet_css: assets::url("leaflet.css"),
            leaflet_js: assets::url("leaflet.js"),
        }
    }
}

/// Only the results, for the script that refreshes them as the map moves.
#[derive(Template)]
#[template(path = "_results.html")]
struct ResultsOnly {
    layout: Layout,
    results: Results,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let results = match list::results(&state, &params, "/map").await {
        Ok(results) => results,
        Err(e) => return error_page(&state, &e),
    };
    if headers.contains_key("hx-request") {
        let layout = Layout::new(&state, user.as_ref());
        return render(StatusCode::OK, &ResultsOnly { layout, results });
    }
    let given = params
        .bbox
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    let map = match given {
        Some(given) if results.errors.is_empty() => MapView::of(&state, given.to_owned()),
        _ => match MapView::new(&state).await {
            Ok(map) => map,
            Err(e) => return error_page(&state, &e),
        },
    };
    render(
        StatusCode::OK,
        &MapPage {
            layout: Layout::new(&state, user.as_ref()),
            results,
            map,
            map_js: assets::url("map.js"),
        },
    )
}

/// The box around the region's top territories.
async fn region_bounds(state: &AppState) -> Result<BBox, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let all = territories::list(&mut handle.conn()).await.or_page()?;
    let tops = all.iter().filter(|t| t.parent_id.is_none());
    let fold = |b: Option<BBox>, t: &territories::Territory| {
        Some(b.map_or(
            BBox {
                west: t.min_lon,
                south: t.min_lat,
                east: t.max_lon,
                north: t.max_lat,
            },
            |b| BBox {
                west: b.west.min(t.min_lon),
                south: b.south.min(t.min_lat),
                east: b.east.max(t.max_lon),
                north: b.north.max(t.max_lat),
            },
        ))
    };
    // An empty database has no region yet: the whole world.
    Ok(tops.fold(None, fold).unwrap_or(BBox {
        west: -180.0,
        south: -85.0,
        east: 180.0,
        north: 85.0,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ClusterParams {
    #[serde(flatten)]
    list: ListParams,
    zoom: Option<String>,
}

#[derive(Serialize)]
pub struct Clusters {
    clusters: Vec<Cluster>,
}

/// The clusters in `bbox` at `zoom` (0–20) for the list's filters.
pub async fn clusters(
    State(state): State<AppState>,
    lang: Lang,
    params: Result<Query<ClusterParams>, QueryRejection>,
) -> Result<Json<Clusters>, Problem> {
    let Ok(Query(params)) = params else {
        return Err(Problem::new(
            lang,
            StatusCode::BAD_REQUEST,
            "bad_parameters",
        ));
    };
    let mut errors = Vec::new();
    let zoom = match params.zoom.as_deref().map(str::trim).map(str::parse::<u8>) {
        Some(Ok(z)) if z <= map::MAX_ZOOM => z,
        None => {
            errors.push(FieldError::new("zoom", ErrorCode::Required));
            0
        }
        Some(_) => {
            errors.push(FieldError::with_limit(
                "zoom",
                ErrorCode::OutOfRange,
                map::MAX_ZOOM.into(),
            ));
            0
        }
    };
    let filter = match params.list.parse(state.clock().now()) {
        Ok((filter, _)) => Some(filter),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let bbox = filter.as_ref().and_then(|f| f.bbox);
    if filter.is_some() && bbox.is_none() {
        errors.push(FieldError::new("bbox", ErrorCode::Required));
    }
    let (Some(filter), Some(bbox), true) = (filter, bbox, errors.is_empty()) else {
        return Err(Problem::parameters(lang, &errors));
    };
    let mut handle = state.db().read().await.or_500(lang)?;
    let clusters = map::clusters(&mut handle.conn(), &filter, bbox, zoom)
        .await
        .or_500(lang)?;
    Ok(Json(Clusters { clusters }))
}
