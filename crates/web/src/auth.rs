//! The session cookie, and the signed-in user as handlers most often want it.

use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use vmeste_db::users::User;

use crate::AppState;
use crate::principal::Principal;

const SESSION_COOKIE: &str = "vmeste_session";

/// The signed-in user, if any.
pub struct CurrentUser(pub Option<User>);

/// The session token from the request's cookies, if well-formed.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    crate::cookies::token(headers, SESSION_COOKIE)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        Ok(CurrentUser(principal.user))
    }
}

/// The `Set-Cookie` header that starts a session, or (with `None`) ends it.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> Option<(HeaderName, HeaderValue)> {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    // Lax, not Strict: a link from an e-mail should arrive signed in.
    let cookie = match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            state.settings().sessions.absolute.num_seconds()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&cookie).ok().map(|v| (SET_COOKIE, v))
}
