//! The periodic sweep over open cases: reminders before the due date, notice
//! of overdue cases to the organisation's heads and the regional centre,
//! closing answers whose dispute window ended, rejecting messages whose
//! clarification never came, and telling moderators of appeals still not
//! registered after 3 days. Idempotent: each reminder and notice is marked
//! on the message with the due date it was for, so a second sweep (or a
//! second node) sends nothing twice.

use serde::Serialize;
use vmeste_domain::case::{
    CaseKind, Command, RejectReason, Who, clarification_expired, registration_due,
    within_dispute_window,
};
use vmeste_domain::status::MessageStatus;

use crate::cases::{self, CaseError, Context};
use crate::{Db, DbError, Sql, counters, notifications};

/// Working on a case starts being urgent this many days before its due date.
pub const REMIND_DAYS_BEFORE: i64 = 2;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sweep {
    pub reminded: u32,
    pub overdue: u32,
    pub closed: u32,
    pub rejected: u32,
    /// Appeals not registered within 3 days, brought to the moderators.
    pub unregistered: u32,
}

const OPEN_WITH_CLOCK: &str = "('routed', 'in_progress', 'disputed')";

pub async fn sweep(db: &Db, ctx: Context<'_>) -> Result<Sweep, DbError> {
    let today = ctx.now.with_timezone(&ctx.time_zone).date_naive();
    let mut done = Sweep::default();
    let candidates: Vec<i64> = {
        let mut handle = db.read().await?;
        Sql::new(format!(
            "SELECT id FROM messages WHERE (status IN {OPEN_WITH_CLOCK} AND due_date IS NOT NULL) \
             OR status IN ('answered', 'clarification_requested') \
             OR (kind = 'appeal' AND status = 'moderation' AND reminded_for IS NULL) ORDER BY id"
        ))
        .scalars(&mut handle.conn())
        .await?
    };
    for id in candidates {
        let mut tx = db.write().await?;
        let mut conn = tx.conn();
        let Some(case) = cases::get(&mut conn, id).await? else {
            continue;
        };
        let facts = case.facts(ctx.time_zone)?;
        let system = Who {
            system: true,
            moderate: true,
            ..Who::default()
        };
        let marks: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) = {
            #[derive(sqlx::FromRow)]
            struct Marks {
                reminded_for: Option<chrono::NaiveDate>,
                overdue_for: Option<chrono::NaiveDate>,
            }
            let m: Marks = Sql::new("SELECT reminded_for, overdue_for FROM messages WHERE id = $1")
                .bind(id)
                .fetch_one(&mut conn)
                .await?;
            (m.reminded_for, m.overdue_for)
        };
        let outcome = match facts.status {
            MessageStatus::Moderation => {
                let received = case.created_at.with_timezone(&ctx.time_zone).date_naive();
                let due = registration_due(received);
                if facts.kind == CaseKind::Appeal && today > due && marks.0.is_none() {
                    notifications::notify_roles(
                        &mut conn,
                        None,
                        &["moderator"],
                        id,
                        "registration_overdue",
                        ctx.now,
                    )
                    .await?;
                    Sql::new("UPDATE messages SET reminded_for = $1 WHERE id = $2")
                        .bind(due)
                        .bind(id)
                        .execute(&mut conn)
                        .await?;
                    done.unregistered += 1;
                }
                Ok(())
            }
            MessageStatus::Answered if !within_dispute_window(&facts, today) => {
                cases::apply(&mut conn, ctx, &case, system, None, &Command::Close)
                    .await
                    .map(|_| done.closed += 1)
            }
            _ if clarification_expired(&facts, today) => {
                let reject = Command::Reject {
                    reason: RejectReason::NoClarification,
                    comment: None,
                };
                cases::apply(&mut conn, ctx, &case, system, None, &reject)
                    .await
                    .map(|_| done.rejected += 1)
            }
            MessageStatus::Routed | MessageStatus::InProgress | MessageStatus::Disputed => {
                let Some(due) = case.due_date else { continue };
                let org = case.organisation_id.unwrap_or(0);
                if today > due && marks.1 != Some(due) {
                    notifications::notify_roles(
                        &mut conn,
                        Some(org),
                        &["head"],
                        id,
                        "overdue",
                        ctx.now,
                    )
                    .await?;
                    notifications::notify_roles(
                        &mut conn,
                        None,
                        &["moderator"],
                        id,
                        "overdue",
                        ctx.now,
                    )
                    .await?;
                    if let Some(assignee) = case.assignee_id {
                        notifications::notify_staff(&mut conn, assignee, id, "overdue", ctx.now)
                            .await?;
                    }
                    let key = counters::Key {
                        day: today,
                        organisation_id: org,
                        topic_id: case.topic_id,
                        territory_id: case.territory_id.unwrap_or(0),
                    };
                    counters::add(&mut conn, key, counters::Change::OVERDUE).await?;
                    Sql::new("UPDATE messages SET overdue_for = $1 WHERE id = $2")
                        .bind(due)
                        .bind(id)
                        .execute(&mut conn)
                        .await?;
                    done.overdue += 1;
                } else if (due - today).num_days() <= REMIND_DAYS_BEFORE
                    && today <= due
                    && marks.0 != Some(due)
                {
                    match case.assignee_id {
                        Some(assignee) => {
                            notifications::notify_staff(
                                &mut conn, assignee, id, "due_soon", ctx.now,
                            )
                            .await?;
                        }
                        None => {
                            notifications::notify_organisation(
                                &mut conn, org, id, "due_soon", ctx.now,
                            )
                            .await?;
                        }
                    }
                    Sql::new("UPDATE messages SET reminded_for = $1 WHERE id = $2")
                        .bind(due)
                        .bind(id)
                        .execute(&mut conn)
                        .await?;
                    done.reminded += 1;
                }
                Ok(())
            }
            _ => Ok(()),
        };
        match outcome {
            Ok(()) => tx.commit().await?,
            // Someone changed the case meanwhile: leave it for the next sweep.
            Err(CaseError::Refused(_) | CaseError::UnknownTarget(_)) => drop(tx),
            Err(CaseError::Db(e)) => return Err(e),
        }
    }
    Ok(done)
}
