//! Who is making the request: the session cookie, checked against the
//! server-side session store on every request.

use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use vmeste_db::sessions::{self, Lookup};
use vmeste_db::users::User;

use crate::AppState;

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
        let Some(token) = session_token(&parts.headers) else {
            return Ok(CurrentUser(None));
        };
        match resolve(state, &token).await {
            Ok(user) => Ok(CurrentUser(user)),
            Err(e) => {
                // The session store being down must not take public pages with it.
                tracing::warn!(error = %e, "session lookup failed");
                Ok(CurrentUser(None))
            }
        }
    }
}

async fn resolve(state: &AppState, token: &str) -> Result<Option<User>, vmeste_db::DbError> {
    let now = state.clock().now();
    let found = {
        let mut handle = state.db().read().await?;
        sessions::lookup(&mut handle.conn(), token, now, state.settings().sessions).await?
    };
    match found {
        Lookup::Unknown => Ok(None),
        Lookup::Expired => {
            let mut tx = state.db().write().await?;
            sessions::delete(&mut tx.conn(), token).await?;
            tx.commit().await?;
            Ok(None)
        }
        Lookup::Live { user, stale } => {
            if stale {
                let mut tx = state.db().write().await?;
                sessions::touch(&mut tx.conn(), token, now).await?;
                tx.commit().await?;
            }
            Ok(Some(user))
        }
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
