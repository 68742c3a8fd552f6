use chrono::NaiveDate;
use vmeste_db::intake::{Intake, IntakeError, Source};
use vmeste_db::{Db, events, houses, territories};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{ErrorCode, Place, Point, ValidMessage};
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};
use vmeste_test_support::fixture::{self, Fixture, IN_DISTRICT, IN_TOWN, OUTSIDE};
use vmeste_test_support::{TestDb, fake_clock};

async fn index(db: &Db) -> TerritoryIndex {
    let mut handle = db.read().await.unwrap();
    let shapes = territories::geometries(&mut handle.conn()).await.unwrap();
    TerritoryIndex::new(
        shapes
            .into_iter()
            .map(|g| (g.id, parse_geometry(&g.geometry).unwrap())),
    )
}

fn message(topic_id: i64, (lat, lon): (f64, f64)) -> ValidMessage {
    ValidMessage {
        topic_id,
        text: "Глубокая яма на проезжей части".into(),
        place: Place::Point(Point { lat, lon }),
        address: Some("ул. Садовая, д. 1".into()),
    }
}

struct Env {
    test: TestDb,
    fixture: Fixture,
    index: TerritoryIndex,
    calendar: ProductionCalendar,
    clock: std::sync::Arc<vmeste_domain::clock::FakeClock>,
}

async fn env() -> Env {
    let test = TestDb::new().await;
    let fixture = fixture::small_region(&test.db).await;
    let index = index(&test.db).await;
    Env {
        test,
        fixture,
        index,
        calendar: ProductionCalendar::russian_federal(),
        clock: fake_clock(),
    }
}

