//! The whole life of a message with a fake clock: submitted, routed, an
//! interim answer, overdue and escalated, answered, disputed, answered again,
//! rated and closed — with exactly the expected notifications and counters.

use chrono::Duration;
use vmeste_db::cases::{self, CaseError, Context};
use vmeste_db::intake::{Intake, Source};
use vmeste_db::map;
use vmeste_db::messages::{BBox, Filter};
use vmeste_db::{Db, Sql, counters, escalation, territories, users};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{Command, Refusal, Who};
use vmeste_domain::clock::{Clock, FakeClock};
use vmeste_domain::organisation::Role;
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{Place, Point, ValidMessage};
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};
use vmeste_test_support::fixture::{self, IN_TOWN};
use vmeste_test_support::{TestDb, fake_clock};

const TZ: chrono_tz::Tz = chrono_tz::Europe::Moscow;

async fn person(db: &Db, name: &str, role: Role, org: Option<i64>, clock: &FakeClock) -> i64 {
    let mut tx = db.write().await.unwrap();
    let email = format!("{}@case.test", name.to_lowercase());
    let id = users::insert(
        &mut tx.conn(),
        &users::NewUser {
            email: Some(&email),
            password_hash: None,
            name,
            phone: None,
            locale: "ru",
            created_at: clock.now(),
        },
    )
    .await
    .unwrap();
    users::grant(&mut tx.conn(), id, role, org, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Several people with their roles, in order.
async fn people<const N: usize>(
    db: &Db,
    clock: &FakeClock,
    who: [(&str, Role, Option<i64>); N],
) -> [i64; N] {
    let mut ids = [0; N];
    for (slot, (name, role, org)) in ids.iter_mut().zip(who) {
        *slot = person(db, name, role, org, clock).await;
    }
    ids
}

/// A message at a point in the fixture's town.
fn in_town(topic_id: i64, text: &str, address: Option<&str>) -> ValidMessage {
    ValidMessage {
        topic_id,
        text: text.into(),
        place: Place::Point(Point {
            lat: IN_TOWN.0,
            lon: IN_TOWN.1,
        }),
        address: address.map(Into::into),
    }
}

fn intake(
    clock: &std::sync::Arc<FakeClock>,
    calendar: &ProductionCalendar,
    index: &TerritoryIndex,
) -> Intake {
    Intake {
        clock: clock.clone(),
        calendar: std::sync::Arc::new(calendar.clone()),
        territories: std::sync::Arc::new(index.clone()),
        time_zone: TZ,
        model: None,
        reference: std::sync::Arc::default(),
    }
}

async fn index(db: &Db) -> TerritoryIndex {
    let mut handle = db.read().await.unwrap();
    let shapes = territories::geometries(&mut handle.conn()).await.unwrap();
    TerritoryIndex::new(
        shapes
            .into_iter()
            .map(|g| (g.id, parse_geometry(&g.geometry).unwrap())),
    )
}

struct Scenario {
    test: TestDb,
    clock: std::sync::Arc<FakeClock>,
    calendar: ProductionCalendar,
    message: i64,
}

/// How a scenario's case comes in: a message (with its author, if any) or
/// a formal appeal by its author.
enum Filed {
    Message(Option<i64>),
    Appeal(i64),
}

impl Scenario {
    /// A case taken in by intake at the clock's time.
    async fn filed(
        test: TestDb,
        clock: &std::sync::Arc<FakeClock>,
        message: &ValidMessage,
        filed: Filed,
    ) -> Self {
        let index = index(&test.db).await;
        let calendar = ProductionCalendar::russian_federal();
        let intake = intake(clock, &calendar, &index);
        let view = match filed {
            Filed::Message(author) => intake.submit(&test.db, message, author, Source::Web).await,
            Filed::Appeal(author) => {
                intake
                    .submit_appeal(&test.db, message, author, Source::Web)
                    .await
            }
        }
        .unwrap();
        Self {
            test,
            clock: clock.clone(),
            calendar,
            message: view.id,
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            calendar: &self.calendar,
            time_zone: TZ,
            now: self.clock.now(),
        }
    }

    async fn act(
        &self,
        who: Who,
        actor: i64,
        command: Command,
    ) -> Result<MessageStatus, CaseError> {
        let mut tx = self.test.db.write().await.unwrap();
        let case = cases::get(&mut tx.conn(), self.message)
            .await
            .unwrap()
            .unwrap();
        let outcome = cases::apply(
            &mut tx.conn(),
            self.ctx(),
            &case,
            who,
            Some(actor),
            &command,
        )
        .await?;
        tx.commit().await.unwrap();
        Ok(outcome.to)
    }

    async fn notifications(&self, user: i64) -> Vec<String> {
        let mut handle = self.test.db.read().await.unwrap();
        Sql::new("SELECT kind FROM notifications WHERE user_id = $1 ORDER BY id")
            .bind(user)
            .scalars(&mut handle.conn())
            .await
            .unwrap()
    }

    async fn case(&self) -> cases::Case {
        let mut handle = self.test.db.read().await.unwrap();
        cases::get(&mut handle.conn(), self.message)
            .await
            .unwrap()
            .unwrap()
    }
}

const MODERATE: Who = Who {
    moderate: true,
    triage: true,
    answer: false,
    approve: false,
    author: false,
    system: false,
};
const ANSWER: Who = Who {
    moderate: false,
    triage: false,
    answer: true,
    approve: false,
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
async fn a_message_lives_from_submission_to_closure() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let resident = person(&test.db, "Мария", Role::Resident, None, &clock).await;
    let [moderator, executor, head, outsider] = people(
        &test.db,
        &clock,
        [
            ("Модератор", Role::Moderator, Some(f.district_admin)),
            ("Исполнитель", Role::Executor, Some(f.town_roads)),
            ("Начальник", Role::Head, Some(f.town_roads)),
            ("Посторонний", Role::Executor, Some(f.grid)),
        ],
    )
    .await;

    let s = Scenario::filed(
        test,
        &clock,
        &in_town(
            f.roads_topic,
            "Глубокая яма у остановки",
            Some("ул. Садовая, 1"),
        ),
        Filed::Message(Some(resident)),
    )
    .await;
    assert_eq!(s.case().await.status, "moderation");

    // Only the regional centre routes.
    let route = Command::Route {
        organisation_id: f.town_roads,
    };
    assert!(matches!(
        s.act(ANSWER, executor, route.clone()).await,
        Err(CaseError::Refused(Refusal::NotAllowed))
    ));
    assert_eq!(
        s.act(MODERATE, moderator, route).await.unwrap(),
        MessageStatus::Routed
    );
    let due = s.case().await.due_date.unwrap();

    s.clock.advance(Duration::days(1));
    let planned = s.clock.now().with_timezone(&TZ).date_naive() + Duration::days(20);
    let interim = Command::InterimAnswer {
        text: "Ремонт включён в план.".into(),
        planned,
    };
    assert_eq!(
        s.act(ANSWER, executor, interim).await.unwrap(),
        MessageStatus::InProgress
    );

    // The deadline passes: one sweep escalates, a second one sends nothing again.
    let due_at = vmeste_domain::deadline::due_at(due, TZ);
    s.clock.set(due_at + Duration::days(2));
    let sweep = escalation::sweep(&s.test.db, s.ctx()).await.unwrap();
    assert_eq!((sweep.overdue, sweep.reminded), (1, 0));
    let again = escalation::sweep(&s.test.db, s.ctx()).await.unwrap();
    assert_eq!(again, escalation::Sweep::default());

    assert_eq!(
        s.act(
            ANSWER,
            executor,
            Command::Answer {
                text: "Яма заделана.".into()
            }
        )
        .await
        .unwrap(),
        MessageStatus::Answered
    );
    // The resident disputes within the window; the case comes back with a new term.
    s.clock.advance(Duration::days(1));
    let dispute = Command::Dispute {
        reason: "Яму засыпали песком, она снова есть.".into(),
    };
    assert_eq!(
        s.act(AUTHOR, resident, dispute).await.unwrap(),
        MessageStatus::Disputed
    );
    assert!(s.case().await.due_date.unwrap() > due);
    assert_eq!(
        s.act(
            ANSWER,
            executor,
            Command::Answer {
                text: "Уложен асфальт.".into()
            }
        )
        .await
        .unwrap(),
        MessageStatus::Answered
    );
    // Only the author rates.
    let rate = Command::Rate {
        score: 5,
        resolved: true,
    };
    assert!(matches!(
        s.act(ANSWER, outsider, rate.clone()).await,
        Err(CaseError::Refused(Refusal::NotAllowed))
    ));
    assert_eq!(
        s.act(AUTHOR, resident, rate).await.unwrap(),
        MessageStatus::Closed
    );

    assert_eq!(
        s.notifications(resident).await,
        ["routed", "interim_answer", "answered", "answered", "closed"]
    );
    assert_eq!(
        s.notifications(executor).await,
        ["new_in_inbox", "disputed"]
    );
    assert_eq!(
        s.notifications(head).await,
        ["new_in_inbox", "overdue", "disputed"]
    );
    assert_eq!(s.notifications(moderator).await, ["overdue"]);
    assert!(s.notifications(outsider).await.is_empty());

    let totals = {
        let mut handle = s.test.db.read().await.unwrap();
        counters::totals(&mut handle.conn(), Some(f.town_roads))
            .await
            .unwrap()
    };
    assert_eq!(
        totals,
        counters::Change {
            received: 1,
            answered: 2,
            answered_on_time: 1,
            overdue: 1,
            disputed: 1,
            rating_sum: 5,
            rating_count: 1,
        }
    );
    crate::statistics::assert_rollups_agree(&s.test.db).await;
    // Every step is in the public history, in order.
    let mut handle = s.test.db.read().await.unwrap();
    let actions: Vec<String> =
        Sql::new("SELECT action FROM message_events WHERE message_id = $1 ORDER BY id")
            .bind(s.message)
            .scalars(&mut handle.conn())
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "created",
            "send_to_moderation",
            "route",
            "interim_answer",
            "answer",
            "dispute",
            "answer",
            "rate",
            "close"
        ]
    );
}

