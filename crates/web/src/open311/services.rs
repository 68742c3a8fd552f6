//! The service list and service definitions: the catalogue's active topics.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vmeste_db::catalogue;

use super::model::{Service, ServiceDefinition, xml};
use super::{Format, check_jurisdiction, document, internal, listed, not_found, parse_query};
use crate::AppState;
use crate::i18n::Lang;

/// The only parameter of the catalogue's methods.
#[derive(Debug, Default, Deserialize)]
struct Jurisdiction {
    jurisdiction_id: Option<String>,
}

/// `/open311/v2/services.{json,xml}`: every active topic.
pub(super) async fn list(state: &AppState, lang: Lang, format: Format, query: &str) -> Response {
    let asked: Jurisdiction = match parse_query(lang, format, query) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(state, lang, format, asked.jurisdiction_id.as_deref())
    {
        return refused.into_response();
    }
    match catalogue_services(state, lang).await {
        Ok(list) => listed(format, StatusCode::OK, "services", list),
        Err(e) => internal(format, lang, &e),
    }
}

/// `/open311/v2/services/{code}.{json,xml}`. Topics have no extra
/// attributes, so every definition's list is empty (and `metadata` false).
pub async fn service_definition(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    let asked: Jurisdiction = match parse_query(lang, format, &query.unwrap_or_default()) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(&state, lang, format, asked.jurisdiction_id.as_deref())
    {
        return refused.into_response();
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
        Ok(_) => super::error(
            format,
            StatusCode::NOT_FOUND,
            lang.t("open311-unknown-service"),
        ),
        Err(e) => internal(format, lang, &e),
    }
}

/// The active catalogue as services, grouped by category.
async fn catalogue_services(
    state: &AppState,
    lang: Lang,
) -> Result<Vec<Service>, vmeste_db::DbError> {
    let mut handle = state.db().read().await?;
    let tree = catalogue::active_tree(&mut handle.conn()).await?;
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
