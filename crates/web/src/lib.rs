//! Vmeste over HTTP: server-rendered pages, the REST API and the operations
//! endpoints, on one axum router.

pub(crate) mod api;
mod assets;
mod auth;
mod body_limit;
mod case_form;
mod choices;
mod content_coding;
mod cookies;
mod csrf;
pub mod drafts;
mod error;
mod following;
pub(crate) mod html;
mod i18n;
mod idempotency;
mod listing;
mod live_keys;
pub mod mail;
mod metrics;
pub mod oidc;
pub mod open311;
mod ops;
pub mod photos;
mod principal;
mod problem;
mod rate_limit;
pub mod routes;
pub mod second_factor;
mod security;
mod signing;
mod state;
pub mod storage;
pub mod tiles;
pub mod upload;

use std::sync::Arc;

use axum::Router;

pub use rate_limit::RateLimits;
pub use state::{AppState, StateError, WebSettings};
pub use storage::Storage;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (pages, page_rules) = html::routes().into_parts();
    let (api, api_rules) = api::routes().into_parts();
    let table: Arc<Vec<routes::Endpoint>> =
        Arc::new(page_rules.into_iter().chain(api_rules).collect());
    let enforce = || {
        axum::middleware::from_fn_with_state((state.clone(), Arc::clone(&table)), routes::enforce)
    };
    Router::new()
        .merge(pages.route_layer(enforce()))
        .nest(
            "/api/v1",
            api::with_fallbacks(
                api.route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    idempotency::guard,
                ))
                .route_layer(enforce()),
            ),
        )
        .merge(ops::routes())
        .merge(assets::routes())
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(i18n::scope))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // Pages shrink several times over; phones on slow links notice. At
        // the fastest level: compressing a list page at the default level
        // cost more CPU than building it (docs/PERFORMANCE.md). Static files
        // come compressed at the best level already, and the layer leaves
        // an encoded response alone.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::compression::CompressionLevel::Fastest),
        )
        .layer(axum::middleware::from_fn(body_limit::limit))
        // The limit above is the real one; extractors may use all of it.
        .layer(axum::extract::DefaultBodyLimit::max(
            upload::UPLOAD_BODY_LIMIT,
        ))
        .with_state(state)
}
