//! `/api/v1/catalogue`: categories with their active topics.

use axum::extract::State;
use serde::Serialize;
use vmeste_db::catalogue::{self, CategoryWithTopics};

use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::problem::Problem;

#[derive(Serialize)]
pub struct CatalogueOut {
    pub categories: Vec<CategoryWithTopics>,
}

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
