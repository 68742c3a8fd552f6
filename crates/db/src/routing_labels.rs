//! What the classifier learns from: each message's topic and organisation as
//! staff settled them (one labelled example per message, corrected in place),
//! and what the model had suggested for it, so a decision can be told a
//! confirmation or a correction.

use chrono::{DateTime, Utc};

use vmeste_domain::status::MessageStatus;

use crate::{Arg, Conn, DbError, Sql, many_rows};

/// The staff's decision agreed with the model's top suggestion.
pub const CONFIRMED: &str = "confirmed";
/// The staff chose another topic or organisation than the model.
pub const CORRECTED: &str = "corrected";
/// No model was active when the message came in.
pub const UNSUGGESTED: &str = "unsuggested";
/// A demo message's own topic and organisation.
pub const DEMO: &str = "demo";
/// Not a label: an answered message, which confirms its topic and organisation.
pub const ANSWERED: &str = "answered";

/// The model's top suggestion for a message at intake.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Shown {
    pub model_id: i64,
    pub topic_id: Option<i64>,
    pub topic_confidence: f64,
    pub organisation_id: Option<i64>,
    pub auto_routed: bool,
}

/// Keeps what the model suggested for each message, in one statement.
pub async fn record_shown(
    conn: &mut Conn<'_>,
    shown: &[(i64, Shown)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let rows = shown
        .iter()
        .map(|(message_id, shown)| {
            vec![
                Arg::from(*message_id),
                shown.model_id.into(),
                shown.topic_id.into(),
                shown.topic_confidence.into(),
                shown.organisation_id.into(),
                shown.auto_routed.into(),
                now.into(),
            ]
        })
        .collect();
    many_rows::insert(
        conn,
        "INSERT INTO routing_suggestions (message_id, model_id, topic_id, topic_confidence, \
         organisation_id, auto_routed, created_at) VALUES ",
        "({}, {}, {}, {}, {}, {}, {})",
        rows,
    )
    .await
}

pub async fn shown(conn: &mut Conn<'_>, message_id: i64) -> Result<Option<Shown>, DbError> {
    Sql::new(
        "SELECT model_id, topic_id, topic_confidence, organisation_id, auto_routed \
         FROM routing_suggestions WHERE message_id = $1",
    )
    .bind(message_id)
    .fetch_optional(conn)
    .await
}

/// A message's settled topic and organisation.
pub struct Decision {
    pub message_id: i64,
    pub topic_id: i64,
    pub organisation_id: Option<i64>,
    pub by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Records a moderator's routing of a message as its labelled example,
/// with the message's text as the moderator saw it.
pub async fn routed(conn: &mut Conn<'_>, decision: &Decision) -> Result<(), DbError> {
    let verdict = match shown(conn, decision.message_id).await? {
        Some(s)
            if s.topic_id == Some(decision.topic_id)
                && s.organisation_id == decision.organisation_id =>
        {
            CONFIRMED
        }
        Some(_) => CORRECTED,
        None => UNSUGGESTED,
    };
    upsert(conn, decision, verdict).await
}

/// Records a later change of a message's topic or organisation (a redirect,
/// a moderator's correction) as a correction of its label.
pub async fn corrected(conn: &mut Conn<'_>, decision: &Decision) -> Result<(), DbError> {
    upsert(conn, decision, CORRECTED).await
}

/// Writes a label; one per message, the latest decision wins.
pub async fn upsert(
    conn: &mut Conn<'_>,
    decision: &Decision,
    verdict: &str,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO routing_examples (message_id, text, topic_id, organisation_id, verdict, \
         labelled_by, labelled_at) SELECT id, text, $2, $3, $4, $5, $6 FROM messages WHERE id = $1 \
         ON CONFLICT (message_id) DO UPDATE SET text = excluded.text, topic_id = excluded.topic_id, \
         organisation_id = excluded.organisation_id, verdict = excluded.verdict, \
         labelled_by = excluded.labelled_by, labelled_at = excluded.labelled_at",
    )
    .bind(decision.message_id)
    .bind(decision.topic_id)
    .bind(decision.organisation_id)
    .bind(verdict)
    .bind(decision.by)
    .bind(decision.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A labelled example as training reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Label {
    pub message_id: i64,
    pub text: String,
    pub topic_id: i64,
    pub organisation_id: Option<i64>,
    pub verdict: String,
    /// When staff settled it: the classifier learns who got such messages when.
    pub labelled_at: DateTime<Utc>,
}

/// A [`Label`]'s columns.
const LABEL: &str = "SELECT message_id, text, topic_id, organisation_id, verdict, labelled_at FROM routing_examples";

/// Every label, oldest first (a stable order keeps the held-out split stable).
pub async fn all(conn: &mut Conn<'_>) -> Result<Vec<Label>, DbError> {
    Sql::new(format!("{LABEL} ORDER BY id"))
        .fetch_all(conn)
        .await
}

/// What the classifier learns from, oldest first: every label staff made,
/// and every answered message nobody labelled (its organisation answered it
/// under its topic, which confirms both), at the moment of its first answer.
pub async fn history(conn: &mut Conn<'_>) -> Result<Vec<Label>, DbError> {
    Sql::new(
        "SELECT message_id, text, topic_id, organisation_id, verdict, labelled_at FROM (
           SELECT message_id, text, topic_id, organisation_id, verdict, labelled_at, id AS seq
             FROM routing_examples
           UNION ALL
           SELECT m.id, m.text, m.topic_id, m.organisation_id, $1, e.at, e.id
             FROM messages m JOIN message_events e ON e.message_id = m.id
            WHERE e.to_status = $1 AND m.organisation_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM routing_examples r WHERE r.message_id = m.id)
              AND NOT EXISTS (SELECT 1 FROM message_events earlier
                               WHERE earlier.message_id = m.id AND earlier.to_status = $1
                                 AND earlier.id < e.id)
         ) h ORDER BY labelled_at, seq",
    )
    .bind(MessageStatus::Answered.as_str())
    .bind(ANSWERED)
    .fetch_all(conn)
    .await
}

pub async fn for_message(conn: &mut Conn<'_>, message_id: i64) -> Result<Option<Label>, DbError> {
    Sql::new(format!("{LABEL} WHERE message_id = $1"))
        .bind(message_id)
        .fetch_optional(conn)
        .await
}

/// Labels made or changed after a moment (since the active model was trained).
pub async fn count_since(conn: &mut Conn<'_>, since: DateTime<Utc>) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM routing_examples WHERE labelled_at > $1")
        .bind(since)
        .scalar(conn)
        .await
}

pub async fn count(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM routing_examples")
        .scalar(conn)
        .await
}
