//! Real Open311 clients against the real server: `georeport` (PyPI) reads
//! services, a definition, requests and one request in JSON and XML; `open311`
//! (npm) discovers the endpoint, submits a request with an API key and reads
//! it back by id and by token. Their scripts are in `tests/open311-clients`;
//! `.ci/run` installs both clients (pinned). Without them the test is
//! skipped with a note, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use vmeste_db::Sql;
use vmeste_db::api_keys::Scope;

use crate::running::{Running, missing_node_modules, run_to_success, tools_present};

fn clients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/open311-clients")
}

fn missing(clients: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let georeport = Command::new("python3")
        .args(["-c", "import georeport"])
        .output();
    if !georeport.is_ok_and(|o| o.status.success()) {
        missing.push(format!(
            "georeport (python3 -m pip install -r {}/requirements.txt)",
            clients.display()
        ));
    }
    missing.extend(missing_node_modules(clients));
    missing
}

/// The last line of a script's output, as JSON.
fn summary(stdout: &str) -> serde_json::Value {
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open311_clients_from_pypi_and_npm_read_and_submit() {
    let clients = clients();
    if !tools_present("the Open311 client tests", &missing(&clients)) {
        return;
    }
    let server = Running::demo(|_| {}).await;
    let key = server.api_key(&[Scope::Submit]).await;
    let (lat, lon): (f64, f64) = {
        let mut handle = server.test.db.read().await.unwrap();
        Sql::new("SELECT lat, lon FROM messages WHERE public = $1 ORDER BY id LIMIT 1")
            .bind(true)
            .fetch_one(&mut handle.conn())
            .await
            .unwrap()
    };

    let mut python = Command::new("python3");
    python
        .arg("georeport_check.py")
        .args([server.base.as_str(), "priozerie"])
        .current_dir(&clients);
    let read = summary(&run_to_success(python, "georeport").await);
    assert!(read["json"]["services"].as_u64().unwrap() > 20, "{read}");
    assert!(read["xml"]["requests"].as_u64().unwrap() > 5, "{read}");

    let mut node = Command::new("node");
    node.arg("open311_check.cjs")
        .args([
            server.base.as_str(),
            &key,
            "priozerie",
            &lat.to_string(),
            &lon.to_string(),
        ])
        .current_dir(&clients);
    let submitted = summary(&run_to_success(node, "the npm open311 client").await);
    let id: i64 = submitted["submitted"].as_str().unwrap().parse().unwrap();
    let source: String = {
        let mut handle = server.test.db.read().await.unwrap();
        Sql::new("SELECT source FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(source, "open311");
    server.stop().await;
}
