//! `vmeste bench seed`: fills the database with many realistic messages on
//! the demo region, for load tests. Messages spread over three years, over
//! topics as Zipf's law has it (a few topics take most), over the city and
//! the districts, and over every stage of their life, each with its history,
//! answers and ratings; the daily counters, the search index (of the shown
//! messages), the map's index and its grid end up as the application would
//! have built them message by message. Deterministic for a seed (relative to the clock's now).

pub mod ceiling;
mod foreign_keys;
mod indexes;
mod summed;
mod texts;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use tokio::task::JoinHandle;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_domain::deadline;
use vmeste_domain::status::{Action, MessageStatus};
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};

use self::summed::Summed;
use crate::counters::{Change, Key};
use crate::demo::counters::{Sums, counted};
use crate::demo::{data, messages as demo_messages};
use crate::map::grid::BulkCells;
use crate::{
    Arg, Backend, Conn, Db, DbError, Sql, catalogue, counters, events, intake, many_rows, regions,
    search,
};

/// Messages generated and written per transaction. Each chunk's rows are
/// freed as the next is built; at 50,000 the allocator handed their memory
/// back to the system and took fresh pages again (1M messages: 37.0 s and
/// 11.4 s in the kernel, against 34.6 s and 9.2 s at 10,000).
const CHUNK: u64 = 10_000;
/// How far back the messages go.
const YEARS: i64 = 3;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub messages: u64,
    pub seed: u64,
}

