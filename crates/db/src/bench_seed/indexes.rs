//! The secondary indexes the bulk load drops before loading and builds
//! again after.

use crate::{Backend, Conn, DbError, Sql};

/// An index to build again after the load.
#[derive(sqlx::FromRow)]
pub(super) struct Index {
    name: String,
    table_name: String,
    sql: String,
}

impl Index {
    /// The search index, PostgreSQL's GIN, which the server builds on one
    /// core (B-trees get parallel workers).
    pub(super) fn is_full_text(&self) -> bool {
        self.table_name == "search_messages"
    }
}

/// Partial indexes of what the seed never writes (copies, duplicates):
/// they stay empty during the load, so keeping them costs nothing, where
/// building them again would read the whole table (5.5 s each at 10M).
const KEPT: &str = "('messages_copy_of', 'messages_duplicate_of')";

/// Drops the secondary indexes of the loaded tables (those not backing a
/// constraint, and not [`KEPT`]) and returns their definitions: building an
/// index once over sorted rows is many times faster than updating it row
/// by row.
pub(super) async fn drop_all(conn: &mut Conn<'_>) -> Result<Vec<Index>, DbError> {
    let query = match conn.backend() {
        Backend::Sqlite => format!(
            "SELECT name, tbl_name AS table_name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('messages', 'message_events') AND sql IS NOT NULL \
             AND name NOT IN {KEPT} ORDER BY name"
        ),
        Backend::Postgres => format!(
            "SELECT indexname AS name, tablename AS table_name, indexdef AS sql FROM pg_indexes \
             WHERE schemaname = current_schema() \
             AND tablename IN ('messages', 'message_events', 'search_messages') \
             AND indexname NOT IN (SELECT conname FROM pg_constraint) \
             AND indexname NOT IN {KEPT} ORDER BY indexname"
        ),
    };
    let indexes: Vec<Index> = Sql::new(query).fetch_all(conn).await?;
    for index in &indexes {
        Sql::new(format!("DROP INDEX {}", index.name))
            .execute(conn)
            .await?;
    }
    Ok(indexes)
}

pub(super) async fn create_all(
    conn: &mut Conn<'_>,
    indexes: impl IntoIterator<Item = &Index>,
) -> Result<(), DbError> {
    for index in indexes {
        Sql::new(index.sql.clone()).execute(conn).await?;
    }
    Ok(())
}

/// Lets SQLite's sorter, which builds each index and groups the map's
/// grid, sort on helper threads, one a core; by default it sorts on the
/// connection's thread alone while the other cores idle. PostgreSQL
/// already builds an index with parallel workers.
pub(super) async fn sort_on_every_core(conn: &mut Conn<'_>) -> Result<(), DbError> {
    if conn.backend() == Backend::Sqlite {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Sql::new(format!("PRAGMA threads = {cores}"))
            .execute(conn)
            .await?;
    }
    Ok(())
}
