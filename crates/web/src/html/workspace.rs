//! Staff lists: the inbox of the organisations a person works for (by due
//! date, with filters), and the regional centre's moderation queue.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use vmeste_db::cases::{self, CaseError, InboxFilter, InboxRow};
use vmeste_db::{Conn, DbError, messages, organisations};
use vmeste_domain::access::Permission;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{Command, registration_due};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{ErrorCode, FieldError};

use super::suggestions::{Names, Panel};
use super::view::{ChoiceGroup, organisation_name, status_label, topic_and_place_choices};
use super::{Layout, error_page, form};
use crate::AppState;
use crate::case_form::{self, CommandForm};
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::{Lang, remaining_label};
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
    /// The classifier's suggestions, for a case this person may moderate.
    suggestions: Option<Panel>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    title: String,
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
    /// The organisations to filter by, when the caller sees several.
    organisation_filter: Vec<ChoiceGroup>,
}

pub struct Bulk {
    csrf: String,
    executors: Vec<(i64, String)>,
    organisations: Vec<ChoiceGroup>,
    /// What the last bulk action did.
    report: Option<String>,
}

/// The inbox's filters, as the page's form and the API send them; empty
/// values mean "any".
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilters {
    /// One status; by default the open ones (routed, in progress, disputed).
    status: Option<String>,
    /// `overdue`, or `soon` (due within three days).
    due: Option<String>,
    /// Present: only the caller's own cases.
    mine: Option<String>,
    /// A topic's id.
    topic: Option<String>,
    /// A territory's id.
    territory: Option<String>,
    /// An executor's id, or `none` for unassigned cases.
    assignee: Option<String>,
    /// One of the organisations the caller may see cases of.
    organisation: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(flatten)]
    filters: InboxFilters,
    /// What the last bulk action did (text: numbers do not survive `flatten`).
    done: Option<String>,
    failed: Option<String>,
}

const OPEN: [MessageStatus; 3] = [
    MessageStatus::Routed,
    MessageStatus::InProgress,
    MessageStatus::Disputed,
];

impl InboxFilters {
    /// The query of the caller's inbox: the organisations where they may see
    /// personal data, narrowed by the filters. Values that cannot be used
    /// are left out and reported.
    pub(crate) fn filter(
        &self,
        state: &AppState,
        who: &Principal,
    ) -> (InboxFilter, Vec<FieldError>) {
        let mut errors = Vec::new();
        let today = state
            .clock()
            .now()
            .with_timezone(&state.time_zone())
            .date_naive();
        let statuses = match given(self.status.as_deref()).map(MessageStatus::parse) {
            Some(Some(s)) => vec![s],
            Some(None) => {
                errors.push(FieldError::new("status", ErrorCode::UnknownValue));
                OPEN.to_vec()
            }
            None => OPEN.to_vec(),
        };
        let due_by = match given(self.due.as_deref()) {
            Some("overdue") => Some(today - chrono::Duration::days(1)),
            Some("soon") => Some(today + chrono::Duration::days(3)),
            Some(_) => {
                errors.push(FieldError::new("due", ErrorCode::UnknownValue));
                None
            }
            None => None,
        };
        let mut number = |field: &'static str, v: &Option<String>| match given(v.as_deref()) {
            Some(raw) => raw
                .parse::<i64>()
                .map_err(|_| errors.push(FieldError::new(field, ErrorCode::NotANumber)))
                .ok(),
            None => None,
        };
        let topic_id = number("topic", &self.topic);
        let territory_id = number("territory", &self.territory);
        let unassigned = given(self.assignee.as_deref()) == Some("none");
        let assignee = if unassigned {
            None
        } else {
            number("assignee", &self.assignee)
        };
        let chosen = number("organisation", &self.organisation);
        let scope = scope(state, who);
        // A chosen organisation narrows the caller's reach, never widens it.
        let organisations = match chosen {
            Some(id) if scope.as_ref().is_none_or(|s| s.contains(&id)) => Some(vec![id]),
            Some(_) => {
                errors.push(FieldError::new("organisation", ErrorCode::UnknownValue));
                scope
            }
            None => scope,
        };
        let filter = InboxFilter {
            organisations,
            statuses,
            topic_id,
            territory_id,
            assignee_id: self
                .mine
                .is_some()
                .then(|| who.user_id())
                .flatten()
                .or(assignee),
            unassigned,
            due_by,
        };
        (filter, errors)
    }
}

/// The organisations whose cases the caller may list (`None`: all).
fn scope(state: &AppState, who: &Principal) -> Option<Vec<i64>> {
    state
        .org_tree()
        .covered(&who.access.reach(Permission::ViewPersonalData))
}

/// A filter's value, if one was given.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// What is urgent about a case of a list: the day an appeal waiting for
/// registration must be registered by, and whether it is overdue.
pub(crate) fn urgency(
    r: &InboxRow,
    tz: chrono_tz::Tz,
    today: NaiveDate,
) -> (Option<NaiveDate>, bool) {
    let status = MessageStatus::parse(&r.status);
    let open = status.is_some_and(MessageStatus::is_open);
    let registration = (r.kind == "appeal" && status == Some(MessageStatus::Moderation))
        .then(|| registration_due(r.created_at.with_timezone(&tz).date_naive()));
    let overdue = match registration {
        Some(by) => today > by,
        None => open && r.due_date.is_some_and(|d| d < today),
    };
    (registration, overdue)
}

/// A listed case's topic, organisation and territory in `lang` (Russian
/// where the catalogue has no English name).
pub(crate) struct RowNames {
    pub topic: String,
    pub organisation: Option<String>,
    pub territory: Option<String>,
}

