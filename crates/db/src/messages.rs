//! Messages: storage, lookups and the public list.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use vmeste_domain::case::CaseKind;
use vmeste_domain::status::MessageStatus;

use crate::search::Matching;
use crate::{Arg, Conn, DbError, Sql, many_rows};

/// A message with the names a page or an API response needs. The author is
/// not here: this row is safe to show to anyone who may see the message.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MessageView {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub text: String,
    pub lat: f64,
    pub lon: f64,
    pub address: Option<String>,
    pub public: bool,
    pub source: String,
    pub due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub topic_id: i64,
    pub topic_slug: String,
    pub topic_name_ru: String,
    pub topic_name_en: String,
    pub deadline_kind: String,
    pub category_id: i64,
    pub category_name_ru: String,
    pub category_name_en: String,
    pub organisation_id: Option<i64>,
    pub organisation_name_ru: Option<String>,
    pub territory_id: Option<i64>,
    pub territory_name_ru: Option<String>,
    #[serde(skip)]
    pub author_id: Option<i64>,
    #[serde(skip)]
    pub routing_note: Option<String>,
}

impl MessageView {
    pub fn status(&self) -> Result<MessageStatus, DbError> {
        MessageStatus::parse(&self.status).ok_or_else(|| {
            DbError::Corrupt(format!("message {} has status {:?}", self.id, self.status))
        })
    }
}

/// What a message view selects, and the tables it joins to `messages m`:
/// apart, so that a search may put its own table in front (see [`narrowed`]).
macro_rules! view_columns {
    () => {
        "SELECT m.id, m.number, m.status, m.text, m.lat, m.lon, m.address, m.public, m.source, m.due_date, \
        m.created_at, m.updated_at, m.topic_id, t.slug AS topic_slug, t.name_ru AS topic_name_ru, t.name_en AS topic_name_en, t.deadline_kind, \
        c.id AS category_id, c.name_ru AS category_name_ru, c.name_en AS category_name_en, m.organisation_id, \
        o.short_name_ru AS organisation_name_ru, m.territory_id, tr.name_ru AS territory_name_ru, m.author_id, m.routing_note"
    };
}
macro_rules! view_joins {
    () => {
        "JOIN topics t ON t.id = m.topic_id JOIN categories c ON c.id = t.category_id \
        LEFT JOIN organisations o ON o.id = m.organisation_id LEFT JOIN territories tr ON tr.id = m.territory_id"
    };
}
const VIEW: &str = concat!(view_columns!(), " FROM messages m ", view_joins!());

/// Statuses shown in public lists: the message passed moderation.
pub const PUBLISHED: [MessageStatus; 5] = [
    MessageStatus::Routed,
    MessageStatus::InProgress,
    MessageStatus::Answered,
    MessageStatus::Disputed,
    MessageStatus::Closed,
];

pub struct NewMessage<'a> {
    pub number: &'a str,
    pub kind: CaseKind,
    pub topic_id: i64,
    pub organisation_id: Option<i64>,
    pub territory_id: Option<i64>,
    pub house_id: Option<i64>,
    pub author_id: Option<i64>,
    pub text: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub address: Option<&'a str>,
    pub status: MessageStatus,
    pub public: bool,
    pub source: &'a str,
    pub due_date: Option<NaiveDate>,
    pub routing_note: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn<'_>, m: &NewMessage<'_>) -> Result<i64, DbError> {
    let ids = insert_all(conn, std::slice::from_ref(m)).await?;
    ids.first().copied().ok_or(DbError::NotFound)
}

#[derive(sqlx::FromRow)]
struct Inserted {
    id: i64,
    number: String,
}

