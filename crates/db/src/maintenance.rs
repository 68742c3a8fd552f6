//! Housekeeping that keeps the query planner informed as tables grow.

use crate::{Backend, Db, DbError, Sql};

/// Refreshes planner statistics: `PRAGMA optimize` on SQLite (cheap, analyses
/// only what changed), `ANALYZE` on PostgreSQL.
pub async fn optimise(db: &Db) -> Result<(), DbError> {
    let statement = match db.backend() {
        Backend::Sqlite => "PRAGMA optimize",
        Backend::Postgres => "ANALYZE",
    };
    let mut tx = db.write().await?;
    Sql::new(statement).execute(&mut tx.conn()).await?;
    tx.commit().await
}
