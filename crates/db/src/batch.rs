//! Group commit. Writes that may share a transaction queue to one writer
//! task, which runs as many as are waiting in one transaction and answers
//! each only after the commit. One commit (one WAL sync on SQLite, one WAL
//! flush on PostgreSQL) then carries many writes. Messages being taken in
//! are written together, a few statements for the lot; any other write runs
//! in its own savepoint; a write that fails rolls back to its savepoint
//! without failing the others. See docs/adr/0004-group-commit.md.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot};

use crate::intake::{self, IntakeError, Planned};
use crate::messages::MessageView;
use crate::{Conn, DbError, Sql, Tx};

/// A future that may borrow the writer's connection.
pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Writes one commit carries at most, so that an answer never waits behind an
/// unbounded batch.
const MAX_BATCH: usize = 512;

/// Called once the batch's fate is known: `Ok` once it committed.
type Answer = Box<dyn FnOnce(Result<(), &DbError>) + Send>;

/// What a write did in its savepoint: keep it, or roll it back.
struct Ran {
    keep: bool,
    answer: Answer,
}

type Write = Box<dyn for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Ran> + Send>;

/// Where a message as taken in (or why it was refused) is sent.
type Reply = oneshot::Sender<Result<MessageView, IntakeError>>;

enum Job {
    /// Any write, in a savepoint of its own.
    Write(Write),
    /// A message to take in: a batch's messages are written together.
    Message(Box<Planned>, Reply),
}

/// Where the writer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriterHome {
    /// A task among the requests' (PostgreSQL: its statements wait on the
    /// network, and its connections belong to the pool's runtime).
    Shared,
    /// A thread of its own (SQLite: each statement is a round trip to the
    /// connection's thread, and a writer task waits behind the requests'
    /// tasks at every one of them: measured, a batch took 15 ms on shared
    /// workers and 3 ms on its own thread; docs/PERFORMANCE.md).
    OwnThread,
}

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
    /// Starts the writer where `home` says; `begin` opens each batch's
    /// transaction.
    pub(crate) fn start<B, F>(begin: B, home: WriterHome) -> Result<Self, DbError>
    where
        B: Fn() -> F + Send + Sync + 'static,
        F: Future<Output = Result<Tx, DbError>> + Send + 'static,
    {
        let (sender, jobs) = mpsc::unbounded_channel();
        match home {
            WriterHome::Shared => {
                tokio::spawn(write_batches(begin, jobs));
            }
            WriterHome::OwnThread => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| DbError::Config(format!("cannot start the writer: {e}")))?;
                std::thread::Builder::new()
                    .name("vmeste-writer".into())
                    .spawn(move || runtime.block_on(write_batches(begin, jobs)))
                    .map_err(|e| DbError::Config(format!("cannot start the writer: {e}")))?;
            }
        }
        Ok(Self(sender))
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
        let write: Write = Box::new(move |conn| {
            Box::pin(async move {
                let result = work(conn).await;
                Ran {
                    keep: result.is_ok(),
                    answer: answer(reply, result),
                }
            })
        });
        self.0
            .send(Job::Write(write))
            .map_err(|_| E::from(writer_gone()))?;
        answered.await.map_err(|_| E::from(writer_gone()))?
    }

    /// Takes in a planned message in the next batch and returns it once the
    /// batch committed.
    pub(crate) async fn take_in(&self, planned: Planned) -> Result<MessageView, IntakeError> {
        let (reply, answered) = oneshot::channel();
        self.0
            .send(Job::Message(Box::new(planned), reply))
            .map_err(|_| writer_gone())?;
        answered.await.map_err(|_| writer_gone())?
    }
}

/// Sends `result` once the batch's fate is known, or the reason it did not
/// commit.
fn answer<T, E>(reply: oneshot::Sender<Result<T, E>>, result: Result<T, E>) -> Answer
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    Box::new(move |committed| {
        let answer = match (result, committed) {
            (Ok(_), Err(e)) => Err(E::from(not_committed(e))),
            (result, _) => result,
        };
        // The caller may have gone (a client hung up); the write stands.
        let _ = reply.send(answer);
    })
}

fn writer_gone() -> DbError {
    DbError::Config("the database writer has stopped or dropped this write".into())
}

fn not_committed(e: &DbError) -> DbError {
    DbError::Config(format!("the batch this write was in did not commit: {e}"))
}

