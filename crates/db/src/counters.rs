//! Daily counters per organisation, topic, territory and local day, moved in
//! the same transaction as the change they count, so dashboards read sums
//! of small rows instead of counting messages. With them move their
//! roll-ups, which the statistics read: the region's totals per day and per
//! month, per month those of each category, territory and organisation —
//! rows that grow with days and keys, never with messages — and the all-time
//! totals of the region and of each key, a row a key.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::{Arg, Backend, Conn, DbError, Sql, many_rows};

/// Which row a change counts in.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub day: NaiveDate,
    /// 0 while a message has no organisation yet.
    pub organisation_id: i64,
    pub topic_id: i64,
    /// 0 for messages without a territory.
    pub territory_id: i64,
}

/// The organisation a change is counted for.
#[derive(Debug, Clone, Copy)]
pub struct Bump {
    pub organisation_id: i64,
}

impl Bump {
    pub fn at(organisation_id: i64) -> Self {
        Self { organisation_id }
    }
}

/// How much each counter moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    pub received: i32,
    pub answered: i32,
    pub answered_on_time: i32,
    pub overdue: i32,
    pub disputed: i32,
    pub rating_sum: i32,
    pub rating_count: i32,
}

impl Change {
    pub const RECEIVED: Self = Self {
        received: 1,
        ..Self::ZERO
    };
    pub const ANSWERED_ON_TIME: Self = Self {
        answered: 1,
        answered_on_time: 1,
        ..Self::ZERO
    };
    pub const ANSWERED_LATE: Self = Self {
        answered: 1,
        ..Self::ZERO
    };
    pub const OVERDUE: Self = Self {
        overdue: 1,
        ..Self::ZERO
    };
    pub const DISPUTED: Self = Self {
        disputed: 1,
        ..Self::ZERO
    };
    const ZERO: Self = Self {
        received: 0,
        answered: 0,
        answered_on_time: 0,
        overdue: 0,
        disputed: 0,
        rating_sum: 0,
        rating_count: 0,
    };

    pub fn rating(score: u8) -> Self {
        Self {
            rating_sum: i32::from(score),
            rating_count: 1,
            ..Self::ZERO
        }
    }
}

impl std::ops::AddAssign for Change {
    fn add_assign(&mut self, c: Self) {
        self.received += c.received;
        self.answered += c.answered;
        self.answered_on_time += c.answered_on_time;
        self.overdue += c.overdue;
        self.disputed += c.disputed;
        self.rating_sum += c.rating_sum;
        self.rating_count += c.rating_count;
    }
}

/// The counters, in the order every statement here names them.
const COLUMNS: &str =
    "received, answered, answered_on_time, overdue, disputed, rating_sum, rating_count";

