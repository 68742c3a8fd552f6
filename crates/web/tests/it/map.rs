//! The public map: clusters counted by the database for the box and zoom,
//! the same filters as the list, and the list itself without JavaScript.

use axum::http::{StatusCode, header};
use vmeste_db::Sql;

use crate::common::TestApp;

const REGION: &str = "40,55,46,58";

async fn published(app: &TestApp, topic: Option<i64>) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    let sql = Sql::new(
        "SELECT COUNT(*) FROM messages WHERE public = $1 \
         AND status IN ('routed', 'in_progress', 'answered', 'disputed', 'closed')",
    )
    .bind(true);
    let sql = match topic {
        Some(t) => sql.push_bound(" AND topic_id = {}", t),
        None => sql,
    };
    sql.scalar(&mut handle.conn()).await.unwrap()
}

fn clusters(reply: &crate::common::Reply) -> Vec<serde_json::Value> {
    reply.json()["clusters"].as_array().unwrap().clone()
}

fn total(clusters: &[serde_json::Value]) -> i64 {
    clusters.iter().map(|c| c["count"].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn clusters_count_every_published_message_once_and_split_as_the_map_zooms_in() {
    let app = TestApp::demo().await;
    let all = published(&app, None).await;
    assert!(all > 50, "the demo has messages: {all}");

    let far = app
        .get(&format!("/map/clusters?bbox={REGION}&zoom=5"))
        .await;
    assert_eq!(far.status, StatusCode::OK);
    let far = clusters(&far);
    assert_eq!(total(&far), all);
    assert!(far.len() < 10, "a few clusters from afar: {}", far.len());

    let near = clusters(
        &app.get(&format!("/map/clusters?bbox={REGION}&zoom=14"))
            .await,
    );
    assert_eq!(total(&near), all);
    assert!(near.len() > far.len(), "{} vs {}", near.len(), far.len());
    let lone = near
        .iter()
        .find(|c| c["count"] == 1)
        .expect("a lone message");
    let id = lone["first_id"].as_i64().unwrap();
    let page = app.get(&format!("/messages/{id}")).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "a lone marker links to a public message"
    );
    assert!(page.body.contains(lone["topic_name_ru"].as_str().unwrap()));
    // Nothing personal travels with a cluster.
    assert!(lone.get("author_id").is_none() && lone.get("text").is_none());
}

#[tokio::test]
async fn the_map_takes_the_lists_filters() {
    let app = TestApp::demo().await;
    let (topic, _, _) = app.topic_and_point().await;
    let expected = published(&app, Some(topic)).await;
    let filtered = clusters(
        &app.get(&format!("/map/clusters?bbox={REGION}&zoom=9&topic={topic}"))
            .await,
    );
    assert_eq!(total(&filtered), expected);

    let answered = clusters(
        &app.get(&format!(
            "/map/clusters?bbox={REGION}&zoom=9&status=answered,closed"
        ))
        .await,
    );
    let open = clusters(
        &app.get(&format!(
            "/map/clusters?bbox={REGION}&zoom=9&status=routed,in_progress,disputed"
        ))
        .await,
    );
    assert_eq!(total(&answered) + total(&open), published(&app, None).await);

    // The demo's history spreads over months before the test clock's day.
    let week = clusters(
        &app.get(&format!("/map/clusters?bbox={REGION}&zoom=9&period=7"))
            .await,
    );
    assert!(total(&week) < published(&app, None).await);

    let nowhere = clusters(&app.get("/map/clusters?bbox=10,10,11,11&zoom=9").await);
    assert!(nowhere.is_empty());
}

#[tokio::test]
async fn bad_map_parameters_get_problem_json_by_field() {
    let app = TestApp::demo().await;
    for (query, field) in [
        ("zoom=9", "bbox"),
        ("bbox=1,2,3&zoom=9", "bbox"),
        ("bbox=44,58,40,55&zoom=9", "bbox"),
        ("bbox=40,55,46,58", "zoom"),
        ("bbox=40,55,46,58&zoom=40", "zoom"),
        ("bbox=40,55,46,58&zoom=9&period=13", "period"),
    ] {
        let reply = app.get(&format!("/map/clusters?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.header(header::CONTENT_TYPE).contains("problem+json"));
        let fields: Vec<String> = reply.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert!(fields.contains(&field.to_owned()), "{query}: {fields:?}");
    }
}

#[tokio::test]
async fn without_javascript_the_map_page_is_the_list_of_the_same_results() {
    let app = TestApp::demo().await;
    let page = app.get("/map").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"public-map\""));
    assert!(page.body.contains("class=\"card\""), "cards listed");
    assert!(
        page.body.contains("rel=\"next\" href=\"/map?"),
        "pages through the list"
    );
    // The map opens on the region's box.
    let bounds = page
        .body
        .split("data-bounds=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(bounds.split(',').count(), 4);
    assert!(
        page.body
            .contains("data-tiles=\"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"")
    );
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .contains("img-src 'self' data: https://tile.openstreetmap.org")
    );

    // As the map moves, its script asks for the list of the box alone.
    let partial = app
        .send(
            axum::http::Request::get("/map?bbox=10,10,11,11")
                .header("HX-Request", "true")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(partial.status, StatusCode::OK);
    assert!(
        partial.body.starts_with("<div id=\"results\""),
        "{}",
        partial.body
    );
    assert!(partial.body.contains("Ничего не найдено"));
    assert!(!partial.body.contains("<html"));
}

#[tokio::test]
async fn the_list_filters_by_period_and_box_and_keeps_them_in_its_links() {
    let app = TestApp::demo().await;
    let all = app
        .get("/messages?limit=100")
        .await
        .body
        .matches("class=\"card\"")
        .count();
    let week = app.get("/messages?limit=100&period=7").await.body;
    assert!(week.matches("class=\"card\"").count() < all);
    assert!(week.contains("<option value=\"7\" selected>"));
    let boxed = app.get("/messages?limit=5&bbox=40,55,46,58").await.body;
    let next = boxed
        .split("rel=\"next\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(next.contains("bbox=40%2C55%2C46%2C58"), "{next}");
    let nowhere = app.get("/messages?bbox=10,10,11,11").await.body;
    assert!(nowhere.contains("Ничего не найдено"));
    // A category from the home page's links stays through the filter form.
    let category = app.get("/messages?category=1").await.body;
    assert!(category.contains("<option value=\"1\" selected>"));
    let bad = app.get("/messages?bbox=nonsense").await.body;
    assert!(
        bad.contains("Область карты"),
        "the error says what is wrong"
    );
}

#[tokio::test]
async fn the_maps_credit_speaks_the_pages_language_unless_the_operator_words_it() {
    let app = TestApp::demo().await;
    let russian = app.get("/map").await;
    assert!(
        russian
            .body
            .contains("data-attribution=\"© участники OpenStreetMap\"")
    );
    let english = app.get_with("/map", "lang=en").await;
    assert!(
        english
            .body
            .contains("data-attribution=\"© OpenStreetMap contributors\"")
    );

    let own =
        vmeste_web::tiles::Tiles::new("https://tiles.example/{z}/{x}/{y}.png", "© Карты края")
            .unwrap();
    let app = TestApp::demo_with(vmeste_web::WebSettings {
        tiles: own,
        ..vmeste_web::WebSettings::default()
    })
    .await;
    let page = app.get_with("/map", "lang=en").await;
    assert!(page.body.contains("data-attribution=\"© Карты края\""));
}
