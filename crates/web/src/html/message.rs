use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::messages::{self, Visibility};
use vmeste_db::{events, followers};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::privacy::{public_address, public_text};

use super::view::{local_time, status_label};
use super::{Layout, error_page, form, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::case_form::{self, CommandForm};
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::event_label;
use crate::principal::Principal;
use crate::rate_limit::ClientIp;
use axum::extract::Form;
use vmeste_db::cases::{self, CaseError};
use vmeste_db::users::User;
use vmeste_domain::case::{Command, Who, decide};

struct HistoryItem {
    /// The event's id, its anchor on the page (`#event-7`): an answer's link.
    id: i64,
    at: String,
    at_iso: String,
    label: String,
    comment: Option<String>,
}

struct MessagePage {
    id: i64,
    number: String,
    topic: String,
    category: String,
    status: &'static str,
    status_class: String,
    organisation: String,
    territory: String,
    address: String,
    coordinates: String,
    created: String,
    created_iso: String,
    due: String,
    remaining: String,
    text: Option<String>,
    /// Ids of the message's photos, shown with its text.
    photos: Vec<i64>,
    history: Vec<HistoryItem>,
}

/// What the author may do on their own message's page.
struct Feedback {
    csrf: String,
    /// The answer's documents sent to the author.
    files: Vec<super::case::FileLine>,
    actions: Vec<&'static str>,
    error: Option<String>,
}

impl Feedback {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

/// «Меня это тоже касается»: another resident follows the message.
struct Follow {
    csrf: String,
    following: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
struct Page {
    layout: Layout,
    m: MessagePage,
    feedback: Option<Feedback>,
    /// Residents who follow it besides the author.
    supporters: i64,
    follow: Option<Follow>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    csrf: Csrf,
    Path(id): Path<String>,
) -> Response {
    let result = match id.parse::<i64>() {
        Ok(id) => load(&state, user.as_ref(), &csrf, id, None).await,
        Err(_) => Err(PageError::NotFound),
    };
    respond(&state, &csrf, result, StatusCode::OK)
}

fn respond(
    state: &AppState,
    csrf: &Csrf,
    page: Result<Page, PageError>,
    status: StatusCode,
) -> Response {
    match page {
        Ok(page) if page.feedback.is_some() || page.follow.is_some() => {
            form::page(status, &page, csrf)
        }
        Ok(page) => render(status, &page),
        Err(e) => error_page(state, &e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct FollowForm {
    csrf: Option<String>,
    follow: Option<String>,
}

/// Follows a published open message (or stops following it).
pub async fn follow(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    Form(form): Form<FollowForm>,
) -> Response {
    let result = async {
        let user = user.ok_or(PageError::Forbidden)?;
        let back = format!("/messages/{id}");
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return Ok(form::see_other(&back));
        }
        let follow = form.follow.as_deref() != Some("no");
        match crate::following::set(&state, user.id, id, follow).await {
            Ok(()) => {}
            Err(crate::following::FollowError::NotFound) => return Err(PageError::NotFound),
            Err(crate::following::FollowError::Db(e)) => return Err(e).or_page(),
        }
        Ok(form::see_other(&back))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// The author's rating, dispute or clarification.
pub async fn feedback(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<CommandForm>,
) -> Response {
    let case = async {
        let mut handle = state.db().read().await?;
        cases::get(&mut handle.conn(), id).await
    }
    .await;
    let case = match case.or_page() {
        Ok(Some(case)) if who.user_id().is_some() && case.author_id == who.user_id() => case,
        Ok(Some(_)) => return error_page(&state, &PageError::Forbidden),
        Ok(None) => return error_page(&state, &PageError::NotFound),
        Err(e) => return error_page(&state, &e),
    };
    let outcome: Result<(), String> = if csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        match form.command() {
            Ok(
                command @ (Command::Rate { .. }
                | Command::Dispute { .. }
                | Command::ProvideClarification { .. }),
            ) => match case_form::run(&state, &who, &client, &case, &command).await {
                Ok(_) => Ok(()),
                Err(CaseError::Refused(r)) => Err(r.message_ru().to_owned()),
                Err(e) => {
                    tracing::error!(error = %e, "feedback failed");
                    return error_page(&state, &PageError::Internal);
                }
            },
            Ok(_) => return error_page(&state, &PageError::Forbidden),
            Err(p) => Err(p.message),
        }
    } else {
        Err(crate::i18n::current().t("form-stale"))
    };
    match outcome {
        Ok(()) => form::see_other(&format!("/messages/{id}")),
        Err(message) => {
            let page = load(&state, who.user.as_ref(), &csrf, id, Some(message)).await;
            respond(&state, &csrf, page, StatusCode::CONFLICT)
        }
    }
}

async fn load(
    state: &AppState,
    user: Option<&User>,
    csrf: &Csrf,
    id: i64,
    error: Option<String>,
) -> Result<Page, PageError> {
    let tz = state.time_zone();
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let view = messages::get(&mut conn, id)
        .await
        .or_page()?
        .ok_or(PageError::NotFound)?;
    let visibility = view.public_visibility();
    let is_author = user.is_some_and(|u| Some(u.id) == view.author_id);
    if visibility == Visibility::Hidden && !is_author {
        return Err(PageError::NotFound);
    }
    let history = events::for_message(&mut conn, id, true).await.or_page()?;
    let calendar = state.calendar(&mut conn).await.or_page()?;
    let photos = if is_author || visibility == Visibility::Published {
        vmeste_db::attachments::photos(&mut conn, id)
            .await
            .or_page()?
            .into_iter()
            .map(|p| p.id)
            .collect()
    } else {
        Vec::new()
    };
    let status = view.status().or_page()?;
    let remaining = match (view.due_date, DeadlineKind::parse(&view.deadline_kind)) {
        (Some(due), Some(kind)) if status.is_open() => crate::i18n::remaining_label(
            crate::i18n::current(),
            deadline::remaining(state.clock().now(), due, tz, kind, &calendar),
        ),
        _ => String::new(),
    };
    let feedback = if is_author {
        let case = cases::get(&mut conn, id)
            .await
            .or_page()?
            .ok_or(PageError::NotFound)?;
        let facts = case.facts(tz).or_page()?;
        let today = state.clock().now().with_timezone(&tz).date_naive();
        let author = Who {
            author: true,
            ..Who::default()
        };
        let samples = [
            Command::Rate {
                score: 5,
                resolved: true,
            },
            Command::Dispute {
                reason: "…".into()
            },
            Command::ProvideClarification { text: "…".into() },
        ];
        let files = vmeste_db::attachments::for_message(&mut conn, id, true)
            .await
            .or_page()?
            .into_iter()
            .map(super::case::FileLine::from)
            .collect();
        Some(Feedback {
            csrf: csrf.token.clone(),
            files,
            actions: samples
                .iter()
                .filter(|c| decide(author, c, &facts, today).is_ok())
                .map(Command::name)
                .collect(),
            error,
        })
    } else {
        None
    };
    let supporters = followers::count(&mut conn, id).await.or_page()?;
    let follow = match user {
        Some(u) if !is_author && visibility == Visibility::Published && status.is_open() => {
            Some(Follow {
                csrf: csrf.token.clone(),
                following: followers::is_following(&mut conn, id, u.id)
                    .await
                    .or_page()?,
            })
        }
        _ => None,
    };
    Ok(Page {
        feedback,
        supporters,
        follow,
        layout: Layout::new(state, user),
        m: MessagePage {
            id: view.id,
            status: status_label(&view.status),
            status_class: view.status,
            number: view.number,
            topic: view.topic_name_ru,
            category: view.category_name_ru,
            organisation: view.organisation_name_ru.unwrap_or_default(),
            territory: view.territory_name_ru.unwrap_or_default(),
            address: view
                .address
                .as_deref()
                .map(public_address)
                .unwrap_or_default(),
            coordinates: format!("{:.5}, {:.5}", view.lat, view.lon),
            created: local_time(view.created_at, tz),
            created_iso: view.created_at.to_rfc3339(),
            due: view
                .due_date
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default(),
            remaining,
            text: if is_author {
                Some(view.text.clone())
            } else {
                (visibility == Visibility::Published).then(|| public_text(&view.text))
            },
            photos,
            history: history
                .into_iter()
                .map(|e| HistoryItem {
                    id: e.id,
                    at: local_time(e.at, tz),
                    at_iso: e.at.to_rfc3339(),
                    label: event_label(crate::i18n::current(), &e.action),
                    comment: e.comment.as_deref().map(public_text),
                })
                .collect(),
        },
    })
}
