//! The register of apartment buildings, kept by platform administrators: each
//! house and the management company serving it. Messages on a management
//! company's topics about a registered house go to that company.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::houses::{self, House, NewHouse};
use vmeste_db::{audit, organisations};
use vmeste_domain::organisation::OrganisationKind;

use super::admin::require_platform;
use super::form::{self, Errors};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

#[derive(Template)]
#[template(path = "admin_houses.html")]
struct HousesPage {
    layout: Layout,
    csrf: String,
    houses: Vec<House>,
    companies: Vec<(i64, String)>,
    form: HouseForm,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct HouseForm {
    csrf: Option<String>,
    address: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    manager_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ManagerForm {
    csrf: Option<String>,
    manager_id: Option<String>,
}

async fn page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    form: HouseForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let lang = crate::i18n::current();
    let mut handle = state.db().read().await.or_page()?;
    let houses = houses::list(&mut handle.conn()).await.or_page()?;
    let companies = organisations::list(&mut handle.conn())
        .await
        .or_page()?
        .into_iter()
        .filter(|o| o.active && o.kind() == OrganisationKind::HousingCompany)
        .map(|o| (o.id, lang.pick(&o.name_ru, &o.name_en).to_owned()))
        .collect();
    let status = errors.status();
    let page = HousesPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        houses,
        companies,
        form,
        errors,
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(State(state): State<AppState>, who: Principal, csrf: Csrf) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        page(&state, &who, &csrf, HouseForm::default(), Errors::default()).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn coordinate(value: Option<&str>) -> Option<f64> {
    value
        .map(|v| v.trim().replace(',', "."))
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

fn company(value: Option<&str>) -> Option<i64> {
    value.and_then(|v| v.trim().parse().ok())
}

pub async fn add(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<HouseForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return page(&state, &who, &csrf, form, Errors::stale_form()).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let address = form.address.as_deref().unwrap_or("").trim().to_owned();
        if address.chars().filter(|c| c.is_alphanumeric()).count() < 5 {
            errors.add("address", lang.t("admin-houses-error-address"));
        }
        let lat = coordinate(form.lat.as_deref());
        let lon = coordinate(form.lon.as_deref());
        let inside = match (lat, lon) {
            (Some(lat), Some(lon)) => !state.intake().territories.containing(lat, lon).is_empty(),
            _ => false,
        };
        if !inside {
            errors.add("lat", lang.t("admin-houses-error-point"));
        }
        let manager = company(form.manager_id.as_deref());
        if manager.is_none() {
            errors.add("manager_id", lang.t("admin-houses-error-company"));
        }
        let (Some(lat), Some(lon), true) = (lat, lon, errors.is_empty()) else {
            return page(&state, &who, &csrf, form, errors).await;
        };
        let Some(region) = state.region() else {
            return Err(PageError::NotFound);
        };
        let mut tx = state.db().write().await.or_page()?;
        let new = NewHouse {
            region_id: region.id,
            address: &address,
            lat,
            lon,
            manager_id: manager,
        };
        let Some(id) = houses::insert(&mut tx.conn(), &new, state.clock().now())
            .await
            .or_page()?
        else {
            drop(tx);
            errors.add("address", lang.t("admin-houses-error-exists"));
            return page(&state, &who, &csrf, form, errors).await;
        };
        let entry = audit::Entry {
            action: "houses.add",
            object_kind: "house",
            object_id: Some(id),
            organisation_id: manager,
            detail: Some(&address),
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, "/admin/houses").await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// Hands a house to another company (or to none: the district rule applies).
pub async fn set_manager(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(house): Path<i64>,
    Form(form): Form<ManagerForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return Ok(form::see_other("/admin/houses"));
        }
        let manager = company(form.manager_id.as_deref());
        let mut tx = state.db().write().await.or_page()?;
        if let Some(id) = manager
            && organisations::get(&mut tx.conn(), id)
                .await
                .or_page()?
                .is_none_or(|o| o.kind() != OrganisationKind::HousingCompany)
        {
            return Err(PageError::NotFound);
        }
        if !houses::set_manager(&mut tx.conn(), house, manager)
            .await
            .or_page()?
        {
            return Err(PageError::NotFound);
        }
        let entry = audit::Entry {
            action: "houses.set_manager",
            object_kind: "house",
            object_id: Some(house),
            organisation_id: manager,
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, "/admin/houses").await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