#[tokio::test]
async fn answers_close_after_the_dispute_window_and_silent_clarifications_end_in_rejection() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let resident = person(&test.db, "Пётр", Role::Resident, None, &clock).await;
    let moderator = person(
        &test.db,
        "Модератор",
        Role::Moderator,
        Some(f.district_admin),
        &clock,
    )
    .await;
    let executor = person(
        &test.db,
        "Исполнитель",
        Role::Executor,
        Some(f.town_roads),
        &clock,
    )
    .await;
    let index = index(&test.db).await;
    let calendar = ProductionCalendar::russian_federal();
    let intake = intake(&clock, &calendar, &index);
    let message = |text: &str| in_town(f.roads_topic, text, None);
    let answered = intake
        .submit(
            &test.db,
            &message("Яма у школы"),
            Some(resident),
            Source::Web,
        )
        .await
        .unwrap();
    let unclear = intake
        .submit(&test.db, &message("Плохо всё"), Some(resident), Source::Web)
        .await
        .unwrap();
    let a = Scenario {
        test,
        clock: clock.clone(),
        calendar: ProductionCalendar::russian_federal(),
        message: answered.id,
    };
    a.act(
        MODERATE,
        moderator,
        Command::Route {
            organisation_id: f.town_roads,
        },
    )
    .await
    .unwrap();
    a.act(
        ANSWER,
        executor,
        Command::Answer {
            text: "Сделано.".into(),
        },
    )
    .await
    .unwrap();
    let b = Scenario {
        message: unclear.id,
        ..a
    };
    let ask = Command::RequestClarification {
        question: "Уточните, что именно и где.".into(),
        days: 3,
    };
    assert_eq!(
        b.act(MODERATE, moderator, ask).await.unwrap(),
        MessageStatus::ClarificationRequested
    );

    clock.advance(Duration::days(3));
    let early = escalation::sweep(&b.test.db, b.ctx()).await.unwrap();
    assert_eq!((early.closed, early.rejected), (0, 0));
    clock.advance(Duration::days(3));
    let late = escalation::sweep(&b.test.db, b.ctx()).await.unwrap();
    assert_eq!((late.closed, late.rejected), (1, 1));
    let mut handle = b.test.db.read().await.unwrap();
    let statuses: Vec<String> =
        Sql::new("SELECT status FROM messages WHERE id IN ($1, $2) ORDER BY id")
            .bind(answered.id)
            .bind(unclear.id)
            .scalars(&mut handle.conn())
            .await
            .unwrap();
    assert_eq!(statuses, ["closed", "rejected"]);
}

