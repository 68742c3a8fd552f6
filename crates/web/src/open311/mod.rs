//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>): the
//! discovery document, the service list and service definitions, each in
//! XML and JSON by the path's suffix, with the specification's error lists.
//! A service is a topic of the catalogue, its code the topic's slug; the
//! `jurisdiction_id` is the region's slug.

pub mod model;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use vmeste_db::catalogue;

use crate::AppState;
use crate::i18n::Lang;
use model::{Discovery, Endpoint, Error, Service, ServiceDefinition, xml};

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

/// A document in the asked format; `root` names the XML root element.
fn document<J: Serialize, X: Serialize>(
    format: Format,
    status: StatusCode,
    json: &J,
    (root, xml): (&str, &X),
) -> Response {
    let body = match format {
        Format::Json => serde_json::to_string(json).map_err(|e| e.to_string()),
        Format::Xml => quick_xml::se::to_string_with_root(root, xml)
            .map(|x| format!("{XML_DECLARATION}{x}"))
            .map_err(|e| e.to_string()),
    };
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

/// The specification's error list with one error.
fn error(format: Format, status: StatusCode, description: String) -> Response {
    let errors = vec![Error {
        code: status.as_u16(),
        description,
    }];
    let wrapped = xml::Errors {
        error: errors.clone(),
    };
    document(format, status, &errors, ("errors", &wrapped))
}

/// An unknown path under `/open311`: the error list, in JSON unless XML
/// was asked for.
fn not_found(lang: Lang, file: &str) -> Response {
    let format = Format::of(file).map_or(Format::Json, |(_, f)| f);
    error(format, StatusCode::NOT_FOUND, lang.t("open311-not-found"))
}

#[derive(Debug, Default, Deserialize)]
pub struct Jurisdiction {
    jurisdiction_id: Option<String>,
}

/// Refuses a jurisdiction other than this region: the status and the id of
/// the error's description.
fn check_jurisdiction(
    state: &AppState,
    query: Result<Query<Jurisdiction>, QueryRejection>,
) -> Result<(), (StatusCode, &'static str)> {
    let Ok(Query(query)) = query else {
        return Err((StatusCode::BAD_REQUEST, "open311-bad-query"));
    };
    let asked = query.jurisdiction_id.filter(|j| !j.trim().is_empty());
    match (asked, state.region()) {
        (None, _) => Ok(()),
        (Some(j), Some(region)) if j == region.slug => Ok(()),
        (Some(_), _) => Err((StatusCode::NOT_FOUND, "open311-unknown-jurisdiction")),
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

/// `/open311/v2/services.{json,xml}`: every active topic.
pub async fn services(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    query: Result<Query<Jurisdiction>, QueryRejection>,
) -> Response {
    let Some(("services", format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    if let Err((status, id)) = check_jurisdiction(&state, query) {
        return error(format, status, lang.t(id));
    }
    match catalogue_services(&state, lang).await {
        Ok(list) => {
            let wrapped = xml::Services {
                service: list.clone(),
            };
            document(format, StatusCode::OK, &list, ("services", &wrapped))
        }
        Err(()) => error(
            format,
            StatusCode::INTERNAL_SERVER_ERROR,
            lang.t("open311-internal"),
        ),
    }
}

/// `/open311/v2/services/{code}.{json,xml}`. Topics have no extra
/// attributes yet, so every definition's list is empty (and `metadata` false).
pub async fn service_definition(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    query: Result<Query<Jurisdiction>, QueryRejection>,
) -> Response {
    let Some((code, format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    if let Err((status, id)) = check_jurisdiction(&state, query) {
        return error(format, status, lang.t(id));
    }
    match catalogue_services(&state, lang).await {
        Ok(list) if list.iter().any(|s| s.service_code == code) => {
            let definition = ServiceDefinition {
                service_code: code.to_owned(),
                attributes: Vec::new(),
            };
            let wrapped = xml::ServiceDefinition::from(&definition);
            document(
                format,
                StatusCode::OK,
                &definition,
                ("service_definition", &wrapped),
            )
        }
        Ok(_) => error(
            format,
            StatusCode::NOT_FOUND,
            lang.t("open311-unknown-service"),
        ),
        Err(()) => error(
            format,
            StatusCode::INTERNAL_SERVER_ERROR,
            lang.t("open311-internal"),
        ),
    }
}

/// The active catalogue as services, grouped by category.
async fn catalogue_services(state: &AppState, lang: Lang) -> Result<Vec<Service>, ()> {
    let tree = async {
        let mut handle = state.db().read().await?;
        catalogue::active_tree(&mut handle.conn()).await
    }
    .await
    .map_err(|e| tracing::error!(error = %e, "reading the catalogue failed"))?;
    Ok(tree
        .iter()
        .flat_map(|c| {
            let group = lang
                .pick(&c.category.name_ru, &c.category.name_en)
                .to_owned();
            c.topics.iter().map(move |t| Service {
                service_code: t.slug.clone(),
                service_name: lang.pick(&t.name_ru, &t.name_en).to_owned(),
                description: Some(lang.pick(&t.guidance_ru, &t.guidance_en).to_owned())
                    .filter(|d| !d.is_empty()),
                metadata: false,
                kind: "realtime".into(),
                keywords: None,
                group: Some(group.clone()),
            })
        })
        .collect())
}
