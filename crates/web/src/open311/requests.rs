//! Reading service requests: the list (`requests.{fmt}`) with the
//! specification's filters, window and pages, and one request
//! (`requests/{id}.{fmt}`). Only what the public page of a message shows:
//! never the author, never the text before a moderator has checked it.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vmeste_db::messages::{self, Filter, MessageView, PUBLISHED, Visibility};
use vmeste_db::{DbError, attachments, catalogue, events};
use vmeste_domain::privacy::{public_address, public_text};
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::TEXT_MAX_CHARS;

use super::model::ServiceRequest;
use super::window::{MAX_PAGE_SIZE, bounds};
use super::{
    Format, check_jurisdiction, datetime, end_of_day, error, internal, listed, not_found,
    parse_query, wire_status,
};
use crate::AppState;
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    jurisdiction_id: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
}

/// A comma-separated parameter's values.
fn values(raw: Option<&str>) -> Vec<&str> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// `/open311/v2/requests.{json,xml}`.
pub(super) async fn list(state: &AppState, lang: Lang, format: Format, query: &str) -> Response {
    let asked: ListQuery = match parse_query(lang, format, query) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(state, lang, format, asked.jurisdiction_id.as_deref())
    {
        return refused.into_response();
    }
    let refuse = |id: &str| error(format, StatusCode::BAD_REQUEST, lang.t(id));
    // Asked by id, the other parameters do not apply (the specification's rule).
    let ids = values(asked.service_request_id.as_deref());
    if !ids.is_empty() {
        let Ok(ids) = ids
            .iter()
            .map(|id| id.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
        else {
            return refuse("open311-bad-request-id");
        };
        if ids.len() > usize::try_from(MAX_PAGE_SIZE).unwrap_or(usize::MAX) {
            return refuse("open311-bad-page");
        }
        return match by_ids(state, lang, &ids).await {
            Ok(found) => listed(format, StatusCode::OK, "service_requests", found),
            Err(e) => internal(format, lang, &e),
        };
    }
    let statuses = match statuses(asked.status.as_deref()) {
        Ok(statuses) => statuses,
        Err(id) => return refuse(id),
    };
    let ((since, until), (offset, limit)) = match bounds(
        state.clock().now(),
        state.time_zone(),
        (asked.start_date.as_deref(), asked.end_date.as_deref()),
        (asked.page.as_deref(), asked.page_size.as_deref()),
    ) {
        Ok(bounds) => bounds,
        Err(id) => return refuse(id),
    };
    let found = async {
        let mut handle = state.db().read().await?;
        let mut conn = handle.conn();
        let codes = values(asked.service_code.as_deref());
        let topics = topic_ids(&mut conn, &codes).await?;
        let Ok(topics) = topics else {
            return Ok(Err(()));
        };
        let filter = Filter {
            statuses,
            topics,
            since: Some(since),
            until: Some(until),
            ..Filter::default()
        };
        let views = messages::list_public_window(&mut conn, &filter, offset, limit).await?;
        let shown = views
            .into_iter()
            .map(|v| (v, Visibility::Published))
            .collect();
        described(state, lang, &mut conn, shown).await.map(Ok)
    }
    .await;
    match found {
        Ok(Ok(list)) => listed(format, StatusCode::OK, "service_requests", list),
        Ok(Err(())) => refuse("open311-unknown-service"),
        Err(e) => internal(format, lang, &e),
    }
}

/// `/open311/v2/requests/{id}.{json,xml}`: a list of one, as specified.
pub async fn one_request(
    State(state): State<AppState>,
    lang: Lang,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = Format::of(&file) else {
        return not_found(lang, &file);
    };
    let asked: ListQuery = match parse_query(lang, format, &query.unwrap_or_default()) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(&state, lang, format, asked.jurisdiction_id.as_deref())
    {
        return refused.into_response();
    }
    let unknown = || {
        error(
            format,
            StatusCode::NOT_FOUND,
            lang.t("open311-unknown-request"),
        )
    };
    let Ok(id) = id.parse::<i64>() else {
        return unknown();
    };
    match by_ids(&state, lang, &[id]).await {
        Ok(found) if found.is_empty() => unknown(),
        Ok(found) => listed(format, StatusCode::OK, "service_requests", found),
        Err(e) => internal(format, lang, &e),
    }
}

/// Requests by id, as far as the public may see them; the others look absent.
async fn by_ids(state: &AppState, lang: Lang, ids: &[i64]) -> Result<Vec<ServiceRequest>, DbError> {
    let mut handle = state.db().read().await?;
    let mut conn = handle.conn();
    let shown = messages::by_ids(&mut conn, ids)
        .await?
        .into_iter()
        .map(|v| {
            let visibility = v.public_visibility();
            (v, visibility)
        })
        .filter(|(_, visibility)| *visibility != Visibility::Hidden)
        .collect();
    described(state, lang, &mut conn, shown).await
}

/// `status=open,closed` as the published statuses it stands for.
fn statuses(raw: Option<&str>) -> Result<Vec<MessageStatus>, &'static str> {
    let asked = values(raw);
    if let Some(bad) = asked.iter().find(|s| !matches!(**s, "open" | "closed")) {
        tracing::debug!(status = bad, "unknown Open311 status asked for");
        return Err("open311-bad-status");
    }
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    Ok(PUBLISHED
        .iter()
        .copied()
        .filter(|s| asked.contains(&wire_status(Some(*s))))
        .collect())
}

