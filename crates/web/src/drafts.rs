//! Photos a resident has chosen but not yet sent. They wait in storage
//! under unguessable names between the report form's steps (a preview, a
//! correction), so nothing chosen is lost; the daily maintenance drops
//! those older than [`KEEP_HOURS`].

use uuid::Uuid;

use crate::photos::{self, Photo};
use crate::storage::{Storage, StorageError};

pub const PREFIX: &str = "drafts/";
pub const KEEP_HOURS: i64 = 24;

/// The edge of the small copy the form shows.
const THUMB_EDGE: u32 = 320;

/// A held photo's name, as the form carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held(Uuid);

impl Held {
    /// Only well-formed names: a form cannot point at any other file.
    pub fn parse(raw: &str) -> Option<Held> {
        Uuid::parse_str(raw.trim()).ok().map(Held)
    }

    pub fn key(self) -> String {
        format!("{PREFIX}{}.jpg", self.0)
    }

    pub fn thumb_key(self) -> String {
        format!("{PREFIX}{}.thumb.jpg", self.0)
    }
}

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Keeps an accepted photo and its small copy until the report is sent.
pub async fn hold(storage: &Storage, photo: Photo) -> Result<Held, StorageError> {
    let held = Held(Uuid::new_v4());
    let jpeg = photo.jpeg;
    let (jpeg, thumb) = tokio::task::spawn_blocking(move || {
        let thumb = photos::resized(&jpeg, THUMB_EDGE).ok();
        (jpeg, thumb)
    })
    .await
    .map_err(|e| StorageError::Location(held.key(), e.to_string()))?;
    storage.put(&held.key(), jpeg).await?;
    if let Some(thumb) = thumb {
        storage.put(&held.thumb_key(), thumb).await?;
    }
    Ok(held)
}

/// Forgets a held photo.
pub async fn release(storage: &Storage, held: Held) -> Result<(), StorageError> {
    storage.delete(&held.key()).await?;
    storage.delete(&held.thumb_key()).await
}
