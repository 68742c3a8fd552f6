//! `/api/v1/messages`: submit, list and read messages.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vmeste_db::intake::{IntakeError, Source};
use vmeste_db::messages::{self, MessageView, Visibility};
use vmeste_db::{Db, events};
use vmeste_domain::privacy::{public_address, public_text};
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{ErrorCode, FieldError, MessageInput, validate_message};

use super::extract::{Json, Path, Query};
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::{self, Lang};
use crate::listing::ListParams;
use crate::principal::Principal;
use crate::problem::Problem;
use crate::rate_limit::{Bucket, ClientIp};

/// Something with a name: a topic, a category, an organisation, a territory.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    /// Without flat or office numbers.
    pub address: Option<String>,
}

/// One step of a message's history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventOut {
    pub at: DateTime<Utc>,
    /// Stable name of what happened, such as `routed` or `answered`.
    pub action: String,
    /// What happened, in the caller's language.
    pub label: String,
    pub from_status: Option<String>,
    pub to_status: String,
    /// Contacts a resident typed are masked, except for the case's staff.
    pub comment: Option<String>,
    /// Shown to the resident and the public (else seen by staff only).
    pub public: bool,
}

impl EventOut {
    pub(super) fn new(lang: Lang, e: events::Event, masked: bool) -> Self {
        Self {
            label: i18n::event_label(lang, &e.action),
            at: e.at,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            comment: if masked {
                e.comment.as_deref().map(public_text)
            } else {
                e.comment
            },
            public: e.public,
        }
    }
}

/// A message as its reader may see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MessageOut {
    pub id: i64,
    /// The number residents quote, such as `В-2026-000123`.
    pub number: String,
    /// Stable status name, such as `in_progress`.
    pub status: String,
    /// The status in the caller's language.
    #[schema(value_type = String)]
    pub status_label: &'static str,
    /// False while a moderator has not checked the message: its text is
    /// withheld from the public.
    pub published: bool,
    /// E-mail addresses and phone numbers in it are masked, except for its author.
    pub text: Option<String>,
    pub topic: Named,
    pub category: Named,
    pub organisation: Option<Named>,
    pub territory: Option<Named>,
    pub location: Location,
    pub due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The message's page on the site.
    pub url: String,
    /// Its public history; in the answer of a single message only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<EventOut>>,
}

/// A status in the caller's language.
pub(super) fn status_label(lang: Lang, status: &str) -> &'static str {
    match (lang, MessageStatus::parse(status)) {
        (Lang::Ru, Some(s)) => s.label_ru(),
        (Lang::En, Some(s)) => s.label_en(),
        (_, None) => "",
    }
}

impl MessageOut {
    /// As the public sees it: the text only once published, masked.
    fn new(m: MessageView, lang: Lang, show_text: bool) -> Self {
        let text = show_text.then(|| public_text(&m.text));
        Self::with_text(m, lang, text)
    }

    /// As its author sees it: the whole text, whatever its state.
    pub(super) fn own(m: MessageView, lang: Lang) -> Self {
        let text = Some(m.text.clone());
        Self::with_text(m, lang, text)
    }

    fn with_text(m: MessageView, lang: Lang, text: Option<String>) -> Self {
        let published = m.public_visibility() == Visibility::Published;
        let status_label = status_label(lang, &m.status);
        let pick = |ru: String, en: String| if lang == Lang::En { en } else { ru };
        Self {
            url: format!("/messages/{}", m.id),
            id: m.id,
            number: m.number,
            status: m.status,
            status_label,
            published,
            text,
            topic: Named {
                id: m.topic_id,
                name: pick(m.topic_name_ru, m.topic_name_en),
            },
            category: Named {
                id: m.category_id,
                name: pick(m.category_name_ru, m.category_name_en),
            },
            organisation: m
                .organisation_id
                .zip(m.organisation_name_ru)
                .map(|(id, name)| Named { id, name }),
            territory: m
                .territory_id
                .zip(m.territory_name_ru)
                .map(|(id, name)| Named { id, name }),
            location: Location {
                lat: m.lat,
                lon: m.lon,
                address: m.address.as_deref().map(public_address),
            },
            due_date: m.due_date,
            created_at: m.created_at,
            updated_at: m.updated_at,
            history: None,
        }
    }
}

/// A new message: a topic, the text, and the place as a point or a
/// territory (with an address if known). Fields are loosely typed here so
/// that every problem is reported at once, not only the first one serde
/// trips over; numbers may come as strings.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateBody {
    /// From `GET /api/v1/catalogue`.
    #[schema(value_type = Option<i64>, example = 12)]
    topic_id: Option<Value>,
    /// 10 to 4000 characters.
    #[schema(value_type = Option<String>, example = "Большая яма у остановки")]
    text: Option<Value>,
    #[schema(value_type = Option<f64>, example = 56.4012)]
    lat: Option<Value>,
    #[schema(value_type = Option<f64>, example = 42.9876)]
    lon: Option<Value>,
    #[schema(value_type = Option<String>, example = "ул. Садовая, д. 3")]
    address: Option<Value>,
    /// Instead of a point: a territory from `GET /api/v1/territories`.
    #[schema(value_type = Option<i64>)]
    territory_id: Option<Value>,
}

