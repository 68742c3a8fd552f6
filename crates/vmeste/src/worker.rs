//! The background worker: schedules periodic jobs and runs queued ones. Many
//! workers on many nodes may run at once; the queue hands each job to one.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use vmeste_db::{
    Db, DbError, attachments, cases, escalation, idempotency, jobs, maintenance, messages,
    notifications, routing_training, users, webhooks,
};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;

use crate::mailer::Mailer;
use crate::webhooks::Sender;
use vmeste_web::drafts;

/// How long a claimed job is ours before another worker may take it over.
const LEASE_SECONDS: i64 = 300;
/// Pause when the queue is empty.
const IDLE: Duration = Duration::from_secs(2);
/// How often periodic jobs are (re)considered.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
const MAINTENANCE: &str = "maintenance";
const ESCALATION: &str = "escalation";
/// Staff get one e-mail a day instead of one per event.
const STAFF_DIGEST: &str = "staff_digest";
/// The routing classifier learns from new labels once an hour.
pub const ROUTING_RETRAIN: &str = "routing_retrain";
/// Labels since the last model that make retraining worth it, by default.
pub const RETRAIN_AFTER: u32 = 200;
/// Dead jobs (and webhook attempts) are kept this long for inspection.
const KEEP_DEAD_DAYS: i64 = 30;

pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    mailer: Arc<Mailer>,
    storage: vmeste_web::Storage,
    calendar: ProductionCalendar,
    /// The site's address, for links in e-mails.
    public_url: String,
    webhooks: Sender,
    retrain_after: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] crate::mailer::MailError),
    #[error("bad job payload: {0}")]
    Payload(String),
    #[error(transparent)]
    Storage(#[from] vmeste_web::storage::StorageError),
    #[error("photo: {0}")]
    Photo(String),
    #[error("webhook: {0}")]
    Webhook(String),
    #[error("routing model: {0}")]
    Training(String),
}

impl Worker {
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        mailer: Arc<Mailer>,
        storage: vmeste_web::Storage,
        public_url: &str,
    ) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self {
            db,
            clock,
            mailer,
            storage,
            calendar: ProductionCalendar::russian_federal(),
            webhooks: Sender::new(&public_url, false),
            public_url,
            retrain_after: RETRAIN_AFTER,
        }
    }

    /// Lets webhooks go to loopback and private addresses: for tests and
    /// closed networks, never for a server whose own network must stay shut.
    #[must_use]
    pub fn allow_private_webhook_targets(mut self, allow: bool) -> Self {
        self.webhooks = Sender::new(&self.public_url, allow);
        self
    }

    /// How many new labels make the hourly job retrain the routing model.
    #[must_use]
    pub fn retrain_after(mut self, labels: u32) -> Self {
        self.retrain_after = labels;
        self
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
        let mut tx = self.db.write().await?;
        // Maintenance once a day; the escalation sweep once an hour.
        for (kind, period) in [
            (MAINTENANCE, "%Y-%m-%d"),
            (ESCALATION, "%Y-%m-%dT%H"),
            (STAFF_DIGEST, "%Y-%m-%d"),
            (ROUTING_RETRAIN, "%Y-%m-%dT%H"),
        ] {
            let key = format!("{kind}:{}", now.format(period));
            jobs::schedule_once(
                &mut tx.conn(),
                &key,
                &jobs::NewJob {
                    kind,
                    payload: "{}",
                    dedupe_key: Some(&key),
                    run_at: now,
                    max_attempts: 3,
                },
                now,
            )
            .await?;
        }
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
                let purged = jobs::purge_dead(&mut tx.conn(), before).await?
                    + jobs::purge_schedule(&mut tx.conn(), before).await?
                    + idempotency::purge(&mut tx.conn(), self.clock.now()).await?
                    + webhooks::prune_attempts(&mut tx.conn(), before).await?;
                tx.commit().await?;
                let abandoned = self.clock.now() - chrono::Duration::hours(drafts::KEEP_HOURS);
                let drafts = self.storage.delete_older(drafts::PREFIX, abandoned).await?;
                tracing::info!(purged, drafts, "maintenance done");
                Ok(())
            }
            vmeste_web::mail::JOB_KIND => Ok(self.mailer.send(&job.payload).await?),
            notifications::EMAIL_JOB => {
                let email = self.case_email(&job.payload).await?;
                if let Some(email) = email {
                    let payload = serde_json::to_string(&email)
                        .map_err(|e| JobError::Payload(e.to_string()))?;
                    self.mailer.send(&payload).await?;
                }
                Ok(())
            }
            STAFF_DIGEST => self.staff_digest().await,
            webhooks::JOB => {
                self.webhooks
                    .deliver(&self.db, self.clock.as_ref(), job)
                    .await
            }
            attachments::SIZES_JOB => self.photo_sizes(&job.payload).await,
            ROUTING_RETRAIN => {
                let retrained = routing_training::retrain(
                    &self.db,
                    self.clock.now(),
                    i64::from(self.retrain_after),
                )
                .await
                .map_err(|e| JobError::Training(e.to_string()))?;
                tracing::info!(?retrained, "routing model retraining considered");
                Ok(())
            }
            ESCALATION => {
                let mut handle = self.db.read().await?;
                let region = vmeste_db::regions::current(&mut handle.conn()).await?;
                drop(handle);
                let Some(region) = region else { return Ok(()) };
                let ctx = cases::Context {
                    calendar: &self.calendar,
                    time_zone: region.tz()?,
                    now: self.clock.now(),
                };
                let sweep = escalation::sweep(&self.db, ctx).await?;
                tracing::info!(?sweep, "escalation sweep done");
                Ok(())
            }
            other => Err(JobError::UnknownKind(other.to_string())),
        }
    }
}