/// Adds `options.messages` messages (loading the demo region first into an
/// empty database); `progress` hears how many are written so far. Run it
/// with the server stopped: it drops the message indexes while it loads.
pub async fn seed(
    db: &Db,
    clock: &dyn Clock,
    calendar: &ProductionCalendar,
    options: Options,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, DbError> {
    crate::demo::load(db, clock, calendar).await?;
    tracing::info!("demo region loaded");
    let mut tx = db.write().await?;
    let mut conn = tx.conn();
    let mut plan = Plan::read(&mut conn, clock.now(), calendar, options.seed).await?;
    let dropped = indexes::drop_all(&mut conn).await?;
    let keys = foreign_keys::drop_all(&mut conn).await?;
    merge_search_index_at_the_end(&mut conn).await?;
    tx.commit().await?;
    db.enforce_foreign_keys(false).await?;
    db.cache_whole_transactions(true).await?;
    let loaded = load(db, &mut plan, options, progress).await;
    db.cache_whole_transactions(false).await?;
    db.enforce_foreign_keys(true).await?;
    let written = loaded?;
    check_keys(db).await?;
    tracing::info!("rows written");

    let phase = std::time::Instant::now();
    let built = async {
        build_indexes_and_keys(db, &dropped, &keys).await?;
        tracing::info!(
            seconds = phase.elapsed().as_secs_f64(),
            "indexes and keys built"
        );
        Ok::<_, DbError>(())
    };
    let categories = counters::categories(&mut db.read().await?.conn()).await?;
    let numbers = std::mem::take(&mut plan.numbers);
    let summed = Summed {
        cells: plan.cells,
        sums: plan.sums,
        categories,
    };
    match db.backend() {
        // One writer, busy with the indexes first: the second would time
        // out waiting for it.
        Backend::Sqlite => {
            let encoding = summed.encode_beside();
            built.await?;
            encoding.write(db).await?;
        }
        // The grid and the counters have tables of their own, and the
        // server builds the search index and checks each key on one core.
        Backend::Postgres => {
            let (built, summed) = tokio::join!(built, summed.write(db));
            built?;
            summed?;
        }
    }
    tracing::info!(
        seconds = phase.elapsed().as_secs_f64(),
        "map grid and counters written"
    );
    write_numbers(db, numbers).await?;
    analyze(db).await?;
    tracing::info!(
        seconds = phase.elapsed().as_secs_f64(),
        "statistics and search index merged"
    );
    db.truncate_log().await?;
    Ok(written)
}

/// Builds the dropped indexes and adds the keys back. On PostgreSQL the
/// search index, whose GIN the server builds on one core, gets a
/// connection of its own while the other tables' indexes are built and
/// their keys checked (a scan on one core each): they lock different
/// tables, and only the search entries' key waits for the search index.
async fn build_indexes_and_keys(
    db: &Db,
    dropped: &[indexes::Index],
    keys: &[foreign_keys::ForeignKey],
) -> Result<(), DbError> {
    let (full_text, others): (Vec<_>, Vec<_>) =
        dropped.iter().partition(|index| index.is_full_text());
    let search = async {
        let mut tx = db.write().await?;
        indexes::create_all(&mut tx.conn(), full_text).await?;
        tx.commit().await
    };
    let rest = async {
        let mut tx = db.write().await?;
        let mut conn = tx.conn();
        indexes::sort_on_every_core(&mut conn).await?;
        indexes::create_all(&mut conn, others).await?;
        foreign_keys::add_all(&mut conn, keys).await?;
        tx.commit().await
    };
    match db.backend() {
        // One writer, and no search index among the dropped.
        Backend::Sqlite => {
            search.await?;
            rest.await
        }
        Backend::Postgres => {
            let (search, rest) = tokio::join!(search, rest);
            search.and(rest)
        }
    }
}

/// Writes the years' last numbers the generator gave out, and on
/// PostgreSQL moves the messages' sequence past the last id.
async fn write_numbers(db: &Db, numbers: HashMap<i32, i64>) -> Result<(), DbError> {
    let mut tx = db.write().await?;
    let mut conn = tx.conn();
    for (year, last) in numbers {
        Sql::new(
            "INSERT INTO message_numbers (year, last) VALUES ($1, $2) \
             ON CONFLICT (year) DO UPDATE SET last = excluded.last",
        )
        .bind(year)
        .bind(last)
        .execute(&mut conn)
        .await?;
    }
    if conn.backend() == Backend::Postgres {
        Sql::new(
            "SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT MAX(id) FROM messages))",
        )
        .execute(&mut conn)
        .await?;
    }
    tx.commit().await
}

/// Generates the messages and writes them, returning how many were written.
/// The next chunk is generated while the ones before are written: the
/// generator waits on the processor, the writers on the database.
async fn load(
    db: &Db,
    plan: &mut Plan<'_>,
    options: Options,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, DbError> {
    let (chunks, queued) = tokio::sync::mpsc::channel(1);
    let queued = Arc::new(tokio::sync::Mutex::new(queued));
    let written = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..writers(db.backend()))
        .map(|_| {
            tokio::spawn(write_chunks(
                db.clone(),
                Arc::clone(&queued),
                Arc::clone(&written),
            ))
        })
        .collect();
    let mut reader = db.read().await?;
    let mut generated = 0;
    while generated < options.messages {
        let count = CHUNK.min(options.messages - generated);
        let chunk = plan
            .generate(&mut reader.conn(), generated, count, options.messages)
            .await?;
        if chunks
            .send((count, Steps::build(chunk, db.backend())))
            .await
            .is_err()
        {
            // A writer stopped; its error is reported below.
            break;
        }
        generated += count;
        progress(written.load(Ordering::Relaxed));
    }
    drop((chunks, reader));
    for writer in writers {
        writer
            .await
            .map_err(|e| DbError::Config(format!("the seed's writer failed: {e}")))??;
    }
    let written = written.load(Ordering::Relaxed);
    progress(written);
    Ok(written)
}

/// Fails if a generated row points at a row that does not exist: the load
/// runs without SQLite's row-by-row checks (see [`Db::enforce_foreign_keys`]).
async fn check_keys(db: &Db) -> Result<(), DbError> {
    for table in ["messages", "message_events"] {
        let broken = db.foreign_key_violations(table).await?;
        if broken > 0 {
            return Err(DbError::Corrupt(format!(
                "{broken} generated rows of {table} point at rows that do not exist"
            )));
        }
    }
    Ok(())
}

/// How many chunks are written at once: SQLite has one writer; a
/// PostgreSQL server parses and stores each `COPY` on one core, which kept
/// one of this machine's two cores a third idle while the generator waited
/// on it.
fn writers(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => std::thread::available_parallelism().map_or(1, usize::from),
    }
}

/// A chunk's steps, built or being built.
enum Steps {
    Built(Result<Vec<many_rows::Step>, DbError>),
    Building(JoinHandle<Result<Vec<many_rows::Step>, DbError>>),
}

impl Steps {
    /// On SQLite the steps are built on a thread beside the generator's
    /// and the writer's: built by the generator they made it the slower
    /// of the two, and the writer waited (1M messages: rows 22.0–22.3 s
    /// against 18.8–20.7 s). On PostgreSQL the generator builds them: a
    /// third busy client thread took the cores from the server's
    /// processes, which bound the load (rows 36.2–37.4 s against 37.5–39.9 s).
    fn build(chunk: Chunk, backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                Self::Building(tokio::task::spawn_blocking(move || chunk.steps(backend)))
            }
            Backend::Postgres => Self::Built(chunk.steps(backend)),
        }
    }

    async fn get(self) -> Result<Vec<many_rows::Step>, DbError> {
        match self {
            Self::Built(steps) => steps,
            Self::Building(handle) => handle.await.map_err(|e| {
                DbError::Config(format!("building the seed's statements failed: {e}"))
            })?,
        }
    }
}

