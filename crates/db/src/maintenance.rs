//! Housekeeping: the search index catches up with messages it missed (after
//! an upgrade or a bulk import), and the query planner learns how tables grew.

use crate::{Backend, Db, DbError, Sql};

/// Refreshes planner statistics: `PRAGMA optimize` on SQLite (cheap, analyses
/// only what changed), `ANALYZE` on PostgreSQL.
pub async fn optimise(db: &Db) -> Result<(), DbError> {
    let statement = match db.backend() {
        Backend::Sqlite => "PRAGMA optimize",
        Backend::Postgres => "ANALYZE",
    };
    let mut tx = db.write().await?;
    crate::search::index_missing(&mut tx.conn()).await?;
    Sql::new(statement).execute(&mut tx.conn()).await?;
    tx.commit().await
}
