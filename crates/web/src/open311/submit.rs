//! Submitting a service request (`POST requests.{fmt}`, form-encoded or
//! multipart with photos in `media`) and asking about one by its token.
//!
//! An integrator's API key with the `submit` scope is required, as the
//! specification's `api_key`. The request is filed and routed as any message
//! is; its id is known at once, and its number (without its Cyrillic letter)
//! serves as the token. Personal fields (`email`, names, `phone`,
//! `device_id`, `account_id`) are accepted and not kept: the submitting
//! service keeps its users, and Vmeste stores no personal data it has no
//! account to protect it with.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vmeste_db::api_keys::Scope;
use vmeste_db::intake::{IntakeError, Source};
use vmeste_db::messages::{self, Visibility};
use vmeste_db::{catalogue, houses};
use vmeste_domain::validation::{FieldError, MessageInput, validate_message};

use super::model::Receipt;
use super::{Format, check_jurisdiction, error, errors, internal, listed, not_found, parse_query};
use crate::AppState;
use crate::i18n::{self, Lang};
use crate::photos::{self, MAX_PHOTOS};
use crate::principal::live_key;
use crate::rate_limit::{Bucket, ClientIp};
use crate::upload::FormWithFiles;

/// The specification's fields; `attribute[…]` and unknown ones are ignored
/// (no topic has attributes).
#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    api_key: Option<String>,
    jurisdiction_id: Option<String>,
    service_code: Option<String>,
    lat: Option<String>,
    long: Option<String>,
    address_string: Option<String>,
    description: Option<String>,
}

/// `api_key` and `jurisdiction_id` may come in the query string too.
#[derive(Debug, Default, Deserialize)]
struct SubmitQuery {
    api_key: Option<String>,
    jurisdiction_id: Option<String>,
}

/// Our field names as the specification names them, for error texts.
fn wire_field(field: &str) -> &str {
    match field {
        "topic_id" => "service_code",
        "text" => "description",
        "lon" => "long",
        "address" => "address_string",
        other => other,
    }
}

