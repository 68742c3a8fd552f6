//! `Idempotency-Key` on the API's POSTs: a retry gets the first answer and
//! never acts twice.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use vmeste_db::idempotency;
use vmeste_domain::clock::Clock;

use crate::common::{Reply, TestApp};

async fn message_count(app: &TestApp) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    vmeste_db::messages::count(&mut handle.conn())
        .await
        .unwrap()
}

async fn post(app: &TestApp, bearer: &str, key: &str, body: &serde_json::Value) -> Reply {
    app.send(
        Request::post("/api/v1/messages")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, bearer)
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn valid_body(app: &TestApp, text: &str) -> serde_json::Value {
    let (topic, lat, lon) = app.topic_and_point().await;
    json!({"topic_id": topic, "text": text, "lat": lat, "lon": lon})
}

/// A second integrator's key, of another organisation.
async fn other_bearer(app: &TestApp) -> String {
    let mut tx = app.test.db.write().await.unwrap();
    let orgs = vmeste_db::organisations::list(&mut tx.conn())
        .await
        .unwrap();
    let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
        .await
        .unwrap()
        .unwrap();
    let scopes = [vmeste_db::api_keys::Scope::Submit];
    let (_, secret) = vmeste_db::api_keys::create(
        &mut tx.conn(),
        orgs[1].id,
        "other",
        &scopes,
        admin.id,
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    format!("Bearer {secret}")
}

#[tokio::test]
async fn a_retried_post_creates_one_message_and_replays_the_answer() {
    let app = TestApp::demo().await;
    let body = valid_body(&app, "Сломана скамейка у подъезда, торчат гвозди").await;
    let before = message_count(&app).await;
    let first = post(&app, &app.bearer, "retry-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(
        first.header(header::HeaderName::from_static("idempotent-replayed")),
        ""
    );
    let again = post(&app, &app.bearer, "retry-1", &body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body);
    assert_eq!(
        again.header(header::LOCATION),
        first.header(header::LOCATION)
    );
    assert_eq!(again.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(
        again.header(header::HeaderName::from_static("idempotent-replayed")),
        "true"
    );
    assert_eq!(message_count(&app).await, before + 1);
    // Without a key, a repeat is a new message.
    assert_eq!(
        app.post_json("/api/v1/messages", &body).await.status,
        StatusCode::CREATED
    );
    assert_eq!(message_count(&app).await, before + 2);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_refused() {
    let app = TestApp::demo().await;
    let body = valid_body(&app, "Не вывезли мусор с контейнерной площадки").await;
    assert_eq!(
        post(&app, &app.bearer, "k-2", &body).await.status,
        StatusCode::CREATED
    );
    let mut changed = body.clone();
    changed["text"] = json!("Не вывезли мусор с контейнерной площадки, уже неделю");
    let reused = post(&app, &app.bearer, "k-2", &changed).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reused.header(header::CONTENT_TYPE),
        "application/problem+json"
    );
    assert_eq!(reused.json()["code"], "idempotency_key_reused");
    // Errors are answers too: a retried invalid request gets the same problem.
    let invalid = post(&app, &app.bearer, "k-3", &json!({})).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let invalid_again = post(&app, &app.bearer, "k-3", &json!({})).await;
    assert_eq!(invalid_again.body, invalid.body);
    assert_eq!(
        invalid_again.header(header::HeaderName::from_static("idempotent-replayed")),
        "true"
    );
    for bad in ["", "with space", &"x".repeat(256), "ключ"] {
        let request = Request::post("/api/v1/messages")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, &app.bearer)
            .header(
                "idempotency-key",
                header::HeaderValue::from_bytes(bad.as_bytes()).unwrap(),
            )
            .body(Body::from(body.to_string()))
            .unwrap();
        let refused = app.send(request).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(refused.json()["code"], "invalid_idempotency_key");
    }
}

#[tokio::test]
async fn keys_of_different_callers_do_not_collide() {
    let app = TestApp::demo().await;
    let other = other_bearer(&app).await;
    let body = valid_body(&app, "Яма на дороге у школы, глубокая").await;
    let before = message_count(&app).await;
    let mine = post(&app, &app.bearer, "shared-key", &body).await;
    let theirs = post(&app, &other, "shared-key", &body).await;
    assert_eq!(
        (mine.status, theirs.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_ne!(mine.json()["id"], theirs.json()["id"]);
    assert_eq!(
        theirs.header(header::HeaderName::from_static("idempotent-replayed")),
        ""
    );
    assert_eq!(message_count(&app).await, before + 2);
}

#[tokio::test]
async fn a_duplicate_while_the_first_runs_is_refused_with_409() {
    let app = TestApp::demo().await;
    let body = valid_body(&app, "Не горит фонарь у дома номер пять").await;
    let key_id = {
        let mut handle = app.test.db.read().await.unwrap();
        let secret = app.bearer.trim_start_matches("Bearer ");
        vmeste_db::api_keys::by_secret(&mut handle.conn(), secret)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    // The first request's claim, as the middleware makes it before running it.
    let principal = format!("key:{key_id}");
    let hash = idempotency::fingerprint([body.to_string().as_bytes()]);
    let claim = idempotency::Claim {
        principal: &principal,
        key: "slow",
        method: "POST",
        path: "/api/v1/messages",
        request_hash: &hash,
    };
    let mut tx = app.test.db.write().await.unwrap();
    let begun = idempotency::begin(&mut tx.conn(), &claim, app.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(begun, idempotency::Begun::Claimed { .. }));
    let before = message_count(&app).await;
    let duplicate = post(&app, &app.bearer, "slow", &body).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    assert_eq!(duplicate.json()["code"], "idempotency_key_in_use");
    assert_eq!(message_count(&app).await, before);
    // A claim whose request died is taken over after a while.
    app.clock.advance(chrono::Duration::minutes(6));
    assert_eq!(
        post(&app, &app.bearer, "slow", &body).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn keys_expire_after_a_day_and_are_purged() {
    let app = TestApp::demo().await;
    let body = valid_body(&app, "Разбит асфальт на тротуаре у аптеки").await;
    let before = message_count(&app).await;
    let first = post(&app, &app.bearer, "daily", &body).await;
    app.clock.advance(chrono::Duration::hours(23));
    let replayed = post(&app, &app.bearer, "daily", &body).await;
    assert_eq!(replayed.body, first.body);
    assert_eq!(message_count(&app).await, before + 1);
    app.clock.advance(chrono::Duration::hours(2));
    let fresh = post(&app, &app.bearer, "daily", &body).await;
    assert_eq!(fresh.status, StatusCode::CREATED);
    assert_ne!(fresh.json()["id"], first.json()["id"]);
    assert_eq!(message_count(&app).await, before + 2);
    // The daily maintenance drops what is older than a day.
    post(&app, &app.bearer, "another", &body).await;
    app.clock.advance(chrono::Duration::hours(25));
    let mut tx = app.test.db.write().await.unwrap();
    let purged = idempotency::purge(&mut tx.conn(), app.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(purged, 2);
}
