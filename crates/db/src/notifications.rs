//! What people are told about cases: a row in the application for each, and
//! for residents who chose e-mail, a queued e-mail (the worker composes and
//! sends it). Written in the transaction of the change that causes them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::users::StaffMail;
use crate::{Conn, DbError, Sql, jobs};

/// The job kind of a case e-mail.
pub const EMAIL_JOB: &str = "case_email";

/// What a queued case e-mail is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseMail {
    pub user_id: i64,
    pub message_id: i64,
    pub kind: String,
    /// For a staff member who takes an e-mail for each notification.
    #[serde(default)]
    pub staff: bool,
}

pub async fn add(
    conn: &mut Conn<'_>,
    user_id: i64,
    message_id: Option<i64>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO notifications (user_id, message_id, kind, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(message_id)
    .bind(kind)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Tells a resident: in the application always, by e-mail if they chose it
/// and have an address.
pub async fn notify_resident(
    conn: &mut Conn<'_>,
    user_id: i64,
    message_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    notify(conn, user_id, message_id, kind, now, false).await
}

/// Tells a staff member: in the application always; by e-mail at once if
/// they chose an e-mail for each event (otherwise the daily digest).
pub async fn notify_staff(
    conn: &mut Conn<'_>,
    user_id: i64,
    message_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    notify(conn, user_id, message_id, kind, now, true).await
}

/// The in-app row, and the e-mail queued in the same transaction when the
/// person (active, with an address) chose e-mails of this audience's kind.
async fn notify(
    conn: &mut Conn<'_>,
    user_id: i64,
    message_id: i64,
    kind: &str,
    now: DateTime<Utc>,
    staff: bool,
) -> Result<(), DbError> {
    add(conn, user_id, Some(message_id), kind, now).await?;
    let choice = if staff {
        "staff_mail = $3"
    } else {
        "notify_email = $2"
    };
    let mut sql = Sql::new(format!(
        "SELECT COUNT(*) FROM users WHERE id = $1 AND email IS NOT NULL AND active = $2 AND {choice}"
    ))
    .bind(user_id)
    .bind(true);
    if staff {
        sql = sql.bind(StaffMail::Each.as_str());
    }
    let wants: i64 = sql.scalar(conn).await?;
    if wants > 0 {
        let mail = CaseMail {
            user_id,
            message_id,
            kind: kind.to_owned(),
            staff,
        };
        let payload = serde_json::to_string(&mail).map_err(|e| DbError::Config(e.to_string()))?;
        jobs::enqueue(
            conn,
            &jobs::NewJob {
                kind: EMAIL_JOB,
                payload: &payload,
                dedupe_key: None,
                run_at: now,
                max_attempts: 8,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Tells the staff who handle an organisation's cases (operators, executors, heads).
pub async fn notify_organisation(
    conn: &mut Conn<'_>,
    organisation_id: i64,
    message_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let staff: Vec<i64> = Sql::new(
        "SELECT DISTINCT user_id FROM staff_roles WHERE organisation_id = $1 AND role IN ('operator', 'executor', 'head')",
    )
    .bind(organisation_id)
    .scalars(conn)
    .await?;
    for user in staff {
        notify_staff(conn, user, message_id, kind, now).await?;
    }
    Ok(())
}

/// Tells the holders of `roles` in `organisation_id`, or anywhere with `None`.
pub async fn notify_roles(
    conn: &mut Conn<'_>,
    organisation_id: Option<i64>,
    roles: &[&str],
    message_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let list = roles
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = Sql::new(format!(
        "SELECT DISTINCT user_id FROM staff_roles WHERE role IN ({list})"
    ));
    if let Some(org) = organisation_id {
        sql = sql.push_bound(" AND organisation_id = {}", org);
    }
    for user in sql.scalars::<i64>(conn).await? {
        notify_staff(conn, user, message_id, kind, now).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub message_id: Option<i64>,
    pub number: Option<String>,
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A user's newest notifications.
pub async fn for_user(
    conn: &mut Conn<'_>,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Notification>, DbError> {
    Sql::new(
        "SELECT n.id, n.message_id, m.number, n.kind, n.created_at, n.read_at FROM notifications n \
         LEFT JOIN messages m ON m.id = n.message_id WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn mark_read(
    conn: &mut Conn<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many notifications of a kind a staff member got since a moment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestLine {
    pub user_id: i64,
    pub email: String,
    pub locale: String,
    pub kind: String,
    pub count: i64,
}

/// For the staff daily digest: unread notifications since `since`, per staff
/// member who chose the digest and per kind.
pub async fn digest_since(
    conn: &mut Conn<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<DigestLine>, DbError> {
    Sql::new(
        "SELECT n.user_id, u.email, u.locale, n.kind, COUNT(*) AS count FROM notifications n \
         JOIN users u ON u.id = n.user_id \
         WHERE n.created_at >= $1 AND n.read_at IS NULL AND u.staff_mail = $3 AND u.active = $2 \
         AND u.email IS NOT NULL \
         AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.user_id = u.id AND r.role <> 'resident') \
         GROUP BY n.user_id, u.email, u.locale, n.kind ORDER BY n.user_id, n.kind",
    )
    .bind(since)
    .bind(true)
    .bind(StaffMail::Digest.as_str())
    .fetch_all(conn)
    .await
}
