//! Many rows per statement: the bulk load's inserts, and the secondary
//! indexes it drops before loading and builds again after.

use crate::{Arg, Backend, Conn, DbError, Sql};

/// Rows per statement: under SQLite's 32 766 and PostgreSQL's 65 535
/// bound values for the widest table (22 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `rows` with `head` (`INSERT INTO t (a, b) VALUES `) and one
/// `template` per row, whose `{}` stand for the row's values in order.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    head: &str,
    template: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), DbError> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::new(head);
        for (i, values) in rows.by_ref().take(ROWS_PER_STATEMENT).enumerate() {
            if i > 0 {
                sql = sql.push(", ");
            }
            let mut parts = template.split("{}");
            sql = sql.push(parts.next().unwrap_or_default());
            for (value, part) in values.into_iter().zip(parts) {
                sql = sql.push_bound("{}", value).push(part);
            }
        }
        sql.execute(conn).await?;
    }
    Ok(())
}

/// An index to build again after the load.
#[derive(sqlx::FromRow)]
pub(super) struct Index {
    name: String,
    sql: String,
}

/// Drops the secondary indexes of the loaded tables (those not backing a
/// constraint) and returns their definitions: building an index once over
/// sorted rows is many times faster than updating it row by row.
pub(super) async fn drop_indexes(conn: &mut Conn<'_>) -> Result<Vec<Index>, DbError> {
    let query = match conn.backend() {
        Backend::Sqlite => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('messages', 'message_events') AND sql IS NOT NULL ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT indexname AS name, indexdef AS sql FROM pg_indexes \
             WHERE schemaname = current_schema() \
             AND tablename IN ('messages', 'message_events', 'search_messages') \
             AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        }
    };
    let indexes: Vec<Index> = Sql::new(query).fetch_all(conn).await?;
    for index in &indexes {
        Sql::new(format!("DROP INDEX {}", index.name))
            .execute(conn)
            .await?;
    }
    Ok(indexes)
}

pub(super) async fn create_indexes(conn: &mut Conn<'_>, indexes: &[Index]) -> Result<(), DbError> {
    for index in indexes {
        Sql::new(index.sql.clone()).execute(conn).await?;
    }
    Ok(())
}
