use vmeste_db::messages::{self, Filter, Visibility};
use vmeste_db::{Sql, events};
use vmeste_domain::status::MessageStatus;
use vmeste_test_support::TestDb;

use crate::demo::demo_db;

#[tokio::test]
async fn keyset_pages_cover_the_list_once_newest_first() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let seen = paged(&mut c, Filter::default(), 37).await;
    let published = MessageStatusCount::published(&mut c).await;
    assert_eq!(seen.len() as i64, published);
}

/// Every id of the filter's list, page after page of `limit`, checked to
/// come strictly newest first.
pub async fn paged(c: &mut vmeste_db::Conn<'_>, mut filter: Filter, limit: u32) -> Vec<i64> {
    let mut seen = Vec::new();
    loop {
        let page = messages::list_public(c, &filter, limit).await.unwrap();
        assert!(page.items.len() <= limit as usize);
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next_before_id {
            Some(id) => filter.before_id = Some(id),
            None => break,
        }
    }
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "strictly newest first, no repeats: {seen:?}"
    );
    seen
}

#[tokio::test]
async fn a_territorys_list_pages_through_its_published_messages_newest_first() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let territories: Vec<i64> = Sql::new(
        "SELECT territory_id FROM messages WHERE territory_id IS NOT NULL \
         GROUP BY territory_id ORDER BY COUNT(*)",
    )
    .scalars(&mut c)
    .await
    .unwrap();
    assert!(territories.len() > 2, "the demo spreads over territories");
    // The smallest and the largest.
    for territory in [territories[0], territories[territories.len() - 1]] {
        let filter = Filter {
            territory_id: Some(territory),
            ..Filter::default()
        };
        let listed = paged(&mut c, filter, 7).await;
        let expected: Vec<i64> =
            Sql::new("SELECT id FROM messages WHERE public = $1 AND territory_id = $2")
                .bind(true)
                .bind(territory)
                .push_list(
                    " AND status IN ",
                    messages::PUBLISHED.iter().map(|s| s.as_str()),
                )
                .push(" ORDER BY id DESC")
                .scalars(&mut c)
                .await
                .unwrap();
        assert_eq!(listed, expected, "territory {territory}");
    }
}

struct MessageStatusCount;

impl MessageStatusCount {
    async fn published(c: &mut vmeste_db::Conn<'_>) -> i64 {
        let mut sql =
            Sql::new("SELECT COUNT(*) FROM messages WHERE public = $1 AND status IN (").bind(true);
        for (i, s) in messages::PUBLISHED.iter().enumerate() {
            sql = sql.push_bound(if i == 0 { "{}" } else { ", {}" }, s.as_str());
        }
        sql.push(")").scalar(c).await.unwrap()
    }
}

#[tokio::test]
async fn filters_narrow_and_unpublished_statuses_never_show() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let closed = Filter {
        statuses: vec![MessageStatus::Closed],
        ..Filter::default()
    };
    let page = messages::list_public(&mut c, &closed, 100).await.unwrap();
    assert!(!page.items.is_empty());
    assert!(page.items.iter().all(|m| m.status == "closed" && m.public));
    let hidden = Filter {
        statuses: vec![MessageStatus::Moderation, MessageStatus::Rejected],
        ..Filter::default()
    };
    assert!(
        messages::list_public(&mut c, &hidden, 100)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let first = &page.items[0];
    let by_topic = Filter {
        topic_id: Some(first.topic_id),
        ..Filter::default()
    };
    let page = messages::list_public(&mut c, &by_topic, 100).await.unwrap();
    assert!(page.items.iter().all(|m| m.topic_id == first.topic_id));
    let by_org = Filter {
        organisation_id: first.organisation_id,
        ..Filter::default()
    };
    let page = messages::list_public(&mut c, &by_org, 100).await.unwrap();
    assert!(
        page.items
            .iter()
            .all(|m| m.organisation_id == first.organisation_id)
    );
}

