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

#[tokio::test]
async fn a_write_dropped_without_commit_is_rolled_back_and_the_next_begins() {
    let test = TestDb::new().await;
    let count = || async {
        let mut handle = test.db.read().await.unwrap();
        vmeste_db::Sql::new("SELECT COUNT(*) FROM platform_settings WHERE key = $1")
            .bind("dropped")
            .scalar::<i64>(&mut handle.conn())
            .await
            .unwrap()
    };
    let insert = |value: &'static str| {
        vmeste_db::Sql::new("INSERT INTO platform_settings (key, value) VALUES ($1, $2)")
            .bind("dropped")
            .bind(value)
    };
    let mut tx = test.db.write().await.unwrap();
    insert("1").execute(&mut tx.conn()).await.unwrap();
    drop(tx);
    assert_eq!(count().await, 0, "rolled back");
    let mut tx = test.db.write().await.unwrap();
    insert("2").execute(&mut tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count().await, 1, "the next write began and committed");
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

/// Inside a commit, a checkpoint holds up every message of the batch; a
/// connection of its own copies the log back into the database file beside
/// the writer, well before the writer's own threshold.
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
    assert!(
        autocheckpoint > 1000,
        "the writer checkpoints every {autocheckpoint} pages"
    );
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

/// Writes without a pause, beside readers, must not grow the log without
/// bound: the log restarts only when a write begins with all of it copied
/// back, which a checkpoint beside a busy writer never achieves alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_stays_bounded_under_constant_writes() {
    let test = TestDb::new().await;
    if test.db.backend() != vmeste_db::Backend::Sqlite {
        return;
    }
    let log = format!("{}-wal", test.url.trim_start_matches("sqlite://"));
    let log_size = || std::fs::metadata(&log).map_or(0, |m| m.len());
    let mut tx = test.db.write().await.unwrap();
    vmeste_db::Sql::new("CREATE TABLE filler (b BLOB)")
        .execute(&mut tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (db, done) = (test.db.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut handle = db.read().await.unwrap();
                    vmeste_db::Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM filler LIMIT 100)")
                        .scalar::<i64>(&mut handle.conn())
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    // 16,000 pages (64 MB) in all, 40 pages a transaction.
    let mut largest = 0;
    for _ in 0..400 {
        let mut tx = test.db.write().await.unwrap();
        vmeste_db::Sql::new(
            "INSERT INTO filler SELECT randomblob(4000) FROM \
             (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT i FROM n)",
        )
        .execute(&mut tx.conn())
        .await
        .unwrap();
        tx.commit().await.unwrap();
        largest = largest.max(log_size());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        reader.await.unwrap();
    }
    assert!(largest < 32 << 20, "the log reached {largest} bytes");
}

/// Migration 0018: the indexes of references most messages lack keep only
/// the messages that have one, and a lookup by value still uses them.
#[tokio::test]
async fn sparse_references_are_indexed_where_set_and_looked_up_by_their_index() {
    #[derive(sqlx::FromRow)]
    struct Planned {
        detail: String,
    }
    let test = TestDb::new().await;
    let backend = test.db.backend();
    let mut tx = test.db.write().await.unwrap();
    let conn = &mut tx.conn();
    if backend == vmeste_db::Backend::Postgres {
        // On an empty table a scan is cheapest; the question is whether the
        // index can serve the lookup at all.
        vmeste_db::Sql::new("SET LOCAL enable_seqscan = off")
            .execute(conn)
            .await
            .unwrap();
    }
    for (index, column) in [
        ("messages_author", "author_id"),
        ("messages_copy_of", "copy_of"),
        ("messages_duplicate_of", "duplicate_of"),
    ] {
        let definition: String = match backend {
            vmeste_db::Backend::Sqlite => {
                vmeste_db::Sql::new("SELECT sql FROM sqlite_master WHERE name = $1")
            }
            vmeste_db::Backend::Postgres => {
                vmeste_db::Sql::new("SELECT indexdef FROM pg_indexes WHERE indexname = $1")
            }
        }
        .bind(index)
        .scalar(conn)
        .await
        .unwrap();
        assert!(
            definition.contains(&format!("WHERE ({column} IS NOT NULL)"))
                || definition.contains(&format!("WHERE {column} IS NOT NULL")),
            "{index} is not partial: {definition}"
        );
        let lookup = format!("SELECT id FROM messages WHERE {column} = 7");
        let plan: Vec<String> = match backend {
            vmeste_db::Backend::Sqlite => {
                vmeste_db::Sql::new(format!("EXPLAIN QUERY PLAN {lookup}"))
                    .fetch_all::<Planned>(conn)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|p| p.detail)
                    .collect()
            }
            vmeste_db::Backend::Postgres => vmeste_db::Sql::new(format!("EXPLAIN {lookup}"))
                .scalars(conn)
                .await
                .unwrap(),
        };
        assert!(
            plan.iter().any(|line| line.contains(index)),
            "{lookup} does not use {index} on {backend:?}: {plan:?}"
        );
    }
}

