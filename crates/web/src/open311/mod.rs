//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>): discovery,
//! services, service requests (read, submit, tokens) and the update feed,
//! each in XML and JSON by the path's suffix, with the specification's error
//! lists. A service is a topic of the catalogue, its code the topic's slug;
//! a service request is a message, its id the message's; the
//! `jurisdiction_id` is the region's slug. `docs/open311.md` has the mapping.

pub mod model;
mod requests;
mod services;
mod submit;
mod updates;
mod window;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vmeste_domain::status::MessageStatus;

use crate::AppState;
use crate::i18n::Lang;
use model::{Discovery, Endpoint, Error, Item, Listed, xml};

pub use requests::one_request;
pub use services::service_definition;
pub use submit::{SubmitForm, message_input, submit, token};

/// What the path's suffix asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

impl Format {
    /// `services.json` → JSON for the stem `services`; anything else, none.
    fn of(file: &str) -> Option<(&str, Format)> {
        if let Some(stem) = file.strip_suffix(".json") {
            Some((stem, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
        }
    }
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

fn to_xml<X: Serialize>(root: &str, value: &X) -> Result<String, String> {
    quick_xml::se::to_string_with_root(root, value)
        .map(|x| format!("{XML_DECLARATION}{x}"))
        .map_err(|e| e.to_string())
}

/// A serialised document with its content type.
fn respond(format: Format, status: StatusCode, body: Result<String, String>) -> Response {
    let content_type = match format {
        Format::Json => "application/json; charset=utf-8",
        Format::Xml => "text/xml; charset=utf-8",
    };
    match body {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "an Open311 document failed to serialise");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A document in the asked format; `root` names the XML root element.
fn document<J: Serialize, X: Serialize>(
    format: Format,
    status: StatusCode,
    json: &J,
    (root, xml): (&str, &X),
) -> Response {
    let body = match format {
        Format::Json => serde_json::to_string(json).map_err(|e| e.to_string()),
        Format::Xml => to_xml(root, xml),
    };
    respond(format, status, body)
}

/// A list document: a JSON array, or XML items under `root`.
fn listed<T: Item + Serialize>(
    format: Format,
    status: StatusCode,
    root: &str,
    items: Vec<T>,
) -> Response {
    let body = match format {
        Format::Json => serde_json::to_string(&items).map_err(|e| e.to_string()),
        Format::Xml => to_xml(root, &Listed(items)),
    };
    respond(format, status, body)
}

/// The specification's error list.
fn errors(format: Format, status: StatusCode, descriptions: Vec<String>) -> Response {
    let list = descriptions
        .into_iter()
        .map(|description| Error {
            code: status.as_u16(),
            description,
        })
        .collect();
    listed(format, status, "errors", list)
}

/// The specification's error list with one error.
fn error(format: Format, status: StatusCode, description: String) -> Response {
    errors(format, status, vec![description])
}

/// A failure of ours, logged, as the error list.
fn internal(format: Format, lang: Lang, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "an Open311 request failed");
    error(
        format,
        StatusCode::INTERNAL_SERVER_ERROR,
        lang.t("open311-internal"),
    )
}

/// An unknown path under `/open311`: the error list, in JSON unless XML
/// was asked for.
fn not_found(lang: Lang, file: &str) -> Response {
    let format = Format::of(file).map_or(Format::Json, |(_, f)| f);
    error(format, StatusCode::NOT_FOUND, lang.t("open311-not-found"))
}

/// A request refused before any work: its error list, once answered.
struct Refused(Format, StatusCode, String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        error(self.0, self.1, self.2)
    }
}

/// Refuses a jurisdiction other than this region.
fn check_jurisdiction(
    state: &AppState,
    lang: Lang,
    format: Format,
    asked: Option<&str>,
) -> Result<(), Refused> {
    let asked = asked.map(str::trim).filter(|j| !j.is_empty());
    match (asked, state.region()) {
        (None, _) => Ok(()),
        (Some(j), Some(region)) if j == region.slug => Ok(()),
        (Some(_), _) => Err(Refused(
            format,
            StatusCode::NOT_FOUND,
            lang.t("open311-unknown-jurisdiction"),
        )),
    }
}

/// `/open311/discovery.{json,xml}`.
pub async fn discovery(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
) -> Response {
    let Some(("discovery", format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    let site = &state.settings().public_url;
    let doc = Discovery {
        changeset: CHANGESET.into(),
        contact: lang.t("open311-contact"),
        key_service: format!("{site}/account"),
        endpoints: vec![Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2".into(),
            url: format!("{site}/open311/v2"),
            changeset: CHANGESET.into(),
            kind: "production".into(),
            formats: vec!["text/xml".into(), "application/json".into()],
        }],
    };
    document(
        format,
        StatusCode::OK,
        &doc,
        ("discovery", &xml::Discovery::from(&doc)),
    )
}

/// When this implementation of the endpoint last changed.
const CHANGESET: &str = "2026-12-02T00:00:00+03:00";

/// `GET /open311/v2/{file}`: the service list, the request list and the
/// update feed share the path's shape.
pub async fn v2_get(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    match Format::of(&file) {
        Some(("services", format)) => services::list(&state, lang, format, &query).await,
        Some(("requests", format)) => requests::list(&state, lang, format, &query).await,
        Some(("servicerequestupdates", format)) => {
            updates::feed(&state, lang, format, &query).await
        }
        _ => not_found(lang, &file),
    }
}

/// The query string's parameters, or why they are unreadable.
fn parse_query<T: DeserializeOwned>(lang: Lang, format: Format, raw: &str) -> Result<T, Refused> {
    serde_html_form::from_str(raw)
        .map_err(|_| Refused(format, StatusCode::BAD_REQUEST, lang.t("open311-bad-query")))
}

/// Open311's status of a message: `open` while work is owed.
fn wire_status(status: Option<MessageStatus>) -> &'static str {
    if status.is_some_and(MessageStatus::is_open) {
        "open"
    } else {
        "closed"
    }
}

/// ISO 8601 with the region's offset, as the specification asks.
fn datetime(state: &AppState, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.time_zone())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A due date as the end of that day in the region.
fn end_of_day(state: &AppState, day: NaiveDate) -> Option<String> {
    let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
    let local = end.and_local_timezone(state.time_zone()).earliest()?;
    Some(local.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
}
