//! An organisation's widget as its administrator sets it up: the sites
//! allowed to show the form in a frame, the button's look and presets, and
//! the snippet to paste into the site. Audited.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::organisations::Organisation;
use vmeste_db::widgets::{self, MAX_ORIGINS, Settings};
use vmeste_db::{audit, catalogue};
use vmeste_domain::access::Permission;

use super::form::{self, Errors};
use super::staff::{Button, CsrfForm, Did, organisation_for};
use super::view::ChoiceGroup;
use super::widget::WIDGET_PATH;
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

const BUTTON_TEXT_MAX_CHARS: usize = 60;

/// A site as a frame's ancestor is named: `https://host[:port]`, or
/// `http://localhost[:port]` to try the widget out; nothing else (no path,
/// no credentials). IDN hosts come out in their ASCII form, as CSP wants.
pub fn normalise_origin(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    let allowed = match url.scheme() {
        "https" => true,
        "http" => url.host_str() == Some("localhost"),
        _ => false,
    };
    let bare = matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        // A `*` would make a CSP wildcard of the site.
        && url.host_str().is_some_and(|h| !h.contains('*'));
    let origin = url.origin();
    (allowed && bare && origin.is_tuple()).then(|| origin.ascii_serialization())
}

/// Escapes a value for an HTML attribute in double quotes.
fn attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The widget's `data-` attributes for its settings, in snippet order.
fn data_attributes(org_id: i64, s: &Settings, mode: &str) -> String {
    let topic = s
        .topic_id
        .map(|t| format!(" data-topic=\"{t}\""))
        .unwrap_or_default();
    format!(
        "data-org=\"{org_id}\"{topic} data-lang=\"{}\" data-background=\"{}\" data-color=\"{}\" \
         data-text=\"{}\" data-mode=\"{}\"",
        attribute(&s.lang),
        attribute(&s.background),
        attribute(&s.color),
        attribute(&s.button_text),
        attribute(mode),
    )
}

/// The HTML an organisation pastes into its site: a plain link (all that
/// works without JavaScript, or where the script is blocked) that the script
/// right after it turns into the button.
pub fn snippet(public_url: &str, org_id: i64, s: &Settings) -> String {
    let base = public_url.trim_end_matches('/');
    let topic = s
        .topic_id
        .map(|t| format!("&amp;topic={t}"))
        .unwrap_or_default();
    format!(
        "<a href=\"{base}{WIDGET_PATH}?org={org_id}{topic}&amp;lang={lang}\" target=\"_blank\" \
         rel=\"noopener\" data-vmeste-widget>{text}</a>\n\
         <script src=\"{base}/widget.js\" async {data}></script>",
        lang = attribute(&s.lang),
        text = attribute(&s.button_text),
        data = data_attributes(org_id, s, &s.mode),
    )
}

#[derive(Template)]
#[template(path = "org_widget.html")]
struct WidgetPage {
    layout: Layout,
    csrf: String,
    org_id: i64,
    org_name: String,
    origins: Vec<(i64, String)>,
    /// The site being added, as typed.
    origin: String,
    topics: Vec<ChoiceGroup>,
    /// The settings as typed, or as saved.
    typed: Settings,
    snippet: String,
    /// The saved settings' button, opening the form in a new tab.
    preview_data: String,
    saved: bool,
    errors: Errors,
}

impl WidgetPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    csrf: Option<String>,
    topic_id: Option<String>,
    lang: Option<String>,
    background: Option<String>,
    color: Option<String>,
    button_text: Option<String>,
    mode: Option<String>,
}

