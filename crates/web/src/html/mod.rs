//! Server-rendered pages. Every flow works without JavaScript.

mod account;
mod admin;
mod answer_templates;
mod api_docs;
mod api_keys;
mod attachment;
mod auto_route_admin;
mod calendar_editor;
pub(crate) mod case;
mod chart;
pub(crate) mod form;
mod home;
mod house_register;
mod incidents;
mod invite;
mod list;
mod login;
mod login_oidc;
mod login_second_factor;
pub(crate) mod map;
mod message;
mod my_messages;
mod notice;
mod password;
mod photo;
pub(crate) mod report;
mod routing_editor;
mod signup;
pub(crate) mod staff;
mod statistics;
mod suggestions;
mod view;
mod webhooks;
pub(crate) mod widget;
mod widget_admin;
pub(crate) mod workspace;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use vmeste_domain::access::Permission;

use crate::AppState;
use crate::assets;
use crate::error::PageError;
use crate::i18n::{self, Lang};
use crate::routes::{Routes, Rule};

pub fn routes() -> Routes {
    use Permission as P;
    use Rule::{Public, SignedIn, Staff};
    Routes::new()
        .get("/", Public, home::show)
        .get("/messages", Public, list::show)
        .get("/statistics", Public, statistics::show)
        .get("/map", Public, map::show)
        .get("/lang/{code}", Public, crate::i18n::switch)
        .get("/api/docs", Public, api_docs::show)
        .get("/open311/{file}", Public, crate::open311::discovery)
        .get("/open311/v2/{file}", Public, crate::open311::v2_get)
        .post("/open311/v2/{file}", Public, crate::open311::submit)
        .get(
            "/open311/v2/services/{file}",
            Public,
            crate::open311::service_definition,
        )
        .get(
            "/open311/v2/requests/{file}",
            Public,
            crate::open311::one_request,
        )
        .get("/open311/v2/tokens/{file}", Public, crate::open311::token)
        .get("/map/clusters", Public, map::clusters)
        .get("/messages/{id}", Public, message::show)
        .post("/messages/{id}/feedback", SignedIn, message::feedback)
        .post("/messages/{id}/follow", SignedIn, message::follow)
        .get("/attachments/{id}", SignedIn, attachment::download)
        .get("/photos/{id}", Public, photo::show)
        .get("/report", Public, report::form)
        .post("/report", Public, report::submit)
        .get("/report/photos/{id}", Public, report::held_photo)
        .get("/widget", Public, widget::show)
        .post("/widget", Public, widget::submit)
        .get("/widget/sent/{id}", Public, widget::sent)
        .get("/login", Public, login::form)
        .post("/login", Public, login::submit)
        .get("/login/second-factor", Public, login_second_factor::show)
        .post("/login/second-factor", Public, login_second_factor::submit)
        .get("/login/oidc", Public, login_oidc::start)
        .get("/login/oidc/callback", Public, login_oidc::callback)
        .get("/logout", Public, login::confirm_logout)
        .post("/logout", Public, login::logout)
        .get("/signup", Public, signup::show)
        .post("/signup", Public, signup::submit)
        .get("/confirm/{token}", Public, signup::confirm)
        .get("/password/forgot", Public, password::forgot)
        .post("/password/forgot", Public, password::send_link)
        .get("/password/reset/{token}", Public, password::show_reset)
        .post("/password/reset/{token}", Public, password::reset)
        .get("/invite/{token}", Public, invite::show)
        .post("/invite/{token}", Public, invite::create_account)
        .post("/invite/{token}/accept", SignedIn, invite::accept)
        .get("/my", SignedIn, my_messages::show)
        .get("/account", SignedIn, account::show)
        .post("/account", SignedIn, account::save)
        .post("/account/confirm", SignedIn, signup::resend)
        .get("/account/delete", SignedIn, account::confirm_delete)
        .post("/account/delete", SignedIn, account::delete)
        .get("/account/security", SignedIn, account::security)
        .post("/account/security/totp", SignedIn, account::enable)
        .post("/account/security/totp/off", SignedIn, account::disable)
        .get("/staff/inbox", Staff(P::ViewPersonalData), workspace::inbox)
        .post(
            "/staff/inbox/bulk",
            Staff(P::ViewPersonalData),
            workspace::bulk,
        )
        .get(
            "/staff/moderation",
            Staff(P::Moderate),
            workspace::moderation,
        )
        .get(
            "/staff/messages/{id}",
            Staff(P::ViewPersonalData),
            case::show,
        )
        .post(
            "/staff/messages/{id}/act",
            Staff(P::ViewPersonalData),
            case::act,
        )
        .get("/staff/incidents", Staff(P::Moderate), incidents::queue)
        .get("/staff/incidents/{id}", Staff(P::Moderate), incidents::show)
        .post(
            "/staff/incidents/{id}/convert",
            Staff(P::Moderate),
            incidents::convert,
        )
        .post(
            "/staff/incidents/{id}/dismiss",
            Staff(P::Moderate),
            incidents::dismiss,
        )
        .get("/org/{id}/staff", Staff(P::ManageStaff), staff::show)
        .post("/org/{id}/invites", Staff(P::ManageStaff), staff::invite)
        .post(
            "/org/{id}/invites/{invite}/revoke",
            Staff(P::ManageStaff),
            staff::revoke_invite,
        )
        .post(
            "/org/{id}/staff/{grant}/revoke",
            Staff(P::ManageStaff),
            staff::revoke_role,
        )
        .get(
            "/org/{id}/api-keys",
            Staff(P::ManageApiKeys),
            api_keys::show,
        )
        .post(
            "/org/{id}/api-keys",
            Staff(P::ManageApiKeys),
            api_keys::create,
        )
        .post(
            "/org/{id}/api-keys/{key}/revoke",
            Staff(P::ManageApiKeys),
            api_keys::revoke,
        )
        .get(
            "/org/{id}/webhooks",
            Staff(P::ManageApiKeys),
            webhooks::show,
        )
        .post(
            "/org/{id}/webhooks",
            Staff(P::ManageApiKeys),
            webhooks::create,
        )
        .get(
            "/org/{id}/webhooks/{hook}",
            Staff(P::ManageApiKeys),
            webhooks::log,
        )
        .post(
            "/org/{id}/webhooks/{hook}/{act}",
            Staff(P::ManageApiKeys),
            webhooks::act,
        )
        .get(
            "/org/{id}/widget",
            Staff(P::ManageApiKeys),
            widget_admin::show,
        )
        .post(
            "/org/{id}/widget",
            Staff(P::ManageApiKeys),
            widget_admin::save,
        )
        .post(
            "/org/{id}/widget/origins",
            Staff(P::ManageApiKeys),
            widget_admin::add_origin,
        )
        .post(
            "/org/{id}/widget/origins/{origin}/delete",
            Staff(P::ManageApiKeys),
            widget_admin::remove_origin,
        )
        .get(
            "/org/{id}/templates",
            Staff(P::Approve),
            answer_templates::show,
        )
        .post(
            "/org/{id}/templates",
            Staff(P::Approve),
            answer_templates::add,
        )
        .post(
            "/org/{id}/templates/{template}/delete",
            Staff(P::Approve),
            answer_templates::delete,
        )
        .get("/admin/audit", Staff(P::ManagePlatform), admin::audit_log)
        .get(
            "/admin/routing",
            Staff(P::ManagePlatform),
            routing_editor::show,
        )
        .post(
            "/admin/routing",
            Staff(P::ManagePlatform),
            routing_editor::add,
        )
        .post(
            "/admin/routing/threshold",
            Staff(P::ManagePlatform),
            auto_route_admin::set_threshold,
        )
        .post(
            "/admin/routing/rollback",
            Staff(P::ManagePlatform),
            auto_route_admin::rollback,
        )
        .post(
            "/admin/routing/{rule}/delete",
            Staff(P::ManagePlatform),
            routing_editor::delete,
        )
        .get(
            "/admin/calendar",
            Staff(P::ManagePlatform),
            calendar_editor::show,
        )
        .post(
            "/admin/calendar",
            Staff(P::ManagePlatform),
            calendar_editor::set,
        )
        .post(
            "/admin/calendar/{day}/delete",
            Staff(P::ManagePlatform),
            calendar_editor::remove,
        )
        .get(
            "/admin/houses",
            Staff(P::ManagePlatform),
            house_register::show,
        )
        .post(
            "/admin/houses",
            Staff(P::ManagePlatform),
            house_register::add,
        )
        .post(
            "/admin/houses/{house}/manager",
            Staff(P::ManagePlatform),
            house_register::set_manager,
        )
        .get("/admin/security", Staff(P::ManagePlatform), admin::security)
        .post(
            "/admin/security",
            Staff(P::ManagePlatform),
            admin::save_security,
        )
}

