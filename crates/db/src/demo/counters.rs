//! The demo's dashboards start full: the daily counters that live changes
//! move one by one are filled from the generated history in one pass.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::counters::{self, Change, Key};
use crate::{Conn, DbError, Sql};

#[derive(sqlx::FromRow)]
struct Step {
    action: String,
    at: DateTime<Utc>,
    organisation_id: Option<i64>,
    topic_id: i64,
    territory_id: Option<i64>,
    due_date: Option<NaiveDate>,
    status: String,
}

/// Counts what the history says: each routing received, each answer (on
/// time or late by its due date), each dispute, and each open message whose
/// due date has passed as overdue on the day after it.
pub async fn from_history(
    conn: &mut Conn<'_>,
    tz: chrono_tz::Tz,
    today: NaiveDate,
) -> Result<usize, DbError> {
    let steps: Vec<Step> = Sql::new(
        "SELECT e.action, e.at, m.organisation_id, m.topic_id, m.territory_id, m.due_date, m.status \
         FROM message_events e JOIN messages m ON m.id = e.message_id \
         WHERE e.action IN ('route', 'answer', 'dispute') OR (e.action = 'created' AND m.due_date < $1)",
    )
    .bind(today)
    .fetch_all(conn)
    .await?;
    let mut sums: HashMap<(NaiveDate, i64, i64, i64), Change> = HashMap::new();
    for step in steps {
        let mut day = step.at.with_timezone(&tz).date_naive();
        let change = match step.action.as_str() {
            "route" => Change::RECEIVED,
            "answer" if step.due_date.is_none_or(|due| day <= due) => Change::ANSWERED_ON_TIME,
            "answer" => Change::ANSWERED_LATE,
            "dispute" => Change::DISPUTED,
            "created" if is_open(&step.status) && step.organisation_id.is_some() => {
                let Some(due) = step.due_date else { continue };
                day = due + chrono::Duration::days(1);
                Change::OVERDUE
            }
            _ => continue,
        };
        let key = (
            day,
            step.organisation_id.unwrap_or(0),
            step.topic_id,
            step.territory_id.unwrap_or(0),
        );
        let sum = sums.entry(key).or_default();
        sum.received += change.received;
        sum.answered += change.answered;
        sum.answered_on_time += change.answered_on_time;
        sum.overdue += change.overdue;
        sum.disputed += change.disputed;
    }
    let rows = sums.len();
    for ((day, organisation_id, topic_id, territory_id), change) in sums {
        counters::add(
            conn,
            Key {
                day,
                organisation_id,
                topic_id,
                territory_id,
            },
            change,
        )
        .await?;
    }
    Ok(rows)
}

fn is_open(status: &str) -> bool {
    vmeste_domain::status::MessageStatus::parse(status)
        .is_some_and(vmeste_domain::status::MessageStatus::is_open)
}
