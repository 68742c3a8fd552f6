//! The seed's ceiling on SQLite: the rows a seed wrote, copied by SQLite
//! alone (`INSERT … SELECT` from the seeded file) into a fresh database
//! with the same schema, in the same transactions and with the same
//! connection settings, then the same indexes, counters, grid and
//! statistics. Nothing is generated and nothing is bound by the client, so
//! no seed of the same rows on the same machine can be faster:
//! `bench/seed.sh` prints the seed's rate against it.
//!
//! The search index is built as the seed builds it, a row per shown message
//! in each transaction and one merge at the end, but from each message's
//! own words: the seed's stems live only inside the index. Unstemmed words
//! make about as many entries and more distinct terms, so this part errs
//! on the slow side (measured beside the index left out, in PERFORMANCE.md).

use std::path::Path;
use std::time::Instant;

use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_domain::status::MessageStatus;

use super::{CHUNK, indexes};
use crate::{Backend, Db, DbError, Sql};

/// Seconds each phase of the copy took, and how many messages it copied.
#[derive(Debug, Clone, Copy)]
pub struct Phases {
    pub messages: u64,
    /// Loading the demo region, which the seed does first too.
    pub demo: f64,
    pub rows: f64,
    pub indexes: f64,
    pub counters_and_grid: f64,
    pub statistics: f64,
}

impl Phases {
    pub fn total(&self) -> f64 {
        self.demo + self.rows + self.indexes + self.counters_and_grid + self.statistics
    }
}

/// Copies what a seed added to `seeded` (an SQLite file seeded on the same
/// day, so that both demos agree) into the configured database, which must
/// be empty.
pub async fn copy(
    db: &Db,
    clock: &dyn Clock,
    calendar: &ProductionCalendar,
    seeded: &Path,
) -> Result<Phases, DbError> {
    if db.backend() != Backend::Sqlite {
        return Err(DbError::Config(
            "the seed's ceiling copies an SQLite file into an SQLite database".into(),
        ));
    }
    if !seeded.is_file() {
        return Err(DbError::Config(format!(
            "{} is not a seeded database file",
            seeded.display()
        )));
    }
    let phase = Instant::now();
    if crate::demo::load(db, clock, calendar).await? == crate::demo::Outcome::AlreadyLoaded {
        return Err(DbError::Config(
            "the ceiling copies into an empty database; this one is already loaded".into(),
        ));
    }
    let mut tx = db.write().await?;
    let dropped = indexes::drop_all(&mut tx.conn()).await?;
    super::merge_search_index_at_the_end(&mut tx.conn()).await?;
    let demo: Option<i64> = Sql::new("SELECT MAX(id) FROM messages")
        .scalar(&mut tx.conn())
        .await?;
    tx.commit().await?;
    let demo_seconds = phase.elapsed().as_secs_f64();
    let path = seeded.display().to_string().replace('\'', "''");
    db.on_writer_alone(&format!("ATTACH DATABASE '{path}' AS seeded"))
        .await?;
    db.enforce_foreign_keys(false).await?;
    db.cache_whole_transactions(true).await?;
    let copied = copy_rows(db, demo.unwrap_or(0)).await;
    db.cache_whole_transactions(false).await?;
    db.enforce_foreign_keys(true).await?;
    let (messages, rows) = copied?;

    let phase = Instant::now();
    let mut tx = db.write().await?;
    indexes::sort_on_every_core(&mut tx.conn()).await?;
    indexes::create_all(&mut tx.conn(), &dropped).await?;
    tx.commit().await?;
    let indexes = phase.elapsed().as_secs_f64();

    let phase = Instant::now();
    let mut tx = db.write().await?;
    for (table, key) in [
        (
            "daily_counters",
            "day, organisation_id, topic_id, territory_id",
        ),
        ("counter_rollups", "slice, period, key_id"),
        ("map_cells", "level, cell_row, cell_col"),
    ] {
        Sql::new(format!(
            "INSERT OR REPLACE INTO {table} SELECT * FROM seeded.{table} ORDER BY {key}"
        ))
        .execute(&mut tx.conn())
        .await?;
    }
    tx.commit().await?;
    let counters_and_grid = phase.elapsed().as_secs_f64();
    db.on_writer_alone("DETACH DATABASE seeded").await?;

    let phase = Instant::now();
    super::analyze(db).await?;
    let statistics = phase.elapsed().as_secs_f64();
    db.truncate_log().await?;
    Ok(Phases {
        messages,
        demo: demo_seconds,
        rows,
        indexes,
        counters_and_grid,
        statistics,
    })
}

/// Copies the seeded messages after `after` and their history, `CHUNK`
/// messages a transaction as the seed writes them; how many, in how long.
async fn copy_rows(db: &Db, after: i64) -> Result<(u64, f64), DbError> {
    let started = Instant::now();
    let mut handle = db.write().await?;
    let last: Option<i64> = Sql::new("SELECT MAX(id) FROM seeded.messages")
        .scalar(&mut handle.conn())
        .await?;
    handle.commit().await?;
    let last = last.unwrap_or(after).max(after);
    let step = i64::try_from(CHUNK).unwrap_or(i64::MAX);
    let mut from = after;
    while from < last {
        let to = from.saturating_add(step).min(last);
        let mut tx = db.write().await?;
        for (table, message) in [("messages", "id"), ("message_events", "message_id")] {
            Sql::new(format!(
                "INSERT INTO {table} SELECT * FROM seeded.{table} \
                 WHERE {message} > $1 AND {message} <= $2"
            ))
            .bind(from)
            .bind(to)
            .execute(&mut tx.conn())
            .await?;
        }
        Sql::new(
            "INSERT INTO search_messages (rowid, stems) \
             SELECT id, text || ' ' || COALESCE(address, '') FROM seeded.messages WHERE public",
        )
        .push_bound(" AND id > {}", from)
        .push_bound(" AND id <= {}", to)
        .push_list(
            " AND status IN ",
            crate::messages::PUBLISHED.map(MessageStatus::as_str),
        )
        .execute(&mut tx.conn())
        .await?;
        tx.commit().await?;
        from = to;
    }
    let messages = u64::try_from(last - after).unwrap_or(0);
    Ok((messages, started.elapsed().as_secs_f64()))
}
