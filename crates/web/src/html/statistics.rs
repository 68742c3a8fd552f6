//! Public statistics from the counters' roll-ups (the region's months of the
//! last year and all-time totals, a row a key, whatever the number of
//! messages or the years counted): received,
//! answered, on time, ratings; by month, category, territory and
//! organisation. Each chart is SVG drawn here, with a table of the same
//! numbers.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Months};
use vmeste_db::counters::{self, Line, Slice};

use super::chart::{Bar, bars};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{OrPage, PageError};

/// A row of a statistics table.
pub struct Row {
    name: String,
    received: i64,
    answered: i64,
    on_time: String,
    rating: String,
}

impl From<&Line> for Row {
    fn from(l: &Line) -> Self {
        let answered = l.answered.unwrap_or(0);
        Self {
            name: l.name.clone(),
            received: l.received.unwrap_or(0),
            answered,
            on_time: percent(l.answered_on_time.unwrap_or(0), answered),
            rating: average(l.rating_sum.unwrap_or(0), l.rating_count.unwrap_or(0)),
        }
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{} %", part * 100 / whole)
    }
}

#[allow(clippy::cast_precision_loss)] // sums of ratings are small
fn average(sum: i64, count: i64) -> String {
    if count == 0 {
        "—".into()
    } else {
        format!("{:.1}", sum as f64 / count as f64)
    }
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatsPage {
    layout: Layout,
    received: i64,
    answered: i64,
    on_time: String,
    rating: String,
    overdue: i64,
    months_chart: String,
    months: Vec<(String, i64, i64)>,
    categories_chart: String,
    categories: Vec<Row>,
    territories_chart: String,
    territories: Vec<Row>,
    organisations: Vec<Row>,
}

pub async fn show(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Response {
    let result = async {
        let today = state
            .clock()
            .now()
            .with_timezone(&state.time_zone())
            .date_naive();
        let year_ago = today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(11)))
            .unwrap_or(today);
        let mut handle = state.db().read().await.or_page()?;
        let mut conn = handle.conn();
        let months = counters::by(&mut conn, Slice::Month, year_ago)
            .await
            .or_page()?;
        let all = counters::all_time(&mut conn).await.or_page()?;
        drop(handle);
        let n = |v: Option<i64>| v.unwrap_or(0);
        let region = all.region.as_ref();
        // Months in order (keyed by their first day), each with what was
        // received and answered.
        let months: BTreeMap<String, (i64, i64)> = months
            .iter()
            .map(|m| {
                let month = m.key.get(..7).unwrap_or(&m.key).to_owned();
                (month, (m.received.unwrap_or(0), m.answered.unwrap_or(0)))
            })
            .collect();
        let lang = crate::i18n::current();
        let month_name = |key: &str| -> String {
            let (year, month) = key.split_once('-').unwrap_or((key, "01"));
            let month = month.parse::<i64>().unwrap_or(1).clamp(1, 12);
            format!("{} {year}", lang.t_n("month", month))
        };
        let months: Vec<(String, i64, i64)> = months
            .into_iter()
            .map(|(k, (r, a))| (month_name(&k), r, a))
            .collect();
        let bar_of = |rows: &[Line], n: usize| -> Vec<Bar> {
            rows.iter()
                .take(n)
                .map(|l| Bar {
                    label: l.name.clone(),
                    value: l.received.unwrap_or(0),
                })
                .collect()
        };
        let page = StatsPage {
            layout: Layout::new(&state, user.as_ref()),
            received: n(region.and_then(|r| r.received)),
            answered: n(region.and_then(|r| r.answered)),
            on_time: percent(
                n(region.and_then(|r| r.answered_on_time)),
                n(region.and_then(|r| r.answered)),
            ),
            rating: average(
                n(region.and_then(|r| r.rating_sum)),
                n(region.and_then(|r| r.rating_count)),
            ),
            overdue: n(region.and_then(|r| r.overdue)),
            months_chart: bars(
                &lang.t("stats-chart-months"),
                &months
                    .iter()
                    .map(|(name, r, _)| Bar {
                        label: name.clone(),
                        value: *r,
                    })
                    .collect::<Vec<_>>(),
            ),
            months,
            categories_chart: bars(
                &lang.t("stats-chart-categories"),
                &bar_of(&all.categories, 15),
            ),
            categories: all.categories.iter().map(Row::from).collect(),
            territories_chart: bars(
                &lang.t("stats-chart-territories"),
                &bar_of(&all.territories, 15),
            ),
            territories: all.territories.iter().map(Row::from).collect(),
            organisations: all.organisations.iter().map(Row::from).collect(),
        };
        Ok::<_, PageError>(render(StatusCode::OK, &page))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
