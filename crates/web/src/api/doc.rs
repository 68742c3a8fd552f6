//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! attributes and their types, with the conventions every operation shares
//! added in one place: the security schemes, problem documents for errors,
//! and `Idempotency-Key` on POST.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    Content, OpenApi as Document, Ref, RefOr, Required, Response, ResponseBuilder,
};
use utoipa::{Modify, OpenApi};

use super::{
    attachments, catalogue, following, history, inbox, incidents, me, messages, organisations,
};
use super::{territories, transitions};
use crate::idempotency::MAX_KEY_LENGTH;
use crate::problem::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vmeste API",
        version = "1",
        description = "The REST API of Vmeste, a platform for residents' messages to the bodies \
                       that answer them. JSON in and out; errors are RFC 9457 problem documents \
                       with stable codes. See docs/api.md.",
    ),
    paths(
        openapi_json,
        me::show,
        me::messages,
        messages::list,
        messages::create,
        messages::show,
        history::show,
        attachments::list,
        attachments::upload,
        following::follow,
        following::unfollow,
        transitions::create,
        inbox::show,
        catalogue::show,
        catalogue::topic,
        organisations::list,
        organisations::show,
        organisations::staff,
        territories::list,
        territories::show,
        incidents::create,
        incidents::show,
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&Conventions),
    tags(
        (name = "messages", description = "Residents' messages: submit, list, read, follow"),
        (name = "me", description = "The caller and their own messages"),
        (name = "attachments", description = "Photos and answer documents"),
        (name = "staff", description = "The staff's inbox and actions on cases"),
        (name = "catalogue", description = "Categories and topics"),
        (name = "organisations", description = "The organisations that answer"),
        (name = "territories", description = "The region's territories"),
        (name = "incidents", description = "Posts from social networks pushed by monitoring tools"),
        (name = "meta", description = "This document"),
    ),
)]
struct ApiDoc;

/// What every operation shares.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("vmk_…")
                    .description(Some(
                        "An integrator's API key, issued on the organisation's page \
                         /org/{id}/api-keys with the scopes `read` and/or `submit`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "vmeste_session",
                "The session of a person signed in on the site.",
            ))),
        );
        for item in doc.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.delete].into_iter().flatten() {
                problems(operation);
            }
            if let Some(operation) = &mut item.post {
                idempotent(operation);
                problems(operation);
            }
        }
    }
}

fn problem_content() -> Content {
    Content::new(Some(Ref::from_schema_name("Problem")))
}

/// Errors are problem documents: those an operation names, and any other.
fn problems(operation: &mut Operation) {
    for (status, response) in &mut operation.responses.responses {
        if let RefOr::T(response) = response
            && !status.starts_with('2')
            && response.content.is_empty()
        {
            response
                .content
                .insert("application/problem+json".into(), problem_content());
        }
    }
    operation.responses.responses.insert(
        "default".into(),
        RefOr::T(problem_response(
            "A problem document (RFC 9457): `code` is stable, `title` and `detail` speak \
             the caller's language.",
        )),
    );
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", problem_content())
        .build()
}

/// `Idempotency-Key` and the answers it brings.
fn idempotent(operation: &mut Operation) {
    let key = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_KEY_LENGTH))
        .pattern(Some("^[!-~]+$"));
    operation.parameters.get_or_insert_with(Vec::new).push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Makes a retry safe: a repeat with the same key and body gets the first \
                 answer again, with `Idempotent-Replayed: true`. Kept 24 hours, per caller.",
            ))
            .schema(Some(key))
            .build(),
    );
    let responses = &mut operation.responses.responses;
    responses.entry("400".into()).or_insert_with(|| {
        RefOr::T(problem_response(
            "A request that cannot be used, such as an invalid `Idempotency-Key` \
             (`invalid_idempotency_key`)",
        ))
    });
    responses.entry("409".into()).or_insert_with(|| {
        RefOr::T(problem_response(
            "A request with this `Idempotency-Key` is still running (`idempotency_key_in_use`)",
        ))
    });
    responses.entry("422".into()).or_insert_with(|| {
        RefOr::T(problem_response(
            "This `Idempotency-Key` was used with another request (`idempotency_key_reused`)",
        ))
    });
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(ApiDoc::openapi);

/// The document.
pub fn document() -> &'static Document {
    &DOCUMENT
}

/// This document
///
/// The API described in OpenAPI 3.1; a readable version is at `/api/docs`.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
    security(()),
)]
pub async fn openapi_json() -> axum::response::Response {
    match serde_json::to_vec(document()) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the OpenAPI document does not serialise");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
