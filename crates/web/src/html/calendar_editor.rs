//! The production calendar as platform administrators see and correct it: the
//! shipped federal days of a year, and their own corrections (a regional
//! holiday, next year's decree) which win over the shipped ones. Every change
//! is audited and counts for deadlines set from then on.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use vmeste_db::{audit, calendar_days};
use vmeste_domain::calendar::{DayKind, SpecialDay};

use super::admin::require_platform;
use super::form::{self, Errors};
use super::staff::CsrfForm;
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// One special day of the shown year.
struct DayLine {
    date: String,
    iso: String,
    kind: &'static str,
    note: String,
    /// An administrator's correction (may be removed), not a shipped day.
    corrected: bool,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    csrf: String,
    year: i32,
    days: Vec<DayLine>,
    working_days: i64,
    kinds: Vec<(&'static str, &'static str)>,
    form: DayForm,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct DayForm {
    csrf: Option<String>,
    day: Option<String>,
    kind: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

fn this_year(state: &AppState) -> i32 {
    state.clock().now().with_timezone(&state.time_zone()).year()
}

async fn page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    year: i32,
    form: DayForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let (calendar, corrections) = {
        let mut handle = state.db().read().await.or_page()?;
        let calendar = state.calendar(&mut handle.conn()).await.or_page()?;
        let corrections = calendar_days::list(&mut handle.conn()).await.or_page()?;
        (calendar, corrections)
    };
    let lang = crate::i18n::current();
    let label = |kind: DayKind| lang.pick(kind.label_ru(), kind.label_en());
    let corrected: std::collections::BTreeSet<NaiveDate> =
        corrections.iter().map(|c| c.day).collect();
    // The last entry for a date is the one that counts.
    let mut by_date = BTreeMap::new();
    for day in calendar.days().filter(|d| d.date.year() == year) {
        by_date.insert(day.date, day);
    }
    let days = by_date
        .into_values()
        .map(|d| DayLine {
            date: d.date.format("%d.%m.%Y").to_string(),
            iso: d.date.to_string(),
            kind: label(d.kind),
            note: d.note.clone(),
            corrected: corrected.contains(&d.date),
        })
        .collect();
    let working_days = match (
        NaiveDate::from_ymd_opt(year - 1, 12, 31),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(from), Some(to)) => calendar.working_days_between(from, to),
        _ => 0,
    };
    let status = errors.status();
    let page = CalendarPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        year,
        days,
        working_days,
        kinds: DayKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), label(k)))
            .collect(),
        form,
        errors,
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(q): Query<YearQuery>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        let year = q
            .year
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| this_year(&state));
        page(
            &state,
            &who,
            &csrf,
            year,
            DayForm::default(),
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// Checks the form: a real date and a known kind.
fn parse(form: &DayForm) -> Result<SpecialDay, Errors> {
    let lang = crate::i18n::current();
    let mut errors = Errors::default();
    let date = form
        .day
        .as_deref()
        .map(str::trim)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if date.is_none() {
        errors.add("day", lang.t("admin-calendar-error-day"));
    }
    let kind = form.kind.as_deref().and_then(DayKind::parse);
    if kind.is_none() {
        errors.add("kind", lang.t("admin-calendar-error-kind"));
    }
    let note = form.note.as_deref().unwrap_or("").trim().to_owned();
    if note.is_empty() {
        errors.add("note", lang.t("admin-calendar-error-note"));
    }
    match (date, kind) {
        (Some(date), Some(kind)) if errors.is_empty() => Ok(SpecialDay { date, kind, note }),
        _ => Err(errors),
    }
}

pub async fn set(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<DayForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        let year = this_year(&state);
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return page(&state, &who, &csrf, year, form, Errors::stale_form()).await;
        }
        let day = match parse(&form) {
            Ok(day) => day,
            Err(errors) => return page(&state, &who, &csrf, year, form, errors).await,
        };
        let mut tx = state.db().write().await.or_page()?;
        calendar_days::set(&mut tx.conn(), &day, who.user_id(), state.clock().now())
            .await
            .or_page()?;
        let detail = format!("{} {} {}", day.date, day.kind.as_str(), day.note);
        let entry = audit::Entry {
            action: "calendar.set_day",
            object_kind: "calendar_day",
            detail: Some(&detail),
            ..audit::Entry::default()
        };
        form::audited_redirect(
            &who,
            &state,
            tx,
            &client,
            entry,
            &format!("/admin/calendar?year={}", day.date.year()),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn remove(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(day): Path<NaiveDate>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        let back = format!("/admin/calendar?year={}", day.year());
        if !csrf.accepts(form.token()) {
            return Ok(form::see_other(&back));
        }
        let mut tx = state.db().write().await.or_page()?;
        if !calendar_days::remove(&mut tx.conn(), day).await.or_page()? {
            return Err(PageError::NotFound);
        }
        let detail = day.to_string();
        let entry = audit::Entry {
            action: "calendar.remove_day",
            object_kind: "calendar_day",
            detail: Some(&detail),
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, &back).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
