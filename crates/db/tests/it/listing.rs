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
    let mut seen = Vec::new();
    let mut filter = Filter::default();
    loop {
        let page = messages::list_public(&mut c, &filter, 37).await.unwrap();
        assert!(page.items.len() <= 37);
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next_before_id {
            Some(id) => filter.before_id = Some(id),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "strictly newest first, no repeats");
    let published = MessageStatusCount::published(&mut c).await;
    assert_eq!(seen.len() as i64, published);
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
