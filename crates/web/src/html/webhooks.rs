//! An organisation's webhook subscriptions, managed by whoever manages its
//! API keys: created with an address, events and reach (the secret shown
//! once), switched off and on, deleted, tested with a ping, and each one's
//! log of delivery attempts. Every change is audited.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use vmeste_db::audit;
use vmeste_db::organisations::Organisation;
use vmeste_db::webhooks::{self, Disabled, NewSubscription, Subscription};
use vmeste_domain::access::Permission;
use vmeste_domain::webhook::{Event, Reach, TargetError, parse_target};

use super::form::{self, Errors};
use super::staff::{Button, CsrfForm, Did, organisation_for, reaches_subtree};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::{self, Lang};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

const PERMISSION: Permission = Permission::ManageApiKeys;

fn event_label(lang: Lang, event: Event) -> String {
    lang.t(match event {
        Event::Created => "webhooks-event-created",
        Event::Routed => "webhooks-event-routed",
        Event::StatusChanged => "webhooks-event-status-changed",
        Event::Answered => "webhooks-event-answered",
        Event::Rated => "webhooks-event-rated",
        Event::Ping => "webhooks-event-ping",
    })
}

fn reach_label(lang: Lang, reach: Reach) -> String {
    lang.t(match reach {
        Reach::Organisation => "webhooks-reach-organisation",
        Reach::Subtree => "webhooks-reach-subtree",
        Reach::Region => "webhooks-reach-region",
    })
}

/// The reaches this principal may give a subscription of `org`.
fn reaches(state: &AppState, who: &Principal, org: i64) -> Vec<Reach> {
    Reach::ALL
        .into_iter()
        .filter(|r| match r {
            Reach::Organisation => true,
            Reach::Subtree => reaches_subtree(state, who, PERMISSION, org),
            Reach::Region => who.allows(state, Permission::ManagePlatform, None),
        })
        .collect()
}

