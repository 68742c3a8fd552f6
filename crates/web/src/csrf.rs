//! CSRF protection for forms.
//!
//! The site's own pages use the double-submit pattern: a random token lives
//! in an HttpOnly, SameSite=Strict cookie and in a hidden field; a post is
//! accepted only when the two match. Another site can neither read the
//! cookie nor make the browser send it.
//!
//! The widget's pages are framed by other sites, where browsers send no
//! SameSite cookie (and Safari no third-party cookie at all), so they use a
//! token-only scheme instead (see docs/widget.md): the widget never acts as
//! the signed-in person, so a forged post could only do what anyone may do
//! anonymously; its token is signed by the server and expires; and the post
//! must come from this site's own document, as Fetch Metadata
//! (`Sec-Fetch-Site`) or failing it `Origin` tells.

use axum::extract::FromRequestParts;
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use chrono::{DateTime, Utc};

use crate::signing::FormKey;

const COOKIE_NAME: &str = "vmeste_csrf";
/// How long a widget's form stays good to send.
const SIGNED_FOR_SECS: i64 = 6 * 3600;

/// The request's CSRF token and how a submitted one is checked.
pub struct Csrf {
    pub token: String,
    check: Check,
}

enum Check {
    /// Against the cookie; `fresh` when the browser sent none.
    Cookie { fresh: bool },
    /// By the server's signature and age, for a post from this site's page.
    Signed {
        key: FormKey,
        now: DateTime<Utc>,
        from_own_page: bool,
    },
}

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(match crate::cookies::token(&parts.headers, COOKIE_NAME) {
            Some(token) => Csrf {
                token,
                check: Check::Cookie { fresh: false },
            },
            None => Csrf {
                token: vmeste_db::sessions::new_token(),
                check: Check::Cookie { fresh: true },
            },
        })
    }
}

impl Csrf {
    /// The widget's scheme: a fresh signed token for the page, and the check
    /// of the one submitted with this request.
    pub fn signed(key: FormKey, now: DateTime<Utc>, headers: &HeaderMap, public_url: &str) -> Self {
        let issued = now.timestamp();
        Csrf {
            token: format!("{issued}.{}", key.sign(&signed_message(issued))),
            check: Check::Signed {
                key,
                now,
                from_own_page: from_own_page(headers, public_url),
            },
        }
    }

    /// Whether a submitted form carries a good token. A fresh cookie token
    /// never matches: the browser sent no cookie.
    pub fn accepts(&self, submitted: &str) -> bool {
        match &self.check {
            Check::Cookie { fresh } => {
                !fresh
                    && submitted.len() == self.token.len()
                    && submitted
                        .bytes()
                        .zip(self.token.bytes())
                        .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            }
            Check::Signed {
                key,
                now,
                from_own_page,
            } => {
                let Some((issued, signature)) = submitted.split_once('.') else {
                    return false;
                };
                let Ok(issued) = issued.parse::<i64>() else {
                    return false;
                };
                let age = now.timestamp() - issued;
                *from_own_page
                    && (-60..=SIGNED_FOR_SECS).contains(&age)
                    && key.verify(&signed_message(issued), signature)
            }
        }
    }

    /// The cookie to set on the response when the browser has none.
    pub fn set_cookie(&self) -> Option<(HeaderName, HeaderValue)> {
        if !matches!(self.check, Check::Cookie { fresh: true }) {
            return None;
        }
        let cookie = format!(
            "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict",
            self.token
        );
        HeaderValue::from_str(&cookie).ok().map(|v| (SET_COOKIE, v))
    }
}

fn signed_message(issued: i64) -> String {
    format!("widget-form:{issued}")
}

/// Whether the request comes from a document of this site: Fetch Metadata
/// says so, or without it the `Origin` is this site (as the browser reached
/// it, or as configured behind a proxy). A request with neither header is
/// not from a browser that would carry someone's cookies, so it passes.
fn from_own_page(headers: &HeaderMap, public_url: &str) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    let Some(origin) = header(ORIGIN) else {
        return true;
    };
    let Ok(parsed) = url::Url::parse(origin) else {
        return false;
    };
    let host_port = match (parsed.host_str(), parsed.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return false,
    };
    let public = url::Url::parse(public_url).ok().map(|u| u.origin());
    header(HOST) == Some(host_port.as_str()) || public == Some(parsed.origin())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;
    use chrono::{Duration, TimeZone, Utc};

    use super::Csrf;
    use crate::signing::FormKey;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn a_signed_token_is_good_from_this_sites_page_for_a_few_hours() {
        let key = FormKey::new("k");
        let then = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let issued = Csrf::signed(key.clone(), then, &HeaderMap::new(), "").token;
        let own = headers(&[("sec-fetch-site", "same-origin")]);
        let later = |h| Csrf::signed(key.clone(), then + Duration::hours(h), &own, "");
        assert!(later(1).accepts(&issued));
        assert!(!later(7).accepts(&issued), "expired");
        assert!(!later(1).accepts(&issued.replace('.', ".0")), "tampered");
        assert!(!Csrf::signed(FormKey::new("other"), then, &own, "").accepts(&issued));
        let framed_by_another = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(!Csrf::signed(key.clone(), then, &framed_by_another, "").accepts(&issued));
        let foreign_origin = headers(&[
            ("origin", "https://evil.example"),
            ("host", "vmeste.example"),
        ]);
        assert!(!Csrf::signed(key.clone(), then, &foreign_origin, "").accepts(&issued));
        let own_origin = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert!(Csrf::signed(key.clone(), then, &own_origin, "").accepts(&issued));
        let proxied = headers(&[
            ("origin", "https://vmeste.example"),
            ("host", "10.0.0.5:8080"),
        ]);
        assert!(Csrf::signed(key, then, &proxied, "https://vmeste.example/").accepts(&issued));
    }
}
