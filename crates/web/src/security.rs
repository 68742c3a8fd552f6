//! Security headers on every response. No inline script anywhere, so the CSP
//! can forbid it. Pages may not be framed, except the widget's, and those only
//! by the sites the region allows and the sites the widget's organisation
//! (its `org` parameter) lists. HSTS when the site is served over HTTPS.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::html::widget::{Embed, is_widget_path};

/// The policy; `img-src` adds the map's tile server.
fn csp(tile_origin: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; img-src 'self' data: {tile_origin}; style-src 'self'; \
         script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {ancestors}"
    )
}

const NO_ANCESTORS: &str = "'none'";

/// The CSP `frame-ancestors` of allowed origins: `'none'` when there are none.
fn ancestors(origins: &[String]) -> String {
    if origins.is_empty() {
        NO_ANCESTORS.to_owned()
    } else {
        origins.join(" ")
    }
}

/// Who may frame the page at `uri`: nobody, except for the widget's pages:
/// the region's configured sites and its organisation's own. A store that
/// cannot answer leaves only the configured ones: the safe side.
async fn frame_ancestors(state: &AppState, uri: &Uri) -> String {
    if !is_widget_path(uri.path()) {
        return NO_ANCESTORS.to_owned();
    }
    let mut origins = state.settings().widget_origins.clone();
    if let Some(org) = Embed::of_query(uri.query()).org {
        let own = async {
            let mut handle = state.db().read().await?;
            vmeste_db::widgets::origins_of(&mut handle.conn(), org).await
        }
        .await;
        match own {
            Ok(own) => origins.extend(own.into_iter().map(|o| o.origin)),
            Err(e) => tracing::warn!(error = %e, "reading the widget's sites failed"),
        }
    }
    origins.sort();
    origins.dedup();
    ancestors(&origins)
}

pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ancestors = frame_ancestors(&state, request.uri()).await;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let framed = ancestors != NO_ANCESTORS;
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
    use super::ancestors;
    use crate::html::widget::is_widget_path;

    #[test]
    fn only_the_widget_may_be_framed_and_only_where_allowed() {
        let allowed = vec![
            "https://gov.example".to_owned(),
            "https://uk.example".to_owned(),
        ];
        assert_eq!(
            ancestors(&allowed),
            "https://gov.example https://uk.example"
        );
        assert_eq!(ancestors(&[]), "'none'");
        assert!(is_widget_path("/widget") && is_widget_path("/widget/sent/1"));
        assert!(!is_widget_path("/widgetry") && !is_widget_path("/widget.js"));
        assert!(!is_widget_path("/report"));
    }
}