fn when(state: &AppState, t: DateTime<Utc>) -> String {
    t.with_timezone(&state.time_zone())
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

pub struct HookLine {
    id: i64,
    url: String,
    events: String,
    reach: String,
    active: bool,
    /// Active and well, failing, or off since when and why.
    condition: String,
}

impl HookLine {
    fn new(state: &AppState, lang: Lang, s: &Subscription) -> Self {
        let condition = match (s.disabled(), s.disabled_at) {
            (Some(Disabled::Failing), Some(at)) => format!(
                "{} {}. {}",
                lang.t("webhooks-off-failing"),
                when(state, at),
                lang.t("webhooks-off-failing-why")
            ),
            (Some(_), Some(at)) => format!("{} {}", lang.t("webhooks-off-manual"), when(state, at)),
            _ if s.failures > 0 => lang.t_n("webhooks-failing", i64::from(s.failures)),
            _ => lang.t("webhooks-on"),
        };
        Self {
            id: s.id,
            url: s.url.clone(),
            events: s
                .events()
                .into_iter()
                .map(|e| event_label(lang, e))
                .collect::<Vec<_>>()
                .join(", "),
            reach: reach_label(lang, s.reach()),
            active: s.active(),
            condition,
        }
    }
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct HooksPage {
    layout: Layout,
    csrf: String,
    org_id: i64,
    org_name: String,
    hooks: Vec<HookLine>,
    /// The new subscription's secret, on the answer to its creation only.
    secret: Option<String>,
    url: String,
    /// (name, label, checked)
    events: Vec<(&'static str, String, bool)>,
    reaches: Vec<(&'static str, String, bool)>,
    errors: Errors,
}

/// What the form held, to show it again.
struct Typed {
    url: String,
    events: Vec<Event>,
    reach: Reach,
}

impl Default for Typed {
    fn default() -> Self {
        Self {
            url: String::new(),
            events: Event::SUBSCRIBABLE.to_vec(),
            reach: Reach::Organisation,
        }
    }
}

async fn hooks_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    org: &Organisation,
    typed: Typed,
    secret: Option<String>,
    errors: Errors,
) -> Result<Response, PageError> {
    let hooks = {
        let mut handle = state.db().read().await.or_page()?;
        webhooks::of_organisation(&mut handle.conn(), org.id)
            .await
            .or_page()?
    };
    let layout = Layout::new(state, who.user.as_ref());
    let lang = layout.lang;
    let status = errors.status();
    let page = HooksPage {
        csrf: csrf.token.clone(),
        org_id: org.id,
        org_name: lang.pick(&org.name_ru, &org.name_en).to_owned(),
        hooks: hooks
            .iter()
            .map(|s| HookLine::new(state, lang, s))
            .collect(),
        secret,
        url: typed.url,
        events: Event::SUBSCRIBABLE
            .into_iter()
            .map(|e| (e.as_str(), event_label(lang, e), typed.events.contains(&e)))
            .collect(),
        reaches: reaches(state, who, org.id)
            .into_iter()
            .map(|r| (r.as_str(), reach_label(lang, r), r == typed.reach))
            .collect(),
        errors,
        layout,
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
        let org = organisation_for(&state, &who, PERMISSION, org_id).await?;
        hooks_page(
            &state,
            &who,
            &csrf,
            &org,
            Typed::default(),
            None,
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn target_error(lang: Lang, e: TargetError) -> String {
    lang.t(match e {
        TargetError::Invalid => "webhooks-url-invalid",
        TargetError::Scheme => "webhooks-url-scheme",
        TargetError::Credentials => "webhooks-url-credentials",
        TargetError::TooLong => "webhooks-url-too-long",
    })
}

/// The form's fields by name: the event checkboxes are named after the events.
pub async fn create(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, PERMISSION, org_id).await?;
        let lang = i18n::current();
        let field = |name: &str| fields.get(name).map_or("", String::as_str);
        let reach = Reach::parse(field("reach"));
        let typed = Typed {
            url: field("url").trim().to_owned(),
            events: Event::SUBSCRIBABLE
                .into_iter()
                .filter(|e| fields.contains_key(e.as_str()))
                .collect(),
            reach: reach.unwrap_or(Reach::Organisation),
        };
        if !csrf.accepts(field("csrf")) {
            let mut errors = Errors::default();
            errors.add("form", lang.t("form-stale"));
            return hooks_page(&state, &who, &csrf, &org, typed, None, errors).await;
        }
        let mut errors = Errors::default();
        let target = parse_target(&typed.url);
        if let Err(e) = target {
            errors.add("url", target_error(lang, e));
        }
        if typed.events.is_empty() {
            errors.add("events", lang.t("webhooks-events-required"));
        }
        let allowed = reaches(&state, &who, org.id);
        let reach = reach.filter(|r| allowed.contains(r));
        if reach.is_none() {
            errors.add("reach", lang.t("webhooks-reach-required"));
        }
        let (Ok(target), Some(reach), true) = (target, reach, errors.is_empty()) else {
            return hooks_page(&state, &who, &csrf, &org, typed, None, errors).await;
        };
        let now = state.clock().now();
        let mut tx = state.db().write().await.or_page()?;
        let (subscription, secret) = webhooks::create(
            &mut tx.conn(),
            &NewSubscription {
                organisation_id: org.id,
                url: target.as_str(),
                events: &typed.events,
                reach,
                created_by: who.user_id().unwrap_or_default(),
            },
            now,
        )
        .await
        .or_page()?;
        who.commit_audited(
            &state,
            tx,
            &client,
            audit::Entry {
                action: "webhook.create",
                object_kind: "webhook",
                object_id: Some(subscription.id),
                organisation_id: Some(org.id),
                detail: Some(&subscription.events),
                ..audit::Entry::default()
            },
        )
        .await
        .or_page()?;
        // Shown on this response only; the page is not cached.
        hooks_page(
            &state,
            &who,
            &csrf,
            &org,
            Typed::default(),
            Some(secret),
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// The organisation's subscription `id`, or 404: another organisation's is
/// not found here, whatever its number.
async fn own(
    tx: &mut vmeste_db::Tx,
    org: &Organisation,
    id: i64,
) -> Result<Subscription, PageError> {
    webhooks::get(&mut tx.conn(), id)
        .await
        .or_page()?
        .filter(|s| s.organisation_id == org.id)
        .ok_or(PageError::NotFound)
}

/// What a button does to a subscription.
#[derive(Clone, Copy)]
enum Act {
    Disable,
    Enable,
    Delete,
    Ping,
}

impl Act {
    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "disable" => Act::Disable,
            "enable" => Act::Enable,
            "delete" => Act::Delete,
            "ping" => Act::Ping,
            _ => return None,
        })
    }

    fn audit_action(self) -> &'static str {
        match self {
            Act::Disable => "webhook.disable",
            Act::Enable => "webhook.enable",
            Act::Delete => "webhook.delete",
            Act::Ping => "webhook.ping",
        }
    }
}

async fn press(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    client: &ClientIp,
    (org_id, hook_id): (i64, i64),
    form: &CsrfForm,
    act: Act,
) -> Response {
    let now = state.clock().now();
    let button = Button {
        state,
        who,
        client,
        permission: PERMISSION,
        back: "webhooks",
    };
    button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let hook = own(&mut tx, &org, hook_id).await?;
                // A switched-off subscription gets nothing, tests included.
                if matches!(act, Act::Ping) && !hook.active() {
                    return Err(PageError::NotFound);
                }
                {
                    let mut conn = tx.conn();
                    match act {
                        Act::Disable => {
                            webhooks::disable(&mut conn, hook.id, Disabled::Manual, now).await
                        }
                        Act::Enable => webhooks::enable(&mut conn, hook.id).await,
                        Act::Delete => webhooks::delete(&mut conn, hook.id).await,
                        Act::Ping => webhooks::ping(&mut conn, hook.id, now).await,
                    }
                    .or_page()?;
                }
                let did = Did {
                    action: act.audit_action(),
                    object_kind: "webhook",
                    object_id: hook.id,
                    detail: None,
                };
                Ok((tx, did))
            },
        )
        .await
}

/// The buttons of a subscription: `disable`, `enable`, `delete`, `ping`.
pub async fn act(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org, hook, act)): Path<(i64, i64, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(act) = Act::parse(&act) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    press(&state, &who, &csrf, &client, (org, hook), &form, act).await
}

