//! What the seed's generator summed in memory as it went — the map's grid,
//! the daily counters and their roll-ups — written once the rows are in.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::demo::counters::Sums;
use crate::map::grid::BulkCells;
use crate::sql::SqliteEncoded;
use crate::{Backend, Db, DbError, Sql, counters, many_rows};

pub(super) struct Summed {
    pub(super) cells: BulkCells,
    pub(super) sums: Sums,
    /// Each topic's category, which keys the category roll-ups.
    pub(super) categories: HashMap<i64, i64>,
}

/// The statements being built and encoded beside the writer, a few ahead of it.
pub(super) struct Encoding {
    statements: mpsc::Receiver<Result<SqliteEncoded, DbError>>,
    builder: JoinHandle<()>,
}

/// Statements built ahead of the writer: enough to keep it busy, few
/// enough to keep their bound values out of memory.
const AHEAD: usize = 4;

impl Summed {
    /// The statements that write it, each built as it is taken.
    fn statements(self, backend: Backend) -> impl Iterator<Item = Sql> {
        let counters = counters::upserts(backend, &self.categories, self.sums.changes());
        self.cells.statements(backend).chain(counters)
    }

    /// Writes it in a transaction of its own (on PostgreSQL, beside the
    /// index builds: its tables are its own).
    pub(super) async fn write(self, db: &Db) -> Result<(), DbError> {
        let mut tx = db.write().await?;
        for sql in self.statements(db.backend()) {
            sql.execute(&mut tx.conn()).await?;
        }
        tx.commit().await
    }

    /// On SQLite, whose one writer builds the indexes first: sums the
    /// roll-ups, sorts the keys and builds and encodes the first statements
    /// on a thread of their own meanwhile, so that the writer then only
    /// runs them (see [`Encoding::write`]).
    pub(super) fn encode_beside(self) -> Encoding {
        let (sender, statements) = mpsc::channel(AHEAD);
        let builder = tokio::task::spawn_blocking(move || {
            for sql in self.statements(Backend::Sqlite) {
                if sender.blocking_send(sql.encoded_for_sqlite()).is_err() {
                    // The writer stopped; its error is reported.
                    return;
                }
            }
        });
        Encoding {
            statements,
            builder,
        }
    }
}

impl Encoding {
    /// Runs the statements as they come, in a transaction of their own.
    pub(super) async fn write(mut self, db: &Db) -> Result<(), DbError> {
        let mut tx = db.write().await?;
        while let Some(encoded) = self.statements.recv().await {
            many_rows::run_step(&mut tx.conn(), many_rows::Step::Encoded(encoded?)).await?;
        }
        // A builder that died would have closed the channel early.
        self.builder.await.map_err(|e| {
            DbError::Config(format!(
                "building the grid's and counters' statements failed: {e}"
            ))
        })?;
        tx.commit().await
    }
}
