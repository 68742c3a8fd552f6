//! The public list of messages: search, filters and keyset pages. The map
//! shows the same results beside itself.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::catalogue::CategoryWithTopics;
use vmeste_db::messages::{self, Filter};

use super::view::{Card, Choice, ChoiceGroup, status_label, territory_choices};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::choices;
use crate::error::{OrPage, PageError};
use crate::i18n::field_message;
use crate::listing::{ListParams, PERIODS};

/// The filters as chosen and one page of what they find.
pub struct Results {
    /// Where the filter form and the page links go.
    pub action: &'static str,
    pub categories: Vec<Choice>,
    /// The chosen category's topics; none until a category is chosen (a
    /// phone's select of every topic in the catalogue is hundreds long).
    pub topics: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub periods: Vec<Choice>,
    pub territories: Vec<Choice>,
    pub organisations: Vec<ChoiceGroup>,
    /// The words searched for, shown back in the field.
    pub q: String,
    pub errors: Vec<String>,
    pub cards: Vec<Card>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct List {
    layout: Layout,
    results: Results,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    // A mangled query string shows the unfiltered list rather than an error.
    let params = params.map(|Query(p)| p).unwrap_or_default();
    match results(&state, &params, "/messages").await {
        Ok(results) => render(
            StatusCode::OK,
            &List {
                layout: Layout::new(&state, user.as_ref()),
                results,
            },
        ),
        Err(e) => error_page(&state, &e),
    }
}

/// The parameters' filter, or the reasons it is not applied (then nothing
/// is filtered and the reasons are shown).
pub fn filter_of(state: &AppState, params: &ListParams) -> Result<(Filter, u32), Vec<String>> {
    params.parse(state.clock().now()).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field, field_message(crate::i18n::current(), e)))
            .collect()
    })
}

pub async fn results(
    state: &AppState,
    params: &ListParams,
    action: &'static str,
) -> Result<Results, PageError> {
    let lang = crate::i18n::current();
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let choices = choices::current(state, &mut conn).await.or_page()?;
    let params = &topic_within_category(params, &choices.tree);
    let (cards, next, errors) = match filter_of(state, params) {
        Ok((filter, limit)) => {
            let page = messages::list_public(&mut conn, &filter, limit)
                .await
                .or_page()?;
            let cards = page
                .items
                .into_iter()
                .map(|m| Card::new(m, state.time_zone()))
                .collect();
            let next = page.next_before_id.map(|id| params.with_cursor(id));
            (cards, next, Vec::new())
        }
        Err(errors) => (Vec::new(), None, errors),
    };
    let category = params.category.as_deref();
    let chosen = choices
        .tree
        .iter()
        .find(|c| category == Some(c.category.id.to_string().as_str()));
    Ok(Results {
        action,
        categories: choices
            .tree
            .iter()
            .map(|c| {
                let name = lang.pick(&c.category.name_ru, &c.category.name_en);
                Choice::new(c.category.id, name, category)
            })
            .collect(),
        topics: chosen.map_or_else(Vec::new, |c| {
            c.topics
                .iter()
                .map(|t| {
                    Choice::new(
                        t.id,
                        lang.pick(&t.name_ru, &t.name_en),
                        params.topic.as_deref(),
                    )
                })
                .collect()
        }),
        statuses: messages::PUBLISHED
            .iter()
            .map(|s| {
                Choice::new(
                    s.as_str(),
                    status_label(s.as_str()),
                    params.status.as_deref(),
                )
            })
            .collect(),
        periods: PERIODS
            .iter()
            .map(|days| {
                let label = lang.t_n("period-days", i64::from(*days));
                Choice::new(days, label, params.period.as_deref())
            })
            .collect(),
        territories: territory_choices(&choices.territories, params.territory.as_deref()),
        organisations: ChoiceGroup::organisations(
            &choices.organisations,
            |o| &o.short_name_ru,
            params.organisation.as_deref(),
        ),
        q: params.q.clone().unwrap_or_default(),
        errors,
        cards,
        next,
    })
}

/// The filter form sends the category and the topic together, and the topic
/// select offers the chosen category's topics: a topic alone names its
/// category, and a topic left from another category (the category changed
/// since) gives way to the category just chosen.
fn topic_within_category(params: &ListParams, tree: &[CategoryWithTopics]) -> ListParams {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (topic, category) = (given(&params.topic), given(&params.category));
    let home = |topic: &str| {
        tree.iter()
            .find(|c| c.topics.iter().any(|t| t.id.to_string() == topic))
            .map(|c| c.category.id.to_string())
    };
    let (topic, category) = match (topic, category) {
        (Some(topic), None) => {
            let category = home(&topic);
            (Some(topic), category)
        }
        (Some(topic), Some(category)) if home(&topic).is_some_and(|h| h != category) => {
            (None, Some(category))
        }
        other => other,
    };
    ListParams {
        topic,
        category,
        ..params.clone()
    }
}
