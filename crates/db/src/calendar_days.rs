//! Administrators' corrections of the production calendar. The federal
//! calendar ships with the binary; a regional holiday, a decree for a year the
//! binary does not know, or a late transfer of a day off is kept here and
//! wins over the shipped day. Every deadline is counted on the combination,
//! read in the transaction that counts it, so every node agrees.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use vmeste_domain::calendar::{DayKind, ProductionCalendar, SpecialDay};

use crate::{Conn, DbError, Sql};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Correction {
    pub day: NaiveDate,
    pub kind: String,
    pub note: String,
    pub updated_by_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Every correction, by date.
pub async fn list(conn: &mut Conn<'_>) -> Result<Vec<Correction>, DbError> {
    Sql::new(
        "SELECT c.day, c.kind, c.note, u.name AS updated_by_name, c.updated_at FROM calendar_days c \
         LEFT JOIN users u ON u.id = c.updated_by ORDER BY c.day",
    )
    .fetch_all(conn)
    .await
}

/// Sets (or replaces) the correction of one day.
pub async fn set(
    conn: &mut Conn<'_>,
    day: &SpecialDay,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO calendar_days (day, kind, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(day.date)
    .bind(day.kind.as_str())
    .bind(day.note.clone())
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a correction: the shipped calendar applies to that day again.
pub async fn remove(conn: &mut Conn<'_>, day: NaiveDate) -> Result<bool, DbError> {
    let n = Sql::new("DELETE FROM calendar_days WHERE day = $1")
        .bind(day)
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// The shipped calendar with the administrators' corrections on top.
pub async fn effective(
    conn: &mut Conn<'_>,
    shipped: &ProductionCalendar,
) -> Result<ProductionCalendar, DbError> {
    let corrections = list(conn).await?;
    let days = corrections
        .into_iter()
        .map(|c| {
            DayKind::parse(&c.kind)
                .map(|kind| SpecialDay {
                    date: c.day,
                    kind,
                    note: c.note,
                })
                .ok_or_else(|| DbError::Corrupt(format!("calendar day kind {}", c.kind)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(shipped.clone().with_days(days))
}
