use vmeste_db::bench_seed::{self, Options};
use vmeste_db::messages::{self, Filter};
use vmeste_db::{Backend, Db, DbOptions, Sql, map, regions};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_domain::status::MessageStatus;
use vmeste_test_support::{TestDb, fake_clock, read_scalar};

use crate::map::{DEMO_BOXES, EVERYWHERE, assert_grid_is_live};

async fn seeded(messages: u64, seed: u64) -> TestDb {
    let test = TestDb::new().await;
    let written = bench_seed::seed(
        &test.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
        Options { messages, seed },
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(written, messages);
    test
}

async fn count(db: &Db, sql: &str) -> i64 {
    read_scalar(db, Sql::new(sql)).await
}

/// Every foreign key of the database, as `table: definition`.
async fn foreign_keys(db: &Db) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT m.name || ': ' || k.\"from\" || ' -> ' || k.\"table\" || '.' || k.\"to\" \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) k WHERE m.type = 'table' ORDER BY 1"
        }
        Backend::Postgres => {
            "SELECT conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE contype = 'f' ORDER BY 1"
        }
    };
    let mut handle = db.read().await.unwrap();
    let keys: Vec<String> = Sql::new(sql).scalars(&mut handle.conn()).await.unwrap();
    assert!(!keys.is_empty());
    keys
}

async fn indexes(db: &Db) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
        Backend::Postgres => {
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
        }
    };
    let mut handle = db.read().await.unwrap();
    Sql::new(sql).scalars(&mut handle.conn()).await.unwrap()
}

#[derive(sqlx::FromRow)]
struct Last {
    status: String,
    to_status: String,
    organisation_id: Option<i64>,
    due_date: Option<chrono::NaiveDate>,
}

