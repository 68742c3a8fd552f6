//! PostgreSQL checks a foreign key for every row a load adds, through a
//! trigger queued per row and key: 200,000 seeded messages took 4.8 s to
//! `COPY` with their four keys and 1.6 s without, while adding a key again
//! afterwards checks all the rows in one join (0.1–0.2 s). So the seed
//! drops the loaded tables' keys and adds them back after the load, which
//! fails if a row points nowhere. (SQLite's writer has the checks switched
//! off instead: see [`crate::Db::enforce_foreign_keys`].)

use crate::{Backend, Conn, DbError, Sql};

/// A foreign key to add again after the load.
#[derive(sqlx::FromRow)]
pub(super) struct ForeignKey {
    table_name: String,
    name: String,
    definition: String,
}

/// Drops the foreign keys of the loaded tables on PostgreSQL, returning
/// them; nothing on SQLite.
pub(super) async fn drop_all(conn: &mut Conn<'_>) -> Result<Vec<ForeignKey>, DbError> {
    if conn.backend() != Backend::Postgres {
        return Ok(Vec::new());
    }
    let keys: Vec<ForeignKey> = Sql::new(
        "SELECT conrelid::regclass::text AS table_name, conname AS name, \
         pg_get_constraintdef(oid) AS definition FROM pg_constraint \
         WHERE contype = 'f' AND conrelid IN \
         ('messages'::regclass, 'message_events'::regclass, 'search_messages'::regclass) \
         ORDER BY conname",
    )
    .fetch_all(conn)
    .await?;
    for key in &keys {
        Sql::new(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            key.table_name, key.name
        ))
        .execute(conn)
        .await?;
    }
    Ok(keys)
}

/// Adds the keys back, each checked over every row at once.
pub(super) async fn add_all(conn: &mut Conn<'_>, keys: &[ForeignKey]) -> Result<(), DbError> {
    for key in keys {
        Sql::new(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            key.table_name, key.name, key.definition
        ))
        .execute(conn)
        .await?;
    }
    Ok(())
}