/// The topics of these service codes; `Err` if one is unknown. No codes,
/// no topics: any topic.
async fn topic_ids(
    conn: &mut vmeste_db::Conn<'_>,
    codes: &[&str],
) -> Result<Result<Vec<i64>, ()>, DbError> {
    if codes.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let by_slug: HashMap<String, i64> = catalogue::topics(conn)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id))
        .collect();
    Ok(codes
        .iter()
        .map(|c| by_slug.get(*c).copied().ok_or(()))
        .collect())
}

/// Messages as service requests, with their latest public comment and first
/// photo, read for the whole page at once.
async fn described(
    state: &AppState,
    lang: Lang,
    conn: &mut vmeste_db::Conn<'_>,
    shown: Vec<(MessageView, Visibility)>,
) -> Result<Vec<ServiceRequest>, DbError> {
    let ids: Vec<i64> = shown.iter().map(|(v, _)| v.id).collect();
    let comments = events::latest_public_comments(conn, &ids).await?;
    let photos = attachments::first_photos(conn, &ids).await?;
    let site = state.settings().public_url.trim_end_matches('/');
    Ok(shown
        .into_iter()
        .map(|(m, visibility)| {
            let status = MessageStatus::parse(&m.status);
            let published = visibility == Visibility::Published;
            let label = status.map_or("", |s| match lang {
                Lang::Ru => s.label_ru(),
                Lang::En => s.label_en(),
            });
            // The answer (the latest public comment) says more than the label.
            let comment = comments.get(&m.id).filter(|_| published);
            let status_notes = match comment {
                Some(c) => format!("{label}. {}", public_text(c)),
                None => label.to_owned(),
            };
            ServiceRequest {
                service_request_id: m.id.to_string(),
                status: wire_status(status).to_owned(),
                status_notes: Some(status_notes),
                service_name: Some(lang.pick(&m.topic_name_ru, &m.topic_name_en).to_owned()),
                service_code: m.topic_slug,
                description: published
                    .then(|| public_text(&m.text).chars().take(TEXT_MAX_CHARS).collect()),
                agency_responsible: m.organisation_name_ru,
                service_notice: None,
                requested_datetime: datetime(state, m.created_at),
                updated_datetime: Some(datetime(state, m.updated_at)),
                expected_datetime: m
                    .due_date
                    .filter(|_| status.is_some_and(MessageStatus::is_open))
                    .and_then(|d| end_of_day(state, d)),
                address: m.address.as_deref().map(public_address),
                address_id: None,
                zipcode: None,
                lat: Some(m.lat),
                long: Some(m.lon),
                media_url: photos
                    .get(&m.id)
                    .filter(|_| published)
                    .map(|photo| format!("{site}/photos/{photo}")),
            }
        })
        .collect())
}
