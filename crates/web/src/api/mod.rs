//! The REST API, version 1. JSON in and out; errors are problem documents.

mod catalogue;
mod extract;
mod incidents;
mod messages;
mod organisations;
mod transitions;

use axum::Router;
use axum::http::StatusCode;

use crate::AppState;
use crate::i18n::Lang;
use crate::problem::Problem;
use crate::routes::{Routes, Rule};

pub fn routes() -> Routes {
    Routes::under("/api/v1")
        .get("/messages", Rule::Read, messages::list)
        .post("/messages", Rule::Submit, messages::create)
        .get("/messages/{id}", Rule::Read, messages::show)
        .post(
            "/messages/{id}/transitions",
            Rule::SignedIn,
            transitions::create,
        )
        .get("/catalogue", Rule::Read, catalogue::show)
        .get("/organisations", Rule::Read, organisations::list)
        .post(
            "/incidents",
            Rule::Integration(vmeste_db::api_keys::Scope::Incidents),
            incidents::create,
        )
        .get(
            "/incidents/{id}",
            Rule::Integration(vmeste_db::api_keys::Scope::Incidents),
            incidents::show,
        )
}

/// API answers for unknown paths and methods, as problem documents.
pub fn with_fallbacks(router: Router<AppState>) -> Router<AppState> {
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found(lang: Lang) -> Problem {
    Problem::new(lang, StatusCode::NOT_FOUND, "not_found").detail(match lang {
        Lang::Ru => "Такого адреса в API нет.",
        Lang::En => "There is no such API path.",
    })
}

async fn method_not_allowed(lang: Lang) -> Problem {
    Problem::new(lang, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
}
