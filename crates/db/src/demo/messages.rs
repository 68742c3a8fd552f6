//! Demo messages: spread over a year, over the city and the districts, over
//! topics (roads and housing most of all, as on real portals) and over every
//! stage of their life, each with a consistent history.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::CaseKind;
use vmeste_domain::deadline;
use vmeste_domain::status::{Action, MessageStatus};
use vmeste_routing::territory::TerritoryIndex;

use super::People;
use super::data::{self, StreetsEntry};
use crate::{Conn, DbError, catalogue, events, houses, intake, messages, users};

/// Fixed, so every demo load produces the same region.
const SEED: u64 = 0x0056_454d_4553_5445;

pub(super) struct Context<'a> {
    pub now: DateTime<Utc>,
    pub tz: chrono_tz::Tz,
    pub calendar: &'a ProductionCalendar,
    pub index: &'a TerritoryIndex,
    pub territory_ids: &'a HashMap<String, i64>,
    pub streets: &'a [StreetsEntry],
    pub people: &'a People,
}

const FIRST_NAMES: [&str; 12] = [
    "Анна",
    "Иван",
    "Мария",
    "Сергей",
    "Елена",
    "Дмитрий",
    "Ольга",
    "Алексей",
    "Наталья",
    "Павел",
    "Татьяна",
    "Андрей",
];
const LAST_NAMES: [&str; 10] = [
    "Демова",
    "Примерный",
    "Тестова",
    "Образцов",
    "Вымыслова",
    "Условный",
    "Пробная",
    "Макетов",
    "Шаблонова",
    "Эскизов",
];

/// Invented residents who author demo messages; their names, e-mails and
/// phones exist so that hiding personal data can be seen and tested.
pub(super) async fn residents(
    conn: &mut Conn<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::new();
    for i in 0..20 {
        let name = format!(
            "{} {}",
            FIRST_NAMES[i % FIRST_NAMES.len()],
            LAST_NAMES[i % LAST_NAMES.len()]
        );
        let email = format!("resident{}@demo.vmeste.example", i + 1);
        let phone = format!("+7 900 000-{:02}-{:02}", i / 10, i % 100);
        ids.push(
            users::insert(
                conn,
                &users::NewUser {
                    email: Some(&email),
                    password_hash: None,
                    name: &name,
                    phone: Some(&phone),
                    locale: "ru",
                    created_at: now,
                },
            )
            .await?,
        );
    }
    Ok(ids)
}

/// How often residents write about each category, by category position:
/// roads and apartment buildings lead, as on every regional portal.
pub(crate) fn category_weight(position: i32) -> f64 {
    match position {
        1 | 6 => 10.0,
        4 => 7.0,
        3 | 7 | 11 => 6.0,
        2 | 8 => 5.0,
        5 | 12 | 13 => 4.0,
        9 => 3.0,
        _ => 2.0,
    }
}

/// A status and the actions that led to it, for a message of a given age.
pub(crate) fn life(age_days: i64, rng: &mut ChaCha8Rng) -> Vec<Action> {
    use Action::{
        Answer, Close, Dispute, InterimAnswer, MarkDuplicate, Reject, RequestClarification, Route,
        StartWork,
    };
    let roll: f64 = rng.random();
    let tail: &[Action] = match age_days {
        0..=1 if roll < 0.7 => &[],
        0..=1 => &[Route],
        2..=9 => match roll {
            r if r < 0.2 => &[Route],
            r if r < 0.6 => &[Route, StartWork],
            r if r < 0.9 => &[Route, StartWork, Answer],
            r if r < 0.95 => &[Reject],
            _ => &[RequestClarification],
        },
        10..=39 => match roll {
            r if r < 0.15 => &[Route, StartWork, InterimAnswer],
            r if r < 0.45 => &[Route, StartWork, Answer],
            r if r < 0.85 => &[Route, StartWork, Answer, Close],
            r if r < 0.92 => &[Route, StartWork, Answer, Dispute],
            _ => &[Reject],
        },
        _ => match roll {
            r if r < 0.72 => &[Route, StartWork, Answer, Close],
            r if r < 0.8 => &[Route, StartWork, Answer, Dispute, StartWork, Answer, Close],
            r if r < 0.87 => &[Reject],
            r if r < 0.9 => &[MarkDuplicate],
            r if r < 0.95 => &[Route, StartWork, InterimAnswer],
            _ => &[Route, StartWork, Answer],
        },
    };
    [Action::Submit, Action::SendToModeration]
        .into_iter()
        .chain(tail.iter().copied())
        .collect()
}

