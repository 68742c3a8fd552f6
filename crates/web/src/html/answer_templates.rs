//! An organisation's answer templates, kept by its heads: a title, the text,
//! and the topic it suits (or any topic). Staff start answers from them on
//! the case page.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::organisations::Organisation;
use vmeste_db::templates::{self, NewTemplate};
use vmeste_db::{audit, catalogue};
use vmeste_domain::access::Permission;

use super::form::{self, Errors};
use super::staff::{Button, CsrfForm, Did, organisation_for};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// A template in the list, its topic named in the page's language.
struct TemplateLine {
    id: i64,
    title: String,
    topic: Option<String>,
    text: String,
}

#[derive(Template)]
#[template(path = "org_templates.html")]
struct TemplatesPage {
    layout: Layout,
    csrf: String,
    org_id: i64,
    org_name: String,
    templates: Vec<TemplateLine>,
    topics: Vec<(i64, String)>,
    title: String,
    text: String,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct TemplateForm {
    csrf: Option<String>,
    title: Option<String>,
    text: Option<String>,
    topic_id: Option<String>,
}

async fn page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    org: &Organisation,
    typed: &TemplateForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let lang = crate::i18n::current();
    let mut handle = state.db().read().await.or_page()?;
    let list = templates::of_organisation(&mut handle.conn(), org.id)
        .await
        .or_page()?
        .into_iter()
        .map(|t| TemplateLine {
            topic: t.topic_name_ru.as_deref().map(|ru| {
                lang.pick(ru, t.topic_name_en.as_deref().unwrap_or_default())
                    .to_owned()
            }),
            id: t.id,
            title: t.title,
            text: t.text,
        })
        .collect();
    let topics = catalogue::active_tree(&mut handle.conn())
        .await
        .or_page()?
        .into_iter()
        .flat_map(|c| c.topics)
        .map(|t| (t.id, lang.pick(&t.name_ru, &t.name_en).to_owned()))
        .collect();
    let status = errors.status();
    let page = TemplatesPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        org_id: org.id,
        org_name: lang.pick(&org.name_ru, &org.name_en).to_owned(),
        templates: list,
        topics,
        title: typed.title.clone().unwrap_or_default(),
        text: typed.text.clone().unwrap_or_default(),
        errors,
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(org_id): Path<i64>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::Approve, org_id).await?;
        page(
            &state,
            &who,
            &csrf,
            &org,
            &TemplateForm::default(),
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn add(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(form): Form<TemplateForm>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::Approve, org_id).await?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return page(&state, &who, &csrf, &org, &form, Errors::stale_form()).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let title = form.title.as_deref().unwrap_or("").trim();
        let text = form.text.as_deref().unwrap_or("").trim();
        if title.is_empty() || title.chars().count() > 100 {
            errors.add("title", lang.t("admin-templates-error-title"));
        }
        if text.is_empty() || text.chars().count() > 4000 {
            errors.add("text", lang.t("admin-templates-error-text"));
        }
        if !errors.is_empty() {
            return page(&state, &who, &csrf, &org, &form, errors).await;
        }
        let topic_id = form.topic_id.as_deref().and_then(|t| t.trim().parse().ok());
        let mut tx = state.db().write().await.or_page()?;
        let new = NewTemplate {
            organisation_id: org.id,
            topic_id,
            title,
            text,
            created_by: who.user_id().unwrap_or_default(),
        };
        let id = templates::insert(&mut tx.conn(), &new, state.clock().now())
            .await
            .or_page()?;
        let entry = audit::Entry {
            action: "template.add",
            object_kind: "answer_template",
            object_id: Some(id),
            organisation_id: Some(org.id),
            ..audit::Entry::default()
        };
        form::audited_redirect(
            &who,
            &state,
            tx,
            &client,
            entry,
            &format!("/org/{}/templates", org.id),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn delete(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org_id, template_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let button = Button {
        state: &state,
        who: &who,
        client: &client,
        permission: Permission::Approve,
        back: "templates",
    };
    button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let template = templates::by_id(&mut tx.conn(), template_id)
                    .await
                    .or_page()?
                    .filter(|t| t.organisation_id == org.id)
                    .ok_or(PageError::NotFound)?;
                templates::delete(&mut tx.conn(), template.id)
                    .await
                    .or_page()?;
                let did = Did {
                    action: "template.delete",
                    object_kind: "answer_template",
                    object_id: template.id,
                    detail: None,
                };
                Ok((tx, did))
            },
        )
        .await
}
