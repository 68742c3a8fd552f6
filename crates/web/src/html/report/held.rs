//! The report form's photos between its steps: new uploads are checked,
//! cleaned and held in storage; the form carries their names, so a preview
//! or a correction loses none of them.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{ReportForm, ShownError};
use crate::AppState;
use crate::drafts::{self, Held};
use crate::photos::{self, MAX_PHOTOS, Photo, PhotoError};
use crate::upload::RawFile;

pub(super) enum HeldError {
    Photo(PhotoError),
    Storage,
}

impl HeldError {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            HeldError::Photo(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HeldError::Storage => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub(super) fn shown(&self) -> ShownError {
        let lang = crate::i18n::current();
        let message = match self {
            HeldError::Photo(e) => e.message(lang),
            HeldError::Storage => lang.t("photo-storage-down"),
        };
        ShownError::new("photos", message)
    }
}

/// The photos the form holds, in order, without duplicates or bad names.
pub(super) fn of(form: &ReportForm) -> Vec<Held> {
    let mut held: Vec<Held> = Vec::new();
    for found in form.held.iter().filter_map(|raw| Held::parse(raw)) {
        if !held.contains(&found) && held.len() < MAX_PHOTOS {
            held.push(found);
        }
    }
    held
}

/// Drops the photos the resident asked to remove and holds the new ones;
/// with no place given, the first new photo's camera position becomes it.
pub(super) async fn update(
    state: &AppState,
    form: &mut ReportForm,
    files: Vec<RawFile>,
) -> Result<(), HeldError> {
    let mut held = of(form);
    for gone in std::mem::take(&mut form.remove)
        .iter()
        .filter_map(|raw| Held::parse(raw))
    {
        if let Some(i) = held.iter().position(|h| *h == gone) {
            held.remove(i);
            if let Err(e) = drafts::release(state.storage(), gone).await {
                tracing::warn!(error = %e, "dropping a held photo failed");
            }
        }
    }
    form.held = held.iter().map(ToString::to_string).collect();
    if files.is_empty() {
        return Ok(());
    }
    if held.len() + files.len() > MAX_PHOTOS {
        return Err(HeldError::Photo(PhotoError::TooMany));
    }
    let accepted = tokio::task::spawn_blocking(move || photos::accept_all(&files)).await;
    let photos = match accepted {
        Ok(Ok(photos)) => photos,
        Ok(Err(e)) => return Err(HeldError::Photo(e)),
        Err(e) => {
            tracing::error!(error = %e, "photo processing panicked");
            return Err(HeldError::Storage);
        }
    };
    place_from_photos(form, &photos);
    for photo in photos {
        let new = drafts::hold(state.storage(), photo).await.map_err(|e| {
            tracing::error!(error = %e, "holding a photo failed");
            HeldError::Storage
        })?;
        form.held.push(new.to_string());
    }
    Ok(())
}

/// With no place given, the first photo's camera position is the place.
fn place_from_photos(form: &mut ReportForm, photos: &[Photo]) {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    if blank(&form.lat)
        && blank(&form.lon)
        && blank(&form.territory_id)
        && blank(&form.address)
        && let Some((lat, lon)) = photos.iter().find_map(|p| p.gps)
    {
        form.lat = Some(format!("{lat:.6}"));
        form.lon = Some(format!("{lon:.6}"));
        form.from_photo = true;
    }
}

/// Moves the held photos to the filed message and queues their sizes.
pub(super) async fn attach(
    state: &AppState,
    message_id: i64,
    by: Option<i64>,
    held: &[String],
) -> Result<(), String> {
    let storage = state.storage();
    let mut jpegs = Vec::new();
    let mut taken = Vec::new();
    for h in held
        .iter()
        .filter_map(|raw| Held::parse(raw))
        .take(MAX_PHOTOS)
    {
        let Some(jpeg) = storage.get(&h.key()).await.map_err(|e| e.to_string())? else {
            continue;
        };
        jpegs.push((h.to_string(), jpeg));
        taken.push(h);
    }
    photos::store(state, message_id, by, jpegs).await?;
    for h in taken {
        if let Err(e) = drafts::release(storage, h).await {
            tracing::warn!(error = %e, "dropping a sent photo's draft failed");
        }
    }
    Ok(())
}

/// A held photo's small copy for the form. Its unguessable name is the key
/// to it; it is already stripped of everything but pixels.
pub async fn show(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let Some(held) = Held::parse(raw.trim_end_matches(".jpg")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let storage = state.storage();
    let found = match storage.get(&held.thumb_key()).await {
        Ok(None) => storage.get(&held.key()).await,
        other => other,
    };
    match found {
        Ok(Some(jpeg)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=86400"),
                ),
            ],
            jpeg,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a held photo failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
