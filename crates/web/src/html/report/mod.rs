//! The plain "report a problem" form: one page, no JavaScript needed. Errors
//! re-render the form with every value kept and each message by its field.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vmeste_db::intake::{IntakeError, Source};
use vmeste_db::{catalogue, houses, messages};
use vmeste_domain::validation::{FieldError, MessageInput, Place, ValidMessage, validate_message};

use super::map::MapView;
use super::view::{Card, Choice, ChoiceGroup, territory_choices};
use super::widget::Framed;
use super::with_retry_after;
use super::{Layout, error_page, form, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::field_message;
use crate::photos;
use crate::rate_limit::{Bucket, ClientIp};
use crate::upload::FormWithFiles;
use vmeste_db::users::User;

#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    csrf: Option<String>,
    topic_id: Option<String>,
    text: Option<String>,
    address: Option<String>,
    territory_id: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    /// A formal appeal under 59-FZ rather than a message.
    appeal: Option<String>,
    /// The resident saw the similar messages nearby and reports anyway.
    confirmed: Option<String>,
    /// The button pressed: `edit`, `preview` or `send`.
    step: Option<String>,
    /// Photos chosen on an earlier step, held in storage.
    #[serde(default)]
    held: Vec<String>,
    /// Held photos to drop.
    #[serde(default)]
    remove: Vec<String>,
    /// The place was just taken from a photo's geotag: say so.
    #[serde(skip)]
    from_photo: bool,
}

mod held;
mod preview;

pub use held::show as held_photo;

/// Where the report flow runs: on this site for whoever is signed in, or in
/// the widget another site frames, where nobody is signed in and the forms
/// carry their own signed token instead of a cookie.
pub(crate) struct Flow<'a> {
    pub state: &'a AppState,
    pub user: Option<&'a User>,
    pub csrf: &'a Csrf,
    pub widget: Option<&'a Framed>,
}

impl Flow<'_> {
    fn layout(&self) -> Layout {
        match self.widget {
            Some(_) => Layout::embedded(self.state),
            None => Layout::new(self.state, self.user),
        }
    }

    /// Where the form posts (and the topic finder gets).
    fn action(&self) -> String {
        self.widget
            .map_or_else(|| "/report".to_owned(), Framed::action)
    }

    /// The form again with a topic found by words chosen.
    fn with_topic(&self, topic_id: i64) -> String {
        match self.widget {
            Some(framed) => format!("{}&topic={topic_id}#text", framed.action()),
            None => format!("/report?topic_id={topic_id}#text"),
        }
    }
}

struct ShownError {
    field: &'static str,
    anchor: &'static str,
    label: String,
    message: String,
}

