//! The second step of signing in for accounts with a second factor: the
//! session exists but opens nothing until a fresh code is typed.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use vmeste_db::{sessions, users};

use super::account::{CodeForm, code_is_good, wrong_code};
use super::form::{self, Errors, safe_next};
use super::login::NextQuery;
use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{session_cookie, session_token};
use crate::csrf::Csrf;
use crate::error::OrPage;
use crate::principal::Principal;

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    layout: Layout,
    csrf: String,
    next: String,
    errors: Errors,
}

fn page(
    state: &AppState,
    csrf: &Csrf,
    next: String,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let page = SecondFactorPage {
        layout: Layout::new(state, None),
        csrf: csrf.token.clone(),
        next,
        errors,
    };
    form::page(status, &page, csrf)
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(query): Query<NextQuery>,
) -> Response {
    if who.pending_second_factor.is_none() {
        return form::see_other("/login");
    }
    page(
        &state,
        &csrf,
        safe_next(query.next.as_deref()),
        Errors::default(),
        StatusCode::OK,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let (Some(user), Some(old_token)) = (&who.pending_second_factor, session_token(&headers))
    else {
        return form::see_other("/login");
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return page(
            &state,
            &csrf,
            next,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    let now = state.clock().now();
    if user.locked_at(now) {
        let mut errors = Errors::default();
        errors.add("code", crate::i18n::current().t("account-code-locked"));
        return page(&state, &csrf, next, errors, StatusCode::TOO_MANY_REQUESTS);
    }
    match code_is_good(&state, user, form.code.as_deref().unwrap_or("")).await {
        Ok(true) => {}
        Ok(false) => {
            // Wrong codes count towards the same lockout as wrong passwords.
            let recorded = async {
                let mut tx = state.db().write().await?;
                users::record_failed_login(&mut tx.conn(), user, now).await?;
                tx.commit().await
            }
            .await;
            if let Err(e) = recorded.or_page() {
                return error_page(&state, &e);
            }
            return page(&state, &csrf, next, wrong_code(), StatusCode::UNAUTHORIZED);
        }
        Err(e) => return error_page(&state, &e),
    }
    let new_token = sessions::new_token();
    let passed = async {
        let mut tx = state.db().write().await?;
        let passed = sessions::pass_second_factor(&mut tx.conn(), &old_token, &new_token).await?;
        users::record_successful_login(&mut tx.conn(), user.id).await?;
        tx.commit().await?;
        Ok::<_, vmeste_db::DbError>(passed)
    }
    .await;
    match passed.or_page() {
        Ok(true) => form::with_headers(
            form::see_other(&next),
            [session_cookie(&state, Some(&new_token))],
        ),
        Ok(false) => form::see_other("/login"),
        Err(e) => error_page(&state, &e),
    }
}