const ANSWERS: [&str; 6] = [
    "Работы выполнены. Благодарим за обращение.",
    "Проведено обследование, выявленные нарушения устранены подрядной организацией.",
    "Выдано предписание ответственной организации, исполнение взято на контроль.",
    "Проблема устранена. Фотоотчёт о выполненных работах приложен.",
    "Работы включены в план на текущий сезон и будут выполнены в установленный срок.",
    "Специалисты выехали на место, неисправность устранена.",
];
const REJECTIONS: [&str; 3] = [
    "Сообщение не содержит сути проблемы.",
    "Вопрос не относится к компетенции органов власти региона.",
    "В сообщении несколько разных вопросов: подайте их отдельно.",
];

pub(crate) fn comment(action: Action, at: DateTime<Utc>, rng: &mut ChaCha8Rng) -> Option<String> {
    match action {
        Action::Answer => ANSWERS.choose(rng).map(|s| (*s).to_string()),
        Action::Reject => REJECTIONS.choose(rng).map(|s| (*s).to_string()),
        Action::RequestClarification => {
            Some("Уточните, пожалуйста, точное место проблемы.".to_string())
        }
        Action::InterimAnswer => {
            let planned = (at + Duration::days(rng.random_range(14..60))).format("%d.%m.%Y");
            Some(format!("Работы запланированы на {planned}."))
        }
        Action::Dispute => Some("Проблема не решена, прошу проверить ещё раз.".to_string()),
        Action::MarkDuplicate => {
            Some("Об этой проблеме уже сообщили, следите за исходным сообщением.".to_string())
        }
        _ => None,
    }
}

/// Picks a point inside a territory by rejection sampling over its bounds.
pub(crate) fn point_in(
    index: &TerritoryIndex,
    territory: i64,
    rng: &mut ChaCha8Rng,
) -> Option<(f64, f64)> {
    let (min_lat, min_lon, max_lat, max_lon) = index.bounds(territory)?;
    (0..1000).find_map(|_| {
        let lat = rng.random_range(min_lat..max_lat);
        let lon = rng.random_range(min_lon..max_lon);
        (index.most_specific(lat, lon) == Some(territory)).then_some((lat, lon))
    })
}

