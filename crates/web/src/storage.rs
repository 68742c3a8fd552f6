//! Where files live: residents' photos and organisations' answer documents.
//! One interface over a local directory (the default, under the data
//! directory) and S3-compatible object storage (for several app nodes),
//! both through `object_store`. Keys are chosen by the platform, never by
//! the uploader, so no path can escape the store.

use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("storage location {0:?}: {1}")]
    Location(String, String),
}

#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// What the store is, for logs and the readiness check.
    describe: String,
}

impl Default for Storage {
    /// Memory only: for tests; the binary always configures a real store.
    fn default() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            describe: "memory".into(),
        }
    }
}

impl Storage {
    /// A directory on this machine, created if missing.
    pub fn local(dir: &std::path::Path) -> Result<Self, StorageError> {
        let fail = |e: &dyn std::fmt::Display| {
            StorageError::Location(dir.display().to_string(), e.to_string())
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(|e| fail(&e))?;
        Ok(Self {
            store: Arc::new(store),
            describe: format!("directory {}", dir.display()),
        })
    }

    /// `s3://bucket[/prefix]`, with credentials, region and endpoint (for
    /// S3-compatible stores) from the usual `AWS_*` environment variables.
    pub fn s3(url: &str) -> Result<Self, StorageError> {
        let store = AmazonS3Builder::from_env()
            .with_url(url)
            .build()
            .map_err(|e| StorageError::Location(url.to_owned(), e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            describe: format!("object storage {url}"),
        })
    }

    pub fn describe(&self) -> &str {
        &self.describe
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The file's bytes; `None` when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the files under `prefix` last written before `before`; how
    /// many. For uploads abandoned half-way.
    pub async fn delete_older(
        &self,
        prefix: &str,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, StorageError> {
        use futures_util::TryStreamExt;
        let stale: Vec<Path> = self
            .store
            .list(Some(&Path::from(prefix)))
            .try_filter(|meta| std::future::ready(meta.last_modified < before))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?;
        for key in &stale {
            self.delete(key.as_ref()).await?;
        }
        Ok(stale.len())
    }

    /// Removes a file; a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Storage;

    #[tokio::test]
    async fn a_local_directory_keeps_and_forgets_files() {
        let dir = std::env::temp_dir().join(format!("vmeste-storage-{}", std::process::id()));
        let storage = Storage::local(&dir).unwrap();
        storage
            .put("messages/1/a.pdf", b"%PDF-1.4".to_vec())
            .await
            .unwrap();
        assert_eq!(
            storage.get("messages/1/a.pdf").await.unwrap().as_deref(),
            Some(&b"%PDF-1.4"[..])
        );
        assert!(dir.join("messages/1/a.pdf").exists());
        storage.delete("messages/1/a.pdf").await.unwrap();
        assert_eq!(storage.get("messages/1/a.pdf").await.unwrap(), None);
        storage.delete("messages/1/a.pdf").await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn only_files_under_the_prefix_written_before_the_moment_go() {
        let storage = Storage::default();
        storage.put("drafts/a.jpg", vec![1]).await.unwrap();
        storage.put("messages/1/b.jpg", vec![2]).await.unwrap();
        let at = |year| {
            chrono::NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
        };
        let earlier = at(2000);
        assert_eq!(storage.delete_older("drafts/", earlier).await.unwrap(), 0);
        let later = at(2100);
        assert_eq!(storage.delete_older("drafts/", later).await.unwrap(), 1);
        assert_eq!(storage.get("drafts/a.jpg").await.unwrap(), None);
        assert!(storage.get("messages/1/b.jpg").await.unwrap().is_some());
    }
}