impl ShownError {
    fn new(field: &'static str, message: String) -> Self {
        let (anchor, label) = field_label(field);
        Self {
            field,
            anchor,
            label,
            message,
        }
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    csrf: String,
    /// Where the form posts; the topic finder's fields that keep the widget's context.
    action: String,
    keep: Vec<(&'static str, String)>,
    groups: Vec<ChoiceGroup>,
    territories: Vec<Choice>,
    text: String,
    address: String,
    lat: String,
    lon: String,
    appeal: bool,
    /// Only identified residents may file formal appeals.
    may_appeal: bool,
    /// The words typed to find a topic, and the topics they found.
    find: String,
    found: Option<Vec<FoundTopic>>,
    /// What to write about the chosen topic.
    guidance: Option<String>,
    /// Photos chosen earlier, kept for this report.
    held: Vec<String>,
    /// The point was taken from a photo's geotag.
    from_photo: bool,
    /// Where the map opens and gets its tiles (with JavaScript).
    map: MapView,
    place_js: String,
    steps_js: String,
    errors: Vec<ShownError>,
}

struct FoundTopic {
    id: i64,
    name: String,
    category: String,
    /// The form with this topic chosen.
    href: String,
}

/// Topics a person's plain words point to, best first: those every word
/// fits, or failing any, those some word fits.
fn find_topics(tree: &[catalogue::CategoryWithTopics], find: &str) -> Vec<FoundTopic> {
    use vmeste_routing::text;
    let query = text::query_stems(find);
    let lang = crate::i18n::current();
    let mut all: Vec<(usize, usize, FoundTopic)> = Vec::new();
    for c in tree {
        for t in &c.topics {
            // Both languages' names: a word in either finds the topic.
            let stems = text::stems(&format!(
                "{} {} {} {}",
                t.name_ru, c.category.name_ru, t.name_en, c.category.name_en
            ));
            let each: Vec<Option<usize>> = query
                .iter()
                .map(|q| text::fit(std::slice::from_ref(q), &stems))
                .collect();
            let fitting = each.iter().flatten().count();
            if fitting > 0 {
                let score = each.iter().flatten().sum();
                all.push((
                    fitting,
                    score,
                    FoundTopic {
                        id: t.id,
                        name: lang.pick(&t.name_ru, &t.name_en).to_owned(),
                        category: lang
                            .pick(&c.category.name_ru, &c.category.name_en)
                            .to_owned(),
                        href: String::new(),
                    },
                ));
            }
        }
    }
    let best = all.iter().map(|(n, _, _)| *n).max().unwrap_or(0);
    let whole = best == query.len();
    all.retain(|(n, _, _)| !whole || *n == best);
    all.sort_by_key(|(n, score, _)| std::cmp::Reverse((*n, *score)));
    all.into_iter().take(12).map(|(_, _, t)| t).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// Plain words to find a topic by.
    find: Option<String>,
    /// A topic chosen from what was found.
    topic_id: Option<String>,
}

impl ReportPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Where on the form a field's error points, and the label it goes by.
fn field_label(field: &str) -> (&'static str, String) {
    let lang = crate::i18n::current();
    let (anchor, label) = match field {
        "topic_id" => ("topic_id", "filters-topic"),
        "text" => ("text", "preview-text"),
        "address" => ("address", "report-address"),
        "territory_id" => ("territory_id", "report-territory"),
        "lat" => ("lat", "report-lat"),
        "lon" => ("lon", "report-lon"),
        "csrf" => ("topic_id", "report-form"),
        "photos" => ("photos", "report-photos"),
        "appeal" => ("appeal", "preview-appeal"),
        "form" => ("text", "report-form"),
        _ => ("location", "preview-place"),
    };
    (anchor, lang.t(label))
}

fn shown(errors: &[FieldError]) -> Vec<ShownError> {
    errors
        .iter()
        .map(|e| ShownError::new(e.field, field_message(crate::i18n::current(), e)))
        .collect()
}

async fn page(
    flow: &Flow<'_>,
    (form, find): (&ReportForm, &str),
    errors: Vec<ShownError>,
) -> Result<ReportPage, PageError> {
    let state = flow.state;
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let choices = crate::choices::current(state, &mut conn).await.or_page()?;
    let tree = &choices.tree;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let found = (!find.trim().is_empty()).then(|| {
        let mut found = find_topics(tree, find);
        for t in &mut found {
            t.href = flow.with_topic(t.id);
        }
        found
    });
    let chosen = form.topic_id.as_deref().and_then(|t| t.parse::<i64>().ok());
    let guidance = tree
        .iter()
        .flat_map(|c| &c.topics)
        .find(|t| Some(t.id) == chosen)
        .map(|t| {
            crate::i18n::current()
                .pick(&t.guidance_ru, &t.guidance_en)
                .to_owned()
        })
        .filter(|g| !g.is_empty());
    Ok(ReportPage {
        layout: flow.layout(),
        csrf: flow.csrf.token.clone(),
        action: flow.action(),
        keep: flow.widget.map(Framed::keep).unwrap_or_default(),
        groups: ChoiceGroup::topics(tree, form.topic_id.as_deref()),
        territories: territory_choices(&choices.territories, form.territory_id.as_deref()),
        text: value(&form.text),
        address: value(&form.address),
        lat: value(&form.lat),
        lon: value(&form.lon),
        appeal: form.appeal.is_some(),
        may_appeal: flow.user.is_some_and(identified),
        find: find.to_owned(),
        found,
        guidance,
        held: held::of(form).iter().map(ToString::to_string).collect(),
        from_photo: form.from_photo,
        map: MapView::new(state).await?,
        place_js: crate::assets::url("place.js"),
        steps_js: crate::assets::url("steps.js"),
        errors,
    })
}

async fn respond(
    flow: &Flow<'_>,
    (form, find): (&ReportForm, &str),
    status: StatusCode,
    errors: Vec<ShownError>,
) -> Response {
    match page(flow, (form, find), errors).await {
        Ok(page) => {
            let mut response = render(status, &page);
            if let Some((name, value)) = flow.csrf.set_cookie() {
                response.headers_mut().insert(name, value);
            }
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(e) => error_page(flow.state, &e),
    }
}

pub async fn form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    csrf: Csrf,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let flow = Flow {
        state: &state,
        user: user.as_ref(),
        csrf: &csrf,
        widget: None,
    };
    show(&flow, query.find.as_deref(), query.topic_id).await
}

/// The empty form, the topic chosen or found by words if any.
pub(crate) async fn show(
    flow: &Flow<'_>,
    find: Option<&str>,
    topic_id: Option<String>,
) -> Response {
    let form = ReportForm {
        topic_id,
        ..ReportForm::default()
    };
    let find: String = find.unwrap_or_default().chars().take(100).collect();
    respond(flow, (&form, &find), StatusCode::OK, Vec::new()).await
}

/// Which button sent the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Back to the form to change something.
    Edit,
    /// Check everything and show what will be sent.
    Preview,
    /// File it (also what a form without the step field means: the widget).
    Send,
}

impl Step {
    fn of(form: &ReportForm) -> Step {
        match form.step.as_deref() {
            Some("edit") => Step::Edit,
            Some("preview") => Step::Preview,
            _ => Step::Send,
        }
    }
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientIp,
    csrf: Csrf,
    form: Result<FormWithFiles<ReportForm>, Response>,
) -> Response {
    let flow = Flow {
        state: &state,
        user: user.as_ref(),
        csrf: &csrf,
        widget: None,
    };
    file(&flow, &client, form).await
}

/// One step of the form: back to editing, the preview, or filing it.
pub(crate) async fn file(
    flow: &Flow<'_>,
    client: &ClientIp,
    form: Result<FormWithFiles<ReportForm>, Response>,
) -> Response {
    let (state, user) = (flow.state, flow.user);
    let (mut form, files) = match form {
        Ok(FormWithFiles { form, files }) => (form, files),
        Err(rejection) => return unreadable(flow, rejection.status()).await,
    };
    if !flow.csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        let error = ShownError::new("csrf", crate::i18n::current().t("report-stale"));
        return refuse(flow, &form, StatusCode::FORBIDDEN, error).await;
    }
    let step = Step::of(&form);
    if step == Step::Send || !files.is_empty() {
        let account = user.map_or_else(String::new, |u| format!("user:{}", u.id));
        let limited = state
            .limiters()
            .check(Bucket::Intake, client)
            .and_then(|()| state.limiters().check_account(Bucket::Intake, &account));
        if let Err(wait) = limited {
            let error = ShownError::new("form", crate::i18n::current().t("report-too-many"));
            let status = StatusCode::TOO_MANY_REQUESTS;
            let response = refuse(flow, &form, status, error).await;
            return with_retry_after(response, wait);
        }
    }
    if let Err(error) = held::update(state, &mut form, files).await {
        return refuse(flow, &form, error.status(), error.shown()).await;
    }
    let from_address = match geocode(state, &mut form).await {
        Ok(found) => found,
        Err(e) => return error_page(state, &e),
    };
    if step == Step::Edit {
        return respond(flow, (&form, ""), StatusCode::OK, Vec::new()).await;
    }
    let valid = match check(state, user, &form).await {
        Ok(valid) => valid,
        Err(Checked::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return respond(flow, (&form, ""), status, errors).await;
        }
        Err(Checked::Failed(e)) => return error_page(state, &e),
    };
    let similar = if form.confirmed.is_none() && !valid.appeal {
        match nearby(state, &valid.message).await {
            Ok(similar) => similar,
            Err(e) => return error_page(state, &e),
        }
    } else {
        Vec::new()
    };
    if step == Step::Preview || !similar.is_empty() {
        let shown = preview::Shown {
            form: &form,
            valid: &valid,
            from_address,
            similar,
        };
        return match preview::page(flow, shown).await {
            Ok(page) => form::page(StatusCode::OK, &page, flow.csrf),
            Err(e) => error_page(state, &e),
        };
    }
    send(flow, form, valid).await
}

