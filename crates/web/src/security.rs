//! Security headers on every response. No inline script anywhere, so the CSP
//! can forbid it. Pages may not be framed, except the widget, and that only by
//! the origins the region allows. HSTS when the site is served over HTTPS.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The policy; `img-src` adds the map's tile server.
fn csp(tile_origin: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; img-src 'self' data: {tile_origin}; style-src 'self'; \
         script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {ancestors}"
    )
}

/// Where the embeddable widget lives; only it may be framed.
pub const WIDGET_PATH: &str = "/widget";

/// The CSP `frame-ancestors` for a path: `'none'` except the widget's, which
/// lists the configured origins (and is `'none'` when none are configured).
pub fn frame_ancestors(path: &str, widget_origins: &[String]) -> String {
    let is_widget = path == WIDGET_PATH || path.starts_with("/widget/");
    if is_widget && !widget_origins.is_empty() {
        widget_origins.join(" ")
    } else {
        "'none'".to_owned()
    }
}

pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ancestors = frame_ancestors(request.uri().path(), &state.settings().widget_origins);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let framed = ancestors != "'none'";
    let mut set = |name, value: HeaderValue| {
        headers.entry(name).or_insert(value);
    };
    if let Ok(csp) = HeaderValue::from_str(&csp(&state.settings().tiles.origin(), &ancestors)) {
        set(header::CONTENT_SECURITY_POLICY, csp);
    }
    set(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !framed {
        set(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if state.settings().secure_cookies {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::frame_ancestors;

    #[test]
    fn only_the_widget_may_be_framed_and_only_where_allowed() {
        let allowed = vec!["https://gov.example".to_owned()];
        assert_eq!(frame_ancestors("/widget", &allowed), "https://gov.example");
        assert_eq!(frame_ancestors("/report", &allowed), "'none'");
        assert_eq!(frame_ancestors("/widget", &[]), "'none'");
        assert_eq!(frame_ancestors("/widgetry", &allowed), "'none'");
    }
}
