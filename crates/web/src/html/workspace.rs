//! Staff lists: the inbox of the organisations a person works for (by due
//! date, with filters), and the regional centre's moderation queue.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::cases::{self, InboxFilter, InboxRow};
use vmeste_domain::access::Permission;
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::status::MessageStatus;

use super::{Layout, error_page, form};
use crate::AppState;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;

/// How many cases a list shows; filters narrow it down.
const LIST_LIMIT: i64 = 200;

pub struct Row {
    id: i64,
    number: String,
    status: &'static str,
    topic: String,
    organisation: String,
    territory: String,
    assignee: String,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    title: &'static str,
    action: &'static str,
    rows: Vec<Row>,
    due: String,
    mine: bool,
    statuses: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    status: Option<String>,
    due: Option<String>,
    mine: Option<String>,
}

fn rows(state: &AppState, found: Vec<InboxRow>) -> Vec<Row> {
    let now = state.clock().now();
    let tz = state.time_zone();
    let today = now.with_timezone(&tz).date_naive();
    found
        .into_iter()
        .map(|r| {
            let status = MessageStatus::parse(&r.status);
            let open = status.is_some_and(MessageStatus::is_open);
            let due = match r.due_date {
                Some(d) if open => format!(
                    "{} ({})",
                    d.format("%d.%m.%Y"),
                    deadline::remaining(now, d, tz, DeadlineKind::CalendarDays, state.calendar())
                        .label_ru()
                ),
                Some(d) => d.format("%d.%m.%Y").to_string(),
                None => String::new(),
            };
            Row {
                id: r.id,
                number: r.number,
                status: status.map_or("", MessageStatus::label_ru),
                topic: r.topic_name_ru,
                organisation: r.organisation_name_ru.unwrap_or_default(),
                territory: r.territory_name_ru.unwrap_or_default(),
                assignee: r.assignee_name.unwrap_or_default(),
                overdue: open && r.due_date.is_some_and(|d| d < today),
                due,
            }
        })
        .collect()
}

const OPEN: [MessageStatus; 3] = [
    MessageStatus::Routed,
    MessageStatus::InProgress,
    MessageStatus::Disputed,
];

pub async fn inbox(
    State(state): State<AppState>,
    who: Principal,
    Query(q): Query<InboxQuery>,
) -> Response {
    let result = async {
        let reach = who.access.reach(Permission::ViewPersonalData);
        let today = state
            .clock()
            .now()
            .with_timezone(&state.time_zone())
            .date_naive();
        let statuses = match q.status.as_deref().and_then(MessageStatus::parse) {
            Some(s) => vec![s],
            None => OPEN.to_vec(),
        };
        let due_by = match q.due.as_deref() {
            Some("overdue") => Some(today - chrono::Duration::days(1)),
            Some("soon") => Some(today + chrono::Duration::days(3)),
            _ => None,
        };
        let filter = InboxFilter {
            organisations: state.org_tree().covered(&reach),
            statuses,
            assignee_id: q.mine.is_some().then(|| who.user_id()).flatten(),
            due_by,
            ..InboxFilter::default()
        };
        let found = {
            let mut handle = state.db().read().await.or_page()?;
            cases::inbox(&mut handle.conn(), &filter, LIST_LIMIT)
                .await
                .or_page()?
        };
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: "Входящие",
            action: "/staff/inbox",
            rows: rows(&state, found),
            statuses: MessageStatus::ALL
                .into_iter()
                .map(|s| {
                    (
                        s.as_str(),
                        s.label_ru(),
                        q.status.as_deref() == Some(s.as_str()),
                    )
                })
                .collect(),
            due: q.due.unwrap_or_default(),
            mine: q.mine.is_some(),
        };
        Ok::<_, PageError>(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn moderation(State(state): State<AppState>, who: Principal) -> Response {
    let result = async {
        let filter = InboxFilter {
            statuses: vec![
                MessageStatus::Moderation,
                MessageStatus::ClarificationRequested,
            ],
            ..InboxFilter::default()
        };
        let found = {
            let mut handle = state.db().read().await.or_page()?;
            cases::inbox(&mut handle.conn(), &filter, LIST_LIMIT)
                .await
                .or_page()?
        };
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: "Модерация",
            action: "/staff/moderation",
            rows: rows(&state, found),
            due: String::new(),
            mine: false,
            statuses: Vec::new(),
        };
        Ok::<_, PageError>(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
