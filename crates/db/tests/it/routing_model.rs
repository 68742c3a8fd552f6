//! The routing classifier in the product: labels from moderators' decisions,
//! auto-route by per-topic thresholds (off by default), retraining that
//! switches only to a model not worse on the held-out slice, rollback, and
//! the demo's own model. A small fixture written here, never real data.

use std::sync::Arc;

use chrono::Duration;
use vmeste_db::cases::{self, Context};
use vmeste_db::intake::{Intake, Reference, Source};
use vmeste_db::routing_labels::{self, Decision};
use vmeste_db::routing_models::{self, Live, NewModel};
use vmeste_db::routing_training::{self, Retrained};
use vmeste_db::{Conn, Db, Sql, territories};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{Command, Who};
use vmeste_domain::clock::{Clock, FakeClock};
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{Place, Point, ValidMessage};
use vmeste_routing::classifier::{Example, Model, NoProgress};
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};
use vmeste_test_support::fixture::{self, Fixture, IN_TOWN};
use vmeste_test_support::{TestDb, fake_clock};

const ROADS: [&str; 6] = [
    "Глубокая яма на дороге у школы",
    "Яма на проезжей части, асфальт разбит",
    "Разбитый асфальт и ямы во дворе",
    "На дороге огромная яма, машины объезжают",
    "Провалился асфальт, яма на перекрёстке",
    "Ямы на дороге после зимы",
];
const LIGHTING: [&str; 6] = [
    "Не горит фонарь у подъезда",
    "Фонари на улице не горят вторую неделю",
    "Темно во дворе, фонарь сломан",
    "Уличное освещение не работает, фонари погасли",
    "Не горят фонари вдоль дороги к остановке",
    "Сломан фонарь, вечером темно",
];

struct Env {
    test: TestDb,
    f: Fixture,
    clock: Arc<FakeClock>,
    calendar: Arc<ProductionCalendar>,
    index: Arc<TerritoryIndex>,
    live: Arc<Live>,
    /// Kept across submissions, as a server keeps it, so that activations
    /// and thresholds must reach it through the reference version.
    reference: Arc<Reference>,
}

async fn env() -> Env {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let index = {
        let mut handle = test.db.read().await.unwrap();
        let shapes = territories::geometries(&mut handle.conn()).await.unwrap();
        TerritoryIndex::new(
            shapes
                .into_iter()
                .map(|g| (g.id, parse_geometry(&g.geometry).unwrap())),
        )
    };
    Env {
        test,
        f,
        clock: fake_clock(),
        calendar: Arc::new(ProductionCalendar::russian_federal()),
        index: Arc::new(index),
        live: Arc::new(Live::new()),
        reference: Arc::default(),
    }
}

impl Env {
    fn intake(&self) -> Intake {
        Intake {
            clock: self.clock.clone(),
            calendar: self.calendar.clone(),
            territories: self.index.clone(),
            time_zone: chrono_tz::Europe::Moscow,
            model: Some(self.live.clone()),
            reference: self.reference.clone(),
        }
    }

    async fn submit(&self, topic_id: i64, text: &str) -> i64 {
        let message = ValidMessage {
            topic_id,
            text: text.into(),
            place: Place::Point(Point {
                lat: IN_TOWN.0,
                lon: IN_TOWN.1,
            }),
            address: None,
        };
        self.intake()
            .submit(&self.test.db, &message, None, Source::Web)
            .await
            .unwrap()
            .id
    }

    fn fixture_examples(&self) -> Vec<Example> {
        let label = |topic: i64, org: i64, text: &str| Example {
            text: text.into(),
            topic: topic.to_string(),
            organisation: Some(org.to_string()),
            at: None,
        };
        ROADS
            .iter()
            .map(|t| label(self.f.roads_topic, self.f.town_roads, t))
            .chain(
                LIGHTING
                    .iter()
                    .map(|t| label(self.f.lighting_topic, self.f.grid, t)),
            )
            .collect()
    }

