//! What every form page shares: the CSRF check, errors by field, the answer
//! that keeps what the user typed, and the redirect after success.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use vmeste_domain::validation::AccountError;

use crate::csrf::Csrf;

/// Errors by field, in the page's language, in the order found.
#[derive(Debug, Default)]
pub struct Errors(Vec<(&'static str, String)>);

impl Errors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.0.iter()
    }

    /// The status of a form page: 422 when it comes back with errors.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// The one error of a form whose CSRF token did not match.
    pub fn stale_form() -> Self {
        let mut errors = Self::default();
        errors.add("form", crate::i18n::current().t("report-stale"));
        errors
    }
}

pub fn account_error(error: AccountError) -> String {
    let lang = crate::i18n::current();
    match error {
        AccountError::EmailInvalid => lang.t("account-email-invalid"),
        AccountError::PasswordTooShort => lang.t("account-password-too-short"),
        AccountError::PasswordTooLong => lang.t("account-password-too-long"),
        AccountError::PasswordIsEmail => lang.t("account-password-is-email"),
    }
}

/// Adds headers to a response: cookies, `Cache-Control: no-store` for pages
/// with forms and personal data.
pub fn with_headers(
    mut response: Response,
    headers: impl IntoIterator<Item = Option<(HeaderName, HeaderValue)>>,
) -> Response {
    for (name, value) in headers.into_iter().flatten() {
        response.headers_mut().append(name, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A form page: rendered with its CSRF cookie and no caching.
pub fn page(status: StatusCode, template: &impl askama::Template, csrf: &Csrf) -> Response {
    with_headers(super::render(status, template), [csrf.set_cookie()])
}

/// Where to go after signing in: only paths on this site, never `//host`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Hashes a password off the async workers (argon2 takes tens of milliseconds of CPU).
pub async fn hash_password(password: String) -> Result<String, crate::error::PageError> {
    use crate::error::OrPage;
    tokio::task::spawn_blocking(move || vmeste_db::users::hash_password(&password))
        .await
        .or_page()?
        .or_page()
}

/// Commits an administrative change with its audit entry, then sends the
/// browser back to the page it came from.
pub async fn audited_redirect(
    who: &crate::principal::Principal,
    state: &crate::AppState,
    tx: vmeste_db::Tx,
    client: &crate::rate_limit::ClientIp,
    entry: vmeste_db::audit::Entry<'_>,
    to: &str,
) -> Result<Response, crate::error::PageError> {
    use crate::error::OrPage;
    who.commit_audited(state, tx, client, entry)
        .await
        .or_page()?;
    Ok(see_other(to))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
