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
use auto_route::{Considered, Suggested};

mod auto_route;
mod reference;
use crate::{
    Conn, Db, DbError, Sql, catalogue, events, houses, organisations, routing_models, routing_rules,
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

/// What intake decides before the message joins the writer's queue, from
/// the reference data kept in memory (see [`reference`]).
struct Plan {
    /// The reference data's version it was planned at: the writer plans
    /// again a message planned at an older one.
    version: i64,
    topic: catalogue::Topic,
    public: bool,
    deadline: DeadlineRule,
    lat: f64,
    lon: f64,
    territory_id: Option<i64>,
    /// The house at the address the resident typed, if registered; else the
    /// writer looks for the nearest to the point.
    typed_house: Option<houses::House>,
    /// The routing rules' choice for the topic and the place; a house's own
    /// company beats it (see [`house_route`]).
    rules_route: Option<Route>,
    /// Shared with every message planned at the same reference version.
    calendar: Arc<ProductionCalendar>,
}

impl Plan {
    /// The message's house and route, given the registered houses near its
    /// point.
    fn settle(&self, near: impl IntoIterator<Item = houses::House>) -> Settled {
        let house = self
            .typed_house
            .clone()
            .or_else(|| houses::nearest(near, self.lat, self.lon));
        let route = house_route(&self.topic.responsible, house.as_ref())
            .or_else(|| self.rules_route.clone());
        Settled {
            house_id: house.map(|h| h.id),
            route,
        }
    }
}

/// What the writer settles for a planned message with the houses it reads.
struct Settled {
    house_id: Option<i64>,
    route: Option<Route>,
}

/// The organisation chosen for a message and why, in words a resident and a
/// moderator understand.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub organisation_id: i64,
    pub note: String,
}

/// A message checked, routed by the rules and judged by the classifier,
/// waiting for the writer.
pub struct Planned {
    intake: Intake,
    message: ValidMessage,
    plan: Plan,
    suggested: Option<Suggested>,
    author_id: Option<i64>,
    source: Source,
    kind: CaseKind,
}