/// `POST /open311/v2/requests.{json,xml}`.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    client: ClientIp,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    form: Result<FormWithFiles<SubmitForm>, Response>,
) -> Response {
    let Some(("requests", format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    let query: SubmitQuery = match parse_query(lang, format, &query.unwrap_or_default()) {
        Ok(query) => query,
        Err(refused) => return refused.into_response(),
    };
    let Ok(FormWithFiles { form, files }) = form else {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            lang.t("open311-unreadable"),
        );
    };
    let jurisdiction = form
        .jurisdiction_id
        .as_deref()
        .or(query.jurisdiction_id.as_deref());
    if let Err(refused) = check_jurisdiction(&state, lang, format, jurisdiction) {
        return refused.into_response();
    }
    let forbidden = |id: &str| error(format, StatusCode::FORBIDDEN, lang.t(id));
    let Some(secret) = form
        .api_key
        .as_deref()
        .or(query.api_key.as_deref())
        .map(str::trim)
        .filter(|k| !k.is_empty())
    else {
        return forbidden("open311-key-required");
    };
    let key = match live_key(&state, secret).await {
        Ok(Some(key)) if key.allows(Scope::Submit) => key,
        Ok(_) => return forbidden("open311-key-refused"),
        Err(e) => return internal(format, lang, &e),
    };
    let limited = state
        .limiters()
        .check(Bucket::Intake, &client)
        .and_then(|()| {
            state
                .limiters()
                .check_account(Bucket::Intake, &format!("key:{}", key.id))
        });
    if limited.is_err() {
        return error(
            format,
            StatusCode::TOO_MANY_REQUESTS,
            lang.t("open311-too-many"),
        );
    }
    let photos = if files.len() > MAX_PHOTOS {
        Err(lang.t_n(
            "open311-too-many-photos",
            i64::try_from(MAX_PHOTOS).unwrap_or(i64::MAX),
        ))
    } else {
        photos::accept_all(&files).map_err(|e| e.message(lang))
    };
    let photos = match photos {
        Ok(photos) => photos,
        Err(message) => return error(format, StatusCode::BAD_REQUEST, message),
    };
    let input = match input(&state, &form).await {
        Ok(Ok(input)) => input,
        Ok(Err(id)) => return error(format, StatusCode::BAD_REQUEST, lang.t(id)),
        Err(e) => return internal(format, lang, &e),
    };
    let refused = |found: &[FieldError]| {
        let described = found
            .iter()
            .map(|e| format!("{}: {}", wire_field(e.field), i18n::field_message(lang, e)))
            .collect();
        errors(format, StatusCode::BAD_REQUEST, described)
    };
    let valid = match validate_message(&input) {
        Ok(valid) => valid,
        Err(found) => return refused(&found),
    };
    let view = match state
        .intake()
        .submit(state.db(), &valid, None, Source::Open311)
        .await
    {
        Ok(view) => view,
        Err(IntakeError::Invalid(found)) => return refused(&found),
        Err(IntakeError::Db(e)) => return internal(format, lang, &e),
    };
    state.metrics().messages_submitted.inc();
    let jpegs = photos
        .into_iter()
        .map(|p| (uuid::Uuid::new_v4().to_string(), p.jpeg))
        .collect();
    if let Err(e) = photos::store(&state, view.id, None, jpegs).await {
        // The request stands; its photos are lost and the log says so.
        tracing::error!(error = %e, message = view.id, "storing Open311 media failed");
    }
    let receipt = Receipt {
        service_request_id: Some(view.id.to_string()),
        token: Some(messages::ascii_number(&view.number).to_owned()),
        service_notice: Some(
            lang.t_with("open311-notice", &[("number", view.number.clone().into())]),
        ),
        account_id: None,
    };
    listed(
        format,
        StatusCode::CREATED,
        "service_requests",
        vec![receipt],
    )
}

/// The message the form describes: the topic by its code, the place by its
/// coordinates or else by the address in the house register. `Ok(Err(id))`
/// names what is wrong when it cannot be a message at all.
async fn input(
    state: &AppState,
    form: &SubmitForm,
) -> Result<Result<MessageInput, &'static str>, vmeste_db::DbError> {
    fn given(v: Option<&String>) -> Option<&str> {
        v.map(|v| v.trim()).filter(|v| !v.is_empty())
    }
    let Some(code) = given(form.service_code.as_ref()) else {
        return Ok(Err("open311-service-required"));
    };
    let mut handle = state.db().read().await?;
    let mut conn = handle.conn();
    let topic = catalogue::topics(&mut conn)
        .await?
        .into_iter()
        .find(|t| t.slug == code && t.active);
    let Some(topic) = topic else {
        return Ok(Err("open311-unknown-service"));
    };
    let mut input = message_input(form, topic.id);
    if let (None, None, Some(address)) = (
        given(form.lat.as_ref()),
        given(form.long.as_ref()),
        given(form.address_string.as_ref()),
    ) && let Some(house) = houses::by_address(&mut conn, address).await?
    {
        input.lat = Some(format!("{:.6}", house.lat));
        input.lon = Some(format!("{:.6}", house.lon));
    }
    Ok(Ok(input))
}

/// The message a decoded form describes once its service code is known to
/// be topic `topic_id`: the database-free half of [`input`], which the fuzz
/// target `open311_form` runs with `validate_message` as the handler does.
pub fn message_input(form: &SubmitForm, topic_id: i64) -> MessageInput {
    MessageInput {
        topic_id: Some(topic_id.to_string()),
        text: form.description.clone(),
        lat: form.lat.clone(),
        lon: form.long.clone(),
        address: form.address_string.clone(),
        territory_id: None,
    }
}

/// `GET /open311/v2/tokens/{token}.{json,xml}`: the request a token stands for.
pub async fn token(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((token, format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    let query: SubmitQuery = match parse_query(lang, format, &query.unwrap_or_default()) {
        Ok(query) => query,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(&state, lang, format, query.jurisdiction_id.as_deref())
    {
        return refused.into_response();
    }
    let found = async {
        let mut handle = state.db().read().await?;
        messages::by_ascii_number(&mut handle.conn(), token).await
    }
    .await;
    match found {
        Ok(Some(view)) if view.public_visibility() != Visibility::Hidden => {
            let receipt = Receipt {
                service_request_id: Some(view.id.to_string()),
                token: Some(messages::ascii_number(&view.number).to_owned()),
                service_notice: None,
                account_id: None,
            };
            listed(format, StatusCode::OK, "service_requests", vec![receipt])
        }
        Ok(_) => error(
            format,
            StatusCode::NOT_FOUND,
            lang.t("open311-unknown-token"),
        ),
        Err(e) => internal(format, lang, &e),
    }
}
