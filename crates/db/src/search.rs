//! Full-text search of the public list in Russian. A message is indexed
//! once it is shown (public, and published: see [`crate::cases::apply`]),
//! never while in moderation — intake writes no entry — by what the public
//! may read of it (the topic, the text with contacts hidden, the address
//! without the flat), so a search can never reveal more than the page does. Backend-specific, as the architecture allows: on
//! SQLite an FTS5 table of stems computed here (FTS5 has no Russian
//! stemmer); on PostgreSQL a `tsvector` with the `russian` configuration and
//! a GIN index. Both get the same normalised words («ё» as «е», no markup).

use vmeste_domain::privacy::{public_address, public_text};
use vmeste_routing::text;

use crate::messages::PUBLISHED;
use crate::{Arg, Backend, Conn, DbError, Sql, many_rows};

/// The words a message is found by.
fn document(topic: &str, message_text: &str, address: Option<&str>) -> String {
    let public = format!(
        "{topic} {} {}",
        public_text(message_text),
        address.map(public_address).unwrap_or_default()
    );
    text::words(&public).join(" ")
}

#[derive(sqlx::FromRow)]
struct Indexed {
    id: i64,
    topic: String,
    text: String,
    address: Option<String>,
}

/// What the index is made of for the shown messages: public, and published.
fn shown() -> Sql {
    Sql::new(
        "SELECT m.id, t.name_ru AS topic, m.text, m.address FROM messages m \
         JOIN topics t ON t.id = m.topic_id",
    )
    .push_bound(" WHERE m.public = {}", true)
    .push_list(" AND m.status IN ", PUBLISHED.iter().map(|s| s.as_str()))
}

/// (Re)indexes one message if it is shown.
pub async fn index(conn: &mut Conn<'_>, message_id: i64) -> Result<(), DbError> {
    let found: Option<Indexed> = shown()
        .push_bound(" AND m.id = {}", message_id)
        .fetch_optional(conn)
        .await?;
    match found {
        Some(m) => put(conn, &m).await,
        None => Ok(()),
    }
}

/// What the index stores for a message: its stems on SQLite, its words
/// (for `to_tsvector`) on PostgreSQL.
pub(crate) fn indexed(
    backend: Backend,
    topic: &str,
    message_text: &str,
    address: Option<&str>,
) -> String {
    let words = document(topic, message_text, address);
    match backend {
        Backend::Sqlite => {
            let mut stems = String::with_capacity(words.len());
            for (i, word) in words.split(' ').enumerate() {
                if i > 0 {
                    stems.push(' ');
                }
                stems.push_str(&text::stem(word));
            }
            stems
        }
        Backend::Postgres => words,
    }
}

/// The steps that index messages just inserted (so nothing to replace),
/// `(id, document)` with each document from [`indexed`]; built away from
/// the writer. `COPY` cannot call `to_tsvector`, so on PostgreSQL the words
/// go into a table of the transaction's own first.
pub(crate) fn appended(
    backend: Backend,
    documents: Vec<(i64, String)>,
) -> Result<Vec<many_rows::Step>, DbError> {
    let rows = documents
        .into_iter()
        .map(|(id, document)| vec![Arg::from(id), document.into()])
        .collect();
    match backend {
        Backend::Sqlite => {
            many_rows::appended(backend, "search_messages", &["rowid", "stems"], rows)
        }
        Backend::Postgres => {
            let mut steps = vec![many_rows::Step::Statement(Sql::new(
                "CREATE TEMPORARY TABLE search_words (message_id BIGINT, words TEXT) ON COMMIT DROP",
            ))];
            steps.extend(many_rows::appended(
                backend,
                "search_words",
                &["message_id", "words"],
                rows,
            )?);
            steps.push(many_rows::Step::Statement(Sql::new(
                "INSERT INTO search_messages (message_id, document) \
                 SELECT message_id, to_tsvector('russian', words) FROM search_words",
            )));
            Ok(steps)
        }
    }
}

async fn put(conn: &mut Conn<'_>, m: &Indexed) -> Result<(), DbError> {
    let words = indexed(conn.backend(), &m.topic, &m.text, m.address.as_deref());
    match conn.backend() {
        Backend::Sqlite => {
            let stems = words;
            Sql::new("DELETE FROM search_messages WHERE rowid = $1")
                .bind(m.id)
                .execute(conn)
                .await?;
            Sql::new("INSERT INTO search_messages (rowid, stems) VALUES ($1, $2)")
                .bind(m.id)
                .bind(stems)
                .execute(conn)
                .await?;
        }
        Backend::Postgres => {
            Sql::new(
                "INSERT INTO search_messages (message_id, document) VALUES ($1, to_tsvector('russian', $2)) \
                 ON CONFLICT (message_id) DO UPDATE SET document = excluded.document",
            )
            .bind(m.id)
            .bind(words)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Indexes the shown messages not indexed yet (after an upgrade, or a bulk
/// load); how many it indexed.
pub async fn index_missing(conn: &mut Conn<'_>) -> Result<usize, DbError> {
    let indexed = match conn.backend() {
        Backend::Sqlite => "SELECT rowid FROM search_messages",
        Backend::Postgres => "SELECT message_id FROM search_messages",
    };
    let missing: Vec<Indexed> = shown()
        .push(&format!(" AND m.id NOT IN ({indexed}) ORDER BY m.id"))
        .fetch_all(conn)
        .await?;
    for m in &missing {
        put(conn, m).await?;
    }
    Ok(missing.len())
}

/// A search's part of a list query. On SQLite the full-text table drives
/// the query, newest match first (FTS5 walks its row ids backwards), so a
/// page stops after its rows instead of collecting every match first.
pub(crate) struct Matching {
    backend: Backend,
    terms: String,
}

impl Matching {
    /// `None` for a query without words, which narrows nothing.
    pub(crate) fn of(backend: Backend, query: &str) -> Option<Self> {
        let words = text::words(query);
        if words.is_empty() {
            return None;
        }
        let terms = match backend {
            // Each stem quoted (no FTS5 syntax from the user) and matched
            // whole, as PostgreSQL's `plainto_tsquery` does: a stem's list
            // is read newest first and a page stops early, where a prefix
            // would merge the lists of every term it begins (tens of ms at 10M).
            Backend::Sqlite => words
                .iter()
                .map(|w| format!("\"{}\"", text::stem(w)))
                .collect::<Vec<_>>()
                .join(" AND "),
            Backend::Postgres => words.join(" "),
        };
        Some(Self { backend, terms })
    }

    /// The rows the query reads, `messages m` among them.
    pub(crate) fn rows(&self) -> &'static str {
        match self.backend {
            // CROSS JOIN keeps the full-text table the outer loop.
            Backend::Sqlite => "search_messages s CROSS JOIN messages m ON m.id = s.rowid",
            Backend::Postgres => "messages m",
        }
    }

    /// The column that orders the rows by message id.
    pub(crate) fn id(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "s.rowid",
            Backend::Postgres => "m.id",
        }
    }

    /// Keeps the rows matching every word in any of its forms.
    pub(crate) fn narrow(self, sql: Sql) -> Sql {
        match self.backend {
            Backend::Sqlite => sql.push_bound(" AND s.search_messages MATCH {}", self.terms),
            Backend::Postgres => sql.push_bound(
                " AND m.id IN (SELECT message_id FROM search_messages \
                 WHERE document @@ plainto_tsquery('russian', {}))",
                self.terms,
            ),
        }
    }
}
