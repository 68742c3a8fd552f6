//! Trained routing models: stored as their versioned bytes with the figures
//! they earned on a held-out slice. One is active; the one it replaced is
//! kept as `previous` for rollback. Every node keeps the active one in memory
//! ([`Live`]) and notices a switch made elsewhere by its id.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;
use vmeste_routing::classifier::{Evaluation, Model};

use crate::{Conn, DbError, Sql};

pub const ACTIVE: &str = "active";
pub const PREVIOUS: &str = "previous";
pub const REJECTED: &str = "rejected";
pub const RETIRED: &str = "retired";

/// A stored model without its bytes, for lists and decisions.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub trained_on: i64,
    pub tested_on: i64,
    pub topic_top1: Option<f64>,
    pub topic_top3: Option<f64>,
    pub organisation_top1: Option<f64>,
    pub organisation_top3: Option<f64>,
    /// The then active model's topic top-1 on the same slice.
    pub rival_topic_top1: Option<f64>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
}

const STORED: &str = "SELECT id, trained_on, tested_on, topic_top1, topic_top3, organisation_top1, \
    organisation_top3, rival_topic_top1, status, created_at, activated_at FROM routing_models";

/// A model to store, with how it did on the held-out slice (if it was judged).
pub struct NewModel<'a> {
    pub model: &'a Model,
    pub judged: Option<&'a Evaluation>,
    pub rival_topic_top1: Option<f64>,
    pub status: &'a str,
}

