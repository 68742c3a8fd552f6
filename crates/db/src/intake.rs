//! Taking in a resident's message: check it against the catalogue and the map,
//! route it, number it, set its deadline and record its history, all in one
//! transaction.

use std::sync::Arc;

use chrono::Datelike;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::CaseKind;
use vmeste_domain::clock::Clock;
use vmeste_domain::deadline::{self, DeadlineRule};
use vmeste_domain::status::{Action, MessageStatus};
use vmeste_domain::validation::{ErrorCode, FieldError, Place, ValidMessage};
use vmeste_routing::territory::TerritoryIndex;

use crate::messages::{self, MessageView, NewMessage};
use auto_route::{Considered, Verdict};

mod auto_route;
mod reference;
use crate::{
    Conn, Db, DbError, Sql, catalogue, events, houses, organisations, routing_models,
    routing_rules, search,
};
pub use reference::Reference;
use reference::Snapshot;

/// What intake needs besides the database; built once at start and cheap to
/// clone, so that a message can be handed to the batch writer with it.
#[derive(Debug, Clone)]
pub struct Intake {
    pub clock: Arc<dyn Clock>,
    pub calendar: Arc<ProductionCalendar>,
    pub territories: Arc<TerritoryIndex>,
    pub time_zone: chrono_tz::Tz,
    /// The routing classifier, when the product uses it: its suggestion is
    /// kept with the message and, above a topic's threshold, routes it.
    pub model: Option<Arc<routing_models::Live>>,
    /// The reference data kept between messages.
    pub reference: Arc<Reference>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("invalid message")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Web,
    Api,
    Open311,
    /// The widget on an organisation's own site.
    Widget,
    /// A post in a social network, turned into a message by a moderator.
    Social,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Api => "api",
            Source::Open311 => "open311",
            Source::Widget => "widget",
            Source::Social => "social",
        }
    }
}

/// What intake decides by reading alone, before the message joins the
/// writer's queue.
struct Plan {
    topic: catalogue::Topic,
    public: bool,
    deadline: DeadlineRule,
    lat: f64,
    lon: f64,
    territory_id: Option<i64>,
    house_id: Option<i64>,
    route: Option<Route>,
    /// Shared with every message planned at the same reference version.
    calendar: Arc<ProductionCalendar>,
}

/// The organisation chosen for a message and why, in words a resident and a
/// moderator understand.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub organisation_id: i64,
    pub note: String,
}

/// A message checked, routed and judged on a reader, waiting for the writer.
pub struct Planned {
    intake: Intake,
    message: ValidMessage,
    plan: Plan,
    verdict: Option<Verdict>,
    author_id: Option<i64>,
    source: Source,
    kind: CaseKind,
    /// What the search index keeps of it, stemmed here rather than on the writer.
    document: String,
}

