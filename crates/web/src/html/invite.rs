//! Accepting a staff invitation: a new person sets their name and password;
//! someone with an account already signs in as that account and takes the role.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::invites::{self, Invite};
use vmeste_db::users::{self, NewUser};
use vmeste_db::{DbError, audit};
use vmeste_domain::organisation::Role;
use vmeste_domain::validation::check_password;

use super::form::{self, Errors, account_error};
use super::login::begin_session;
use super::notice::notice;
use super::password::{NewPasswordForm, NewPasswordPage};
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;

#[allow(clippy::large_enum_variant)] // short-lived, never stored
enum Found {
    Open(Invite, Option<users::User>),
    Dead,
}

async fn find(state: &AppState, token: &str) -> Result<Found, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let Some(invite) = invites::by_token(&mut handle.conn(), token)
        .await
        .or_page()?
    else {
        return Ok(Found::Dead);
    };
    if !invite.open_at(state.clock().now()) {
        return Ok(Found::Dead);
    }
    let existing = users::by_email(&mut handle.conn(), &invite.email)
        .await
        .or_page()?;
    Ok(Found::Open(invite, existing))
}

fn dead(state: &AppState) -> Response {
    let layout = Layout::new(state, None);
    let (title, why) = (
        layout.t("account-invite-dead"),
        layout.t("account-invite-dead-detail"),
    );
    notice(layout, StatusCode::GONE, &title, &[&why], None)
}

fn new_account_page(
    state: &AppState,
    csrf: &Csrf,
    token: &str,
    name: String,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let layout = Layout::new(state, None);
    let page = NewPasswordPage {
        csrf: csrf.token.clone(),
        title: layout.t("account-invite-new"),
        action: format!("/invite/{token}"),
        button: layout.t("account-invite-accept"),
        layout,
        ask_name: true,
        ask_password: true,
        name,
        errors,
    };
    form::page(status, &page, csrf)
}

fn existing_account_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    token: &str,
    invite: &Invite,
) -> Response {
    let layout = Layout::new(state, who.user.as_ref());
    let page = NewPasswordPage {
        csrf: csrf.token.clone(),
        title: layout.t("account-invite"),
        action: format!("/invite/{token}/accept"),
        button: layout.t("account-invite-take-role"),
        ask_name: false,
        ask_password: false,
        name: layout.lang.t_with(
            "account-invite-role-for",
            &[("email", invite.email.as_str().into())],
        ),
        layout,
        errors: Errors::default(),
    };
    form::page(StatusCode::OK, &page, csrf)
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(token): Path<String>,
) -> Response {
    match find(&state, &token).await {
        Ok(Found::Dead) => dead(&state),
        Ok(Found::Open(_, None)) => new_account_page(
            &state,
            &csrf,
            &token,
            String::new(),
            Errors::default(),
            StatusCode::OK,
        ),
        Ok(Found::Open(invite, Some(existing))) => {
            if who.user_id() == Some(existing.id) {
                existing_account_page(&state, &who, &csrf, &token, &invite)
            } else {
                let next =
                    url::form_urlencoded::byte_serialize(format!("/invite/{token}").as_bytes())
                        .collect::<String>();
                form::see_other(&format!("/login?next={next}"))
            }
        }
        Err(e) => error_page(&state, &e),
    }
}

/// Grants the invited role to `user_id` and closes the invitation.
async fn take_role(
    conn: &mut vmeste_db::Conn<'_>,
    invite: &Invite,
    user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbError> {
    if !invites::mark_accepted(conn, invite.id, now).await? {
        return Ok(false);
    }
    let role = Role::parse(&invite.role)
        .ok_or_else(|| DbError::Corrupt(format!("invite role {}", invite.role)))?;
    let held = users::grants(conn, user_id)
        .await?
        .into_iter()
        .any(|g| g.role == role && g.organisation_id == Some(invite.organisation_id));
    if !held {
        users::grant(
            conn,
            user_id,
            role,
            Some(invite.organisation_id),
            invite.include_subtree,
        )
        .await?;
    }
    audit::record(
        conn,
        &audit::Entry {
            actor_id: Some(user_id),
            action: "staff.accept_invite",
            object_kind: "invite",
            object_id: Some(invite.id),
            organisation_id: Some(invite.organisation_id),
            detail: Some(&invite.role),
            ..audit::Entry::default()
        },
        now,
    )
    .await?;
    Ok(true)
}

pub async fn create_account(
    State(state): State<AppState>,
    csrf: Csrf,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let name = form.name.clone().unwrap_or_default();
    let invite = match find(&state, &token).await {
        Ok(Found::Open(invite, None)) => invite,
        Ok(Found::Open(_, Some(_))) => return form::see_other(&format!("/invite/{token}")),
        Ok(Found::Dead) => return dead(&state),
        Err(e) => return error_page(&state, &e),
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return new_account_page(
            &state,
            &csrf,
            &token,
            name,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    let mut errors = Errors::default();
    let trimmed = name.trim().to_owned();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        errors.add("name", crate::i18n::current().t("account-name-invalid"));
    }
    let password = form.password.unwrap_or_default();
    if let Err(e) = check_password(&password, &invite.email) {
        errors.add("password", account_error(e));
    }
    if !errors.is_empty() {
        return new_account_page(
            &state,
            &csrf,
            &token,
            name,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = match form::hash_password(password).await {
        Ok(hash) => hash,
        Err(e) => return error_page(&state, &e),
    };
    let now = state.clock().now();
    let created = async {
        let mut tx = state.db().write().await?;
        let id = users::insert(
            &mut tx.conn(),
            &NewUser {
                email: Some(&invite.email),
                password_hash: Some(&hash),
                name: &trimmed,
                phone: None,
                // The language the invitation was accepted in.
                locale: crate::i18n::current().code(),
                created_at: now,
            },
        )
        .await?;
        // The link came to this address: it is confirmed.
        users::confirm_email(&mut tx.conn(), id, now).await?;
        if !take_role(&mut tx.conn(), &invite, id, now).await? {
            return Ok(None);
        }
        let user = users::by_id(&mut tx.conn(), id).await?;
        tx.commit().await?;
        Ok::<_, DbError>(user)
    }
    .await;
    match created.or_page() {
        Ok(Some(user)) => begin_session(&state, &user, "/account")
            .await
            .unwrap_or_else(|e| error_page(&state, &e)),
        Ok(None) => dead(&state),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let (invite, existing) = match find(&state, &token).await {
        Ok(Found::Open(invite, Some(existing))) => (invite, existing),
        Ok(Found::Open(_, None)) => return form::see_other(&format!("/invite/{token}")),
        Ok(Found::Dead) => return dead(&state),
        Err(e) => return error_page(&state, &e),
    };
    // Only the invited account itself may take the role.
    if who.user_id() != Some(existing.id) || !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return form::see_other(&format!("/invite/{token}"));
    }
    let now = state.clock().now();
    let taken = async {
        let mut tx = state.db().write().await?;
        let taken = take_role(&mut tx.conn(), &invite, existing.id, now).await?;
        tx.commit().await?;
        Ok::<_, DbError>(taken)
    }
    .await;
    match taken.or_page() {
        Ok(true) => form::see_other("/account"),
        Ok(false) => dead(&state),
        Err(e) => error_page(&state, &e),
    }
}