/// On PostgreSQL the batch writer keeps a connection of its own, so that
/// the statements it prepared stay prepared from one batch to the next;
/// from the shared pool it met another connection each batch.
#[tokio::test]
async fn the_batch_writer_keeps_its_own_connection() {
    let test = TestDb::new().await;
    if test.db.backend() != vmeste_db::Backend::Postgres {
        return;
    }
    // Several idle connections in the shared pool, as under load.
    let readers = futures_util::future::join_all((0..4).map(|_| test.db.read())).await;
    drop(readers);
    let backend_pid = || {
        test.db.write_batched(|mut conn| {
            Box::pin(async move {
                vmeste_db::Sql::new("SELECT pg_backend_pid()")
                    .scalar::<i32>(&mut conn)
                    .await
            })
        })
    };
    let mut pids = Vec::new();
    for _ in 0..4 {
        pids.push(backend_pid().await.unwrap());
    }
    pids.dedup();
    assert_eq!(pids.len(), 1, "batches ran on connections {pids:?}");
}

/// Migration 0019 on SQLite: the full-text index built by 0007 moves into
/// the lean one with every entry, found by the same words, and keeps no copy
/// of the stems.
#[tokio::test]
async fn the_lean_search_index_takes_over_every_entry() {
    let test = TestDb::new().await;
    if test.db.backend() != vmeste_db::Backend::Sqlite {
        return;
    }
    let mut tx = test.db.write().await.unwrap();
    let conn = &mut tx.conn();
    for sql in [
        "DROP TABLE search_messages",
        include_str!("../../migrations/sqlite/0007_search.sql"),
        "INSERT INTO search_messages (rowid, stems) VALUES (7, 'ям дорог школ'), (9, 'фонар двор')",
    ] {
        vmeste_db::Sql::new(sql).execute(conn).await.unwrap();
    }
    for statement in include_str!("../../migrations/sqlite/0019_search_index_lean.sql")
        .split(';')
        .filter(|s| {
            s.lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with("--"))
        })
    {
        vmeste_db::Sql::new(statement).execute(conn).await.unwrap();
    }
    let found = async |conn: &mut vmeste_db::Conn<'_>, terms: &str| -> Vec<i64> {
        vmeste_db::Sql::new(
            "SELECT rowid FROM search_messages WHERE search_messages MATCH $1 ORDER BY rowid",
        )
        .bind(terms)
        .scalars(conn)
        .await
        .unwrap()
    };
    assert_eq!(found(conn, "\"дорог\" AND \"школ\"").await, [7]);
    assert_eq!(found(conn, "\"двор\"").await, [9]);
    let stored: Option<String> =
        vmeste_db::Sql::new("SELECT stems FROM search_messages WHERE rowid = 7")
            .scalar(conn)
            .await
            .unwrap();
    assert_eq!(stored, None, "contentless: the stems are not stored twice");
}
