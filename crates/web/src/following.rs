//! «Меня это тоже касается»: a resident follows another's published open
//! message, or stops. One rule for the page and the API.

use vmeste_db::messages::{self, Visibility};
use vmeste_db::{DbError, followers};

use crate::AppState;

/// Why a message cannot be followed: it must look absent.
#[derive(Debug)]
pub enum FollowError {
    NotFound,
    Db(DbError),
}

impl From<DbError> for FollowError {
    fn from(e: DbError) -> Self {
        Self::Db(e)
    }
}

/// Follows (or, with `follow` false, stops following) a published open
/// message that is not the resident's own.
pub async fn set(
    state: &AppState,
    user_id: i64,
    message_id: i64,
    follow: bool,
) -> Result<(), FollowError> {
    let mut tx = state.db().write().await?;
    let view = messages::get(&mut tx.conn(), message_id)
        .await?
        .ok_or(FollowError::NotFound)?;
    let open = view
        .status()
        .is_ok_and(vmeste_domain::status::MessageStatus::is_open);
    if view.public_visibility() != Visibility::Published || !open || view.author_id == Some(user_id)
    {
        return Err(FollowError::NotFound);
    }
    if follow {
        followers::follow(&mut tx.conn(), message_id, user_id, state.clock().now()).await?;
    } else {
        followers::unfollow(&mut tx.conn(), message_id, user_id).await?;
    }
    tx.commit().await?;
    Ok(())
}
