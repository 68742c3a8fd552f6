//! RFC 9457 problem documents: every API error, with a stable machine code.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vmeste_domain::validation::FieldError;

use crate::i18n::{self, Lang};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The code's URI form, `urn:vmeste:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: Box<str>,
    /// What went wrong, in the caller's language (`Accept-Language`).
    pub title: Box<str>,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<str>>,
    /// Stable machine-readable code; `type` is its URI form.
    #[schema(value_type = String, example = "validation_failed")]
    pub code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Why a case transition was refused: a stable code such as `dispute_window_closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub reason: Option<&'static str>,
    /// Seconds to wait, sent as the `Retry-After` header.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

/// One field that cannot be used.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    /// Stable code such as `required` or `too_long`.
    #[schema(value_type = String)]
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl Problem {
    pub fn new(lang: Lang, status: StatusCode, code: &'static str) -> Self {
        Self {
            type_uri: format!("urn:vmeste:problem:{code}").into_boxed_str(),
            title: i18n::problem_title(lang, code).into_boxed_str(),
            status: status.as_u16(),
            detail: None,
            code,
            errors: Vec::new(),
            reason: None,
            retry_after: None,
        }
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into().into_boxed_str());
        self
    }

    /// Over the rate limit: 429 with `Retry-After`.
    pub fn too_many_requests(lang: Lang, wait: std::time::Duration) -> Self {
        let mut problem = Self::new(lang, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
        problem.retry_after = Some(crate::rate_limit::retry_after_secs(wait));
        problem
    }

    /// A body that parsed but whose fields are wrong: 422.
    pub fn validation(lang: Lang, errors: &[FieldError]) -> Self {
        Self::with_fields(
            Self::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            lang,
            errors,
        )
    }

    /// Query parameters that cannot be used: 400.
    pub fn parameters(lang: Lang, errors: &[FieldError]) -> Self {
        Self::with_fields(
            Self::new(lang, StatusCode::BAD_REQUEST, "invalid_parameters"),
            lang,
            errors,
        )
    }

    fn with_fields(mut problem: Self, lang: Lang, errors: &[FieldError]) -> Self {
        problem.errors = errors
            .iter()
            .map(|e| ProblemField {
                field: e.field.to_string(),
                code: e.code.as_str(),
                message: i18n::field_message(lang, e),
                limit: e.limit,
            })
            .collect();
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}
