//! Reading the random tokens Vmeste keeps in cookies (session, CSRF): 64 hex
//! digits, anything else is ignored.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub fn token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_string)
        })
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}