pub(super) fn scalar(
    field: &'static str,
    value: Option<Value>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            errors.push(FieldError::new(field, ErrorCode::WrongType));
            None
        }
    }
}

impl CreateBody {
    /// The input, and the fields whose JSON type was wrong.
    fn into_input(self) -> (MessageInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let input = MessageInput {
            topic_id: scalar("topic_id", self.topic_id, &mut errors),
            text: scalar("text", self.text, &mut errors),
            lat: scalar("lat", self.lat, &mut errors),
            lon: scalar("lon", self.lon, &mut errors),
            address: scalar("address", self.address, &mut errors),
            territory_id: scalar("territory_id", self.territory_id, &mut errors),
        };
        (input, errors)
    }
}

/// Submit a message
///
/// Validates every field at once; the message is routed to the organisation
/// responsible and waits for moderation before it is published.
#[utoipa::path(
    post,
    path = "/api/v1/messages",
    tag = "messages",
    request_body = CreateBody,
    responses(
        (status = 201, description = "Created; `Location` names it", body = MessageOut),
        (status = 422, description = "Fields that cannot be used, each named"),
        (status = 429, description = "Too many messages from this client or key"),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    client: ClientIp,
    who: Principal,
    Json(body): Json<CreateBody>,
) -> Result<Response, Problem> {
    // Per address, and per key or resident wherever they send from.
    let account = match (&who.api_key, &who.user) {
        (Some(key), _) => format!("key:{}", key.id),
        (None, Some(user)) => format!("user:{}", user.id),
        (None, None) => String::new(),
    };
    let limited = state
        .limiters()
        .check(Bucket::Intake, &client)
        .and_then(|()| state.limiters().check_account(Bucket::Intake, &account));
    if let Err(wait) = limited {
        return Err(Problem::too_many_requests(lang, wait));
    }
    let (input, mut errors) = body.into_input();
    let valid = match validate_message(&input) {
        Ok(valid) if errors.is_empty() => valid,
        Ok(_) => return Err(Problem::validation(lang, &errors)),
        Err(more) => {
            // A field of the wrong type reads as missing: report it once, as the wrong type.
            let wrong: Vec<&str> = errors.iter().map(|e| e.field).collect();
            let more: Vec<FieldError> = more
                .into_iter()
                .filter(|e| !wrong.contains(&e.field))
                .collect();
            errors.extend(more);
            return Err(Problem::validation(lang, &errors));
        }
    };
    let view = match state
        .intake()
        .submit(state.db(), &valid, who.user_id(), Source::Api)
        .await
    {
        Ok(view) => view,
        Err(IntakeError::Invalid(errors)) => return Err(Problem::validation(lang, &errors)),
        Err(IntakeError::Db(e)) => return Err(e).or_500(lang),
    };
    state.metrics().messages_submitted.inc();
    let location = format!("/api/v1/messages/{}", view.id);
    let body = MessageOut::new(view, lang, true);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(body),
    )
        .into_response())
}

/// A page of messages, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListOut {
    pub items: Vec<MessageOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// List published messages
///
/// Newest first, a page at a time: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    get,
    path = "/api/v1/messages",
    tag = "messages",
    params(ListParams),
    responses(
        (status = 200, description = "A page of published messages", body = ListOut),
        (status = 400, description = "Parameters that cannot be used, each named"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<ListOut>, Problem> {
    let (filter, limit) = params
        .parse(state.clock().now())
        .map_err(|errors| Problem::parameters(lang, &errors))?;
    let mut handle = state.db().read().await.or_500(lang)?;
    let page = messages::list_public(&mut handle.conn(), &filter, limit)
        .await
        .or_500(lang)?;
    Ok(axum::Json(ListOut {
        items: page
            .items
            .into_iter()
            .map(|m| MessageOut::new(m, lang, true))
            .collect(),
        next_cursor: page.next_before_id.map(|id| id.to_string()),
    }))
}

/// A message as the public may see it, or `None` where it must look absent.
pub async fn public_message(db: &Db, id: i64, lang: Lang) -> Result<Option<MessageOut>, Problem> {
    let mut handle = db.read().await.or_500(lang)?;
    let mut conn = handle.conn();
    let Some(view) = messages::get(&mut conn, id).await.or_500(lang)? else {
        return Ok(None);
    };
    let visibility = view.public_visibility();
    if visibility == Visibility::Hidden {
        return Ok(None);
    }
    let history = events::for_message(&mut conn, id, true)
        .await
        .or_500(lang)?;
    let mut out = MessageOut::new(view, lang, visibility == Visibility::Published);
    out.history = Some(
        history
            .into_iter()
            .map(|e| EventOut::new(lang, e, true))
            .collect(),
    );
    Ok(Some(out))
}

/// Read a message
///
/// With its public history. A message not yet moderated shows without its
/// text; hidden ones (rejected, private topics) are 404.
#[utoipa::path(
    get,
    path = "/api/v1/messages/{id}",
    tag = "messages",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The message", body = MessageOut),
        (status = 404, description = "No such message, or not public"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<i64>,
) -> Result<axum::Json<MessageOut>, Problem> {
    match public_message(state.db(), id, lang).await? {
        Some(out) => Ok(axum::Json(out)),
        None => Err(super::history::not_found(lang, id)),
    }
}
