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

use vmeste_db::api_keys::Scope;
use vmeste_domain::clock::Clock;
use vmeste_test_support::{TestDb, fake_clock};

use crate::running::{Running, run_to_success, tools_present};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_holds_to_its_openapi_document_under_schemathesis() {
    let schemathesis = installed();
    let missing: Vec<String> = schemathesis
        .is_none()
        .then(|| "schemathesis (python3 -m pip install schemathesis)".to_owned())
        .into_iter()
        .collect();
    let Some(schemathesis) =
        schemathesis.filter(|_| tools_present("the schemathesis test", &missing))
    else {
        return;
    };
    let server = Running::demo(|config| {
        config.worker = false;
        // Generated submissions come by the hundred from one key and address.
        config.rate_limit_intake_per_minute = 100_000;
        config.rate_limit_intake_per_account_per_hour = 100_000;
    })
    .await;
    let key = server.api_key(&Scope::ALL).await;
    let session = admin_session(&server.test).await;

    let reports = tempfile::tempdir().unwrap();
    let mut run = Command::new(&schemathesis);
    run.args(["run", &format!("{}/api/v1/openapi.json", server.base)])
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
        .env("NO_COLOR", "1");
    let stdout = run_to_success(run, "schemathesis").await;
    server.stop().await;
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
