use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::{catalogue, messages};

use super::view::Card;
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{OrPage, PageError};
use vmeste_db::users::User;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    layout: Layout,
    recent: Vec<Card>,
    categories: Vec<(i64, String)>,
}

const RECENT: u32 = 6;

pub async fn show(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Response {
    match load(&state, user.as_ref()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&state, &e),
    }
}

async fn load(state: &AppState, user: Option<&User>) -> Result<Home, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let page = messages::list_public(&mut conn, &messages::Filter::default(), RECENT)
        .await
        .or_page()?;
    let categories = catalogue::active_tree(&mut conn).await.or_page()?;
    Ok(Home {
        layout: Layout::new(state, user),
        recent: page
            .items
            .into_iter()
            .map(|m| Card::new(m, state.time_zone()))
            .collect(),
        categories: categories
            .into_iter()
            .map(|c| (c.category.id, c.category.name_ru))
            .collect(),
    })
}
