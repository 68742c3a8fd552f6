use std::collections::HashSet;

use vmeste_db::demo::{self, Outcome};
use vmeste_db::{Sql, catalogue, messages, organisations, territories};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};
use vmeste_test_support::{TestDb, fake_clock};

pub async fn demo_db() -> TestDb {
    let test = TestDb::new().await;
    let outcome = demo::load(
        &test.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, Outcome::Loaded { .. }));
    test
}

#[tokio::test]
async fn the_demo_region_is_complete_and_every_message_lies_in_a_territory() {
    #[derive(sqlx::FromRow)]
    struct Point {
        id: i64,
        lat: f64,
        lon: f64,
        territory_id: Option<i64>,
        organisation_id: Option<i64>,
    }
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let categories = catalogue::categories(&mut c).await.unwrap();
    let topics = catalogue::topics(&mut c).await.unwrap();
    assert!(categories.len() >= 26, "{} categories", categories.len());
    assert!(topics.len() >= 230, "{} topics", topics.len());
    assert!(organisations::count(&mut c).await.unwrap() >= 40);
    assert!(messages::count(&mut c).await.unwrap() >= 200);
    let shapes = territories::geometries(&mut c).await.unwrap();
    let index = TerritoryIndex::new(
        shapes
            .into_iter()
            .map(|g| (g.id, parse_geometry(&g.geometry).unwrap())),
    );
    let points: Vec<Point> =
        Sql::new("SELECT id, lat, lon, territory_id, organisation_id FROM messages")
            .fetch_all(&mut c)
            .await
            .unwrap();
    for p in &points {
        let most_specific = index.most_specific(p.lat, p.lon);
        assert!(
            most_specific.is_some(),
            "message {} lies outside every territory",
            p.id
        );
        assert_eq!(p.territory_id, most_specific, "message {}", p.id);
        assert!(
            p.organisation_id.is_some(),
            "message {} was not routed",
            p.id
        );
    }
    let statuses: HashSet<String> = Sql::new("SELECT DISTINCT status FROM messages")
        .scalars(&mut c)
        .await
        .unwrap()
        .into_iter()
        .collect();
    for status in [
        "moderation",
        "routed",
        "in_progress",
        "answered",
        "closed",
        "rejected",
    ] {
        assert!(statuses.contains(status), "no demo message is {status}");
    }
}

#[tokio::test]
async fn loading_twice_changes_nothing() {
    let test = demo_db().await;
    let count = |db: vmeste_db::Db| async move {
        let mut handle = db.read().await.unwrap();
        messages::count(&mut handle.conn()).await.unwrap()
    };
    let before = count(test.db.clone()).await;
    let again = demo::load(
        &test.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    assert_eq!(again, Outcome::AlreadyLoaded);
    assert_eq!(count(test.db.clone()).await, before);
}

#[tokio::test]
async fn the_demo_refuses_a_database_with_another_region() {
    let test = TestDb::new().await;
    vmeste_test_support::fixture::small_region(&test.db).await;
    let result = demo::load(
        &test.db,
        fake_clock().as_ref(),
        &ProductionCalendar::russian_federal(),
    )
    .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn demo_accounts_exist_for_every_staff_role() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let roles: HashSet<String> = Sql::new("SELECT DISTINCT role FROM staff_roles")
        .scalars(&mut handle.conn())
        .await
        .unwrap()
        .into_iter()
        .collect();
    for role in vmeste_domain::organisation::Role::ALL
        .iter()
        .filter(|r| r.as_str() != "resident")
    {
        assert!(
            roles.contains(role.as_str()),
            "no demo account has role {}",
            role.as_str()
        );
    }
}

#[tokio::test]
async fn the_demo_counters_agree_with_its_messages() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let totals = vmeste_db::counters::totals(&mut c, None).await.unwrap();
    let routed: i64 = Sql::new("SELECT COUNT(*) FROM message_events WHERE action = 'route'")
        .scalar(&mut c)
        .await
        .unwrap();
    let answers: i64 = Sql::new("SELECT COUNT(*) FROM message_events WHERE action = 'answer'")
        .scalar(&mut c)
        .await
        .unwrap();
    let disputes: i64 = Sql::new("SELECT COUNT(*) FROM message_events WHERE action = 'dispute'")
        .scalar(&mut c)
        .await
        .unwrap();
    assert!(routed > 100);
    assert_eq!(i64::from(totals.received), routed);
    assert_eq!(i64::from(totals.answered), answers);
    assert_eq!(i64::from(totals.disputed), disputes);
    assert!(totals.answered_on_time > 0 && totals.answered_on_time <= totals.answered);
    assert!(totals.overdue > 0, "some demo cases are overdue");
    drop(handle);
    crate::statistics::assert_rollups_agree(&test.db).await;
}
