use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::common::TestApp;

fn fields(problem: &serde_json::Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_valid_message_is_created_and_can_be_read_back() {
    let app = TestApp::demo().await;
    let (topic, lat, lon) = app.topic_and_point().await;
    let body = json!({"topic_id": topic, "text": "Большая яма у остановки, машины объезжают по встречке", "lat": lat, "lon": lon, "address": "ул. Садовая, д. 3"});
    let created = app.post_json("/api/v1/messages", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let m = created.json();
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        created.header(header::LOCATION),
        format!("/api/v1/messages/{id}")
    );
    assert!(m["number"].as_str().unwrap().starts_with("В-2026-"));
    assert_eq!(m["status"], "moderation");
    assert_eq!(m["status_label"], "На модерации");
    assert_eq!(m["text"], body["text"]);
    assert_eq!(m["location"]["address"], "ул. Садовая, д. 3");
    assert!(m["organisation"]["id"].as_i64().is_some(), "routed: {m}");
    assert!(m["due_date"].as_str().unwrap() > "2026-03-16");
    // Until moderated, the public sees the message without its text.
    let shown = app.get(&format!("/api/v1/messages/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    let shown = shown.json();
    assert_eq!(shown["published"], false);
    assert!(shown["text"].is_null());
    assert_eq!(shown["history"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn every_bad_field_is_named_in_one_problem() {
    let app = TestApp::demo().await;
    let reply = app.post_json("/api/v1/messages", &json!({})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "application/problem+json"
    );
    let problem = reply.json();
    assert_eq!(problem["code"], "validation_failed");
    assert_eq!(problem["status"], 422);
    let got = fields(&problem);
    for expected in [
        ("topic_id", "required"),
        ("text", "required"),
        ("location", "required"),
    ] {
        assert!(
            got.contains(&(expected.0.into(), expected.1.into())),
            "{got:?}"
        );
    }
    let reply = app
        .post_json(
            "/api/v1/messages",
            &json!({"topic_id": [1], "text": "коротко", "lat": "abc", "lon": 500}),
        )
        .await;
    let got = fields(&reply.json());
    for expected in [
        ("topic_id", "wrong_type"),
        ("text", "too_short"),
        ("lat", "not_a_number"),
        ("lon", "out_of_range"),
    ] {
        assert!(
            got.contains(&(expected.0.into(), expected.1.into())),
            "{got:?}"
        );
    }
}

#[tokio::test]
async fn place_and_topic_are_checked_against_the_region() {
    let app = TestApp::demo().await;
    let (topic, lat, lon) = app.topic_and_point().await;
    let text = "Не работает освещение во дворе уже неделю";
    let outside = app
        .post_json(
            "/api/v1/messages",
            &json!({"topic_id": topic, "text": text, "lat": 10.0, "lon": 10.0}),
        )
        .await;
    assert_eq!(
        fields(&outside.json()),
        [("location".to_string(), "outside_region".to_string())]
    );
    let unknown = app
        .post_json(
            "/api/v1/messages",
            &json!({"topic_id": 999_999, "text": text, "lat": lat, "lon": lon}),
        )
        .await;
    assert_eq!(
        fields(&unknown.json()),
        [("topic_id".to_string(), "unknown_topic".to_string())]
    );
    let long = "я".repeat(4001);
    let too_long = app
        .post_json(
            "/api/v1/messages",
            &json!({"topic_id": topic, "text": long, "lat": lat, "lon": lon}),
        )
        .await;
    let problem = too_long.json();
    assert_eq!(problem["errors"][0]["limit"], 4000);
}

#[tokio::test]
async fn errors_speak_the_callers_language() {
    let app = TestApp::demo().await;
    let request = |lang: &str| {
        Request::post("/api/v1/messages")
            .header(header::AUTHORIZATION, &app.bearer)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::from("{}"))
            .unwrap()
    };
    let en = app.send(request("en-GB,en;q=0.9")).await.json();
    assert_eq!(en["title"], "The data did not pass validation");
    assert_eq!(en["errors"][1]["message"], "This field is required.");
    let ru = app.send(request("ru-RU")).await.json();
    assert_eq!(ru["title"], "Данные не прошли проверку");
}

#[tokio::test]
async fn malformed_bodies_are_problems_not_crashes() {
    let app = TestApp::demo().await;
    let broken = app
        .send(
            Request::post("/api/v1/messages")
                .header(header::AUTHORIZATION, &app.bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"text\":"))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.json()["code"], "malformed_request");
    let no_type = app
        .send(
            Request::post("/api/v1/messages")
                .header(header::AUTHORIZATION, &app.bearer)
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(no_type.json()["code"], "unsupported_media_type");
    let huge = app
        .send(
            Request::post("/api/v1/messages")
                .header(header::AUTHORIZATION, &app.bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(
                    "{{\"text\":\"{}\"}}",
                    "a".repeat(2 * 1024 * 1024)
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_list_pages_by_cursor_and_filters() {
    let app = TestApp::demo().await;
    let first = app.get("/api/v1/messages?limit=5").await;
    assert_eq!(first.status, StatusCode::OK);
    let first = first.json();
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/messages?limit=5&cursor={cursor}"))
        .await
        .json();
    let first_ids: Vec<i64> = items.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let second_ids: Vec<i64> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(
        first_ids.iter().min() > second_ids.iter().max(),
        "{first_ids:?} then {second_ids:?}"
    );
    let closed = app
        .get("/api/v1/messages?status=closed&limit=100")
        .await
        .json();
    assert!(
        closed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "closed")
    );
    let pending = app.get("/api/v1/messages?status=moderation").await.json();
    assert!(
        pending["items"].as_array().unwrap().is_empty(),
        "unmoderated messages are not listed"
    );
    let topic = items[0]["topic"]["id"].as_i64().unwrap();
    let by_topic = app
        .get(&format!("/api/v1/messages?topic={topic}&limit=100"))
        .await
        .json();
    assert!(
        by_topic["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["topic"]["id"] == topic)
    );
    let organisation = items[0]["organisation"]["id"].as_i64().unwrap();
    let by_org = app
        .get(&format!(
            "/api/v1/messages?organisation={organisation}&limit=100"
        ))
        .await
        .json();
    assert!(
        by_org["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["organisation"]["id"] == organisation)
    );
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = TestApp::demo().await;
    let reply = app
        .get("/api/v1/messages?limit=1000&status=lost&topic=x&cursor=-3")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let problem = reply.json();
    assert_eq!(problem["code"], "invalid_parameters");
    let got = fields(&problem);
    for expected in [
        ("status", "unknown_value"),
        ("topic", "not_a_number"),
        ("cursor", "not_a_number"),
        ("limit", "out_of_range"),
    ] {
        assert!(
            got.contains(&(expected.0.into(), expected.1.into())),
            "{got:?}"
        );
    }
}

#[tokio::test]
async fn a_published_message_shows_its_history_and_unknown_ids_are_404() {
    let app = TestApp::demo().await;
    let page = app
        .get("/api/v1/messages?status=closed&limit=1")
        .await
        .json();
    let id = page["items"][0]["id"].as_i64().unwrap();
    let m = app.get(&format!("/api/v1/messages/{id}")).await.json();
    assert_eq!(m["published"], true);
    assert!(m["text"].as_str().unwrap().len() > 10);
    let history = m["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["to_status"], "closed");
    assert_eq!(history.last().unwrap()["label"], "Закрыто");
    let missing = app.get("/api/v1/messages/987654321").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "not_found");
    let garbage = app.get("/api/v1/messages/abc").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.json()["code"], "malformed_request");
    let nowhere = app.get("/api/v1/nowhere").await;
    assert_eq!(
        (nowhere.status, nowhere.header(header::CONTENT_TYPE)),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
    let wrong_method = app
        .send(
            Request::delete("/api/v1/messages")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn rejected_messages_are_not_public() {
    let app = TestApp::demo().await;
    let mut handle = app.test.db.read().await.unwrap();
    let id: i64 = vmeste_db::Sql::new("SELECT id FROM messages WHERE status = $1 LIMIT 1")
        .bind("rejected")
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/messages/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_catalogue_and_organisations_are_served() {
    let app = TestApp::demo().await;
    let catalogue = app.get("/api/v1/catalogue").await.json();
    let categories = catalogue["categories"].as_array().unwrap();
    assert!(categories.len() >= 26);
    let topics: usize = categories
        .iter()
        .map(|c| c["topics"].as_array().unwrap().len())
        .sum();
    assert!(topics >= 229, "{topics} active topics");
    let topic = &categories[0]["topics"][0];
    for key in [
        "id",
        "name_ru",
        "name_en",
        "deadline_days",
        "deadline_kind",
        "dispute_window_days",
        "priority",
    ] {
        assert!(!topic[key].is_null(), "topic lacks {key}: {topic}");
    }
    let organisations = app.get("/api/v1/organisations").await.json();
    let items = organisations["items"].as_array().unwrap();
    assert!(items.len() >= 40);
    assert!(
        items
            .iter()
            .any(|o| !o["territory_ids"].as_array().unwrap().is_empty())
    );
    assert!(
        items
            .iter()
            .all(|o| o["kind"].is_string() && o["name_ru"].is_string())
    );
}

#[tokio::test]
async fn public_responses_carry_no_personal_data_of_residents() {
    #[derive(sqlx::FromRow)]
    struct Person {
        email: Option<String>,
        name: String,
        phone: Option<String>,
    }
    let app = TestApp::demo().await;
    let mut handle = app.test.db.read().await.unwrap();
    let residents: Vec<Person> = vmeste_db::Sql::new(
        "SELECT email, name, phone FROM users WHERE id IN (SELECT author_id FROM messages)",
    )
    .fetch_all(&mut handle.conn())
    .await
    .unwrap();
    assert!(!residents.is_empty());
    let mut pages = vec![
        app.get("/api/v1/messages?limit=100").await.body,
        app.get("/").await.body,
        app.get("/messages?limit=100").await.body,
    ];
    let list = app.get("/api/v1/messages?limit=20").await.json();
    for m in list["items"].as_array().unwrap() {
        let id = m["id"].as_i64().unwrap();
        pages.push(app.get(&format!("/api/v1/messages/{id}")).await.body);
        pages.push(app.get(&format!("/messages/{id}")).await.body);
    }
    for page in &pages {
        for person in &residents {
            for secret in [
                person.email.as_deref(),
                Some(person.name.as_str()),
                person.phone.as_deref(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(!page.contains(secret), "a public page shows {secret:?}");
            }
        }
    }
}

#[tokio::test]
async fn intake_is_rate_limited_per_client_with_retry_after() {
    let app = TestApp::demo().await;
    let limit = vmeste_web::RateLimits::default().intake_per_minute;
    for _ in 0..limit {
        assert_eq!(
            app.post_json("/api/v1/messages", &json!({})).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = app.post_json("/api/v1/messages", &json!({})).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.json()["code"], "too_many_requests");
    let wait: u64 = refused.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another client is not affected.
    let mut request = Request::post("/api/v1/messages")
        .header(header::AUTHORIZATION, &app.bearer)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [10, 0, 0, 7],
            40000,
        ))));
    assert_eq!(
        app.send(request).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn one_key_is_limited_across_client_addresses() {
    let app = TestApp::demo_with(vmeste_web::WebSettings {
        rate_limits: vmeste_web::RateLimits {
            intake_per_account_per_hour: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let from =
        |last: u8| {
            let mut request = Request::post("/api/v1/messages")
                .header(header::AUTHORIZATION, &app.bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([10, 0, 0, last], 40000)),
            ));
            request
        };
    for last in 1..=3 {
        assert_eq!(
            app.send(from(last)).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = app.send(from(4)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!refused.header(header::RETRY_AFTER).is_empty());
}
