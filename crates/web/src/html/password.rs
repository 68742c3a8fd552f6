//! Password reset by e-mail: ask for a link, follow it once within an hour,
//! set a new password; every session of the account ends.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::account_tokens::{self, Purpose};
use vmeste_db::{sessions, users};
use vmeste_domain::validation::{check_password, normalise_email};

use super::form::{self, Errors, account_error};
use super::notice::notice;
use super::{Layout, error_page, with_retry_after};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::mail;
use crate::rate_limit::{Bucket, ClientIp};

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    layout: Layout,
    csrf: String,
    email: String,
    errors: Errors,
}

/// Also the invitation's page: a new password, and a name when the account is new.
#[derive(Template)]
#[template(path = "password_reset.html")]
pub struct NewPasswordPage {
    pub layout: Layout,
    pub csrf: String,
    pub title: String,
    pub action: String,
    pub button: String,
    pub ask_name: bool,
    pub ask_password: bool,
    pub name: String,
    pub errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    csrf: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    pub csrf: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
}

fn forgot_page(
    state: &AppState,
    csrf: &Csrf,
    email: String,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let page = ForgotPage {
        layout: Layout::new(state, None),
        csrf: csrf.token.clone(),
        email,
        errors,
    };
    form::page(status, &page, csrf)
}

pub async fn forgot(State(state): State<AppState>, csrf: Csrf) -> Response {
    forgot_page(
        &state,
        &csrf,
        String::new(),
        Errors::default(),
        StatusCode::OK,
    )
}

pub async fn send_link(
    State(state): State<AppState>,
    client: ClientIp,
    csrf: Csrf,
    Form(form): Form<ForgotForm>,
) -> Response {
    let typed = form.email.clone().unwrap_or_default();
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return forgot_page(
            &state,
            &csrf,
            typed,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    let email = match normalise_email(&typed) {
        Ok(email) => email,
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("email", account_error(e));
            return forgot_page(
                &state,
                &csrf,
                typed,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let limited = state
        .limiters()
        .check(Bucket::Reset, &client)
        .and_then(|()| state.limiters().check_account(Bucket::Reset, &email));
    if let Err(wait) = limited {
        let mut errors = Errors::default();
        errors.add("email", crate::i18n::current().t("account-reset-too-many"));
        return with_retry_after(
            forgot_page(&state, &csrf, typed, errors, StatusCode::TOO_MANY_REQUESTS),
            wait,
        );
    }
    if let Err(e) = queue_link(&state, &email).await {
        return error_page(&state, &e);
    }
    // The same answer whether or not the address has an account.
    let layout = Layout::new(&state, None);
    let (title, sent) = (
        layout.t("signup-check-mail"),
        layout.t("account-reset-sent"),
    );
    notice(layout, StatusCode::OK, &title, &[&sent], None)
}

async fn queue_link(state: &AppState, email: &str) -> Result<(), PageError> {
    let now = state.clock().now();
    let mut tx = state.db().write().await.or_page()?;
    let Some(user) = users::by_email(&mut tx.conn(), email).await.or_page()? else {
        return Ok(());
    };
    if !user.active {
        return Ok(());
    }
    let token = account_tokens::issue(&mut tx.conn(), Purpose::ResetPassword, user.id, now)
        .await
        .or_page()?;
    let link = format!(
        "{}/password/reset/{token}",
        state.settings().public_url.trim_end_matches('/')
    );
    let message = mail::link_email(
        mail::Purpose::ResetPassword,
        mail::lang_of(&user.locale),
        email,
        &link,
        "",
    )
    .or_page()?;
    mail::enqueue(&mut tx.conn(), &message, now)
        .await
        .or_page()?;
    tx.commit().await.or_page()
}

fn reset_page(
    state: &AppState,
    csrf: &Csrf,
    token: &str,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let layout = Layout::new(state, None);
    let page = NewPasswordPage {
        csrf: csrf.token.clone(),
        title: layout.t("account-new-password-title"),
        action: format!("/password/reset/{token}"),
        button: layout.t("account-save-password"),
        layout,
        ask_name: false,
        ask_password: true,
        name: String::new(),
        errors,
    };
    form::page(status, &page, csrf)
}

fn link_dead(state: &AppState) -> Response {
    let layout = Layout::new(state, None);
    let (title, why, ask) = (
        layout.t("account-dead-link"),
        layout.t("account-reset-link-dead"),
        layout.t("account-ask-link"),
    );
    notice(
        layout,
        StatusCode::GONE,
        &title,
        &[&why],
        Some(("/password/forgot", &ask)),
    )
}

pub async fn show_reset(
    State(state): State<AppState>,
    csrf: Csrf,
    Path(token): Path<String>,
) -> Response {
    let now = state.clock().now();
    let valid = async {
        let mut handle = state.db().read().await?;
        account_tokens::check(&mut handle.conn(), Purpose::ResetPassword, &token, now).await
    }
    .await;
    match valid.or_page() {
        Ok(Some(_)) => reset_page(&state, &csrf, &token, Errors::default(), StatusCode::OK),
        Ok(None) => link_dead(&state),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    csrf: Csrf,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return reset_page(
            &state,
            &csrf,
            &token,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    let password = form.password.unwrap_or_default();
    if let Err(e) = check_password(&password, "") {
        let mut errors = Errors::default();
        errors.add("password", account_error(e));
        return reset_page(
            &state,
            &csrf,
            &token,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = match form::hash_password(password).await {
        Ok(hash) => hash,
        Err(e) => return error_page(&state, &e),
    };
    let now = state.clock().now();
    let result = async {
        let mut tx = state.db().write().await?;
        let Some(user_id) =
            account_tokens::redeem(&mut tx.conn(), Purpose::ResetPassword, &token, now).await?
        else {
            return Ok(false);
        };
        users::set_password(&mut tx.conn(), user_id, &hash).await?;
        // Whoever knew the old password is signed out, and the link proved the address.
        sessions::delete_all(&mut tx.conn(), user_id).await?;
        users::confirm_email(&mut tx.conn(), user_id, now).await?;
        tx.commit().await?;
        Ok::<_, vmeste_db::DbError>(true)
    }
    .await;
    match result.or_page() {
        Ok(true) => {
            let layout = Layout::new(&state, None);
            let (title, detail, sign_in) = (
                layout.t("account-password-changed"),
                layout.t("account-password-changed-detail"),
                layout.t("nav-login"),
            );
            notice(
                layout,
                StatusCode::OK,
                &title,
                &[&detail],
                Some(("/login", &sign_in)),
            )
        }
        Ok(false) => link_dead(&state),
        Err(e) => error_page(&state, &e),
    }
}
