//! `/api/v1/territories`: the region's territories (districts, towns), with
//! their bounding boxes; their shapes stay on the server.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use vmeste_db::territories::{self, Territory};

use super::extract::Path;
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::problem::Problem;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TerritoriesOut {
    pub items: Vec<Territory>,
}

/// The territories
///
/// The largest first, then by name.
#[utoipa::path(
    get,
    path = "/api/v1/territories",
    tag = "territories",
    responses((status = 200, description = "Every territory", body = TerritoriesOut)),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<axum::Json<TerritoriesOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let items = territories::list(&mut handle.conn()).await.or_500(lang)?;
    Ok(axum::Json(TerritoriesOut { items }))
}

/// A territory
#[utoipa::path(
    get,
    path = "/api/v1/territories/{id}",
    tag = "territories",
    params(("id" = i64, Path, description = "The territory's id")),
    responses(
        (status = 200, description = "The territory", body = Territory),
        (status = 404, description = "No such territory"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
) -> Result<axum::Json<Territory>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    territories::get(&mut handle.conn(), id)
        .await
        .or_500(lang)?
        .map(axum::Json)
        .ok_or_else(|| Problem::new(lang, StatusCode::NOT_FOUND, "not_found"))
}
