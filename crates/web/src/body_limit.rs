//! How large a request may be: small for forms and JSON, larger for forms
//! that carry files. Chosen by the declared content type; a body longer than
//! its limit is cut off and the extractor answers 413.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::upload::UPLOAD_BODY_LIMIT;

/// Forms and JSON bodies.
pub const FORM_BODY_LIMIT: usize = 1024 * 1024;

pub async fn limit(req: Request, next: Next) -> Response {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if multipart {
        UPLOAD_BODY_LIMIT
    } else {
        FORM_BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let lang = crate::i18n::from_headers(req.headers());
        return (StatusCode::PAYLOAD_TOO_LARGE, lang.t("request-too-large")).into_response();
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}
