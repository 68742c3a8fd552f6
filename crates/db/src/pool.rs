//! Connecting to the configured database and handing out connections.
//!
//! SQLite gets one writer connection (SQLite allows one writer at a time; a
//! single connection turns lock contention into a queue) and a pool of readers
//! over WAL. PostgreSQL gets one pool for both.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    SqliteTransactionManager,
};
use sqlx::{PgPool, Postgres, Transaction, TransactionManager};

use crate::batch::{BoxFuture, Queue, WriterHome};
use crate::lending::{Lender, Lent};
use crate::{Conn, DbError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Prepared statements the writer keeps. A batch of n messages is five
/// statements whose text depends on n (one row per message), and batches
/// come in every size up to the clients waiting: with sqlx's hundred they
/// pushed each other out and were prepared anew (SQLite: 1.6 % of the
/// server's samples under intake; 0.1 % with these, at the same RSS).
const WRITER_STATEMENTS: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Which backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(DbError::Config(format!(
                "unsupported database URL scheme in {:?}: use sqlite://PATH or postgres://...",
                redact(url)
            )))
        }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    /// `synchronous=FULL` on SQLite: survive power loss, not just process crashes.
    pub sqlite_synchronous_full: bool,
    pub acquire_timeout: Duration,
    /// SQLite only: a rollback journal instead of the write-ahead log, for a
    /// bulk load that appends to the database with the server stopped. The
    /// log writes every page twice, once to the log and once back into the
    /// file; a rollback journal keeps only the pages a transaction changes
    /// that were there before it, none of those it appends (measured: the
    /// seed's rows copied in 10.8 s with the log, 6.8 s without). Commits
    /// then sync fully (`synchronous=FULL`), as a rollback journal needs to
    /// survive power loss, and no background checkpoints run. The next
    /// ordinary connection turns the log back on.
    pub sqlite_bulk_load: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            sqlite_synchronous_full: false,
            acquire_timeout: Duration::from_secs(10),
            sqlite_bulk_load: false,
        }
    }
}

#[derive(Debug, Clone)]
enum Pools {
    Sqlite {
        read: Arc<Lender>,
        /// One connection.
        write: Arc<Lender>,
    },
    Postgres {
        /// Reads, and writes that do not join a batch.
        pool: PgPool,
        /// The batch writer's own connection, so that the statements it
        /// prepared for each batch size stay prepared: taken from `pool`, it
        /// met another connection each batch and prepared them all again.
        batches: PgPool,
    },
}

/// The database: cheap to clone, shared by every request and job.
#[derive(Debug, Clone)]
pub struct Db {
    pools: Arc<Pools>,
    batches: Queue,
}

/// A pooled connection for reads.
pub enum Handle {
    Sqlite(Lent),
    Postgres(PoolConnection<Postgres>),
}

impl Handle {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Handle::Sqlite(c) => Conn::Sqlite(c),
            Handle::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A write transaction; dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.conn),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(mut t) => {
                SqliteTransactionManager::commit(&mut t.conn).await?;
                t.open = false;
            }
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A transaction on the SQLite writer's lent connection. sqlx's own
/// `Transaction` outlives its borrow only on a pool's connection, and the
/// pool would ping the writer before every batch.
pub struct SqliteTx {
    conn: Lent,
    open: bool,
}

impl SqliteTx {
    async fn begin(mut conn: Lent) -> Result<Self, DbError> {
        SqliteTransactionManager::begin(&mut conn, Some("BEGIN IMMEDIATE".into())).await?;
        Ok(Self { conn, open: true })
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        // Queued on the connection's thread ahead of the next borrower's
        // statements, as sqlx's `Transaction` does.
        if self.open {
            SqliteTransactionManager::start_rollback(&mut self.conn);
        }
    }
}

