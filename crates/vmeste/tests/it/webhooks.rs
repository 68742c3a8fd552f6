//! The worker delivers webhooks to a real receiver on 127.0.0.1: signed,
//! retried with backoff on the fake clock, logged, and switched off after a
//! day of failures.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use chrono::Duration;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use vmeste::mailer::Mailer;
use vmeste::worker::Worker;
use vmeste_db::cases::{self, Context};
use vmeste_db::intake::Source;
use vmeste_db::webhooks::{self, NewSubscription};
use vmeste_db::{Db, Sql};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{Command, Who};
use vmeste_domain::clock::{Clock, FakeClock};
use vmeste_domain::validation::{Place, ValidMessage};
use vmeste_domain::webhook::{Event, Reach};
use vmeste_test_support::{TestDb, fake_clock};

/// A request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// An HTTP server that records what it is sent and answers with the status
/// it is told to.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> Self {
        let got = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let (log, answer) = (got.clone(), status.clone());
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
            let (log, answer) = (log.clone(), answer.clone());
            async move {
                log.lock().unwrap().push(Received { headers, body });
                let status = StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap();
                // A long answer: the log keeps only its start.
                (status, [(header::LOCATION, "/elsewhere")], "x".repeat(5000))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, got, status }
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn header_of<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Checks the signature the way a receiver would, from the documentation.
fn signed_by(r: &Received, secret: &str) -> bool {
    let timestamp = header_of(r, "x-vmeste-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", r.body).as_bytes());
    let expected = vmeste_db::secret::hex(&mac.finalize().into_bytes());
    header_of(r, "x-vmeste-signature") == format!("sha256={expected}")
}

struct Setup {
    test: TestDb,
    clock: Arc<FakeClock>,
}

impl Setup {
    async fn demo() -> Self {
        let test = TestDb::new().await;
        let clock = fake_clock();
        vmeste_db::demo::load(
            &test.db,
            clock.as_ref(),
            &ProductionCalendar::russian_federal(),
        )
        .await
        .unwrap();
        Self { test, clock }
    }

    fn db(&self) -> &Db {
        &self.test.db
    }

    fn worker(&self, allow_private: bool) -> Worker {
        let clock: Arc<dyn Clock> = self.clock.clone();
        Worker::new(
            self.db().clone(),
            clock,
            Arc::new(Mailer::new("", "Вместе <noreply@vmeste.test>").unwrap()),
            vmeste_web::Storage::default(),
            "https://vmeste.test",
        )
        .allow_private_webhook_targets(allow_private)
    }

    async fn id(&self, sql: Sql) -> i64 {
        let mut handle = self.db().read().await.unwrap();
        sql.scalar(&mut handle.conn()).await.unwrap()
    }

    async fn user(&self, email: &str) -> i64 {
        self.id(Sql::new("SELECT id FROM users WHERE email = $1").bind(email))
            .await
    }

    async fn org(&self, slug: &str) -> i64 {
        self.id(Sql::new("SELECT id FROM organisations WHERE slug = $1").bind(slug))
            .await
    }

