//! Platform administration: the audit log with filters, and platform-wide
//! security settings.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};
use serde::Deserialize;
use vmeste_db::{audit, settings};
use vmeste_domain::access::Permission;

use super::form;
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

const PAGE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    object_kind: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    until: Option<String>,
    before: Option<String>,
}

pub struct AuditLine {
    at: String,
    actor: String,
    action: String,
    object: String,
    organisation: String,
    detail: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    actions: Vec<String>,
    action: String,
    actor: String,
    object_kind: String,
    object_id: String,
    from: String,
    until: String,
    rows: Vec<AuditLine>,
    more: Option<String>,
    error: Option<String>,
}

/// Platform administration pages: the platform administrator's alone.
pub(super) fn require_platform(state: &AppState, who: &Principal) -> Result<(), PageError> {
    if who.allows(state, Permission::ManagePlatform, None) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

fn filled(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

pub async fn audit_log(
    State(state): State<AppState>,
    who: Principal,
    Query(q): Query<AuditQuery>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        let lang = crate::i18n::current();
        let mut error = None;
        let mut number = |v: Option<&String>| match filled(v).map(str::parse::<i64>) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                error = Some(lang.t("admin-audit-error-number"));
                None
            }
            None => None,
        };
        let actor_id = number(q.actor.as_ref());
        let object_id = number(q.object_id.as_ref());
        let before_id = number(q.before.as_ref());
        let tz = state.time_zone();
        let mut day = |v: Option<&String>, plus: i64| match filled(v)
            .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        {
            Some(Ok(d)) => (d + chrono::Duration::days(plus))
                .and_hms_opt(0, 0, 0)
                .and_then(|t| tz.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&chrono::Utc)),
            Some(Err(_)) => {
                error = Some(lang.t("admin-audit-error-date"));
                None
            }
            None => None,
        };
        let from = day(q.from.as_ref(), 0);
        let until = day(q.until.as_ref(), 1);
        let filter = audit::Filter {
            actor_id,
            action: filled(q.action.as_ref()).map(str::to_owned),
            object_kind: filled(q.object_kind.as_ref()).map(str::to_owned),
            object_id,
            organisation_id: None,
            from,
            until,
            before_id,
        };
        let (rows, actions) = {
            let mut handle = state.db().read().await.or_page()?;
            let rows = audit::list(&mut handle.conn(), &filter, PAGE + 1)
                .await
                .or_page()?;
            let actions = audit::actions(&mut handle.conn()).await.or_page()?;
            (rows, actions)
        };
        let more = (rows.len() as i64 > PAGE)
            .then(|| rows.get(PAGE as usize - 1).map(|r| r.id))
            .flatten()
            .map(|last| {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in [
                    ("action", &q.action),
                    ("actor", &q.actor),
                    ("object_kind", &q.object_kind),
                    ("object_id", &q.object_id),
                    ("from", &q.from),
                    ("until", &q.until),
                ] {
                    if let Some(v) = filled(v.as_ref()) {
                        query.append_pair(k, v);
                    }
                }
                query.append_pair("before", &last.to_string());
                format!("/admin/audit?{}", query.finish())
            });
        let status = if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let page = AuditPage {
            layout: Layout::new(&state, who.user.as_ref()),
            actions,
            action: q.action.clone().unwrap_or_default(),
            actor: q.actor.clone().unwrap_or_default(),
            object_kind: q.object_kind.clone().unwrap_or_default(),
            object_id: q.object_id.clone().unwrap_or_default(),
            from: q.from.clone().unwrap_or_default(),
            until: q.until.clone().unwrap_or_default(),
            rows: rows
                .into_iter()
                .take(PAGE as usize)
                .map(|r| AuditLine {
                    at: r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    actor: match (r.actor_id, r.actor_name, r.api_key_id) {
                        (Some(id), Some(name), _) => format!("{name} (#{id})"),
                        (_, _, Some(key)) => format!("{} #{key}", lang.t("admin-audit-api-key")),
                        _ => "—".to_owned(),
                    },
                    action: r.action,
                    object: r.object_id.map_or_else(
                        || r.object_kind.clone(),
                        |id| format!("{} #{id}", r.object_kind),
                    ),
                    organisation: r
                        .organisation_id
                        .map_or_else(String::new, |id| format!("#{id}")),
                    detail: r.detail.unwrap_or_default(),
                    ip: r.ip.unwrap_or_default(),
                })
                .collect(),
            more,
            error,
        };
        Ok(form::with_headers(super::render(status, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    layout: Layout,
    csrf: String,
    require_staff_totp: bool,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SecurityForm {
    csrf: Option<String>,
    require_staff_totp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn security(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(q): Query<SavedQuery>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        let required = {
            let mut handle = state.db().read().await.or_page()?;
            settings::flag(&mut handle.conn(), settings::REQUIRE_STAFF_TOTP)
                .await
                .or_page()?
        };
        let page = SecurityPage {
            layout: Layout::new(&state, who.user.as_ref()),
            csrf: csrf.token.clone(),
            require_staff_totp: required,
            saved: q.saved.is_some(),
        };
        Ok(form::page(StatusCode::OK, &page, &csrf))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn save_security(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<SecurityForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return Ok(form::see_other("/admin/security"));
        }
        let on = form.require_staff_totp.is_some();
        let mut tx = state.db().write().await.or_page()?;
        settings::set_flag(&mut tx.conn(), settings::REQUIRE_STAFF_TOTP, on)
            .await
            .or_page()?;
        who.commit_audited(
            &state,
            tx,
            &client,
            audit::Entry {
                action: "platform.require_staff_totp",
                object_kind: "platform",
                detail: Some(if on { "on" } else { "off" }),
                ..audit::Entry::default()
            },
        )
        .await
        .or_page()?;
        Ok(form::see_other("/admin/security?saved=1"))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
