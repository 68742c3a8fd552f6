//! One SQL text, two backends.
//!
//! Queries are written once with `$1` placeholders (SQLite accepts them too) and
//! carry their arguments as portable values; execution binds them to the native
//! driver, so rows decode with each driver's own types (booleans, timestamps,
//! dates) instead of a lowest common denominator.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection};

use crate::DbError;

/// A connection (or an open transaction) of either backend.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    pub fn backend(&self) -> crate::Backend {
        match self {
            Conn::Sqlite(_) => crate::Backend::Sqlite,
            Conn::Postgres(_) => crate::Backend::Postgres,
        }
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($($t:ty => $variant:ident $(as $conv:ty)?),* $(,)?) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self { Arg::$variant(Some((v $(as $conv)?).into())) }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self { Arg::$variant(v.map(|v| (v $(as $conv)?).into())) }
        }
    )*};
}
arg_from!(
    i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Real, bool => Bool,
    String => Text, &str => Text, DateTime<Utc> => Time, NaiveDate => Date, Vec<u8> => Bytes,
);

/// Rows that decode on both backends (a `#[derive(sqlx::FromRow)]` struct).
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A single value that decodes on both backends.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

/// A query: its text and its arguments.
#[derive(Debug, Clone)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

/// Runs `$body` with `$v` bound to each argument's value, in its own type.
macro_rules! for_each_value {
    ($args:expr, $v:ident => $body:expr) => {
        for arg in $args {
            match arg {
                Arg::Int($v) => $body,
                Arg::Real($v) => $body,
                Arg::Bool($v) => $body,
                Arg::Text($v) => $body,
                Arg::Time($v) => $body,
                Arg::Date($v) => $body,
                Arg::Bytes($v) => $body,
            }
        }
    };
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for_each_value!($args, v => q = q.bind(v));
        q
    }};
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// A query with all its arguments at once, in placeholder order.
    pub fn with_args(text: String, args: Vec<Arg>) -> Self {
        Self { text, args }
    }

    #[must_use]
    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Appends text and one argument bound to the next placeholder number,
    /// which `{}` in `fragment` stands for; for optional filters.
    #[must_use]
    pub fn push_bound(mut self, fragment: &str, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self.text
            .push_str(&fragment.replace("{}", &format!("${}", self.args.len())));
        self
    }

    #[must_use]
    pub fn push(mut self, fragment: &str) -> Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends `fragment` and the values bound as a parenthesised list, for
    /// `IN`. SQL has no empty list: callers decide what none means.
    #[must_use]
    pub fn push_list<V: Into<Arg>>(
        self,
        fragment: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let mut sql = self.push(fragment).push("(");
        for (i, value) in values.into_iter().enumerate() {
            sql = sql.push_bound(if i == 0 { "{}" } else { ", {}" }, value);
        }
        sql.push(")")
    }

    /// Appends `fragment` and `(column = v1 OR column = v2 …)`: the same
    /// test as `column IN (…)`, which SQLite answers from a temporary B-tree
    /// it builds for every run of the query where the column is not the
    /// index it seeks by, while it compares an `OR` row by row. No values
    /// is an error of the caller's, as for [`Self::push_list`].
    #[must_use]
    pub fn push_any_of<V: Into<Arg>>(
        self,
        fragment: &str,
        column: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let mut sql = self.push(fragment).push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                sql = sql.push(" OR ");
            }
            sql = sql.push(column).push_bound(" = {}", value);
        }
        sql.push(")")
    }

    pub async fn fetch_all<T: Row>(self, conn: &mut Conn<'_>) -> Result<Vec<T>, DbError> {
        Ok(match conn {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<_, T>(&self.text), self.args)
                    .fetch_all(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<_, T>(&self.text), self.args)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_optional<T: Row>(self, conn: &mut Conn<'_>) -> Result<Option<T>, DbError> {
        Ok(match conn {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<_, T>(&self.text), self.args)
                    .fetch_optional(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<_, T>(&self.text), self.args)
                    .fetch_optional(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_one<T: Row>(self, conn: &mut Conn<'_>) -> Result<T, DbError> {
        self.fetch_optional(conn).await?.ok_or(DbError::NotFound)
    }

    pub async fn scalar<T: Scalar>(self, conn: &mut Conn<'_>) -> Result<T, DbError> {
        Ok(match conn {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_scalar::<_, T>(&self.text), self.args)
                    .fetch_one(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_scalar::<_, T>(&self.text), self.args)
                    .fetch_one(&mut **c)
                    .await?
            }
        })
    }

    pub async fn scalars<T: Scalar>(self, conn: &mut Conn<'_>) -> Result<Vec<T>, DbError> {
        Ok(match conn {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_scalar::<_, T>(&self.text), self.args)
                    .fetch_all(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_scalar::<_, T>(&self.text), self.args)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }

    /// Runs a statement and returns the number of rows it changed.
    /// The statement with its values encoded for SQLite, so that running it
    /// later costs the writer nothing but SQLite's own work.
    pub(crate) fn encoded_for_sqlite(self) -> Result<SqliteEncoded, DbError> {
        let mut args = SqliteArguments::default();
        args.reserve(self.args.len(), 0);
        for_each_value!(self.args, v => args
            .add(v)
            .map_err(|e| DbError::Config(format!("encoding a value for SQLite: {e}")))?);
        Ok(SqliteEncoded {
            text: self.text,
            args,
        })
    }

    pub async fn execute(self, conn: &mut Conn<'_>) -> Result<u64, DbError> {
        Ok(match conn {
            Conn::Sqlite(c) => bind_all!(sqlx::query(&self.text), self.args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Conn::Postgres(c) => bind_all!(sqlx::query(&self.text), self.args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }
}

/// A statement whose values are encoded already (see [`Sql::encoded_for_sqlite`]).
#[derive(Debug)]
pub(crate) struct SqliteEncoded {
    text: String,
    args: SqliteArguments<'static>,
}

impl SqliteEncoded {
    pub(crate) async fn execute(self, conn: &mut SqliteConnection) -> Result<u64, DbError> {
        Ok(sqlx::query_with(&self.text, self.args)
            .execute(conn)
            .await?
            .rows_affected())
    }
}
