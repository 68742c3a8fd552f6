//! Server-rendered pages. Every flow works without JavaScript.

mod home;
mod list;
mod login;
mod message;
mod report;
mod view;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::assets;
use crate::error::PageError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/messages", get(list::show))
        .route("/messages/{id}", get(message::show))
        .route("/report", get(report::form).post(report::submit))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", get(login::confirm_logout).post(login::logout))
}

/// What every page's frame needs.
pub struct Layout {
    pub css: String,
    pub region_name: String,
    /// The signed-in user's name.
    pub user_name: Option<String>,
}

impl Layout {
    pub fn new(state: &AppState, user: Option<&vmeste_db::users::User>) -> Self {
        Self {
            css: assets::url("app.css"),
            region_name: state
                .region()
                .map(|r| r.name_ru.clone())
                .unwrap_or_default(),
            user_name: user.map(|u| u.name.clone()),
        }
    }
}

/// Renders a page; a template that fails to render is our bug, logged as such.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Внутренняя ошибка сервера",
            )
                .into_response()
        }
    }
}

/// Adds `Retry-After` to a page refused by a rate limit.
pub fn with_retry_after(mut response: Response, wait: std::time::Duration) -> Response {
    let seconds = crate::rate_limit::retry_after_secs(wait);
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(seconds),
    );
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: &'static str,
    detail: &'static str,
}

pub fn error_page(state: &AppState, error: &PageError) -> Response {
    let (status, title, detail) = match error {
        PageError::NotFound => (
            StatusCode::NOT_FOUND,
            "Страница не найдена",
            "Такой страницы нет или сообщение не публикуется.",
        ),
        PageError::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Что-то пошло не так",
            "Мы уже знаем об ошибке. Попробуйте обновить страницу чуть позже.",
        ),
    };
    render(
        status,
        &ErrorPage {
            layout: Layout::new(state, None),
            title,
            detail,
        },
    )
}

pub async fn not_found(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    error_page(&state, &PageError::NotFound)
}
