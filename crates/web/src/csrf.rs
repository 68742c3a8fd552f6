//! CSRF protection for forms by the double-submit pattern: a random token
//! lives in an HttpOnly, SameSite=Strict cookie and in a hidden field; a post
//! is accepted only when the two match. Another site can neither read the
//! cookie nor make the browser send it.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::fmt::Write;

use rand::RngCore;

const COOKIE_NAME: &str = "vmeste_csrf";

/// The request's CSRF token; `fresh` when the browser had none yet.
pub struct Csrf {
    pub token: String,
    fresh: bool,
}

fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(COOKIE_NAME)?
                .strip_prefix('=')
                .map(str::to_string)
        })
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(match cookie_token(&parts.headers) {
            Some(token) => Csrf {
                token,
                fresh: false,
            },
            None => Csrf {
                token: new_token(),
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
