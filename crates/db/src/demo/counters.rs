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
    let mut sums = Sums::default();
    for step in steps {
        let day = step.at.with_timezone(&tz).date_naive();
        let Some((day, change)) = counted(
            &step.action,
            day,
            today,
            step.due_date,
            &step.status,
            step.organisation_id.is_some(),
        ) else {
            continue;
        };
        sums.add(
            Key {
                day,
                organisation_id: step.organisation_id.unwrap_or(0),
                topic_id: step.topic_id,
                territory_id: step.territory_id.unwrap_or(0),
            },
            change,
        );
    }
    sums.write(conn).await
}

/// What one event of a generated history counts, and on which day: `day`
/// is the event's local day, `status` the message's final status.
pub(crate) fn counted(
    action: &str,
    day: NaiveDate,
    today: NaiveDate,
    due_date: Option<NaiveDate>,
    status: &str,
    routed: bool,
) -> Option<(NaiveDate, Change)> {
    match action {
        "route" => Some((day, Change::RECEIVED)),
        "answer" if due_date.is_none_or(|due| day <= due) => Some((day, Change::ANSWERED_ON_TIME)),
        "answer" => Some((day, Change::ANSWERED_LATE)),
        "dispute" => Some((day, Change::DISPUTED)),
        "created" if is_open(status) && routed => {
            let due = due_date.filter(|due| *due < today)?;
            Some((due + chrono::Duration::days(1), Change::OVERDUE))
        }
        _ => None,
    }
}

/// Counter changes summed in memory, written as one row per key.
#[derive(Default)]
pub(crate) struct Sums(HashMap<(NaiveDate, i64, i64, i64), Change>);

impl Sums {
    pub(crate) fn add(&mut self, key: Key, change: Change) {
        *self
            .0
            .entry((key.day, key.organisation_id, key.topic_id, key.territory_id))
            .or_default() += change;
    }

    /// Adds the sums to the stored counters; how many rows they touched.
    pub(crate) async fn write(self, conn: &mut Conn<'_>) -> Result<usize, DbError> {
        let rows = self.0.len();
        counters::add_all(conn, self.changes()).await?;
        Ok(rows)
    }

    /// The sums, each with its key.
    pub(crate) fn changes(self) -> impl Iterator<Item = (Key, Change)> {
        self.0
            .into_iter()
            .map(|((day, organisation_id, topic_id, territory_id), change)| {
                let key = Key {
                    day,
                    organisation_id,
                    topic_id,
                    territory_id,
                };
                (key, change)
            })
    }
}

fn is_open(status: &str) -> bool {
    vmeste_domain::status::MessageStatus::parse(status)
        .is_some_and(vmeste_domain::status::MessageStatus::is_open)
}
