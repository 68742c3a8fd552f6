//! The regional centre's queue of posts found in social networks: the list,
//! a post with its author (personal data, for moderators only), and the two
//! decisions — turn it into a message, routed through intake like any
//! other but without an author, or dismiss it with a reason. Audited.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::incidents::{self, Incident, QueueFilter};
use vmeste_db::intake::{IntakeError, Source};
use vmeste_db::{audit, catalogue, messages, territories};
use vmeste_domain::access::Permission;
use vmeste_domain::incident::{IncidentStatus, names_author, without_author};
use vmeste_domain::validation::{MessageInput, validate_message};

use super::form::{self, Errors};
use super::view::{Choice, ChoiceGroup, local_time, territory_choices};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::field_message;
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// How many incidents the list shows; filters narrow it down.
const LIST_LIMIT: i64 = 200;
const EXCERPT_CHARS: usize = 160;
const REASON_MAX_CHARS: usize = 500;

/// The queue belongs to the regional centre: moderators (region-wide).
fn moderates(state: &AppState, who: &Principal) -> Result<(), PageError> {
    if who.allows(state, Permission::Moderate, None) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

fn status_label(status: &str) -> String {
    crate::i18n::current().t(&format!("incident-status-{status}"))
}

pub struct Row {
    id: i64,
    received: String,
    source: String,
    excerpt: String,
    status: String,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<Row>,
    /// Filter choices: (value, label, chosen).
    statuses: Vec<(&'static str, String, bool)>,
    sources: Vec<(String, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    source: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    who: Principal,
    Query(q): Query<QueueQuery>,
) -> Response {
    let result = async {
        moderates(&state, &who)?;
        let status = q.status.as_deref().and_then(IncidentStatus::parse);
        let source = q.source.clone().filter(|s| !s.is_empty());
        let filter = QueueFilter {
            status,
            source: source.clone(),
        };
        let (found, sources) = {
            let mut handle = state.db().read().await.or_page()?;
            (
                incidents::queue(&mut handle.conn(), &filter, LIST_LIMIT)
                    .await
                    .or_page()?,
                incidents::sources(&mut handle.conn()).await.or_page()?,
            )
        };
        let tz = state.time_zone();
        let page = QueuePage {
            layout: Layout::new(&state, who.user.as_ref()),
            rows: found
                .into_iter()
                .map(|i| Row {
                    received: local_time(i.received_at, tz),
                    excerpt: excerpt(&i.text),
                    status: status_label(&i.status),
                    id: i.id,
                    source: i.source,
                })
                .collect(),
            statuses: IncidentStatus::ALL
                .into_iter()
                .map(|s| (s.as_str(), status_label(s.as_str()), status == Some(s)))
                .collect(),
            sources: sources
                .into_iter()
                .map(|s| {
                    let chosen = source.as_deref() == Some(s.as_str());
                    (s, chosen)
                })
                .collect(),
        };
        Ok::<_, PageError>(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        short.push('…');
    }
    short
}

/// The message a moderator makes of a post, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ConvertForm {
    csrf: Option<String>,
    topic_id: Option<String>,
    text: Option<String>,
    address: Option<String>,
    territory_id: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
}

impl ConvertForm {
    /// The form as it starts: the post's text without its author, its point.
    fn from_post(incident: &Incident) -> Self {
        Self {
            text: Some(without_author(&incident.text, &incident.author_handle)),
            lat: incident.lat.map(|v| format!("{v:.6}")),
            lon: incident.lon.map(|v| format!("{v:.6}")),
            ..Self::default()
        }
    }

    fn input(&self) -> MessageInput {
        MessageInput {
            topic_id: self.topic_id.clone(),
            text: self.text.clone(),
            lat: self.lat.clone(),
            lon: self.lon.clone(),
            address: self.address.clone(),
            territory_id: self.territory_id.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DismissForm {
    csrf: Option<String>,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    layout: Layout,
    csrf: String,
    id: i64,
    source: String,
    url: String,
    author: String,
    text: String,
    posted: String,
    received: String,
    point: Option<String>,
    photos: Vec<String>,
    status: String,
    open: bool,
    /// The message it became: its id, and the note saying so.
    converted: Option<(i64, String)>,
    /// The note that it was dismissed, with the reason.
    dismissed: Option<String>,
    groups: Vec<ChoiceGroup>,
    territories: Vec<Choice>,
    typed: ConvertForm,
    reason: String,
    errors: Errors,
}

impl IncidentPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

/// What the incident page shows besides the incident.
#[derive(Default)]
struct Shown {
    typed: Option<ConvertForm>,
    reason: String,
    errors: Errors,
    status: Option<StatusCode>,
}

async fn incident_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    incident: Incident,
    shown: Shown,
) -> Result<Response, PageError> {
    let lang = crate::i18n::current();
    let (tree, places, converted) = {
        let mut handle = state.db().read().await.or_page()?;
        let mut conn = handle.conn();
        let converted = match incident.message_id {
            Some(id) => messages::get(&mut conn, id).await.or_page()?.map(|m| {
                (
                    m.id,
                    lang.t_with("incident-converted", &[("number", m.number.into())]),
                )
            }),
            None => None,
        };
        (
            catalogue::active_tree(&mut conn).await.or_page()?,
            territories::list(&mut conn).await.or_page()?,
            converted,
        )
    };
    let typed = shown
        .typed
        .unwrap_or_else(|| ConvertForm::from_post(&incident));
    let tz = state.time_zone();
    let status = shown.status.unwrap_or_else(|| shown.errors.status());
    let page = IncidentPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        id: incident.id,
        posted: local_time(incident.posted_at, tz),
        received: local_time(incident.received_at, tz),
        point: incident
            .lat
            .zip(incident.lon)
            .map(|(lat, lon)| format!("{lat:.6}, {lon:.6}")),
        photos: incident.photos(),
        status: status_label(&incident.status),
        open: incident.status() == Some(IncidentStatus::New),
        converted,
        dismissed: incident
            .dismiss_reason
            .clone()
            .map(|reason| lang.t_with("incident-dismissed", &[("reason", reason.into())])),
        groups: ChoiceGroup::topics(&tree, typed.topic_id.as_deref()),
        territories: territory_choices(&places, typed.territory_id.as_deref()),
        source: incident.source,
        url: incident.url,
        author: incident.author_handle,
        text: incident.text,
        typed,
        reason: shown.reason,
        errors: shown.errors,
    };
    Ok(form::page(status, &page, csrf))
}

async fn load(state: &AppState, id: i64) -> Result<Incident, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    incidents::get(&mut handle.conn(), id)
        .await
        .or_page()?
        .ok_or(PageError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        moderates(&state, &who)?;
        let incident = load(&state, id).await?;
        incident_page(&state, &who, &csrf, incident, Shown::default()).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn one_error(field: &'static str, id: &str) -> Errors {
    let mut errors = Errors::default();
    errors.add(field, crate::i18n::current().t(id));
    errors
}

pub async fn convert(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(id): Path<i64>,
    Form(typed): Form<ConvertForm>,
) -> Response {
    let result = async {
        moderates(&state, &who)?;
        let incident = load(&state, id).await?;
        let refuse = |typed, errors: Errors, status| Shown {
            typed: Some(typed),
            errors,
            status,
            ..Shown::default()
        };
        if !csrf.accepts(typed.csrf.as_deref().unwrap_or("")) {
            let shown = refuse(
                typed,
                one_error("form", "report-stale"),
                Some(StatusCode::FORBIDDEN),
            );
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        if incident.status() != Some(IncidentStatus::New) {
            let shown = refuse(
                typed,
                one_error("form", "incident-error-decided"),
                Some(StatusCode::CONFLICT),
            );
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        let lang = crate::i18n::current();
        let message = match validate_message(&typed.input()) {
            Ok(message) => {
                // The text and the address are public: the author is named in neither.
                let handle = incident.author_handle.as_str();
                let named = if names_author(&message.text, handle) {
                    Some("text")
                } else if message
                    .address
                    .as_deref()
                    .is_some_and(|a| names_author(a, handle))
                {
                    Some("address")
                } else {
                    None
                };
                if let Some(field) = named {
                    let shown = refuse(typed, one_error(field, "incident-error-author"), None);
                    return incident_page(&state, &who, &csrf, incident, shown).await;
                }
                message
            }
            Err(found) => {
                let mut errors = Errors::default();
                for e in &found {
                    errors.add(e.field, field_message(lang, e));
                }
                return incident_page(&state, &who, &csrf, incident, refuse(typed, errors, None))
                    .await;
            }
        };
        let now = state.clock().now();
        let mut tx = state.db().write().await.or_page()?;
        let filed = state
            .intake()
            .submit_within(&mut tx.conn(), &message, None, Source::Social)
            .await;
        let view = match filed {
            Ok(view) => view,
            Err(IntakeError::Invalid(found)) => {
                drop(tx);
                let mut errors = Errors::default();
                for e in &found {
                    errors.add(e.field, field_message(lang, e));
                }
                return incident_page(&state, &who, &csrf, incident, refuse(typed, errors, None))
                    .await;
            }
            Err(IntakeError::Db(e)) => return Err(e).or_page(),
        };
        let by = who.user_id().unwrap_or_default();
        if !incidents::mark_converted(&mut tx.conn(), incident.id, view.id, by, now)
            .await
            .or_page()?
        {
            // Another moderator decided first; the message is rolled back.
            drop(tx);
            let incident = load(&state, id).await?;
            let shown = refuse(
                typed,
                one_error("form", "incident-error-decided"),
                Some(StatusCode::CONFLICT),
            );
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        let number = view.number.clone();
        let entry = audit::Entry {
            action: "incident.convert",
            object_kind: "incident",
            object_id: Some(incident.id),
            detail: Some(&number),
            ..audit::Entry::default()
        };
        state.metrics().messages_submitted.inc();
        form::audited_redirect(
            &who,
            &state,
            tx,
            &client,
            entry,
            &format!("/staff/incidents/{id}"),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn dismiss(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<DismissForm>,
) -> Response {
    let result = async {
        moderates(&state, &who)?;
        let incident = load(&state, id).await?;
        let reason = form.reason.as_deref().unwrap_or_default().trim().to_owned();
        let refuse = |errors: Errors, status| Shown {
            reason: reason.clone(),
            errors,
            status,
            ..Shown::default()
        };
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            let shown = refuse(
                one_error("form", "report-stale"),
                Some(StatusCode::FORBIDDEN),
            );
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        if reason.is_empty()
            || reason.chars().count() > REASON_MAX_CHARS
            || reason
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            let shown = refuse(one_error("reason", "incident-error-reason"), None);
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        let mut tx = state.db().write().await.or_page()?;
        let by = who.user_id().unwrap_or_default();
        let now = state.clock().now();
        if !incidents::dismiss(&mut tx.conn(), incident.id, &reason, by, now)
            .await
            .or_page()?
        {
            drop(tx);
            let shown = refuse(
                one_error("form", "incident-error-decided"),
                Some(StatusCode::CONFLICT),
            );
            return incident_page(&state, &who, &csrf, incident, shown).await;
        }
        let entry = audit::Entry {
            action: "incident.dismiss",
            object_kind: "incident",
            object_id: Some(incident.id),
            ..audit::Entry::default()
        };
        form::audited_redirect(
            &who,
            &state,
            tx,
            &client,
            entry,
            &format!("/staff/incidents/{id}"),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
