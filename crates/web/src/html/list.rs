use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::{catalogue, messages, organisations, territories};

use super::view::{Card, Choice};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{OrPage, PageError};
use crate::i18n::{Lang, field_message};
use crate::listing::ListParams;
use vmeste_db::users::User;

#[derive(Template)]
#[template(path = "messages.html")]
struct List {
    layout: Layout,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    territories: Vec<Choice>,
    organisations: Vec<Choice>,
    /// The words searched for, shown back in the field.
    q: String,
    errors: Vec<String>,
    cards: Vec<Card>,
    next: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    // A mangled query string shows the unfiltered list rather than an error.
    let params = params.map(|Query(p)| p).unwrap_or_default();
    match load(&state, user.as_ref(), &params).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&state, &e),
    }
}

async fn load(
    state: &AppState,
    user: Option<&User>,
    params: &ListParams,
) -> Result<List, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let (cards, next, errors) = match params.parse() {
        Ok((filter, limit)) => {
            let page = messages::list_public(&mut conn, &filter, limit)
                .await
                .or_page()?;
            let cards = page
                .items
                .into_iter()
                .map(|m| Card::new(m, state.time_zone()))
                .collect();
            (
                cards,
                page.next_before_id.map(|id| params.with_cursor(id)),
                Vec::new(),
            )
        }
        Err(errors) => (
            Vec::new(),
            None,
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, field_message(Lang::Ru, e)))
                .collect(),
        ),
    };
    let categories = catalogue::categories(&mut conn).await.or_page()?;
    let territories = territories::list(&mut conn).await.or_page()?;
    let organisations = organisations::list(&mut conn).await.or_page()?;
    Ok(List {
        layout: Layout::new(state, user),
        categories: categories
            .into_iter()
            .filter(|c| c.active)
            .map(|c| Choice::new(c.id, c.name_ru, params.category.as_deref()))
            .collect(),
        statuses: messages::PUBLISHED
            .iter()
            .map(|s| Choice::new(s.as_str(), s.label_ru(), params.status.as_deref()))
            .collect(),
        territories: territories
            .into_iter()
            .filter(|t| t.parent_id.is_some())
            .map(|t| Choice::new(t.id, t.name_ru, params.territory.as_deref()))
            .collect(),
        organisations: organisations
            .into_iter()
            .map(|o| Choice::new(o.id, o.short_name_ru, params.organisation.as_deref()))
            .collect(),
        q: params.q.clone().unwrap_or_default(),
        errors,
        cards,
        next,
    })
}