/// `SET` for an upsert into `table` that adds the new row's counters.
fn adding(table: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn add(conn: &mut Conn<'_>, key: Key, c: Change) -> Result<(), DbError> {
    let values = "$5, $6, $7, $8, $9, $10, $11";
    let keyed = |sql: String| {
        let sql = Sql::new(sql)
            .bind(key.day)
            .bind(key.organisation_id)
            .bind(key.topic_id)
            .bind(key.territory_id);
        bind_change(sql, c)
    };
    keyed(format!(
        "INSERT INTO daily_counters (day, organisation_id, topic_id, territory_id, {COLUMNS}) \
         VALUES ($1, $2, $3, $4, {values}) \
         ON CONFLICT (day, organisation_id, topic_id, territory_id) DO UPDATE SET {}",
        adding("daily_counters")
    ))
    .execute(conn)
    .await?;
    keyed(format!(
        "INSERT INTO counter_rollups (slice, period, key_id, {COLUMNS}) VALUES \
         ('day', $1, 0, {values}), \
         ('category', $12, (SELECT category_id FROM topics WHERE id = $3), {values}), \
         ('territory', $12, $4, {values}), \
         ('organisation', $12, $2, {values}), \
         ('region_month', $12, 0, {values}), \
         ('region_all', $13, 0, {values}), \
         ('category_all', $13, (SELECT category_id FROM topics WHERE id = $3), {values}), \
         ('territory_all', $13, $4, {values}), \
         ('organisation_all', $13, $2, {values}) \
         ON CONFLICT (slice, period, key_id) DO UPDATE SET {}",
        adding("counter_rollups")
    ))
    .bind(month_of(key.day))
    .bind(ALL_TIME)
    .execute(conn)
    .await?;
    Ok(())
}

/// The category of each topic, which keys the category roll-ups.
pub(crate) async fn categories(conn: &mut Conn<'_>) -> Result<HashMap<i64, i64>, DbError> {
    Ok(Sql::new("SELECT id, category_id FROM topics")
        .fetch_all::<(i64, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// Adds many changes at once (a bulk load); see [`upserts`].
pub async fn add_all(
    conn: &mut Conn<'_>,
    changes: impl IntoIterator<Item = (Key, Change)>,
) -> Result<(), DbError> {
    let categories = categories(conn).await?;
    for sql in upserts(conn.backend(), &categories, changes) {
        sql.execute(conn).await?;
    }
    Ok(())
}

/// The statements that add many changes at once (a bulk load): the daily
/// rows and their roll-ups summed in memory first, then written many rows
/// a statement, each built as it is taken.
pub(crate) fn upserts<C: IntoIterator<Item = (Key, Change)>>(
    backend: Backend,
    categories: &HashMap<i64, i64>,
    changes: C,
) -> impl Iterator<Item = Sql> + use<C> {
    let mut daily = HashMap::new();
    let mut rollups: HashMap<(&str, NaiveDate, i64), Change> = HashMap::new();
    for (key, change) in changes {
        let month = month_of(key.day);
        let category = categories.get(&key.topic_id).copied().unwrap_or(0);
        for slice in [
            ("day", key.day, 0),
            ("category", month, category),
            ("territory", month, key.territory_id),
            ("organisation", month, key.organisation_id),
            ("region_month", month, 0),
            ("region_all", ALL_TIME, 0),
            ("category_all", ALL_TIME, category),
            ("territory_all", ALL_TIME, key.territory_id),
            ("organisation_all", ALL_TIME, key.organisation_id),
        ] {
            *rollups.entry(slice).or_default() += change;
        }
        let day_key = (key.day, key.organisation_id, key.topic_id, key.territory_id);
        *daily.entry(day_key).or_default() += change;
    }
    let values = |c: Change| {
        [
            c.received,
            c.answered,
            c.answered_on_time,
            c.overdue,
            c.disputed,
            c.rating_sum,
            c.rating_count,
        ]
        .map(Arg::from)
    };
    // In the primary key's order, so the key's B-tree grows at its end
    // instead of taking each row at a random leaf.
    let mut daily: Vec<_> = daily.into_iter().collect();
    daily.sort_unstable_by_key(|(key, _)| *key);
    let daily = daily
        .into_iter()
        .map(move |((day, organisation, topic, territory), c)| {
            let key = [
                day.into(),
                organisation.into(),
                topic.into(),
                territory.into(),
            ];
            key.into_iter().chain(values(c)).collect()
        });
    let rollups = rollups.into_iter().map(move |((slice, period, key), c)| {
        let key = [slice.into(), period.into(), key.into()];
        key.into_iter().chain(values(c)).collect()
    });
    upserts_of(
        backend,
        "daily_counters (day, organisation_id, topic_id, territory_id",
        "day, organisation_id, topic_id, territory_id",
        daily,
    )
    .chain(upserts_of(
        backend,
        "counter_rollups (slice, period, key_id",
        "slice, period, key_id",
        rollups,
    ))
}

/// The statements that add rows of a key's columns and the counters to
/// `table` (named with its key's columns, the parenthesis left open).
fn upserts_of<R: Iterator<Item = Vec<Arg>>>(
    backend: Backend,
    table_and_key: &str,
    key: &str,
    rows: R,
) -> impl Iterator<Item = Sql> + use<R> {
    let table = table_and_key.split(' ').next().unwrap_or_default();
    let width = key.split(", ").count() + COLUMNS.split(", ").count();
    let template = format!("({})", vec!["{}"; width].join(", "));
    let head = format!("INSERT INTO {table_and_key}, {COLUMNS}) VALUES ");
    let tail = format!(" ON CONFLICT ({key}) DO UPDATE SET {}", adding(table));
    many_rows::statements_by_part(backend, head, template, tail, rows, ROWS_A_PART)
}

/// Rows bound at a time when counters are written in bulk.
const ROWS_A_PART: usize = 10_000;

/// The period of the all-time roll-ups (migration 0017).
const ALL_TIME: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

/// The first day of the day's month, which keys the monthly roll-ups.
fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Binds the counters to the next seven placeholders, in [`COLUMNS`] order.
fn bind_change(sql: Sql, c: Change) -> Sql {
    sql.bind(c.received)
        .bind(c.answered)
        .bind(c.answered_on_time)
        .bind(c.overdue)
        .bind(c.disputed)
        .bind(c.rating_sum)
        .bind(c.rating_count)
}

/// The seven counters of a row as summed by SQL (NULL when no row).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Sums {
    pub received: Option<i64>,
    pub answered: Option<i64>,
    pub answered_on_time: Option<i64>,
    pub overdue: Option<i64>,
    pub disputed: Option<i64>,
    pub rating_sum: Option<i64>,
    pub rating_count: Option<i64>,
}

/// An organisation's totals over all days (`None`: the whole region).
pub async fn totals(conn: &mut Conn<'_>, organisation_id: Option<i64>) -> Result<Change, DbError> {
    let sql = Sql::new(
        "SELECT SUM(received) AS received, SUM(answered) AS answered, SUM(answered_on_time) AS answered_on_time, \
         SUM(overdue) AS overdue, SUM(disputed) AS disputed, SUM(rating_sum) AS rating_sum, \
         SUM(rating_count) AS rating_count FROM counter_rollups",
    );
    let sql = match organisation_id {
        Some(org) => sql
            .push_bound(" WHERE slice = {}", Slice::Organisation.all_time_name())
            .push_bound(" AND key_id = {}", org),
        None => sql.push_bound(" WHERE slice = {}", Slice::Day.all_time_name()),
    };
    let s: Sums = sql.fetch_one(conn).await?;
    let n = |v: Option<i64>| i32::try_from(v.unwrap_or(0)).unwrap_or(i32::MAX);
    Ok(Change {
        received: n(s.received),
        answered: n(s.answered),
        answered_on_time: n(s.answered_on_time),
        overdue: n(s.overdue),
        disputed: n(s.disputed),
        rating_sum: n(s.rating_sum),
        rating_count: n(s.rating_count),
    })
}

/// What statistics are cut by: the region's days or months, or a key's
/// months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    Category,
    Organisation,
    Territory,
    Day,
    Month,
}

impl Slice {
    /// The roll-ups' `slice` of this cut.
    fn name(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Organisation => "organisation",
            Self::Territory => "territory",
            Self::Day => "day",
            Self::Month => "region_month",
        }
    }

    /// The slice of this cut's all-time roll-ups (for `Day` and `Month`, the
    /// region's).
    fn all_time_name(self) -> &'static str {
        match self {
            Self::Category => "category_all",
            Self::Organisation => "organisation_all",
            Self::Territory => "territory_all",
            Self::Day | Self::Month => "region_all",
        }
    }

    /// What names a key of this cut: its key as text, its name, and the join
    /// to the names' table (none for the region's days and months).
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Category => (
                "CAST(c.id AS TEXT)",
                "c.name_ru",
                "JOIN categories c ON c.id = d.key_id",
            ),
            Self::Organisation => (
                "CAST(o.id AS TEXT)",
                "o.short_name_ru",
                "JOIN organisations o ON o.id = d.key_id",
            ),
            Self::Territory => (
                "CAST(tr.id AS TEXT)",
                "tr.name_ru",
                "JOIN territories tr ON tr.id = d.key_id",
            ),
            Self::Day | Self::Month => ("CAST(d.period AS TEXT)", "CAST(d.period AS TEXT)", ""),
        }
    }
}