impl SettingsForm {
    fn typed(&self) -> Settings {
        let value = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
        Settings {
            topic_id: self.topic_id.as_deref().and_then(|t| t.trim().parse().ok()),
            lang: value(&self.lang),
            background: value(&self.background),
            color: value(&self.color),
            button_text: value(&self.button_text),
            mode: value(&self.mode),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct OriginForm {
    csrf: Option<String>,
    origin: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// What the page shows besides the organisation.
struct Shown {
    typed: Option<Settings>,
    origin: String,
    saved: bool,
    errors: Errors,
}

async fn widget_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    org: &Organisation,
    shown: Shown,
) -> Result<Response, PageError> {
    let (origins, saved_settings, tree) = {
        let mut handle = state.db().read().await.or_page()?;
        let mut conn = handle.conn();
        (
            widgets::origins_of(&mut conn, org.id).await.or_page()?,
            widgets::settings(&mut conn, org.id).await.or_page()?,
            catalogue::active_tree(&mut conn).await.or_page()?,
        )
    };
    let typed = shown.typed.unwrap_or_else(|| saved_settings.clone());
    let current_topic = typed.topic_id.map(|t| t.to_string());
    let page = WidgetPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        org_id: org.id,
        org_name: crate::i18n::current()
            .pick(&org.name_ru, &org.name_en)
            .to_owned(),
        origins: origins.into_iter().map(|o| (o.id, o.origin)).collect(),
        origin: shown.origin,
        topics: ChoiceGroup::topics(&tree, current_topic.as_deref()),
        snippet: snippet(&state.settings().public_url, org.id, &saved_settings),
        preview_data: data_attributes(org.id, &saved_settings, "page"),
        typed,
        saved: shown.saved,
        errors: shown.errors,
    };
    let status = page.errors.status();
    Ok(form::page(status, &page, csrf))
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(org_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageApiKeys, org_id).await?;
        let shown = Shown {
            typed: None,
            origin: String::new(),
            saved: query.saved.is_some(),
            errors: Errors::default(),
        };
        widget_page(&state, &who, &csrf, &org, shown).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// Checks the typed settings; the errors by field.
async fn check(state: &AppState, typed: &Settings) -> Result<Errors, PageError> {
    let lang = crate::i18n::current();
    let mut errors = Errors::default();
    if let Some(topic) = typed.topic_id {
        let found = {
            let mut handle = state.db().read().await.or_page()?;
            catalogue::topic(&mut handle.conn(), topic)
                .await
                .or_page()?
        };
        if !found.is_some_and(|t| t.active) {
            errors.add("topic_id", lang.t("widget-error-choice"));
        }
    }
    if !matches!(typed.lang.as_str(), "ru" | "en") {
        errors.add("lang", lang.t("widget-error-choice"));
    }
    let colour = |c: &str| {
        c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
    };
    if !colour(&typed.background) {
        errors.add("background", lang.t("widget-error-colour"));
    }
    if !colour(&typed.color) {
        errors.add("color", lang.t("widget-error-colour"));
    }
    let text = &typed.button_text;
    if text.is_empty()
        || text.chars().count() > BUTTON_TEXT_MAX_CHARS
        || text.chars().any(char::is_control)
    {
        errors.add("button_text", lang.t("widget-error-text"));
    }
    if !matches!(typed.mode.as_str(), "iframe" | "page") {
        errors.add("mode", lang.t("widget-error-choice"));
    }
    Ok(errors)
}

pub async fn save(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageApiKeys, org_id).await?;
        let mut typed = form.typed();
        let errors = if csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            check(&state, &typed).await?
        } else {
            stale()
        };
        if !errors.is_empty() {
            let shown = Shown {
                typed: Some(typed),
                origin: String::new(),
                saved: false,
                errors,
            };
            return widget_page(&state, &who, &csrf, &org, shown).await;
        }
        typed.background = typed.background.to_ascii_lowercase();
        typed.color = typed.color.to_ascii_lowercase();
        let mut tx = state.db().write().await.or_page()?;
        widgets::save_settings(
            &mut tx.conn(),
            org.id,
            &typed,
            who.user_id().unwrap_or_default(),
            state.clock().now(),
        )
        .await
        .or_page()?;
        let entry = audit::Entry {
            action: "widget.settings",
            object_kind: "organisation",
            object_id: Some(org.id),
            organisation_id: Some(org.id),
            ..audit::Entry::default()
        };
        let back = format!("/org/{}/widget?saved=1", org.id);
        form::audited_redirect(&who, &state, tx, &client, entry, &back).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

fn stale() -> Errors {
    let mut errors = Errors::default();
    errors.add("form", crate::i18n::current().t("report-stale"));
    errors
}

pub async fn add_origin(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(form): Form<OriginForm>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageApiKeys, org_id).await?;
        let typed = form.origin.clone().unwrap_or_default();
        let refuse = |errors: Errors| Shown {
            typed: None,
            origin: typed.clone(),
            saved: false,
            errors,
        };
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return widget_page(&state, &who, &csrf, &org, refuse(stale())).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let Some(origin) = normalise_origin(&typed) else {
            errors.add("origin", lang.t("widget-error-origin"));
            return widget_page(&state, &who, &csrf, &org, refuse(errors)).await;
        };
        let mut tx = state.db().write().await.or_page()?;
        let listed = widgets::origins_of(&mut tx.conn(), org.id)
            .await
            .or_page()?;
        if listed.len() >= MAX_ORIGINS {
            let limit = i64::try_from(MAX_ORIGINS).unwrap_or(i64::MAX);
            errors.add("origin", lang.t_n("widget-error-origin-many", limit));
        }
        let added = if errors.is_empty() {
            widgets::add_origin(
                &mut tx.conn(),
                org.id,
                &origin,
                who.user_id().unwrap_or_default(),
                state.clock().now(),
            )
            .await
            .or_page()?
        } else {
            None
        };
        let Some(id) = added else {
            if errors.is_empty() {
                errors.add("origin", lang.t("widget-error-origin-known"));
            }
            drop(tx);
            return widget_page(&state, &who, &csrf, &org, refuse(errors)).await;
        };
        let entry = audit::Entry {
            action: "widget.origin.add",
            object_kind: "widget_origin",
            object_id: Some(id),
            organisation_id: Some(org.id),
            detail: Some(&origin),
            ..audit::Entry::default()
        };
        let back = format!("/org/{}/widget", org.id);
        form::audited_redirect(&who, &state, tx, &client, entry, &back).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn remove_origin(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org_id, origin_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let button = Button {
        state: &state,
        who: &who,
        client: &client,
        permission: Permission::ManageApiKeys,
        back: "widget",
    };
    button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let removed = widgets::remove_origin(&mut tx.conn(), org.id, origin_id)
                    .await
                    .or_page()?
                    .ok_or(PageError::NotFound)?;
                let did = Did {
                    action: "widget.origin.remove",
                    object_kind: "widget_origin",
                    object_id: origin_id,
                    detail: Some(removed),
                };
                Ok((tx, did))
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::{normalise_origin, snippet};
    use vmeste_db::widgets::Settings;

    #[test]
    fn only_bare_https_origins_or_localhost_are_sites() {
        let ok = |raw: &str| normalise_origin(raw);
        assert_eq!(
            ok("https://Gov.Example/").as_deref(),
            Some("https://gov.example")
        );
        assert_eq!(
            ok(" https://gov.example:8443 ").as_deref(),
            Some("https://gov.example:8443")
        );
        assert_eq!(
            ok("https://gov.example:443").as_deref(),
            Some("https://gov.example")
        );
        assert_eq!(
            ok("http://localhost:8000").as_deref(),
            Some("http://localhost:8000")
        );
        assert_eq!(
            ok("https://пример.рф").as_deref(),
            Some("https://xn--e1afmkfd.xn--p1ai")
        );
        for bad in [
            "http://gov.example",
            "http://127.0.0.1:8000",
            "https://gov.example/page",
            "https://gov.example/?x=1",
            "https://user@gov.example",
            "gov.example",
            "javascript:alert(1)",
            "https://*.gov.example",
            "",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_snippet_escapes_what_the_administrator_typed() {
        let settings = Settings {
            topic_id: Some(12),
            button_text: "Нам \"важно\" <знать>".into(),
            ..Settings::default()
        };
        let html = snippet("https://vmeste.example/", 5, &settings);
        assert!(
            html.contains("href=\"https://vmeste.example/widget?org=5&amp;topic=12&amp;lang=ru\"")
        );
        assert!(html.contains("src=\"https://vmeste.example/widget.js\""));
        assert!(html.contains("data-text=\"Нам &quot;важно&quot; &lt;знать&gt;\""));
        assert!(html.contains("data-mode=\"iframe\""));
    }
}