#[tokio::test]
async fn visibility_follows_status_and_topic() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let ids: Vec<i64> = Sql::new("SELECT id FROM messages ORDER BY id")
        .scalars(&mut c)
        .await
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let m = messages::get(&mut c, id).await.unwrap().unwrap();
        let status = m.status().unwrap();
        let expected = if !m.public {
            Visibility::Hidden
        } else if messages::PUBLISHED.contains(&status) {
            Visibility::Published
        } else if matches!(
            status,
            MessageStatus::Moderation | MessageStatus::ClarificationRequested
        ) {
            Visibility::Pending
        } else {
            Visibility::Hidden
        };
        assert_eq!(
            m.public_visibility(),
            expected,
            "message {id} in {status:?}"
        );
        seen.insert(format!("{expected:?}"));
        // Every demo history ends where the message is.
        let history = events::for_message(&mut c, id, false).await.unwrap();
        assert_eq!(history.last().unwrap().to_status, m.status);
    }
    assert_eq!(seen.len(), 3, "the demo shows every kind of visibility");
}

#[tokio::test]
async fn an_empty_database_lists_nothing() {
    let test = TestDb::new().await;
    let mut handle = test.db.read().await.unwrap();
    let page = messages::list_public(&mut handle.conn(), &Filter::default(), 20)
        .await
        .unwrap();
    assert!(page.items.is_empty() && page.next_before_id.is_none());
}

