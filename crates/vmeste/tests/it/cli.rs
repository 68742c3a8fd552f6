//! The binary as an operator runs it.

use std::process::Command;

fn vmeste(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vmeste"));
    command
        .current_dir(dir)
        .env_remove("VMESTE_DATABASE_URL")
        .env_remove("VMESTE_CONFIG");
    command
}

#[test]
fn version_and_help_answer() {
    let dir = tempfile::tempdir().unwrap();
    let version = vmeste(dir.path()).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("vmeste "));
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["demo", "--help"],
        &["migrate", "--help"],
    ] {
        let help = vmeste(dir.path()).args(args).output().unwrap();
        assert!(help.status.success(), "{args:?}");
    }
}

#[test]
fn bad_configuration_names_the_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad_env = vmeste(dir.path())
        .arg("migrate")
        .env("VMESTE_DB_MAX_CONNECTIONS", "many")
        .output()
        .unwrap();
    assert_eq!(bad_env.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_env.stderr);
    assert!(
        stderr.to_lowercase().contains("db_max_connections"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");

    std::fs::write(
        dir.path().join("vmeste.toml"),
        "databse_url = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let typo = vmeste(dir.path()).arg("migrate").output().unwrap();
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("databse_url"));

    let scheme = vmeste(dir.path())
        .arg("migrate")
        .arg("--config")
        .arg("missing.toml")
        .output()
        .unwrap();
    assert_eq!(scheme.status.code(), Some(2));
    std::fs::write(
        dir.path().join("other.toml"),
        "database_url = \"mysql://db\"\n",
    )
    .unwrap();
    let scheme = vmeste(dir.path())
        .args(["--config", "other.toml", "migrate"])
        .output()
        .unwrap();
    assert_eq!(scheme.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&scheme.stderr).contains("database_url"));
}

#[test]
fn migrate_demo_load_and_routing_from_history_work_on_an_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db/vmeste.db").display());
    let migrate = vmeste(dir.path())
        .arg("migrate")
        .env("VMESTE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let load = vmeste(dir.path())
        .args(["demo", "load"])
        .env("VMESTE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    assert!(String::from_utf8_lossy(&load.stdout).contains("demo region loaded"));
    let again = vmeste(dir.path())
        .args(["demo", "load"])
        .env("VMESTE_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("already loaded"));

    // The demo's history trains a model; activating it keeps the demo's own
    // model as the previous one, which rollback puts back.
    let run = |args: &[&str]| {
        let out = vmeste(dir.path())
            .args(args)
            .env("VMESTE_DATABASE_URL", &url)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    let model = dir.path().join("history.model");
    let model = model.to_str().unwrap();
    let trained = run(&[
        "routing",
        "train",
        "--from-db",
        "--activate",
        "--out",
        model,
    ]);
    assert!(trained.contains("is active"), "{trained}");
    assert!(trained.contains("written to"), "{trained}");
    let listed = run(&["routing", "models"]);
    assert!(
        listed.contains("active") && listed.contains("previous"),
        "{listed}"
    );
    let back = run(&["routing", "rollback"]);
    assert!(back.contains("is active again"), "{back}");
    let explained = run(&[
        "routing",
        "explain",
        "--model",
        model,
        "--text",
        "Яма на дороге у дома 5",
    ]);
    assert!(
        explained.contains("topics:") && explained.contains("because:"),
        "{explained}"
    );
    // Without a file, the product's active model, its labels named.
    let active = run(&["routing", "explain", "--text", "Яма на дороге у дома 5"]);
    assert!(
        active.contains("Нарушение дорожного покрытия (ямы) [")
            && active.contains("organisations:"),
        "{active}"
    );
}
