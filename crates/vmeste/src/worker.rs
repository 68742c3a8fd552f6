//! The background worker: schedules periodic jobs and runs queued ones. Many
//! workers on many nodes may run at once; the queue hands each job to one.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use vmeste_db::{Db, DbError, jobs, maintenance};
use vmeste_domain::clock::Clock;

use crate::mailer::Mailer;

/// How long a claimed job is ours before another worker may take it over.
const LEASE_SECONDS: i64 = 300;
/// Pause when the queue is empty.
const IDLE: Duration = Duration::from_secs(2);
/// How often periodic jobs are (re)considered.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
const MAINTENANCE: &str = "maintenance";
/// Dead jobs are kept this long for inspection.
const KEEP_DEAD_DAYS: i64 = 30;

pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    mailer: Arc<Mailer>,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] crate::mailer::MailError),
}

impl Worker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, mailer: Arc<Mailer>) -> Self {
        Self { db, clock, mailer }
    }

    /// Runs until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut last_schedule: Option<tokio::time::Instant> = None;
        while !*shutdown.borrow() {
            if last_schedule.is_none_or(|t| t.elapsed() >= SCHEDULE_EVERY) {
                if let Err(e) = self.schedule().await {
                    tracing::warn!(error = %e, "scheduling periodic jobs failed");
                }
                last_schedule = Some(tokio::time::Instant::now());
            }
            let worked = match self.run_one().await {
                Ok(worked) => worked,
                Err(e) => {
                    tracing::warn!(error = %e, "job queue unavailable");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    () = tokio::time::sleep(IDLE) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Enqueues today's periodic jobs; the dedupe key makes this idempotent
    /// across restarts and nodes.
    pub async fn schedule(&self) -> Result<(), DbError> {
        let now = self.clock.now();
        let key = format!("{MAINTENANCE}:{}", now.format("%Y-%m-%d"));
        let mut tx = self.db.write().await?;
        jobs::enqueue(
            &mut tx.conn(),
            &jobs::NewJob {
                kind: MAINTENANCE,
                payload: "{}",
                dedupe_key: Some(&key),
                run_at: now,
                max_attempts: 3,
            },
            now,
        )
        .await?;
        tx.commit().await
    }

    /// Claims and runs one due job; false when there was none.
    pub async fn run_one(&self) -> Result<bool, DbError> {
        let now = self.clock.now();
        let mut tx = self.db.write().await?;
        let job = jobs::claim(
            &mut tx.conn(),
            now,
            chrono::Duration::seconds(LEASE_SECONDS),
        )
        .await?;
        tx.commit().await?;
        let Some(job) = job else { return Ok(false) };
        let outcome = self.execute(&job).await;
        let mut tx = self.db.write().await?;
        match outcome {
            Ok(()) => jobs::complete(&mut tx.conn(), job.id).await?,
            Err(e) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed");
                jobs::fail(&mut tx.conn(), &job, &e.to_string(), self.clock.now()).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn execute(&self, job: &jobs::Job) -> Result<(), JobError> {
        match job.kind.as_str() {
            MAINTENANCE => {
                maintenance::optimise(&self.db).await?;
                let mut tx = self.db.write().await?;
                let before = self.clock.now() - chrono::Duration::days(KEEP_DEAD_DAYS);
                let purged = jobs::purge_dead(&mut tx.conn(), before).await?;
                tx.commit().await?;
                tracing::info!(purged, "maintenance done");
                Ok(())
            }
            vmeste_web::mail::JOB_KIND => Ok(self.mailer.send(&job.payload).await?),
            other => Err(JobError::UnknownKind(other.to_string())),
        }
    }
}