/// The form again with one error.
async fn refuse(
    flow: &Flow<'_>,
    form: &ReportForm,
    status: StatusCode,
    error: ShownError,
) -> Response {
    respond(flow, (form, ""), status, vec![error]).await
}

/// Files the checked report, moves its held photos to it and goes to it
/// (in the widget, to the widget's confirmation).
async fn send(flow: &Flow<'_>, form: ReportForm, valid: Valid) -> Response {
    let state = flow.state;
    let author = flow.user.map(|u| u.id);
    let source = if flow.widget.is_some() {
        Source::Widget
    } else {
        Source::Web
    };
    let result = if valid.appeal {
        match author {
            Some(author) => {
                state
                    .intake()
                    .submit_appeal(state.db(), &valid.message, author, source)
                    .await
            }
            None => Err(IntakeError::Invalid(Vec::new())),
        }
    } else {
        state
            .intake()
            .submit(state.db(), &valid.message, author, source)
            .await
    };
    match result {
        Ok(view) => {
            state.metrics().messages_submitted.inc();
            if let Err(e) = held::attach(state, view.id, author, &form.held).await {
                // The message stands; its photos are lost and the log says so.
                tracing::error!(error = %e, message = view.id, "storing photos failed");
            }
            let to = match flow.widget {
                Some(framed) => framed.sent(view.id),
                None => format!("/messages/{}", view.id),
            };
            Redirect::to(&to).into_response()
        }
        Err(IntakeError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            respond(flow, (&form, ""), status, shown(&errors)).await
        }
        Err(IntakeError::Db(e)) => {
            tracing::error!(error = %e, "intake failed");
            error_page(state, &PageError::Internal)
        }
    }
}

