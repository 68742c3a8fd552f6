//! The REST API, version 1. JSON in and out; errors are problem documents.

mod catalogue;
mod extract;
mod messages;
mod organisations;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;
use crate::i18n::Lang;
use crate::problem::Problem;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(messages::list).post(messages::create))
        .route("/messages/{id}", get(messages::show))
        .route("/catalogue", get(catalogue::show))
        .route("/organisations", get(organisations::list))
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
