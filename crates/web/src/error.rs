//! Failures that are not the user's fault: logged with their cause, answered
//! with a plain 500 that reveals nothing.

use axum::http::StatusCode;

use crate::i18n::Lang;
use crate::problem::Problem;

/// Turns an internal failure into the API's 500 problem, logging the cause.
pub trait OrInternal<T> {
    fn or_500(self, lang: Lang) -> Result<T, Problem>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_500(self, lang: Lang) -> Result<T, Problem> {
        self.map_err(|e| {
            tracing::error!(error = %e, "request failed");
            Problem::new(lang, StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
        })
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    NotFound,
    /// Signed in, but the role or the organisation does not allow it.
    Forbidden,
    Internal,
}

pub trait OrPage<T> {
    fn or_page(self) -> Result<T, PageError>;
}

impl<T, E: std::fmt::Display> OrPage<T> for Result<T, E> {
    fn or_page(self) -> Result<T, PageError> {
        self.map_err(|e| {
            tracing::error!(error = %e, "page failed");
            PageError::Internal
        })
    }
}
