//! Vmeste over HTTP: server-rendered pages, the REST API and the operations
//! endpoints, on one axum router.

mod api;
mod assets;
mod auth;
mod cookies;
mod csrf;
mod error;
mod html;
mod i18n;
mod listing;
mod metrics;
mod ops;
mod problem;
mod rate_limit;
mod security;
mod state;

use axum::Router;

pub use rate_limit::RateLimits;
pub use state::{AppState, StateError, WebSettings};

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api/v1", api::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(security::headers())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .with_state(state)
}