/// Numbers, times and records planned messages together — one statement
/// each for their numbers, their rows, their histories, their search
/// entries and reading them back, however many there are — and returns
/// them in order.
pub(crate) async fn write_all(
    conn: &mut Conn<'_>,
    planned: &[Planned],
) -> Result<Vec<MessageView>, IntakeError> {
    let Some(first) = planned.first() else {
        return Ok(Vec::new());
    };
    // One clock and one time zone for a batch: its messages arrive together.
    let now = first.intake.clock.now();
    let time_zone = first.intake.time_zone;
    let numbers =
        messages::next_numbers(conn, now.with_timezone(&time_zone).year(), planned.len()).await?;
    let submitted = MessageStatus::Draft
        .apply(Action::Submit)
        .map_err(corrupt)?;
    let status = submitted.apply(Action::SendToModeration).map_err(corrupt)?;
    let rows: Vec<NewMessage<'_>> = planned
        .iter()
        .zip(&numbers)
        .map(|(p, number)| NewMessage {
            number,
            kind: p.kind,
            topic_id: p.plan.topic.id,
            organisation_id: p.plan.route.as_ref().map(|r| r.organisation_id),
            territory_id: p.plan.territory_id,
            house_id: p.plan.house_id,
            author_id: p.author_id,
            text: &p.message.text,
            lat: p.plan.lat,
            lon: p.plan.lon,
            address: p.message.address.as_deref(),
            status,
            public: p.plan.public && p.kind == CaseKind::Message,
            source: p.source.as_str(),
            due_date: Some(deadline::due_date(
                now,
                time_zone,
                p.plan.deadline,
                &p.plan.calendar,
            )),
            routing_note: p.plan.route.as_ref().map(|r| r.note.as_str()),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let ids = messages::insert_all(conn, &rows).await?;
    let history: Vec<events::NewEvent<'_>> = planned
        .iter()
        .zip(&ids)
        .flat_map(|(p, &id)| {
            [
                (None, None, submitted),
                (Some(Action::SendToModeration), Some(submitted), status),
            ]
            .map(|(action, from, to)| events::NewEvent {
                message_id: id,
                at: now,
                actor_id: p.author_id,
                action: action.map_or(events::CREATED, Action::as_str),
                from_status: from,
                to_status: to,
                comment: None,
                public: true,
            })
        })
        .collect();
    events::record_all(conn, &history).await?;
    let documents = planned
        .iter()
        .zip(&ids)
        .map(|(p, &id)| (id, p.document.clone()))
        .collect();
    search::insert_new(conn, documents).await?;
    let verdicts: Vec<(i64, &Verdict)> = planned
        .iter()
        .zip(&ids)
        .filter_map(|(p, &id)| p.verdict.as_ref().map(|v| (id, v)))
        .collect();
    if !verdicts.is_empty() {
        auto_route::apply(conn, &first.intake, &verdicts).await?;
    }
    let views = messages::get_all(conn, &ids).await?;
    if views.len() != ids.len() {
        return Err(DbError::NotFound.into());
    }
    Ok(views)
}

impl Intake {
    /// Takes in a message.
    pub async fn submit(
        &self,
        db: &Db,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
    ) -> Result<MessageView, IntakeError> {
        self.take(db, message, author_id, source, CaseKind::Message)
            .await
    }

    /// Takes in a formal appeal under 59-FZ: its author is identified by the
    /// caller, and it is never public.
    pub async fn submit_appeal(
        &self,
        db: &Db,
        message: &ValidMessage,
        author_id: i64,
        source: Source,
    ) -> Result<MessageView, IntakeError> {
        self.take(db, message, Some(author_id), source, CaseKind::Appeal)
            .await
    }

    /// What taking the message in would do, without doing it: the errors
    /// it would meet, or where it would go (for the resident's preview).
    pub async fn check(
        &self,
        db: &Db,
        message: &ValidMessage,
    ) -> Result<Option<Route>, IntakeError> {
        let mut handle = db.read().await?;
        Ok(self.plan(&mut handle.conn(), message).await?.1.route)
    }

    async fn take(
        &self,
        db: &Db,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
        kind: CaseKind,
    ) -> Result<MessageView, IntakeError> {
        // The reads and the classifier run on a reader, many at once; the
        // single writer only writes.
        let planned = {
            let mut handle = db.read().await?;
            self.planned(&mut handle.conn(), message, author_id, source, kind)
                .await?
        };
        // The messages waiting share a few statements and one commit; each
        // is answered once it is durable.
        db.take_in(planned).await
    }

    /// Takes in a message inside the caller's transaction, for a change that
    /// must commit with it (an incident that becomes this message).
    pub async fn submit_within(
        &self,
        conn: &mut Conn<'_>,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
    ) -> Result<MessageView, IntakeError> {
        let planned = self
            .planned(conn, message, author_id, source, CaseKind::Message)
            .await?;
        let views = write_all(conn, std::slice::from_ref(&planned)).await?;
        Ok(views.into_iter().next().ok_or(DbError::NotFound)?)
    }

    /// Everything the writer needs to take a message in, read and decided
    /// beforehand.
    async fn planned(
        &self,
        conn: &mut Conn<'_>,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
        kind: CaseKind,
    ) -> Result<Planned, IntakeError> {
        let (reference, plan) = self.plan(conn, message).await?;
        let verdict = self.judge(conn, &reference, message, &plan, kind).await?;
        let document = search::indexed(
            conn.backend(),
            &plan.topic.name_ru,
            &message.text,
            message.address.as_deref(),
        );
        Ok(Planned {
            document,
            intake: self.clone(),
            message: message.clone(),
            plan,
            verdict,
            author_id,
            source,
            kind,
        })
    }

    /// What the classifier makes of a planned message.
    async fn judge(
        &self,
        conn: &mut Conn<'_>,
        reference: &Snapshot<'_>,
        message: &ValidMessage,
        plan: &Plan,
        kind: CaseKind,
    ) -> Result<Option<Verdict>, DbError> {
        auto_route::judge(
            conn,
            reference,
            self,
            &Considered {
                text: &message.text,
                topic: &plan.topic,
                routed_by_rules: plan.route.as_ref().map(|r| r.organisation_id),
                may_skip_moderation: kind == CaseKind::Message,
            },
        )
        .await
    }

    /// Checks the topic and the place and chooses the route, reading only;
    /// with the reference data it read them at.
    async fn plan(
        &self,
        conn: &mut Conn<'_>,
        message: &ValidMessage,
    ) -> Result<(Snapshot<'_>, Plan), IntakeError> {
        let located = self.locate(message.place);
        let (reference, near) = match &located {
            Ok((lat, lon, _)) => self.reference.now_near(conn, *lat, *lon).await?,
            Err(_) => (self.reference.now(conn).await?, Vec::new()),
        };
        let topic = active_topic(reference.topic(conn, message.topic_id).await?);
        let (topic, (lat, lon, containing)) = match (topic, located) {
            (Ok(topic), Ok(located)) => (topic, located),
            (topic, located) => return Err(both_invalid(topic.err(), located.err())),
        };
        let house = houses::choose(conn, message.address.as_deref(), lat, lon, near).await?;
        let route = match house_route(&topic.responsible, house.as_ref()) {
            Some(route) => Some(route),
            None => reference.route(conn, &topic, &containing).await?,
        };
        let plan = Plan {
            public: topic.public,
            deadline: topic.deadline()?,
            lat,
            lon,
            territory_id: containing.first().copied(),
            house_id: house.map(|h| h.id),
            route,
            calendar: reference.calendar(conn, &self.calendar).await?,
            topic,
        };
        Ok((reference, plan))
    }

    /// The point of the message and the territories it lies in, smallest first.
    fn locate(&self, place: Place) -> Result<(f64, f64, Vec<i64>), IntakeError> {
        match place {
            Place::Point(p) => {
                let containing = self.territories.containing(p.lat, p.lon);
                if containing.is_empty() {
                    return Err(invalid("location", ErrorCode::OutsideRegion));
                }
                Ok((p.lat, p.lon, containing))
            }
            Place::Territory(id) => {
                let (lat, lon) = self.territories.interior_point(id).ok_or_else(|| {
                    IntakeError::Invalid(vec![FieldError::new(
                        "territory_id",
                        ErrorCode::UnknownTerritory,
                    )])
                })?;
                Ok((lat, lon, self.territories.containing(lat, lon)))
            }
        }
    }
}

fn active_topic(topic: Option<catalogue::Topic>) -> Result<catalogue::Topic, IntakeError> {
    match topic {
        Some(t) if t.active => Ok(t),
        Some(_) => Err(invalid("topic_id", ErrorCode::InactiveTopic)),
        None => Err(invalid("topic_id", ErrorCode::UnknownTopic)),
    }
}

/// The topic's and the place's errors together, so that the resident sees
/// both at once.
fn both_invalid(topic: Option<IntakeError>, place: Option<IntakeError>) -> IntakeError {
    let mut fields = Vec::new();
    for error in [topic, place].into_iter().flatten() {
        match error {
            IntakeError::Invalid(errors) => fields.extend(errors),
            other @ IntakeError::Db(_) => return other,
        }
    }
    IntakeError::Invalid(fields)
}

fn invalid(field: &'static str, code: ErrorCode) -> IntakeError {
    IntakeError::Invalid(vec![FieldError::new(field, code)])
}

fn corrupt(e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(e.to_string())
}

/// Chooses the organisation for a topic at a place (and house, if the
/// register knows it) and explains the choice.
pub async fn route(
    conn: &mut Conn<'_>,
    topic_id: i64,
    responsible: &str,
    containing: &[i64],
    house: Option<&houses::House>,
) -> Result<Option<Route>, DbError> {
    match house_route(responsible, house) {
        Some(route) => Ok(Some(route)),
        None => rules_route(conn, topic_id, responsible, containing).await,
    }
}

/// The house's own company, which beats any district default for its topics.
fn house_route(responsible: &str, house: Option<&houses::House>) -> Option<Route> {
    if responsible == houses::MANAGED_AREA
        && let Some(house) = house
        && let (Some(manager), Some(name)) = (house.manager_id, &house.manager_name_ru)
    {
        return Some(Route {
            organisation_id: manager,
            note: format!(
                "дом «{}» по реестру домов обслуживает {name}",
                house.address
            ),
        });
    }
    None
}

/// The organisation the routing rules choose for a topic at a place.
async fn rules_route(
    conn: &mut Conn<'_>,
    topic_id: i64,
    responsible: &str,
    containing: &[i64],
) -> Result<Option<Route>, DbError> {
    let rules = routing_rules::candidates(conn, topic_id, responsible).await?;
    let Some(rule) = routing_rules::choose(&rules, containing) else {
        return Ok(None);
    };
    let organisation = organisations::get(conn, rule.organisation_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let place = match rule.territory_id {
        Some(id) => {
            let name: String = Sql::new("SELECT name_ru FROM territories WHERE id = $1")
                .bind(id)
                .scalar(conn)
                .await?;
            format!("территория «{name}»")
        }
        None => "вся область".to_string(),
    };
    let basis = if rule.topic_id.is_some() {
        "правило для этой темы".to_string()
    } else {
        format!("правило для зоны ответственности «{responsible}»")
    };
    Ok(Some(Route {
        organisation_id: organisation.id,
        note: format!("{basis}, {place} → {}", organisation.name_ru),
    }))
}