/// Inserts messages in as few statements as the rows fit in and returns
/// their ids in the order given.
pub async fn insert_all(conn: &mut Conn<'_>, new: &[NewMessage<'_>]) -> Result<Vec<i64>, DbError> {
    let rows = new
        .iter()
        .map(|m| {
            vec![
                Arg::from(m.number),
                m.kind.as_str().into(),
                m.topic_id.into(),
                m.organisation_id.into(),
                m.territory_id.into(),
                m.house_id.into(),
                m.author_id.into(),
                m.text.into(),
                m.lat.into(),
                m.lon.into(),
                m.address.into(),
                m.status.as_str().into(),
                m.public.into(),
                m.source.into(),
                m.due_date.into(),
                m.routing_note.into(),
                m.created_at.into(),
                m.updated_at.into(),
            ]
        })
        .collect();
    let mut ids = HashMap::with_capacity(new.len());
    for sql in many_rows::statements(
        conn.backend(),
        "INSERT INTO messages (number, kind, topic_id, organisation_id, territory_id, house_id, author_id, \
         text, lat, lon, address, status, public, source, due_date, routing_note, created_at, updated_at) VALUES ",
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        // Neither backend promises RETURNING in the order of VALUES: the
        // unique number tells which row got which id.
        " RETURNING id, number",
        rows,
    ) {
        for row in sql.fetch_all::<Inserted>(conn).await? {
            ids.insert(row.number, row.id);
        }
    }
    let mut ordered = Vec::with_capacity(new.len());
    for m in new {
        let id = *ids.get(m.number).ok_or(DbError::NotFound)?;
        if m.public && PUBLISHED.contains(&m.status) {
            crate::map::grid::shown(conn, id, m.lat, m.lon).await?;
        }
        ordered.push(id);
    }
    Ok(ordered)
}

/// The next public number of the year, e.g. `В-2026-000123`. Numbers never
/// repeat; a rolled-back intake leaves a gap, as registration journals do.
pub async fn next_number(conn: &mut Conn<'_>, year: i32) -> Result<String, DbError> {
    let mut numbers = next_numbers(conn, year, 1).await?;
    numbers.pop().ok_or(DbError::NotFound)
}

/// The year's next `count` numbers in order, taken in one statement.
pub async fn next_numbers(
    conn: &mut Conn<'_>,
    year: i32,
    count: usize,
) -> Result<Vec<String>, DbError> {
    let count = i64::try_from(count).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let last: i64 = Sql::new(
        "INSERT INTO message_numbers (year, last) VALUES ($1, $2) \
         ON CONFLICT (year) DO UPDATE SET last = message_numbers.last + $2 RETURNING last",
    )
    .bind(year)
    .bind(count)
    .scalar(conn)
    .await?;
    Ok((last - count + 1..=last).map(|n| number(year, n)).collect())
}

/// The public number of the year's `last`-th message.
pub(crate) fn number(year: i32, last: i64) -> String {
    format!("{NUMBER_LETTER}{year}-{last:06}")
}

/// What a message's number starts with: «В» for «Вместе».
const NUMBER_LETTER: &str = "В-";

/// A number without its Cyrillic letter (`2026-000123`), for URLs and
/// clients that do not escape what they put in them.
pub fn ascii_number(number: &str) -> &str {
    number.strip_prefix(NUMBER_LETTER).unwrap_or(number)
}

