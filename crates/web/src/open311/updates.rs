//! The update feed, FixMyStreet's extension (`servicerequestupdates.{fmt}`):
//! every public change of the requests the public may see, in a window of
//! time, newest first.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vmeste_db::events;
use vmeste_domain::privacy::public_text;
use vmeste_domain::status::MessageStatus;

use super::model::RequestUpdate;
use super::window::bounds;
use super::{
    Format, check_jurisdiction, datetime, error, internal, listed, parse_query, wire_status,
};
use crate::AppState;
use crate::i18n::{self, Lang};

#[derive(Debug, Default, Deserialize)]
struct FeedQuery {
    jurisdiction_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
}

pub(super) async fn feed(state: &AppState, lang: Lang, format: Format, query: &str) -> Response {
    let asked: FeedQuery = match parse_query(lang, format, query) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    if let Err(refused) = check_jurisdiction(state, lang, format, asked.jurisdiction_id.as_deref())
    {
        return refused.into_response();
    }
    let refuse = |id: &str| error(format, StatusCode::BAD_REQUEST, lang.t(id));
    let (span, (offset, limit)) = match bounds(
        state.clock().now(),
        state.time_zone(),
        (asked.start_date.as_deref(), asked.end_date.as_deref()),
        (asked.page.as_deref(), asked.page_size.as_deref()),
    ) {
        Ok(bounds) => bounds,
        Err(id) => return refuse(id),
    };
    let found = async {
        let mut handle = state.db().read().await?;
        events::public_feed(&mut handle.conn(), span, offset, limit).await
    }
    .await;
    match found {
        Ok(found) => {
            let updates = found
                .into_iter()
                .map(|e| RequestUpdate {
                    update_id: e.id.to_string(),
                    service_request_id: e.message_id.to_string(),
                    status: wire_status(MessageStatus::parse(&e.to_status)).to_owned(),
                    updated_datetime: datetime(state, e.at),
                    description: Some(
                        e.comment
                            .as_deref()
                            .map_or_else(|| i18n::event_label(lang, &e.action), public_text),
                    ),
                    media_url: None,
                })
                .collect();
            listed(format, StatusCode::OK, "service_request_updates", updates)
        }
        Err(e) => internal(format, lang, &e),
    }
}