const HEAD: Who = Who {
    moderate: false,
    triage: true,
    answer: true,
    approve: true,
    author: false,
    system: false,
};

#[tokio::test]
async fn an_appeal_is_copied_to_another_body_and_declined_on_a_ground_of_the_law() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let resident = person(&test.db, "Анна", Role::Resident, None, &clock).await;
    let moderator = person(&test.db, "Модератор", Role::Moderator, None, &clock).await;
    let head = person(
        &test.db,
        "Начальник",
        Role::Head,
        Some(f.town_roads),
        &clock,
    )
    .await;
    let grid = person(&test.db, "Энергетик", Role::Operator, Some(f.grid), &clock).await;
    let s = Scenario::filed(
        test,
        &clock,
        &in_town(
            f.roads_topic,
            "Прошу отремонтировать дорогу и восстановить освещение",
            None,
        ),
        Filed::Appeal(resident),
    )
    .await;
    let appeal = s.case().await;
    s.act(
        MODERATE,
        moderator,
        Command::Route {
            organisation_id: f.town_roads,
        },
    )
    .await
    .unwrap();
    // Messages have no copies; an appeal does, within 7 days of registration.
    clock.advance(Duration::days(3));
    let copy = Command::SendCopy {
        organisation_id: f.grid,
        reason: "Освещение — в ведении сетевой организации".into(),
    };
    assert_eq!(
        s.act(HEAD, head, copy.clone()).await.unwrap(),
        MessageStatus::Routed
    );
    let (number, org, copy_of, kind, public, due): (
        String,
        i64,
        i64,
        String,
        bool,
        chrono::NaiveDate,
    ) = {
        let mut handle = s.test.db.read().await.unwrap();
        Sql::new(
            "SELECT number, organisation_id, copy_of, kind, public, due_date FROM messages WHERE copy_of IS NOT NULL",
        )
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    assert_ne!(number, appeal.number, "the copy has a number of its own");
    assert_eq!(
        (org, copy_of, kind.as_str(), public),
        (f.grid, appeal.id, "appeal", false)
    );
    // Copied on Thursday 19 March: 30 days end on Saturday 18 April, so Monday.
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2026, 4, 20).unwrap());
    assert_eq!(s.notifications(grid).await, ["new_in_inbox"]);
    assert_eq!(s.notifications(resident).await, ["routed", "copy_sent"]);
    // Never a copy to the body that has the original.
    let own = Command::SendCopy {
        organisation_id: f.town_roads,
        reason: "…".into(),
    };
    assert!(matches!(
        s.act(HEAD, head, own).await,
        Err(CaseError::UnknownTarget(_))
    ));
    clock.advance(Duration::days(5));
    assert!(matches!(
        s.act(HEAD, head, copy).await,
        Err(CaseError::Refused(Refusal::RedirectWindowClosed))
    ));

    // Only the head declines on the merits, and only an appeal.
    let decline = Command::DeclineOnMerits {
        ground: vmeste_domain::case::NoMeritsGround::Repeated,
        comment: Some("Ответ дан 12.01.2026 № 15".into()),
    };
    assert!(matches!(
        s.act(ANSWER, head, decline.clone()).await,
        Err(CaseError::Refused(Refusal::NotAllowed))
    ));
    assert_eq!(
        s.act(HEAD, head, decline).await.unwrap(),
        MessageStatus::Answered
    );
    let case = s.case().await;
    assert!(case.answered_at.is_some());
    let (ground, comment): (Option<String>, Option<String>) = {
        let mut handle = s.test.db.read().await.unwrap();
        Sql::new(
            "SELECT m.no_merits_ground, e.comment FROM messages m JOIN message_events e ON e.message_id = m.id \
             WHERE m.id = $1 ORDER BY e.id DESC LIMIT 1",
        )
        .bind(appeal.id)
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    assert_eq!(ground.as_deref(), Some("repeated"));
    let comment = comment.unwrap();
    assert!(
        comment.contains("переписка прекращена") && comment.contains("№ 15"),
        "{comment}"
    );
    assert_eq!(
        s.notifications(resident).await,
        ["routed", "copy_sent", "answered"]
    );
    crate::statistics::assert_rollups_agree(&s.test.db).await;
}