impl Env {
    /// An administrator's correction of the calendar: `date` becomes a holiday.
    async fn set_holiday(&self, date: NaiveDate, note: &str) {
        let day = vmeste_domain::calendar::SpecialDay {
            date,
            kind: vmeste_domain::calendar::DayKind::Holiday,
            note: note.into(),
        };
        let mut tx = self.test.db.write().await.unwrap();
        let now = vmeste_domain::clock::Clock::now(self.clock.as_ref());
        vmeste_db::calendar_days::set(&mut tx.conn(), &day, None, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// The region the fixture's territories belong to.
    async fn region(&self) -> i64 {
        let mut handle = self.test.db.read().await.unwrap();
        vmeste_db::Sql::new("SELECT region_id FROM territories WHERE id = $1")
            .bind(self.fixture.town)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    }

    fn intake(&self) -> Intake {
        Intake {
            clock: self.clock.clone(),
            calendar: std::sync::Arc::new(self.calendar.clone()),
            territories: std::sync::Arc::new(self.index.clone()),
            time_zone: chrono_tz::Europe::Moscow,
            model: None,
            reference: std::sync::Arc::default(),
        }
    }
}

#[tokio::test]
async fn a_message_is_numbered_routed_timed_and_recorded() {
    let env = env().await;
    let view = env
        .intake()
        .submit(
            &env.test.db,
            &message(env.fixture.roads_topic, IN_TOWN),
            None,
            Source::Api,
        )
        .await
        .unwrap();
    assert_eq!(view.number, "В-2026-000001");
    assert_eq!(view.status().unwrap(), MessageStatus::Moderation);
    assert_eq!(
        view.organisation_id,
        Some(env.fixture.town_roads),
        "the town's rule beats the district's"
    );
    assert_eq!(view.territory_id, Some(env.fixture.town));
    // Received Monday 16 March 2026: ten working days later is Monday 30 March.
    assert_eq!(view.due_date, NaiveDate::from_ymd_opt(2026, 3, 30));
    let second = env
        .intake()
        .submit(
            &env.test.db,
            &message(env.fixture.roads_topic, IN_DISTRICT),
            None,
            Source::Web,
        )
        .await
        .unwrap();
    assert_eq!(second.number, "В-2026-000002");
    assert_eq!(second.organisation_id, Some(env.fixture.district_admin));
    assert_eq!(second.territory_id, Some(env.fixture.district));
    let mut handle = env.test.db.read().await.unwrap();
    let history = events::for_message(&mut handle.conn(), view.id, true)
        .await
        .unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|e| (e.action.as_str(), e.to_status.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("created", "submitted"),
            ("send_to_moderation", "moderation")
        ]
    );
}

#[tokio::test]
async fn a_region_wide_rule_routes_anywhere() {
    let env = env().await;
    let view = env
        .intake()
        .submit(
            &env.test.db,
            &message(env.fixture.lighting_topic, IN_TOWN),
            None,
            Source::Api,
        )
        .await
        .unwrap();
    assert_eq!(view.organisation_id, Some(env.fixture.grid));
    assert!(view.routing_note.unwrap().contains("grid"));
}

#[tokio::test]
async fn intake_follows_changes_to_rules_and_topics_at_once() {
    use vmeste_db::routing_rules::{self, Target};
    let env = env().await;
    // One intake, as a server keeps it, with its reference data in memory.
    let intake = env.intake();
    let db = &env.test.db;
    let roads = env.fixture.roads_topic;
    let routed = || async {
        intake
            .submit(db, &message(roads, IN_TOWN), None, Source::Api)
            .await
            .map(|view| view.organisation_id)
    };
    assert_eq!(routed().await.unwrap(), Some(env.fixture.town_roads));

    let mut tx = db.write().await.unwrap();
    let rule = routing_rules::insert(
        &mut tx.conn(),
        Target::Topic(roads),
        Some(env.fixture.town),
        env.fixture.grid,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(routed().await.unwrap(), Some(env.fixture.grid));

    let mut tx = db.write().await.unwrap();
    routing_rules::delete(&mut tx.conn(), rule).await.unwrap();
    vmeste_db::Sql::new("UPDATE topics SET active = $1 WHERE id = $2")
        .bind(false)
        .bind(roads)
        .execute(&mut tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    match routed().await {
        Err(IntakeError::Invalid(errors)) => assert_eq!(errors[0].code, ErrorCode::InactiveTopic),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_change_to_reference_data_moves_its_version() {
    use vmeste_db::Sql;
    let env = env().await;
    let db = &env.test.db;
    let version = || async {
        let mut handle = db.read().await.unwrap();
        Sql::new("SELECT version FROM reference_version WHERE id = 1")
            .scalar::<i64>(&mut handle.conn())
            .await
            .unwrap()
    };
    // The tables intake keeps in memory (intake/reference.rs) but the
    // models', whose changes routing_model.rs follows through a kept intake.
    for table in [
        "categories",
        "topics",
        "routing_rules",
        "organisations",
        "territories",
    ] {
        let before = version().await;
        let mut tx = db.write().await.unwrap();
        Sql::new(format!(
            "UPDATE {table} SET id = id WHERE id IN (SELECT MIN(id) FROM {table})"
        ))
        .execute(&mut tx.conn())
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(version().await > before, "{table}");
    }
    let before = version().await;
    env.set_holiday(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), "test")
        .await;
    assert!(version().await > before, "calendar_days");
}

#[tokio::test]
async fn a_territory_instead_of_a_point_places_the_message_inside_it() {
    let env = env().await;
    let mut msg = message(env.fixture.roads_topic, IN_TOWN);
    msg.place = Place::Territory(env.fixture.town);
    let view = env
        .intake()
        .submit(&env.test.db, &msg, None, Source::Web)
        .await
        .unwrap();
    assert_eq!(view.territory_id, Some(env.fixture.town));
    assert_eq!(view.organisation_id, Some(env.fixture.town_roads));
}

async fn refused(env: &Env, msg: ValidMessage) -> Vec<(&'static str, ErrorCode)> {
    match env
        .intake()
        .submit(&env.test.db, &msg, None, Source::Api)
        .await
    {
        Err(IntakeError::Invalid(errors)) => errors.iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_places_and_topics_are_refused_by_field() {
    let env = env().await;
    assert_eq!(
        refused(&env, message(env.fixture.roads_topic, OUTSIDE)).await,
        [("location", ErrorCode::OutsideRegion)]
    );
    assert_eq!(
        refused(&env, message(9999, IN_TOWN)).await,
        [("topic_id", ErrorCode::UnknownTopic)]
    );
    assert_eq!(
        refused(&env, message(env.fixture.retired_topic, IN_TOWN)).await,
        [("topic_id", ErrorCode::InactiveTopic)]
    );
    // Both wrong: the resident hears of both at once.
    assert_eq!(
        refused(&env, message(9999, OUTSIDE)).await,
        [
            ("topic_id", ErrorCode::UnknownTopic),
            ("location", ErrorCode::OutsideRegion)
        ]
    );
    let mut msg = message(env.fixture.roads_topic, IN_TOWN);
    msg.place = Place::Territory(424_242);
    assert_eq!(
        refused(&env, msg).await,
        [("territory_id", ErrorCode::UnknownTerritory)]
    );
    // Nothing was stored, and no number was used up.
    let ok = env
        .intake()
        .submit(
            &env.test.db,
            &message(env.fixture.roads_topic, IN_TOWN),
            None,
            Source::Api,
        )
        .await
        .unwrap();
    assert_eq!(ok.number, "В-2026-000001");
}

#[tokio::test]
async fn an_administrators_holiday_moves_working_day_deadlines() {
    let env = env().await;
    let submit = async || {
        env.intake()
            .submit(
                &env.test.db,
                &message(env.fixture.roads_topic, IN_TOWN),
                None,
                Source::Api,
            )
            .await
            .unwrap()
            .due_date
            .unwrap()
    };
    let before = submit().await;
    let holiday = NaiveDate::from_ymd_opt(2026, 3, 18).unwrap();
    env.set_holiday(holiday, "Региональный праздник").await;
    let after = submit().await;
    assert_eq!(after, before + chrono::Duration::days(1));
    // Removing the correction restores the shipped calendar.
    {
        let mut tx = env.test.db.write().await.unwrap();
        assert!(
            vmeste_db::calendar_days::remove(&mut tx.conn(), holiday)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }
    assert_eq!(submit().await, before);
}

#[tokio::test]
async fn messages_sent_together_share_commits_and_a_bad_one_fails_alone() {
    let env = env().await;
    let intake = env.intake();
    let topics = (0..40).map(|i| {
        if i == 17 {
            999_999
        } else {
            env.fixture.roads_topic
        }
    });
    let results = futures_util::future::join_all(topics.map(|topic| {
        let intake = intake.clone();
        let db = env.test.db.clone();
        async move {
            intake
                .submit(&db, &message(topic, IN_TOWN), None, Source::Api)
                .await
        }
    }))
    .await;
    let mut numbers = Vec::new();
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(view) => numbers.push(view.number),
            Err(IntakeError::Invalid(errors)) if i == 17 => {
                assert_eq!(errors[0].code, ErrorCode::UnknownTopic);
            }
            other => panic!("message {i}: {other:?}"),
        }
    }
    numbers.sort();
    let expected: Vec<String> = (1..=39).map(|n| format!("В-2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_message_the_database_refuses_in_a_batch_fails_alone() {
    let env = env().await;
    let intake = env.intake();
    let db = &env.test.db;
    let roads = env.fixture.roads_topic;
    // Planning does not look the author up, so only the batch's insert can
    // refuse the second message: the three go together first, then (after
    // the refusal) each alone.
    let m = message(roads, IN_TOWN);
    let (first, refused, last) = tokio::join!(
        intake.submit(db, &m, None, Source::Api),
        intake.submit(db, &m, Some(999_999), Source::Api),
        intake.submit(db, &m, None, Source::Api),
    );
    assert!(matches!(refused, Err(IntakeError::Db(_))), "{refused:?}");
    let mut numbers = [first.unwrap().number, last.unwrap().number];
    numbers.sort();
    // The refused message's number went back with it.
    assert_eq!(numbers, ["В-2026-000001", "В-2026-000002"]);
    let mut handle = db.read().await.unwrap();
    let stored: i64 = vmeste_db::Sql::new("SELECT COUNT(*) FROM messages")
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    let events: i64 = vmeste_db::Sql::new("SELECT COUNT(*) FROM message_events")
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!((stored, events), (2, 4));
}

#[tokio::test]
async fn a_write_that_fails_in_a_batch_rolls_back_only_its_own_changes() {
    use vmeste_db::{DbError, Sql};
    let test = TestDb::new().await;
    let insert = |year: i32, then_fail: bool| {
        test.db.write_batched(move |mut conn| {
            Box::pin(async move {
                Sql::new("INSERT INTO message_numbers (year, last) VALUES ($1, 7)")
                    .bind(year)
                    .execute(&mut conn)
                    .await?;
                if then_fail {
                    return Err(DbError::NotFound);
                }
                Ok(year)
            })
        })
    };
    // The second write of 3001 breaks a unique key (which aborts a whole
    // PostgreSQL transaction without savepoints); 3002 fails after writing.
    let (first, duplicate, failed, last) = tokio::join!(
        insert(3001, false),
        insert(3001, false),
        insert(3002, true),
        insert(3003, false)
    );
    assert_eq!(first.unwrap(), 3001);
    assert!(duplicate.unwrap_err().is_unique_violation());
    assert!(matches!(failed, Err(DbError::NotFound)));
    assert_eq!(last.unwrap(), 3003);
    let mut handle = test.db.read().await.unwrap();
    let years: Vec<i32> =
        Sql::new("SELECT year FROM message_numbers WHERE year > 3000 ORDER BY year")
            .scalars(&mut handle.conn())
            .await
            .unwrap();
    assert_eq!(years, [3001, 3003]);
}

#[tokio::test]
async fn a_typed_address_finds_the_house_of_its_longest_registered_tail_else_the_nearest() {
    let env = env().await;
    let region = env.region().await;
    let now = vmeste_domain::clock::Clock::now(env.clock.as_ref());
    let (lat, lon) = IN_TOWN;
    let mut tx = env.test.db.write().await.unwrap();
    let mut add = async |address: &str, lat: f64, lon: f64| {
        let house = houses::NewHouse {
            region_id: region,
            address,
            lat,
            lon,
            manager_id: None,
        };
        houses::insert(&mut tx.conn(), &house, now)
            .await
            .unwrap()
            .unwrap()
    };
    let in_town = add("ул. Ленина, 10", lat + 0.01, lon).await;
    let in_village = add("пос. Лесной, ул. Ленина, 10", lat + 0.02, lon).await;
    let at_the_point = add("ул. Садовая, 3", lat + 0.0001, lon).await;
    tx.commit().await.unwrap();

    let mut handle = env.test.db.read().await.unwrap();
    let mut find = async |typed: Option<&str>| {
        houses::find(&mut handle.conn(), typed, lat, lon)
            .await
            .unwrap()
            .map(|h| h.id)
    };
    assert_eq!(
        find(Some("посёлок Лесной, улица Ленина, д. 10")).await,
        Some(in_village)
    );
    assert_eq!(
        find(Some("г. Приозёрск, ул. Ленина, дом 10")).await,
        Some(in_town)
    );
    // An address the register does not know: the house at the point (11 m away).
    assert_eq!(find(Some("ул. Ленина, 12")).await, Some(at_the_point));
    assert_eq!(find(None).await, Some(at_the_point));
    let far = houses::find(&mut handle.conn(), None, lat - 0.01, lon)
        .await
        .unwrap();
    assert!(far.is_none(), "no house within 40 m: {far:?}");
}

#[tokio::test]
async fn a_house_registered_while_intake_runs_takes_the_messages_at_its_door() {
    use vmeste_db::routing_rules::{self, Target};
    let env = env().await;
    let db = &env.test.db;
    let topic = env.fixture.roads_topic;
    let mut tx = db.write().await.unwrap();
    vmeste_db::Sql::new("UPDATE topics SET responsible = $1 WHERE id = $2")
        .bind(houses::MANAGED_AREA)
        .bind(topic)
        .execute(&mut tx.conn())
        .await
        .unwrap();
    let target = Target::Responsible(houses::MANAGED_AREA);
    routing_rules::insert(&mut tx.conn(), target, None, env.fixture.district_admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // One intake, as a server keeps it: the register is not part of the
    // reference data it keeps, so a new house counts at once.
    let intake = env.intake();
    let routed = async |at: (f64, f64)| {
        let view = intake
            .submit(db, &message(topic, at), None, Source::Api)
            .await
            .unwrap();
        let mut handle = db.read().await.unwrap();
        let house: Option<i64> = vmeste_db::Sql::new("SELECT house_id FROM messages WHERE id = $1")
            .bind(view.id)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        (view.organisation_id, house)
    };
    let (lat, lon) = IN_TOWN;
    let door = (lat + 0.0001, lon);
    assert_eq!(routed(door).await, (Some(env.fixture.district_admin), None));

    let region = env.region().await;
    let mut tx = db.write().await.unwrap();
    let house = houses::NewHouse {
        region_id: region,
        address: "ул. Садовая, 3",
        lat: door.0 + 0.0001,
        lon,
        manager_id: Some(env.fixture.grid),
    };
    let now = vmeste_domain::clock::Clock::now(env.clock.as_ref());
    let house = houses::insert(&mut tx.conn(), &house, now)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();

    // Sent together, so that the writer reads the houses near each point of
    // one batch at once and must give each message its own.
    let (away, at_door, in_district) = tokio::join!(
        routed((lat - 0.001, lon)),
        routed(door),
        routed(IN_DISTRICT)
    );
    assert_eq!(away, (Some(env.fixture.district_admin), None));
    assert_eq!(at_door, (Some(env.fixture.grid), Some(house)));
    assert_eq!(in_district, (Some(env.fixture.district_admin), None));
}

#[tokio::test]
async fn houses_near_a_full_batchs_points_are_read_for_each_point() {
    let env = env().await;
    let db = &env.test.db;
    let region = env.region().await;
    let (lat, lon) = IN_TOWN;
    let now = vmeste_domain::clock::Clock::now(env.clock.as_ref());
    let mut tx = db.write().await.unwrap();
    let mut houses_at = Vec::new();
    for (n, address) in [(0u32, "ул. Садовая, 3"), (555, "ул. Садовая, 5")] {
        let house = houses::NewHouse {
            region_id: region,
            address,
            lat: lat + f64::from(n) * 0.001,
            lon,
            manager_id: None,
        };
        let id = houses::insert(&mut tx.conn(), &house, now)
            .await
            .unwrap()
            .unwrap();
        houses_at.push((usize::try_from(n).unwrap(), id));
    }
    tx.commit().await.unwrap();
    // More points than SQLite takes terms in one compound SELECT (500), as
    // in a batch of 512 messages.
    let points: Vec<(f64, f64)> = (0..600u32)
        .map(|n| (lat + f64::from(n) * 0.001, lon))
        .collect();
    let mut handle = db.read().await.unwrap();
    let near = houses::near_each(&mut handle.conn(), &points)
        .await
        .unwrap();
    assert_eq!(near.len(), points.len());
    let found: Vec<(usize, i64)> = near
        .iter()
        .enumerate()
        .flat_map(|(i, houses)| houses.iter().map(move |h| (i, h.id)))
        .collect();
    assert_eq!(found, houses_at);
}
