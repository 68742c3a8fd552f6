//! Staff lists: the inbox of the organisations a person works for (by due
//! date, with filters), and the regional centre's moderation queue.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::cases::{self, CaseError, InboxFilter, InboxRow};
use vmeste_db::organisations;
use vmeste_domain::access::Permission;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{Command, registration_due};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::status::MessageStatus;

use super::view::topic_and_place_choices;
use super::{Layout, error_page, form};
use crate::AppState;
use crate::case_form::{self, CommandForm};
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

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
    /// Bulk actions: the form's token and the choices.
    bulk: Option<Bulk>,
    rows: Vec<Row>,
    due: String,
    mine: bool,
    statuses: Vec<(&'static str, &'static str, bool)>,
    /// The catalogue and territories to filter by, and what is chosen.
    catalogue: Vec<(String, Vec<(i64, String)>)>,
    territories: Vec<(i64, String)>,
    topic: Option<i64>,
    territory: Option<i64>,
    /// "" any, "none" unassigned, or an executor's id.
    assignee: String,
}

pub struct Bulk {
    csrf: String,
    executors: Vec<(i64, String)>,
    organisations: Vec<(i64, String)>,
    /// What the last bulk action did.
    report: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    status: Option<String>,
    due: Option<String>,
    mine: Option<String>,
    topic: Option<String>,
    territory: Option<String>,
    assignee: Option<String>,
    done: Option<u32>,
    failed: Option<u32>,
}

