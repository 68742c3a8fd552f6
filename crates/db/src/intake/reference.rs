//! What intake reads for every message that stays the same for many — the
//! topic, the rules' route for a topic at a place, the calendar with the
//! administrators' corrections, the active model and a topic's auto-route
//! threshold — kept in memory while the reference data's version stands
//! (see [`crate::reference`]). A message is planned at the version last
//! seen, without reading anything; the writer reads the version once a
//! batch and plans again the messages planned at an older one.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use vmeste_domain::calendar::ProductionCalendar;

use super::Route;
use crate::routing_models::Loaded;
use crate::{Conn, DbError, catalogue};

/// This node's copy, shared by its requests.
#[derive(Debug, Default)]
pub struct Reference {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    version: i64,
    /// Whether `version` was read from the database (it starts unknown).
    known: bool,
    topics: HashMap<i64, Option<catalogue::Topic>>,
    /// The rules' route by topic and the territories of the place.
    routes: HashMap<(i64, Vec<i64>), Option<Route>>,
    calendar: HashMap<(), Arc<ProductionCalendar>>,
    model: HashMap<(), Option<Arc<Loaded>>>,
    thresholds: HashMap<i64, Option<f64>>,
}

impl Reference {
    /// The data as the database has it now.
    pub(super) async fn now(&self, conn: &mut Conn<'_>) -> Result<Snapshot<'_>, DbError> {
        let version = crate::reference::version(conn).await?;
        Ok(self.at(version))
    }

    /// The data at the version last seen, read only if none was: the
    /// writer checks it against the database's before writing.
    pub(super) async fn assumed(&self, conn: &mut Conn<'_>) -> Result<Snapshot<'_>, DbError> {
        let last = {
            let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            kept.known.then_some(kept.version)
        };
        match last {
            Some(version) => Ok(self.at(version)),
            None => self.now(conn).await,
        }
    }

    /// The data at `version`, read from the database.
    pub(super) fn at(&self, version: i64) -> Snapshot<'_> {
        Snapshot {
            reference: self,
            version,
        }
    }
}

/// The reference data at one version: kept values while they are current,
/// the database's otherwise.
pub(super) struct Snapshot<'a> {
    reference: &'a Reference,
    version: i64,
}

impl Snapshot<'_> {
    pub(super) fn version(&self) -> i64 {
        self.version
    }

    pub(super) async fn topic(
        &self,
        conn: &mut Conn<'_>,
        id: i64,
    ) -> Result<Option<catalogue::Topic>, DbError> {
        self.kept(|k| &mut k.topics, id, catalogue::topic(conn, id))
            .await
    }

    pub(super) async fn route(
        &self,
        conn: &mut Conn<'_>,
        topic: &catalogue::Topic,
        containing: &[i64],
    ) -> Result<Option<Route>, DbError> {
        let load = super::rules_route(conn, topic.id, &topic.responsible, containing);
        self.kept(|k| &mut k.routes, (topic.id, containing.to_vec()), load)
            .await
    }

    pub(super) async fn calendar(
        &self,
        conn: &mut Conn<'_>,
        shipped: &ProductionCalendar,
    ) -> Result<Arc<ProductionCalendar>, DbError> {
        let load = async {
            Ok(Arc::new(
                crate::calendar_days::effective(conn, shipped).await?,
            ))
        };
        self.kept(|k| &mut k.calendar, (), load).await
    }

    pub(super) async fn model(
        &self,
        conn: &mut Conn<'_>,
        live: &crate::routing_models::Live,
    ) -> Result<Option<Arc<Loaded>>, DbError> {
        self.kept(|k| &mut k.model, (), live.current(conn)).await
    }

    pub(super) async fn threshold(
        &self,
        conn: &mut Conn<'_>,
        topic_id: i64,
    ) -> Result<Option<f64>, DbError> {
        let load = crate::routing_models::threshold(conn, topic_id);
        self.kept(|k| &mut k.thresholds, topic_id, load).await
    }

    /// The kept value of `key`, or what `load` reads (kept for next time).
    /// `load` runs only on a miss: a future does nothing until awaited.
    async fn kept<K, T>(
        &self,
        map: fn(&mut Kept) -> &mut HashMap<K, T>,
        key: K,
        load: impl Future<Output = Result<T, DbError>>,
    ) -> Result<T, DbError>
    where
        K: Eq + Hash,
        T: Clone,
    {
        if let Some(Some(found)) = self.with(|k| map(k).get(&key).cloned()) {
            return Ok(found);
        }
        let value = load.await?;
        self.with(|k| map(k).insert(key, value.clone()));
        Ok(value)
    }

    /// Runs `f` on what is kept, first dropping it if the data changed since;
    /// `None` (touching nothing) if this snapshot is older than what is kept.
    fn with<T>(&self, f: impl FnOnce(&mut Kept) -> T) -> Option<T> {
        let mut kept = self
            .reference
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.version < kept.version {
            return None;
        }
        if self.version > kept.version {
            *kept = Kept {
                version: self.version,
                ..Kept::default()
            };
        }
        kept.known = true;
        Some(f(&mut kept))
    }
}