impl Worker {
    /// Composes a case e-mail from what the case is now; `None` when the
    /// person no longer wants or can receive it.
    async fn case_email(&self, payload: &str) -> Result<Option<vmeste_web::mail::Email>, JobError> {
        let job: notifications::CaseMail =
            serde_json::from_str(payload).map_err(|e| JobError::Payload(e.to_string()))?;
        let mut handle = self.db.read().await?;
        let user = users::by_id(&mut handle.conn(), job.user_id).await?;
        let message = messages::get(&mut handle.conn(), job.message_id).await?;
        let (Some(user), Some(message)) = (user, message) else {
            return Ok(None);
        };
        // The choice may have changed since the job was queued.
        let wants = if job.staff {
            user.staff_mail() == users::StaffMail::Each
        } else {
            user.notify_email
        };
        let Some(address) = user.email.clone().filter(|_| user.active && wants) else {
            return Ok(None);
        };
        let lang = vmeste_web::mail::lang_of(&user.locale);
        let page = if job.staff {
            "staff/messages"
        } else {
            "messages"
        };
        let email = vmeste_web::mail::case_email(
            lang,
            &address,
            &message.number,
            (&job.kind, job.staff),
            &format!("{}/{page}/{}", self.public_url, message.id),
        )
        .map_err(|e| JobError::Payload(e.to_string()))?;
        Ok(Some(email))
    }
}

impl Worker {
    /// Makes a photo's smaller copies from its full one (decoding is CPU
    /// work: off the async threads). A photo gone meanwhile is not an error.
    async fn photo_sizes(&self, payload: &str) -> Result<(), JobError> {
        let id: i64 = payload
            .trim()
            .parse()
            .map_err(|_| JobError::Payload(payload.to_owned()))?;
        let photo = {
            let mut handle = self.db.read().await?;
            attachments::get(&mut handle.conn(), id).await?
        };
        let Some(photo) = photo else { return Ok(()) };
        let Some(full) = self.storage.get(&photo.storage_key).await? else {
            return Ok(());
        };
        for (size, edge) in attachments::SIZES {
            let source = full.clone();
            let copy =
                tokio::task::spawn_blocking(move || vmeste_web::photos::resized(&source, edge))
                    .await
                    .map_err(|e| JobError::Photo(e.to_string()))?
                    .map_err(|e| JobError::Photo(e.to_string()))?;
            self.storage
                .put(&attachments::sized_key(&photo.storage_key, size), copy)
                .await?;
        }
        Ok(())
    }

    /// Queues for each staff member who takes e-mail one digest of the last
    /// day's unread notifications; each e-mail is then retried on its own.
    async fn staff_digest(&self) -> Result<(), JobError> {
        let since = self.clock.now() - chrono::Duration::days(1);
        let lines = {
            let mut handle = self.db.read().await?;
            notifications::digest_since(&mut handle.conn(), since).await?
        };
        let link = format!("{}/staff/inbox", self.public_url);
        let now = self.clock.now();
        let mut tx = self.db.write().await?;
        for person in lines.chunk_by(|a, b| a.user_id == b.user_id) {
            let Some(first) = person.first() else {
                continue;
            };
            let counts: Vec<(String, i64)> =
                person.iter().map(|l| (l.kind.clone(), l.count)).collect();
            let email = vmeste_web::mail::digest_email(
                vmeste_web::mail::lang_of(&first.locale),
                &first.email,
                &counts,
                &link,
            )
            .map_err(|e| JobError::Payload(e.to_string()))?;
            vmeste_web::mail::enqueue(&mut tx.conn(), &email, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