    async fn subscribe(&self, url: &str, events: &[Event], reach: Reach) -> (i64, String) {
        let gov = self.org("gov").await;
        let admin = self.user("admin@demo.vmeste.example").await;
        let mut tx = self.db().write().await.unwrap();
        let (subscription, secret) = webhooks::create(
            &mut tx.conn(),
            &NewSubscription {
                organisation_id: gov,
                url,
                events,
                reach,
                created_by: admin,
            },
            self.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (subscription.id, secret)
    }

    async fn ping(&self, subscription: i64) {
        let mut tx = self.db().write().await.unwrap();
        webhooks::ping(&mut tx.conn(), subscription, self.clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    async fn subscription(&self, id: i64) -> webhooks::Subscription {
        let mut handle = self.db().read().await.unwrap();
        webhooks::get(&mut handle.conn(), id)
            .await
            .unwrap()
            .unwrap()
    }

    async fn attempts(&self, id: i64) -> Vec<webhooks::Attempt> {
        let mut handle = self.db().read().await.unwrap();
        webhooks::attempts(&mut handle.conn(), id, webhooks::LOG_LIMIT)
            .await
            .unwrap()
    }

    async fn act(&self, message: i64, who: Who, actor: i64, command: Command) {
        let calendar = ProductionCalendar::russian_federal();
        let mut tx = self.db().write().await.unwrap();
        let region = vmeste_db::regions::current(&mut tx.conn())
            .await
            .unwrap()
            .unwrap();
        let ctx = Context {
            calendar: &calendar,
            time_zone: region.tz().unwrap(),
            now: self.clock.now(),
        };
        let case = cases::get(&mut tx.conn(), message).await.unwrap().unwrap();
        cases::apply(&mut tx.conn(), ctx, &case, who, Some(actor), &command)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn run_due(worker: &Worker) {
    while worker.run_one().await.unwrap() {}
}

const STAFF: Who = Who {
    moderate: true,
    triage: true,
    answer: true,
    approve: true,
    author: false,
    system: false,
};
const AUTHOR: Who = Who {
    moderate: false,
    triage: false,
    answer: false,
    approve: false,
    author: true,
    system: false,
};

#[tokio::test]
async fn a_messages_events_arrive_signed_and_without_personal_data() {
    let setup = Setup::demo().await;
    let receiver = Receiver::start().await;
    let (subscription, secret) = setup
        .subscribe(
            &receiver.url,
            &[Event::Created, Event::Routed, Event::Answered, Event::Rated],
            Reach::Region,
        )
        .await;
    let clock: Arc<dyn Clock> = setup.clock.clone();
    let state = vmeste_web::AppState::load(
        setup.db().clone(),
        clock,
        ProductionCalendar::russian_federal(),
        vmeste_web::WebSettings::default(),
    )
    .await
    .unwrap();
    let resident = setup.user("resident@demo.vmeste.example").await;
    let topic = setup
        .id(Sql::new("SELECT MIN(id) FROM topics WHERE public = $1 AND active = $1").bind(true))
        .await;
    let territory = setup.id(Sql::new("SELECT MIN(id) FROM territories")).await;
    let message = state
        .intake()
        .submit(
            setup.db(),
            &ValidMessage {
                topic_id: topic,
                text: "Не горит фонарь, звоните 8 912 345-67-89".into(),
                place: Place::Territory(territory),
                address: Some("ул. Садовая, д. 9, кв. 4".into()),
            },
            Some(resident),
            Source::Web,
        )
        .await
        .unwrap()
        .id;
    let roads = setup.org("city-roads").await;
    let executor = setup.user("executor@demo.vmeste.example").await;
    setup
        .act(
            message,
            STAFF,
            executor,
            Command::Route {
                organisation_id: roads,
            },
        )
        .await;
    setup
        .act(
            message,
            STAFF,
            executor,
            Command::Answer {
                text: "Фонарь заменён.".into(),
            },
        )
        .await;
    setup
        .act(
            message,
            AUTHOR,
            resident,
            Command::Rate {
                score: 5,
                resolved: true,
            },
        )
        .await;

    run_due(&setup.worker(true)).await;
    let got = receiver.got();
    let events: Vec<&str> = got.iter().map(|r| header_of(r, "x-vmeste-event")).collect();
    assert_eq!(
        events,
        [
            "message.created",
            "message.routed",
            "message.answered",
            "message.rated"
        ],
        "closing is a status change, not subscribed to"
    );
    for r in &got {
        assert!(signed_by(r, &secret), "{r:?}");
        assert!(!signed_by(r, "whsec_wrong"));
        assert_eq!(header_of(r, "content-type"), "application/json");
        assert_eq!(
            header_of(r, "x-vmeste-timestamp"),
            setup.clock.now().timestamp().to_string()
        );
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["id"], header_of(r, "x-vmeste-delivery"));
        assert_eq!(body["event"], header_of(r, "x-vmeste-event"));
        assert_eq!(body["message"]["id"], message);
        assert_eq!(
            body["message"]["staff_url"],
            format!("https://vmeste.test/staff/messages/{message}")
        );
        for personal in ["Мария", "Жителева", "resident@demo", "345-67-89", "кв. 4"]
        {
            assert!(!r.body.contains(personal), "{personal} in {}", r.body);
        }
    }
    let rated: serde_json::Value = serde_json::from_str(&got[3].body).unwrap();
    assert_eq!(rated["message"]["rating"]["score"], 5);
    let attempts = setup.attempts(subscription).await;
    assert_eq!(attempts.len(), 4);
    assert!(attempts.iter().all(|a| a.succeeded() && a.attempt == 1));
    assert!(
        attempts
            .iter()
            .all(|a| a.response_body.as_deref().map(str::len) == Some(webhooks::RESPONSE_KEPT))
    );
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_and_a_day_of_failures_switches_it_off() {
    let setup = Setup::demo().await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let (subscription, secret) = setup
        .subscribe(&receiver.url, &[Event::Routed], Reach::Region)
        .await;
    let worker = setup.worker(true);
    let start = setup.clock.now();
    for _ in 0..3 {
        setup.ping(subscription).await;
    }
    // Eight attempts each, an hour apart at most (30 s, 1 min … 32 min).
    for _ in 0..10 {
        run_due(&worker).await;
        setup.clock.advance(Duration::hours(1));
    }
    let got = receiver.got();
    assert_eq!(got.len(), 24, "3 deliveries × 8 attempts");
    assert!(got.iter().all(|r| signed_by(r, &secret)));
    let first = header_of(&got[0], "x-vmeste-delivery");
    let retries: Vec<&Received> = got
        .iter()
        .filter(|r| header_of(r, "x-vmeste-delivery") == first)
        .collect();
    assert_eq!(retries.len(), 8, "retries keep the delivery id");
    assert_ne!(
        header_of(retries[0], "x-vmeste-timestamp"),
        header_of(retries[1], "x-vmeste-timestamp"),
        "and sign a fresh time"
    );
    let attempts = setup.attempts(subscription).await;
    assert_eq!(attempts.len(), 24);
    assert!(attempts.iter().all(|a| a.status_code == Some(500)));
    let mut numbers: Vec<i32> = attempts
        .iter()
        .filter(|a| a.delivery_id == first)
        .map(|a| a.attempt)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    let failing = setup.subscription(subscription).await;
    assert!(failing.active(), "24 failures, but not yet a day of them");
    assert_eq!(failing.failures, 24);
    assert_eq!(failing.failing_since, Some(start));

    // A day after the first failure, the next one switches it off.
    setup.clock.set(start + Duration::hours(24));
    setup.ping(subscription).await;
    run_due(&worker).await;
    let off = setup.subscription(subscription).await;
    assert_eq!(off.disabled(), Some(webhooks::Disabled::Failing));
    assert_eq!(off.disabled_at, Some(start + Duration::hours(24)));
    {
        let mut handle = setup.db().read().await.unwrap();
        let audited: i64 =
            Sql::new("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2")
                .bind("webhook.auto_disable")
                .bind(subscription)
                .scalar(&mut handle.conn())
                .await
                .unwrap();
        assert_eq!(audited, 1);
    }
    // Its pending retry is dropped, not sent.
    setup.clock.advance(Duration::hours(1));
    run_due(&worker).await;
    assert_eq!(receiver.got().len(), 25);

    // Switched on again with the receiver mended: delivered, failures forgotten.
    receiver.answer(204);
    {
        let mut tx = setup.db().write().await.unwrap();
        webhooks::enable(&mut tx.conn(), subscription)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    setup.ping(subscription).await;
    run_due(&worker).await;
    assert_eq!(receiver.got().len(), 26);
    let mended = setup.subscription(subscription).await;
    assert!(mended.active());
    assert_eq!((mended.failures, mended.failing_since), (0, None));
    let newest = &setup.attempts(subscription).await[0];
    assert!(newest.succeeded());
    assert_eq!(newest.status_code, Some(204));
}

#[tokio::test]
async fn private_addresses_and_redirects_are_not_followed() {
    let setup = Setup::demo().await;
    let receiver = Receiver::start().await;
    let (subscription, _) = setup
        .subscribe(&receiver.url, &[Event::Routed], Reach::Region)
        .await;
    // By default the server's own network is out of reach.
    setup.ping(subscription).await;
    run_due(&setup.worker(false)).await;
    assert!(receiver.got().is_empty());
    let refused = &setup.attempts(subscription).await[0];
    assert_eq!(refused.status_code, None);
    assert!(
        refused
            .error
            .as_deref()
            .unwrap_or("")
            .contains("not a public"),
        "{refused:?}"
    );

    // A redirect is an answer, not a success, and is not followed.
    receiver.answer(307);
    setup.clock.advance(Duration::hours(1));
    run_due(&setup.worker(true)).await;
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    let redirected = &setup.attempts(subscription).await[0];
    assert_eq!(redirected.status_code, Some(307));
    assert!(!redirected.succeeded());
}