impl Db {
    /// Opens the database at `url`, creating an SQLite file (and its folder) if missing.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self, DbError> {
        let (pools, checkpoint) = match Backend::of_url(url)? {
            Backend::Sqlite => {
                let connect = sqlite_options(url, options)?;
                // Connections are lent without sqlx's pool (see `lending`).
                // A connection of its own copies the log back beside the
                // writer (see `checkpoints`); the writer checkpoints only
                // what is left, and far less often, to restart the log.
                let write = Arc::new(Lender::new(
                    connect
                        .clone()
                        .pragma(
                            "wal_autocheckpoint",
                            crate::checkpoints::WRITER_EVERY_PAGES.to_string(),
                        )
                        .statement_cache_capacity(WRITER_STATEMENTS),
                    1,
                    options.acquire_timeout,
                ));
                // Opened now: it creates the file, and a bad path fails here.
                drop(write.lend().await?);
                // A pool's ping every 250 ms costs nothing.
                let checkpoint = if options.sqlite_bulk_load {
                    None
                } else {
                    Some(
                        SqlitePoolOptions::new()
                            .max_connections(1)
                            .acquire_timeout(options.acquire_timeout)
                            .test_before_acquire(false)
                            .connect_with(connect.clone())
                            .await?,
                    )
                };
                let read = Arc::new(Lender::new(
                    connect.read_only(true),
                    options.max_connections,
                    options.acquire_timeout,
                ));
                (Pools::Sqlite { read, write }, checkpoint)
            }
            Backend::Postgres => {
                let connect = PgConnectOptions::from_str(url).map_err(|e| {
                    DbError::Config(format!("bad PostgreSQL URL {:?}: {e}", redact(url)))
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections.max(2))
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect.clone())
                    .await?;
                let batches = PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect.statement_cache_capacity(WRITER_STATEMENTS))
                    .await?;
                (Pools::Postgres { pool, batches }, None)
            }
        };
        let home = match pools {
            Pools::Sqlite { .. } => WriterHome::OwnThread,
            Pools::Postgres { .. } => WriterHome::Shared,
        };
        let pools = Arc::new(pools);
        if let Some(checkpoint) = checkpoint {
            crate::checkpoints::start(checkpoint, Arc::downgrade(&pools))?;
        }
        let writer = Arc::clone(&pools);
        Ok(Self {
            batches: Queue::start(move || begin(Arc::clone(&writer), Writer::Batches), home)?,
            pools,
        })
    }

    pub fn backend(&self) -> Backend {
        match *self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match &*self.pools {
            Pools::Sqlite { write, .. } => {
                let mut conn = write.lend().await?;
                SQLITE_MIGRATIONS.run_direct(&mut *conn).await?;
            }
            Pools::Postgres { pool, .. } => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Whether every migration of this build has been applied.
    pub async fn is_migrated(&self) -> Result<bool, DbError> {
        let expected = match &*self.pools {
            Pools::Sqlite { .. } => SQLITE_MIGRATIONS.iter().count(),
            Pools::Postgres { .. } => POSTGRES_MIGRATIONS.iter().count(),
        };
        let mut handle = self.read().await?;
        let applied = crate::Sql::new("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = $1")
            .bind(true)
            .scalar::<i64>(&mut handle.conn())
            .await;
        // No bookkeeping table yet: nothing was ever applied.
        Ok(applied.is_ok_and(|n| usize::try_from(n).is_ok_and(|n| n >= expected)))
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<Handle, DbError> {
        Ok(match &*self.pools {
            Pools::Sqlite { read, .. } => Handle::Sqlite(read.lend().await?),
            Pools::Postgres { pool, .. } => Handle::Postgres(pool.acquire().await?),
        })
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads first cannot fail to
    /// upgrade later.
    pub async fn write(&self) -> Result<Tx, DbError> {
        begin(Arc::clone(&self.pools), Writer::Alone).await
    }

    /// Runs `work` in a transaction shared with other such writes (group
    /// commit, see [`crate::batch`]) and returns its result once committed.
    /// `work` must not wait for another write: the writer runs it alone.
    pub async fn write_batched<T, E, W>(&self, work: W) -> Result<T, E>
    where
        W: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.batches.run(work).await
    }

    /// Takes in a planned message with the others waiting (group commit,
    /// see [`crate::batch`]) and returns it once committed.
    pub(crate) async fn take_in(
        &self,
        planned: crate::intake::Planned,
    ) -> Result<crate::messages::MessageView, crate::intake::IntakeError> {
        self.batches.take_in(planned).await
    }

    /// Copies SQLite's whole write-ahead log back into the database file and
    /// empties it; nothing on PostgreSQL. For the end of a bulk load: its log
    /// (3.3 GB after 10M messages) stays otherwise, and every process that
    /// opens the database reads all of it first (2–4 s each, measured).
    pub async fn truncate_log(&self) -> Result<(), DbError> {
        if let Pools::Sqlite { write, .. } = &*self.pools {
            let mut conn = write.lend().await?;
            // The checkpoint thread's copy or a reader's last statement may
            // hold part of the log for a moment (seen under parallel tests).
            for _ in 0..50 {
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(&mut *conn)
                        .await?;
                if busy == 0 {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            return Err(DbError::Config(
                "the log could not be emptied: readers held part of it for 5 s".into(),
            ));
        }
        Ok(())
    }

    /// Turns SQLite's foreign-key checks on the writer's connection off or
    /// back on; nothing on PostgreSQL. For a bulk load whose keys come from
    /// the same database: checked row by row they took a third of the
    /// load's writing (measured), where one `PRAGMA foreign_key_check`
    /// after it ([`Self::foreign_key_violations`]) takes a fifth of that.
    pub(crate) async fn enforce_foreign_keys(&self, on: bool) -> Result<(), DbError> {
        let on = if on { "ON" } else { "OFF" };
        self.on_writer_alone(&format!("PRAGMA foreign_keys = {on}"))
            .await
    }

    /// Gives SQLite's writer a page cache of 64 MiB while a bulk load appends
    /// rows, or SQLite's default of 2 MB again. A seed's transaction of
    /// 10,000 messages makes about 20 MB of pages, which the default cache
    /// spilled into the file mid-transaction, syncing the journal first
    /// (1M messages: rows in 34 s against 37–38 s; 256 MiB was no faster).
    /// Building indexes with the larger cache took 15–16 s against 10 s,
    /// so it is only for the rows. Nothing on PostgreSQL.
    pub(crate) async fn cache_whole_transactions(&self, on: bool) -> Result<(), DbError> {
        let kib = if on { 65_536 } else { 2_000 };
        self.on_writer_alone(&format!("PRAGMA cache_size = -{kib}"))
            .await
    }

    /// Runs one statement on SQLite's writer connection outside any
    /// transaction, for what SQLite ignores or refuses inside one
    /// (`PRAGMA foreign_keys`, `ATTACH`); nothing on PostgreSQL.
    pub(crate) async fn on_writer_alone(&self, statement: &str) -> Result<(), DbError> {
        if let Pools::Sqlite { write, .. } = &*self.pools {
            let mut conn = write.lend().await?;
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// How many rows of `table` point at a row that does not exist (SQLite's
    /// `foreign_key_check`); always 0 on PostgreSQL, which never lets one in.
    pub(crate) async fn foreign_key_violations(&self, table: &str) -> Result<usize, DbError> {
        if let Pools::Sqlite { write, .. } = &*self.pools {
            let mut conn = write.lend().await?;
            let rows = sqlx::query(&format!("PRAGMA foreign_key_check({table})"))
                .fetch_all(&mut *conn)
                .await?;
            return Ok(rows.len());
        }
        Ok(0)
    }

    /// Checks that the database answers; for readiness probes.
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut handle = self.read().await?;
        crate::Sql::new("SELECT 1")
            .scalar::<i32>(&mut handle.conn())
            .await?;
        Ok(())
    }

    /// Creates a database on this PostgreSQL server, for tests and first setup.
    pub async fn create_database(&self, name: &str) -> Result<(), DbError> {
        self.postgres_admin(&format!("CREATE DATABASE \"{}\"", identifier(name)?))
            .await
    }

    /// Drops a database of this PostgreSQL server, closing its connections.
    pub async fn drop_database(&self, name: &str) -> Result<(), DbError> {
        self.postgres_admin(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            identifier(name)?
        ))
        .await
    }

    async fn postgres_admin(&self, statement: &str) -> Result<(), DbError> {
        match &*self.pools {
            Pools::Postgres { pool, .. } => {
                sqlx::query(statement).execute(pool).await?;
                Ok(())
            }
            Pools::Sqlite { .. } => Err(DbError::Config(
                "databases are created this way on PostgreSQL only".into(),
            )),
        }
    }

    pub async fn close(&self) {
        match &*self.pools {
            Pools::Sqlite { read, write } => {
                read.close();
                write.close();
            }
            Pools::Postgres { pool, batches } => {
                batches.close().await;
                pool.close().await;
            }
        }
    }
}

/// Who begins a write transaction.
#[derive(Clone, Copy)]
enum Writer {
    /// The batch writer.
    Batches,
    /// A write outside the batches ([`Db::write`]).
    Alone,
}

async fn begin(pools: Arc<Pools>, writer: Writer) -> Result<Tx, DbError> {
    Ok(match (&*pools, writer) {
        (Pools::Sqlite { write, .. }, _) => Tx::Sqlite(SqliteTx::begin(write.lend().await?).await?),
        (Pools::Postgres { batches, .. }, Writer::Batches) => Tx::Postgres(batches.begin().await?),
        (Pools::Postgres { pool, .. }, Writer::Alone) => Tx::Postgres(pool.begin().await?),
    })
}

/// A database name safe to splice into DDL: lowercase letters, digits, `_`.
fn identifier(name: &str) -> Result<&str, DbError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(DbError::Config(format!(
            "not a plain database name: {name:?}"
        )))
    }
}

fn sqlite_options(url: &str, options: &DbOptions) -> Result<SqliteConnectOptions, DbError> {
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::Config(format!("bad SQLite URL {url:?}: {e}")))?;
    let path = connect.get_filename().to_path_buf();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            DbError::Config(format!(
                "cannot create the data folder {}: {e}",
                dir.display()
            ))
        })?;
    }
    let (journal, synchronous) = if options.sqlite_bulk_load {
        (SqliteJournalMode::Truncate, SqliteSynchronous::Full)
    } else if options.sqlite_synchronous_full {
        (SqliteJournalMode::Wal, SqliteSynchronous::Full)
    } else {
        (SqliteJournalMode::Wal, SqliteSynchronous::Normal)
    };
    Ok(connect
        .create_if_missing(true)
        .journal_mode(journal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}