/// Messages by id, in the order asked (those not found left out).
pub async fn get_all(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<MessageView>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<MessageView> = Sql::new(format!("{VIEW} WHERE m.id IN "))
        .push_list("", ids.iter().copied())
        .fetch_all(conn)
        .await?;
    let mut by_id: HashMap<i64, MessageView> = found.into_iter().map(|m| (m.id, m)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<MessageView>, DbError> {
    Sql::new(format!("{VIEW} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Filters of the public list; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<MessageStatus>,
    pub topic_id: Option<i64>,
    pub category_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub territory_id: Option<i64>,
    /// Only messages on one of these topics (none: any).
    pub topics: Vec<i64>,
    /// Only messages received from this moment on.
    pub since: Option<DateTime<Utc>>,
    /// Only messages received up to this moment.
    pub until: Option<DateTime<Utc>>,
    /// Only messages inside this box.
    pub bbox: Option<BBox>,
    /// Only messages with a smaller id (keyset pagination, newest first).
    pub before_id: Option<i64>,
    /// Words to find, in any of their forms.
    pub search: Option<String>,
}

/// A page of the public list and whether more follow.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<MessageView>,
    pub next_before_id: Option<i64>,
}

impl Page {
    /// A page from up to `limit + 1` rows: the extra one says more follow.
    fn of(mut items: Vec<MessageView>, limit: u32) -> Self {
        let next_before_id = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|m| m.id)
        } else {
            None
        };
        Self {
            items,
            next_before_id,
        }
    }
}

/// A box on the map, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// The public messages of a filter: `select`, the rows, `joins` (which join
/// `topics t` for the category) and the conditions; `None` when no
/// published status is asked for, so nothing can match.
pub(crate) fn narrowed(
    select: &str,
    joins: &str,
    backend: crate::Backend,
    filter: &Filter,
) -> Option<Narrowed> {
    let statuses: Vec<MessageStatus> = if filter.statuses.is_empty() {
        PUBLISHED.to_vec()
    } else {
        filter
            .statuses
            .iter()
            .copied()
            .filter(|s| PUBLISHED.contains(s))
            .collect()
    };
    if statuses.is_empty() {
        return None;
    }
    let matching = filter
        .search
        .as_deref()
        .and_then(|query| Matching::of(backend, query));
    let (rows, id) = matching
        .as_ref()
        .map_or(("messages m", "m.id"), |m| (m.rows(), m.id()));
    let mut sql = Sql::new(format!("{select} FROM {rows} {joins}"))
        .push_bound(" WHERE m.public = {}", true)
        .push_any_of(" AND ", "m.status", statuses.iter().map(|s| s.as_str()));
    if let Some(id) = filter.topic_id {
        sql = sql.push_bound(" AND m.topic_id = {}", id);
    }
    if !filter.topics.is_empty() {
        sql = sql.push_list(" AND m.topic_id IN ", filter.topics.iter().copied());
    }
    if let Some(id) = filter.category_id {
        sql = sql.push_bound(" AND t.category_id = {}", id);
    }
    if let Some(id) = filter.organisation_id {
        sql = sql.push_bound(" AND m.organisation_id = {}", id);
    }
    if let Some(id) = filter.territory_id {
        sql = sql.push_bound(" AND m.territory_id = {}", id);
    }
    if let Some(since) = filter.since {
        sql = sql.push_bound(" AND m.created_at >= {}", since);
    }
    if let Some(until) = filter.until {
        sql = sql.push_bound(" AND m.created_at <= {}", until);
    }
    if let Some(b) = filter.bbox {
        sql = sql
            .push_bound(" AND m.lat BETWEEN {}", b.south)
            .push_bound(" AND {}", b.north)
            .push_bound(" AND m.lon BETWEEN {}", b.west)
            .push_bound(" AND {}", b.east);
    }
    if let Some(before) = filter.before_id {
        sql = sql.push_bound(&format!(" AND {id} < {{}}"), before);
    }
    if let Some(matching) = matching {
        sql = matching.narrow(sql);
    }
    Some(Narrowed { sql, id })
}

/// A filter's query without its order, and the column that orders it by
/// message id: the search's own when it drives the query.
pub(crate) struct Narrowed {
    pub sql: Sql,
    pub id: &'static str,
}

impl Narrowed {
    /// Newest first, at most `limit` rows.
    fn newest(self, limit: i64) -> Sql {
        self.sql
            .push(&format!(" ORDER BY {} DESC", self.id))
            .push_bound(" LIMIT {}", limit)
    }
}

/// Public messages, newest first. Only published statuses are ever listed,
/// whatever the filter asks for.
pub async fn list_public(
    conn: &mut Conn<'_>,
    filter: &Filter,
    limit: u32,
) -> Result<Page, DbError> {
    let Some(narrowed) = narrowed(view_columns!(), view_joins!(), conn.backend(), filter) else {
        return Ok(Page {
            items: Vec::new(),
            next_before_id: None,
        });
    };
    let limit = limit.clamp(1, 100);
    let items: Vec<MessageView> = narrowed
        .newest(i64::from(limit) + 1)
        .fetch_all(conn)
        .await?;
    Ok(Page::of(items, limit))
}

/// Public messages, newest first, `offset` rows in: for Open311's numbered
/// pages, whose window of at most 90 days bounds the rows skipped.
pub async fn list_public_window(
    conn: &mut Conn<'_>,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Vec<MessageView>, DbError> {
    let Some(narrowed) = narrowed(view_columns!(), view_joins!(), conn.backend(), filter) else {
        return Ok(Vec::new());
    };
    narrowed
        .newest(limit)
        .push_bound(" OFFSET {}", offset)
        .fetch_all(conn)
        .await
}

/// The message with this number given without its letter (`2026-000123`),
/// whatever its status.
pub async fn by_ascii_number(
    conn: &mut Conn<'_>,
    ascii: &str,
) -> Result<Option<MessageView>, DbError> {
    Sql::new(format!("{VIEW} WHERE m.number = $1"))
        .bind(format!("{NUMBER_LETTER}{ascii}"))
        .fetch_optional(conn)
        .await
}

/// The messages with these ids, whatever their status: callers decide what
/// each reader may see.
pub async fn by_ids(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<MessageView>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Sql::new(VIEW)
        .push_list(" WHERE m.id IN ", ids.iter().copied())
        .push(" ORDER BY m.id DESC")
        .fetch_all(conn)
        .await
}

/// Published open messages on a topic within `metres` of a point, nearest
/// first: what a resident about to report may join instead.
pub async fn open_near(
    conn: &mut Conn<'_>,
    topic_id: i64,
    (lat, lon): (f64, f64),
    metres: f64,
    limit: usize,
) -> Result<Vec<MessageView>, DbError> {
    let dlat = metres / 111_000.0;
    let dlon = dlat / lat.to_radians().cos().max(0.1);
    let found: Vec<MessageView> = Sql::new(format!(
        "{VIEW} WHERE m.public = $1 AND m.topic_id = $2 AND m.status IN ('routed', 'in_progress', 'disputed') \
         AND m.lat BETWEEN $3 AND $4 AND m.lon BETWEEN $5 AND $6"
    ))
    .bind(true)
    .bind(topic_id)
    .bind(lat - dlat)
    .bind(lat + dlat)
    .bind(lon - dlon)
    .bind(lon + dlon)
    .fetch_all(conn)
    .await?;
    let distance = |m: &MessageView| {
        let dy = (m.lat - lat) * 111_000.0;
        let dx = (m.lon - lon) * 111_000.0 * lat.to_radians().cos();
        dx.hypot(dy)
    };
    let mut near: Vec<(f64, MessageView)> = found
        .into_iter()
        .map(|m| (distance(&m), m))
        .filter(|(d, _)| *d <= metres)
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(near.into_iter().take(limit).map(|(_, m)| m).collect())
}

/// A page of a resident's own messages, newest first, from before
/// `before_id`: for the resident alone, never a public list.
pub async fn by_author(
    conn: &mut Conn<'_>,
    user_id: i64,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Page, DbError> {
    let mut sql = Sql::new(VIEW).push_bound(" WHERE m.author_id = {}", user_id);
    if let Some(id) = before_id {
        sql = sql.push_bound(" AND m.id < {}", id);
    }
    let items: Vec<MessageView> = sql
        .push_bound(" ORDER BY m.id DESC LIMIT {}", i64::from(limit) + 1)
        .fetch_all(conn)
        .await?;
    Ok(Page::of(items, limit))
}

/// A resident's own messages and those they follow, newest first: the
/// resident's own page, never a public one.
pub async fn of_resident(
    conn: &mut Conn<'_>,
    user_id: i64,
    limit: i64,
) -> Result<(Vec<MessageView>, Vec<MessageView>), DbError> {
    let own = by_author(
        conn,
        user_id,
        None,
        u32::try_from(limit).unwrap_or(u32::MAX),
    )
    .await?
    .items;
    let followed = Sql::new(format!(
        "{VIEW} JOIN message_followers f ON f.message_id = m.id \
         WHERE f.user_id = $1 AND (m.author_id IS NULL OR m.author_id <> $1) ORDER BY m.id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok((own, followed))
}

pub async fn count(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM messages").scalar(conn).await
}

/// What the public (and anyone who is not handling the case) may see of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Not shown at all: a private topic, a draft, rejected or a duplicate.
    Hidden,
    /// Shown without its text until a moderator has checked it.
    Pending,
    Published,
}

impl MessageView {
    pub fn public_visibility(&self) -> Visibility {
        match self.status() {
            _ if !self.public => Visibility::Hidden,
            Ok(s) if PUBLISHED.contains(&s) => Visibility::Published,
            Ok(
                MessageStatus::Submitted
                | MessageStatus::Moderation
                | MessageStatus::ClarificationRequested,
            ) => Visibility::Pending,
            _ => Visibility::Hidden,
        }
    }
}

/// A message's text and organisation, for the classifier's suggestions.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TextOf {
    pub id: i64,
    pub text: String,
    pub organisation_id: Option<i64>,
}

/// The texts of several messages at once (a list's page).
pub async fn texts(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<TextOf>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Sql::new("SELECT id, text, organisation_id FROM messages")
        .push_list(" WHERE id IN ", ids.iter().copied())
        .fetch_all(conn)
        .await
}
