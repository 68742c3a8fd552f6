//! The seed's ceiling on PostgreSQL. Before the clock starts, the rows a
//! seed added (and its counters and grid) are dumped from the seeded
//! database to files in `COPY`'s own text format, [`CHUNK`] messages a
//! file; the timed copy then sends each file to `COPY … FROM STDIN` as it
//! is, in a transaction a chunk on as many connections as the seed writes
//! with, each chunk's search entries stemmed by the server from the copied
//! rows. Nothing is generated, encoded or read back from a database on the
//! clock, so the writers have the machine's cores to themselves as the
//! seed's do.

use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::{StreamExt, TryStreamExt, stream};
use tokio::io::AsyncWriteExt;

use super::super::{CHUNK, writers};
use crate::{Backend, Conn, Db, DbError, DbOptions, Sql};

/// The tables a chunk of messages fills, with the column naming the message.
const ROWS: [(&str, &str); 2] = [("messages", "id"), ("message_events", "message_id")];

/// The tables the seed sums up once, after its rows.
const SUMS: [&str; 3] = ["daily_counters", "counter_rollups", "map_cells"];

/// The seeded database, opened from its URL.
pub(super) async fn open(url: &str) -> Result<Db, DbError> {
    let source = Db::connect(url, &DbOptions::default()).await?;
    if source.backend() != Backend::Postgres {
        return Err(DbError::Config(
            "a PostgreSQL ceiling copies from a seeded PostgreSQL database".into(),
        ));
    }
    Ok(source)
}

/// The seeded rows after the demo's, in files removed when this is dropped.
pub(super) struct Dump {
    dir: tempfile::TempDir,
    /// Each chunk's messages, `from < id <= to`.
    chunks: Vec<(i64, i64)>,
}

impl Dump {
    fn file(&self, table: &str, chunk: Option<i64>) -> PathBuf {
        let name = match chunk {
            Some(from) => format!("{table}-{from}.copy"),
            None => format!("{table}.copy"),
        };
        self.dir.path().join(name)
    }
}

/// Dumps what a seed added to `source` after message `after`, and its
/// counters and grid (with the same demo's under them).
pub(super) async fn dump(source: &Db, after: i64) -> Result<Dump, DbError> {
    let last: Option<i64> = Sql::new("SELECT MAX(id) FROM messages")
        .scalar(&mut source.read().await?.conn())
        .await?;
    let last = last.unwrap_or(after).max(after);
    let step = usize::try_from(CHUNK).unwrap_or(usize::MAX);
    let chunks = (after..last)
        .step_by(step)
        .map(|from| (from, from.saturating_add_unsigned(CHUNK).min(last)))
        .collect();
    let dump = Dump {
        dir: tempfile::tempdir().map_err(sqlx::Error::Io)?,
        chunks,
    };
    let queries = dump.chunks.iter().flat_map(|&(from, to)| {
        ROWS.map(|(table, message)| {
            (
                format!("SELECT * FROM {table} WHERE {message} > {from} AND {message} <= {to}"),
                dump.file(table, Some(from)),
            )
        })
    });
    let sums = SUMS.map(|table| (format!("SELECT * FROM {table}"), dump.file(table, None)));
    stream::iter(queries.chain(sums))
        .map(|(query, file)| dump_query(source, query, file))
        .buffer_unordered(writers(Backend::Postgres))
        .try_collect::<()>()
        .await?;
    Ok(dump)
}

/// What `query` reads, written to `file` as `COPY` prints it.
async fn dump_query(source: &Db, query: String, file: PathBuf) -> Result<(), DbError> {
    let mut reader = source.read().await?;
    let Conn::Postgres(conn) = reader.conn() else {
        return Err(DbError::Config(
            "the seeded database is PostgreSQL's".into(),
        ));
    };
    let mut rows = conn
        .copy_out_raw(&format!("COPY ({query}) TO STDOUT"))
        .await?;
    let mut out = tokio::fs::File::create(&file)
        .await
        .map_err(sqlx::Error::Io)?;
    while let Some(bytes) = rows.next().await {
        out.write_all(&bytes?).await.map_err(sqlx::Error::Io)?;
    }
    out.flush().await.map_err(sqlx::Error::Io)?;
    Ok(())
}

/// Copies the dumped messages and their history; how many, in how long.
pub(super) async fn copy_rows(db: &Db, dump: &Dump) -> Result<(u64, f64), DbError> {
    let started = Instant::now();
    stream::iter(&dump.chunks)
        .map(|&(from, to)| copy_chunk(db, dump, from, to))
        .buffer_unordered(writers(Backend::Postgres))
        .try_collect::<()>()
        .await?;
    // As the seed does, so that the next message takes the next id.
    let mut tx = db.write().await?;
    Sql::new(
        "SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT MAX(id) FROM messages))",
    )
    .execute(&mut tx.conn())
    .await?;
    tx.commit().await?;
    let messages = dump
        .chunks
        .iter()
        .map(|&(from, to)| u64::try_from(to - from).unwrap_or(0))
        .sum();
    Ok((messages, started.elapsed().as_secs_f64()))
}

/// Messages `from < id <= to` and their history, in one transaction.
async fn copy_chunk(db: &Db, dump: &Dump, from: i64, to: i64) -> Result<(), DbError> {
    let mut tx = db.write().await?;
    for (table, _) in ROWS {
        send_file(tx.conn(), &dump.file(table, Some(from)), table).await?;
    }
    super::of_shown_messages(
        "INSERT INTO search_messages (message_id, document) \
         SELECT id, to_tsvector('russian', text || ' ' || COALESCE(address, '')) FROM messages \
         WHERE public",
        from,
        to,
    )
    .execute(&mut tx.conn())
    .await?;
    tx.commit().await
}

/// A dumped file, `COPY`'d into `table`.
async fn send_file(conn: Conn<'_>, file: &Path, table: &str) -> Result<(), DbError> {
    let Conn::Postgres(conn) = conn else {
        return Err(DbError::Config("the database is PostgreSQL's".into()));
    };
    let rows = tokio::fs::File::open(file).await.map_err(sqlx::Error::Io)?;
    let mut copy = conn
        .copy_in_raw(&format!("COPY {table} FROM STDIN"))
        .await?;
    if let Err(e) = copy.read_from(rows).await {
        let _ = copy.abort("the dumped rows could not be read").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// Replaces the counters, roll-ups and grid with the dumped ones.
pub(super) async fn copy_counters_and_grid(db: &Db, dump: &Dump) -> Result<(), DbError> {
    let mut tx = db.write().await?;
    for table in SUMS {
        Sql::new(format!("DELETE FROM {table}"))
            .execute(&mut tx.conn())
            .await?;
        send_file(tx.conn(), &dump.file(table, None), table).await?;
    }
    tx.commit().await
}
