//! The site in a real browser: the Node scripts in `tests/browser` drive
//! Debian's Chromium (through the npm package `playwright-core`, never a
//! downloaded browser) against the real server on a real socket, and check
//! every public page with axe-core.
//!
//! Needs `/usr/bin/chromium` and `npm ci` in `tests/browser` (`.ci/run` does
//! both). Without them the test is skipped with a note, except under
//! `CI=true`, where it fails. `VMESTE_UPDATE_SCREENSHOTS=1` writes the
//! screenshots into `docs/screenshots`; otherwise they go to a temporary
//! folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::running::{Running, missing_node_modules, run_to_success, tools_present};

const CHROMIUM: &str = "/usr/bin/chromium";

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// What is missing to run the browser, if anything.
fn missing(scripts: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(format!(
            "{CHROMIUM} (apt-get install -y --no-install-recommends chromium)"
        ));
    }
    missing.extend(missing_node_modules(scripts));
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".into());
    }
    missing
}

/// The script that takes the documentation's screenshots: run on its own and
/// first (Node sorts the files of one run), so the pictures show the demo as
/// loaded, not what the other scripts add.
const SCREENSHOTS: &str = "screenshots.test.mjs";

/// The runs of test scripts: the screenshots, then all the others.
fn runs(scripts: &Path) -> Vec<Vec<String>> {
    let mut others: Vec<String> = std::fs::read_dir(scripts)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs") && name != SCREENSHOTS)
        .collect();
    others.sort();
    assert!(!others.is_empty(), "no *.test.mjs in {}", scripts.display());
    let mut runs = Vec::new();
    if scripts.join(SCREENSHOTS).exists() {
        runs.push(vec![SCREENSHOTS.to_owned()]);
    }
    runs.push(others);
    runs
}

/// Runs `node --test` on the files; panics with its output if any fails.
async fn node_test(scripts: &Path, files: Vec<String>, base: &str, screenshots: &Path) {
    let started = Instant::now();
    let mut node = Command::new("node");
    node.args(["--test", "--test-concurrency=1", "--test-timeout=180000"])
        .args(&files)
        .current_dir(scripts)
        .env("VMESTE_BASE_URL", base)
        .env("VMESTE_SCREENSHOTS", screenshots)
        .env("VMESTE_CHROMIUM", CHROMIUM)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let stdout = run_to_success(node, &format!("the browser tests {files:?}")).await;
    let took = started.elapsed();
    // The results and any skips, for whoever runs with --nocapture.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("# ") || l.starts_with("ok ") || l.starts_with("not ok"))
    {
        println!("{line}");
    }
    println!("{files:?} took {took:.1?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_works_in_a_real_browser_and_passes_axe() {
    let scripts = scripts();
    if !tools_present("the browser tests", &missing(&scripts)) {
        return;
    }
    let server = Running::demo(|config| {
        // Every browser context signs in afresh from the one address.
        config.rate_limit_login_per_minute = 1000;
        config.rate_limit_login_per_account_per_minute = 1000;
    })
    .await;

    let temporary = tempfile::tempdir().unwrap();
    let screenshots = if std::env::var("VMESTE_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        crates.parent().unwrap().join("docs/screenshots")
    } else {
        temporary.path().to_path_buf()
    };
    for files in runs(&scripts) {
        node_test(&scripts, files, &server.base, &screenshots).await;
    }
    println!("screenshots in {}", screenshots.display());
    server.stop().await;
}
