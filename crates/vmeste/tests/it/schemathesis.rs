//! The API against its own OpenAPI document, by schemathesis (PyPI, pinned
//! in `.ci/run`): it generates requests from the document — valid and
//! invalid — sends them to the real server with an integrator's key, and
//! checks that no answer is a server error and every answer matches its
//! documented schema. A platform administrator's session goes along, so
//! that the routes for signed-in people and staff are exercised too.
//!
//! Without `schemathesis` on the PATH the test is skipped with a note,
//! except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use tokio::sync::watch;
use vmeste::config::Config;
use vmeste_domain::clock::Clock;
use vmeste_test_support::{TestDb, fake_clock};

const EXAMPLES_PER_OPERATION: &str = "20";

/// The `schemathesis` command: on the PATH, or where `python3 -m pip`
/// put its scripts.
fn installed() -> Option<PathBuf> {
    let runs = |program: &Path| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let on_path = PathBuf::from("schemathesis");
    if runs(&on_path) {
        return Some(on_path);
    }
    let scripts = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
        .ok()?;
    let beside_python =
        Path::new(String::from_utf8_lossy(&scripts.stdout).trim()).join("schemathesis");
    runs(&beside_python).then_some(beside_python)
}

/// A session of the platform's administrator, who may call every endpoint:
/// with it beside the key, the routes for signed-in people are exercised too.
async fn admin_session(test: &TestDb) -> String {
    let mut tx = test.db.write().await.unwrap();
    let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
        .await
        .unwrap()
        .unwrap();
    let token = vmeste_db::sessions::new_token();
    let life = vmeste_web::WebSettings::default().sessions;
    vmeste_db::sessions::create(
        &mut tx.conn(),
        &token,
        admin.id,
        fake_clock().now(),
        life,
        false,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    token
}

/// An integrator's key with both scopes, as an organisation's administrator issues it.
async fn integrator_key(test: &TestDb) -> String {
    let mut tx = test.db.write().await.unwrap();
    let org = vmeste_db::organisations::list(&mut tx.conn())
        .await
        .unwrap()
        .remove(0);
    let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
        .await
        .unwrap()
        .unwrap();
    let scopes = vmeste_db::api_keys::Scope::ALL;
    let (_, secret) = vmeste_db::api_keys::create(
        &mut tx.conn(),
        org.id,
        "schemathesis",
        &scopes,
        admin.id,
        fake_clock().now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    secret
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_holds_to_its_openapi_document_under_schemathesis() {
    let Some(schemathesis) = installed() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "schemathesis is required under CI=true (python3 -m pip install schemathesis)"
        );
        eprintln!("note: schemathesis test skipped: `schemathesis` is not installed");
        return;
    };
    let test = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        database_url: test.url.clone(),
        data_dir: data.path().to_path_buf(),
        auto_migrate: Some(true),
        worker: false,
        public_url: base.clone(),
        // Generated submissions come by the hundred from one key and address.
        rate_limit_intake_per_minute: 100_000,
        rate_limit_intake_per_account_per_hour: 100_000,
        ..Config::default()
    };
    // The demo loads by itself only into the embedded database; load it here for PostgreSQL too.
    vmeste_db::demo::load(
        &test.db,
        fake_clock().as_ref(),
        &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let key = integrator_key(&test).await;
    let session = admin_session(&test).await;
    let (stop, shutdown) = watch::channel(false);
    let clock: Arc<dyn Clock> = fake_clock();
    let server =
        tokio::spawn(async move { vmeste::serve::run(&config, listener, clock, shutdown).await });

    let reports = tempfile::tempdir().unwrap();
    let schema = format!("{base}/api/v1/openapi.json");
    let run = tokio::task::spawn_blocking(move || {
        Command::new(&schemathesis)
            .args(["run", &schema])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--max-examples", EXAMPLES_PER_OPERATION])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--seed", "20260316"])
            .args(["--workers", "1"])
            .args(["--wait-for-schema", "30"])
            .args(["--request-timeout", "30"])
            .args(["--header", &format!("Authorization: Bearer {key}")])
            .args(["--header", &format!("Cookie: vmeste_session={session}")])
            .args(["--report-dir", &reports.path().display().to_string()])
            // Its caches and reports stay out of the source tree.
            .current_dir(reports.path())
            .env("NO_COLOR", "1")
            .output()
    })
    .await
    .unwrap()
    .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    stop.send(true).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        run.status.success(),
        "schemathesis found problems ({}):\n{stdout}\n{stderr}",
        run.status
    );
    // The summary, for whoever runs with --nocapture.
    for line in stdout
        .lines()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        println!("{line}");
    }
}
