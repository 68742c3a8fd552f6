//! Many rows per statement: one round trip for a whole batch instead of one
//! per row, for the bulk load and for intake's group commit; and for a bulk
//! load on PostgreSQL, `COPY` (see [`appended`]).

use std::fmt::Write as _;

use crate::copy_in::CopyIn;
use crate::sql::SqliteEncoded;
use crate::{Arg, Backend, Conn, DbError, Sql};

/// Bound values per statement: SQLite's limit (PostgreSQL's is 65 535).
/// As many rows go into each statement as stay under it: on SQLite a
/// full-text table writes its pending entries out as a new segment at the
/// end of every statement, and each segment is merged again later.
const VALUES_PER_STATEMENT: usize = 32_766;

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
    let rows_per_statement = VALUES_PER_STATEMENT / (parts.len() - 1).max(1);
    let mut statements = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut text = String::with_capacity(
            head.len() + tail.len() + (template.len() + 8) * rows.len().min(rows_per_statement),
        );
        text.push_str(head);
        let mut args = Vec::with_capacity(VALUES_PER_STATEMENT.min(rows.len() * (parts.len() - 1)));
        for (i, values) in rows.by_ref().take(rows_per_statement).enumerate() {
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

/// The statements for `rows` (see [`statements`]), built `part` rows at a
/// time as they are taken, so that millions of rows are never all bound at
/// once (the map grid's cells of a 10M seed took its memory from 1.2 to
/// 1.9 GB that way).
pub(crate) fn statements_by_part(
    backend: Backend,
    head: String,
    template: String,
    tail: String,
    rows: impl Iterator<Item = Vec<Arg>>,
    part: usize,
) -> impl Iterator<Item = Sql> {
    let mut rows = rows.peekable();
    std::iter::from_fn(move || {
        rows.peek()?;
        let part: Vec<_> = rows.by_ref().take(part).collect();
        Some(statements(backend, &head, &template, &tail, part))
    })
    .flatten()
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

/// One step of a bulk load, built away from the writer.
pub(crate) enum Step {
    Statement(Sql),
    /// SQLite only: a statement with its values encoded for the driver.
    Encoded(SqliteEncoded),
    /// PostgreSQL only.
    Copy(CopyIn),
}

/// The steps that append `rows` (values in the order of `columns`) to
/// `table`: multi-row `INSERT`s on SQLite, their values encoded for the
/// driver here, away from the writer; one `COPY` on PostgreSQL, which
/// loads a seed's rows several times faster than its `INSERT`s (see
/// docs/PERFORMANCE.md).
pub(crate) fn appended(
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<Vec<Step>, DbError> {
    match backend {
        Backend::Sqlite => {
            let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let template = format!("({})", vec!["{}"; columns.len()].join(", "));
            statements(backend, &head, &template, "", rows)
                .into_iter()
                .map(|sql| sql.encoded_for_sqlite().map(Step::Encoded))
                .collect()
        }
        Backend::Postgres => {
            let mut copy = CopyIn::new(table, columns);
            let mut rows = rows.into_iter();
            if let Some(first) = rows.next() {
                copy.row(first);
                copy.reserve_rows(rows.len());
            }
            for row in rows {
                copy.row(row);
            }
            Ok(vec![Step::Copy(copy)])
        }
    }
}

/// Runs the steps of a bulk load, in order.
pub(crate) async fn run_steps(conn: &mut Conn<'_>, steps: Vec<Step>) -> Result<(), DbError> {
    for step in steps {
        run_step(conn, step).await?;
    }
    Ok(())
}

/// Runs one step of a bulk load.
pub(crate) async fn run_step(conn: &mut Conn<'_>, step: Step) -> Result<(), DbError> {
    match (step, conn) {
        (Step::Statement(sql), conn) => {
            sql.execute(conn).await?;
        }
        (Step::Encoded(encoded), Conn::Sqlite(sqlite)) => {
            encoded.execute(sqlite).await?;
        }
        (Step::Copy(copy), Conn::Postgres(pg)) => {
            copy.run(pg).await?;
        }
        (Step::Encoded(_), Conn::Postgres(_)) | (Step::Copy(_), Conn::Sqlite(_)) => {
            return Err(DbError::Config(
                "a step built for the other database backend".into(),
            ));
        }
    }
    Ok(())
}

/// Runs statements built beforehand (see [`statements`]), in order.
pub(crate) async fn run(conn: &mut Conn<'_>, statements: Vec<Sql>) -> Result<(), DbError> {
    for sql in statements {
        sql.execute(conn).await?;
    }
    Ok(())
}
