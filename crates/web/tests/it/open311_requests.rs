//! Open311 service requests: submitted by form or multipart with an API key,
//! read as a list (filters, the 90-day window, pages), one by one and by
//! token, and the update feed. JSON is checked against the specification's
//! schema, XML read back with the types that read real cities' documents;
//! no resident's personal data is ever in them.

use axum::http::StatusCode;
use vmeste_db::Sql;
use vmeste_db::api_keys::{self, Scope};
use vmeste_domain::clock::Clock;
use vmeste_web::open311::model::{self, Listed};

use crate::accounts::Browser;
use crate::common::{Reply, TestApp};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/open311");
const GPS_ROTATED: &[u8] = include_bytes!("../../../test-support/fixtures/gps-rotated.jpg");
const TEXT: &str = "Глубокая яма на проезжей части у остановки, машины объезжают по встречной";

fn assert_requests_valid(body: &str) -> Vec<model::ServiceRequest> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{FIXTURES}/schemas/request.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    for item in value.as_array().unwrap() {
        let errors: Vec<String> = validator.iter_errors(item).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?} in {item}");
    }
    serde_json::from_value(value).unwrap()
}

fn xml_requests(body: &str) -> Vec<model::ServiceRequest> {
    let Listed(items) = quick_xml::de::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    items
}

fn error_descriptions(reply: &Reply) -> Vec<String> {
    let errors: Vec<model::Error> =
        serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body));
    assert!(errors.iter().all(|e| e.code == reply.status.as_u16()));
    errors.into_iter().map(|e| e.description).collect()
}

/// The integrator's key of the test app, as Open311 sends it.
fn api_key(app: &TestApp) -> String {
    app.bearer.trim_start_matches("Bearer ").to_owned()
}

/// A service code and a point inside the region.
async fn service_and_point(app: &TestApp) -> (String, String, String) {
    let services = app.get("/open311/v2/services.json").await.json();
    let code = services[0]["service_code"].as_str().unwrap().to_owned();
    let (_, lat, lon) = app.topic_and_point().await;
    (code, format!("{lat:.6}"), format!("{lon:.6}"))
}

async fn submit(app: &TestApp, fields: &[(&str, &str)]) -> Reply {
    app.post_form("/open311/v2/requests.json", None, fields)
        .await
}

