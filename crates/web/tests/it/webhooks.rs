//! Webhook subscriptions through the pages, and the deliveries a message's
//! life queues for them: to exactly the subscriptions that reach it, without
//! anything personal of its author. (Sending them is the worker's: see the
//! binary's tests.)

use axum::http::{StatusCode, header};
use vmeste_db::Sql;
use vmeste_db::webhooks::{self, Delivery, NewAttempt, NewSubscription};
use vmeste_domain::clock::Clock;
use vmeste_domain::organisation::Role;
use vmeste_domain::webhook::{Event, Reach};

use crate::accounts::Browser;
use crate::common::{TestApp, first_topic_and_territory};
use crate::workspace::{act, org_id, route, staff};

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    vmeste_db::users::by_email(&mut handle.conn(), email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn subscribe(app: &TestApp, org: i64, events: &[Event], reach: Reach) -> i64 {
    let admin = user_id(app, "admin@demo.vmeste.example").await;
    let mut tx = app.test.db.write().await.unwrap();
    let (subscription, _) = webhooks::create(
        &mut tx.conn(),
        &NewSubscription {
            organisation_id: org,
            url: "https://hooks.example.org/vmeste",
            events,
            reach,
            created_by: admin,
        },
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    subscription.id
}

/// The deliveries queued so far, oldest first.
async fn queued(app: &TestApp) -> Vec<Delivery> {
    let mut handle = app.test.db.read().await.unwrap();
    let payloads: Vec<String> = Sql::new("SELECT payload FROM jobs WHERE kind = $1 ORDER BY id")
        .bind(webhooks::JOB)
        .scalars(&mut handle.conn())
        .await
        .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect()
}

fn events_for(deliveries: &[Delivery], subscription: i64) -> Vec<&str> {
    deliveries
        .iter()
        .filter(|d| d.subscription_id == subscription)
        .map(|d| d.body.event.as_str())
        .collect()
}

fn secret_in(html: &str) -> String {
    html.split("<code class=\"secret\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no secret shown: {html}"))
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_administrator_subscribes_sees_the_secret_once_and_manages_the_subscription() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("orgadmin@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = admin.get(&format!("/org/{city}/webhooks")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Подписок пока нет"));
    assert!(
        page.body.contains("value=\"subtree\""),
        "its grant reaches the subtree"
    );
    assert!(
        !page.body.contains("value=\"region\""),
        "only platform administrators"
    );
    let account = admin.get("/account").await;
    assert!(account.body.contains(&format!("/org/{city}/webhooks")));

    // Bad input: every problem named, what was typed kept, nothing created.
    let path = format!("/org/{city}/webhooks");
    let bad = admin
        .post(
            &path,
            &[("url", "ftp://files.example.org/x"), ("reach", "region")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("http:// или https://"), "{}", bad.body);
    assert!(bad.body.contains("Отметьте хотя бы одно событие"));
    assert!(bad.body.contains("Выберите, о каких сообщениях сообщать"));
    assert!(bad.body.contains("value=\"ftp://files.example.org/x\""));
    let secret_less = admin
        .post(
            &path,
            &[
                ("url", "https://user:pw@hooks.example.org/"),
                ("message.routed", "1"),
                ("reach", "organisation"),
            ],
        )
        .await;
    assert_eq!(secret_less.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        secret_less
            .body
            .contains("Уберите из адреса имя пользователя")
    );
    // The ticked box stays ticked.
    assert!(
        secret_less
            .body
            .contains("name=\"message.routed\" value=\"1\" checked")
    );

    let created = admin
        .post(
            &path,
            &[
                ("url", "https://hooks.example.org/vmeste"),
                ("message.routed", "1"),
                ("message.answered", "1"),
                ("reach", "subtree"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let secret = secret_in(&created.body);
    assert!(
        secret.starts_with("whsec_") && secret.len() > 60,
        "{secret}"
    );
    let list = admin.get(&path).await.body;
    assert!(!list.contains(&secret), "the secret is shown once");
    assert!(list.contains("https://hooks.example.org/vmeste"));
    assert!(list.contains("дан ответ") && list.contains("работает"));
    let hook = {
        let mut handle = app.test.db.read().await.unwrap();
        let hooks = webhooks::of_organisation(&mut handle.conn(), city)
            .await
            .unwrap();
        assert_eq!(hooks.len(), 1);
        assert_eq!(hooks[0].secret(), secret);
        assert_eq!(hooks[0].events(), [Event::Routed, Event::Answered]);
        assert_eq!(hooks[0].reach(), Reach::Subtree);
        hooks[0].id
    };

    // A test delivery is queued at once.
    let pinged = admin.post(&format!("{path}/{hook}/ping"), &[]).await;
    assert_eq!(pinged.status, StatusCode::SEE_OTHER);
    assert_eq!(pinged.header(header::LOCATION), path);
    let deliveries = queued(&app).await;
    assert_eq!(events_for(&deliveries, hook), ["ping"]);

    // Switched off, it cannot be pinged; switched on, it works again.
    admin.post(&format!("{path}/{hook}/disable"), &[]).await;
    assert!(admin.get(&path).await.body.contains("отключена вручную"));
    let refused = admin.post(&format!("{path}/{hook}/ping"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    admin.post(&format!("{path}/{hook}/enable"), &[]).await;
    assert!(admin.get(&path).await.body.contains("работает"));

    // The log shows attempts with the receiver's answer.
    let log_path = format!("{path}/{hook}");
    assert!(
        admin
            .get(&log_path)
            .await
            .body
            .contains("Попыток доставки ещё не было")
    );
    {
        let mut tx = app.test.db.write().await.unwrap();
        webhooks::record_attempt(
            &mut tx.conn(),
            &NewAttempt {
                subscription_id: hook,
                delivery_id: "d-1",
                event: "ping",
                attempt: 1,
                status_code: Some(503),
                error: None,
                duration_ms: 12,
                response_body: Some("<h1>Сервис недоступен</h1>"),
                at: app.clock.now(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let log = admin.get(&log_path).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("HTTP 503") && log.body.contains("d-1"));
    assert!(
        log.body.contains("Сервис недоступен") && !log.body.contains("<h1>Сервис"),
        "escaped: {}",
        log.body
    );
    assert!(
        admin
            .get(&path)
            .await
            .body
            .contains("1 неудачная попытка подряд")
    );

    let deleted = admin.post(&format!("{path}/{hook}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&path).await.body.contains("Подписок пока нет"));
    assert_eq!(admin.get(&log_path).await.status, StatusCode::NOT_FOUND);

    let mut handle = app.test.db.read().await.unwrap();
    let audited: Vec<String> = Sql::new(
        "SELECT action FROM audit_log WHERE object_kind = $1 AND object_id = $2 ORDER BY id",
    )
    .bind("webhook")
    .bind(hook)
    .scalars(&mut handle.conn())
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "webhook.create",
            "webhook.ping",
            "webhook.disable",
            "webhook.enable",
            "webhook.delete"
        ]
    );
}

#[tokio::test]
async fn platform_administrators_subscribe_to_the_whole_region() {
    let app = TestApp::demo().await;
    let gov = org_id(&app, "gov").await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    assert!(
        admin
            .get("/account")
            .await
            .body
            .contains(&format!("/org/{gov}/webhooks"))
    );
    let created = admin
        .post(
            &format!("/org/{gov}/webhooks"),
            &[
                ("url", "http://10.0.0.5:8080/in"),
                ("message.created", "1"),
                ("reach", "region"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body.contains("все сообщения региона"));
}

#[tokio::test]
async fn another_organisations_administrator_can_neither_see_nor_touch_subscriptions() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let health = org_id(&app, "min-health").await;
    let hook = subscribe(&app, city, &[Event::Routed], Reach::Organisation).await;
    staff(&app, "admin@health.test", Role::OrgAdmin, health).await;
    let mut foreign = Browser::new(&app);
    foreign.sign_in("admin@health.test", "staff-password").await;
    assert_eq!(
        foreign.get(&format!("/org/{health}/webhooks")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        foreign.get(&format!("/org/{city}/webhooks")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        foreign
            .get(&format!("/org/{city}/webhooks/{hook}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for act in ["disable", "delete", "ping"] {
        let direct = foreign
            .post(&format!("/org/{city}/webhooks/{hook}/{act}"), &[])
            .await;
        assert_eq!(direct.status, StatusCode::FORBIDDEN, "{act}");
        // Through its own organisation's path, another's subscription is not found.
        let sideways = foreign
            .post(&format!("/org/{health}/webhooks/{hook}/{act}"), &[])
            .await;
        assert_eq!(sideways.status, StatusCode::NOT_FOUND, "{act}");
    }
    assert_eq!(
        foreign
            .get(&format!("/org/{health}/webhooks/{hook}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut handle = app.test.db.read().await.unwrap();
    let still = webhooks::get(&mut handle.conn(), hook)
        .await
        .unwrap()
        .unwrap();
    assert!(still.active());
    assert!(queued(&app).await.is_empty());
}

/// Reports as the demo resident, with contacts typed into the text and a
/// flat in the address; the new message's id.
async fn report(app: &TestApp) -> (i64, Browser<'_>) {
    let mut resident = Browser::new(app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let form = resident.get("/report").await;
    let (topic, territory) = first_topic_and_territory(&form.body);
    let sent = resident
        .post(
            "/report",
            &[
                ("topic_id", &topic),
                (
                    "text",
                    "Провал асфальта у подъезда. Звоните 8 912 345-67-89 или пишите ivan.petrov@mail.ru",
                ),
                ("address", "ул. Садовая, д. 3, кв. 12"),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = sent
        .header(header::LOCATION)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (id, resident)
}

#[tokio::test]
async fn a_messages_life_queues_deliveries_to_the_subscriptions_that_reach_it() {
    let app = TestApp::demo().await;
    let org = |slug| org_id(&app, slug);
    let (gov, city, roads, health) = (
        org("gov").await,
        org("city-admin").await,
        org("city-roads").await,
        org("min-health").await,
    );
    let region = subscribe(&app, gov, &Event::SUBSCRIBABLE, Reach::Region).await;
    let after_routing = [
        Event::Routed,
        Event::StatusChanged,
        Event::Answered,
        Event::Rated,
    ];
    let own = subscribe(&app, roads, &after_routing, Reach::Organisation).await;
    let parent = subscribe(&app, city, &[Event::Routed], Reach::Subtree).await;
    let parent_only = subscribe(&app, city, &[Event::Routed], Reach::Organisation).await;
    let foreign = subscribe(&app, health, &Event::SUBSCRIBABLE, Reach::Organisation).await;
    let off = subscribe(&app, roads, &Event::SUBSCRIBABLE, Reach::Organisation).await;
    {
        let mut tx = app.test.db.write().await.unwrap();
        webhooks::disable(
            &mut tx.conn(),
            off,
            webhooks::Disabled::Manual,
            app.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    let (id, mut resident) = report(&app).await;
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    route(&mut moderator, id, roads).await;
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let answered = act(
        &mut executor,
        id,
        &[("command", "answer"), ("text", "Асфальт уложен.")],
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let rated = resident
        .post(
            &format!("/messages/{id}/feedback"),
            &[("command", "rate"), ("score", "4"), ("resolved", "yes")],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER);

    let deliveries = queued(&app).await;
    assert_eq!(
        events_for(&deliveries, region),
        [
            "message.created",
            "message.routed",
            "message.answered",
            "message.rated",
            "message.status_changed"
        ]
    );
    assert_eq!(
        events_for(&deliveries, own),
        [
            "message.routed",
            "message.answered",
            "message.rated",
            "message.status_changed"
        ]
    );
    assert_eq!(events_for(&deliveries, parent), ["message.routed"]);
    for nothing in [parent_only, foreign, off] {
        assert!(events_for(&deliveries, nothing).is_empty(), "{nothing}");
    }

    let body = |subscription: i64, event: &str| {
        let d = deliveries
            .iter()
            .find(|d| d.subscription_id == subscription && d.body.event == event)
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&d.body.render("https://vmeste.test/").unwrap())
            .unwrap()
    };
    let created = body(region, "message.created");
    assert_eq!(created["message"]["id"], id);
    assert_eq!(created["message"]["status"], "moderation");
    assert!(
        created["message"]["text"].is_null(),
        "not before moderation"
    );
    assert!(
        created["message"]["organisation"].is_object(),
        "the suggestion"
    );
    let routed = body(own, "message.routed");
    assert_eq!(routed["change"]["action"], "route");
    assert_eq!(routed["change"]["from_status"], "moderation");
    assert_eq!(routed["message"]["organisation"]["id"], roads);
    assert_eq!(
        routed["message"]["url"],
        format!("https://vmeste.test/messages/{id}")
    );
    assert_eq!(
        routed["message"]["staff_url"],
        format!("https://vmeste.test/staff/messages/{id}")
    );
    let text = routed["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("[телефон скрыт]") && text.contains("[e-mail скрыт]"),
        "{text}"
    );
    assert_eq!(routed["message"]["address"], "ул. Садовая, д. 3");
    let rated = body(own, "message.rated");
    assert_eq!(rated["message"]["rating"]["score"], 4);
    assert_eq!(rated["message"]["rating"]["resolved"], true);
    assert_eq!(
        body(own, "message.status_changed")["message"]["status"],
        "closed"
    );
    // Nothing of who wrote it, in any delivery.
    for d in &deliveries {
        let json = serde_json::to_string(&d.body).unwrap();
        for personal in [
            "Мария",
            "Жителева",
            "resident@demo",
            "345-67-89",
            "ivan.petrov",
            "кв. 12",
            "author",
        ] {
            assert!(!json.contains(personal), "{personal} in {json}");
        }
        assert!(uuid_like(&d.body.id), "{}", d.body.id);
    }
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}