    async fn activate(&self, model: &Model) -> i64 {
        let mut tx = self.test.db.write().await.unwrap();
        let id = routing_models::insert(
            &mut tx.conn(),
            &NewModel {
                model,
                judged: None,
                rival_topic_top1: None,
                status: routing_models::ACTIVE,
            },
            self.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn status(&self, message: i64) -> String {
        let mut handle = self.test.db.read().await.unwrap();
        Sql::new("SELECT status FROM messages WHERE id = $1")
            .bind(message)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    }

    async fn set_threshold(&self, topic: i64, threshold: Option<f64>) {
        let mut tx = self.test.db.write().await.unwrap();
        assert!(
            routing_models::set_threshold(&mut tx.conn(), topic, threshold)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }

    async fn active_id(&self) -> Option<i64> {
        let mut handle = self.test.db.read().await.unwrap();
        routing_models::active(&mut handle.conn())
            .await
            .unwrap()
            .map(|m| m.id)
    }
}

const MODERATOR: Who = Who {
    moderate: true,
    triage: false,
    answer: false,
    approve: false,
    author: false,
    system: false,
};

/// A moderator routes a message to an organisation.
async fn moderate(conn: &mut Conn<'_>, ctx: Context<'_>, message: i64, organisation_id: i64) {
    let case = cases::get(conn, message).await.unwrap().unwrap();
    cases::apply(
        conn,
        ctx,
        &case,
        MODERATOR,
        None,
        &Command::Route { organisation_id },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_moderators_routing_is_a_label_confirmation_or_correction() {
    let env = env().await;
    let model = Model::train(&env.fixture_examples(), &NoProgress).unwrap();
    env.activate(&model).await;
    let text = "Огромная яма на дороге, асфальт разбит";
    let top = model.suggest(text, 3);
    let suggested_topic: i64 = top.topics[0].label.parse().unwrap();
    let confirmed = env.submit(suggested_topic, text).await;
    let corrected = env.submit(suggested_topic, text).await;
    let mut tx = env.test.db.write().await.unwrap();
    let shown = routing_labels::shown(&mut tx.conn(), confirmed)
        .await
        .unwrap()
        .expect("the suggestion at intake is kept");
    assert!(!shown.auto_routed, "auto-route is off by default");
    let suggested_org = shown.organisation_id.unwrap();
    let other_org = [env.f.town_roads, env.f.grid, env.f.district_admin]
        .into_iter()
        .find(|o| *o != suggested_org)
        .unwrap();
    let ctx = Context {
        calendar: &env.calendar,
        time_zone: chrono_tz::Europe::Moscow,
        now: env.clock.now(),
    };
    for (message, org) in [(confirmed, suggested_org), (corrected, other_org)] {
        moderate(&mut tx.conn(), ctx, message, org).await;
    }
    for (message, org, verdict) in [
        (confirmed, suggested_org, routing_labels::CONFIRMED),
        (corrected, other_org, routing_labels::CORRECTED),
    ] {
        let label = routing_labels::for_message(&mut tx.conn(), message)
            .await
            .unwrap()
            .expect("routing records a label");
        assert_eq!(
            (
                label.topic_id,
                label.organisation_id,
                label.verdict.as_str(),
                label.text.as_str()
            ),
            (suggested_topic, Some(org), verdict, text)
        );
    }
    // A redirect later corrects the organisation of the label.
    let case = cases::get(&mut tx.conn(), confirmed)
        .await
        .unwrap()
        .unwrap();
    let triage = Who {
        triage: true,
        ..Who::default()
    };
    cases::apply(
        &mut tx.conn(),
        ctx,
        &case,
        triage,
        None,
        &Command::Redirect {
            organisation_id: other_org,
            reason: "Не наша зона".into(),
        },
    )
    .await
    .unwrap();
    let label = routing_labels::for_message(&mut tx.conn(), confirmed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (label.organisation_id, label.verdict.as_str()),
        (Some(other_org), routing_labels::CORRECTED)
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn auto_route_routes_a_confident_message_and_leaves_the_rest_in_moderation() {
    let env = env().await;
    let model = Model::train(&env.fixture_examples(), &NoProgress).unwrap();
    env.activate(&model).await;
    let text = "Яма на дороге, асфальт провалился";
    let top = &model.suggest(text, 3).topics[0];
    let topic: i64 = top.label.parse().unwrap();
    let confidence = top.confidence;

    // Off by default: even a confident message waits for a moderator.
    let waiting = env.submit(topic, text).await;
    assert_eq!(
        env.status(waiting).await,
        MessageStatus::Moderation.as_str()
    );

    // A threshold above the model's confidence: still moderated.
    env.set_threshold(topic, Some((confidence + 0.001).min(1.0) + 0.001))
        .await;
    let unsure = env.submit(topic, text).await;
    assert_eq!(env.status(unsure).await, MessageStatus::Moderation.as_str());

    // At or below it: routed at once, with the reason in its history.
    env.set_threshold(topic, Some(confidence - 0.001)).await;
    let routed = env.submit(topic, text).await;
    assert_eq!(env.status(routed).await, MessageStatus::Routed.as_str());
    let mut handle = env.test.db.read().await.unwrap();
    let note: String =
        Sql::new("SELECT comment FROM message_events WHERE message_id = $1 AND action = 'route'")
            .bind(routed)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
    assert!(note.starts_with("Направлено автоматически"), "{note}");
    assert!(note.contains(" %"), "{note}");
    let shown = routing_labels::shown(&mut handle.conn(), routed)
        .await
        .unwrap()
        .unwrap();
    assert!(shown.auto_routed);
    // The platform's own routing is no label to learn from.
    assert!(
        routing_labels::for_message(&mut handle.conn(), routed)
            .await
            .unwrap()
            .is_none()
    );
}

/// Texts of unique made-up words, so a model can know a text only by having
/// seen it: alternately in the two topics.
fn unique_texts(n: usize) -> Vec<String> {
    const LETTERS: [char; 10] = ['б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н'];
    (0..n)
        .map(|i| {
            let word = |salt: usize| -> String {
                format!("{}{}", i * 7 + salt, i)
                    .chars()
                    .filter_map(|c| c.to_digit(10))
                    .flat_map(|d| [LETTERS[d as usize], 'о'])
                    .collect()
            };
            format!("{} {} {}", word(1), word(2), word(3))
        })
        .collect()
}

/// Labels in the database for `texts`, alternating topics; the model with
/// the labels as given (or with the topics swapped).
async fn labelled(env: &Env, texts: &[String], swapped: bool) -> Model {
    let topics = [env.f.roads_topic, env.f.lighting_topic];
    let mut examples = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let topic = topics[i % 2];
        let message = env.submit(topic, text).await;
        let mut tx = env.test.db.write().await.unwrap();
        routing_labels::upsert(
            &mut tx.conn(),
            &Decision {
                message_id: message,
                topic_id: topic,
                organisation_id: None,
                by: None,
                at: env.clock.now(),
            },
            routing_labels::CONFIRMED,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let known = if swapped { topics[(i + 1) % 2] } else { topic };
        examples.push(Example {
            text: text.clone(),
            topic: known.to_string(),
            organisation: None,
            at: None,
        });
    }
    Model::train(&examples, &NoProgress).unwrap()
}

#[tokio::test]
async fn retraining_waits_for_labels_then_switches_to_a_model_not_worse() {
    let env = env().await;
    let texts = unique_texts(40);
    // The active model learnt every text with the wrong topic.
    let wrong = {
        env.clock.advance(Duration::minutes(1));
        labelled(&env, &texts, true).await
    };
    env.clock.set(env.clock.now() - Duration::hours(1));
    let old = env.activate(&wrong).await;
    env.clock.advance(Duration::hours(2));
    let db: &Db = &env.test.db;

    let waiting = routing_training::retrain(db, env.clock.now(), 41)
        .await
        .unwrap();
    assert_eq!(
        waiting,
        Retrained::Waiting {
            new: 40,
            needed: 41
        }
    );
    assert_eq!(env.active_id().await, Some(old));

    let Retrained::Activated { id, rival, .. } = routing_training::retrain(db, env.clock.now(), 40)
        .await
        .unwrap()
    else {
        panic!("a model not worse than the old one is activated");
    };
    assert!(rival.is_some());
    assert_eq!(env.active_id().await, Some(id));
    // The one it replaced is kept for rollback.
    let mut tx = env.test.db.write().await.unwrap();
    assert_eq!(
        routing_models::rollback(&mut tx.conn(), env.clock.now())
            .await
            .unwrap(),
        Some(old)
    );
    tx.commit().await.unwrap();
    assert_eq!(env.active_id().await, Some(old));
    // Nothing new since that model: no retraining.
    assert!(matches!(
        routing_training::retrain(db, env.clock.now(), 1)
            .await
            .unwrap(),
        Retrained::Waiting { new: 0, .. }
    ));
}

#[tokio::test]
async fn retraining_keeps_a_worse_model_out() {
    let env = env().await;
    let texts = unique_texts(40);
    // The active model has seen every text, the held-out ones too: a model
    // trained without them cannot match it there.
    let knowing = labelled(&env, &texts, false).await;
    env.clock.set(env.clock.now() - Duration::hours(1));
    let old = env.activate(&knowing).await;
    env.clock.advance(Duration::hours(2));
    let Retrained::Rejected {
        id,
        topic_top1,
        rival,
    } = routing_training::retrain(&env.test.db, env.clock.now(), 40)
        .await
        .unwrap()
    else {
        panic!("a worse model is kept out");
    };
    assert!(topic_top1 < rival);
    assert_eq!(env.active_id().await, Some(old));
    let mut handle = env.test.db.read().await.unwrap();
    let stored = routing_models::recent(&mut handle.conn(), 5).await.unwrap();
    assert_eq!(
        stored
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.status.as_str()),
        Some(routing_models::REJECTED)
    );
}

#[tokio::test]
async fn the_demo_region_comes_with_an_active_model_from_its_own_messages() {
    let test = crate::demo::demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let active = routing_models::active(&mut handle.conn())
        .await
        .unwrap()
        .expect("the demo has an active model");
    let labels = routing_labels::all(&mut handle.conn()).await.unwrap();
    assert!(labels.len() >= 100, "{} labels", labels.len());
    assert!(labels.iter().all(|l| l.verdict == routing_labels::DEMO));
    assert!(active.trained_on > 0 && active.topic_top1.is_some());
    let live = Live::new();
    let loaded = live.current(&mut handle.conn()).await.unwrap().unwrap();
    assert_eq!(loaded.id, active.id);
    assert!(!loaded.model.suggest(&labels[0].text, 3).topics.is_empty());
}

#[tokio::test]
async fn history_holds_labels_and_answered_messages_nobody_labelled_once_each() {
    let env = env().await;
    let labelled = env.submit(env.f.roads_topic, ROADS[0]).await;
    let answered = env.submit(env.f.lighting_topic, LIGHTING[0]).await;
    let unanswered = env.submit(env.f.lighting_topic, LIGHTING[1]).await;
    let now = env.clock.now();
    let mut tx = env.test.db.write().await.unwrap();
    let ctx = Context {
        calendar: &env.calendar,
        time_zone: chrono_tz::Europe::Moscow,
        now,
    };
    moderate(&mut tx.conn(), ctx, labelled, env.f.town_roads).await;
    // Routed by the rules, never moderated, then answered twice (an answer
    // sent back by the resident and answered again): one example, at the first.
    for message in [answered, unanswered] {
        Sql::new("UPDATE messages SET organisation_id = $1 WHERE id = $2")
            .bind(env.f.grid)
            .bind(message)
            .execute(&mut tx.conn())
            .await
            .unwrap();
    }
    for (message, at) in [
        (labelled, now + Duration::days(1)),
        (answered, now + Duration::days(2)),
        (answered, now + Duration::days(9)),
    ] {
        Sql::new(
            "INSERT INTO message_events (message_id, at, action, from_status, to_status, public) \
             VALUES ($1, $2, 'answer', 'in_progress', 'answered', TRUE)",
        )
        .bind(message)
        .bind(at)
        .execute(&mut tx.conn())
        .await
        .unwrap();
    }
    let history = routing_labels::history(&mut tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    let seen: Vec<(i64, i64, Option<i64>, &str)> = history
        .iter()
        .map(|l| {
            (
                l.message_id,
                l.topic_id,
                l.organisation_id,
                l.verdict.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                labelled,
                env.f.roads_topic,
                Some(env.f.town_roads),
                routing_labels::UNSUGGESTED
            ),
            (
                answered,
                env.f.lighting_topic,
                Some(env.f.grid),
                routing_labels::ANSWERED
            ),
        ]
    );
    assert_eq!(history[1].labelled_at, now + Duration::days(2));
    assert_eq!(history[1].text, LIGHTING[0]);
}
