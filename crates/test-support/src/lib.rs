//! Helpers for tests: a fresh, migrated database per test (SQLite by default;
//! PostgreSQL when `VMESTE_TEST_DATABASE_URL` points at a server), and a fake
//! clock at a fixed moment.

// Test scaffolding: a failure to set up is a failed test, said loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod oidc;
pub mod smtp;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use vmeste_db::{Db, DbOptions, Scalar, Sql};
use vmeste_domain::clock::FakeClock;

/// Names the PostgreSQL server (any database on it) to create test databases on.
pub const POSTGRES_ENV: &str = "VMESTE_TEST_DATABASE_URL";

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    /// Deleted with the test database's folder when dropped.
    Sqlite {
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// A new, migrated, empty database.
    pub async fn new() -> Self {
        let test_db = match std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => Self::postgres(admin_url).await,
            None => Self::sqlite().await,
        };
        test_db.db.migrate().await.expect("migrations apply");
        test_db
    }

    /// A new, migrated, empty database opened for a bulk load (see
    /// [`DbOptions::sqlite_bulk_load`]); on PostgreSQL, as [`Self::new`].
    pub async fn for_bulk_load() -> Self {
        if std::env::var(POSTGRES_ENV).is_ok_and(|u| !u.is_empty()) {
            return Self::new().await;
        }
        let test_db = Self::sqlite_with(DbOptions {
            sqlite_bulk_load: true,
            ..DbOptions::default()
        })
        .await;
        test_db.db.migrate().await.expect("migrations apply");
        test_db
    }

    async fn sqlite() -> Self {
        Self::sqlite_with(DbOptions::default()).await
    }

    async fn sqlite_with(options: DbOptions) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("vmeste.db").display());
        let db = Db::connect(&url, &options).await.expect("SQLite opens");
        Self {
            db,
            url,
            cleanup: Cleanup::Sqlite { _dir: dir },
        }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = format!("vmeste_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = vmeste_db::Db::connect(
            &admin_url,
            &DbOptions {
                max_connections: 2,
                ..DbOptions::default()
            },
        )
        .await
        .expect("the PostgreSQL server named by VMESTE_TEST_DATABASE_URL answers");
        admin
            .create_database(&name)
            .await
            .expect("test database created");
        admin.close().await;
        admin = vmeste_db::Db::connect(&with_database(&admin_url, &name), &DbOptions::default())
            .await
            .expect("test database opens");
        let url = with_database(&admin_url, &name);
        Self {
            db: admin,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }
}

/// The same server URL naming another database.
fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("VMESTE_TEST_DATABASE_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime; the cleanup needs its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = Db::connect(
                    &admin_url,
                    &DbOptions {
                        max_connections: 1,
                        ..DbOptions::default()
                    },
                )
                .await
                {
                    let _ = admin.drop_database(&name).await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The one value `sql` reads, on one of `db`'s reader connections.
pub async fn read_scalar<T: Scalar>(db: &Db, sql: Sql) -> T {
    let mut handle = db.read().await.expect("a reader connection");
    sql.scalar(&mut handle.conn())
        .await
        .expect("the query reads one value")
}

/// A moment the tests start from: Monday 16 March 2026, 09:00 Moscow time.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 6, 0, 0)
        .single()
        .expect("valid time")
}

pub fn fake_clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::new(start_time()))
}

pub mod fixture;
