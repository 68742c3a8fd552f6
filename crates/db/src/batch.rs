//! Group commit. Writes that may share a transaction (taking in a message)
//! queue to one writer task, which runs as many as are waiting in one
//! transaction, each in its own savepoint, and answers each only after the
//! commit. One commit (one WAL sync on SQLite, one WAL flush on PostgreSQL)
//! then carries many writes, and a write that fails rolls back to its
//! savepoint without failing the others. See docs/adr/0004-group-commit.md.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot};

use crate::{Conn, DbError, Sql, Tx};

/// A future that may borrow the writer's connection.
pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Writes one commit carries at most, so that an answer never waits behind an
/// unbounded batch.
const MAX_BATCH: usize = 512;

/// Called once the batch's fate is known: `Ok` once it committed.
type Answer = Box<dyn FnOnce(Result<(), &DbError>) + Send>;

/// What a job did in its savepoint: keep it, or roll it back.
struct Ran {
    keep: bool,
    answer: Answer,
}

type Job = Box<dyn for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Ran> + Send>;

/// The sending end of the writer's queue; the writer stops when every clone
/// of it is gone.
#[derive(Clone)]
pub(crate) struct Queue(mpsc::UnboundedSender<Job>);

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Queue")
    }
}

impl Queue {
    /// Starts the writer task; `begin` opens each batch's transaction.
    pub(crate) fn start<B, F>(begin: B) -> Self
    where
        B: Fn() -> F + Send + 'static,
        F: Future<Output = Result<Tx, DbError>> + Send + 'static,
    {
        let (sender, jobs) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(begin, jobs));
        Self(sender)
    }

    /// Runs `work` in the next batch and returns its result once the batch
    /// committed. An error from `work` rolls back its own changes only.
    pub(crate) async fn run<T, E, W>(&self, work: W) -> Result<T, E>
    where
        W: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (reply, answered) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let result = work(conn).await;
                Ran {
                    keep: result.is_ok(),
                    answer: Box::new(move |committed| {
                        let answer = match (result, committed) {
                            (Ok(_), Err(e)) => Err(E::from(not_committed(e))),
                            (result, _) => result,
                        };
                        // The caller may have gone (a client hung up); the write stands.
                        let _ = reply.send(answer);
                    }),
                }
            })
        });
        self.0.send(job).map_err(|_| E::from(writer_gone()))?;
        answered.await.map_err(|_| E::from(writer_gone()))?
    }
}

fn writer_gone() -> DbError {
    DbError::Config("the database writer has stopped or dropped this write".into())
}

fn not_committed(e: &DbError) -> DbError {
    DbError::Config(format!("the batch this write was in did not commit: {e}"))
}

async fn write_batches<B, F>(begin: B, mut jobs: mpsc::UnboundedReceiver<Job>)
where
    B: Fn() -> F,
    F: Future<Output = Result<Tx, DbError>>,
{
    while let Some(first) = jobs.recv().await {
        let mut tx = match begin().await {
            Ok(tx) => tx,
            Err(e) => {
                // Dropping the job answers its caller with an error.
                tracing::error!(error = %e, "cannot begin a write batch");
                continue;
            }
        };
        let mut answers = Vec::new();
        let mut broken = None;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match in_savepoint(&mut tx, job).await {
                Ok(answer) => answers.push(answer),
                Err(e) => {
                    broken = Some(e);
                    break;
                }
            }
            if answers.len() < MAX_BATCH {
                next = jobs.try_recv().ok();
            }
        }
        // Dropping the transaction of a broken batch rolls it back.
        let committed = match broken {
            None => tx.commit().await,
            Some(e) => Err(e),
        };
        if let Err(e) = &committed {
            tracing::error!(error = %e, writes = answers.len(), "a write batch did not commit");
        }
        for answer in answers {
            answer(committed.as_ref().copied());
        }
    }
}

/// Runs one job in a savepoint of the batch. An error here (not the job's own
/// error, which only rolls back its savepoint) breaks the whole batch.
async fn in_savepoint(tx: &mut Tx, job: Job) -> Result<Answer, DbError> {
    Sql::new("SAVEPOINT batch_write")
        .execute(&mut tx.conn())
        .await?;
    // A panicking job must not take the writer (and every later write) down.
    let ran = AssertUnwindSafe(job(tx.conn()))
        .catch_unwind()
        .await
        .map_err(|_| DbError::Corrupt("a write panicked; its batch is rolled back".into()))?;
    if !ran.keep {
        Sql::new("ROLLBACK TO SAVEPOINT batch_write")
            .execute(&mut tx.conn())
            .await?;
    }
    Sql::new("RELEASE SAVEPOINT batch_write")
        .execute(&mut tx.conn())
        .await?;
    Ok(ran.answer)
}
