//! SQLite's write-ahead log copied back into the database file by a thread
//! of its own. Left to SQLite, the writer does it inside a commit every
//! thousand pages, and every message of that batch waits for the copy and
//! its fsync (measured: a checkpoint was 7 % of the server's samples under
//! intake, all on the writer's path). A passive checkpoint on another
//! connection runs beside the writer and never blocks it.
//!
//! A passive checkpoint alone cannot keep the log short under constant
//! writes: the log restarts from its beginning only when a write begins with
//! every frame copied back, and beside a writer that keeps appending, the
//! copy is never complete at that moment (measured: the log grew by
//! ≈ 120 MB/s). So the writer still checkpoints, rarely
//! ([`WRITER_EVERY_PAGES`]), and then mostly the frames appended since the
//! last passive copy; once one finds no reader in the way (it tries again
//! after each commit until then), the next write restarts the log.

use std::sync::Weak;
use std::time::Duration;

use sqlx::SqlitePool;

use crate::DbError;

/// How often the log is copied back: about as many pages as SQLite's own
/// thousand-page threshold at full intake, and a short log when idle.
const EVERY: Duration = Duration::from_millis(250);

/// The writer's own checkpoint threshold, in pages of log: four times
/// SQLite's default (≈ 16 MB of 4 KiB pages; measured: the log peaked at
/// 18–26 MB under full intake).
pub(crate) const WRITER_EVERY_PAGES: u32 = 4000;

/// Checkpoints through `pool` (a connection that may write) while `alive`
/// has an owner; then closes it, which checkpoints one last time.
pub(crate) fn start<T: Send + Sync + 'static>(
    pool: SqlitePool,
    alive: Weak<T>,
) -> Result<(), DbError> {
    let failed = |e: std::io::Error| DbError::Config(format!("cannot start checkpoints: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(failed)?;
    std::thread::Builder::new()
        .name("vmeste-checkpoint".into())
        .spawn(move || {
            runtime.block_on(async move {
                while alive.strong_count() > 0 {
                    tokio::time::sleep(EVERY).await;
                    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                        .execute(&pool)
                        .await
                    {
                        tracing::warn!(error = %e, "checkpoint failed; retrying");
                    }
                }
                pool.close().await;
            });
        })
        .map_err(failed)?;
    Ok(())
}
