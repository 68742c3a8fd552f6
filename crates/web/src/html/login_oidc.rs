//! Signing in through the configured OpenID Connect provider. The state is
//! kept in the database (any app node may receive the callback) and in a
//! cookie of this browser, so a callback started elsewhere is refused.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::identities::{self, PendingLogin};
use vmeste_db::users::{self, NewUser, User};
use vmeste_db::{DbError, audit};
use vmeste_domain::organisation::Role;

use super::form;
use super::login::begin_session;
use super::notice::notice;
use super::view::role_label;
use super::{Layout, error_page};
use crate::AppState;
use crate::error::OrPage;
use crate::i18n::current;
use crate::oidc::Identity;

const STATE_COOKIE: &str = "vmeste_oidc";

fn state_cookie(
    state: &AppState,
    value: Option<&str>,
) -> Option<(header::HeaderName, HeaderValue)> {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    // Lax: the provider sends the browser back with a top-level GET.
    let cookie = match value {
        Some(v) => format!(
            "{STATE_COOKIE}={v}; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age=900{secure}"
        ),
        None => {
            format!("{STATE_COOKIE}=; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
        }
    };
    HeaderValue::from_str(&cookie)
        .ok()
        .map(|v| (header::SET_COOKIE, v))
}

fn failed(state: &AppState, why: &str) -> Response {
    let name = state
        .oidc()
        .settings()
        .map_or_else(String::new, |s| s.display_name.clone());
    let layout = Layout::new(state, None);
    let title = layout
        .lang
        .t_with("account-oidc-failed", &[("provider", name.into())]);
    let (retry, to_login) = (
        layout.t("account-oidc-retry"),
        layout.t("account-oidc-to-login"),
    );
    form::with_headers(
        notice(
            layout,
            StatusCode::BAD_REQUEST,
            &title,
            &[why, &retry],
            Some(("/login", &to_login)),
        ),
        [state_cookie(state, None)],
    )
}

pub async fn start(State(state): State<AppState>) -> Response {
    if state.oidc().settings().is_none() {
        return error_page(&state, &crate::error::PageError::NotFound);
    }
    let started = match state.oidc().start().await {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = %e, "OIDC sign-in could not start");
            return failed(&state, &current().t("account-oidc-unavailable"));
        }
    };
    let now = state.clock().now();
    let stored = async {
        let mut tx = state.db().write().await?;
        identities::start_login(
            &mut tx.conn(),
            &started.state,
            &PendingLogin {
                nonce: started.nonce.clone(),
                pkce_verifier: started.pkce_verifier.clone(),
                expires_at: identities::login_expiry(now),
            },
            now,
        )
        .await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = stored.or_page() {
        return error_page(&state, &e);
    }
    form::with_headers(
        form::see_other(&started.url),
        [state_cookie(&state, Some(&started.state))],
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Response {
    if query.error.is_some() {
        return failed(&state, &current().t("account-oidc-cancelled"));
    }
    let (Some(code), Some(returned)) = (query.code, query.state) else {
        return failed(&state, &current().t("account-oidc-incomplete"));
    };
    if crate::cookies::token(&headers, STATE_COOKIE).as_deref() != Some(returned.as_str()) {
        return failed(&state, &current().t("account-oidc-elsewhere"));
    }
    let now = state.clock().now();
    let pending = async {
        let mut tx = state.db().write().await?;
        let pending = identities::finish_login(&mut tx.conn(), &returned, now).await?;
        tx.commit().await?;
        Ok::<_, DbError>(pending)
    }
    .await;
    let pending = match pending.or_page() {
        Ok(Some(p)) => p,
        Ok(None) => return failed(&state, &current().t("account-oidc-expired")),
        Err(e) => return error_page(&state, &e),
    };
    let identity = match state
        .oidc()
        .finish(&code, &pending.nonce, &pending.pkce_verifier)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "OIDC sign-in refused");
            return failed(&state, &current().t("account-oidc-unconfirmed"));
        }
    };
    let user = match account_for(&state, &identity).await.or_page() {
        Ok(user) => user,
        Err(e) => return error_page(&state, &e),
    };
    if !user.active {
        return failed(&state, &current().t("account-oidc-disabled"));
    }
    match begin_session(&state, &user, "/").await {
        Ok(response) => form::with_headers(response, [state_cookie(&state, None)]),
        Err(e) => error_page(&state, &e),
    }
}

/// The account an outside identity signs into: the one linked to its
/// subject; else the one with its e-mail, if the provider verified that
/// e-mail (then linked); else a new resident's.
async fn account_for(state: &AppState, identity: &Identity) -> Result<User, DbError> {
    let provider = state
        .oidc()
        .settings()
        .map_or_else(String::new, |s| s.issuer.clone());
    let now = state.clock().now();
    let mut tx = state.db().write().await?;
    let mut conn = tx.conn();
    let verified_email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified);
    let linked = identities::user_for(&mut conn, &provider, &identity.subject).await?;
    let user_id = if let Some(id) = linked {
        id
    } else {
        let existing = if let Some(email) = verified_email {
            users::by_email(&mut conn, email).await?
        } else {
            None
        };
        // No account has the verified address (or none was verified): a new one.
        let id = if let Some(user) = existing {
            user.id
        } else {
            // Nameless, the account is called by its role, in the language it is made in.
            let resident = role_label(Role::Resident);
            let id = users::insert(
                &mut conn,
                &NewUser {
                    email: verified_email,
                    password_hash: None,
                    name: identity.name.as_deref().unwrap_or(resident),
                    phone: None,
                    locale: current().code(),
                    created_at: now,
                },
            )
            .await?;
            users::grant(&mut conn, id, Role::Resident, None, false).await?;
            id
        };
        identities::link(&mut conn, &provider, &identity.subject, id, now).await?;
        audit::record(
            &mut conn,
            &audit::Entry {
                actor_id: Some(id),
                action: "account.link_identity",
                object_kind: "user",
                object_id: Some(id),
                detail: Some(&provider),
                ..audit::Entry::default()
            },
            now,
        )
        .await?;
        id
    };
    let mut user = users::by_id(&mut conn, user_id)
        .await?
        .ok_or_else(|| DbError::Config("linked account vanished".into()))?;
    if verified_email.is_some()
        && user.email.as_deref() == verified_email
        && user.email_confirmed_at.is_none()
    {
        users::confirm_email(&mut conn, user_id, now).await?;
        user.email_confirmed_at = Some(now);
    }
    tx.commit().await?;
    Ok(user)
}
