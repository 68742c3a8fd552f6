//! Training the routing model from the labels staff made, judging it on a
//! held-out slice against the active model, and switching only when it is
//! not worse: the retraining job, the demo load and `vmeste routing train
//! --from-db` all go through here.

use chrono::{DateTime, Utc};
use vmeste_routing::classifier::{self, Evaluation, Example, Model, NoProgress};

use crate::routing_labels::{self, Label};
use crate::routing_models::{self, ACTIVE, NewModel, REJECTED};
use crate::{Conn, Db, DbError};

/// The share of labels kept out of training to judge models on.
pub const TEST_FRACTION: f64 = 0.2;
/// The held-out slice is the same for the same labels.
const SPLIT_SEED: u64 = 7;

/// The classifier's examples: topic and organisation ids as decimal labels.
pub fn examples(labels: &[Label]) -> Vec<Example> {
    labels
        .iter()
        .map(|l| Example {
            text: l.text.clone(),
            topic: l.topic_id.to_string(),
            organisation: l.organisation_id.map(|o| o.to_string()),
            at: Some(l.labelled_at.timestamp()),
        })
        .collect()
}

/// A model trained on all examples but the held-out slice, with its figures
/// on that slice.
pub struct Fitted {
    pub model: Model,
    pub judged: Evaluation,
    pub test: Vec<Example>,
}

#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("cannot train: {0}")]
    Train(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Trains off the async threads (it is CPU work).
pub async fn fit(examples: Vec<Example>) -> Result<Fitted, TrainingError> {
    tokio::task::spawn_blocking(move || {
        let (train, test) = classifier::split(&examples, TEST_FRACTION, SPLIT_SEED);
        let model = Model::train(&train, &NoProgress).map_err(|e| e.to_string())?;
        let judged = classifier::evaluate(&model, &test);
        Ok(Fitted {
            model,
            judged,
            test,
        })
    })
    .await
    .map_err(|e| TrainingError::Train(e.to_string()))?
    .map_err(TrainingError::Train)
}

/// What a retraining did.
#[derive(Debug, Clone, PartialEq)]
pub enum Retrained {
    /// Too few labels since the last model was trained.
    Waiting { new: i64, needed: i64 },
    /// The new model is active now (it did at least as well as the old one).
    Activated {
        id: i64,
        topic_top1: f64,
        rival: Option<f64>,
    },
    /// The new model did worse on topic top-1 and is kept out.
    Rejected {
        id: i64,
        topic_top1: f64,
        rival: f64,
    },
}

/// Retrains when at least `min_new` labels were made since the last model
/// was trained; the new model replaces the active one only if it is not
/// worse on topic top-1 over the same held-out slice.
pub async fn retrain(
    db: &Db,
    now: DateTime<Utc>,
    min_new: i64,
) -> Result<Retrained, TrainingError> {
    let labels = {
        let mut handle = db.read().await?;
        let mut conn = handle.conn();
        let since = routing_models::recent(&mut conn, 1)
            .await?
            .first()
            .map(|m| m.created_at);
        let new = match since {
            Some(since) => routing_labels::count_since(&mut conn, since).await?,
            None => routing_labels::count(&mut conn).await?,
        };
        if new < min_new {
            return Ok(Retrained::Waiting {
                new,
                needed: min_new,
            });
        }
        routing_labels::history(&mut conn).await?
    };
    judge_and_store(db, examples(&labels), now).await
}

/// Trains on all examples but a held-out slice, judges the model and the
/// active one on that slice, and stores the new one: active if it is not
/// worse on topic top-1, else rejected.
pub async fn judge_and_store(
    db: &Db,
    examples: Vec<Example>,
    now: DateTime<Utc>,
) -> Result<Retrained, TrainingError> {
    let current = {
        let mut handle = db.read().await?;
        let mut conn = handle.conn();
        match routing_models::active(&mut conn).await? {
            Some(active) => Some(routing_models::load(&mut conn, active.id).await?),
            None => None,
        }
    };
    let fitted = fit(examples).await?;
    let rival = current.map(|m| classifier::evaluate(&m, &fitted.test).topic_top1);
    let better = rival.is_none_or(|r| fitted.judged.topic_top1 >= r);
    let mut tx = db.write().await?;
    let id = store(&mut tx.conn(), &fitted, rival, better, now).await?;
    tx.commit().await?;
    let topic_top1 = fitted.judged.topic_top1;
    Ok(match rival {
        Some(rival) if !better => Retrained::Rejected {
            id,
            topic_top1,
            rival,
        },
        _ => Retrained::Activated {
            id,
            topic_top1,
            rival,
        },
    })
}

impl std::fmt::Display for Retrained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Waiting { new, needed } => {
                write!(f, "waiting: {new} new labels of the {needed} needed")
            }
            Self::Activated {
                id,
                topic_top1,
                rival: Some(rival),
            } => write!(
                f,
                "model {id} is active: topic top-1 {topic_top1:.3} on the held-out slice, \
                 the previous model {rival:.3}"
            ),
            Self::Activated { id, topic_top1, .. } => write!(
                f,
                "model {id} is active: topic top-1 {topic_top1:.3} on the held-out slice"
            ),
            Self::Rejected {
                id,
                topic_top1,
                rival,
            } => write!(
                f,
                "model {id} is kept out: topic top-1 {topic_top1:.3} on the held-out slice, \
                 worse than the active model's {rival:.3}"
            ),
        }
    }
}

/// Stores a fitted model, active or rejected.
pub async fn store(
    conn: &mut Conn<'_>,
    fitted: &Fitted,
    rival: Option<f64>,
    activate: bool,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    routing_models::insert(
        conn,
        &NewModel {
            model: &fitted.model,
            judged: Some(&fitted.judged),
            rival_topic_top1: rival,
            status: if activate { ACTIVE } else { REJECTED },
        },
        now,
    )
    .await
}