pub(super) async fn generate(
    conn: &mut Conn<'_>,
    ctx: &Context<'_>,
    count: usize,
) -> Result<usize, DbError> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let categories = catalogue::categories(conn).await?;
    let topics: Vec<catalogue::Topic> = catalogue::topics(conn)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    let category_positions: HashMap<i64, i32> =
        categories.iter().map(|c| (c.id, c.position)).collect();
    let topic_weights: Vec<f64> = topics
        .iter()
        .map(|t| category_weight(category_positions[&t.category_id]) / f64::from(t.position))
        .collect();
    let topic_pick = WeightedIndex::new(&topic_weights)
        .map_err(|e| DbError::Corrupt(format!("demo topics: {e}")))?;
    let samples: HashMap<String, Vec<String>> = data::catalogue()?
        .into_iter()
        .flat_map(|c| c.topics.into_iter().map(|t| (t.slug, t.samples)))
        .collect();
    // City micro-districts take most messages, as cities do.
    let places: Vec<(i64, &StreetsEntry)> = ctx
        .streets
        .iter()
        .filter_map(|s| ctx.territory_ids.get(&s.territory).map(|&id| (id, s)))
        .collect();
    let place_weights: Vec<f64> = places
        .iter()
        .map(|(_, s)| {
            if s.territory.starts_with("city") {
                4.0
            } else {
                1.5
            }
        })
        .collect();
    let place_pick = WeightedIndex::new(&place_weights)
        .map_err(|e| DbError::Corrupt(format!("demo streets: {e}")))?;

    let mut ages: Vec<i64> = (0..count)
        .map(|_| rng.random_range(0..365 * 24 * 60))
        .collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    let mut created = 0;
    for age_minutes in ages {
        let created_at = ctx.now - Duration::minutes(age_minutes);
        let topic = &topics[topic_pick.sample(&mut rng)];
        let (territory, streets) = places[place_pick.sample(&mut rng)];
        let Some((lat, lon)) = point_in(ctx.index, territory, &mut rng) else {
            continue;
        };
        let address = format!(
            "{}, д. {}",
            streets.names.choose(&mut rng).map_or("", String::as_str),
            rng.random_range(1..120)
        );
        let template = samples
            .get(&topic.slug)
            .and_then(|s| s.choose(&mut rng))
            .map_or("", String::as_str);
        let text = template.replace("{address}", &address);
        let containing = ctx.index.containing(lat, lon);
        let house = houses::find(conn, Some(&address), lat, lon).await?;
        let route = intake::route(
            conn,
            topic.id,
            &topic.responsible,
            &containing,
            house.as_ref(),
        )
        .await?;
        let author = ctx.people.residents.choose(&mut rng).copied();
        let year = created_at.with_timezone(&ctx.tz).year();
        let number = messages::next_number(conn, year).await?;
        let due = deadline::due_date(created_at, ctx.tz, topic.deadline()?, ctx.calendar);
        let actions = life(age_minutes / (24 * 60), &mut rng);
        let mut status = MessageStatus::Draft;
        let mut history = Vec::new();
        let span = (ctx.now - created_at).num_minutes().max(1);
        for (step, action) in actions.iter().enumerate() {
            let from = status;
            status = from
                .apply(*action)
                .map_err(|e| DbError::Corrupt(format!("demo life: {e}")))?;
            let offset = if step < 2 {
                step as i64
            } else {
                span * step as i64 / (actions.len() as i64 + 1)
            };
            history.push((
                *action,
                from,
                status,
                created_at + Duration::minutes(offset),
            ));
        }
        let updated_at = history.last().map_or(created_at, |h| h.3);
        let id = messages::insert(
            conn,
            &messages::NewMessage {
                number: &number,
                kind: CaseKind::Message,
                topic_id: topic.id,
                organisation_id: route.as_ref().map(|r| r.organisation_id),
                territory_id: containing.first().copied(),
                house_id: None,
                author_id: author,
                text: &text,
                lat,
                lon,
                address: Some(&address),
                status,
                public: topic.public,
                source: intake::Source::Web.as_str(),
                due_date: Some(due),
                routing_note: route.as_ref().map(|r| r.note.as_str()),
                created_at,
                updated_at,
            },
        )
        .await?;
        for (action, from, to, at) in history {
            let actor = match action {
                Action::Submit | Action::Dispute => author,
                Action::SendToModeration => None,
                Action::Answer | Action::InterimAnswer | Action::StartWork => {
                    ctx.people.executors.first().copied()
                }
                _ => Some(ctx.people.moderator),
            };
            let note = comment(action, at, &mut rng);
            events::insert(
                conn,
                &events::NewEvent {
                    message_id: id,
                    at,
                    actor_id: actor,
                    action: if action == Action::Submit {
                        events::CREATED
                    } else {
                        action.as_str()
                    },
                    from_status: (action != Action::Submit).then_some(from),
                    to_status: to,
                    comment: note.as_deref(),
                    public: true,
                },
            )
            .await?;
        }
        created += 1;
    }
    Ok(created)
}
