//! The statistics' roll-ups move with the daily counters: summed from
//! those, by day and month for the region, by month for each key and over
//! all time for both, they are the same.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use vmeste_db::counters::Sums;
use vmeste_db::{Db, Sql};

/// The seven counters of a row, in `daily_counters`' column order.
type Counters = [i64; 7];
/// (slice, period, key) → counters.
type Rollups = BTreeMap<(String, NaiveDate, i64), Counters>;

const SUMS: &str = "SUM(received) AS received, SUM(answered) AS answered, \
    SUM(answered_on_time) AS answered_on_time, SUM(overdue) AS overdue, SUM(disputed) AS disputed, \
    SUM(rating_sum) AS rating_sum, SUM(rating_count) AS rating_count";

/// A row's counters in `daily_counters`' column order.
fn counters(s: &Sums) -> Counters {
    [
        s.received,
        s.answered,
        s.answered_on_time,
        s.overdue,
        s.disputed,
        s.rating_sum,
        s.rating_count,
    ]
    .map(|v| v.unwrap_or(0))
}

#[derive(sqlx::FromRow)]
struct Daily {
    day: NaiveDate,
    organisation_id: i64,
    topic_id: i64,
    territory_id: i64,
    #[sqlx(flatten)]
    sums: Sums,
}

#[derive(sqlx::FromRow)]
struct Rollup {
    slice: String,
    period: NaiveDate,
    key_id: i64,
    #[sqlx(flatten)]
    sums: Sums,
}

/// Fails unless the roll-ups are exactly the daily counters summed.
pub async fn assert_rollups_agree(db: &Db) {
    let mut handle = db.read().await.unwrap();
    let mut c = handle.conn();
    let daily: Vec<Daily> = Sql::new(format!(
        "SELECT day, organisation_id, topic_id, territory_id, {SUMS} FROM daily_counters \
         GROUP BY day, organisation_id, topic_id, territory_id"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap();
    let categories: HashMap<i64, i64> = Sql::new("SELECT id, category_id FROM topics")
        .fetch_all::<(i64, i64)>(&mut c)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let mut expected = Rollups::new();
    let all_time = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for d in &daily {
        let month = d.day.with_day(1).unwrap();
        for key in [
            ("day", d.day, 0),
            ("category", month, categories[&d.topic_id]),
            ("territory", month, d.territory_id),
            ("organisation", month, d.organisation_id),
            ("region_month", month, 0),
            ("region_all", all_time, 0),
            ("category_all", all_time, categories[&d.topic_id]),
            ("territory_all", all_time, d.territory_id),
            ("organisation_all", all_time, d.organisation_id),
        ] {
            let sum = expected
                .entry((key.0.to_owned(), key.1, key.2))
                .or_default();
            for (s, v) in sum.iter_mut().zip(counters(&d.sums)) {
                *s += v;
            }
        }
    }
    let actual: Rollups = Sql::new(format!(
        "SELECT slice, period, key_id, {SUMS} FROM counter_rollups GROUP BY slice, period, key_id"
    ))
    .fetch_all::<Rollup>(&mut c)
    .await
    .unwrap()
    .into_iter()
    .map(|r| ((r.slice, r.period, r.key_id), counters(&r.sums)))
    .collect();
    assert_eq!(actual, expected);
}
