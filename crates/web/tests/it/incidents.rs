//! Posts from social networks: a monitoring tool pushes them with a key of
//! the `incidents` scope, the regional centre turns one into a message or
//! dismisses it, and the tool learns the outcome, up to the answer's link.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use vmeste_db::Sql;
use vmeste_db::api_keys::{self, Scope};
use vmeste_domain::clock::Clock;

use crate::accounts::Browser;
use crate::common::{Reply, TestApp, first_topic_and_territory};
use crate::workspace::{org_id, route};

const HANDLE: &str = "@petrov_ivan";

/// `Bearer …` for a key of the demo's first organisation with `scopes`.
async fn key(app: &TestApp, scopes: &[Scope]) -> String {
    let mut tx = app.test.db.write().await.unwrap();
    let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
        .await
        .unwrap()
        .unwrap();
    let org: i64 = Sql::new("SELECT MIN(id) FROM organisations")
        .scalar(&mut tx.conn())
        .await
        .unwrap();
    let (_, secret) = api_keys::create(
        &mut tx.conn(),
        org,
        "monitoring",
        scopes,
        admin.id,
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    format!("Bearer {secret}")
}

async fn push(app: &TestApp, bearer: &str, body: &Value) -> Reply {
    app.send(
        Request::post("/api/v1/incidents")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, bearer)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn outcome(app: &TestApp, bearer: &str, id: i64) -> Reply {
    app.send(
        Request::get(format!("/api/v1/incidents/{id}"))
            .header(header::AUTHORIZATION, bearer)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn post(url: &str) -> Value {
    json!({
        "source": "vk",
        "url": url,
        "author_handle": HANDLE,
        "text": format!("Во дворе дома 3 на Садовой провал асфальта, машины бьют колёса. Снял {HANDLE}"),
        "posted_at": "2026-01-15T09:30:00+03:00",
        "lat": 56.405,
        "lon": 42.99,
        "photos": ["https://sun.userapi.example/photo1.jpg"]
    })
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new(sql).scalar(&mut handle.conn()).await.unwrap()
}

#[tokio::test]
async fn a_post_is_recorded_once_however_often_it_is_pushed() {
    let app = TestApp::demo().await;
    let tool = key(&app, &[Scope::Incidents]).await;
    let created = push(&app, &tool, &post("https://VK.com/wall-1_100#comments")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let body = created.json();
    let id = body["id"].as_i64().unwrap();
    assert_eq!(
        created.header(header::LOCATION),
        format!("/api/v1/incidents/{id}")
    );
    assert_eq!(body["status"], "new");
    assert_eq!(body["url"], "https://vk.com/wall-1_100", "normalised");
    assert!(
        body.get("author_handle").is_none(),
        "the handle is not echoed"
    );

    // The same post, spelled otherwise: the incident already recorded, no second row.
    let again = push(&app, &tool, &post("https://vk.com:443/wall-1_100")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json()["id"], id);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM incidents").await, 1);

    let read = outcome(&app, &tool, id).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["status"], "new");
    assert!(read.json().get("message").is_none());
    assert_eq!(
        outcome(&app, &tool, id + 100).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_bad_field_is_named_and_only_an_incidents_key_may_push() {
    let app = TestApp::demo().await;
    let tool = key(&app, &[Scope::Incidents]).await;
    let bad = push(
        &app,
        &tool,
        &json!({
            "source": "В контакте",
            "url": "ftp://vk.com/wall-1",
            "text": true,
            "posted_at": "вчера",
            "lat": 56.4,
            "photos": "https://a.example/1.jpg"
        }),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header(header::CONTENT_TYPE), "application/problem+json");
    let problem = bad.json();
    let fields: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("photos", "wrong_type"),
        ("text", "wrong_type"),
        ("source", "invalid_format"),
        ("url", "invalid_format"),
        ("author_handle", "required"),
        ("posted_at", "invalid_format"),
        ("lon", "required"),
    ];
    assert_eq!(
        fields,
        expected.map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{problem}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM incidents").await, 0);

    // The integrator's read-and-submit key, no key, a signed-in moderator: refused.
    let url = "https://vk.com/wall-1_1";
    assert_eq!(
        push(&app, &app.bearer, &post(url)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outcome(&app, &app.bearer, 1).await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = app
        .send(
            Request::post("/api/v1/incidents")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(post(url).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let session = app
        .send(
            Request::post("/api/v1/incidents")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, &moderator.cookies)
                .body(Body::from(post(url).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(session.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM incidents").await, 0);
}

/// Pushes a post and returns its incident's id.
async fn pushed(app: &TestApp, tool: &str, url: &str) -> i64 {
    let reply = push(app, tool, &post(url)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_moderator_turns_a_post_into_a_routed_message_and_the_tool_gets_the_answer_link() {
    let app = TestApp::demo().await;
    let tool = key(&app, &[Scope::Incidents]).await;
    let id = pushed(&app, &tool, "https://vk.com/wall-1_200").await;
    let (topic, territory) = first_topic_and_territory(&app.get("/report").await.body);

    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let queue = moderator.get("/staff/incidents?status=new&source=vk").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("/staff/incidents/{id}")));
    let page = moderator.get(&format!("/staff/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(HANDLE), "the moderator sees the author");
    assert!(page.body.contains("href=\"https://vk.com/wall-1_200\""));
    // The form starts from the post, its author taken out, its point in.
    let textarea = page.body.split("<textarea id=\"text\"").nth(1).unwrap();
    let prefilled = textarea
        .split('>')
        .nth(1)
        .unwrap()
        .split("</textarea")
        .next()
        .unwrap();
    assert!(prefilled.starts_with("Во дворе дома 3"), "{prefilled}");
    assert!(!prefilled.contains("petrov"), "{prefilled}");
    assert!(page.body.contains("value=\"56.405000\""));

    // Naming the author in the text is refused, the text kept.
    let convert = format!("/staff/incidents/{id}/convert");
    let named = format!("Пишет {HANDLE}: провал асфальта во дворе дома 3");
    let refused = moderator
        .post(
            &convert,
            &[
                ("topic_id", &topic),
                ("text", &named),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("личные данные"));
    assert!(refused.body.contains("провал асфальта во дворе дома 3"));
    let in_address = moderator
        .post(
            &convert,
            &[
                ("topic_id", &topic),
                ("text", "Провал асфальта во дворе дома 3 на Садовой"),
                ("address", "Садовая, 3 (petrov_ivan)"),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(in_address.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(in_address.body.contains("id=\"address-error\""));
    // Without a topic: the field's error, everything typed kept.
    let text = "Провал асфальта во дворе дома 3 на Садовой, машины бьют колёса";
    let no_topic = moderator
        .post(&convert, &[("text", text), ("territory_id", &territory)])
        .await;
    assert_eq!(no_topic.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_topic.body.contains(text));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM messages WHERE source = 'social'"
        )
        .await,
        0
    );

    let converted = moderator
        .post(
            &convert,
            &[
                ("topic_id", &topic),
                ("text", text),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(
        converted.status,
        StatusCode::SEE_OTHER,
        "{}",
        converted.body
    );
    let (message, status, author, public_text): (i64, String, Option<i64>, String) = {
        let mut handle = app.test.db.read().await.unwrap();
        let message: i64 = Sql::new("SELECT message_id FROM incidents WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        let topic_of: i64 = Sql::new("SELECT topic_id FROM messages WHERE id = $1")
            .bind(message)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        assert_eq!(topic_of.to_string(), topic, "the topic the moderator chose");
        let source: String = Sql::new("SELECT source FROM messages WHERE id = $1")
            .bind(message)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        assert_eq!(source, "social");
        (
            message,
            Sql::new("SELECT status FROM messages WHERE id = $1")
                .bind(message)
                .scalar(&mut handle.conn())
                .await
                .unwrap(),
            Sql::new("SELECT author_id FROM messages WHERE id = $1")
                .bind(message)
                .scalar(&mut handle.conn())
                .await
                .unwrap(),
            Sql::new("SELECT text FROM messages WHERE id = $1")
                .bind(message)
                .scalar(&mut handle.conn())
                .await
                .unwrap(),
        )
    };
    assert_eq!((status.as_str(), author), ("moderation", None));
    assert!(!public_text.contains("petrov"));
    let page = moderator.get(&format!("/staff/incidents/{id}")).await;
    assert!(page.body.contains(&format!("/staff/messages/{message}")));
    assert!(!page.body.contains(&convert), "decided: no more forms");
    // Decided once: a second conversion changes nothing.
    let twice = moderator
        .post(
            &convert,
            &[
                ("topic_id", &topic),
                ("text", text),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM messages WHERE source = 'social'"
        )
        .await,
        1
    );

    let read = outcome(&app, &tool, id).await.json();
    assert_eq!(read["status"], "converted");
    let number = read["message"]["number"].as_str().unwrap().to_owned();
    assert_eq!(
        read["message"]["url"],
        format!("http://127.0.0.1:8080/messages/{message}")
    );
    assert!(read["message"]["answer_url"].is_null());

    // The usual path on: the moderator routes it, the road committee answers.
    route(&mut moderator, message, org_id(&app, "city-roads").await).await;
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let answered = executor
        .post(
            &format!("/staff/messages/{message}/act"),
            &[
                ("command", "answer"),
                ("text", "Провал заделан, асфальт уложен."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let read = outcome(&app, &tool, id).await.json();
    assert_eq!(read["message"]["number"], number.as_str());
    assert_eq!(read["message"]["status"], "answered");
    let answer_url = read["message"]["answer_url"].as_str().unwrap();
    let anchor = answer_url
        .strip_prefix(&format!("http://127.0.0.1:8080/messages/{message}#"))
        .unwrap_or_else(|| panic!("{answer_url}"));
    let public = app.get(&format!("/messages/{message}")).await;
    assert!(
        public.body.contains(&format!("id=\"{anchor}\"")),
        "the link's anchor is on the page"
    );
    assert!(public.body.contains("Провал заделан"));
    assert!(
        !public.body.contains("petrov"),
        "no author handle on public pages"
    );
    let api = app.get(&format!("/api/v1/messages/{message}")).await;
    assert!(!api.body.contains("petrov"));
}

#[tokio::test]
async fn a_moderator_dismisses_a_post_with_a_reason_and_others_may_not_touch_the_queue() {
    let app = TestApp::demo().await;
    let tool = key(&app, &[Scope::Incidents]).await;
    let waiting = pushed(&app, &tool, "https://t.me/city_chat/500").await;
    let id = pushed(&app, &tool, "https://t.me/city_chat/501").await;
    let dismiss = format!("/staff/incidents/{id}/dismiss");

    // Staff without the moderation right, and residents, are refused.
    for (email, expected) in [
        ("executor@demo.vmeste.example", StatusCode::FORBIDDEN),
        ("orgadmin@demo.vmeste.example", StatusCode::FORBIDDEN),
        ("resident@demo.vmeste.example", StatusCode::FORBIDDEN),
    ] {
        let mut other = Browser::new(&app);
        other.sign_in(email, "vmeste-demo").await;
        assert_eq!(
            other.get("/staff/incidents").await.status,
            expected,
            "{email}"
        );
        assert_eq!(
            other.get(&format!("/staff/incidents/{id}")).await.status,
            expected,
            "{email}"
        );
        let tried = other.post(&dismiss, &[("reason", "не наше")]).await;
        assert_eq!(tried.status, expected, "{email}");
    }
    assert_eq!(outcome(&app, &tool, id).await.json()["status"], "new");

    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let empty = moderator.post(&dismiss, &[("reason", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Напишите причину"));
    let dismissed = moderator
        .post(&dismiss, &[("reason", "Реклама, а не проблема")])
        .await;
    assert_eq!(dismissed.status, StatusCode::SEE_OTHER);
    let read = outcome(&app, &tool, id).await.json();
    assert_eq!(read["status"], "dismissed");
    assert_eq!(read["dismiss_reason"], "Реклама, а не проблема");
    let listed = moderator.get("/staff/incidents?status=dismissed").await;
    assert!(listed.body.contains(&format!("/staff/incidents/{id}\"")));
    let none = moderator.get("/staff/incidents?status=new").await;
    assert!(!none.body.contains(&format!("/staff/incidents/{id}\"")));
    // Unfiltered, what still waits comes first, though older.
    let all = moderator.get("/staff/incidents").await.body;
    let position = |incident: i64| all.find(&format!("/staff/incidents/{incident}\"")).unwrap();
    assert!(position(waiting) < position(id));
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.dismiss'",
    )
    .await;
    assert_eq!(audited, 1);
}