pub async fn insert(
    conn: &mut Conn<'_>,
    new: &NewModel<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let figure = |f: fn(&Evaluation) -> f64| new.judged.map(f);
    let id: i64 = Sql::new(
        "INSERT INTO routing_models (bytes, trained_on, tested_on, topic_top1, topic_top3, \
         organisation_top1, organisation_top3, rival_topic_top1, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.model.to_bytes())
    .bind(i64::try_from(new.model.trained_on()).unwrap_or(i64::MAX))
    .bind(
        new.judged
            .map_or(0, |e| i64::try_from(e.n).unwrap_or(i64::MAX)),
    )
    .bind(figure(|e| e.topic_top1))
    .bind(figure(|e| e.topic_top3))
    .bind(figure(|e| e.organisation_top1))
    .bind(figure(|e| e.organisation_top3))
    .bind(new.rival_topic_top1)
    .bind(REJECTED)
    .bind(now)
    .scalar(conn)
    .await?;
    if new.status == ACTIVE {
        activate(conn, id, now).await?;
    } else if new.status != REJECTED {
        Sql::new("UPDATE routing_models SET status = $1 WHERE id = $2")
            .bind(new.status)
            .bind(id)
            .execute(conn)
            .await?;
    }
    Ok(id)
}

/// Makes a model the active one; the active one becomes `previous` (for
/// rollback) and the old `previous` is retired.
pub async fn activate(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    for (to, from) in [(RETIRED, PREVIOUS), (PREVIOUS, ACTIVE)] {
        Sql::new("UPDATE routing_models SET status = $1 WHERE status = $2 AND id <> $3")
            .bind(to)
            .bind(from)
            .bind(id)
            .execute(conn)
            .await?;
    }
    Sql::new("UPDATE routing_models SET status = $1, activated_at = $2 WHERE id = $3")
        .bind(ACTIVE)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts the previous model back; the active one is rejected. `None` when
/// there is no previous model to return to.
pub async fn rollback(conn: &mut Conn<'_>, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    let previous: Option<i64> = Sql::new(
        "SELECT id FROM routing_models WHERE status = $1 ORDER BY activated_at DESC, id DESC LIMIT 1",
    )
    .bind(PREVIOUS)
    .scalars(conn)
    .await?
    .into_iter()
    .next();
    let Some(previous) = previous else {
        return Ok(None);
    };
    Sql::new("UPDATE routing_models SET status = $1 WHERE status = $2")
        .bind(REJECTED)
        .bind(ACTIVE)
        .execute(conn)
        .await?;
    Sql::new("UPDATE routing_models SET status = $1, activated_at = $2 WHERE id = $3")
        .bind(ACTIVE)
        .bind(now)
        .bind(previous)
        .execute(conn)
        .await?;
    Ok(Some(previous))
}

pub async fn active(conn: &mut Conn<'_>) -> Result<Option<Stored>, DbError> {
    Sql::new(format!("{STORED} WHERE status = $1"))
        .bind(ACTIVE)
        .fetch_optional(conn)
        .await
}

/// The latest models, newest first.
pub async fn recent(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Stored>, DbError> {
    Sql::new(format!("{STORED} ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(conn)
        .await
}

async fn active_id(conn: &mut Conn<'_>) -> Result<Option<i64>, DbError> {
    Ok(Sql::new("SELECT id FROM routing_models WHERE status = $1")
        .bind(ACTIVE)
        .scalars(conn)
        .await?
        .into_iter()
        .next())
}

/// A stored model read back into memory.
pub async fn load(conn: &mut Conn<'_>, id: i64) -> Result<Model, DbError> {
    let bytes: Vec<u8> = Sql::new("SELECT bytes FROM routing_models WHERE id = $1")
        .bind(id)
        .scalar(conn)
        .await?;
    Model::from_bytes(&bytes).map_err(|e| DbError::Corrupt(format!("routing model {id}: {e}")))
}

/// The active model as loaded in memory.
#[derive(Debug)]
pub struct Loaded {
    pub id: i64,
    pub model: Model,
}

/// This node's copy of the active model. Each use asks the database which
/// model is active (one indexed lookup) and loads it only when that changed,
/// so a retraining or rollback on any node reaches every node.
#[derive(Debug, Default)]
pub struct Live {
    slot: RwLock<Option<Arc<Loaded>>>,
}

impl Live {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn current(&self, conn: &mut Conn<'_>) -> Result<Option<Arc<Loaded>>, DbError> {
        let Some(id) = active_id(conn).await? else {
            self.put(None);
            return Ok(None);
        };
        if let Some(loaded) = self.get().filter(|l| l.id == id) {
            return Ok(Some(loaded));
        }
        let loaded = match load(conn, id).await {
            Ok(model) => Some(Arc::new(Loaded { id, model })),
            // A model this binary cannot read must not stop intake.
            Err(DbError::Corrupt(why)) => {
                tracing::error!(model = id, %why, "the active routing model cannot be read");
                None
            }
            Err(e) => return Err(e),
        };
        self.put(loaded.clone());
        Ok(loaded)
    }

    fn get(&self) -> Option<Arc<Loaded>> {
        match self.slot.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn put(&self, loaded: Option<Arc<Loaded>>) {
        match self.slot.write() {
            Ok(mut slot) => *slot = loaded,
            Err(poisoned) => *poisoned.into_inner() = loaded,
        }
    }
}

/// The confidence at which messages of a topic are routed without
/// moderation; `None`: never.
pub async fn threshold(conn: &mut Conn<'_>, topic_id: i64) -> Result<Option<f64>, DbError> {
    Ok(
        Sql::new("SELECT auto_route_threshold FROM topics WHERE id = $1")
            .bind(topic_id)
            .scalars::<Option<f64>>(conn)
            .await?
            .into_iter()
            .next()
            .flatten(),
    )
}

pub async fn set_threshold(
    conn: &mut Conn<'_>,
    topic_id: i64,
    threshold: Option<f64>,
) -> Result<bool, DbError> {
    let n = Sql::new("UPDATE topics SET auto_route_threshold = $1 WHERE id = $2")
        .bind(threshold)
        .bind(topic_id)
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Every topic with a threshold, by id.
pub async fn thresholds(conn: &mut Conn<'_>) -> Result<Vec<(i64, f64)>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        auto_route_threshold: f64,
    }
    let rows: Vec<Row> = Sql::new(
        "SELECT id, auto_route_threshold FROM topics WHERE auto_route_threshold IS NOT NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.auto_route_threshold))
        .collect())
}
