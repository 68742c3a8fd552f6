//! `/api/v1/catalogue`: categories with their active topics; one topic,
//! retired ones included (old messages refer to them).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use vmeste_db::catalogue::{self, CategoryWithTopics, Topic};

use super::extract::Path;
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::problem::Problem;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CatalogueOut {
    pub categories: Vec<CategoryWithTopics>,
}

/// The catalogue
///
/// Active categories with their active topics, with each topic's deadline
/// and dispute window.
#[utoipa::path(
    get,
    path = "/api/v1/catalogue",
    tag = "catalogue",
    responses((status = 200, description = "The catalogue", body = CatalogueOut)),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<axum::Json<CatalogueOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let categories = catalogue::active_tree(&mut handle.conn())
        .await
        .or_500(lang)?;
    Ok(axum::Json(CatalogueOut { categories }))
}

/// A topic
#[utoipa::path(
    get,
    path = "/api/v1/topics/{id}",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The topic's id")),
    responses(
        (status = 200, description = "The topic, active or retired", body = Topic),
        (status = 404, description = "No such topic"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn topic(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
) -> Result<axum::Json<Topic>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    catalogue::topic(&mut handle.conn(), id)
        .await
        .or_500(lang)?
        .map(axum::Json)
        .ok_or_else(|| Problem::new(lang, StatusCode::NOT_FOUND, "not_found"))
}