impl RowNames {
    pub(crate) fn of(lang: Lang, r: &InboxRow) -> Self {
        let name = |ru: &Option<String>, en: &Option<String>| {
            ru.as_deref()
                .map(|ru| lang.pick(ru, en.as_deref().unwrap_or_default()).to_owned())
        };
        Self {
            topic: lang.pick(&r.topic_name_ru, &r.topic_name_en).to_owned(),
            organisation: name(&r.organisation_name_ru, &r.organisation_name_en),
            territory: name(&r.territory_name_ru, &r.territory_name_en),
        }
    }
}

fn rows(state: &AppState, calendar: &ProductionCalendar, found: Vec<InboxRow>) -> Vec<Row> {
    let lang = crate::i18n::current();
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
            let (registration, overdue) = urgency(&r, tz, today);
            let due = match (registration, r.due_date) {
                // An appeal waiting for registration: its 3 days are what count now.
                (Some(by), _) => lang.t_with(
                    "inbox-register-by",
                    &[("date", by.format("%d.%m.%Y").to_string().into())],
                ),
                (None, Some(d)) if open => format!(
                    "{} ({})",
                    d.format("%d.%m.%Y"),
                    remaining_label(lang, deadline::remaining(now, d, tz, days, calendar))
                ),
                (None, Some(d)) => d.format("%d.%m.%Y").to_string(),
                (None, None) => String::new(),
            };
            let names = RowNames::of(lang, &r);
            Row {
                id: r.id,
                number: r.number,
                status: status_label(&r.status),
                topic: names.topic,
                organisation: names.organisation.unwrap_or_default(),
                territory: names.territory.unwrap_or_default(),
                assignee: r.assignee_name.unwrap_or_default(),
                overdue,
                due,
                suggestions: None,
            }
        })
        .collect()
}

pub async fn inbox(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(q): Query<InboxQuery>,
) -> Response {
    let result = async {
        let lang = crate::i18n::current();
        // The form offers only valid choices; a hand-edited address loses its bad ones.
        let (filter, _) = q.filters.filter(&state, &who);
        let number = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        let topic = number(&q.filters.topic);
        let territory = number(&q.filters.territory);
        let assignee = q.filters.assignee.clone().unwrap_or_default();
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
            let all = organisations::list(&mut handle.conn()).await.or_page()?;
            let (catalogue, territories) = topic_and_place_choices(&mut handle.conn())
                .await
                .or_page()?;
            (found, calendar, executors, all, catalogue, territories)
        };
        let scope = scope(&state, &who);
        let seen: Vec<_> = organisations
            .iter()
            .filter(|o| scope.as_ref().is_none_or(|s| s.contains(&o.id)))
            .cloned()
            .collect();
        let organisation_filter = if seen.len() > 1 {
            let chosen = q.filters.organisation.as_deref().map(str::trim);
            ChoiceGroup::organisations(&seen, organisation_name, chosen)
        } else {
            Vec::new()
        };
        // Any organisation may be the one a case is redirected to.
        let organisations = ChoiceGroup::organisations(&organisations, organisation_name, None);
        let count = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<u32>().ok());
        let report = match (count(&q.done), count(&q.failed)) {
            (Some(done), Some(0) | None) => {
                Some(lang.t_with("inbox-bulk-done", &[("done", done.into())]))
            }
            (Some(done), Some(failed)) => Some(lang.t_with(
                "inbox-bulk-partly",
                &[("done", done.into()), ("failed", failed.into())],
            )),
            _ => None,
        };
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: lang.t("inbox-title"),
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
                        lang.pick(s.label_ru(), s.label_en()),
                        q.filters.status.as_deref() == Some(s.as_str()),
                    )
                })
                .collect(),
            due: q.filters.due.unwrap_or_default(),
            mine: q.filters.mine.is_some(),
            catalogue,
            territories,
            topic,
            territory,
            assignee,
            organisation_filter,
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
        let (found, calendar, mut panels) = {
            let mut handle = state.db().read().await.or_page()?;
            let found = cases::inbox(&mut handle.conn(), &filter, LIST_LIMIT)
                .await
                .or_page()?;
            let panels = suggestions(&state, &who, &mut handle.conn(), &found)
                .await
                .or_page()?;
            (
                found,
                state.calendar(&mut handle.conn()).await.or_page()?,
                panels,
            )
        };
        let mut rows = rows(&state, &calendar, found);
        for row in &mut rows {
            row.suggestions = panels.remove(&row.id);
        }
        let page = InboxPage {
            layout: Layout::new(&state, who.user.as_ref()),
            title: crate::i18n::current().t("inbox-moderation-title"),
            action: "/staff/moderation",
            bulk: None,
            rows,
            due: String::new(),
            mine: false,
            catalogue: Vec::new(),
            territories: Vec::new(),
            topic: None,
            territory: None,
            assignee: String::new(),
            organisation_filter: Vec::new(),
            statuses: Vec::new(),
        };
        Ok::<_, PageError>(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// The classifier's suggestions for the listed cases this person may
/// moderate; none when no model is active.
async fn suggestions(
    state: &AppState,
    who: &Principal,
    conn: &mut Conn<'_>,
    found: &[InboxRow],
) -> Result<HashMap<i64, Panel>, DbError> {
    let Some(loaded) = state.routing_model(conn).await? else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let names = Names::load(conn, crate::i18n::current()).await?;
    let now = state.clock().now().timestamp();
    Ok(messages::texts(conn, &ids)
        .await?
        .into_iter()
        .filter(|m| who.allows(state, Permission::Moderate, m.organisation_id))
        .map(|m| {
            let panel = names.panel(&loaded.model, m.id, &m.text, m.organisation_id, now);
            (m.id, panel)
        })
        .collect())
}
