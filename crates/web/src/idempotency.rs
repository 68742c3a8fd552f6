//! `Idempotency-Key` on the API's POST requests, for every endpoint at once:
//! a client that lost an answer retries with the same key and gets the first
//! answer again (with `Idempotent-Replayed: true`) instead of, say, a second
//! message. The same key with another request is refused with 422, and while
//! the first request runs, a duplicate is refused with 409. Keys belong to
//! the caller (an API key, or a signed-in person) and live 24 hours.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header, request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vmeste_db::idempotency::{self, Answer, Begun, Claim};

use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::{self, Lang};
use crate::principal::Principal;
use crate::problem::Problem;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";
/// The longest key accepted.
pub const MAX_KEY_LENGTH: usize = 255;
/// The answer's headers that a replay repeats.
const KEPT_HEADERS: [HeaderName; 2] = [header::CONTENT_TYPE, header::LOCATION];
/// Answers are small JSON documents; anything larger is not kept.
const MAX_KEPT_ANSWER: usize = 1024 * 1024;

/// 1 to 255 visible ASCII characters.
fn valid_key(value: &HeaderValue) -> Option<&str> {
    let key = value.to_str().ok()?;
    let visible = key.bytes().all(|b| b.is_ascii_graphic());
    (visible && (1..=MAX_KEY_LENGTH).contains(&key.len())).then_some(key)
}

/// Whose keys these are: an integrator's key, else the signed-in person.
fn owner(principal: &Principal) -> Option<String> {
    match (&principal.api_key, &principal.user) {
        (Some(key), _) => Some(format!("key:{}", key.id)),
        (None, Some(user)) => Some(format!("user:{}", user.id)),
        (None, None) => None,
    }
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(raw) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let lang = i18n::from_headers(request.headers());
    let Some(key) = valid_key(&raw) else {
        return Problem::new(lang, StatusCode::BAD_REQUEST, "invalid_idempotency_key")
            .detail(match lang {
                Lang::Ru => "Idempotency-Key: от 1 до 255 видимых символов ASCII.",
                Lang::En => "Idempotency-Key: 1 to 255 visible ASCII characters.",
            })
            .into_response();
    };
    // Every POST of the API needs a caller; without one there is nothing to scope by.
    let Some(owner) = request
        .extensions()
        .get::<Arc<Principal>>()
        .and_then(|p| owner(p))
    else {
        return next.run(request).await;
    };
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_owned(),
        |uri| uri.path().to_owned(),
    );
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => return unreadable(lang, &e),
    };
    let request_hash = fingerprint(&parts, &bytes).await;
    let claim = Claim {
        principal: &owner,
        key,
        method: parts.method.as_str(),
        path: &path,
        request_hash: &request_hash,
    };
    let begun = async {
        let mut tx = state.db().write().await?;
        let begun = idempotency::begin(&mut tx.conn(), &claim, state.clock().now()).await?;
        tx.commit().await?;
        Ok::<_, vmeste_db::DbError>(begun)
    }
    .await;
    let at = match begun.or_500(lang) {
        Ok(Begun::Claimed { at }) => at,
        Ok(Begun::Replay(answer)) => return replay(answer),
        Ok(Begun::Reused) => {
            return Problem::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
            )
            .into_response();
        }
        Ok(Begun::InFlight) => {
            let mut problem = Problem::new(lang, StatusCode::CONFLICT, "idempotency_key_in_use");
            problem.retry_after = Some(1);
            return problem.into_response();
        }
        Err(problem) => return problem.into_response(),
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    record(&state, &owner, key, at, response).await
}

/// What identifies the request beside its method and path: the body, and
/// for a multipart form its fields and files rather than its bytes, which
/// differ between retries in the random boundary alone.
async fn fingerprint(parts: &request::Parts, bytes: &Bytes) -> String {
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let mut request = Request::new(Body::from(bytes.clone()));
        *request.headers_mut() = parts.headers.clone();
        if let Ok(mut form) = Multipart::from_request(request, &()).await {
            let mut fields: Vec<Vec<u8>> = Vec::new();
            let mut complete = true;
            loop {
                match form.next_field().await {
                    Ok(Some(field)) => {
                        fields.push(field.name().unwrap_or("").as_bytes().to_vec());
                        fields.push(field.file_name().unwrap_or("").as_bytes().to_vec());
                        match field.bytes().await {
                            Ok(content) => fields.push(content.to_vec()),
                            Err(_) => complete = false,
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        complete = false;
                        break;
                    }
                }
            }
            if complete {
                return idempotency::fingerprint(fields.iter().map(Vec::as_slice));
            }
        }
    }
    idempotency::fingerprint([bytes.as_ref()])
}

fn unreadable(lang: Lang, error: &axum::Error) -> Response {
    if crate::upload::exceeds_limit(error) {
        Problem::new(lang, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").into_response()
    } else {
        Problem::new(lang, StatusCode::BAD_REQUEST, "malformed_request").into_response()
    }
}

/// Keeps the answer for retries, unless it failed on our side or asked to
/// wait: a retry of those should run again.
async fn record(
    state: &AppState,
    owner: &str,
    key: &str,
    at: chrono::DateTime<chrono::Utc>,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    let status = parts.status;
    let bytes = axum::body::to_bytes(body, MAX_KEPT_ANSWER).await;
    let kept = match &bytes {
        Ok(bytes) if !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS => {
            std::str::from_utf8(bytes).ok().map(|body| Answer {
                status: i32::from(status.as_u16()),
                response_headers: kept_headers(&parts.headers),
                response_body: body.to_owned(),
            })
        }
        _ => None,
    };
    let stored = async {
        let mut tx = state.db().write().await?;
        match &kept {
            Some(answer) => idempotency::finish(&mut tx.conn(), owner, key, at, answer).await?,
            None => idempotency::abandon(&mut tx.conn(), owner, key, at).await?,
        }
        tx.commit().await
    }
    .await;
    if let Err(e) = stored {
        // The answer still goes out; the key is freed after a while.
        tracing::error!(error = %e, "recording an idempotent answer failed");
    }
    match bytes {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => {
            tracing::error!(error = %e, "reading an answer failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn kept_headers(headers: &HeaderMap) -> String {
    let kept: serde_json::Map<String, serde_json::Value> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.into()))
        })
        .collect();
    serde_json::Value::Object(kept).to_string()
}

fn replay(answer: Answer) -> Response {
    let status = u16::try_from(answer.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.response_body).into_response();
    let headers = response.headers_mut();
    let kept: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&answer.response_headers).unwrap_or_default();
    for (name, value) in kept {
        if let (Ok(name), Some(Ok(value))) = (
            HeaderName::try_from(name),
            value.as_str().map(HeaderValue::from_str),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert(
        HeaderName::from_static(REPLAYED),
        HeaderValue::from_static("true"),
    );
    response
}