#[tokio::test]
async fn seeded_messages_have_consistent_counters_statuses_search_and_map() {
    let test = seeded(1500, 7).await;
    let db = &test.db;
    let total = count(db, "SELECT COUNT(*) FROM messages").await;
    assert!(total >= 1500 + 300, "{total} messages");

    // The statistics are the history counted.
    for (counter, events) in [
        (
            "received",
            "SELECT COUNT(*) FROM message_events WHERE action = 'route'",
        ),
        (
            "answered",
            "SELECT COUNT(*) FROM message_events WHERE action = 'answer'",
        ),
        (
            "disputed",
            "SELECT COUNT(*) FROM message_events WHERE action = 'dispute'",
        ),
        (
            "rating_count",
            "SELECT COUNT(*) FROM messages WHERE rating IS NOT NULL",
        ),
        (
            "rating_sum",
            "SELECT COALESCE(SUM(rating), 0) FROM messages",
        ),
    ] {
        let summed = count(
            db,
            &format!("SELECT COALESCE(SUM({counter}), 0) FROM daily_counters"),
        )
        .await;
        assert_eq!(summed, count(db, events).await, "{counter}");
        assert!(summed > 0, "{counter} is never counted");
    }

    // Every status is a real one, and the last event of each history led to it.
    let mut handle = db.read().await.unwrap();
    let mut conn = handle.conn();
    let last: Vec<Last> = Sql::new(
        "SELECT m.status, e.to_status, m.organisation_id, m.due_date FROM messages m \
         JOIN message_events e ON e.id = (SELECT MAX(id) FROM message_events WHERE message_id = m.id)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(last.len() as i64, total, "every message has a history");
    let tz = regions::current(&mut conn)
        .await
        .unwrap()
        .unwrap()
        .tz()
        .unwrap();
    let today = fake_clock().now().with_timezone(&tz).date_naive();
    let mut overdue = 0;
    for m in &last {
        let status = MessageStatus::parse(&m.status).unwrap();
        assert_eq!(m.status, m.to_status);
        if status.is_open() && m.organisation_id.is_some() && m.due_date.is_some_and(|d| d < today)
        {
            overdue += 1;
        }
    }
    drop(handle);
    assert_eq!(
        count(db, "SELECT SUM(overdue) FROM daily_counters").await,
        overdue
    );
    crate::statistics::assert_rollups_agree(db).await;

    // Every shown message is indexed for search, and no other, and is
    // found by its words.
    let published = count(
        db,
        "SELECT COUNT(*) FROM messages WHERE public = TRUE \
         AND status IN ('routed', 'in_progress', 'answered', 'disputed', 'closed')",
    )
    .await;
    assert!(
        published > 1000 && published < total,
        "{published} of {total} published"
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM search_messages").await,
        published
    );
    let mut handle = db.read().await.unwrap();
    let mut conn = handle.conn();
    let found = messages::list_public(
        &mut conn,
        &Filter {
            search: Some("яма".into()),
            ..Filter::default()
        },
        20,
    )
    .await
    .unwrap();
    assert_eq!(found.items.len(), 20);
    if db.backend() == Backend::Sqlite {
        // The load merged the index once at its end; the application's
        // writes merge it as they go again.
        let merging = "SELECT v FROM search_messages_config WHERE k = 'automerge'";
        assert_eq!(count(db, merging).await, 4);
    }

    // The map shows every published public message of the region, and its
    // grid counts them as the live query does.
    let clusters = map::clusters(&mut conn, &Filter::default(), EVERYWHERE, 7)
        .await
        .unwrap();
    drop(handle);
    assert_grid_is_live(db, &DEMO_BOXES).await;
    let on_map: i64 = clusters.iter().map(|c| c.count).sum();
    assert_eq!(on_map, published);
}

#[tokio::test]
async fn seeding_keeps_the_indexes_and_keys_and_repeats_for_a_seed() {
    let demo = TestDb::new().await;
    vmeste_db::demo::load(
        &demo.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let (a, b, c) = (
        seeded(200, 1).await,
        seeded(200, 1).await,
        seeded(200, 2).await,
    );
    assert_eq!(indexes(&a.db).await, indexes(&demo.db).await);
    assert_eq!(foreign_keys(&a.db).await, foreign_keys(&demo.db).await);
    let texts = |test: &TestDb| {
        let db = test.db.clone();
        async move {
            let mut handle = db.read().await.unwrap();
            let texts: Vec<String> =
                Sql::new("SELECT text || number || CAST(lat AS TEXT) FROM messages ORDER BY id")
                    .scalars(&mut handle.conn())
                    .await
                    .unwrap();
            texts
        }
    };
    assert_eq!(texts(&a).await, texts(&b).await);
    assert_ne!(texts(&a).await, texts(&c).await);
}

/// The bare-insert ceiling writes exactly the rows asked for, also when
/// they do not fill its last commit.
#[tokio::test]
async fn the_bare_insert_ceiling_writes_every_row_asked() {
    let test = seeded(20, 3).await;
    let before = count(&test.db, "SELECT COUNT(*) FROM messages").await;
    vmeste_db::load_test::bare_inserts(&test.db, 10, 4, fake_clock().now())
        .await
        .unwrap();
    let after = count(&test.db, "SELECT COUNT(*) FROM messages").await;
    assert_eq!(after - before, 10);
    let bench = count(
        &test.db,
        "SELECT COUNT(DISTINCT number) FROM messages WHERE number LIKE 'bench-%'",
    )
    .await;
    assert_eq!(bench, 10);
}

/// A bulk load's write-ahead log is copied back and emptied at its end:
/// left behind, every process opening the database reads all of it first.
#[tokio::test]
async fn seeding_leaves_sqlites_log_empty() {
    let test = seeded(300, 3).await;
    if test.db.backend() != Backend::Sqlite {
        return;
    }
    let log = format!("{}-wal", test.url.trim_start_matches("sqlite://"));
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 0, "{log}");
    assert!(count(&test.db, "SELECT COUNT(*) FROM messages").await >= 300);
}

/// The load runs without SQLite's row-by-row key checks, checks every key
/// once after, and leaves the writer checking them again.
#[tokio::test]
async fn seeding_leaves_foreign_keys_checked() {
    let test = seeded(300, 4).await;
    let mut tx = test.db.write().await.unwrap();
    if test.db.backend() == Backend::Sqlite {
        let on: i64 = Sql::new("PRAGMA foreign_keys")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        assert_eq!(on, 1);
    }
    let dangling = Sql::new(
        "INSERT INTO message_events (message_id, at, action, to_status, public) \
         VALUES ($1, $2, 'comment', 'registered', $3)",
    )
    .bind(i64::MAX)
    .bind(fake_clock().now())
    .bind(true)
    .execute(&mut tx.conn())
    .await;
    assert!(dangling.is_err(), "an event of no message was written");
}

/// The seed's ceiling copies exactly what a seed added into an empty
/// database and builds the same indexes and keys; it refuses a loaded one.
#[tokio::test]
async fn the_seeds_ceiling_copies_every_seeded_row() {
    let source = seeded(400, 5).await;
    let target = TestDb::new().await;
    let calendar = ProductionCalendar::russian_federal();
    let from = match source.db.backend() {
        Backend::Sqlite => source.url.trim_start_matches("sqlite://"),
        Backend::Postgres => source.url.as_str(),
    };
    let phases = bench_seed::ceiling::copy(&target.db, fake_clock().as_ref(), &calendar, from)
        .await
        .unwrap();
    assert_eq!(phases.messages, 400);
    for sql in [
        "SELECT COUNT(*) FROM messages",
        "SELECT COUNT(*) FROM message_events",
        "SELECT COUNT(*) FROM daily_counters",
        "SELECT CAST(SUM(received + answered + overdue + rating_sum) AS BIGINT) FROM daily_counters",
        "SELECT CAST(SUM(count) AS BIGINT) FROM map_cells",
        "SELECT COUNT(*) FROM search_messages",
    ] {
        assert_eq!(
            count(&target.db, sql).await,
            count(&source.db, sql).await,
            "{sql}"
        );
    }
    assert_eq!(indexes(&target.db).await, indexes(&source.db).await);
    assert_eq!(
        foreign_keys(&target.db).await,
        foreign_keys(&source.db).await
    );
    let again = bench_seed::ceiling::copy(&target.db, fake_clock().as_ref(), &calendar, from).await;
    assert!(again.is_err(), "copied into a loaded database");
}

async fn journal_mode(db: &Db) -> String {
    read_scalar(db, Sql::new("PRAGMA journal_mode")).await
}

#[tokio::test]
async fn a_bulk_load_writes_without_the_log_and_the_next_opening_turns_it_back_on() {
    let test = TestDb::for_bulk_load().await;
    if test.db.backend() != Backend::Sqlite {
        return;
    }
    assert_eq!(journal_mode(&test.db).await, "truncate");
    let written = bench_seed::seed(
        &test.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
        Options {
            messages: 300,
            seed: 3,
        },
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(written, 300);
    // The rows' large page cache is gone with them (it slows index builds).
    let mut writer = test.db.write().await.unwrap();
    let cache: i64 = Sql::new("PRAGMA cache_size")
        .scalar(&mut writer.conn())
        .await
        .unwrap();
    drop(writer);
    assert_eq!(cache, -2000);
    test.db.close().await;

    let reopened = Db::connect(&test.url, &DbOptions::default()).await.unwrap();
    assert_eq!(journal_mode(&reopened).await, "wal");
    let integrity: String = read_scalar(&reopened, Sql::new("PRAGMA integrity_check")).await;
    assert_eq!(integrity, "ok");
    assert!(count(&reopened, "SELECT COUNT(*) FROM messages").await >= 300 + 300);
    reopened.close().await;
}