#[tokio::test]
async fn a_redirect_counts_the_message_received_by_both_and_the_statistics_follow() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let moderator = person(&test.db, "Модератор", Role::Moderator, None, &clock).await;
    let operator = person(
        &test.db,
        "Оператор",
        Role::Operator,
        Some(f.town_roads),
        &clock,
    )
    .await;
    // Routed in one month, redirected in the next.
    clock.set(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 30)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc(),
    );
    let s = Scenario::filed(
        test,
        &clock,
        &in_town(f.roads_topic, "Не горит фонарь у дома", None),
        Filed::Message(None),
    )
    .await;
    crate::statistics::assert_rollups_agree(&s.test.db).await;
    let route = Command::Route {
        organisation_id: f.town_roads,
    };
    s.act(MODERATE, moderator, route).await.unwrap();
    clock.advance(Duration::days(3));
    let redirect = Command::Redirect {
        organisation_id: f.grid,
        reason: "Освещение — в ведении сетевой организации".into(),
    };
    let triage = Who {
        triage: true,
        ..Who::default()
    };
    assert_eq!(
        s.act(triage, operator, redirect).await.unwrap(),
        MessageStatus::Routed
    );
    crate::statistics::assert_rollups_agree(&s.test.db).await;
    let mut handle = s.test.db.read().await.unwrap();
    let mut c = handle.conn();
    for org in [Some(f.town_roads), Some(f.grid)] {
        assert_eq!(counters::totals(&mut c, org).await.unwrap().received, 1);
    }
    assert_eq!(counters::totals(&mut c, None).await.unwrap().received, 2);
    // A line for each day, and one for each organisation.
    let ever = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let days = counters::by(&mut c, counters::Slice::Day, ever)
        .await
        .unwrap();
    assert_eq!(days.len(), 2);
    let organisations = counters::by(&mut c, counters::Slice::Organisation, ever)
        .await
        .unwrap();
    let mut names: Vec<(String, Option<i64>)> = organisations
        .iter()
        .map(|l| (l.key.clone(), l.received))
        .collect();
    names.sort();
    let mut expected = vec![
        (f.town_roads.to_string(), Some(1)),
        (f.grid.to_string(), Some(1)),
    ];
    expected.sort();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn duplicates_merge_their_people_into_the_original_who_then_hear_its_progress() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let first = person(&test.db, "Первый", Role::Resident, None, &clock).await;
    let second = person(&test.db, "Второй", Role::Resident, None, &clock).await;
    let neighbour = person(&test.db, "Сосед", Role::Resident, None, &clock).await;
    let moderator = person(&test.db, "Модератор", Role::Moderator, None, &clock).await;
    let executor = person(
        &test.db,
        "Исполнитель",
        Role::Executor,
        Some(f.town_roads),
        &clock,
    )
    .await;
    let index = index(&test.db).await;
    let calendar = ProductionCalendar::russian_federal();
    let intake = intake(&clock, &calendar, &index);
    let message = in_town(f.roads_topic, "Яма на перекрёстке", None);
    let original = intake
        .submit(&test.db, &message, Some(first), Source::Web)
        .await
        .unwrap();
    let repeat = intake
        .submit(&test.db, &message, Some(second), Source::Web)
        .await
        .unwrap();
    let mut s = Scenario {
        test,
        clock: clock.clone(),
        calendar: ProductionCalendar::russian_federal(),
        message: repeat.id,
    };
    s.act(
        MODERATE,
        moderator,
        Command::MarkDuplicate { of: original.id },
    )
    .await
    .unwrap();
    s.message = original.id;
    {
        let mut tx = s.test.db.write().await.unwrap();
        vmeste_db::followers::follow(&mut tx.conn(), original.id, neighbour, clock.now())
            .await
            .unwrap();
        // Following twice is following once.
        vmeste_db::followers::follow(&mut tx.conn(), original.id, neighbour, clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    s.act(
        MODERATE,
        moderator,
        Command::Route {
            organisation_id: f.town_roads,
        },
    )
    .await
    .unwrap();
    s.act(
        ANSWER,
        executor,
        Command::Answer {
            text: "Заделали".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(s.notifications(first).await, ["routed", "answered"]);
    assert_eq!(
        s.notifications(second).await,
        ["duplicate", "routed", "answered"]
    );
    assert_eq!(s.notifications(neighbour).await, ["routed", "answered"]);
    let on_original: i64 = {
        let mut handle = s.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND message_id = $2")
            .bind(second)
            .bind(original.id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(on_original, 2, "the merged author hears of the original");
}

#[tokio::test]
async fn moderators_hear_once_of_an_appeal_not_registered_within_three_days() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let resident = person(&test.db, "Ирина", Role::Resident, None, &clock).await;
    let moderator = person(&test.db, "Модератор", Role::Moderator, None, &clock).await;
    let s = Scenario::filed(
        test,
        &clock,
        &in_town(f.roads_topic, "Прошу принять меры", None),
        Filed::Appeal(resident),
    )
    .await;
    let sweep = async || escalation::sweep(&s.test.db, s.ctx()).await.unwrap();
    clock.advance(Duration::days(3));
    assert_eq!(sweep().await.unregistered, 0, "3 days are allowed");
    clock.advance(Duration::days(1));
    assert_eq!(sweep().await.unregistered, 1);
    assert_eq!(sweep().await.unregistered, 0, "once");
    assert_eq!(s.notifications(moderator).await, ["registration_overdue"]);
}

#[tokio::test]
async fn the_maps_grid_follows_messages_shown_corrected_and_hidden() {
    let test = TestDb::new().await;
    let f = fixture::small_region(&test.db).await;
    let clock = fake_clock();
    let moderator = person(&test.db, "Модератор", Role::Moderator, None, &clock).await;
    let index = index(&test.db).await;
    let calendar = ProductionCalendar::russian_federal();
    let intake = intake(&clock, &calendar, &index);
    let mut ids = Vec::new();
    // Far enough apart to be alone in their cells at the district's zoom.
    for point in [IN_TOWN, fixture::IN_DISTRICT, (55.7, 42.7)] {
        let message = ValidMessage {
            place: Place::Point(Point {
                lat: point.0,
                lon: point.1,
            }),
            ..in_town(f.roads_topic, "Яма на дороге", None)
        };
        let submitted = intake
            .submit(&test.db, &message, None, Source::Web)
            .await
            .unwrap();
        ids.push(submitted.id);
    }
    let act = async |id: i64, command: Command| {
        let mut tx = test.db.write().await.unwrap();
        let case = cases::get(&mut tx.conn(), id).await.unwrap().unwrap();
        let ctx = Context {
            calendar: &calendar,
            time_zone: TZ,
            now: clock.now(),
        };
        cases::apply(
            &mut tx.conn(),
            ctx,
            &case,
            MODERATE,
            Some(moderator),
            &command,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    };
    let district = BBox {
        west: 42.5,
        south: 55.5,
        east: 44.0,
        north: 57.0,
    };
    let on_map = async || {
        crate::map::assert_grid_is_live(&test.db, &[crate::map::EVERYWHERE, district]).await;
        let mut handle = test.db.read().await.unwrap();
        let clusters = map::clusters(&mut handle.conn(), &Filter::default(), district, 18)
            .await
            .unwrap();
        clusters
            .iter()
            .filter_map(|c| c.lone.as_ref().map(|m| m.first_id))
            .collect::<Vec<i64>>()
    };
    // In moderation: not on the map yet.
    assert!(on_map().await.is_empty());
    for &id in &ids {
        let route = Command::Route {
            organisation_id: f.town_roads,
        };
        act(id, route).await;
    }
    let mut all = on_map().await;
    all.sort_unstable();
    assert_eq!(all, ids);
    // A corrected topic and territory leave the point where it is.
    let correct = Command::Correct {
        topic_id: f.lighting_topic,
        territory_id: Some(f.district),
    };
    act(ids[0], correct).await;
    assert_eq!(on_map().await.len(), 3);
    // An appeal is private: it leaves the map.
    act(ids[1], Command::ConvertToAppeal).await;
    let left = on_map().await;
    assert_eq!(left.len(), 2);
    assert!(!left.contains(&ids[1]));
}
