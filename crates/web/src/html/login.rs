//! Signing in with e-mail and password, and signing out.

use std::sync::LazyLock;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vmeste_db::{sessions, users};

use super::form::safe_next;
use super::with_retry_after;
use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::{CurrentUser, session_cookie, session_token};
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::rate_limit::{Bucket, ClientIp};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    /// «Войти через …» when an identity provider is configured.
    oidc_name: Option<String>,
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage {
    layout: Layout,
    csrf: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    csrf: Option<String>,
    email: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
    /// Ends every session of the user, on every device.
    everywhere: Option<String>,
}

/// Verified when the e-mail is unknown, so that a wrong e-mail takes as long
/// as a wrong password and does not reveal who has an account.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| users::hash_password("decoy").unwrap_or_default());

fn with_cookie(
    mut response: Response,
    cookie: Option<(header::HeaderName, header::HeaderValue)>,
) -> Response {
    if let Some((name, value)) = cookie {
        response.headers_mut().append(name, value);
    }
    response
}

fn login_page(
    state: &AppState,
    csrf: &Csrf,
    status: StatusCode,
    (email, next): (String, String),
    error: Option<String>,
) -> Response {
    let page = LoginPage {
        layout: Layout::new(state, None),
        csrf: csrf.token.clone(),
        email,
        next,
        error,
        oidc_name: state.oidc().settings().map(|s| s.display_name.clone()),
    };
    with_cookie(render(status, &page), csrf.set_cookie())
}

pub async fn form(
    State(state): State<AppState>,
    csrf: Csrf,
    CurrentUser(user): CurrentUser,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if user.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(&state, &csrf, StatusCode::OK, (String::new(), next), None)
}

pub async fn submit(
    State(state): State<AppState>,
    client: ClientIp,
    csrf: Csrf,
    Form(form): Form<LoginForm>,
) -> Response {
    let email = form.email.unwrap_or_default().trim().to_string();
    let next = safe_next(form.next.as_deref());
    let typed = (email.clone(), next.clone());
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return login_page(
            &state,
            &csrf,
            StatusCode::FORBIDDEN,
            typed,
            Some(crate::i18n::current().t("form-stale")),
        );
    }
    let limited = state
        .limiters()
        .check(Bucket::Login, &client)
        .and_then(|()| state.limiters().check_account(Bucket::Login, &email));
    if let Err(wait) = limited {
        let message = crate::i18n::current().t("login-too-many");
        return with_retry_after(
            login_page(
                &state,
                &csrf,
                StatusCode::TOO_MANY_REQUESTS,
                typed,
                Some(message),
            ),
            wait,
        );
    }
    match sign_in(&state, &email, form.password.as_deref().unwrap_or("")).await {
        Ok(Some(user)) => match begin_session(&state, &user, &next).await {
            Ok(response) => response,
            Err(e) => error_page(&state, &e),
        },
        Ok(None) => login_page(
            &state,
            &csrf,
            StatusCode::UNAUTHORIZED,
            typed,
            Some(crate::i18n::current().t("login-wrong")),
        ),
        Err(e) => error_page(&state, &e),
    }
}

/// The user, when the password is right and the account is not locked after
/// repeated failures.
async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<Option<users::User>, PageError> {
    let now = state.clock().now();
    let user = {
        let mut handle = state.db().read().await.or_page()?;
        users::by_email(&mut handle.conn(), email).await.or_page()?
    };
    let locked = user.as_ref().is_some_and(|u| u.locked_at(now));
    // A locked account still pays for a hash, so it answers as slowly as any other.
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .filter(|_| !locked)
        .unwrap_or_else(|| DECOY_HASH.clone());
    let password = password.to_string();
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || users::verify_password(&password, &stored))
        .await
        .or_page()?;
    let Some(user) = user.filter(|u| u.active && !locked) else {
        return Ok(None);
    };
    let mut tx = state.db().write().await.or_page()?;
    if !matches {
        users::record_failed_login(&mut tx.conn(), &user, now)
            .await
            .or_page()?;
        tx.commit().await.or_page()?;
        return Ok(None);
    }
    users::record_successful_login(&mut tx.conn(), user.id)
        .await
        .or_page()?;
    tx.commit().await.or_page()?;
    Ok(Some(user))
}

/// Starts a session for a user who proved who they are, and sends them on:
/// to `next`, or first to the second-factor page when they have one.
pub async fn begin_session(
    state: &AppState,
    user: &users::User,
    next: &str,
) -> Result<Response, PageError> {
    let now = state.clock().now();
    let token = sessions::new_token();
    let pending = user.totp_enabled_at.is_some();
    let mut tx = state.db().write().await.or_page()?;
    sessions::create(
        &mut tx.conn(),
        &token,
        user.id,
        now,
        state.settings().sessions,
        pending,
    )
    .await
    .or_page()?;
    tx.commit().await.or_page()?;
    let to = if pending {
        format!(
            "/login/second-factor?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    } else {
        next.to_owned()
    };
    // The account's language becomes this browser's.
    let lang = crate::i18n::Lang::parse(&user.locale).unwrap_or(crate::i18n::Lang::Ru);
    Ok(with_cookie(
        with_cookie(
            Redirect::to(&to).into_response(),
            session_cookie(state, Some(&token)),
        ),
        crate::i18n::cookie(lang),
    ))
}

pub async fn confirm_logout(
    State(state): State<AppState>,
    csrf: Csrf,
    CurrentUser(user): CurrentUser,
) -> Response {
    let page = LogoutPage {
        layout: Layout::new(&state, user.as_ref()),
        csrf: csrf.token.clone(),
    };
    with_cookie(render(StatusCode::OK, &page), csrf.set_cookie())
}

pub async fn logout(
    State(state): State<AppState>,
    csrf: Csrf,
    CurrentUser(user): CurrentUser,
    headers: header::HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return Redirect::to("/logout").into_response();
    }
    if let Some(token) = session_token(&headers) {
        let result = async {
            let mut tx = state.db().write().await?;
            match (&user, form.everywhere.is_some()) {
                (Some(user), true) => sessions::delete_all(&mut tx.conn(), user.id)
                    .await
                    .map(drop)?,
                _ => sessions::delete(&mut tx.conn(), &token).await?,
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "sign-out failed");
            return error_page(&state, &PageError::Internal);
        }
    }
    with_cookie(
        Redirect::to("/").into_response(),
        session_cookie(&state, None),
    )
}