type Queue = tokio::sync::Mutex<tokio::sync::mpsc::Receiver<(u64, Steps)>>;

/// Runs each chunk it takes in a transaction of its own, counting the
/// messages written; on an error it closes the queue, so the generator
/// stops too.
async fn write_chunks(db: Db, queued: Arc<Queue>, written: Arc<AtomicU64>) -> Result<(), DbError> {
    loop {
        let Some((count, steps)) = queued.lock().await.recv().await else {
            return Ok(());
        };
        let wrote = async {
            let steps = steps.get().await?;
            let mut tx = db.write().await?;
            many_rows::run_steps(&mut tx.conn(), steps).await?;
            tx.commit().await
        };
        if let Err(e) = wrote.await {
            queued.lock().await.close();
            return Err(e);
        }
        written.fetch_add(count, Ordering::Relaxed);
    }
}

/// On SQLite, stops FTS5 merging the search index's segments as they
/// accumulate (by default it merges every four of a level, so each entry
/// of a load is rewritten again and again): [`analyze`] merges them all once
/// and turns merging back on. 600,000 entries in 100 transactions took
/// 9.7–11.1 s of CPU with merging on and 7.2–7.3 s without, each with its
/// final merge (scratch script).
async fn merge_search_index_at_the_end(conn: &mut Conn<'_>) -> Result<(), DbError> {
    if conn.backend() == Backend::Sqlite {
        Sql::new("INSERT INTO search_messages (search_messages, rank) VALUES ('automerge', 0)")
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Fresh planner statistics for the grown tables, and on SQLite one merged
/// full-text index instead of one segment per transaction, merging again
/// as the application's writes need it (FTS5's default of 4).
async fn analyze(db: &Db) -> Result<(), DbError> {
    let mut tx = db.write().await?;
    let mut conn = tx.conn();
    if conn.backend() == Backend::Sqlite {
        Sql::new("INSERT INTO search_messages (search_messages) VALUES ('optimize')")
            .execute(&mut conn)
            .await?;
        Sql::new("INSERT INTO search_messages (search_messages, rank) VALUES ('automerge', 4)")
            .execute(&mut conn)
            .await?;
    }
    Sql::new("ANALYZE").execute(&mut conn).await?;
    tx.commit().await
}

struct Place {
    territory: i64,
    streets: Vec<String>,
}

/// What the generator draws from, read once from the demo region.
struct Plan<'a> {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    today: NaiveDate,
    tz: chrono_tz::Tz,
    calendar: &'a ProductionCalendar,
    index: TerritoryIndex,
    topics: Vec<catalogue::Topic>,
    topic_pick: WeightedIndex<f64>,
    samples: HashMap<String, Vec<String>>,
    places: Vec<Place>,
    place_pick: WeightedIndex<f64>,
    residents: Vec<i64>,
    moderator: Option<i64>,
    executor: Option<i64>,
    next_id: i64,
    numbers: HashMap<i32, i64>,
    routes: HashMap<(i64, Vec<i64>), Option<intake::Route>>,
    sums: Sums,
    cells: BulkCells,
}

#[derive(sqlx::FromRow)]
struct TerritoryRow {
    id: i64,
    slug: String,
    geometry: String,
}

#[derive(sqlx::FromRow)]
struct NumberRow {
    year: i32,
    last: i64,
}

impl<'a> Plan<'a> {
    async fn read(
        conn: &mut Conn<'_>,
        now: DateTime<Utc>,
        calendar: &'a ProductionCalendar,
        seed: u64,
    ) -> Result<Self, DbError> {
        let region = regions::current(conn).await?.ok_or(DbError::NotFound)?;
        let tz = region.tz()?;
        let territories: Vec<TerritoryRow> =
            Sql::new("SELECT id, slug, geometry FROM territories ORDER BY id")
                .fetch_all(conn)
                .await?;
        let mut shapes = Vec::new();
        let mut slugs = HashMap::new();
        for t in territories {
            let shape = parse_geometry(&t.geometry)
                .map_err(|e| DbError::Corrupt(format!("territory {}: {e}", t.slug)))?;
            shapes.push((t.id, shape));
            slugs.insert(t.slug, t.id);
        }
        let (topics, topic_pick) = zipf_topics(conn).await?;
        let samples = data::catalogue()?
            .into_iter()
            .flat_map(|c| c.topics.into_iter().map(|t| (t.slug, t.samples)))
            .collect();
        let places: Vec<Place> = data::region()?
            .streets
            .into_iter()
            .filter_map(|s| {
                slugs.get(&s.territory).map(|&territory| Place {
                    territory,
                    streets: s.names,
                })
            })
            .collect();
        // City micro-districts take most messages, as in the demo.
        let weights: Vec<f64> = places
            .iter()
            .map(|p| {
                let city = slugs
                    .iter()
                    .any(|(slug, id)| *id == p.territory && slug.starts_with("city"));
                if city { 4.0 } else { 1.5 }
            })
            .collect();
        let place_pick =
            WeightedIndex::new(&weights).map_err(|e| DbError::Corrupt(format!("places: {e}")))?;
        let residents: Vec<i64> = Sql::new(
            "SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM staff_roles) ORDER BY id",
        )
        .scalars(conn)
        .await?;
        let staff = |role: &str| {
            Sql::new("SELECT MIN(user_id) FROM staff_roles WHERE role = $1").bind(role.to_string())
        };
        let moderator: Option<i64> = staff("moderator").scalar(conn).await?;
        let executor: Option<i64> = staff("executor").scalar(conn).await?;
        let last_id: Option<i64> = Sql::new("SELECT MAX(id) FROM messages")
            .scalar(conn)
            .await?;
        let numbers: Vec<NumberRow> = Sql::new("SELECT year, last FROM message_numbers")
            .fetch_all(conn)
            .await?;
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            now,
            today: now.with_timezone(&tz).date_naive(),
            tz,
            calendar,
            index: TerritoryIndex::new(shapes),
            topics,
            topic_pick,
            samples,
            places,
            place_pick,
            residents,
            moderator,
            executor,
            next_id: last_id.unwrap_or(0) + 1,
            numbers: numbers.into_iter().map(|n| (n.year, n.last)).collect(),
            routes: HashMap::new(),
            sums: Sums::default(),
            cells: BulkCells::default(),
        })
    }

    /// Messages `first..first + count` of `total`, spread evenly over the
    /// years so that ids grow with time, as they do in a live database.
    async fn generate(
        &mut self,
        conn: &mut Conn<'_>,
        first: u64,
        count: u64,
        total: u64,
    ) -> Result<Chunk, DbError> {
        let span = Duration::days(365 * YEARS).num_seconds() as f64;
        let start = self.now - Duration::days(365 * YEARS);
        let mut chunk = Chunk {
            messages: Vec::new(),
        };
        for i in first..first + count {
            let offset = (i as f64 + self.rng.random::<f64>()) / total as f64 * span;
            let created_at = start + Duration::seconds(offset as i64);
            chunk.messages.push(self.message(conn, created_at).await?);
        }
        Ok(chunk)
    }

    async fn message(
        &mut self,
        conn: &mut Conn<'_>,
        created_at: DateTime<Utc>,
    ) -> Result<Generated, DbError> {
        let rng = &mut self.rng;
        let picked = self.topic_pick.sample(rng);
        let topic = &self.topics[picked];
        let (lat, lon, street) = loop {
            let place = &self.places[self.place_pick.sample(rng)];
            if let Some((lat, lon)) = demo_messages::point_in(&self.index, place.territory, rng) {
                let street = place.streets.choose(rng).cloned().unwrap_or_default();
                break (lat, lon, street);
            }
        };
        let address = format!("{street}, д. {}", rng.random_range(1..120));
        let sample = self
            .samples
            .get(&topic.slug)
            .and_then(|s| s.choose(rng))
            .map_or("", String::as_str);
        let text = texts::compose(&sample.replace("{address}", &address), rng);
        let containing = self.index.containing(lat, lon);
        let key = (topic.id, containing.clone());
        let route = if let Some(route) = self.routes.get(&key) {
            route.clone()
        } else {
            let route =
                intake::route(conn, topic.id, &topic.responsible, &containing, None).await?;
            self.routes.insert(key, route.clone());
            route
        };
        let local = created_at.with_timezone(&self.tz);
        let last = self.numbers.entry(local.year()).or_insert(0);
        *last += 1;
        let number = crate::messages::number(local.year(), *last);
        let due = deadline::due_date(created_at, self.tz, topic.deadline()?, self.calendar);
        let age_days = (self.now - created_at).num_days();
        let author = self.residents.choose(rng).copied();
        let mut m = Generated {
            id: self.next_id,
            number,
            topic_id: topic.id,
            organisation_id: route.as_ref().map(|r| r.organisation_id),
            territory_id: containing.first().copied(),
            author_id: author,
            search: None,
            text,
            lat,
            lon,
            address,
            status: MessageStatus::Draft,
            public: topic.public,
            due_date: due,
            routing_note: route.map(|r| r.note),
            created_at,
            updated_at: created_at,
            routed_at: None,
            answered_at: None,
            rating: None,
            disputes: 0,
            events: Vec::new(),
        };
        self.next_id += 1;
        let actions = demo_messages::life(age_days, rng);
        let minutes = (self.now - created_at).num_minutes().max(1);
        for (step, action) in actions.iter().enumerate() {
            let from = m.status;
            m.status = from
                .apply(*action)
                .map_err(|e| DbError::Corrupt(format!("generated life: {e}")))?;
            let offset = if step < 2 {
                step as i64
            } else {
                minutes * step as i64 / (actions.len() as i64 + 1)
            };
            let at = created_at + Duration::minutes(offset);
            let actor = match action {
                Action::Submit | Action::Dispute => author,
                Action::SendToModeration => None,
                Action::Answer | Action::InterimAnswer | Action::StartWork => self.executor,
                _ => self.moderator,
            };
            match action {
                Action::Route => m.routed_at = m.routed_at.or(Some(at)),
                Action::Answer => m.answered_at = Some(at),
                Action::Dispute => m.disputes += 1,
                _ => {}
            }
            m.events.push(Event {
                at,
                actor,
                action: if *action == Action::Submit {
                    events::CREATED
                } else {
                    action.as_str()
                },
                from: (*action != Action::Submit).then_some(from),
                to: m.status,
                comment: demo_messages::comment(*action, at, rng),
            });
        }
        m.updated_at = m.events.last().map_or(created_at, |e| e.at);
        if !matches!(m.status, MessageStatus::Answered | MessageStatus::Closed) {
            m.answered_at = None;
        }
        self.rate(&mut m);
        self.count(&m);
        // Only what is shown is searchable, as in the product (see `search`).
        if m.public && crate::messages::PUBLISHED.contains(&m.status) {
            let topic = &self.topics[picked].name_ru;
            m.search = Some(search::indexed(
                conn.backend(),
                topic,
                &m.text,
                Some(&m.address),
            ));
            self.cells.add(m.id, m.lat, m.lon);
        }
        Ok(m)
    }

    /// A third of the answered residents rate the answer, mostly well, an
    /// hour after it.
    fn rate(&mut self, m: &mut Generated) {
        let Some(answered_at) = m.answered_at else {
            return;
        };
        if !self.rng.random_bool(0.35) {
            return;
        }
        let score: u8 = [1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5]
            .choose(&mut self.rng)
            .copied()
            .unwrap_or(5);
        let resolved = score >= 4;
        m.rating = Some((score, resolved));
        let after = m
            .events
            .iter()
            .rposition(|e| e.action == Action::Answer.as_str())
            .map_or(m.events.len(), |i| i + 1);
        m.events.insert(
            after,
            Event {
                at: answered_at + Duration::hours(1),
                actor: m.author_id,
                action: "rate",
                from: Some(MessageStatus::Answered),
                to: MessageStatus::Answered,
                comment: Some(format!(
                    "Оценка {score} из 5, {}",
                    if resolved {
                        "проблема решена"
                    } else {
                        "проблема не решена"
                    }
                )),
            },
        );
    }

    /// What the message's history adds to the daily counters.
    fn count(&mut self, m: &Generated) {
        for e in &m.events {
            let day = e.at.with_timezone(&self.tz).date_naive();
            let change = match (e.action, m.rating) {
                ("rate", Some((score, _))) => Some((day, Change::rating(score))),
                _ => counted(
                    e.action,
                    day,
                    self.today,
                    Some(m.due_date),
                    m.status.as_str(),
                    m.organisation_id.is_some(),
                ),
            };
            if let Some((day, change)) = change {
                self.sums.add(
                    Key {
                        day,
                        organisation_id: m.organisation_id.unwrap_or(0),
                        topic_id: m.topic_id,
                        territory_id: m.territory_id.unwrap_or(0),
                    },
                    change,
                );
            }
        }
    }
}