/// One line of a cut: its key (an id, or a day as `YYYY-MM-DD`), its name,
/// and the sums.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    pub key: String,
    pub name: String,
    pub received: Option<i64>,
    pub answered: Option<i64>,
    pub answered_on_time: Option<i64>,
    pub overdue: Option<i64>,
    pub rating_sum: Option<i64>,
    pub rating_count: Option<i64>,
}

/// The counters summed by one slice, from `since` on (for the monthly
/// cuts, from the first of its month): a few hundred rows of roll-ups
/// whatever the number of messages.
pub async fn by(conn: &mut Conn<'_>, slice: Slice, since: NaiveDate) -> Result<Vec<Line>, DbError> {
    let (key, name, join) = slice.names();
    let group = match slice {
        Slice::Day | Slice::Month => "d.period".to_owned(),
        _ => format!("{key}, {name}"),
    };
    let since = match slice {
        Slice::Day => since,
        _ => month_of(since),
    };
    Sql::new(format!(
        "SELECT {key} AS key, {name} AS name, {SUMMED} FROM counter_rollups d {join} \
         WHERE d.slice = $1 AND d.period >= $2 GROUP BY {group} ORDER BY received DESC"
    ))
    .bind(slice.name())
    .bind(since)
    .fetch_all(conn)
    .await
}

