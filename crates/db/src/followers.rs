//! Residents who follow a message besides its author: they pressed «меня
//! это тоже касается», or their own message was merged into it as a
//! duplicate. They hear of its progress, not of what only the author does.

use chrono::{DateTime, Utc};

use crate::{Conn, DbError, Sql};

/// The notices followers get too; clarification requests and the like are
/// the author's alone.
pub const SHARED_NEWS: [&str; 6] = [
    "routed",
    "redirected",
    "interim_answer",
    "answered",
    "extended",
    "closed",
];

pub async fn follow(
    conn: &mut Conn<'_>,
    message_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO message_followers (message_id, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (message_id, user_id) DO NOTHING",
    )
    .bind(message_id)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn unfollow(conn: &mut Conn<'_>, message_id: i64, user_id: i64) -> Result<(), DbError> {
    Sql::new("DELETE FROM message_followers WHERE message_id = $1 AND user_id = $2")
        .bind(message_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn is_following(
    conn: &mut Conn<'_>,
    message_id: i64,
    user_id: i64,
) -> Result<bool, DbError> {
    let n: i64 =
        Sql::new("SELECT COUNT(*) FROM message_followers WHERE message_id = $1 AND user_id = $2")
            .bind(message_id)
            .bind(user_id)
            .scalar(conn)
            .await?;
    Ok(n > 0)
}

pub async fn count(conn: &mut Conn<'_>, message_id: i64) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM message_followers WHERE message_id = $1")
        .bind(message_id)
        .scalar(conn)
        .await
}

/// Everyone following, the author aside.
pub async fn of(conn: &mut Conn<'_>, message_id: i64) -> Result<Vec<i64>, DbError> {
    Sql::new(
        "SELECT f.user_id FROM message_followers f JOIN messages m ON m.id = f.message_id \
         WHERE f.message_id = $1 AND (m.author_id IS NULL OR f.user_id <> m.author_id) ORDER BY f.user_id",
    )
    .bind(message_id)
    .scalars(conn)
    .await
}

/// A duplicate's author and followers now follow the original.
pub async fn merge_into(
    conn: &mut Conn<'_>,
    duplicate: i64,
    original: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO message_followers (message_id, user_id, created_at) \
         SELECT $1, user_id, $2 FROM message_followers WHERE message_id = $3 \
         ON CONFLICT (message_id, user_id) DO NOTHING",
    )
    .bind(original)
    .bind(now)
    .bind(duplicate)
    .execute(conn)
    .await?;
    Sql::new(
        "INSERT INTO message_followers (message_id, user_id, created_at) \
         SELECT $1, author_id, $2 FROM messages WHERE id = $3 AND author_id IS NOT NULL \
         ON CONFLICT (message_id, user_id) DO NOTHING",
    )
    .bind(original)
    .bind(now)
    .bind(duplicate)
    .execute(conn)
    .await?;
    Ok(())
}
