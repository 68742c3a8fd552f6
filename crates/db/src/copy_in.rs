//! PostgreSQL's `COPY … FROM STDIN` for bulk loads: rows streamed as text
//! and parsed by the server as they come, where a multi-row `INSERT` is
//! parsed, planned and bound as one statement of thousands of parameters.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::{Arg, DbError};

/// Rows for one table, in `COPY`'s text format, built away from the writer.
pub(crate) struct CopyIn {
    statement: String,
    data: String,
    rows: u64,
}

impl CopyIn {
    pub(crate) fn new(table: &str, columns: &[&str]) -> Self {
        Self {
            statement: format!("COPY {table} ({}) FROM STDIN", columns.join(", ")),
            data: String::new(),
            rows: 0,
        }
    }

    /// Appends a row; `values` in the order of the columns.
    pub(crate) fn row(&mut self, values: impl IntoIterator<Item = Arg>) {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.data.push('\t');
            }
            write_value(&mut self.data, &value);
        }
        self.data.push('\n');
        self.rows += 1;
    }

    /// Sends the rows; returns how many the server took.
    pub(crate) async fn run(self, conn: &mut PgConnection) -> Result<u64, DbError> {
        let mut copy = conn.copy_in_raw(&self.statement).await?;
        if let Err(e) = copy.send(self.data.into_bytes()).await {
            // Leave the connection usable; the send's error is the one to tell.
            let _ = copy.abort("the client failed to send its rows").await;
            return Err(e.into());
        }
        let copied = copy.finish().await?;
        if copied != self.rows {
            return Err(DbError::Corrupt(format!(
                "COPY took {copied} rows of {}",
                self.rows
            )));
        }
        Ok(copied)
    }
}

/// One value as `COPY`'s text format has it: `\N` for NULL, the type's
/// input syntax otherwise, with backslash, tab and line ends escaped.
fn write_value(out: &mut String, value: &Arg) {
    match value {
        Arg::Int(None)
        | Arg::Real(None)
        | Arg::Bool(None)
        | Arg::Text(None)
        | Arg::Time(None)
        | Arg::Date(None)
        | Arg::Bytes(None) => out.push_str("\\N"),
        Arg::Int(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Arg::Real(Some(v)) => write_real(out, *v),
        Arg::Bool(Some(v)) => out.push(if *v { 't' } else { 'f' }),
        Arg::Text(Some(v)) => write_text(out, v),
        Arg::Time(Some(v)) => write_time(out, v),
        Arg::Date(Some(v)) => write_date(out, *v),
        Arg::Bytes(Some(v)) => {
            // bytea's hex input, its backslash escaped for COPY.
            out.push_str("\\\\x");
            for byte in v {
                let _ = write!(out, "{byte:02x}");
            }
        }
    }
}

fn write_real(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        // Rust's shortest representation reads back as the same double.
        let _ = write!(out, "{v}");
    }
}

fn write_text(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Microseconds, as PostgreSQL keeps them and as sqlx binds them (truncated).
fn write_time(out: &mut String, v: &DateTime<Utc>) {
    let _ = write!(out, "{}", v.format("%Y-%m-%d %H:%M:%S%.6f+00"));
}

fn write_date(out: &mut String, v: NaiveDate) {
    let _ = write!(out, "{}", v.format("%Y-%m-%d"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(values: Vec<Arg>) -> String {
        let mut copy = CopyIn::new("t", &["a"]);
        copy.row(values);
        copy.data
    }

    #[test]
    fn text_escapes_what_copy_reads_as_syntax() {
        assert_eq!(
            encoded(vec!["a\tb\nc\rd\\e «ё»".into()]),
            "a\\tb\\nc\\rd\\\\e «ё»\n"
        );
    }

    #[test]
    fn nulls_and_scalars_in_postgres_input_syntax() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T09:05:07.1234567Z")
            .unwrap()
            .with_timezone(&Utc);
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            encoded(vec![
                Arg::Text(None),
                42i64.into(),
                true.into(),
                false.into(),
                51.7304.into(),
                at.into(),
                day.into(),
                vec![0u8, 0xab].into(),
            ]),
            "\\N\t42\tt\tf\t51.7304\t2026-03-01 09:05:07.123456+00\t2026-03-01\t\\\\x00ab\n"
        );
    }

    #[test]
    fn doubles_read_back_exactly_and_infinities_are_named() {
        for v in [0.1 + 0.2, -1e-300, 1e300, f64::MIN_POSITIVE] {
            let text = encoded(vec![v.into()]);
            let read: f64 = text.trim_end().parse().unwrap();
            assert_eq!(read.to_bits(), v.to_bits());
        }
        assert_eq!(encoded(vec![f64::INFINITY.into()]), "Infinity\n");
        assert_eq!(encoded(vec![f64::NEG_INFINITY.into()]), "-Infinity\n");
        assert_eq!(encoded(vec![f64::NAN.into()]), "NaN\n");
    }

    /// Every kind of value, read back from PostgreSQL as it was sent; where
    /// the tests run on PostgreSQL (`VMESTE_TEST_DATABASE_URL`), as `COPY`
    /// is PostgreSQL's alone.
    #[tokio::test]
    async fn rows_read_back_from_postgres_as_written() {
        use sqlx::{Connection, Row};
        let Ok(url) = std::env::var("VMESTE_TEST_DATABASE_URL") else {
            return;
        };
        let mut conn = PgConnection::connect(&url).await.unwrap();
        sqlx::query(
            "CREATE TEMPORARY TABLE copied (i BIGINT, r DOUBLE PRECISION, b BOOLEAN, \
             s TEXT, at TIMESTAMPTZ, d DATE, x BYTEA)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        let at = DateTime::parse_from_rfc3339("2026-03-01T09:05:07.123456+03:00")
            .unwrap()
            .with_timezone(&Utc);
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let text = "ул. Ленина\tд. 5\nкв. \\ 7\r «ё» 'x' \"y\" \\N";
        let mut copy = CopyIn::new("copied", &["i", "r", "b", "s", "at", "d", "x"]);
        copy.row([
            Arg::from(-7i64),
            0.1f64.into(),
            true.into(),
            text.into(),
            at.into(),
            day.into(),
            vec![0u8, 9, 92, 255].into(),
        ]);
        copy.row([
            Arg::Int(None),
            Arg::Real(None),
            Arg::Bool(None),
            Arg::Text(None),
            Arg::Time(None),
            Arg::Date(None),
            Arg::Bytes(None),
        ]);
        assert_eq!(copy.run(&mut conn).await.unwrap(), 2);
        let rows = sqlx::query("SELECT i, r, b, s, at, d, x FROM copied ORDER BY i NULLS LAST")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let first = &rows[0];
        assert_eq!(first.get::<i64, _>("i"), -7);
        assert_eq!(first.get::<f64, _>("r").to_bits(), 0.1f64.to_bits());
        assert!(first.get::<bool, _>("b"));
        assert_eq!(first.get::<String, _>("s"), text);
        assert_eq!(first.get::<DateTime<Utc>, _>("at"), at);
        assert_eq!(first.get::<NaiveDate, _>("d"), day);
        assert_eq!(first.get::<Vec<u8>, _>("x"), vec![0u8, 9, 92, 255]);
        let nulls = &rows[1];
        assert!(nulls.get::<Option<i64>, _>("i").is_none());
        assert!(nulls.get::<Option<String>, _>("s").is_none());
        assert!(nulls.get::<Option<DateTime<Utc>>, _>("at").is_none());
        assert!(nulls.get::<Option<Vec<u8>>, _>("x").is_none());
    }
}