/// The active topics and a Zipf draw over them (weight 1/rank), ranked by
/// the demo's own weights so roads and buildings stay on top.
async fn zipf_topics(
    conn: &mut Conn<'_>,
) -> Result<(Vec<catalogue::Topic>, WeightedIndex<f64>), DbError> {
    let positions: HashMap<i64, i32> = catalogue::categories(conn)
        .await?
        .iter()
        .map(|c| (c.id, c.position))
        .collect();
    let mut topics: Vec<(f64, catalogue::Topic)> = catalogue::topics(conn)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .map(|t| {
            let weight =
                demo_messages::category_weight(positions[&t.category_id]) / f64::from(t.position);
            (weight, t)
        })
        .collect();
    topics.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    let weights: Vec<f64> = (1..=topics.len()).map(|rank| 1.0 / rank as f64).collect();
    let pick =
        WeightedIndex::new(&weights).map_err(|e| DbError::Corrupt(format!("topics: {e}")))?;
    Ok((topics.into_iter().map(|(_, t)| t).collect(), pick))
}

struct Event {
    at: DateTime<Utc>,
    actor: Option<i64>,
    action: &'static str,
    from: Option<MessageStatus>,
    to: MessageStatus,
    comment: Option<String>,
}

struct Generated {
    id: i64,
    number: String,
    topic_id: i64,
    organisation_id: Option<i64>,
    territory_id: Option<i64>,
    author_id: Option<i64>,
    text: String,
    /// The search index's entry, for a message that is shown.
    search: Option<String>,
    lat: f64,
    lon: f64,
    address: String,
    status: MessageStatus,
    public: bool,
    due_date: NaiveDate,
    routing_note: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    routed_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    /// The score and whether the resident called the problem resolved.
    rating: Option<(u8, bool)>,
    disputes: i32,
    events: Vec<Event>,
}

