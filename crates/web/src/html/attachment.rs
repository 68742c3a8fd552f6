//! Downloading a message's file: the staff who handle the message see all of
//! its files; its author sees the answer's documents once they were sent.
//! Anyone else gets "not found", so the address tells nothing.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use vmeste_db::{attachments, cases};
use vmeste_domain::access::Permission;

use super::error_page;
use crate::AppState;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;

pub async fn download(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let (file, case) = {
            let mut handle = state.db().read().await.or_page()?;
            let file = attachments::get(&mut handle.conn(), id)
                .await
                .or_page()?
                .ok_or(PageError::NotFound)?;
            let case = cases::get(&mut handle.conn(), file.message_id)
                .await
                .or_page()?
                .ok_or(PageError::NotFound)?;
            (file, case)
        };
        let org = case.organisation_id;
        let handler = who.allows(&state, Permission::ViewPersonalData, org)
            || who.allows(&state, Permission::Moderate, org);
        let author = who.user_id().is_some() && who.user_id() == case.author_id;
        if !(handler || (author && file.published())) {
            return Err(PageError::NotFound);
        }
        let bytes = match state.storage().get(&file.storage_key).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                tracing::error!(key = %file.storage_key, "a recorded file is missing from storage");
                return Err(PageError::NotFound);
            }
            Err(e) => {
                tracing::error!(error = %e, "reading a file from storage failed");
                return Err(PageError::Internal);
            }
        };
        let disposition = format!(
            "attachment; filename*=UTF-8''{}",
            utf8_percent_encode(&file.filename, NON_ALPHANUMERIC)
        );
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        for (name, value) in [
            (header::CONTENT_TYPE, file.content_type.as_str()),
            (header::CONTENT_DISPOSITION, disposition.as_str()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
