use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::events;
use vmeste_db::messages::{self, Visibility};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::privacy::{public_address, public_text};

use super::view::{local_time, status_label};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{OrPage, PageError};
use crate::i18n::{Lang, event_label};
use vmeste_db::users::User;

struct HistoryItem {
    at: String,
    at_iso: String,
    label: &'static str,
    comment: Option<String>,
}

struct MessagePage {
    number: String,
    topic: String,
    category: String,
    status: &'static str,
    status_class: String,
    organisation: String,
    territory: String,
    address: String,
    coordinates: String,
    created: String,
    created_iso: String,
    due: String,
    remaining: String,
    text: Option<String>,
    history: Vec<HistoryItem>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct Page {
    layout: Layout,
    m: MessagePage,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = match id.parse::<i64>() {
        Ok(id) => load(&state, user.as_ref(), id).await,
        Err(_) => Err(PageError::NotFound),
    };
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&state, &e),
    }
}

async fn load(state: &AppState, user: Option<&User>, id: i64) -> Result<Page, PageError> {
    let tz = state.time_zone();
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let view = messages::get(&mut conn, id)
        .await
        .or_page()?
        .ok_or(PageError::NotFound)?;
    let visibility = view.public_visibility();
    if visibility == Visibility::Hidden {
        return Err(PageError::NotFound);
    }
    let history = events::for_message(&mut conn, id, true).await.or_page()?;
    let status = view.status().or_page()?;
    let remaining = match (view.due_date, DeadlineKind::parse(&view.deadline_kind)) {
        (Some(due), Some(kind)) if status.is_open() => {
            deadline::remaining(state.clock().now(), due, tz, kind, state.calendar()).label_ru()
        }
        _ => String::new(),
    };
    Ok(Page {
        layout: Layout::new(state, user),
        m: MessagePage {
            status: status_label(&view.status),
            status_class: view.status,
            number: view.number,
            topic: view.topic_name_ru,
            category: view.category_name_ru,
            organisation: view.organisation_name_ru.unwrap_or_default(),
            territory: view.territory_name_ru.unwrap_or_default(),
            address: view
                .address
                .as_deref()
                .map(public_address)
                .unwrap_or_default(),
            coordinates: format!("{:.5}, {:.5}", view.lat, view.lon),
            created: local_time(view.created_at, tz),
            created_iso: view.created_at.to_rfc3339(),
            due: view
                .due_date
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default(),
            remaining,
            text: (visibility == Visibility::Published).then(|| public_text(&view.text)),
            history: history
                .into_iter()
                .map(|e| HistoryItem {
                    at: local_time(e.at, tz),
                    at_iso: e.at.to_rfc3339(),
                    label: event_label(Lang::Ru, &e.action),
                    comment: e.comment.as_deref().map(public_text),
                })
                .collect(),
        },
    })
}
