//! The plain "report a problem" form: one page, no JavaScript needed. Errors
//! re-render the form with every value kept and each message by its field.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vmeste_db::intake::{IntakeError, Source};
use vmeste_db::{attachments, catalogue, messages, territories};
use vmeste_domain::validation::{FieldError, MessageInput, Place, ValidMessage, validate_message};

use super::view::{Card, Choice};
use super::with_retry_after;
use super::{Layout, error_page, form, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::{Lang, field_message};
use crate::photos::{self, Photo};
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
}

struct Group {
    label: String,
    options: Vec<Choice>,
}

struct ShownError {
    field: &'static str,
    anchor: &'static str,
    label: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    csrf: String,
    groups: Vec<Group>,
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
    /// Open messages on the same topic nearby, to join instead.
    similar: Vec<Card>,
    signed_in: bool,
    errors: Vec<ShownError>,
}

struct FoundTopic {
    id: i64,
    name: String,
    category: String,
}

/// Topics a person's plain words point to, best first: those every word
/// fits, or failing any, those some word fits.
fn find_topics(tree: &[catalogue::CategoryWithTopics], find: &str) -> Vec<FoundTopic> {
    use vmeste_routing::text;
    let query = text::query_stems(find);
    let mut all: Vec<(usize, usize, FoundTopic)> = Vec::new();
    for c in tree {
        for t in &c.topics {
            let stems = text::stems(&format!("{} {}", t.name_ru, c.category.name_ru));
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
                        name: t.name_ru.clone(),
                        category: c.category.name_ru.clone(),
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

fn field_label(field: &str) -> (&'static str, &'static str) {
    match field {
        "topic_id" => ("topic_id", "Тема"),
        "text" => ("text", "Описание"),
        "address" => ("address", "Адрес"),
        "territory_id" => ("territory_id", "Район"),
        "lat" => ("lat", "Широта"),
        "lon" => ("lon", "Долгота"),
        "csrf" => ("topic_id", "Форма"),
        "photos" => ("photos", "Фотографии"),
        _ => ("location", "Место"),
    }
}

fn shown(errors: &[FieldError]) -> Vec<ShownError> {
    errors
        .iter()
        .map(|e| {
            let (anchor, label) = field_label(e.field);
            ShownError {
                field: e.field,
                anchor,
                label,
                message: field_message(Lang::Ru, e),
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    user: Option<&User>,
    csrf: &Csrf,
    (form, find): (&ReportForm, &str),
    errors: Vec<ShownError>,
) -> Result<ReportPage, PageError> {
    let mut handle = state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let tree = catalogue::active_tree(&mut conn).await.or_page()?;
    let territories = territories::list(&mut conn).await.or_page()?;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let found = (!find.trim().is_empty()).then(|| find_topics(&tree, find));
    let chosen = form.topic_id.as_deref().and_then(|t| t.parse::<i64>().ok());
    let guidance = tree
        .iter()
        .flat_map(|c| &c.topics)
        .find(|t| Some(t.id) == chosen)
        .map(|t| t.guidance_ru.clone())
        .filter(|g| !g.is_empty());
    Ok(ReportPage {
        layout: Layout::new(state, user),
        csrf: csrf.token.clone(),
        groups: tree
            .into_iter()
            .map(|c| Group {
                label: c.category.name_ru,
                options: c
                    .topics
                    .into_iter()
                    .map(|t| Choice::new(t.id, t.name_ru, form.topic_id.as_deref()))
                    .collect(),
            })
            .collect(),
        territories: territories
            .into_iter()
            .filter(|t| t.parent_id.is_some())
            .map(|t| Choice::new(t.id, t.name_ru, form.territory_id.as_deref()))
            .collect(),
        text: value(&form.text),
        address: value(&form.address),
        lat: value(&form.lat),
        lon: value(&form.lon),
        appeal: form.appeal.is_some(),
        may_appeal: user.is_some_and(identified),
        find: find.to_owned(),
        found,
        guidance,
        similar: Vec::new(),
        signed_in: user.is_some(),
        errors,
    })
}

async fn respond(
    state: &AppState,
    user: Option<&User>,
    csrf: &Csrf,
    (form, find): (&ReportForm, &str),
    status: StatusCode,
    errors: Vec<ShownError>,
) -> Response {
    match page(state, user, csrf, (form, find), errors).await {
        Ok(page) => {
            let mut response = render(status, &page);
            if let Some((name, value)) = csrf.set_cookie() {
                response.headers_mut().insert(name, value);
            }
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(e) => error_page(state, &e),
    }
}

pub async fn form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    csrf: Csrf,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let form = ReportForm {
        topic_id: query.topic_id,
        ..ReportForm::default()
    };
    let find: String = query.find.unwrap_or_default().chars().take(100).collect();
    respond(
        &state,
        user.as_ref(),
        &csrf,
        (&form, &find),
        StatusCode::OK,
        Vec::new(),
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientIp,
    csrf: Csrf,
    form: Result<FormWithFiles<ReportForm>, Response>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(rejection) => {
            // The body is gone with the rejection: nothing typed can be kept.
            let (status, message) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "Слишком большие файлы: не больше {} фотографий по 10 МБ.",
                        photos::MAX_PHOTOS
                    ),
                )
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    "Форму не удалось прочитать: заполните её ещё раз.".to_owned(),
                )
            };
            let error = ShownError {
                field: "photos",
                anchor: "photos",
                label: "Форма",
                message,
            };
            return respond(
                &state,
                user.as_ref(),
                &csrf,
                (&ReportForm::default(), ""),
                status,
                vec![error],
            )
            .await;
        }
    };
    let FormWithFiles { form, files } = form;
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        let error = ShownError {
            field: "csrf",
            anchor: "topic_id",
            label: "Форма",
            message:
                "Форма устарела или открыта в другом окне. Проверьте данные и отправьте ещё раз."
                    .into(),
        };
        return respond(
            &state,
            user.as_ref(),
            &csrf,
            (&form, ""),
            StatusCode::FORBIDDEN,
            vec![error],
        )
        .await;
    }
    let account = user
        .as_ref()
        .map_or_else(String::new, |u| format!("user:{}", u.id));
    let limited = state
        .limiters()
        .check(Bucket::Intake, &client)
        .and_then(|()| state.limiters().check_account(Bucket::Intake, &account));
    if let Err(wait) = limited {
        let error = ShownError {
            field: "form",
            anchor: "text",
            label: "Форма",
            message: "Слишком много сообщений подряд. Подождите минуту и отправьте снова — введённое сохранено.".into(),
        };
        let response = respond(
            &state,
            user.as_ref(),
            &csrf,
            (&form, ""),
            StatusCode::TOO_MANY_REQUESTS,
            vec![error],
        )
        .await;
        return with_retry_after(response, wait);
    }
    let photos = match tokio::task::spawn_blocking(move || photos::accept_all(&files)).await {
        Ok(Ok(photos)) => photos,
        Ok(Err(e)) => {
            let error = ShownError {
                field: "photos",
                anchor: "photos",
                label: "Фотографии",
                message: format!(
                    "{} Остальное сохранено — выберите фотографии заново.",
                    e.message_ru()
                ),
            };
            return respond(
                &state,
                user.as_ref(),
                &csrf,
                (&form, ""),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
            )
            .await;
        }
        Err(e) => {
            tracing::error!(error = %e, "photo processing panicked");
            return error_page(&state, &PageError::Internal);
        }
    };
    let mut form = form;
    place_from_photos(&mut form, &photos);
    let input = MessageInput {
        topic_id: form.topic_id.clone(),
        text: form.text.clone(),
        lat: form.lat.clone(),
        lon: form.lon.clone(),
        address: form.address.clone(),
        territory_id: form.territory_id.clone(),
    };
    let appeal_author = match (&user, form.appeal.is_some()) {
        (Some(u), true) if identified(u) => Some(u.id),
        (_, true) => {
            let error = ShownError {
                field: "appeal",
                anchor: "appeal",
                label: "Обращение",
                message: "Официальное обращение может подать только пользователь с подтверждённой почтой или вошедший через Госуслуги.".into(),
            };
            return respond(
                &state,
                user.as_ref(),
                &csrf,
                (&form, ""),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
            )
            .await;
        }
        _ => None,
    };
    let result = match validate_message(&input) {
        Ok(valid) if form.confirmed.is_none() && photos.is_empty() && appeal_author.is_none() => {
            // Before a second message about the same thing, offer to join the first.
            let similar = match nearby(&state, &valid).await {
                Ok(similar) => similar,
                Err(e) => return error_page(&state, &e),
            };
            if !similar.is_empty() {
                return match page(&state, user.as_ref(), &csrf, (&form, ""), Vec::new()).await {
                    Ok(mut page) => {
                        page.similar = similar;
                        form::page(StatusCode::OK, &page, &csrf)
                    }
                    Err(e) => error_page(&state, &e),
                };
            }
            state
                .intake()
                .submit(state.db(), &valid, user.as_ref().map(|u| u.id), Source::Web)
                .await
        }
        Ok(valid) => match appeal_author {
            Some(author) => {
                state
                    .intake()
                    .submit_appeal(state.db(), &valid, author, Source::Web)
                    .await
            }
            None => {
                state
                    .intake()
                    .submit(state.db(), &valid, user.as_ref().map(|u| u.id), Source::Web)
                    .await
            }
        },
        Err(errors) => Err(IntakeError::Invalid(errors)),
    };
    match result {
        Ok(view) => {
            state.metrics().messages_submitted.inc();
            if let Err(e) = store_photos(&state, view.id, user.as_ref().map(|u| u.id), photos).await
            {
                // The message stands; its photos are lost and the log says so.
                tracing::error!(error = %e, message = view.id, "storing photos failed");
            }
            Redirect::to(&format!("/messages/{}", view.id)).into_response()
        }
        Err(IntakeError::Invalid(errors)) => {
            respond(
                &state,
                user.as_ref(),
                &csrf,
                (&form, ""),
                StatusCode::UNPROCESSABLE_ENTITY,
                shown(&errors),
            )
            .await
        }
        Err(IntakeError::Db(e)) => {
            tracing::error!(error = %e, "intake failed");
            error_page(&state, &PageError::Internal)
        }
    }
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

/// With no place given, the first photo's camera position is the place.
fn place_from_photos(form: &mut ReportForm, photos: &[Photo]) {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    if blank(&form.lat)
        && blank(&form.lon)
        && blank(&form.territory_id)
        && let Some((lat, lon)) = photos.iter().find_map(|p| p.gps)
    {
        form.lat = Some(format!("{lat:.6}"));
        form.lon = Some(format!("{lon:.6}"));
    }
}

/// Puts the photos in storage and records them with their resizing jobs.
async fn store_photos(
    state: &AppState,
    message_id: i64,
    by: Option<i64>,
    photos: Vec<Photo>,
) -> Result<(), String> {
    if photos.is_empty() {
        return Ok(());
    }
    let mut stored = Vec::with_capacity(photos.len());
    for photo in photos {
        let key = format!("messages/{message_id}/photo/{}.jpg", uuid::Uuid::new_v4());
        let size = i64::try_from(photo.jpeg.len()).unwrap_or(i64::MAX);
        state
            .storage()
            .put(&key, photo.jpeg)
            .await
            .map_err(|e| e.to_string())?;
        stored.push((key, photo.filename, size));
    }
    let now = state.clock().now();
    let record = async {
        let mut tx = state.db().write().await?;
        for (key, filename, size) in &stored {
            let id = attachments::insert(
                &mut tx.conn(),
                &attachments::NewAttachment {
                    message_id,
                    purpose: attachments::PHOTO,
                    storage_key: key,
                    filename,
                    content_type: "image/jpeg",
                    size: *size,
                    uploaded_by: by,
                },
                now,
            )
            .await?;
            attachments::enqueue_sizes(&mut tx.conn(), id, now).await?;
        }
        tx.commit().await
    };
    record.await.map_err(|e: vmeste_db::DbError| e.to_string())
}

/// Whether the person is identified enough for a 59-FZ appeal (547-FZ): a
/// confirmed e-mail address, which a state ID sign-in also gives.
fn identified(user: &User) -> bool {
    user.email_confirmed_at.is_some()
}
