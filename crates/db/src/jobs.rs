//! A durable job queue in the database, safe with many app nodes: a job is
//! claimed with a lease in one short statement, run outside any transaction,
//! deleted on success and retried with exponential backoff on failure.

use chrono::{DateTime, Duration, Utc};

use crate::{Backend, Conn, DbError, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i32,
    pub max_attempts: i32,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    /// Jobs with the same key are enqueued once (periodic jobs use the period).
    pub dedupe_key: Option<&'a str>,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
}

/// Enqueues a job; returns false when a job with the same dedupe key exists.
pub async fn enqueue(
    conn: &mut Conn<'_>,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let inserted = Sql::new(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(job.kind)
    .bind(job.payload)
    .bind(job.dedupe_key)
    .bind(job.run_at)
    .bind(job.max_attempts)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(inserted == 1)
}

/// Claims the next due job for `lease`; another worker may take it over if the
/// lease runs out (the worker died).
pub async fn claim(
    conn: &mut Conn<'_>,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Job>, DbError> {
    // PostgreSQL workers on several nodes skip rows another one is claiming;
    // SQLite has a single writer, so there is nothing to skip.
    let lock = match conn.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    Sql::new(format!(
        "UPDATE jobs SET attempts = attempts + 1, locked_until = $1 WHERE id = (\
         SELECT id FROM jobs WHERE dead = $2 AND run_at <= $3 AND (locked_until IS NULL OR locked_until < $3) \
         ORDER BY run_at, id LIMIT 1{lock}) RETURNING id, kind, payload, attempts, max_attempts"
    ))
    .bind(now + lease)
    .bind(false)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn complete(conn: &mut Conn<'_>, id: i64) -> Result<(), DbError> {
    Sql::new("DELETE FROM jobs WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The wait before the next attempt: 30 s, 1 min, 2 min, ... capped at 6 h.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(10);
    Duration::seconds((30_i64 << exponent).min(6 * 3600))
}

/// Records a failure: retried later, or dead after its last attempt.
pub async fn fail(
    conn: &mut Conn<'_>,
    job: &Job,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let dead = job.attempts >= job.max_attempts;
    Sql::new("UPDATE jobs SET locked_until = NULL, last_error = $1, dead = $2, run_at = $3 WHERE id = $4")
        .bind(error)
        .bind(dead)
        .bind(now + backoff(job.attempts))
        .bind(job.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes dead jobs older than `before`, once someone has had time to look.
pub async fn purge_dead(conn: &mut Conn<'_>, before: DateTime<Utc>) -> Result<u64, DbError> {
    Sql::new("DELETE FROM jobs WHERE dead = $1 AND created_at < $2")
        .bind(true)
        .bind(before)
        .execute(conn)
        .await
}

/// Pending (not dead) jobs, for readiness and metrics.
pub async fn pending(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Sql::new("SELECT COUNT(*) FROM jobs WHERE dead = $1")
        .bind(false)
        .scalar(conn)
        .await
}

/// Enqueues a periodic job once for its period, named by `key` (e.g.
/// `escalation:2026-03-16T09`), however often and on however many nodes the
/// scheduler asks. True when this call scheduled it.
pub async fn schedule_once(
    conn: &mut Conn<'_>,
    key: &str,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = Sql::new(
        "INSERT INTO job_schedule (key, scheduled_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(now)
    .execute(conn)
    .await?;
    if marked == 0 {
        return Ok(false);
    }
    enqueue(conn, job, now).await
}

/// Forgets schedule marks older than `before`.
pub async fn purge_schedule(conn: &mut Conn<'_>, before: DateTime<Utc>) -> Result<u64, DbError> {
    Sql::new("DELETE FROM job_schedule WHERE scheduled_at < $1")
        .bind(before)
        .execute(conn)
        .await
}
