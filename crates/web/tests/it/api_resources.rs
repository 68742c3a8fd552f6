//! The API beyond submitting and listing: the caller, a resident's own
//! messages, the staff inbox, history, following, files, and the
//! catalogue's, organisations' and territories' single resources.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use vmeste_db::Sql;

use crate::common::{Reply, TestApp};

const JPEG: &[u8] = include_bytes!("../../../test-support/fixtures/gps-rotated.jpg");

fn ids(reply: &Reply) -> Vec<i64> {
    reply.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new(sql)
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

async fn org(app: &TestApp, slug: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new("SELECT id FROM organisations WHERE slug = $1")
        .bind(slug)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

/// A multipart body of `file` parts, with its boundary.
fn multipart(boundary: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    id: i64,
    boundary: &str,
    files: &[(&str, &[u8])],
    key: Option<&str>,
) -> Reply {
    let mut request = Request::post(format!("/api/v1/messages/{id}/attachments"))
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    app.send(
        request
            .body(Body::from(multipart(boundary, files)))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn me_names_the_caller_without_secrets() {
    let app = TestApp::demo().await;
    let keyed = app.call("GET", "/api/v1/me", &app.bearer, None).await;
    assert_eq!(keyed.status, StatusCode::OK, "{}", keyed.body);
    let me = keyed.json();
    assert!(me["user"].is_null());
    assert_eq!(me["api_key"]["scopes"], json!(["read", "submit"]));
    assert!(
        me["api_key"]["prefix"]
            .as_str()
            .unwrap()
            .starts_with("vmk_")
    );
    assert!(
        !keyed
            .body
            .contains(app.bearer.trim_start_matches("Bearer "))
    );
    assert!(!keyed.body.contains("hash"));
    let (_, cookie) = app.session_of("head@demo.vmeste.example").await;
    let me = app.call("GET", "/api/v1/me", &cookie, None).await.json();
    assert_eq!(me["user"]["email"], "head@demo.vmeste.example");
    assert_eq!(me["user"]["roles"][0]["role"], "head");
    assert!(me["api_key"].is_null());
    let nobody = app.get("/api/v1/me").await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.json()["code"], "unauthorized");
}

#[tokio::test]
async fn a_resident_pages_through_their_own_messages_with_the_whole_text() {
    let app = TestApp::demo().await;
    let author = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT author_id FROM messages WHERE author_id IS NOT NULL \
             GROUP BY author_id ORDER BY COUNT(*) DESC LIMIT 1",
        )
        .scalar::<i64>(&mut handle.conn())
        .await
        .unwrap()
    };
    let email = {
        let mut handle = app.test.db.read().await.unwrap();
        vmeste_db::users::by_id(&mut handle.conn(), author)
            .await
            .unwrap()
            .unwrap()
            .email
            .unwrap()
    };
    let (_, cookie) = app.session_of(&email).await;
    let total = scalar(
        &app,
        "SELECT COUNT(*) FROM messages WHERE author_id = $1",
        author,
    )
    .await;
    assert!(total >= 2, "{total}");
    let mut seen = Vec::new();
    let mut uri = "/api/v1/me/messages?limit=1".to_owned();
    loop {
        let page = app.call("GET", &uri, &cookie, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        seen.extend(ids(&page));
        let json = page.json();
        assert!(
            json["items"][0]["text"].is_string(),
            "the author reads every text"
        );
        match json["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/v1/me/messages?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, total);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
    // Keys have no messages of their own; nobody signed in is refused.
    assert_eq!(
        app.call("GET", "/api/v1/me/messages", &app.bearer, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let bad = app
        .call("GET", "/api/v1/me/messages?limit=0", &cookie, None)
        .await;
    assert_eq!(bad.json()["code"], "invalid_parameters");
}

#[tokio::test]
async fn the_inbox_holds_only_the_callers_organisations_and_checks_its_filters() {
    let app = TestApp::demo().await;
    let roads = org(&app, "city-roads").await;
    let (_, head) = app.session_of("head@demo.vmeste.example").await;
    let inbox = app
        .call("GET", "/api/v1/inbox?status=in_progress", &head, None)
        .await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    let items = inbox.json()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty());
    for item in &items {
        let id = item["id"].as_i64().unwrap();
        let of = scalar(
            &app,
            "SELECT organisation_id FROM messages WHERE id = $1",
            id,
        )
        .await;
        assert_eq!(of, roads, "{item}");
        assert_eq!(item["status"], "in_progress");
    }
    let expected = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT COUNT(*) FROM messages WHERE organisation_id = $1 AND status = 'in_progress'",
        )
        .bind(roads)
        .scalar::<i64>(&mut handle.conn())
        .await
        .unwrap()
    };
    assert_eq!(items.len() as i64, expected.min(200));
    // No resident's personal data on an inbox line.
    assert!(
        items
            .iter()
            .all(|i| i.get("author").is_none() && i.get("email").is_none())
    );
    let bad = app
        .call(
            "GET",
            "/api/v1/inbox?status=lost&due=someday&topic=x",
            &head,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["status", "due", "topic"]);
    let (_, analyst) = app.session_of("analyst@demo.vmeste.example").await;
    assert_eq!(
        app.call("GET", "/api/v1/inbox", &analyst, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call("GET", "/api/v1/inbox", &app.bearer, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn history_shows_staff_everything_and_the_public_its_public_steps() {
    let app = TestApp::demo().await;
    let roads = org(&app, "city-roads").await;
    let id = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT MIN(id) FROM messages WHERE organisation_id = $1 AND status = 'closed' AND public = $2",
        )
        .bind(roads)
        .bind(true)
        .scalar::<i64>(&mut handle.conn())
        .await
        .unwrap()
    };
    let uri = format!("/api/v1/messages/{id}/history");
    let public = app.get(&uri).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let public = public.json();
    assert!(
        public["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["public"] == true)
    );
    assert_eq!(public["comments"], json!([]));
    let (_, head) = app.session_of("head@demo.vmeste.example").await;
    let audits_before = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE object_id = $1",
        id,
    )
    .await;
    let staff = app.call("GET", &uri, &head, None).await.json();
    let all = scalar(
        &app,
        "SELECT COUNT(*) FROM message_events WHERE message_id = $1",
        id,
    )
    .await;
    assert_eq!(staff["events"].as_array().unwrap().len() as i64, all);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE object_id = $1",
            id
        )
        .await,
        audits_before + 1,
        "the staff's look is audited"
    );
    let hidden = scalar(
        &app,
        "SELECT MIN(id) FROM messages WHERE status = 'rejected' AND id > $1",
        0,
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/messages/{hidden}/history"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_resident_follows_and_unfollows_through_the_api() {
    let app = TestApp::demo().await;
    let (me, cookie) = app.session_of("resident@demo.vmeste.example").await;
    let id = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT id FROM messages WHERE status = 'in_progress' AND public = $1 \
             AND (author_id IS NULL OR author_id <> $2) ORDER BY id LIMIT 1",
        )
        .bind(true)
        .bind(me)
        .scalar::<i64>(&mut handle.conn())
        .await
        .unwrap()
    };
    let uri = format!("/api/v1/messages/{id}/follow");
    // Another site's page cannot act with the resident's session.
    let cross_site = Request::post(&uri)
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(cross_site).await.status, StatusCode::FORBIDDEN);
    let followed = app.call("POST", &uri, &cookie, None).await;
    assert_eq!(followed.status, StatusCode::OK, "{}", followed.body);
    assert_eq!(followed.json()["following"], true);
    let followers = |reply: &Reply| reply.json()["followers"].as_i64().unwrap();
    let counted = "SELECT COUNT(*) FROM message_followers WHERE message_id = $1";
    assert_eq!(scalar(&app, counted, id).await, followers(&followed));
    let stopped = app.call("DELETE", &uri, &cookie, None).await;
    assert_eq!(stopped.json()["following"], false);
    assert_eq!(scalar(&app, counted, id).await, followers(&stopped));
    assert_eq!(followers(&stopped), followers(&followed) - 1);
    let rejected = scalar(
        &app,
        "SELECT MIN(id) FROM messages WHERE status = 'rejected' AND id > $1",
        0,
    )
    .await;
    assert_eq!(
        app.call(
            "POST",
            &format!("/api/v1/messages/{rejected}/follow"),
            &cookie,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_author_adds_photos_and_the_staff_add_documents() {
    let app = TestApp::demo().await;
    let (me, cookie) = app.session_of("resident@demo.vmeste.example").await;
    let (topic, lat, lon) = app.topic_and_point().await;
    let created = app
        .call(
            "POST",
            "/api/v1/messages",
            &cookie,
            Some(&json!({"topic_id": topic, "text": "Упало дерево на детскую площадку", "lat": lat, "lon": lon})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        scalar(&app, "SELECT author_id FROM messages WHERE id = $1", id).await,
        me
    );

    let sent = upload(
        &app,
        &cookie,
        id,
        "b-1",
        &[("IMG_1.jpg", JPEG)],
        Some("photo-1"),
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let photo = &sent.json()["items"][0];
    assert_eq!(photo["kind"], "photo");
    assert_eq!(photo["content_type"], "image/jpeg");
    // A retry with the same key and file, in another multipart boundary, adds nothing.
    let again = upload(
        &app,
        &cookie,
        id,
        "b-2",
        &[("IMG_1.jpg", JPEG)],
        Some("photo-1"),
    )
    .await;
    assert_eq!(again.body, sent.body);
    assert_eq!(
        again.header(header::HeaderName::from_static("idempotent-replayed")),
        "true"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM attachments WHERE message_id = $1",
            id
        )
        .await,
        1
    );
    let mine = app
        .call(
            "GET",
            &format!("/api/v1/messages/{id}/attachments"),
            &cookie,
            None,
        )
        .await;
    assert_eq!(ids(&mine).len(), 1);
    // Not yet published: the public sees no photo.
    let public = app.get(&format!("/api/v1/messages/{id}/attachments")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(ids(&public).is_empty());

    let text = upload(
        &app,
        &cookie,
        id,
        "b-3",
        &[("photo.jpg", b"not a picture at all")],
        None,
    )
    .await;
    assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(text.json()["errors"][0]["field"], "file");
    let five: Vec<(&str, &[u8])> = (0..5).map(|_| ("p.jpg", JPEG)).collect();
    let too_many = upload(&app, &cookie, id, "b-4", &five, None).await;
    assert_eq!(too_many.json()["errors"][0]["code"], "too_many");
    let json_body = app
        .call(
            "POST",
            &format!("/api/v1/messages/{id}/attachments"),
            &cookie,
            Some(&json!({})),
        )
        .await;
    assert_eq!(json_body.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Staff who answer the case add documents; they wait for the answer.
    let roads = org(&app, "city-roads").await;
    let theirs = {
        let mut tx = app.test.db.write().await.unwrap();
        Sql::new("UPDATE messages SET organisation_id = $1 WHERE id = $2")
            .bind(roads)
            .bind(id)
            .execute(&mut tx.conn())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let (_, executor) = app.session_of("executor@demo.vmeste.example").await;
    let document = upload(
        &app,
        &executor,
        theirs,
        "b-5",
        &[("ответ.pdf", b"%PDF-1.7\n%%EOF")],
        None,
    )
    .await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.body);
    let document = &document.json()["items"][0];
    assert_eq!(
        (document["kind"].as_str(), document["published"].as_bool()),
        (Some("answer"), Some(false))
    );
    assert_eq!(document["filename"], "ответ.pdf");
    let author_view = app
        .call(
            "GET",
            &format!("/api/v1/messages/{id}/attachments"),
            &cookie,
            None,
        )
        .await;
    assert_eq!(
        ids(&author_view).len(),
        1,
        "the unsent document is not the author's yet"
    );
    let staff_view = app
        .call(
            "GET",
            &format!("/api/v1/messages/{id}/attachments"),
            &executor,
            None,
        )
        .await;
    assert_eq!(ids(&staff_view).len(), 2);
    // Others may not add files.
    let (_, analyst) = app.session_of("analyst@demo.vmeste.example").await;
    let refused = upload(&app, &analyst, id, "b-6", &[("x.pdf", b"%PDF-1.7")], None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn single_resources_and_staff_lists() {
    let app = TestApp::demo().await;
    let catalogue = app.get("/api/v1/catalogue").await.json();
    let topic = catalogue["categories"][0]["topics"][0]["id"]
        .as_i64()
        .unwrap();
    let shown = app.get(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.json()["id"], topic);
    assert_eq!(
        app.get("/api/v1/topics/999999").await.json()["code"],
        "not_found"
    );

    let territories = app.get("/api/v1/territories").await.json();
    let first = &territories["items"][0];
    let one = app
        .get(&format!("/api/v1/territories/{}", first["id"]))
        .await
        .json();
    assert_eq!(one["name_ru"], first["name_ru"]);
    assert!(one.get("geometry").is_none());
    assert_eq!(
        app.get("/api/v1/territories/999999").await.status,
        StatusCode::NOT_FOUND
    );

    let roads = org(&app, "city-roads").await;
    let organisation = app
        .get(&format!("/api/v1/organisations/{roads}"))
        .await
        .json();
    assert_eq!(organisation["slug"], "city-roads");
    assert!(organisation["territory_ids"].is_array());

    // Staff lists only for those who manage the organisation's staff.
    let admin_org = org(&app, "city-admin").await;
    let (_, orgadmin) = app.session_of("orgadmin@demo.vmeste.example").await;
    let staff = app
        .call(
            "GET",
            &format!("/api/v1/organisations/{admin_org}/staff"),
            &orgadmin,
            None,
        )
        .await;
    assert_eq!(staff.status, StatusCode::OK, "{}", staff.body);
    let members = staff.json()["items"].as_array().unwrap().clone();
    assert!(
        members
            .iter()
            .any(|m| m["email"] == "orgadmin@demo.vmeste.example")
    );
    assert!(members.iter().all(|m| m["role"] != "resident"));
    // Its subtree too (the city's departments), never a foreign organisation.
    let department = app
        .call(
            "GET",
            &format!("/api/v1/organisations/{roads}/staff"),
            &orgadmin,
            None,
        )
        .await;
    assert_eq!(department.status, StatusCode::OK);
    let housing = org(&app, "min-housing").await;
    let foreign = app
        .call(
            "GET",
            &format!("/api/v1/organisations/{housing}/staff"),
            &orgadmin,
            None,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let (_, head) = app.session_of("head@demo.vmeste.example").await;
    assert_eq!(
        app.call(
            "GET",
            &format!("/api/v1/organisations/{roads}/staff"),
            &head,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            "GET",
            &format!("/api/v1/organisations/{roads}/staff"),
            &app.bearer,
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}