#[tokio::test]
async fn a_submitted_request_is_filed_and_readable_without_personal_data() {
    let app = TestApp::demo().await;
    let key = api_key(&app);
    let (code, lat, lon) = service_and_point(&app).await;
    let reply = submit(
        &app,
        &[
            ("api_key", &key),
            ("jurisdiction_id", "priozerie"),
            ("service_code", &code),
            ("lat", &lat),
            ("long", &lon),
            ("description", TEXT),
            ("email", "ivan.petrov@example.org"),
            ("first_name", "Иван"),
            ("last_name", "Петров-Водкин"),
            ("phone", "+79991234567"),
            ("attribute[ignored]", "x"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let receipt: Vec<model::Receipt> = serde_json::from_str(&reply.body).unwrap();
    let id = receipt[0].service_request_id.clone().unwrap();
    let token = receipt[0].token.clone().unwrap();
    assert!(
        receipt[0]
            .service_notice
            .as_deref()
            .unwrap()
            .contains(&token)
    );

    let (source, author, text): (String, Option<i64>, String) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT source, author_id, text FROM messages WHERE id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(
        (source.as_str(), author, text.as_str()),
        ("open311", None, TEXT)
    );

    let one = app.get(&format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    let shown = assert_requests_valid(&one.body);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].service_request_id, id);
    assert_eq!(shown[0].service_code, code);
    assert_eq!(shown[0].status, "open");
    assert!(shown[0].requested_datetime.ends_with("+03:00"));
    assert!(!shown[0].status_notes.as_deref().unwrap().is_empty());
    for secret in ["ivan.petrov", "Иван", "Петров-Водкин", "79991234567"] {
        assert!(
            !one.body.contains(secret),
            "{secret} is shown: {}",
            one.body
        );
    }
    let as_xml = app.get(&format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(
        xml_requests(&as_xml.body),
        shown,
        "both formats say the same"
    );

    let by_token = app.get(&format!("/open311/v2/tokens/{token}.json")).await;
    let resolved: Vec<model::Receipt> = serde_json::from_str(&by_token.body).unwrap();
    assert_eq!(resolved[0].service_request_id.as_deref(), Some(id.as_str()));
    let unknown = app.get("/open311/v2/tokens/1999-999999.xml").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn submitting_in_xml_and_with_photos() {
    let app = TestApp::demo().await;
    let key = api_key(&app);
    let (code, lat, lon) = service_and_point(&app).await;
    let reply = app
        .post_form(
            "/open311/v2/requests.xml",
            None,
            &[
                ("api_key", &key),
                ("service_code", &code),
                ("lat", &lat),
                ("long", &lon),
                ("description", TEXT),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let Listed(receipt): Listed<model::Receipt> = quick_xml::de::from_str(&reply.body).unwrap();
    assert!(receipt[0].service_request_id.is_some());

    let mut client = Browser::new(&app);
    let sent = client
        .post_multipart(
            "/open311/v2/requests.json",
            &[
                ("api_key", &key),
                ("service_code", &code),
                ("lat", &lat),
                ("long", &lon),
                ("description", TEXT),
            ],
            &[("media", "pothole.jpg", GPS_ROTATED)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let receipt: Vec<model::Receipt> = serde_json::from_str(&sent.body).unwrap();
    let id: i64 = receipt[0]
        .service_request_id
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let photos: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM attachments WHERE message_id = $1 AND purpose = 'photo'")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(photos, 1);

    let not_a_photo = client
        .post_multipart(
            "/open311/v2/requests.json",
            &[
                ("api_key", &key),
                ("service_code", &code),
                ("description", TEXT),
            ],
            &[("media", "pothole.jpg", b"plain text, not an image")],
        )
        .await;
    assert_eq!(not_a_photo.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_descriptions(&not_a_photo).len(), 1);
}

#[tokio::test]
async fn submissions_without_a_usable_key_or_with_bad_fields_are_refused() {
    let app = TestApp::demo().await;
    let key = api_key(&app);
    let (code, lat, lon) = service_and_point(&app).await;
    let good = [
        ("service_code", code.as_str()),
        ("lat", &lat),
        ("long", &lon),
        ("description", TEXT),
    ];
    let without_key = submit(&app, &good).await;
    assert_eq!(without_key.status, StatusCode::FORBIDDEN);
    assert!(error_descriptions(&without_key)[0].contains("api_key"));
    let mut wrong = good.to_vec();
    wrong.push(("api_key", "vmk_not-a-key"));
    assert_eq!(submit(&app, &wrong).await.status, StatusCode::FORBIDDEN);

    // A key that may only read.
    let reader = {
        let mut tx = app.test.db.write().await.unwrap();
        let org: i64 = Sql::new("SELECT MIN(id) FROM organisations")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        let admin: i64 = Sql::new("SELECT MIN(id) FROM users")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        let (_, secret) = api_keys::create(
            &mut tx.conn(),
            org,
            "reader",
            &[Scope::Read],
            admin,
            app.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        secret
    };
    let mut read_only = good.to_vec();
    read_only.push(("api_key", &reader));
    assert_eq!(submit(&app, &read_only).await.status, StatusCode::FORBIDDEN);

    let other_place = submit(
        &app,
        &[
            ("api_key", &key),
            ("jurisdiction_id", "boston"),
            ("service_code", &code),
        ],
    )
    .await;
    assert_eq!(other_place.status, StatusCode::NOT_FOUND);

    let unknown = submit(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "no-such"),
            ("description", TEXT),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(error_descriptions(&unknown)[0].contains("service_code"));

    // Every bad field at once, named as the specification names it.
    let bad = submit(
        &app,
        &[
            ("api_key", &key),
            ("service_code", &code),
            ("lat", "91"),
            ("long", "x"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let said = error_descriptions(&bad).join(" | ");
    assert!(said.contains("description:"), "{said}");
    assert!(said.contains("lat") || said.contains("long"), "{said}");

    let count: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM messages WHERE source = 'open311'")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(count, 0, "nothing refused was filed");
}

#[tokio::test]
async fn the_request_list_filters_windows_and_pages() {
    let app = TestApp::demo().await;
    let all = app.get("/open311/v2/requests.json").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = assert_requests_valid(&all.body);
    assert!(all.len() > 5, "{}", all.len());
    // Newest first, within the last 90 days.
    let ids: Vec<i64> = all
        .iter()
        .map(|r| r.service_request_id.parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    let in_xml = xml_requests(&app.get("/open311/v2/requests.xml").await.body);
    assert_eq!(in_xml, all);

    let closed = assert_requests_valid(
        &app.get("/open311/v2/requests.json?status=closed")
            .await
            .body,
    );
    let open = assert_requests_valid(&app.get("/open311/v2/requests.json?status=open").await.body);
    assert!(closed.iter().all(|r| r.status == "closed"));
    assert!(open.iter().all(|r| r.status == "open"));
    assert_eq!(closed.len() + open.len(), all.len());
    let both = assert_requests_valid(
        &app.get("/open311/v2/requests.json?status=open,closed")
            .await
            .body,
    );
    assert_eq!(both.len(), all.len());

    let code = all[0].service_code.clone();
    let on_topic = assert_requests_valid(
        &app.get(&format!("/open311/v2/requests.json?service_code={code}"))
            .await
            .body,
    );
    assert!(!on_topic.is_empty());
    assert!(on_topic.iter().all(|r| r.service_code == code));

    let first = assert_requests_valid(&app.get("/open311/v2/requests.json?page_size=2").await.body);
    let second = assert_requests_valid(
        &app.get("/open311/v2/requests.json?page=2&page_size=2")
            .await
            .body,
    );
    assert_eq!(first, all[..2]);
    assert_eq!(second, all[2..4]);

    let picked = format!(
        "{},{}",
        all[3].service_request_id, all[0].service_request_id
    );
    let by_id = assert_requests_valid(
        &app.get(&format!(
            "/open311/v2/requests.json?service_request_id={picked}&status=closed&service_code=none"
        ))
        .await
        .body,
    );
    assert_eq!(by_id.len(), 2, "ids override the other filters");

    // A window long past holds nothing; the present one everything.
    let past = assert_requests_valid(
        &app.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z").await.body,
    );
    assert!(past.is_empty());

    for (query, word) in [
        ("start_date=2020-01-01&end_date=2021-01-01", "90"),
        ("start_date=soon", "start_date"),
        ("status=pending", "status"),
        ("page=0", "page"),
        ("page_size=5000", "page_size"),
        ("service_code=no-such", "service_code"),
        ("service_request_id=abc", "service_request_id"),
    ] {
        let refused = app.get(&format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            error_descriptions(&refused)[0].contains(word),
            "{query}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn hidden_messages_and_personal_data_never_show() {
    let app = TestApp::demo().await;
    let (hidden, names): (Vec<i64>, Vec<(Option<String>, String)>) = {
        let mut handle = app.test.db.read().await.unwrap();
        let hidden = Sql::new("SELECT id FROM messages WHERE public = $1 OR status IN ('rejected', 'duplicate', 'draft')")
            .bind(false)
            .scalars(&mut handle.conn())
            .await
            .unwrap();
        let names =
            Sql::new("SELECT email, name FROM users WHERE id IN (SELECT author_id FROM messages)")
                .fetch_all(&mut handle.conn())
                .await
                .unwrap();
        (hidden, names)
    };
    assert!(
        !hidden.is_empty(),
        "the demo has messages the public may not see"
    );
    let ids: Vec<String> = hidden.iter().map(ToString::to_string).collect();
    let asked = app
        .get(&format!(
            "/open311/v2/requests.json?service_request_id={}",
            ids.join(",")
        ))
        .await;
    assert_eq!(assert_requests_valid(&asked.body), Vec::new());
    let one = app
        .get(&format!("/open311/v2/requests/{}.json", hidden[0]))
        .await;
    assert_eq!(one.status, StatusCode::NOT_FOUND);

    let bodies = [
        app.get("/open311/v2/requests.json").await.body,
        app.get("/open311/v2/requests.xml").await.body,
        app.get("/open311/v2/servicerequestupdates.json").await.body,
    ];
    for body in &bodies {
        for (email, name) in &names {
            assert!(!body.contains(name.as_str()), "{name} is shown");
            if let Some(email) = email {
                assert!(!body.contains(email.as_str()), "{email} is shown");
            }
        }
    }
}

#[tokio::test]
async fn the_update_feed_lists_public_changes_in_both_formats() {
    let app = TestApp::demo().await;
    let feed = app.get("/open311/v2/servicerequestupdates.json").await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    let updates: Vec<model::RequestUpdate> = serde_json::from_str(&feed.body).unwrap();
    assert!(!updates.is_empty());
    assert!(
        updates
            .iter()
            .all(|u| u.status == "open" || u.status == "closed")
    );
    assert!(
        updates
            .iter()
            .all(|u| u.description.as_deref().is_some_and(|d| !d.is_empty()))
    );
    let closed = updates.iter().find(|u| u.status == "closed").unwrap();
    let request = app
        .get(&format!(
            "/open311/v2/requests/{}.json",
            closed.service_request_id
        ))
        .await;
    assert_eq!(
        request.status,
        StatusCode::OK,
        "a listed update's request is readable"
    );

    let Listed(in_xml): Listed<model::RequestUpdate> =
        quick_xml::de::from_str(&app.get("/open311/v2/servicerequestupdates.xml").await.body)
            .unwrap();
    assert_eq!(in_xml, updates);
    let paged: Vec<model::RequestUpdate> = serde_json::from_str(
        &app.get("/open311/v2/servicerequestupdates.json?page=2&page_size=1")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(paged, updates[1..2]);
    let refused = app
        .get("/open311/v2/servicerequestupdates.xml?end_date=never")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("<errors><error><code>400</code>"),
        "{}",
        refused.body
    );
}
