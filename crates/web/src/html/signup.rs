//! Residents' sign-up with e-mail and password, and the confirmation link.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::account_tokens::{self, Purpose};
use vmeste_db::users::{self, NewUser};
use vmeste_domain::validation::{check_password, normalise_email};

use super::form::{self, Errors, account_error};
use super::notice::notice;
use super::{Layout, error_page, with_retry_after};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::Lang;
use crate::mail;
use crate::rate_limit::{Bucket, ClientIp};

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    layout: Layout,
    csrf: String,
    name: String,
    email: String,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignupForm {
    csrf: Option<String>,
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

const NAME_MAX: usize = 100;

fn page(
    state: &AppState,
    csrf: &Csrf,
    form: &SignupForm,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let page = SignupPage {
        layout: Layout::new(state, None),
        csrf: csrf.token.clone(),
        name: form.name.clone().unwrap_or_default(),
        email: form.email.clone().unwrap_or_default(),
        errors,
    };
    form::page(status, &page, csrf)
}

pub async fn show(State(state): State<AppState>, csrf: Csrf) -> Response {
    page(
        &state,
        &csrf,
        &SignupForm::default(),
        Errors::default(),
        StatusCode::OK,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    client: ClientIp,
    csrf: Csrf,
    lang: Lang,
    Form(form): Form<SignupForm>,
) -> Response {
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return page(
            &state,
            &csrf,
            &form,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    if let Err(wait) = state.limiters().check(Bucket::Signup, &client) {
        let mut errors = Errors::default();
        errors.add("form", crate::i18n::current().t("signup-too-many"));
        return with_retry_after(
            page(&state, &csrf, &form, errors, StatusCode::TOO_MANY_REQUESTS),
            wait,
        );
    }
    let mut errors = Errors::default();
    let name = form.name.as_deref().unwrap_or("").trim().to_owned();
    if name.is_empty() {
        errors.add("name", crate::i18n::current().t("signup-name-required"));
    } else if name.chars().count() > NAME_MAX {
        errors.add("name", crate::i18n::current().t("signup-name-too-long"));
    }
    let email = normalise_email(form.email.as_deref().unwrap_or(""));
    if let Err(e) = &email {
        errors.add("email", account_error(*e));
    }
    let password = form.password.as_deref().unwrap_or("");
    if let Err(e) = check_password(password, form.email.as_deref().unwrap_or("")) {
        errors.add("password", account_error(e));
    }
    let Ok(email) = email.map_err(drop) else {
        return page(
            &state,
            &csrf,
            &form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    if !errors.is_empty() {
        return page(
            &state,
            &csrf,
            &form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match register(&state, &name, &email, password, lang).await {
        Ok(()) => check_your_mail(&state, &email),
        Err(e) => error_page(&state, &e),
    }
}

/// Creates the account and queues the confirmation. An address that already
/// has an account gets a password-reset link instead, and the page says the
/// same thing either way: sign-up does not reveal who is registered.
async fn register(
    state: &AppState,
    name: &str,
    email: &str,
    password: &str,
    lang: Lang,
) -> Result<(), PageError> {
    let now = state.clock().now();
    let password = password.to_owned();
    let hash = form::hash_password(password).await?;
    let mut tx = state.db().write().await.or_page()?;
    let mut conn = tx.conn();
    let existing = users::by_email(&mut conn, email).await.or_page()?;
    let (purpose, user_id, mail_purpose) = if let Some(existing) = existing {
        (
            Purpose::ResetPassword,
            existing.id,
            mail::Purpose::ResetPassword,
        )
    } else {
        let locale = if lang == Lang::En { "en" } else { "ru" };
        let id = users::insert(
            &mut conn,
            &NewUser {
                email: Some(email),
                password_hash: Some(&hash),
                name,
                phone: None,
                locale,
                created_at: now,
            },
        )
        .await
        .or_page()?;
        users::grant(
            &mut conn,
            id,
            vmeste_domain::organisation::Role::Resident,
            None,
            false,
        )
        .await
        .or_page()?;
        (Purpose::ConfirmEmail, id, mail::Purpose::ConfirmEmail)
    };
    let token = account_tokens::issue(&mut conn, purpose, user_id, now)
        .await
        .or_page()?;
    let path = match purpose {
        Purpose::ConfirmEmail => "confirm",
        Purpose::ResetPassword => "password/reset",
    };
    let link = format!(
        "{}/{path}/{token}",
        state.settings().public_url.trim_end_matches('/')
    );
    let email = mail::link_email(mail_purpose, lang, email, &link, "").or_page()?;
    mail::enqueue(&mut conn, &email, now).await.or_page()?;
    tx.commit().await.or_page()?;
    Ok(())
}

fn check_your_mail(state: &AppState, email: &str) -> Response {
    let layout = Layout::new(state, None);
    let sent = layout
        .lang
        .t_with("signup-sent", &[("email", email.to_owned().into())]);
    let (title, spam, sign_in) = (
        layout.t("signup-check-mail"),
        layout.t("signup-spam"),
        layout.t("nav-login"),
    );
    notice(
        layout,
        StatusCode::OK,
        &title,
        &[&sent, &spam],
        Some(("/login", &sign_in)),
    )
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let now = state.clock().now();
    let result = async {
        let mut tx = state.db().write().await?;
        let user =
            account_tokens::redeem(&mut tx.conn(), Purpose::ConfirmEmail, &token, now).await?;
        if let Some(user_id) = user {
            users::confirm_email(&mut tx.conn(), user_id, now).await?;
        }
        tx.commit().await?;
        Ok::<_, vmeste_db::DbError>(user)
    }
    .await;
    match result.or_page() {
        Ok(found) => {
            let layout = Layout::new(&state, None);
            let (status, title, detail) = if found.is_some() {
                (
                    StatusCode::OK,
                    layout.t("account-email-confirmed"),
                    layout.t("account-email-confirmed-detail"),
                )
            } else {
                (
                    StatusCode::GONE,
                    layout.t("account-dead-link"),
                    layout.t("account-confirm-link-dead"),
                )
            };
            let to_account = layout.t("account-to-account");
            notice(
                layout,
                status,
                &title,
                &[&detail],
                Some(("/account", &to_account)),
            )
        }
        Err(e) => error_page(&state, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

/// Sends the confirmation link again.
pub async fn resend(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    csrf: Csrf,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let Some(user) = user else {
        return form::see_other("/login");
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) || user.email_confirmed_at.is_some() {
        return form::see_other("/account");
    }
    if let Err(wait) = state
        .limiters()
        .check_account(Bucket::Reset, &format!("user:{}", user.id))
    {
        return with_retry_after(form::see_other("/account"), wait);
    }
    let Some(address) = user.email.clone() else {
        return form::see_other("/account");
    };
    let now = state.clock().now();
    let result = async {
        let mut tx = state.db().write().await.or_page()?;
        let token = account_tokens::issue(&mut tx.conn(), Purpose::ConfirmEmail, user.id, now)
            .await
            .or_page()?;
        let link = format!(
            "{}/confirm/{token}",
            state.settings().public_url.trim_end_matches('/')
        );
        let email = mail::link_email(
            mail::Purpose::ConfirmEmail,
            mail::lang_of(&user.locale),
            &address,
            &link,
            "",
        )
        .or_page()?;
        mail::enqueue(&mut tx.conn(), &email, now).await.or_page()?;
        tx.commit().await.or_page()
    }
    .await;
    match result {
        Ok(()) => check_your_mail(&state, &address),
        Err(e) => error_page(&state, &e),
    }
}
