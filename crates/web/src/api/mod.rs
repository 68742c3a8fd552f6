//! The REST API, version 1. JSON in and out; errors are problem documents.

mod attachments;
mod catalogue;
pub(crate) mod doc;
mod extract;
mod following;
mod history;
mod inbox;
mod incidents;
mod me;
mod messages;
mod organisations;
mod territories;
mod transitions;

use axum::Router;
use axum::http::StatusCode;

use crate::AppState;
use crate::i18n::Lang;
use crate::problem::Problem;
use crate::routes::{Routes, Rule};
use vmeste_domain::access::Permission;

pub fn routes() -> Routes {
    use Rule::{Public, Read, SignedIn, Staff, Submit};
    Routes::under("/api/v1")
        .get("/openapi.json", Public, doc::openapi_json)
        .get("/me", Read, me::show)
        .get("/me/messages", SignedIn, me::messages)
        .get("/messages", Read, messages::list)
        .post("/messages", Submit, messages::create)
        .get("/messages/{id}", Read, messages::show)
        .get("/messages/{id}/history", Read, history::show)
        .get("/messages/{id}/attachments", Read, attachments::list)
        .post("/messages/{id}/attachments", SignedIn, attachments::upload)
        .post("/messages/{id}/follow", SignedIn, following::follow)
        .delete("/messages/{id}/follow", SignedIn, following::unfollow)
        .post("/messages/{id}/transitions", SignedIn, transitions::create)
        .get("/inbox", Staff(Permission::ViewPersonalData), inbox::show)
        .get("/catalogue", Read, catalogue::show)
        .get("/topics/{id}", Read, catalogue::topic)
        .get("/organisations", Read, organisations::list)
        .get("/organisations/{id}", Read, organisations::show)
        .get(
            "/organisations/{id}/staff",
            Staff(Permission::ManageStaff),
            organisations::staff,
        )
        .get("/territories", Read, territories::list)
        .get("/territories/{id}", Read, territories::show)
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
