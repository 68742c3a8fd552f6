//! What the load-test scripts in `bench/` need from the database: a key to
//! submit with, the bare insert that bounds intake from above, and the checks
//! run after the server was killed.

use chrono::{DateTime, Utc};
use vmeste_domain::case::CaseKind;
use vmeste_domain::status::MessageStatus;

use crate::api_keys::{self, Scope};
use crate::messages::{self, NewMessage};
use crate::{Backend, Db, DbError, Sql};

/// Issues a key with every scope of the first organisation, made by the
/// first user (the demo's administrator), and returns its secret.
pub async fn issue_key(db: &Db, now: DateTime<Utc>) -> Result<String, DbError> {
    let mut tx = db.write().await?;
    let organisation: i64 = Sql::new("SELECT MIN(id) FROM organisations")
        .scalar(&mut tx.conn())
        .await?;
    let user: i64 = Sql::new("SELECT MIN(id) FROM users")
        .scalar(&mut tx.conn())
        .await?;
    let (_, secret) = api_keys::create(
        &mut tx.conn(),
        organisation,
        "load test",
        &Scope::ALL,
        user,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The row a bare insert repeats: the newest message's topic, organisation,
/// territory and place.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Template {
    topic_id: i64,
    organisation_id: Option<i64>,
    territory_id: Option<i64>,
    lat: f64,
    lon: f64,
}

/// Inserts `messages` rows shaped like the newest message (same columns,
/// same indexes, through the same writer as intake) with none of intake's
/// checks, routing, history or search entry: `concurrency` rows a commit
/// in one statement — the most a commit of intake can carry with that many
/// clients, written the fastest way.
pub async fn bare_inserts(
    db: &Db,
    messages: u64,
    concurrency: u64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let template: Template = {
        let mut handle = db.read().await?;
        Sql::new(
            "SELECT topic_id, organisation_id, territory_id, lat, lon FROM messages \
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&mut handle.conn())
        .await?
    };
    let run = now.timestamp_micros();
    let per_commit = concurrency.max(1);
    let mut first = 0;
    while first < messages {
        let numbers: Vec<String> = (first..messages.min(first + per_commit))
            .map(|i| format!("bench-{run}-{i}"))
            .collect();
        first += per_commit;
        let template = template.clone();
        db.write_batched(move |mut conn| {
            Box::pin(async move {
                let rows: Vec<NewMessage<'_>> = numbers
                    .iter()
                    .map(|number| template.row(number, now))
                    .collect();
                messages::insert_all(&mut conn, &rows).await.map(drop)
            })
        })
        .await?;
    }
    Ok(())
}

impl Template {
    fn row<'a>(&self, number: &'a str, now: DateTime<Utc>) -> NewMessage<'a> {
        NewMessage {
            number,
            kind: CaseKind::Message,
            topic_id: self.topic_id,
            organisation_id: self.organisation_id,
            territory_id: self.territory_id,
            house_id: None,
            author_id: None,
            text: "Яма на дороге у дома, глубиной около двадцати сантиметров",
            lat: self.lat,
            lon: self.lon,
            address: None,
            status: MessageStatus::Moderation,
            public: true,
            source: "api",
            due_date: Some(now.date_naive()),
            routing_note: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A message the server acknowledged with 201, as the client sent it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Acknowledged {
    pub id: i64,
    pub topic_id: i64,
    pub text: String,
}

#[derive(Debug, sqlx::FromRow)]
struct Stored {
    topic_id: i64,
    text: String,
}

/// The acknowledged messages that are missing or not as sent.
pub async fn lost(db: &Db, acknowledged: &[Acknowledged]) -> Result<Vec<i64>, DbError> {
    let mut handle = db.read().await?;
    let mut lost = Vec::new();
    for sent in acknowledged {
        let stored: Option<Stored> = Sql::new("SELECT topic_id, text FROM messages WHERE id = $1")
            .bind(sent.id)
            .fetch_optional(&mut handle.conn())
            .await?;
        if !stored.is_some_and(|s| s.topic_id == sent.topic_id && s.text == sent.text) {
            lost.push(sent.id);
        }
    }
    Ok(lost)
}

/// What the database's own check finds wrong: `PRAGMA integrity_check` on
/// SQLite, `amcheck`'s `bt_index_check` of every index in the schema on
/// PostgreSQL. Empty when all is well.
pub async fn integrity_problems(db: &Db) -> Result<Vec<String>, DbError> {
    match db.backend() {
        Backend::Sqlite => {
            let mut handle = db.read().await?;
            let found: Vec<String> = Sql::new("PRAGMA integrity_check")
                .scalars(&mut handle.conn())
                .await?;
            Ok(found.into_iter().filter(|line| line != "ok").collect())
        }
        Backend::Postgres => {
            let mut tx = db.write().await?;
            Sql::new("CREATE EXTENSION IF NOT EXISTS amcheck")
                .execute(&mut tx.conn())
                .await?;
            // bt_index_check raises an error on the first corrupt index.
            let checked: i64 = Sql::new(
                "SELECT COUNT(bt_index_check(c.oid::regclass)) FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid \
                 JOIN pg_am a ON a.oid = c.relam \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE a.amname = 'btree' AND n.nspname = current_schema() AND c.relpersistence <> 't'",
            )
            .scalar(&mut tx.conn())
            .await?;
            tx.commit().await?;
            Ok(if checked > 0 {
                Vec::new()
            } else {
                vec!["no B-tree index was checked".into()]
            })
        }
    }
}