#[tokio::test]
async fn a_russian_search_finds_inflected_forms_and_never_hidden_contacts() {
    use vmeste_db::intake::{Intake, Source};
    use vmeste_domain::validation::{Place, Point, ValidMessage};
    use vmeste_test_support::fixture::{self, IN_TOWN};

    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = vmeste_test_support::fake_clock();
    let index = {
        let mut handle = test.db.read().await.unwrap();
        let shapes = vmeste_db::territories::geometries(&mut handle.conn())
            .await
            .unwrap();
        vmeste_routing::territory::TerritoryIndex::new(shapes.into_iter().map(|g| {
            (
                g.id,
                vmeste_routing::territory::parse_geometry(&g.geometry).unwrap(),
            )
        }))
    };
    let calendar = vmeste_domain::calendar::ProductionCalendar::russian_federal();
    let intake = Intake {
        clock,
        calendar: std::sync::Arc::new(calendar),
        territories: std::sync::Arc::new(index),
        time_zone: chrono_tz::Europe::Moscow,
        model: None,
        reference: std::sync::Arc::default(),
    };
    let mut ids = Vec::new();
    for text in [
        "Глубокие ямы на дороге у школы",
        "Не горят фонари во дворе, звоните 8 912 345-67-89",
        "Ёлку во дворе сломали",
    ] {
        let message = ValidMessage {
            topic_id: f.roads_topic,
            text: text.into(),
            place: Place::Point(Point {
                lat: IN_TOWN.0,
                lon: IN_TOWN.1,
            }),
            address: None,
        };
        ids.push(
            intake
                .submit(&test.db, &message, None, Source::Web)
                .await
                .unwrap()
                .id,
        );
    }
    // Nothing is searchable while in moderation, so intake indexes nothing;
    // a moderator's routing publishes a message and indexes it.
    assert_eq!(search_entries(&test.db).await, 0);
    for &id in &ids {
        let mut tx = test.db.write().await.unwrap();
        let case = vmeste_db::cases::get(&mut tx.conn(), id)
            .await
            .unwrap()
            .unwrap();
        let ctx = vmeste_db::cases::Context {
            calendar: &intake.calendar,
            time_zone: intake.time_zone,
            now: intake.clock.now(),
        };
        let moderator = vmeste_domain::case::Who {
            moderate: true,
            ..Default::default()
        };
        let route = vmeste_domain::case::Command::Route {
            organisation_id: f.town_roads,
        };
        vmeste_db::cases::apply(&mut tx.conn(), ctx, &case, moderator, None, &route)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(search_entries(&test.db).await, 3);
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let mut found = async |q: &str| -> Vec<i64> {
        let filter = Filter {
            search: Some(q.into()),
            ..Filter::default()
        };
        let mut ids: Vec<i64> = messages::list_public(&mut c, &filter, 50)
            .await
            .unwrap()
            .items
            .iter()
            .map(|m| m.id)
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(found("школой").await, [ids[0]]);
    assert_eq!(found("глубокая школа").await, [ids[0]]);
    // The topic («Ямы на дороге») is public and searchable too.
    assert_eq!(found("ямой на дорогах").await, ids);
    assert_eq!(found("фонарь").await, [ids[1]]);
    assert_eq!(found("двор").await, [ids[1], ids[2]]);
    assert_eq!(found("елка").await, [ids[2]], "ё and е meet");
    assert!(
        found("912").await.is_empty(),
        "hidden contacts are not searchable"
    );
    assert!(
        found("школа фонарь").await.is_empty(),
        "every word must match"
    );
    assert_eq!(
        found("\"*) OR (").await.len(),
        0,
        "no query syntax from users"
    );
    assert_eq!(found("  ").await.len(), 3, "no words: no narrowing");
    drop(handle);

    // Indexing a message again replaces its words: the old ones find it no more.
    let mut tx = test.db.write().await.unwrap();
    Sql::new("UPDATE messages SET text = 'Сугробы у подъезда' WHERE id = $1")
        .bind(ids[0])
        .execute(&mut tx.conn())
        .await
        .unwrap();
    vmeste_db::search::index(&mut tx.conn(), ids[0])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    for (q, expected) in [("школа", vec![]), ("сугроб", vec![ids[0]])] {
        let filter = Filter {
            search: Some(q.into()),
            ..Filter::default()
        };
        let page = messages::list_public(&mut c, &filter, 50).await.unwrap();
        let got: Vec<i64> = page.items.iter().map(|m| m.id).collect();
        assert_eq!(got, expected, "{q}");
    }
    assert_eq!(search_entries(&test.db).await, 3);
}

async fn search_entries(db: &vmeste_db::Db) -> i64 {
    vmeste_test_support::read_scalar(db, Sql::new("SELECT COUNT(*) FROM search_messages")).await
}

#[tokio::test]
async fn a_search_pages_through_every_match_newest_first() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    let word = "дорога";
    let (matching, terms) = match c.backend() {
        vmeste_db::Backend::Sqlite => (
            "id IN (SELECT rowid FROM search_messages WHERE search_messages MATCH {})",
            format!("\"{}\"*", vmeste_routing::text::stem(word)),
        ),
        vmeste_db::Backend::Postgres => (
            "id IN (SELECT message_id FROM search_messages \
             WHERE document @@ plainto_tsquery('russian', {}))",
            word.to_owned(),
        ),
    };
    let expected: Vec<i64> = Sql::new("SELECT id FROM messages WHERE public = $1")
        .bind(true)
        .push_list(
            " AND status IN ",
            messages::PUBLISHED.iter().map(|s| s.as_str()),
        )
        .push_bound(&format!(" AND {matching}"), terms)
        .push(" ORDER BY id DESC")
        .scalars(&mut c)
        .await
        .unwrap();
    assert!(expected.len() > 6, "{} matches", expected.len());
    let filter = Filter {
        search: Some(word.into()),
        ..Filter::default()
    };
    assert_eq!(paged(&mut c, filter.clone(), 3).await, expected);
    // With another filter the pages still hold only what both keep.
    let closed = Filter {
        statuses: vec![MessageStatus::Closed],
        ..filter
    };
    let both = paged(&mut c, closed, 2).await;
    assert!(both.len() < expected.len());
    for id in both {
        assert!(expected.contains(&id));
        let m = messages::get(&mut c, id).await.unwrap().unwrap();
        assert_eq!(m.status, "closed");
    }
}