/// A form the server could not read: its body is gone with the rejection,
/// so nothing typed can be kept, and the page says so.
async fn unreadable(flow: &Flow<'_>, rejected: StatusCode) -> Response {
    let lang = crate::i18n::current();
    let (status, message) = if rejected == StatusCode::PAYLOAD_TOO_LARGE {
        let limit = i64::try_from(photos::MAX_PHOTOS).unwrap_or(i64::MAX);
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            lang.t_n("report-too-large", limit),
        )
    } else {
        (StatusCode::BAD_REQUEST, lang.t("report-unreadable"))
    };
    let error = ShownError::new("photos", message);
    respond(flow, (&ReportForm::default(), ""), status, vec![error]).await
}

/// A report that passed every check, ready to file.
pub(super) struct Valid {
    message: ValidMessage,
    /// A formal appeal by an identified resident.
    appeal: bool,
    /// Where routing would send it.
    route: Option<vmeste_db::intake::Route>,
}

enum Checked {
    Invalid(Vec<ShownError>),
    Failed(PageError),
}

/// Every check the filing would make, without filing.
async fn check(state: &AppState, user: Option<&User>, form: &ReportForm) -> Result<Valid, Checked> {
    let input = MessageInput {
        topic_id: form.topic_id.clone(),
        text: form.text.clone(),
        lat: form.lat.clone(),
        lon: form.lon.clone(),
        address: form.address.clone(),
        territory_id: form.territory_id.clone(),
    };
    let appeal = form.appeal.is_some();
    if appeal && !user.is_some_and(identified) {
        let message = crate::i18n::current().t("report-appeal-unidentified");
        return Err(Checked::Invalid(vec![ShownError::new("appeal", message)]));
    }
    let message = validate_message(&input).map_err(|errors| {
        let mut errors = shown(&errors);
        let typed = form.address.as_deref().map(str::trim).unwrap_or_default();
        if let Some(place) = errors.iter_mut().find(|e| e.anchor == "location")
            && !typed.is_empty()
        {
            // Typed, but the register does not know it: say so, not «give a place».
            place.message = crate::i18n::current().t_with(
                "report-address-unknown",
                &[("address", typed.to_owned().into())],
            );
        }
        Checked::Invalid(errors)
    })?;
    let route = match state.intake().check(state.db(), &message).await {
        Ok(route) => route,
        Err(IntakeError::Invalid(errors)) => return Err(Checked::Invalid(shown(&errors))),
        Err(IntakeError::Db(e)) => {
            tracing::error!(error = %e, "intake check failed");
            return Err(Checked::Failed(PageError::Internal));
        }
    };
    Ok(Valid {
        message,
        appeal,
        route,
    })
}

/// A typed address the house register knows gives the point when none is
/// given; the register's own spelling of it, when found.
async fn geocode(state: &AppState, form: &mut ReportForm) -> Result<Option<String>, PageError> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    let Some(typed) = form.address.clone().filter(|a| !a.trim().is_empty()) else {
        return Ok(None);
    };
    if !(blank(&form.lat) && blank(&form.lon)) {
        return Ok(None);
    }
    let mut handle = state.db().read().await.or_page()?;
    let house = houses::by_address(&mut handle.conn(), &typed)
        .await
        .or_page()?;
    Ok(house.map(|h| {
        form.lat = Some(format!("{:.6}", h.lat));
        form.lon = Some(format!("{:.6}", h.lon));
        h.address
    }))
}

/// How near an open message on the same topic counts as the same problem.
const SAME_PLACE_METRES: f64 = 150.0;

/// Open published messages on the topic near the point (none for a place
/// given only as a district: too coarse to call it the same problem).
async fn nearby(state: &AppState, valid: &ValidMessage) -> Result<Vec<Card>, PageError> {
    let Place::Point(point) = valid.place else {
        return Ok(Vec::new());
    };
    let mut handle = state.db().read().await.or_page()?;
    let found = messages::open_near(
        &mut handle.conn(),
        valid.topic_id,
        (point.lat, point.lon),
        SAME_PLACE_METRES,
        5,
    )
    .await
    .or_page()?;
    Ok(found
        .into_iter()
        .map(|m| Card::new(m, state.time_zone()))
        .collect())
}

/// Whether the person is identified enough for a 59-FZ appeal (547-FZ): a
/// confirmed e-mail address, which a state ID sign-in also gives.
fn identified(user: &User) -> bool {
    user.email_confirmed_at.is_some()
}
