//! Many rows per statement: one round trip for a whole batch instead of one
//! per row, for the bulk load and for intake's group commit.

use std::fmt::Write as _;

use crate::{Arg, Backend, Conn, DbError, Sql};

/// Rows per statement: under SQLite's 32 766 and PostgreSQL's 65 535
/// bound values for the widest table (22 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// The statements that insert `rows`: `head` (`INSERT INTO t (a, b) VALUES `),
/// one `template` per row whose `{}` stand for the row's values in order,
/// and `tail` after the rows (` RETURNING id`, or nothing).
pub(crate) fn statements(
    backend: Backend,
    head: &str,
    template: &str,
    tail: &str,
    rows: Vec<Vec<Arg>>,
) -> Vec<Sql> {
    let parts: Vec<&str> = template.split("{}").collect();
    let mut statements = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut text = String::with_capacity(
            head.len() + tail.len() + (template.len() + 8) * ROWS_PER_STATEMENT,
        );
        text.push_str(head);
        let mut args = Vec::with_capacity(ROWS_PER_STATEMENT * (parts.len() - 1));
        for (i, values) in rows.by_ref().take(ROWS_PER_STATEMENT).enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(parts[0]);
            for (value, part) in values.into_iter().zip(&parts[1..]) {
                args.push(value);
                match backend {
                    // SQLite finds a numbered placeholder's name by a scan of
                    // all the names, which makes binding thousands of `$n`
                    // quadratic; anonymous ones bind in order at no cost.
                    Backend::Sqlite => text.push('?'),
                    Backend::Postgres => {
                        let _ = write!(text, "${}", args.len());
                    }
                }
                text.push_str(part);
            }
        }
        text.push_str(tail);
        statements.push(Sql::with_args(text, args));
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
    let statements = statements(conn.backend(), head, template, "", rows);
    run(conn, statements).await
}

/// Runs statements built beforehand (see [`statements`]), in order.
pub(crate) async fn run(conn: &mut Conn<'_>, statements: Vec<Sql>) -> Result<(), DbError> {
    for sql in statements {
        sql.execute(conn).await?;
    }
    Ok(())
}
