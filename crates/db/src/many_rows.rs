//! Many rows per statement: one round trip for a whole batch instead of one
//! per row, for the bulk load and for intake's group commit.

use crate::{Arg, Conn, DbError, Sql};

/// Rows per statement: under SQLite's 32 766 and PostgreSQL's 65 535
/// bound values for the widest table (22 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// The statements that insert `rows`: `head` (`INSERT INTO t (a, b) VALUES `),
/// one `template` per row whose `{}` stand for the row's values in order,
/// and `tail` after the rows (` RETURNING id`, or nothing).
pub(crate) fn statements(head: &str, template: &str, tail: &str, rows: Vec<Vec<Arg>>) -> Vec<Sql> {
    let mut statements = Vec::new();
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
        statements.push(sql.push(tail));
    }
    statements
}

/// Inserts `rows` (see [`statements`]).
pub(crate) async fn insert(
    conn: &mut Conn<'_>,
    head: &str,
    template: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), DbError> {
    for sql in statements(head, template, "", rows) {
        sql.execute(conn).await?;
    }
    Ok(())
}
