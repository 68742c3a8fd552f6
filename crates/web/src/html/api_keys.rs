//! Integrators' API keys of an organisation, managed by its administrator:
//! created with a name and scopes, shown once, revoked. Audited.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::api_keys::{self, Scope};
use vmeste_db::audit;
use vmeste_db::organisations::Organisation;
use vmeste_domain::access::Permission;

use super::form::{self, Errors};
use super::staff::{Button, CsrfForm, Did, organisation_for};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

pub struct KeyLine {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    layout: Layout,
    csrf: String,
    org_id: i64,
    org_name: String,
    keys: Vec<KeyLine>,
    created: Option<String>,
    name: String,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewKeyForm {
    csrf: Option<String>,
    name: Option<String>,
    read: Option<String>,
    submit: Option<String>,
    incidents: Option<String>,
}

fn scope_label(scope: Scope) -> String {
    crate::i18n::current().t(match scope {
        Scope::Read => "admin-keys-scope-read",
        Scope::Submit => "admin-keys-scope-submit",
        Scope::Incidents => "admin-keys-scope-incidents",
    })
}

async fn keys_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    org: &Organisation,
    created: Option<String>,
    name: String,
    errors: Errors,
) -> Result<Response, PageError> {
    let keys = {
        let mut handle = state.db().read().await.or_page()?;
        api_keys::of_organisation(&mut handle.conn(), org.id)
            .await
            .or_page()?
    };
    let status = errors.status();
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&state.time_zone())
            .format("%d.%m.%Y %H:%M")
            .to_string()
    };
    let page = KeysPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        org_id: org.id,
        org_name: crate::i18n::current()
            .pick(&org.name_ru, &org.name_en)
            .to_owned(),
        keys: keys
            .into_iter()
            .map(|k| KeyLine {
                scopes: k
                    .scopes()
                    .into_iter()
                    .map(scope_label)
                    .collect::<Vec<_>>()
                    .join(", "),
                created: when(k.created_at),
                last_used: k.last_used_at.map_or_else(|| "—".to_owned(), when),
                revoked: k.revoked_at.is_some(),
                id: k.id,
                name: k.name,
                prefix: k.prefix,
            })
            .collect(),
        created,
        name,
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
        let org = organisation_for(&state, &who, Permission::ManageApiKeys, org_id).await?;
        keys_page(
            &state,
            &who,
            &csrf,
            &org,
            None,
            String::new(),
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn create(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(form): Form<NewKeyForm>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageApiKeys, org_id).await?;
        let name = form.name.clone().unwrap_or_default();
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return keys_page(&state, &who, &csrf, &org, None, name, Errors::stale_form()).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let trimmed = name.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 100 {
            errors.add("name", lang.t("admin-keys-error-name"));
        }
        let scopes: Vec<Scope> = [
            (form.read.is_some(), Scope::Read),
            (form.submit.is_some(), Scope::Submit),
            (form.incidents.is_some(), Scope::Incidents),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect();
        if scopes.is_empty() {
            errors.add("scopes", lang.t("admin-keys-error-scopes"));
        }
        if !errors.is_empty() {
            return keys_page(&state, &who, &csrf, &org, None, name, errors).await;
        }
        let now = state.clock().now();
        let mut tx = state.db().write().await.or_page()?;
        let (key, secret) = api_keys::create(
            &mut tx.conn(),
            org.id,
            trimmed,
            &scopes,
            who.user_id().unwrap_or_default(),
            now,
        )
        .await
        .or_page()?;
        who.commit_audited(
            &state,
            tx,
            &client,
            audit::Entry {
                action: "api_key.create",
                object_kind: "api_key",
                object_id: Some(key.id),
                organisation_id: Some(org.id),
                detail: Some(&key.scopes),
                ..audit::Entry::default()
            },
        )
        .await
        .or_page()?;
        // Shown on this response only; the page is not cached.
        keys_page(
            &state,
            &who,
            &csrf,
            &org,
            Some(secret),
            String::new(),
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn revoke(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org_id, key_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let now = state.clock().now();
    let button = Button {
        state: &state,
        who: &who,
        client: &client,
        permission: Permission::ManageApiKeys,
        back: "api-keys",
    };
    let pressed = button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let key = api_keys::by_id(&mut tx.conn(), key_id)
                    .await
                    .or_page()?
                    .filter(|k| k.organisation_id == org.id)
                    .ok_or(PageError::NotFound)?;
                api_keys::revoke(&mut tx.conn(), key.id, now)
                    .await
                    .or_page()?;
                let did = Did {
                    action: "api_key.revoke",
                    object_kind: "api_key",
                    object_id: key.id,
                    detail: None,
                };
                Ok((tx, did))
            },
        )
        .await;
    // After the commit, so no request reading the key meanwhile keeps it.
    state.live_keys().forget(key_id);
    pressed
}
