//! SQLite's connections — the readers, and the one writer — lent without
//! sqlx's pool. sqlx pings every connection given back to its pool — a
//! spawned task and a round trip to the connection's thread after every
//! read, ≈ 5 % of the server's samples under intake, and one before every
//! batch the writer begins. On SQLite the ping checks nothing (a file does not drop a
//! connection) and flushes nothing: a connection's thread runs its commands
//! in order, so a rollback queued by a dropped transaction runs before the
//! next borrower's first statement. Here a connection goes back to the idle
//! list as it is dropped.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tokio::sync::{Mutex as Slot, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::DbError;

/// A connection's place: locked while it is on loan.
type Shared = Arc<Slot<SqliteConnection>>;

/// Up to a number of connections, opened as they are first needed.
#[derive(Debug)]
pub(crate) struct Lender {
    connect: SqliteConnectOptions,
    acquire_timeout: Duration,
    idle: Mutex<Vec<Shared>>,
    lendable: Arc<Semaphore>,
}

/// A connection on loan; dropped, it goes back to the idle list.
#[derive(Debug)]
pub struct Lent {
    conn: OwnedMutexGuard<SqliteConnection>,
    slot: Shared,
    lender: Arc<Lender>,
    _permit: OwnedSemaphorePermit,
}

impl Lender {
    pub(crate) fn new(connect: SqliteConnectOptions, max: u32, acquire_timeout: Duration) -> Self {
        Self {
            connect,
            acquire_timeout,
            idle: Mutex::default(),
            lendable: Arc::new(Semaphore::new(max.max(1) as usize)),
        }
    }

    /// An idle connection, or a new one while fewer than the most are open;
    /// waits for one to come back otherwise.
    pub(crate) async fn lend(self: &Arc<Self>) -> Result<Lent, DbError> {
        let permit = tokio::time::timeout(
            self.acquire_timeout,
            Arc::clone(&self.lendable).acquire_owned(),
        )
        .await
        .map_err(|_| DbError::Sqlx(sqlx::Error::PoolTimedOut))?
        .map_err(|_| DbError::Sqlx(sqlx::Error::PoolClosed))?;
        let idle = self.idle().pop();
        let slot = match idle {
            Some(slot) => slot,
            None => Arc::new(Slot::new(self.connect.connect().await?)),
        };
        // Unlocked at once but for the instant between a borrower putting
        // it back and its guard's release.
        let conn = Arc::clone(&slot).lock_owned().await;
        Ok(Lent {
            conn,
            slot,
            lender: Arc::clone(self),
            _permit: permit,
        })
    }

    /// Lends no more; the idle connections close as they are dropped.
    pub(crate) fn close(&self) {
        self.lendable.close();
        self.idle().clear();
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Shared>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::ops::Deref for Lent {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Lent {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        // After `close`, a connection given back is dropped, which ends its thread.
        if !self.lender.lendable.is_closed() {
            self.lender.idle().push(Arc::clone(&self.slot));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::Connection;

    use super::*;

    /// One connection at most, to an in-memory database of its own: a
    /// second borrower gets the same connection or none.
    fn one_connection() -> Arc<Lender> {
        let connect = SqliteConnectOptions::from_str("sqlite::memory:").expect("options");
        Arc::new(Lender::new(connect, 1, Duration::from_millis(200)))
    }

    async fn tables_named_t(reader: &mut Lent) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 't'")
            .fetch_one(&mut **reader)
            .await
            .expect("query")
    }

    #[tokio::test]
    async fn a_connection_given_back_is_lent_again_and_the_most_are_kept_to() {
        let readers = one_connection();
        let mut first = readers.lend().await.expect("lent");
        sqlx::query("CREATE TABLE t (x)")
            .execute(&mut *first)
            .await
            .expect("created");
        // The only connection is out: the next borrower waits, then gives up.
        assert!(matches!(
            readers.lend().await,
            Err(DbError::Sqlx(sqlx::Error::PoolTimedOut))
        ));
        drop(first);
        let mut again = readers.lend().await.expect("lent again");
        assert_eq!(tables_named_t(&mut again).await, 1, "the same connection");
    }

    #[tokio::test]
    async fn a_transaction_dropped_on_loan_is_rolled_back_before_the_next_borrower() {
        let readers = one_connection();
        let mut reader = readers.lend().await.expect("lent");
        let mut tx = reader.begin().await.expect("began");
        sqlx::query("CREATE TABLE t (x)")
            .execute(&mut *tx)
            .await
            .expect("created");
        drop(tx);
        drop(reader);
        let mut next = readers.lend().await.expect("lent again");
        assert_eq!(tables_named_t(&mut next).await, 0, "rolled back");
        next.begin().await.expect("no transaction left open");
    }

    #[tokio::test]
    async fn a_closed_lender_lends_nothing() {
        let readers = one_connection();
        drop(readers.lend().await.expect("lent"));
        readers.close();
        assert!(readers.idle().is_empty());
        assert!(matches!(
            readers.lend().await,
            Err(DbError::Sqlx(sqlx::Error::PoolClosed))
        ));
    }
}
