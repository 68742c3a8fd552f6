//! `GET /api/v1/inbox`: the staff inbox of the organisations where the
//! caller may see personal data, with the workspace page's filters, the
//! most urgent first. Lines carry no resident's personal data.

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use vmeste_db::cases;

use super::extract::Query;
use super::messages::status_label;
use crate::AppState;
use crate::error::OrInternal;
use crate::html::workspace::{InboxFilters, RowNames, urgency};
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;

/// As many as the workspace page shows; the filters narrow the list down.
const LIMIT: i64 = 200;

/// A case of the inbox.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub id: i64,
    pub number: String,
    pub status: String,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    /// `message`, or `appeal` (a formal appeal under 59-FZ).
    pub kind: String,
    /// The topic, organisation and territory are named in the caller's
    /// language (`Accept-Language`), as `status_label` is.
    pub topic: String,
    pub organisation: Option<String>,
    pub territory: Option<String>,
    /// The executor assigned, if any.
    pub assignee: Option<String>,
    pub due_date: Option<NaiveDate>,
    /// An appeal waiting for registration must be registered by this day.
    pub registration_due: Option<NaiveDate>,
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxOut {
    pub items: Vec<InboxItem>,
}

/// The staff inbox
///
/// Cases of the caller's organisations by due date, the most urgent first
/// (at most 200): by default the open ones.
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    tag = "staff",
    params(InboxFilters),
    responses(
        (status = 200, description = "The inbox", body = InboxOut),
        (status = 400, description = "Filters that cannot be used, each named"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not staff who handle cases"),
    ),
    security(("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Query(filters): Query<InboxFilters>,
) -> Result<axum::Json<InboxOut>, Problem> {
    let (filter, errors) = filters.filter(&state, &who);
    if !errors.is_empty() {
        return Err(Problem::parameters(lang, &errors));
    }
    let found = {
        let mut handle = state.db().read().await.or_500(lang)?;
        cases::inbox(&mut handle.conn(), &filter, LIMIT)
            .await
            .or_500(lang)?
    };
    let tz = state.time_zone();
    let today = state.clock().now().with_timezone(&tz).date_naive();
    let items = found
        .into_iter()
        .map(|r| {
            let (registration_due, overdue) = urgency(&r, tz, today);
            let names = RowNames::of(lang, &r);
            InboxItem {
                id: r.id,
                number: r.number,
                status_label: status_label(lang, &r.status),
                status: r.status,
                kind: r.kind,
                topic: names.topic,
                organisation: names.organisation,
                territory: names.territory,
                assignee: r.assignee_name,
                due_date: r.due_date,
                registration_due,
                overdue,
                created_at: r.created_at,
            }
        })
        .collect();
    Ok(axum::Json(InboxOut { items }))
}
