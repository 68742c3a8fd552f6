//! The routing rules as data, edited by platform administrators: which
//! organisation answers a responsibility area (or one topic) in a territory.
//! Every change is audited; the most specific territory wins at intake.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::routing_rules::{self, Target};
use vmeste_db::{audit, catalogue, organisations, territories};

use super::admin::require_platform;
use super::form::{self, Errors};
use super::staff::CsrfForm;
use super::view::{Choice, ChoiceGroup};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// A rule in the list, named in the page's language.
struct RuleLine {
    id: i64,
    topic: Option<String>,
    responsible: Option<String>,
    territory: Option<String>,
    organisation: String,
}

#[derive(Template)]
#[template(path = "admin_routing.html")]
struct RoutingPage {
    layout: Layout,
    csrf: String,
    rules: Vec<RuleLine>,
    areas: Vec<Choice>,
    topics: Vec<ChoiceGroup>,
    territories: Vec<Choice>,
    organisations: Vec<ChoiceGroup>,
    auto: super::auto_route_admin::AutoRoute,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct RuleForm {
    csrf: Option<String>,
    area: Option<String>,
    topic_id: Option<String>,
    territory_id: Option<String>,
    organisation_id: Option<String>,
}

pub(super) async fn page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    asked: &RuleForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let lang = crate::i18n::current();
    let name = |ru: &str, en: Option<&str>| lang.pick(ru, en.unwrap_or_default()).to_owned();
    let rules = routing_rules::list(&mut conn)
        .await
        .or_page()?
        .into_iter()
        .map(|r| RuleLine {
            id: r.id,
            topic: r
                .topic_name_ru
                .as_deref()
                .map(|ru| name(ru, r.topic_name_en.as_deref())),
            territory: r
                .territory_name_ru
                .as_deref()
                .map(|ru| name(ru, r.territory_name_en.as_deref())),
            organisation: name(&r.organisation_name_ru, Some(&r.organisation_name_en)),
            responsible: r.responsible,
        })
        .collect();
    // A form sent back with errors keeps what was chosen in it.
    let areas = routing_rules::areas(&mut conn)
        .await
        .or_page()?
        .into_iter()
        .map(|a| Choice::new(&a, a.clone(), asked.area.as_deref()))
        .collect();
    let topics = ChoiceGroup::topics(
        &catalogue::active_tree(&mut conn).await.or_page()?,
        asked.topic_id.as_deref(),
    );
    let territories = territories::list(&mut conn)
        .await
        .or_page()?
        .into_iter()
        .map(|t| {
            let shown = name(&t.name_ru, Some(&t.name_en));
            Choice::new(t.id, shown, asked.territory_id.as_deref())
        })
        .collect();
    let organisations = ChoiceGroup::organisations(
        &organisations::list(&mut conn).await.or_page()?,
        |o| lang.pick(&o.name_ru, &o.name_en),
        asked.organisation_id.as_deref(),
    );
    let layout = Layout::new(state, who.user.as_ref());
    let auto = super::auto_route_admin::load(&mut conn, layout.lang, state.time_zone())
        .await
        .or_page()?;
    let status = errors.status();
    let page = RoutingPage {
        layout,
        csrf: csrf.token.clone(),
        rules,
        areas,
        topics,
        territories,
        organisations,
        auto,
        errors,
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(State(state): State<AppState>, who: Principal, csrf: Csrf) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        page(&state, &who, &csrf, &RuleForm::default(), Errors::default()).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn number(value: Option<&String>) -> Option<i64> {
    value.and_then(|v| v.trim().parse().ok())
}

pub async fn add(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<RuleForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return page(&state, &who, &csrf, &form, Errors::stale_form()).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let area = form
            .area
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let topic = number(form.topic_id.as_ref());
        let target = match (area, topic) {
            (Some(area), None) => Some(Target::Responsible(area)),
            (None, Some(topic)) => Some(Target::Topic(topic)),
            _ => {
                errors.add("area", lang.t("admin-routing-error-target"));
                None
            }
        };
        let territory = number(form.territory_id.as_ref());
        let Some(organisation) = number(form.organisation_id.as_ref()) else {
            errors.add(
                "organisation_id",
                lang.t("admin-routing-error-organisation"),
            );
            return page(&state, &who, &csrf, &form, errors).await;
        };
        let Some(target) = target else {
            return page(&state, &who, &csrf, &form, errors).await;
        };
        let mut tx = state.db().write().await.or_page()?;
        if routing_rules::exists(&mut tx.conn(), &target, territory)
            .await
            .or_page()?
        {
            errors.add("territory_id", lang.t("admin-routing-error-exists"));
            drop(tx);
            return page(&state, &who, &csrf, &form, errors).await;
        }
        let detail = match &target {
            Target::Responsible(area) => (*area).to_owned(),
            Target::Topic(id) => format!("topic {id}"),
        };
        let id = routing_rules::insert(&mut tx.conn(), target, territory, organisation)
            .await
            .or_page()?;
        let entry = audit::Entry {
            action: "routing.add_rule",
            object_kind: "routing_rule",
            object_id: Some(id),
            organisation_id: Some(organisation),
            detail: Some(&detail),
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, "/admin/routing").await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn delete(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(rule): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.token()) {
            return Ok(form::see_other("/admin/routing"));
        }
        let mut tx = state.db().write().await.or_page()?;
        if !routing_rules::delete(&mut tx.conn(), rule)
            .await
            .or_page()?
        {
            return Err(PageError::NotFound);
        }
        let entry = audit::Entry {
            action: "routing.delete_rule",
            object_kind: "routing_rule",
            object_id: Some(rule),
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, "/admin/routing").await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
