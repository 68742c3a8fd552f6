//! PostgreSQL's `COPY … FROM STDIN` for bulk loads: rows streamed as text
//! and parsed by the server as they come, where a multi-row `INSERT` is
//! parsed, planned and bound as one statement of thousands of parameters.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
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

    /// Makes room for `more` rows like those so far, so that a large load
    /// is not copied again each time its buffer doubles.
    pub(crate) fn reserve_rows(&mut self, more: usize) {
        let per_row = self.data.len() / usize::try_from(self.rows.max(1)).unwrap_or(1);
        self.data.reserve(per_row.saturating_mul(more) / 4 * 5);
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
        Arg::Date(Some(v)) => {
            write_date(out, *v);
        }
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
    // The escaped characters are ASCII, so a byte search finds them and the
    // runs between them go in whole (char by char, texts cost more than the
    // rest of a row).
    let mut rest = v;
    while let Some(at) = rest
        .bytes()
        .position(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Microseconds, as PostgreSQL keeps them and as sqlx binds them (truncated).
/// Written digit by digit: chrono's `format` parses its pattern on every
/// call, a tenth of a seed's own time on PostgreSQL.
fn write_time(out: &mut String, v: &DateTime<Utc>) {
    let at = v.naive_utc();
    if !write_date(out, at.date()) {
        return;
    }
    // A leap second's extra nanoseconds, as chrono prints them: second 60.
    let nanos = at.nanosecond();
    let (leap, nanos) = if nanos >= 1_000_000_000 {
        (1, nanos - 1_000_000_000)
    } else {
        (0, nanos)
    };
    out.push(' ');
    push_digits(out, at.hour(), 2);
    out.push(':');
    push_digits(out, at.minute(), 2);
    out.push(':');
    push_digits(out, at.second() + leap, 2);
    out.push('.');
    push_digits(out, nanos / 1000, 6);
    out.push_str("+00");
}

/// Writes `v` as `YYYY-MM-DD`; years outside 0–9999, which a seed never
/// makes, in chrono's own form (an error when PostgreSQL reads them), and
/// then false.
fn write_date(out: &mut String, v: NaiveDate) -> bool {
    let Ok(year) = u32::try_from(v.year()) else {
        let _ = write!(out, "{}", v.format("%Y-%m-%d"));
        return false;
    };
    if year > 9999 {
        let _ = write!(out, "{}", v.format("%Y-%m-%d"));
        return false;
    }
    push_digits(out, year, 4);
    out.push('-');
    push_digits(out, v.month(), 2);
    out.push('-');
    push_digits(out, v.day(), 2);
    true
}

/// The last `width` decimal digits of `v`, zero-padded.
fn push_digits(out: &mut String, v: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (v / 10u32.pow(place)) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
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
    fn times_and_dates_as_chrono_prints_them() {
        let times = [
            "2026-03-01T09:05:07.1234567Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2016-12-31T23:59:60.5Z",
        ];
        for time in times {
            let at = DateTime::parse_from_rfc3339(time)
                .unwrap()
                .with_timezone(&Utc);
            let mut out = String::new();
            write_time(&mut out, &at);
            assert_eq!(
                out,
                at.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string(),
                "{time}"
            );
        }
        let far = NaiveDate::from_ymd_opt(12026, 3, 1).unwrap();
        let mut out = String::new();
        assert!(!write_date(&mut out, far));
        assert_eq!(out, far.format("%Y-%m-%d").to_string());
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
