//! `/api/v1/organisations`: the organisations that answer, with the
//! territories they serve. Their contacts are public by law.

use std::collections::HashMap;

use axum::extract::State;
use serde::Serialize;
use vmeste_db::organisations::{self, Organisation};

use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::problem::Problem;

#[derive(Serialize)]
pub struct OrganisationOut {
    #[serde(flatten)]
    pub organisation: Organisation,
    pub territory_ids: Vec<i64>,
}

#[derive(Serialize)]
pub struct OrganisationsOut {
    pub items: Vec<OrganisationOut>,
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<axum::Json<OrganisationsOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let mut conn = handle.conn();
    let list = organisations::list(&mut conn).await.or_500(lang)?;
    let mut territories: HashMap<i64, Vec<i64>> = HashMap::new();
    for (organisation, territory) in organisations::territory_links(&mut conn)
        .await
        .or_500(lang)?
    {
        territories.entry(organisation).or_default().push(territory);
    }
    Ok(axum::Json(OrganisationsOut {
        items: list
            .into_iter()
            .map(|organisation| OrganisationOut {
                territory_ids: territories.remove(&organisation.id).unwrap_or_default(),
                organisation,
            })
            .collect(),
    }))
}
