//! Extractors whose rejections are problem documents in the caller's
//! language, instead of axum's plain-text defaults.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::i18n::Lang;
use crate::problem::Problem;

pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(lang) = Lang::from_request_parts(&mut parts, state).await;
        match axum::Json::<T>::from_request(Request::from_parts(parts, body), state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_problem(lang, &rejection)),
        }
    }
}

fn json_problem(lang: Lang, rejection: &JsonRejection) -> Problem {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .detail(match lang {
            Lang::Ru => {
                "Отправьте тело запроса как JSON с заголовком Content-Type: application/json."
            }
            Lang::En => "Send the body as JSON with Content-Type: application/json.",
        }),
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::new(lang, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        }
        // Serde's message names the field and the expected type: useful to integrators.
        _ => Problem::new(lang, StatusCode::BAD_REQUEST, "malformed_request")
            .detail(rejection.body_text()),
    }
}

pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|e: QueryRejection| {
                Problem::new(lang, StatusCode::BAD_REQUEST, "malformed_request")
                    .detail(e.body_text())
            })
    }
}

pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|e: PathRejection| {
                Problem::new(lang, StatusCode::BAD_REQUEST, "malformed_request")
                    .detail(e.body_text())
            })
    }
}