pub struct AttemptLine {
    at: String,
    event: String,
    delivery: String,
    attempt: i32,
    ok: bool,
    /// The status code, or why there was none.
    result: String,
    duration_ms: i32,
    response: String,
}

#[derive(Template)]
#[template(path = "webhook_log.html")]
struct LogPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    hook: HookLine,
    attempts: Vec<AttemptLine>,
}

/// A subscription's latest delivery attempts.
pub async fn log(
    State(state): State<AppState>,
    who: Principal,
    Path((org_id, hook_id)): Path<(i64, i64)>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, PERMISSION, org_id).await?;
        let (hook, attempts) = {
            let mut handle = state.db().read().await.or_page()?;
            let hook = webhooks::get(&mut handle.conn(), hook_id)
                .await
                .or_page()?
                .filter(|s| s.organisation_id == org.id)
                .ok_or(PageError::NotFound)?;
            let attempts = webhooks::attempts(&mut handle.conn(), hook.id, webhooks::LOG_LIMIT)
                .await
                .or_page()?;
            (hook, attempts)
        };
        let layout = Layout::new(&state, who.user.as_ref());
        let lang = layout.lang;
        let page = LogPage {
            org_id: org.id,
            org_name: lang.pick(&org.name_ru, &org.name_en).to_owned(),
            hook: HookLine::new(&state, lang, &hook),
            attempts: attempts
                .into_iter()
                .map(|a| AttemptLine {
                    at: when(&state, a.at),
                    event: Event::parse(&a.event)
                        .map_or_else(|| a.event.clone(), |e| event_label(lang, e)),
                    ok: a.succeeded(),
                    result: a
                        .status_code
                        .map(|c| format!("HTTP {c}"))
                        .or(a.error)
                        .unwrap_or_default(),
                    delivery: a.delivery_id,
                    attempt: a.attempt,
                    duration_ms: a.duration_ms,
                    response: a.response_body.unwrap_or_default(),
                })
                .collect(),
            layout,
        };
        Ok::<_, PageError>(form::with_headers(
            super::render(axum::http::StatusCode::OK, &page),
            [],
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
