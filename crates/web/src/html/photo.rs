//! A message's photos, in three sizes: open to everyone once the message is
//! published, and always to its author and the staff who handle it. A size
//! not made yet falls back to the full copy.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vmeste_db::messages::{self, Visibility};
use vmeste_db::{attachments, cases};
use vmeste_domain::access::Permission;

use super::error_page;
use crate::AppState;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;

#[derive(Debug, Default, Deserialize)]
pub struct Size {
    /// `thumb`, `medium`, or the full copy when absent.
    size: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Query(q): Query<Size>,
) -> Response {
    let result = async {
        let (photo, view, case) = {
            let mut handle = state.db().read().await.or_page()?;
            let photo = attachments::get(&mut handle.conn(), id)
                .await
                .or_page()?
                .filter(|a| a.purpose == attachments::PHOTO)
                .ok_or(PageError::NotFound)?;
            let view = messages::get(&mut handle.conn(), photo.message_id)
                .await
                .or_page()?
                .ok_or(PageError::NotFound)?;
            let case = cases::get(&mut handle.conn(), photo.message_id)
                .await
                .or_page()?
                .ok_or(PageError::NotFound)?;
            (photo, view, case)
        };
        let public = view.public_visibility() == Visibility::Published;
        let org = case.organisation_id;
        let allowed = public
            || (who.user_id().is_some() && who.user_id() == case.author_id)
            || who.allows(&state, Permission::ViewPersonalData, org)
            || who.allows(&state, Permission::Moderate, org);
        if !allowed {
            return Err(PageError::NotFound);
        }
        let sized = q
            .size
            .as_deref()
            .filter(|s| attachments::SIZES.iter().any(|(name, _)| name == s))
            .map(|s| attachments::sized_key(&photo.storage_key, s));
        let storage = state.storage();
        let bytes = match sized {
            Some(key) => match storage.get(&key).await {
                Ok(Some(bytes)) => Some(bytes),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "reading a photo failed");
                    return Err(PageError::Internal);
                }
            },
            None => None,
        };
        let bytes = match bytes {
            Some(bytes) => bytes,
            None => match storage.get(&photo.storage_key).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return Err(PageError::NotFound),
                Err(e) => {
                    tracing::error!(error = %e, "reading a photo failed");
                    return Err(PageError::Internal);
                }
            },
        };
        let cache = if public {
            "public, max-age=86400"
        } else {
            "private, max-age=3600"
        };
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
