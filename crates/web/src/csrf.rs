//! CSRF protection for forms by the double-submit pattern: a random token
//! lives in an HttpOnly, SameSite=Strict cookie and in a hidden field; a post
//! is accepted only when the two match. Another site can neither read the
//! cookie nor make the browser send it.

use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};

const COOKIE_NAME: &str = "vmeste_csrf";

/// The request's CSRF token; `fresh` when the browser had none yet.
pub struct Csrf {
    pub token: String,
    fresh: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(match crate::cookies::token(&parts.headers, COOKIE_NAME) {
            Some(token) => Csrf {
                token,
                fresh: false,
            },
            None => Csrf {
                token: vmeste_db::sessions::new_token(),
                fresh: true,
            },
        })
    }
}

impl Csrf {
    /// Whether a submitted form carries this request's token. A fresh token
    /// never matches: the browser sent no cookie.
    pub fn accepts(&self, submitted: &str) -> bool {
        !self.fresh
            && submitted.len() == self.token.len()
            && submitted
                .bytes()
                .zip(self.token.bytes())
                .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The cookie to set on the response when the browser has none.
    pub fn set_cookie(&self) -> Option<(HeaderName, HeaderValue)> {
        if !self.fresh {
            return None;
        }
        let cookie = format!(
            "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict",
            self.token
        );
        HeaderValue::from_str(&cookie).ok().map(|v| (SET_COOKIE, v))
    }
}