/// The all-time cuts of the statistics: the region's totals and each
/// category's, territory's and organisation's, most received first.
#[derive(Debug, Default)]
pub struct AllTime {
    /// `None` before anything was counted.
    pub region: Option<Line>,
    pub categories: Vec<Line>,
    pub territories: Vec<Line>,
    pub organisations: Vec<Line>,
}

#[derive(sqlx::FromRow)]
struct Cut {
    slice: String,
    #[sqlx(flatten)]
    line: Line,
}

/// Reads [`AllTime`] in one statement: a row a key, however long the region
/// has counted. Keys without a name (0: no organisation or territory yet)
/// are left out, as from the other cuts.
pub async fn all_time(conn: &mut Conn<'_>) -> Result<AllTime, DbError> {
    let cuts: Vec<Cut> = Sql::new(format!(
        "SELECT d.slice AS slice, CAST(d.key_id AS TEXT) AS key, \
         COALESCE(c.name_ru, o.short_name_ru, tr.name_ru, '') AS name, {} \
         FROM counter_rollups d \
         LEFT JOIN categories c ON d.slice = 'category_all' AND c.id = d.key_id \
         LEFT JOIN organisations o ON d.slice = 'organisation_all' AND o.id = d.key_id \
         LEFT JOIN territories tr ON d.slice = 'territory_all' AND tr.id = d.key_id \
         WHERE d.slice IN ('region_all', 'category_all', 'organisation_all', 'territory_all') \
         AND (d.slice = 'region_all' OR c.id IS NOT NULL OR o.id IS NOT NULL OR tr.id IS NOT NULL) \
         ORDER BY d.received DESC, d.key_id",
        // PostgreSQL's counters are 32-bit; `Line` takes the sums' width.
        [
            "received",
            "answered",
            "answered_on_time",
            "overdue",
            "rating_sum",
            "rating_count"
        ]
        .map(|c| format!("CAST(d.{c} AS BIGINT) AS {c}"))
        .join(", ")
    ))
    .fetch_all(conn)
    .await?;
    let mut all = AllTime::default();
    for Cut { slice, line } in cuts {
        match slice.as_str() {
            "region_all" => all.region = Some(line),
            "category_all" => all.categories.push(line),
            "territory_all" => all.territories.push(line),
            _ => all.organisations.push(line),
        }
    }
    Ok(all)
}

/// The counters of [`Line`] summed over the roll-ups `d`.
const SUMMED: &str = "SUM(d.received) AS received, SUM(d.answered) AS answered, \
    SUM(d.answered_on_time) AS answered_on_time, SUM(d.overdue) AS overdue, \
    SUM(d.rating_sum) AS rating_sum, SUM(d.rating_count) AS rating_count";