/// What every page's frame needs.
pub struct Layout {
    pub css: String,
    pub region_name: String,
    /// The signed-in user's name.
    pub user_name: Option<String>,
    /// The language the page speaks.
    pub lang: Lang,
    /// In the widget framed by another site: the script that talks to that
    /// site's page. Such pages have no site header or footer, and their
    /// links off the form open in a new tab.
    pub widget_js: Option<String>,
}

impl Layout {
    pub fn new(state: &AppState, user: Option<&vmeste_db::users::User>) -> Self {
        let lang = i18n::current();
        Self {
            css: assets::url("app.css"),
            region_name: state
                .region()
                .map(|r| lang.pick(&r.name_ru, &r.name_en).to_owned())
                .unwrap_or_default(),
            user_name: user.map(|u| u.name.clone()),
            lang,
            widget_js: None,
        }
    }

    /// The compact frame of the widget's pages (nobody is signed in there).
    pub fn embedded(state: &AppState) -> Self {
        Self {
            widget_js: Some(assets::url("widget-frame.js")),
            ..Self::new(state, None)
        }
    }

    pub fn is_embedded(&self) -> bool {
        self.widget_js.is_some()
    }

    /// A text of the page's language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// A text with a count in it, in its plural form.
    pub fn t_n(&self, id: &str, n: i64) -> String {
        self.lang.t_n(id, n)
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
                crate::i18n::current().t("error-internal"),
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
    title: String,
    detail: String,
}

pub fn error_page(state: &AppState, error: &PageError) -> Response {
    let (status, id) = match error {
        PageError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
        PageError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
        PageError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
    };
    let layout = Layout::new(state, None);
    let (title, detail) = (layout.t(id), layout.t(&format!("{id}-detail")));
    render(
        status,
        &ErrorPage {
            layout,
            title,
            detail,
        },
    )
}

pub async fn not_found(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    error_page(&state, &PageError::NotFound)
}
