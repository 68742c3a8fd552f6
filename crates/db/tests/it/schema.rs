use vmeste_db::schema;
use vmeste_test_support::TestDb;

#[tokio::test]
async fn the_migrated_schema_matches_the_declared_one() {
    let test = TestDb::new().await;
    let mut handle = test.db.read().await.unwrap();
    let actual = schema::actual(&mut handle.conn()).await.unwrap();
    let declared = schema::declared();
    let missing: Vec<_> = declared.iter().filter(|c| !actual.contains(c)).collect();
    let extra: Vec<_> = actual.iter().filter(|c| !declared.contains(c)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "on {:?}: declared but not migrated: {missing:#?}\nmigrated but not declared: {extra:#?}",
        test.db.backend()
    );
}

#[tokio::test]
async fn migrating_twice_is_harmless_and_detected() {
    let test = TestDb::new().await;
    assert!(test.db.is_migrated().await.unwrap());
    test.db.migrate().await.unwrap();
    assert!(test.db.is_migrated().await.unwrap());
}

/// ADR 0007: the bundled SQLite is built with the workspace's options
/// (`.cargo/config.toml`); a build without them is markedly slower, not wrong,
/// so only this test would notice.
#[tokio::test]
async fn the_bundled_sqlite_has_the_workspaces_compile_options() {
    let test = TestDb::new().await;
    if test.db.backend() != vmeste_db::Backend::Sqlite {
        return;
    }
    let mut handle = test.db.read().await.unwrap();
    let options: Vec<String> = vmeste_db::Sql::new("PRAGMA compile_options")
        .fetch_all::<(String,)>(&mut handle.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|(o,)| o)
        .collect();
    for wanted in ["DEFAULT_MEMSTATUS=0", "STMTJRNL_SPILL=16777216"] {
        assert!(
            options.iter().any(|o| o == wanted),
            "{wanted} not in {options:?}"
        );
    }
    assert!(
        !options.iter().any(|o| o == "ENABLE_STAT4"),
        "STAT4 still on: {options:?}"
    );
}

/// The writer never checkpoints (inside a commit, a checkpoint holds up every
/// message of the batch); a connection of its own copies the log back into
/// the database file beside it, well before SQLite's thousand pages.
#[tokio::test]
async fn the_log_is_copied_back_beside_the_writer() {
    let test = TestDb::new().await;
    if test.db.backend() != vmeste_db::Backend::Sqlite {
        return;
    }
    let path = test.url.trim_start_matches("sqlite://").to_owned();
    let size = || std::fs::metadata(&path).unwrap().len();
    let before = size();
    let mut tx = test.db.write().await.unwrap();
    let autocheckpoint: i64 = vmeste_db::Sql::new("PRAGMA wal_autocheckpoint")
        .scalar(&mut tx.conn())
        .await
        .unwrap();
    assert_eq!(autocheckpoint, 0, "the writer checkpoints");
    for sql in [
        "CREATE TABLE filler (b BLOB)",
        "INSERT INTO filler SELECT randomblob(4000) FROM \
         (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n)",
    ] {
        vmeste_db::Sql::new(sql)
            .execute(&mut tx.conn())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // 200 pages are in the log now; the file grows only by a checkpoint.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while size() < before + 700_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "not copied back: {} bytes",
            size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