async fn write_batches<B, F>(begin: B, mut jobs: mpsc::UnboundedReceiver<Job>)
where
    B: Fn() -> F + Sync,
    F: Future<Output = Result<Tx, DbError>>,
{
    while let Some(first) = jobs.recv().await {
        let mut messages = Vec::new();
        let mut writes = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Message(planned, reply) => messages.push((*planned, reply)),
                Job::Write(write) => writes.push(write),
            }
            if messages.len() + writes.len() < MAX_BATCH {
                next = jobs.try_recv().ok();
            }
        }
        let mut answers = Vec::with_capacity(messages.len() + writes.len());
        // Jobs dropped unanswered (the batch broke before them) tell their
        // callers the writer dropped them; dropping a transaction rolls it back.
        let committed = write(&begin, messages, writes, &mut answers).await;
        if let Err(e) = &committed {
            tracing::error!(error = %e, writes = answers.len(), "a write batch did not commit");
        }
        for answer in answers {
            answer(committed.as_ref().copied());
        }
    }
}

/// Runs a batch in one transaction: its messages together, then every other
/// write in its own savepoint. An error here breaks the whole batch.
async fn write<B, F>(
    begin: &B,
    messages: Vec<(Planned, Reply)>,
    writes: Vec<Write>,
    answers: &mut Vec<Answer>,
) -> Result<(), DbError>
where
    B: Fn() -> F + Sync,
    F: Future<Output = Result<Tx, DbError>>,
{
    let mut tx = begin().await?;
    if !messages.is_empty() {
        tx = take_in_all(begin, tx, messages, answers).await?;
    }
    for write in writes {
        answers.push(in_savepoint(&mut tx, write).await?);
    }
    tx.commit().await
}

/// Writes the batch's messages in one go, first in its transaction — so
/// without a savepoint: should that fail, the transaction holds nothing
/// else yet and begins again, and each message is written alone in a
/// savepoint of its own, so that a bad message fails itself only.
async fn take_in_all<B, F>(
    begin: &B,
    mut tx: Tx,
    messages: Vec<(Planned, Reply)>,
    answers: &mut Vec<Answer>,
) -> Result<Tx, DbError>
where
    B: Fn() -> F + Sync,
    F: Future<Output = Result<Tx, DbError>>,
{
    let (planned, replies): (Vec<Planned>, Vec<Reply>) = messages.into_iter().unzip();
    let together = AssertUnwindSafe(intake::write_all(&mut tx.conn(), &planned))
        .catch_unwind()
        .await
        .map_err(|_| panicked())?;
    match together {
        Ok(views) => {
            for (reply, view) in replies.into_iter().zip(views) {
                answers.push(answer(reply, Ok(view)));
            }
            return Ok(tx);
        }
        Err(e) if planned.len() == 1 => {
            if let Some(reply) = replies.into_iter().next() {
                answers.push(answer(reply, Err(e)));
            }
            drop(tx);
            return begin().await;
        }
        Err(_) => drop(tx),
    }
    let mut tx = begin().await?;
    for (one, reply) in planned.chunks(1).zip(replies) {
        let view = in_own_savepoint(&mut tx, one).await?.and_then(|views| {
            views
                .into_iter()
                .next()
                .ok_or(IntakeError::Db(DbError::NotFound))
        });
        answers.push(answer(reply, view));
    }
    Ok(tx)
}

/// Writes planned messages in a savepoint, rolled back if they fail.
async fn in_own_savepoint(
    tx: &mut Tx,
    planned: &[Planned],
) -> Result<Result<Vec<MessageView>, IntakeError>, DbError> {
    savepoint(tx).await?;
    let written = AssertUnwindSafe(intake::write_all(&mut tx.conn(), planned))
        .catch_unwind()
        .await
        .map_err(|_| panicked())?;
    release(tx, written.is_ok()).await?;
    Ok(written)
}

/// Runs one write in a savepoint of the batch. An error here (not the
/// write's own error, which only rolls back its savepoint) breaks the batch.
async fn in_savepoint(tx: &mut Tx, write: Write) -> Result<Answer, DbError> {
    savepoint(tx).await?;
    // A panicking write must not take the writer (and every later write) down.
    let ran = AssertUnwindSafe(write(tx.conn()))
        .catch_unwind()
        .await
        .map_err(|_| panicked())?;
    release(tx, ran.keep).await?;
    Ok(ran.answer)
}

fn panicked() -> DbError {
    DbError::Corrupt("a write panicked; its batch is rolled back".into())
}

async fn savepoint(tx: &mut Tx) -> Result<(), DbError> {
    Sql::new("SAVEPOINT batch_write")
        .execute(&mut tx.conn())
        .await?;
    Ok(())
}

/// Ends the savepoint, keeping what was done in it or not.
async fn release(tx: &mut Tx, keep: bool) -> Result<(), DbError> {
    if !keep {
        Sql::new("ROLLBACK TO SAVEPOINT batch_write")
            .execute(&mut tx.conn())
            .await?;
    }
    Sql::new("RELEASE SAVEPOINT batch_write")
        .execute(&mut tx.conn())
        .await?;
    Ok(())
}
