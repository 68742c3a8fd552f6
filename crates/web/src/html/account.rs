//! The resident's own account: profile and notification settings, the second
//! factor, and deletion with anonymisation.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::users::StaffMail;
use vmeste_db::{notifications, organisations, users};
use vmeste_domain::organisation::Role;

use super::form::{self, Errors};
use super::notice::notice;
use super::view::role_label;
use super::{Layout, error_page};
use crate::AppState;
use crate::auth::session_cookie;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::second_factor;

pub struct RoleLine {
    label: String,
    links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "account.html")]
#[allow(clippy::struct_excessive_bools)] // independent checkboxes and flags of one page
struct AccountPage {
    layout: Layout,
    csrf: String,
    email: String,
    confirmed: bool,
    name: String,
    phone: String,
    locale: String,
    notify_email: bool,
    notify_news: bool,
    /// Staff choose how case news reach them by e-mail.
    staff_mail: &'static str,
    staff_mail_options: Vec<(&'static str, String)>,
    roles: Vec<RoleLine>,
    news: Vec<News>,
    saved: bool,
    errors: Errors,
}

pub struct News {
    at: String,
    text: String,
    number: String,
    href: String,
    unread: bool,
}

async fn news(state: &AppState, who: &Principal) -> Result<Vec<News>, PageError> {
    let Some(user) = &who.user else {
        return Ok(Vec::new());
    };
    let now = state.clock().now();
    let mut tx = state.db().write().await.or_page()?;
    let found = notifications::for_user(&mut tx.conn(), user.id, 30)
        .await
        .or_page()?;
    notifications::mark_read(&mut tx.conn(), user.id, now)
        .await
        .or_page()?;
    tx.commit().await.or_page()?;
    let staff = who.access.is_staff();
    let lang = crate::i18n::current();
    Ok(found
        .into_iter()
        .map(|n| News {
            at: super::view::local_time(n.created_at, state.time_zone()),
            text: crate::i18n::notification_label(lang, &n.kind),
            number: n.number.unwrap_or_default(),
            href: match (n.message_id, staff) {
                (Some(id), true) => format!("/staff/messages/{id}"),
                (Some(id), false) => format!("/messages/{id}"),
                (None, _) => String::new(),
            },
            unread: n.read_at.is_none(),
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    csrf: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    locale: Option<String>,
    notify_email: Option<String>,
    notify_news: Option<String>,
    staff_mail: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

async fn role_lines(state: &AppState, who: &Principal) -> Result<Vec<RoleLine>, PageError> {
    let lang = crate::i18n::current();
    let mut handle = state.db().read().await.or_page()?;
    let mut lines = Vec::new();
    for grant in who.access.grants() {
        let org = match grant.organisation_id {
            Some(id) => organisations::get(&mut handle.conn(), id).await.or_page()?,
            None => None,
        };
        let role = role_label(grant.role);
        let label = match &org {
            Some(org) => {
                let args = [
                    ("role", role.into()),
                    (
                        "organisation",
                        lang.pick(&org.short_name_ru, &org.name_en).into(),
                    ),
                ];
                if grant.include_subtree {
                    lang.t_with("account-role-in-subtree", &args)
                } else {
                    lang.t_with("account-role-in", &args)
                }
            }
            None => role.to_owned(),
        };
        let mut links = Vec::new();
        let mut link = |href: &str, text: String| links.push((href.to_owned(), text));
        match (grant.role, grant.organisation_id) {
            (Role::OrgAdmin, Some(id)) => {
                link(&format!("/org/{id}/staff"), lang.t("account-link-staff"));
                link(
                    &format!("/org/{id}/api-keys"),
                    lang.t("account-link-api-keys"),
                );
                link(&format!("/org/{id}/webhooks"), lang.t("webhooks-title"));
            }
            (Role::PlatformAdmin, _) => {
                link("/staff/inbox", lang.t("account-link-inbox"));
                link("/staff/moderation", lang.t("account-link-moderation"));
                link("/admin/routing", lang.t("account-link-routing"));
                link("/admin/houses", lang.t("account-link-houses"));
                link("/admin/calendar", lang.t("account-link-calendar"));
                link("/admin/audit", lang.t("account-link-audit"));
                link("/admin/security", lang.t("account-link-security"));
                // Region-wide subscriptions live with the first organisation
                // at the top (the region's government, as set up).
                let orgs = organisations::list(&mut handle.conn()).await.or_page()?;
                let top = orgs
                    .iter()
                    .filter(|o| o.parent_id.is_none())
                    .min_by_key(|o| o.id);
                if let Some(top) = top {
                    link(
                        &format!("/org/{}/webhooks", top.id),
                        lang.t("account-link-region-webhooks"),
                    );
                }
            }
            (Role::Moderator, _) => {
                link("/staff/moderation", lang.t("account-link-moderation"));
                link("/staff/inbox", lang.t("account-link-inbox"));
            }
            (Role::Head, Some(id)) => {
                link("/staff/inbox", lang.t("account-link-inbox"));
                link(
                    &format!("/org/{id}/templates"),
                    lang.t("account-link-templates"),
                );
            }
            (Role::Operator | Role::Executor | Role::Head, _) => {
                link("/staff/inbox", lang.t("account-link-inbox"));
            }
            _ => {}
        }
        if grant.role != Role::Resident {
            lines.push(RoleLine { label, links });
        }
    }
    Ok(lines)
}

async fn account_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    typed: Option<&ProfileForm>,
    errors: Errors,
    saved: bool,
) -> Response {
    let Some(user) = &who.user else {
        return form::see_other("/login?next=%2Faccount");
    };
    let (roles, news) = match (role_lines(state, who).await, news(state, who).await) {
        (Ok(roles), Ok(news)) => (roles, news),
        (Err(e), _) | (_, Err(e)) => return error_page(state, &e),
    };
    let status = errors.status();
    let layout = Layout::new(state, Some(user));
    let staff_mail_options = StaffMail::ALL
        .into_iter()
        .map(|m| {
            let label = layout.t(&format!("account-staff-mail-{}", m.as_str()));
            (m.as_str(), label)
        })
        .collect();
    let page = AccountPage {
        layout,
        csrf: csrf.token.clone(),
        email: user.email.clone().unwrap_or_default(),
        confirmed: user.email_confirmed_at.is_some(),
        name: typed
            .and_then(|f| f.name.clone())
            .unwrap_or_else(|| user.name.clone()),
        phone: typed
            .and_then(|f| f.phone.clone())
            .unwrap_or_else(|| user.phone.clone().unwrap_or_default()),
        locale: user.locale.clone(),
        notify_email: typed.map_or(user.notify_email, |f| f.notify_email.is_some()),
        notify_news: typed.map_or(user.notify_news, |f| f.notify_news.is_some()),
        staff_mail: typed
            .and_then(|f| f.staff_mail.as_deref())
            .and_then(StaffMail::parse)
            .unwrap_or_else(|| user.staff_mail())
            .as_str(),
        staff_mail_options,
        roles,
        news,
        saved,
        errors,
    };
    form::page(status, &page, csrf)
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(query): Query<Saved>,
) -> Response {
    account_page(
        &state,
        &who,
        &csrf,
        None,
        Errors::default(),
        query.saved.is_some(),
    )
    .await
}

/// A phone number as people write it: digits with spaces, brackets, dashes, a leading +.
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (10..=15).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

pub async fn save(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Form(form): Form<ProfileForm>,
) -> Response {
    let Some(user) = &who.user else {
        return form::see_other("/login");
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return account_page(
            &state,
            &who,
            &csrf,
            Some(&form),
            Errors::stale_form(),
            false,
        )
        .await;
    }
    let lang = crate::i18n::current();
    let mut errors = Errors::default();
    let name = form.name.as_deref().unwrap_or("").trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add("name", lang.t("account-name-invalid"));
    }
    let phone = form.phone.as_deref().unwrap_or("").trim();
    if !phone.is_empty() && !phone_ok(phone) {
        errors.add("phone", lang.t("account-phone-invalid"));
    }
    let locale = match form.locale.as_deref() {
        Some("en") => "en",
        _ => "ru",
    };
    if !errors.is_empty() {
        return account_page(&state, &who, &csrf, Some(&form), errors, false).await;
    }
    let profile = users::Profile {
        name,
        phone: (!phone.is_empty()).then_some(phone),
        locale,
        notify_email: form.notify_email.is_some(),
        notify_news: form.notify_news.is_some(),
        staff_mail: form
            .staff_mail
            .as_deref()
            .and_then(StaffMail::parse)
            .unwrap_or_else(|| user.staff_mail()),
    };
    let result = async {
        let mut tx = state.db().write().await?;
        users::update_profile(&mut tx.conn(), user.id, &profile).await?;
        tx.commit().await
    }
    .await;
    match result.or_page() {
        Ok(()) => {
            let lang = crate::i18n::Lang::parse(locale).unwrap_or(crate::i18n::Lang::Ru);
            form::with_headers(
                form::see_other("/account?saved=1"),
                [crate::i18n::cookie(lang)],
            )
        }
        Err(e) => error_page(&state, &e),
    }
}

#[derive(Template)]
#[template(path = "account_delete.html")]
struct DeletePage {
    layout: Layout,
    csrf: String,
    has_password: bool,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    csrf: Option<String>,
    password: Option<String>,
    confirm: Option<String>,
}

fn delete_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let page = DeletePage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        has_password: who.user.as_ref().is_some_and(|u| u.password_hash.is_some()),
        errors,
    };
    form::page(status, &page, csrf)
}

pub async fn confirm_delete(State(state): State<AppState>, who: Principal, csrf: Csrf) -> Response {
    delete_page(&state, &who, &csrf, Errors::default(), StatusCode::OK)
}

pub async fn delete(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Form(form): Form<DeleteForm>,
) -> Response {
    let Some(user) = who.user.clone() else {
        return form::see_other("/login");
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return delete_page(
            &state,
            &who,
            &csrf,
            Errors::stale_form(),
            StatusCode::FORBIDDEN,
        );
    }
    let lang = crate::i18n::current();
    let mut errors = Errors::default();
    if form.confirm.is_none() {
        errors.add("confirm", lang.t("account-delete-unconfirmed"));
    }
    if let Some(stored) = user.password_hash.clone() {
        let password = form.password.unwrap_or_default();
        let matches =
            tokio::task::spawn_blocking(move || users::verify_password(&password, &stored))
                .await
                .unwrap_or(false);
        if !matches {
            errors.add("password", lang.t("account-wrong-password"));
        }
    }
    if !errors.is_empty() {
        return delete_page(
            &state,
            &who,
            &csrf,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let now = state.clock().now();
    let result = async {
        let mut tx = state.db().write().await?;
        users::anonymise(&mut tx.conn(), user.id, now).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = result.or_page() {
        return error_page(&state, &e);
    }
    form::with_headers(
        notice(
            Layout::new(&state, None),
            StatusCode::OK,
            &lang.t("account-deleted"),
            &[&lang.t("account-deleted-detail")],
            Some(("/", &lang.t("account-home"))),
        ),
        [session_cookie(&state, None)],
    )
}

#[derive(Template)]
#[template(path = "account_security.html")]
struct SecurityPage {
    layout: Layout,
    csrf: String,
    enabled: bool,
    required: bool,
    secret: String,
    setup_url: String,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct SecurityQuery {
    required: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    pub csrf: Option<String>,
    pub code: Option<String>,
    pub next: Option<String>,
}

/// Shows the second-factor settings. A secret is proposed (stored, not yet
/// enabled) until the user proves they entered it by typing a code.
pub async fn security(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Query(query): Query<SecurityQuery>,
) -> Response {
    security_page(
        &state,
        &who,
        &csrf,
        Errors::default(),
        query.required.is_some(),
    )
    .await
}

async fn security_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    errors: Errors,
    required: bool,
) -> Response {
    let Some(user) = &who.user else {
        return form::see_other("/login");
    };
    let enabled = user.totp_enabled_at.is_some();
    let secret = if let Some(secret) = &user.totp_secret {
        secret.clone()
    } else {
        let secret = second_factor::new_secret();
        let stored = async {
            let mut tx = state.db().write().await?;
            users::set_totp(&mut tx.conn(), user.id, Some(&secret), None).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = stored.or_page() {
            return error_page(state, &e);
        }
        secret
    };
    let account = user
        .email
        .clone()
        .unwrap_or_else(|| format!("user-{}", user.id));
    let status = errors.status();
    let page = SecurityPage {
        layout: Layout::new(state, Some(user)),
        csrf: csrf.token.clone(),
        enabled,
        required,
        setup_url: if enabled {
            String::new()
        } else {
            second_factor::setup_url(&secret, &account).unwrap_or_default()
        },
        secret: if enabled { String::new() } else { secret },
        errors,
    };
    form::page(status, &page, csrf)
}

/// Checks a code of the user's secret and spends its time step.
pub async fn code_is_good(
    state: &AppState,
    user: &users::User,
    code: &str,
) -> Result<bool, PageError> {
    let Some(secret) = &user.totp_secret else {
        return Ok(false);
    };
    let Some(step) = second_factor::check(secret, code, state.clock().now()) else {
        return Ok(false);
    };
    let mut tx = state.db().write().await.or_page()?;
    let fresh = users::use_totp_step(&mut tx.conn(), user.id, step)
        .await
        .or_page()?;
    tx.commit().await.or_page()?;
    Ok(fresh)
}

/// The error of a second-factor code that did not match.
pub fn wrong_code() -> Errors {
    let mut errors = Errors::default();
    errors.add("code", crate::i18n::current().t("account-code-wrong"));
    errors
}

pub async fn enable(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Form(form): Form<CodeForm>,
) -> Response {
    switch_second_factor(&state, &who, &csrf, &form, true).await
}

pub async fn disable(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Form(form): Form<CodeForm>,
) -> Response {
    switch_second_factor(&state, &who, &csrf, &form, false).await
}

/// Switches the second factor on or off; either way takes a good current code.
async fn switch_second_factor(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    form: &CodeForm,
    on: bool,
) -> Response {
    let Some(user) = &who.user else {
        return form::see_other("/login");
    };
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return security_page(state, who, csrf, Errors::stale_form(), false).await;
    }
    match code_is_good(state, user, form.code.as_deref().unwrap_or("")).await {
        Ok(true) => {}
        Ok(false) => return security_page(state, who, csrf, wrong_code(), false).await,
        Err(e) => return error_page(state, &e),
    }
    let now = state.clock().now();
    let result = async {
        let mut tx = state.db().write().await?;
        if on {
            users::set_totp_enabled(&mut tx.conn(), user.id, Some(now)).await?;
        } else {
            users::set_totp(&mut tx.conn(), user.id, None, None).await?;
        }
        tx.commit().await
    }
    .await;
    match result.or_page() {
        Ok(()) => form::see_other("/account/security"),
        Err(e) => error_page(state, &e),
    }
}
