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
