//! The catalogue, territories and organisations that forms and filters
//! offer, kept between requests while the reference data's version stands
//! (`vmeste_db::reference`): a list page or the report form reads one
//! number instead of the three lists (the territories with their shapes).

use std::sync::Arc;

use vmeste_db::catalogue::{self, CategoryWithTopics};
use vmeste_db::organisations::{self, Organisation};
use vmeste_db::territories::{self, Territory};
use vmeste_db::{Conn, DbError, reference};

use crate::state::AppState;

pub struct Choices {
    /// The active catalogue by category.
    pub tree: Vec<CategoryWithTopics>,
    pub territories: Vec<Territory>,
    /// The active organisations.
    pub organisations: Vec<Organisation>,
}

/// The choices as the database has them now.
pub async fn current(state: &AppState, conn: &mut Conn<'_>) -> Result<Arc<Choices>, DbError> {
    let version = reference::version(conn).await?;
    state.choices().get(version, load(conn)).await
}

async fn load(conn: &mut Conn<'_>) -> Result<Choices, DbError> {
    Ok(Choices {
        tree: catalogue::active_tree(conn).await?,
        territories: territories::list(conn).await?,
        organisations: organisations::list(conn).await?,
    })
}