struct Chunk {
    messages: Vec<Generated>,
}

/// The columns of `messages` a seed fills, in the order of [`Chunk::steps`]' values.
const MESSAGE_COLUMNS: [&str; 22] = [
    "id",
    "number",
    "topic_id",
    "organisation_id",
    "territory_id",
    "author_id",
    "text",
    "lat",
    "lon",
    "address",
    "status",
    "public",
    "source",
    "due_date",
    "routing_note",
    "created_at",
    "updated_at",
    "routed_at",
    "answered_at",
    "rating",
    "resolved",
    "disputes",
];

impl Chunk {
    /// The steps that write the chunk (on SQLite with their values
    /// encoded), built away from the writer, which only runs them: built by
    /// the writer they were a fifth of its time. See [`Steps::build`].
    fn steps(self, backend: Backend) -> Result<Vec<many_rows::Step>, DbError> {
        let messages = self
            .messages
            .iter()
            .map(|m| {
                vec![
                    Arg::from(m.id),
                    m.number.as_str().into(),
                    m.topic_id.into(),
                    m.organisation_id.into(),
                    m.territory_id.into(),
                    m.author_id.into(),
                    m.text.as_str().into(),
                    m.lat.into(),
                    m.lon.into(),
                    m.address.as_str().into(),
                    m.status.as_str().into(),
                    m.public.into(),
                    intake::Source::Web.as_str().into(),
                    m.due_date.into(),
                    m.routing_note.as_deref().into(),
                    m.created_at.into(),
                    m.updated_at.into(),
                    m.routed_at.into(),
                    m.answered_at.into(),
                    m.rating.map(|(score, _)| i32::from(score)).into(),
                    m.rating.map(|(_, resolved)| resolved).into(),
                    m.disputes.into(),
                ]
            })
            .collect();
        let mut steps = many_rows::appended(backend, "messages", &MESSAGE_COLUMNS, messages)?;
        let history: Vec<events::NewEvent<'_>> = self
            .messages
            .iter()
            .flat_map(|m| {
                m.events.iter().map(|e| events::NewEvent {
                    message_id: m.id,
                    at: e.at,
                    actor_id: e.actor,
                    action: e.action,
                    from_status: e.from,
                    to_status: e.to,
                    comment: e.comment.as_deref(),
                    public: true,
                })
            })
            .collect();
        steps.extend(events::appended(backend, &history)?);
        let documents = self
            .messages
            .into_iter()
            .filter_map(|m| Some((m.id, m.search?)))
            .collect();
        steps.extend(search::appended(backend, documents)?);
        Ok(steps)
    }
}
