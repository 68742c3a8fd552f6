//! The seed's ceiling: the rows a seed wrote, copied by the database alone
//! into a fresh database with the same schema, in the same transactions and
//! with the same connection settings, then the same indexes, keys,
//! counters, grid and statistics. Nothing is generated and nothing is bound
//! by the client, so no seed of the same rows on the same machine can be
//! faster: `bench/seed.sh` prints the seed's rate against it. On SQLite the
//! rows are copied by `INSERT … SELECT` from the attached seeded file; on
//! PostgreSQL, `COPY`'d from files dumped before the clock starts (see
//! [`postgres`]), and the counters and grid written while the indexes are
//! built, as the seed has them.
//!
//! The search index is built as the seed builds it, a row per shown message
//! in each transaction (and on SQLite one merge at the end), but from each
//! message's own words: the seed's stems live only inside the index. On
//! SQLite, unstemmed words make about as many entries and more distinct
//! terms, so this part errs on the slow side (measured beside the index
//! left out, in PERFORMANCE.md); PostgreSQL stems them as the seed has it do.

mod postgres;

use std::path::Path;
use std::time::Instant;

use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_domain::status::MessageStatus;

use super::{CHUNK, foreign_keys, indexes};
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
    /// Whether the counters and grid were written while the indexes were
    /// built (on PostgreSQL, as the seed does) rather than after them.
    pub counters_beside_indexes: bool,
    pub statistics: f64,
}

impl Phases {
    pub fn total(&self) -> f64 {
        let indexes_and_counters = if self.counters_beside_indexes {
            self.indexes.max(self.counters_and_grid)
        } else {
            self.indexes + self.counters_and_grid
        };
        self.demo + self.rows + indexes_and_counters + self.statistics
    }
}

/// Where the seeded rows are: an SQLite file, or a PostgreSQL database.
enum Seeded {
    File(String),
    Postgres(Db),
}

/// Where the rows are copied from once the demo is loaded.
enum Rows {
    File,
    Dumped(postgres::Dump),
}

/// Copies what a seed added to `seeded` (seeded on the same day, so that
/// both demos agree: an SQLite file for an SQLite database, a PostgreSQL
/// database's URL for a PostgreSQL one) into the configured database,
/// which must be empty.
pub async fn copy(
    db: &Db,
    clock: &dyn Clock,
    calendar: &ProductionCalendar,
    seeded: &str,
) -> Result<Phases, DbError> {
    let seeded = match db.backend() {
        Backend::Sqlite if Path::new(seeded).is_file() => Seeded::File(seeded.replace('\'', "''")),
        Backend::Sqlite => {
            return Err(DbError::Config(format!(
                "{seeded} is not a seeded database file"
            )));
        }
        Backend::Postgres => Seeded::Postgres(postgres::open(seeded).await?),
    };
    let phase = Instant::now();
    if crate::demo::load(db, clock, calendar).await? == crate::demo::Outcome::AlreadyLoaded {
        return Err(DbError::Config(
            "the ceiling copies into an empty database; this one is already loaded".into(),
        ));
    }
    let mut tx = db.write().await?;
    let dropped = indexes::drop_all(&mut tx.conn()).await?;
    let keys = foreign_keys::drop_all(&mut tx.conn()).await?;
    super::merge_search_index_at_the_end(&mut tx.conn()).await?;
    let demo: Option<i64> = Sql::new("SELECT MAX(id) FROM messages")
        .scalar(&mut tx.conn())
        .await?;
    tx.commit().await?;
    let demo_seconds = phase.elapsed().as_secs_f64();
    let (messages, rows, copied) = match &seeded {
        Seeded::File(path) => {
            db.on_writer_alone(&format!("ATTACH DATABASE '{path}' AS seeded"))
                .await?;
            db.enforce_foreign_keys(false).await?;
            db.cache_whole_transactions(true).await?;
            let copied = copy_rows(db, demo.unwrap_or(0)).await;
            db.cache_whole_transactions(false).await?;
            db.enforce_foreign_keys(true).await?;
            let (messages, rows) = copied?;
            (messages, rows, Rows::File)
        }
        Seeded::Postgres(source) => {
            let dump = postgres::dump(source, demo.unwrap_or(0)).await?;
            let (messages, rows) = postgres::copy_rows(db, &dump).await?;
            (messages, rows, Rows::Dumped(dump))
        }
    };

    let indexes = async {
        let phase = Instant::now();
        super::build_indexes_and_keys(db, &dropped, &keys).await?;
        Ok::<_, DbError>(phase.elapsed().as_secs_f64())
    };
    let counters_and_grid = async {
        let phase = Instant::now();
        match &copied {
            Rows::File => copy_counters_and_grid(db).await?,
            Rows::Dumped(dump) => postgres::copy_counters_and_grid(db, dump).await?,
        }
        Ok::<_, DbError>(phase.elapsed().as_secs_f64())
    };
    let counters_beside_indexes = matches!(copied, Rows::Dumped(_));
    let (indexes, counters_and_grid) = if counters_beside_indexes {
        let (indexes, counters_and_grid) = tokio::join!(indexes, counters_and_grid);
        (indexes?, counters_and_grid?)
    } else {
        let indexes = indexes.await?;
        (indexes, counters_and_grid.await?)
    };
    if let Rows::File = copied {
        db.on_writer_alone("DETACH DATABASE seeded").await?;
    }

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
        counters_beside_indexes,
        statistics,
    })
}

/// Replaces the counters, roll-ups and grid with the attached seeded
/// file's (which has the same demo's under them), in key order.
async fn copy_counters_and_grid(db: &Db) -> Result<(), DbError> {
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
    tx.commit().await
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
        of_shown_messages(
            "INSERT INTO search_messages (rowid, stems) \
             SELECT id, text || ' ' || COALESCE(address, '') FROM seeded.messages WHERE public",
            from,
            to,
        )
        .execute(&mut tx.conn())
        .await?;
        tx.commit().await?;
        from = to;
    }
    let messages = u64::try_from(last - after).unwrap_or(0);
    Ok((messages, started.elapsed().as_secs_f64()))
}

/// `statement`, which ends in a condition on messages, limited to those
/// `from < id <= to` that the public sees: the ones the search index has.
fn of_shown_messages(statement: &str, from: i64, to: i64) -> Sql {
    Sql::new(statement)
        .push_bound(" AND id > {}", from)
        .push_bound(" AND id <= {}", to)
        .push_list(
            " AND status IN ",
            crate::messages::PUBLISHED.map(MessageStatus::as_str),
        )
}
