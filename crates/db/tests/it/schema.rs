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
