//! Reference data — the catalogue, territories, organisations, routing
//! rules, the calendar's corrections, the classifier's models — changes
//! rarely and is read all the time. Every change to it moves one number,
//! `reference_version` (triggers, migration 0016), so a node may keep what
//! it read together with the version it read it at and, while that version
//! stands, read only the number: never older than the database, with any
//! number of nodes (which a time-to-live could not promise).

use std::sync::{Arc, PoisonError, RwLock};

use crate::{Conn, DbError, Sql};

/// The version of the reference data as the database has it now.
pub async fn version(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Sql::new("SELECT version FROM reference_version WHERE id = 1")
        .scalar(conn)
        .await
}

/// One value built from reference data, kept with its version.
#[derive(Debug)]
pub struct Kept<T> {
    slot: RwLock<Option<(i64, Arc<T>)>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self {
            slot: RwLock::new(None),
        }
    }
}

impl<T> Kept<T> {
    /// The value as of `version` (read just before): the kept one if it is
    /// of that version, else what `load` reads — a future, so it reads
    /// nothing unless awaited here.
    pub async fn get(
        &self,
        version: i64,
        load: impl Future<Output = Result<T, DbError>>,
    ) -> Result<Arc<T>, DbError> {
        if let Some((kept, value)) = &*self.slot.read().unwrap_or_else(PoisonError::into_inner)
            && *kept == version
        {
            return Ok(Arc::clone(value));
        }
        let value = Arc::new(load.await?);
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        // A slower reader of an older version must not replace a newer value.
        if slot.as_ref().is_none_or(|(kept, _)| *kept <= version) {
            *slot = Some((version, Arc::clone(&value)));
        }
        Ok(value)
    }
}
