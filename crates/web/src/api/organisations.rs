//! `/api/v1/organisations`: the organisations that answer, with the
//! territories they serve. Their contacts are public by law. Their staff
//! only to those who manage it.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use vmeste_db::organisations::{self, Organisation};
use vmeste_db::users::{self, StaffMember};
use vmeste_domain::access::Permission;

use super::extract::Path;
use crate::AppState;
use crate::error::{OrInternal, PageError};
use crate::html::staff::organisation_for;
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganisationOut {
    #[serde(flatten)]
    pub organisation: Organisation,
    /// The territories it serves.
    pub territory_ids: Vec<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganisationsOut {
    pub items: Vec<OrganisationOut>,
}

async fn territories_by_organisation(
    state: &AppState,
    lang: Lang,
) -> Result<HashMap<i64, Vec<i64>>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let mut territories: HashMap<i64, Vec<i64>> = HashMap::new();
    for (organisation, territory) in organisations::territory_links(&mut handle.conn())
        .await
        .or_500(lang)?
    {
        territories.entry(organisation).or_default().push(territory);
    }
    Ok(territories)
}

/// The organisations
///
/// Active organisations by name, with the territories each serves.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    responses((status = 200, description = "The organisations", body = OrganisationsOut)),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<axum::Json<OrganisationsOut>, Problem> {
    let list = {
        let mut handle = state.db().read().await.or_500(lang)?;
        organisations::list(&mut handle.conn()).await.or_500(lang)?
    };
    let mut territories = territories_by_organisation(&state, lang).await?;
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

/// An organisation
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationOut),
        (status = 404, description = "No such organisation"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
) -> Result<axum::Json<OrganisationOut>, Problem> {
    let organisation = {
        let mut handle = state.db().read().await.or_500(lang)?;
        organisations::get(&mut handle.conn(), id)
            .await
            .or_500(lang)?
    };
    let organisation =
        organisation.ok_or_else(|| Problem::new(lang, StatusCode::NOT_FOUND, "not_found"))?;
    let territory_ids = territories_by_organisation(&state, lang)
        .await?
        .remove(&organisation.id)
        .unwrap_or_default();
    Ok(axum::Json(OrganisationOut {
        organisation,
        territory_ids,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StaffOut {
    pub items: Vec<StaffMember>,
}

/// An organisation's staff
///
/// Who holds which role there; for those who manage its staff.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/staff",
    tag = "organisations",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "Its staff roles", body = StaffOut),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not allowed to manage this organisation's staff"),
        (status = 404, description = "No such organisation"),
    ),
    security(("session" = [])),
)]
pub async fn staff(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<StaffOut>, Problem> {
    let org = organisation_for(&state, &who, Permission::ManageStaff, id)
        .await
        .map_err(|e| match e {
            PageError::NotFound => Problem::new(lang, StatusCode::NOT_FOUND, "not_found"),
            PageError::Forbidden => Problem::new(lang, StatusCode::FORBIDDEN, "forbidden"),
            PageError::Internal => {
                Problem::new(lang, StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
            }
        })?;
    let mut handle = state.db().read().await.or_500(lang)?;
    let items = users::staff_of(&mut handle.conn(), org.id)
        .await
        .or_500(lang)?;
    Ok(axum::Json(StaffOut { items }))
}
