//! The real server on a real socket over the demo region, for the tests that
//! talk to it as outside programs do: a browser, Open311 clients.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use vmeste::config::Config;
use vmeste_db::api_keys::{self, Scope};
use vmeste_domain::clock::Clock;
use vmeste_test_support::{TestDb, fake_clock};

pub struct Running {
    /// `http://127.0.0.1:port`.
    pub base: String,
    pub test: TestDb,
    stop: watch::Sender<bool>,
    server: JoinHandle<anyhow::Result<()>>,
    _data: tempfile::TempDir,
}

impl Running {
    /// The demo region served with `adjust`'s changes to the configuration.
    pub async fn demo(adjust: impl FnOnce(&mut Config)) -> Self {
        let test = TestDb::new().await;
        let data = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config {
            database_url: test.url.clone(),
            data_dir: data.path().to_path_buf(),
            auto_migrate: Some(true),
            worker: true,
            public_url: base.clone(),
            ..Config::default()
        };
        adjust(&mut config);
        // The demo loads by itself only into the embedded database; load it here for PostgreSQL too.
        vmeste_db::demo::load(
            &test.db,
            fake_clock().as_ref(),
            &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
        )
        .await
        .unwrap();
        let (stop, shutdown) = watch::channel(false);
        let clock: Arc<dyn Clock> = fake_clock();
        let server =
            tokio::spawn(
                async move { vmeste::serve::run(&config, listener, clock, shutdown).await },
            );
        Self {
            base,
            test,
            stop,
            server,
            _data: data,
        }
    }

    /// An integrator's key of the demo's first organisation with these scopes.
    pub async fn api_key(&self, scopes: &[Scope]) -> String {
        let mut tx = self.test.db.write().await.unwrap();
        let org: i64 = vmeste_db::Sql::new("SELECT MIN(id) FROM organisations")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
            .await
            .unwrap()
            .unwrap();
        let (_, secret) = api_keys::create(
            &mut tx.conn(),
            org,
            "outside client",
            scopes,
            admin.id,
            fake_clock().now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        secret
    }

    pub async fn stop(self) {
        self.stop.send(true).unwrap();
        self.server.await.unwrap().unwrap();
    }
}

/// Whether a test that needs outside tools may run: with something missing
/// it is skipped with a note, except under `CI=true`, where it fails.
pub fn tools_present(test: &str, missing: &[String]) -> bool {
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test} cannot run under CI=true: missing {what}"
    );
    eprintln!("note: {test} skipped: missing {what}");
    false
}

/// Runs a program to the end off the async runtime; panics with its output
/// if it fails.
pub async fn run_to_success(mut command: Command, what: &str) -> String {
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{what} did not start: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

/// `node_modules` missing from a folder of Node scripts, said as the fix.
pub fn missing_node_modules(folder: &Path) -> Option<String> {
    (!folder.join("node_modules").is_dir()).then(|| {
        format!(
            "{} (npm ci --prefix {})",
            folder.join("node_modules").display(),
            folder.display()
        )
    })
}
