//! `/api/v1/messages/{id}/attachments`: a message's files. Its author adds
//! photos while the message is open (checked and cleaned as on the report
//! form: content sniffed, size and pixel limits, metadata stripped); the
//! staff who answer it add documents, sent to the author with the next
//! answer. The public sees the photos of a published message; the author
//! also the documents sent; the case's staff everything.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_db::attachments::{self, Attachment};
use vmeste_db::messages::Visibility;
use vmeste_db::{audit, cases};
use vmeste_domain::access::Permission;
use vmeste_domain::status::MessageStatus;

use super::extract::Path;
use super::history::{Standing, not_found, standing};
use crate::AppState;
use crate::case_form;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::photos::{self, MAX_PHOTOS, PhotoError};
use crate::principal::Principal;
use crate::problem::{Problem, ProblemField};
use crate::rate_limit::ClientIp;
use crate::upload::{self, MAX_FILES, RawFile};

/// A file of a message.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    /// `photo` (the resident's), or `answer` (a document of the answer).
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// A document: sent to the author with the answer (else waiting for
    /// it). A photo: always.
    pub published: bool,
    pub created_at: DateTime<Utc>,
    /// Where to download it; a photo also as `?size=thumb` or `?size=medium`.
    pub url: String,
}

impl From<Attachment> for AttachmentOut {
    fn from(a: Attachment) -> Self {
        let photo = a.purpose == attachments::PHOTO;
        Self {
            url: if photo {
                format!("/photos/{}", a.id)
            } else {
                format!("/attachments/{}", a.id)
            },
            published: photo || a.published(),
            id: a.id,
            kind: a.purpose,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AttachmentsOut {
    pub items: Vec<AttachmentOut>,
}

/// The files sent: one or more `file` parts.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Describes the multipart form in the OpenAPI document only.
pub struct UploadForm {
    #[schema(content_media_type = "application/octet-stream")]
    file: Vec<String>,
}

/// A message's files
#[utoipa::path(
    get,
    path = "/api/v1/messages/{id}/attachments",
    tag = "attachments",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The files the caller may see", body = AttachmentsOut),
        (status = 404, description = "No such message, or not visible to the caller"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<AttachmentsOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let Standing {
        view,
        handler,
        author,
        ..
    } = standing(&mut handle.conn(), &state, &who, lang, id).await?;
    let visibility = view.public_visibility();
    let mut items = if handler || author || visibility == Visibility::Published {
        attachments::photos(&mut handle.conn(), id)
            .await
            .or_500(lang)?
    } else {
        Vec::new()
    };
    if handler || author {
        items.extend(
            attachments::for_message(&mut handle.conn(), id, !handler)
                .await
                .or_500(lang)?,
        );
    }
    Ok(axum::Json(AttachmentsOut {
        items: items.into_iter().map(AttachmentOut::from).collect(),
    }))
}

/// Add files to a message
///
/// Multipart, one or more `file` parts. The author adds photos (JPEG, PNG
/// or WebP; at most 5 per message, 10 MB each; stored re-encoded, without
/// metadata) while the message is open. The staff who answer it add
/// documents (PDF, DOCX, ODT or images), sent with the next answer.
#[utoipa::path(
    post,
    path = "/api/v1/messages/{id}/attachments",
    tag = "attachments",
    params(("id" = i64, Path, description = "The message's id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The files added", body = AttachmentsOut),
        (status = 403, description = "Neither the author nor staff who answer it"),
        (status = 404, description = "No such message"),
        (status = 409, description = "The message is closed"),
        (status = 413, description = "Larger than allowed"),
        (status = 422, description = "Files that are not accepted, each named"),
    ),
    security(("session" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    client: ClientIp,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, Problem> {
    let case = {
        let mut handle = state.db().read().await.or_500(lang)?;
        cases::get(&mut handle.conn(), id).await.or_500(lang)?
    };
    let case = case.ok_or_else(|| not_found(lang, id))?;
    let author = who.user_id().is_some() && who.user_id() == case.author_id;
    let staff = who.allows(&state, Permission::Answer, case.organisation_id);
    if !(author || staff) {
        return Err(Problem::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let files = read_files(lang, form).await?;
    let ids = if author {
        add_photos(&state, lang, &who, &case, files).await?
    } else {
        add_documents(&state, lang, &who, &client, &case, files).await?
    };
    let mut handle = state.db().read().await.or_500(lang)?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(a) = attachments::get(&mut handle.conn(), id)
            .await
            .or_500(lang)?
        {
            items.push(AttachmentOut::from(a));
        }
    }
    Ok((StatusCode::CREATED, axum::Json(AttachmentsOut { items })).into_response())
}

fn file_problem(lang: Lang, code: &'static str, message: String) -> Problem {
    let mut problem = Problem::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    problem.errors.push(ProblemField {
        field: "file".to_owned(),
        code,
        message,
        limit: None,
    });
    problem
}

/// The files of the form, at most [`MAX_FILES`].
async fn read_files(
    lang: Lang,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Vec<RawFile>, Problem> {
    let mut form = form.map_err(|_| {
        Problem::new(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .detail(match lang {
            Lang::Ru => "Отправьте файлы как multipart/form-data, в полях file.",
            Lang::En => "Send the files as multipart/form-data, in file fields.",
        })
    })?;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if upload::exceeds_limit(&e) {
            Problem::new(lang, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        } else {
            Problem::new(lang, StatusCode::BAD_REQUEST, "malformed_request").detail(e.body_text())
        }
    };
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let Some(filename) = field.file_name().map(ToOwned::to_owned) else {
            continue;
        };
        let bytes = field.bytes().await.map_err(unreadable)?;
        if bytes.is_empty() {
            continue;
        }
        if files.len() == MAX_FILES {
            let message = PhotoError::TooMany.message(lang);
            return Err(file_problem(lang, "too_many", message));
        }
        files.push(RawFile {
            filename,
            bytes: bytes.to_vec(),
        });
    }
    if files.is_empty() {
        let message = lang.t("error-required");
        return Err(file_problem(lang, "required", message));
    }
    Ok(files)
}

async fn add_photos(
    state: &AppState,
    lang: Lang,
    who: &Principal,
    case: &cases::Case,
    files: Vec<RawFile>,
) -> Result<Vec<i64>, Problem> {
    if !case.status().is_ok_and(MessageStatus::is_open) {
        return Err(Problem::new(lang, StatusCode::CONFLICT, "message_closed"));
    }
    let already = {
        let mut handle = state.db().read().await.or_500(lang)?;
        attachments::photos(&mut handle.conn(), case.id)
            .await
            .or_500(lang)?
            .len()
    };
    if already + files.len() > MAX_PHOTOS {
        let message = PhotoError::TooMany.message(lang);
        return Err(file_problem(lang, "too_many", message));
    }
    let accepted = tokio::task::spawn_blocking(move || photos::accept_all(&files))
        .await
        .or_500(lang)?;
    let photos = accepted.map_err(|e| file_problem(lang, "not_accepted", e.message(lang)))?;
    let jpegs = photos
        .into_iter()
        .map(|p| (uuid::Uuid::new_v4().to_string(), p.jpeg))
        .collect();
    photos::store(state, case.id, who.user_id(), jpegs)
        .await
        .or_500(lang)
}

async fn add_documents(
    state: &AppState,
    lang: Lang,
    who: &Principal,
    client: &ClientIp,
    case: &cases::Case,
    files: Vec<RawFile>,
) -> Result<Vec<i64>, Problem> {
    let documents =
        upload::documents(files).map_err(|why| file_problem(lang, "not_accepted", why))?;
    let stored = case_form::store_documents(state, case.id, documents)
        .await
        .or_500(lang)?;
    let recorded = async {
        let mut tx = state.db().write().await?;
        let ids = case_form::record_documents(
            &mut tx.conn(),
            case.id,
            who.user_id(),
            &stored,
            state.clock().now(),
        )
        .await?;
        let entry = audit::Entry {
            action: "message.attach_documents",
            object_kind: "message",
            object_id: Some(case.id),
            organisation_id: case.organisation_id,
            ..audit::Entry::default()
        };
        who.commit_audited(state, tx, client, entry).await?;
        Ok::<_, vmeste_db::DbError>(ids)
    }
    .await;
    if recorded.is_err() {
        case_form::forget_documents(state, &stored).await;
    }
    recorded.or_500(lang)
}