fn rows(state: &AppState, calendar: &ProductionCalendar, found: Vec<InboxRow>) -> Vec<Row> {
    let now = state.clock().now();
    let tz = state.time_zone();
    let today = now.with_timezone(&tz).date_naive();
    found
        .into_iter()
        .map(|r| {
            let status = MessageStatus::parse(&r.status);
            let open = status.is_some_and(MessageStatus::is_open);
            // Appeals count calendar days; messages their topic's kind of days.
            let days = match (r.kind.as_str(), DeadlineKind::parse(&r.deadline_kind)) {
                ("appeal", _) | (_, None) => DeadlineKind::CalendarDays,
                (_, Some(kind)) => kind,
            };
            let registration = (r.kind == "appeal" && status == Some(MessageStatus::Moderation))
                .then(|| registration_due(r.created_at.with_timezone(&tz).date_naive()));
            let due = match (registration, r.due_date) {
                // An appeal waiting for registration: its 3 days are what count now.
                (Some(by), _) => format!("зарегистрировать до {}", by.format("%d.%m.%Y")),
                (None, Some(d)) if open => format!(
                    "{} ({})",
                    d.format("%d.%m.%Y"),
                    deadline::remaining(now, d, tz, days, calendar).label_ru()
                ),
                (None, Some(d)) => d.format("%d.%m.%Y").to_string(),
                (None, None) => String::new(),
            };
            Row {
                id: r.id,
                number: r.number,
                status: status.map_or("", MessageStatus::label_ru),
                topic: r.topic_name_ru,
                organisation: r.organisation_name_ru.unwrap_or_default(),
                territory: r.territory_name_ru.unwrap_or_default(),
                assignee: r.assignee_name.unwrap_or_default(),
                overdue: match registration {
                    Some(by) => today > by,
                    None => open && r.due_date.is_some_and(|d| d < today),
                },
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
    csrf: Csrf,
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
        let number = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        let topic = number(&q.topic);
        let territory = number(&q.territory);
        let assignee = q.assignee.clone().unwrap_or_default();
        let filter = InboxFilter {
            organisations: state.org_tree().covered(&reach),
            statuses,
            topic_id: topic,
            territory_id: territory,
            assignee_id: q
                .mine
                .is_some()
                .then(|| who.user_id())
                .flatten()
                .or_else(|| number(&q.assignee)),
            unassigned: assignee == "none",
            due_by,
        };
        let (found, calendar, executors, organisations, catalogue, territories) = {
            let mut handle = state.db().read().await.or_page()?;
            let found = cases::inbox(&mut handle.conn(), &filter, LIST_LIMIT)
                .await
                .or_page()?;
            let calendar = state.calendar(&mut handle.conn()).await.or_page()?;
            let mut executors = Vec::new();
            for org in own_organisations(&who) {
                executors.extend(cases::executors(&mut handle.conn(), org).await.or_page()?);
            }
            executors.sort();
            executors.dedup();
            let organisations = organisations::list(&mut handle.conn())
                .await
                .or_page()?
                .into_iter()
                .filter(|o| o.active)
                .map(|o| (o.id, o.name_ru))
                .collect();
            let (catalogue, territories) = topic_and_place_choices(&mut handle.conn())
                .await
                .or_page()?;
            (found, calendar, executors, organisations, catalogue, territories)
        };
        let report = match (q.done, q.failed) {
            (Some(done), Some(0) | None) => Some(format!("Выполнено: {done}.")),
            (Some(done), Some(failed)) => Some(format!(
                "Выполнено: {done}. Не выполнено: {failed} — для них это действие сейчас невозможно."
            )),
            _ => None,
        };
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: "Входящие",
            action: "/staff/inbox",
            bulk: Some(Bulk {
                csrf: csrf.token.clone(),
                executors,
                organisations,
                report,
            }),
            rows: rows(&state, &calendar, found),
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
            catalogue,
            territories,
            topic,
            territory,
            assignee,
        };
        Ok::<_, PageError>(form::page(StatusCode::OK, &page, &csrf))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// The organisations the person works in directly (for assigning).
fn own_organisations(who: &Principal) -> Vec<i64> {
    who.access
        .grants()
        .iter()
        .filter(|g| g.role.permits(Permission::Triage) || g.role.permits(Permission::Answer))
        .filter_map(|g| g.organisation_id)
        .collect()
}

/// One action on several cases: each is checked and applied on its own, and
/// the inbox says how many went through.
pub async fn bulk(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    body: axum::body::Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if !csrf.accepts(value("csrf").as_deref().unwrap_or("")) {
        return form::see_other("/staff/inbox");
    }
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let form = CommandForm {
        command: value("command"),
        executor_id: value("executor_id"),
        organisation_id: value("organisation_id"),
        text: value("text"),
        ..CommandForm::default()
    };
    let Ok(command @ (Command::Assign { .. } | Command::Redirect { .. })) = form.command() else {
        return form::see_other("/staff/inbox?done=0&failed=0");
    };
    let (mut done, mut failed) = (0_u32, 0_u32);
    for id in ids {
        let case = async {
            let mut handle = state.db().read().await?;
            cases::get(&mut handle.conn(), id).await
        }
        .await;
        let case = match case {
            Ok(Some(case))
                if who.allows(&state, Permission::ViewPersonalData, case.organisation_id) =>
            {
                case
            }
            Ok(_) => {
                failed += 1;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "bulk action failed");
                return error_page(&state, &PageError::Internal);
            }
        };
        match case_form::run(&state, &who, &client, &case, &command).await {
            Ok(_) => done += 1,
            Err(CaseError::Db(e)) => {
                tracing::error!(error = %e, "bulk action failed");
                return error_page(&state, &PageError::Internal);
            }
            Err(_) => failed += 1,
        }
    }
    form::see_other(&format!("/staff/inbox?done={done}&failed={failed}"))
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
        let (found, calendar) = {
            let mut handle = state.db().read().await.or_page()?;
            let found = cases::inbox(&mut handle.conn(), &filter, LIST_LIMIT)
                .await
                .or_page()?;
            (found, state.calendar(&mut handle.conn()).await.or_page()?)
        };
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: "Модерация",
            action: "/staff/moderation",
            bulk: None,
            rows: rows(&state, &calendar, found),
            due: String::new(),
            mine: false,
            catalogue: Vec::new(),
            territories: Vec::new(),
            topic: None,
            territory: None,
            assignee: String::new(),
            statuses: Vec::new(),
        };
        Ok::<_, PageError>(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