/// Numbers, times and records planned messages together — one statement
/// each for the reference data's version, the houses near their points,
/// their numbers, their rows, their histories and reading them back,
/// however many there are — and returns them in order. None is searchable
/// before it is published, so none is indexed here (see [`crate::search`]).
pub(crate) async fn write_all(
    conn: &mut Conn<'_>,
    planned: &[Planned],
) -> Result<Vec<MessageView>, IntakeError> {
    let Some(first) = planned.first() else {
        return Ok(Vec::new());
    };
    // Reference data rarely changes; a message planned before it did is
    // planned again here, so that none is written by outdated rules.
    let version = crate::reference::version(conn).await?;
    let mut again = Vec::with_capacity(planned.len());
    for p in planned {
        again.push(if p.plan.version == version {
            None
        } else {
            Some(p.again(conn, version).await?)
        });
    }
    let planned: Vec<&Planned> = planned
        .iter()
        .zip(&again)
        .map(|(p, again)| again.as_ref().unwrap_or(p))
        .collect();
    let points: Vec<(f64, f64)> = planned.iter().map(|p| (p.plan.lat, p.plan.lon)).collect();
    let settled: Vec<Settled> = houses::near_each(conn, &points)
        .await?
        .into_iter()
        .zip(&planned)
        .map(|(near, p)| p.plan.settle(near))
        .collect();
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
        .zip(&settled)
        .zip(&numbers)
        .map(|((p, s), number)| NewMessage {
            number,
            kind: p.kind,
            topic_id: p.plan.topic.id,
            organisation_id: s.route.as_ref().map(|r| r.organisation_id),
            territory_id: p.plan.territory_id,
            house_id: s.house_id,
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
            routing_note: s.route.as_ref().map(|r| r.note.as_str()),
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
    let verdicts: Vec<_> = planned
        .iter()
        .zip(&settled)
        .zip(&ids)
        .filter_map(|((p, s), &id)| {
            let routed = s.route.as_ref().map(|r| r.organisation_id);
            p.suggested.as_ref().map(|v| (id, v.decide(routed)))
        })
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

impl Planned {
    /// The message planned again at the reference data's `version`.
    async fn again(&self, conn: &mut Conn<'_>, version: i64) -> Result<Self, IntakeError> {
        let reference = self.intake.reference.at(version);
        self.intake
            .planned(
                conn,
                &reference,
                &self.message,
                self.author_id,
                self.source,
                self.kind,
            )
            .await
    }
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
        let conn = &mut handle.conn();
        let reference = self.reference.now(conn).await?;
        let plan = self.plan(conn, &reference, message).await?;
        let near = houses::near_each(conn, &[(plan.lat, plan.lon)]).await?;
        Ok(plan.settle(near.into_iter().flatten()).route)
    }

    async fn take(
        &self,
        db: &Db,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
        kind: CaseKind,
    ) -> Result<MessageView, IntakeError> {
        // Planning and the classifier run here, many at once, from what is
        // kept in memory (a reader is lent in case something is not); the
        // single writer only writes.
        let planned = {
            let mut handle = db.read().await?;
            let conn = &mut handle.conn();
            let reference = self.reference.assumed(conn).await?;
            self.planned(conn, &reference, message, author_id, source, kind)
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
        let reference = self.reference.assumed(conn).await?;
        let planned = self
            .planned(
                conn,
                &reference,
                message,
                author_id,
                source,
                CaseKind::Message,
            )
            .await?;
        let views = write_all(conn, std::slice::from_ref(&planned)).await?;
        Ok(views.into_iter().next().ok_or(DbError::NotFound)?)
    }

    /// Everything the writer needs to take a message in but the houses near
    /// it, decided at the reference data's `reference` version.
    async fn planned(
        &self,
        conn: &mut Conn<'_>,
        reference: &Snapshot<'_>,
        message: &ValidMessage,
        author_id: Option<i64>,
        source: Source,
        kind: CaseKind,
    ) -> Result<Planned, IntakeError> {
        let plan = self.plan(conn, reference, message).await?;
        let suggested = self.suggest(conn, reference, message, &plan, kind).await?;
        Ok(Planned {
            intake: self.clone(),
            message: message.clone(),
            plan,
            suggested,
            author_id,
            source,
            kind,
        })
    }

    /// What the classifier makes of a planned message.
    async fn suggest(
        &self,
        conn: &mut Conn<'_>,
        reference: &Snapshot<'_>,
        message: &ValidMessage,
        plan: &Plan,
        kind: CaseKind,
    ) -> Result<Option<Suggested>, DbError> {
        auto_route::suggest(
            conn,
            reference,
            self,
            &Considered {
                text: &message.text,
                topic: &plan.topic,
                routed_by_rules: plan.rules_route.as_ref().map(|r| r.organisation_id),
                may_skip_moderation: kind == CaseKind::Message,
            },
        )
        .await
    }

    /// Checks the topic and the place and chooses the rules' route, at the
    /// reference data's `reference` version.
    async fn plan(
        &self,
        conn: &mut Conn<'_>,
        reference: &Snapshot<'_>,
        message: &ValidMessage,
    ) -> Result<Plan, IntakeError> {
        let located = self.locate(message.place);
        let topic = active_topic(reference.topic(conn, message.topic_id).await?);
        let (topic, (lat, lon, containing)) = match (topic, located) {
            (Ok(topic), Ok(located)) => (topic, located),
            (topic, located) => return Err(both_invalid(topic.err(), located.err())),
        };
        let typed_house = match message.address.as_deref() {
            Some(typed) => houses::by_address(conn, typed).await?,
            None => None,
        };
        Ok(Plan {
            version: reference.version(),
            public: topic.public,
            deadline: topic.deadline()?,
            lat,
            lon,
            territory_id: containing.first().copied(),
            typed_house,
            rules_route: reference.route(conn, &topic, &containing).await?,
            calendar: reference.calendar(conn, &self.calendar).await?,
            topic,
        })
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
