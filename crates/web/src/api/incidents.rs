//! `/api/v1/incidents`: monitoring tools push posts about problems found in
//! social networks, and later learn what became of them: dismissed, or a
//! message with its number, its public page and, once answered, the
//! answer's public link (see docs/incidents.md). A post is known by its
//! address: pushed again, it is answered with the incident already recorded.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vmeste_db::incidents::{self, Incident};
use vmeste_db::messages::{self, Visibility};
use vmeste_db::{Conn, DbError, events};
use vmeste_domain::incident::{IncidentInput, validate_incident};
use vmeste_domain::status::Action;
use vmeste_domain::validation::{ErrorCode, FieldError};

use super::extract::{Json, Path};
use super::messages::scalar;
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;

/// The push. Fields are loosely typed so that every problem is named at once.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateBody {
    /// The network: `vk`, `telegram`, `ok`, …
    #[schema(value_type = Option<String>, example = "vk")]
    source: Option<Value>,
    /// The post's address; a post is recorded once.
    #[schema(value_type = Option<String>, example = "https://vk.com/wall-123_456")]
    url: Option<Value>,
    /// Shown to the regional centre's staff only.
    #[schema(value_type = Option<String>, example = "@petrov")]
    author_handle: Option<Value>,
    #[schema(value_type = Option<String>, example = "Провал асфальта у дома 3")]
    text: Option<Value>,
    /// ISO 8601 with an offset.
    #[schema(value_type = Option<String>, example = "2026-03-15T09:30:00+03:00")]
    posted_at: Option<Value>,
    #[schema(value_type = Option<f64>, example = 56.405)]
    lat: Option<Value>,
    #[schema(value_type = Option<f64>, example = 42.99)]
    lon: Option<Value>,
    /// Addresses of the post's photos.
    #[schema(value_type = Option<Vec<String>>)]
    photos: Option<Value>,
}

impl CreateBody {
    fn into_input(self) -> (IncidentInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let photos = match self.photos {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(_) => {
                errors.push(FieldError::new("photos", ErrorCode::WrongType));
                Vec::new()
            }
        };
        let input = IncidentInput {
            source: scalar("source", self.source, &mut errors),
            url: scalar("url", self.url, &mut errors),
            author_handle: scalar("author_handle", self.author_handle, &mut errors),
            text: scalar("text", self.text, &mut errors),
            posted_at: scalar("posted_at", self.posted_at, &mut errors),
            lat: scalar("lat", self.lat, &mut errors),
            lon: scalar("lon", self.lon, &mut errors),
            photos,
        };
        (input, errors)
    }
}

/// An incident as its tool sees it. The author's handle is not repeated:
/// the tool sent it, and nothing else needs it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IncidentOut {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub posted_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// `new`, `converted` or `dismissed`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dismiss_reason: Option<String>,
    /// The message the incident became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageLink>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MessageLink {
    pub id: i64,
    pub number: String,
    pub status: String,
    /// Its public page; absent while the public may not see it.
    pub url: Option<String>,
    /// The public link to its latest answer, once answered.
    pub answer_url: Option<String>,
}

/// Push a post found in a social network
///
/// A post already recorded (by its address) is answered with that incident
/// and `200` instead of being recorded twice.
#[utoipa::path(
    post,
    path = "/api/v1/incidents",
    tag = "incidents",
    request_body = CreateBody,
    responses(
        (status = 201, description = "Recorded; `Location` names it", body = IncidentOut),
        (status = 200, description = "The post was recorded before", body = IncidentOut),
        (status = 422, description = "Fields that cannot be used, each named"),
    ),
    security(("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Json(body): Json<CreateBody>,
) -> Result<Response, Problem> {
    let (input, mut errors) = body.into_input();
    let valid = match validate_incident(&input, state.clock().now()) {
        Ok(valid) if errors.is_empty() => valid,
        Ok(_) => return Err(Problem::validation(lang, &errors)),
        Err(more) => {
            // A field of the wrong type reads as missing: report it once, as the wrong type.
            let wrong: Vec<&str> = errors.iter().map(|e| e.field).collect();
            errors.extend(more.into_iter().filter(|e| !wrong.contains(&e.field)));
            return Err(Problem::validation(lang, &errors));
        }
    };
    let now = state.clock().now();
    let mut tx = state.db().write().await.or_500(lang)?;
    let (incident, new) = incidents::record(
        &mut tx.conn(),
        &valid,
        who.api_key.as_ref().map(|k| k.id),
        now,
    )
    .await
    .or_500(lang)?;
    let out = outcome(&mut tx.conn(), &state, incident)
        .await
        .or_500(lang)?;
    tx.commit().await.or_500(lang)?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/api/v1/incidents/{}", out.id);
    Ok((status, [(header::LOCATION, location)], axum::Json(out)).into_response())
}

/// What became of an incident
///
/// New, dismissed with a reason, or converted into a message: its number,
/// its public page and, once answered, the answer's public link.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    tag = "incidents",
    params(("id" = i64, Path, description = "The incident's id")),
    responses(
        (status = 200, description = "The incident and its outcome", body = IncidentOut),
        (status = 404, description = "No such incident"),
    ),
    security(("bearer" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
) -> Result<axum::Json<IncidentOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let Some(incident) = incidents::get(&mut handle.conn(), id).await.or_500(lang)? else {
        return Err(
            Problem::new(lang, StatusCode::NOT_FOUND, "not_found").detail(match lang {
                Lang::Ru => format!("Инцидента {id} нет."),
                Lang::En => format!("There is no incident {id}."),
            }),
        );
    };
    let out = outcome(&mut handle.conn(), &state, incident)
        .await
        .or_500(lang)?;
    Ok(axum::Json(out))
}

/// The incident with what became of it.
async fn outcome(
    conn: &mut Conn<'_>,
    state: &AppState,
    incident: Incident,
) -> Result<IncidentOut, DbError> {
    let message = match incident.message_id {
        Some(id) => message_link(conn, state, id).await?,
        None => None,
    };
    Ok(IncidentOut {
        id: incident.id,
        source: incident.source,
        url: incident.url,
        posted_at: incident.posted_at,
        received_at: incident.received_at,
        status: incident.status,
        dismiss_reason: incident.dismiss_reason,
        message,
    })
}

async fn message_link(
    conn: &mut Conn<'_>,
    state: &AppState,
    id: i64,
) -> Result<Option<MessageLink>, DbError> {
    let Some(view) = messages::get(conn, id).await? else {
        return Ok(None);
    };
    let visibility = view.public_visibility();
    let page = format!(
        "{}/messages/{id}",
        state.settings().public_url.trim_end_matches('/')
    );
    let answer_url = if visibility == Visibility::Published {
        events::for_message(conn, id, true)
            .await?
            .iter()
            .rev()
            .find(|e| e.action == Action::Answer.as_str())
            .map(|e| format!("{page}#event-{}", e.id))
    } else {
        None
    };
    Ok(Some(MessageLink {
        id,
        number: view.number,
        status: view.status,
        url: (visibility != Visibility::Hidden).then_some(page),
        answer_url,
    }))
}
