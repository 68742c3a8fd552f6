//! `POST` and `DELETE /api/v1/messages/{id}/follow`: «меня это тоже
//! касается» — a resident follows another's published open message, and
//! hears of its progress; or stops.

use axum::extract::State;
use serde::Serialize;
use vmeste_db::followers;

use super::extract::Path;
use super::history::not_found;
use crate::AppState;
use crate::error::OrInternal;
use crate::following::{self, FollowError};
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FollowOut {
    pub following: bool,
    /// Residents who follow it besides its author.
    pub followers: i64,
}

async fn set(
    state: &AppState,
    lang: Lang,
    who: &Principal,
    id: i64,
    follow: bool,
) -> Result<axum::Json<FollowOut>, Problem> {
    let Some(user) = &who.user else {
        return Err(Problem::new(
            lang,
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
        ));
    };
    match following::set(state, user.id, id, follow).await {
        Ok(()) => {}
        Err(FollowError::NotFound) => return Err(not_found(lang, id)),
        Err(FollowError::Db(e)) => return Err(e).or_500(lang),
    }
    let mut handle = state.db().read().await.or_500(lang)?;
    let followers = followers::count(&mut handle.conn(), id)
        .await
        .or_500(lang)?;
    Ok(axum::Json(FollowOut {
        following: follow,
        followers,
    }))
}

/// Follow a message
///
/// A published open message that is not the caller's own; following twice
/// is harmless.
#[utoipa::path(
    post,
    path = "/api/v1/messages/{id}/follow",
    tag = "messages",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "Followed", body = FollowOut),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such message, or not one to follow"),
    ),
    security(("session" = [])),
)]
pub async fn follow(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<FollowOut>, Problem> {
    set(&state, lang, &who, id, true).await
}

/// Stop following a message
#[utoipa::path(
    delete,
    path = "/api/v1/messages/{id}/follow",
    tag = "messages",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "No longer followed", body = FollowOut),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such message, or not one to follow"),
    ),
    security(("session" = [])),
)]
pub async fn unfollow(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<FollowOut>, Problem> {
    set(&state, lang, &who, id, false).await
}
