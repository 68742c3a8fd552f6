//! `GET /api/v1/messages/{id}/history`: a message's history. The public and
//! the author see its public steps; the staff who handle the case see every
//! step and the internal comments, and each such look is audited, as on the
//! case's page.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_db::Conn;
use vmeste_db::messages::{self, MessageView, Visibility};
use vmeste_db::{audit, cases, events};
use vmeste_domain::access::Permission;

use super::extract::Path;
use super::messages::EventOut;
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;
use crate::rate_limit::ClientIp;

/// A staff member's note on a case, never shown to the resident.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CommentOut {
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryOut {
    /// Oldest first.
    pub events: Vec<EventOut>,
    /// For the case's staff only; empty for everyone else.
    pub comments: Vec<CommentOut>,
}

pub(super) fn not_found(lang: Lang, id: i64) -> Problem {
    Problem::new(lang, StatusCode::NOT_FOUND, "not_found").detail(match lang {
        Lang::Ru => format!("Сообщения {id} нет или оно не публикуется."),
        Lang::En => format!("Message {id} does not exist or is not public."),
    })
}

/// A message and how the caller stands to it.
pub(super) struct Standing {
    pub view: MessageView,
    pub organisation_id: Option<i64>,
    /// Staff handling it (its organisation's, or the moderators).
    pub handler: bool,
    pub author: bool,
}

/// The message and the caller's standing to it; `404` where the caller may
/// not see it at all.
pub(super) async fn standing(
    conn: &mut Conn<'_>,
    state: &AppState,
    who: &Principal,
    lang: Lang,
    id: i64,
) -> Result<Standing, Problem> {
    let (Some(view), Some(case)) = (
        messages::get(conn, id).await.or_500(lang)?,
        cases::get(conn, id).await.or_500(lang)?,
    ) else {
        return Err(not_found(lang, id));
    };
    let org = case.organisation_id;
    let handler = who.allows(state, Permission::ViewPersonalData, org)
        || who.allows(state, Permission::Moderate, org);
    let author = who.user_id().is_some() && who.user_id() == case.author_id;
    if !(handler || author || view.public_visibility() != Visibility::Hidden) {
        return Err(not_found(lang, id));
    }
    Ok(Standing {
        view,
        organisation_id: org,
        handler,
        author,
    })
}

/// A message's history
#[utoipa::path(
    get,
    path = "/api/v1/messages/{id}/history",
    tag = "messages",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "Its history", body = HistoryOut),
        (status = 404, description = "No such message, or not visible to the caller"),
    ),
    security((), ("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<axum::Json<HistoryOut>, Problem> {
    let mut handle = state.db().read().await.or_500(lang)?;
    let Standing {
        organisation_id: org,
        handler,
        ..
    } = standing(&mut handle.conn(), &state, &who, lang, id).await?;
    let history = events::for_message(&mut handle.conn(), id, !handler)
        .await
        .or_500(lang)?;
    let comments = if handler {
        cases::comments(&mut handle.conn(), id).await.or_500(lang)?
    } else {
        Vec::new()
    };
    drop(handle);
    if handler {
        let mut tx = state.db().write().await.or_500(lang)?;
        who.audit(
            &mut tx.conn(),
            &state,
            audit::Entry {
                action: "message.view_personal_data",
                object_kind: "message",
                object_id: Some(id),
                organisation_id: org,
                ip: Some(&client.to_string()),
                ..audit::Entry::default()
            },
        )
        .await
        .or_500(lang)?;
        tx.commit().await.or_500(lang)?;
    }
    Ok(axum::Json(HistoryOut {
        events: history
            .into_iter()
            .map(|e| EventOut::new(lang, e, !handler))
            .collect(),
        comments: comments
            .into_iter()
            .map(|c| CommentOut {
                at: c.at,
                author: c.author_name,
                text: c.text,
            })
            .collect(),
    }))
}
