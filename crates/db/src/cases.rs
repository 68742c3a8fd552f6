//! Every change to a case goes through [`apply`]: the domain decides whether
//! the person may do it now; then, in the caller's one transaction, the
//! message changes, the event is written, the counters move and the
//! notifications (in-app rows and queued e-mails) are enqueued — together or
//! not at all.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::case::{
    APPEAL_DAYS, APPEAL_EXTENSION_DAYS, CaseKind, Command, Facts, Refusal, Who,
    answer_needs_approval, decide,
};
use vmeste_domain::deadline::{self, DeadlineKind, DeadlineRule};
use vmeste_domain::status::MessageStatus;

use crate::{
    Conn, DbError, Sql, attachments, calendar_days, catalogue, counters, events, followers, houses,
    intake, map, messages, notifications, routing_labels, territories,
};

/// A message with what deciding about it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Case {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub kind: String,
    pub organisation_id: Option<i64>,
    pub territory_id: Option<i64>,
    pub topic_id: i64,
    pub author_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub due_date: Option<NaiveDate>,
    pub routed_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub extended: bool,
    pub clarification_until: Option<NaiveDate>,
    pub paused_at: Option<DateTime<Utc>>,
    pub planned_date: Option<NaiveDate>,
    pub rating: Option<i32>,
    pub disputes: i32,
    pub complaint_about: Option<i64>,
    pub house_id: Option<i64>,
    pub pending_answer: Option<String>,
    /// The organisation's answers need its head's approval (`None`: no organisation yet).
    pub requires_answer_approval: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub deadline_days: i32,
    pub deadline_kind: String,
    pub dispute_window_days: i32,
    pub extension_days: i32,
}

impl Case {
    pub fn status(&self) -> Result<MessageStatus, DbError> {
        MessageStatus::parse(&self.status)
            .ok_or_else(|| DbError::Corrupt(format!("status {}", self.status)))
    }

    pub fn kind(&self) -> CaseKind {
        CaseKind::parse(&self.kind).unwrap_or(CaseKind::Message)
    }

    /// The deadline: the topic's for a message; 30 calendar days for an appeal.
    fn rule(&self) -> DeadlineRule {
        match self.kind() {
            CaseKind::Appeal => DeadlineRule {
                days: APPEAL_DAYS,
                kind: DeadlineKind::CalendarDays,
            },
            CaseKind::Message => DeadlineRule {
                days: u32::try_from(self.deadline_days).unwrap_or(0),
                kind: DeadlineKind::parse(&self.deadline_kind)
                    .unwrap_or(DeadlineKind::CalendarDays),
            },
        }
    }

    pub fn facts(&self, tz: Tz) -> Result<Facts, DbError> {
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
        Ok(Facts {
            status: self.status()?,
            routed_on: self.routed_at.map(local),
            answered_on: self.answered_at.map(local),
            extended: self.extended,
            extension_limit: match self.kind() {
                CaseKind::Appeal => APPEAL_EXTENSION_DAYS,
                CaseKind::Message => u32::try_from(self.extension_days).unwrap_or(0),
            },
            dispute_window: u32::try_from(self.dispute_window_days).unwrap_or(0),
            clarification_until: self.clarification_until,
            rated: self.rating.is_some(),
            kind: self.kind(),
            approval_required: self.requires_answer_approval.unwrap_or(false),
            answer_pending: self.pending_answer.is_some(),
        })
    }
}

const CASE: &str = "SELECT m.id, m.number, m.status, m.kind, m.organisation_id, m.territory_id, m.topic_id, \
    m.author_id, m.assignee_id, m.due_date, m.routed_at, m.answered_at, m.extended, m.clarification_until, \
    m.paused_at, m.planned_date, m.rating, m.disputes, m.complaint_about, m.house_id, m.created_at, t.deadline_days, t.deadline_kind, t.dispute_window_days, \
    t.extension_days, m.pending_answer, o.requires_answer_approval FROM messages m \
    JOIN topics t ON t.id = m.topic_id LEFT JOIN organisations o ON o.id = m.organisation_id";

pub async fn get(conn: &mut Conn<'_>, id: i64) -> Result<Option<Case>, DbError> {
    Sql::new(format!("{CASE} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Where and when: the calendar and the region's time zone, and now.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The shipped calendar; administrators' corrections are read on top.
    pub calendar: &'a ProductionCalendar,
    pub time_zone: Tz,
    pub now: DateTime<Utc>,
}

impl Context<'_> {
    fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.time_zone).date_naive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("no such {0}")]
    UnknownTarget(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What happened, for the caller's audit log and answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    #[schema(value_type = String, example = "routed")]
    pub from: MessageStatus,
    #[schema(value_type = String, example = "in_progress")]
    pub to: MessageStatus,
    #[schema(value_type = String, example = "start_work")]
    pub command: &'static str,
}

fn set(field: &str) -> String {
    format!("UPDATE messages SET {field}, updated_at = $2 WHERE id = $3")
}

/// Applies a command to a case in the caller's transaction; the map's
/// counts follow when it shows or hides the message, and a message shown
/// for the first time (or again) is indexed for search.
pub async fn apply(
    conn: &mut Conn<'_>,
    ctx: Context<'_>,
    case: &Case,
    who: Who,
    actor_id: Option<i64>,
    command: &Command,
) -> Result<Outcome, CaseError> {
    let shown = map::grid::placed(conn, case.id).await?;
    let outcome = apply_command(conn, ctx, case, who, actor_id, command).await?;
    let shown_now = map::grid::follow(conn, case.id, shown).await?;
    if shown.is_none() && shown_now {
        crate::search::index(conn, case.id).await?;
    }
    Ok(outcome)
}

async fn apply_command(
    conn: &mut Conn<'_>,
    ctx: Context<'_>,
    case: &Case,
    who: Who,
    actor_id: Option<i64>,
    command: &Command,
) -> Result<Outcome, CaseError> {
    let facts = case.facts(ctx.time_zone)?;
    let today = ctx.today();
    let calendar = &calendar_days::effective(conn, ctx.calendar).await?;
    let next = decide(who, command, &facts, today).map_err(CaseError::Refused)?;
    // 59-FZ art. 8 p. 6: never to the body the complaint is about.
    if let Command::Route { organisation_id }
    | Command::Redirect {
        organisation_id, ..
    }
    | Command::SendCopy {
        organisation_id, ..
    } = command
        && case.complaint_about == Some(*organisation_id)
    {
        return Err(CaseError::Refused(Refusal::ComplainedAbout));
    }
    let now = ctx.now;
    let org = case.organisation_id.unwrap_or(0);
    if let Command::Answer { text } = command
        && answer_needs_approval(who, &facts)
    {
        return propose_answer(conn, case, actor_id, text, now).await;
    }
    let decision = |organisation_id| routing_labels::Decision {
        message_id: case.id,
        topic_id: case.topic_id,
        organisation_id,
        by: actor_id,
        at: now,
    };
    let mut public_comment: Option<String> = None;
    let mut notify_author: Option<&'static str> = None;
    let mut notify_org: Option<(i64, &'static str)> = None;
    let bump = |c: counters::Bump| counters::Key {
        day: today,
        organisation_id: c.organisation_id,
        topic_id: case.topic_id,
        territory_id: case.territory_id.unwrap_or(0),
    };
    match command {
        Command::Route { organisation_id } => {
            ensure_organisation(conn, *organisation_id).await?;
            // An appeal's 30 days run from its registration, which routing is.
            let due = match (case.kind(), case.due_date) {
                (CaseKind::Message, Some(due)) => due,
                _ => deadline::due_date(now, ctx.time_zone, case.rule(), calendar),
            };
            Sql::new(set(
                "organisation_id = $1, routed_at = $4, due_date = $5, routing_note = $6",
            ))
            .bind(*organisation_id)
            .bind(now)
            .bind(case.id)
            .bind(now)
            .bind(due)
            .bind("Направлено модератором регионального центра")
            .execute(conn)
            .await?;
            counters::add(
                conn,
                bump(counters::Bump::at(*organisation_id)),
                counters::Change::RECEIVED,
            )
            .await?;
            // A moderator's decision teaches the classifier; the platform's own does not.
            if !who.system {
                routing_labels::routed(conn, &decision(Some(*organisation_id))).await?;
            }
            notify_author = Some("routed");
            notify_org = Some((*organisation_id, "new_in_inbox"));
        }
        Command::RequestClarification { question, days } => {
            let until = today + chrono::Duration::days(i64::from(*days));
            Sql::new(set("clarification_until = $1, paused_at = $4"))
                .bind(until)
                .bind(now)
                .bind(case.id)
                .bind(now)
                .execute(conn)
                .await?;
            public_comment = Some(question.clone());
            notify_author = Some("clarification_requested");
        }
        Command::ProvideClarification { text } => {
            // The clock stood still while the resident was asked.
            let due = match (case.due_date, case.paused_at) {
                (Some(due), Some(paused)) => Some(deadline::paused_due(
                    due,
                    paused,
                    now,
                    ctx.time_zone,
                    case.rule().kind,
                    calendar,
                )),
                (due, _) => due,
            };
            Sql::new(set(
                "clarification_until = NULL, paused_at = NULL, due_date = $1",
            ))
            .bind(due)
            .bind(now)
            .bind(case.id)
            .execute(conn)
            .await?;
            comment(
                conn,
                case.id,
                actor_id,
                &format!("Уточнение автора: {text}"),
                now,
            )
            .await?;
        }
        Command::Reject {
            reason,
            comment: note,
        } => {
            Sql::new(set("reject_reason = $1, clarification_until = NULL"))
                .bind(reason.as_str())
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            public_comment = Some(match note {
                Some(n) if !n.trim().is_empty() => format!("{}. {n}", reason.label_ru()),
                _ => reason.label_ru().to_owned(),
            });
            notify_author = Some("rejected");
        }
        Command::MarkDuplicate { of } => {
            if *of == case.id || get(conn, *of).await?.is_none() {
                return Err(CaseError::UnknownTarget("message"));
            }
            Sql::new(set("duplicate_of = $1"))
                .bind(*of)
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            let original: String = Sql::new("SELECT number FROM messages WHERE id = $1")
                .bind(*of)
                .scalar(conn)
                .await?;
            followers::merge_into(conn, case.id, *of, now).await?;
            public_comment = Some(format!("Повторяет сообщение {original}"));
            notify_author = Some("duplicate");
        }
        Command::Assign { executor_id } => {
            if !answers_for(conn, *executor_id, org).await? {
                return Err(CaseError::UnknownTarget("executor"));
            }
            Sql::new(set("assignee_id = $1"))
                .bind(*executor_id)
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            notifications::notify_staff(conn, *executor_id, case.id, "assigned", now).await?;
        }
        Command::StartWork => {}
        Command::InterimAnswer { text, planned } => {
            Sql::new(set("planned_date = $1"))
                .bind(*planned)
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            public_comment = Some(format!(
                "{text} Планируемая дата: {}.",
                planned.format("%d.%m.%Y")
            ));
            notify_author = Some("interim_answer");
        }
        Command::Answer { .. } | Command::ApproveAnswer | Command::DeclineOnMerits { .. } => {
            let (text, ground) = match command {
                Command::Answer { text } => (text.clone(), None),
                Command::DeclineOnMerits {
                    ground,
                    comment: note,
                } => (
                    match note.as_deref().map(str::trim) {
                        Some(n) if !n.is_empty() => {
                            format!("Ответ по существу не дается: {}. {n}", ground.label_ru())
                        }
                        _ => format!("Ответ по существу не дается: {}.", ground.label_ru()),
                    },
                    Some(ground.as_str()),
                ),
                _ => (case.pending_answer.clone().unwrap_or_default(), None),
            };
            Sql::new(set(
                "answered_at = $1, pending_answer = NULL, pending_answer_by = NULL, no_merits_ground = $4",
            ))
            .bind(now)
            .bind(now)
            .bind(case.id)
            .bind(ground)
            .execute(conn)
            .await?;
            let on_time = case.due_date.is_none_or(|due| today <= due);
            let change = if on_time {
                counters::Change::ANSWERED_ON_TIME
            } else {
                counters::Change::ANSWERED_LATE
            };
            counters::add(conn, bump(counters::Bump::at(org)), change).await?;
            public_comment = Some(text);
            notify_author = Some("answered");
        }
        Command::Redirect {
            organisation_id,
            reason,
        } => {
            ensure_organisation(conn, *organisation_id).await?;
            if Some(*organisation_id) == case.organisation_id {
                return Err(CaseError::UnknownTarget("other organisation"));
            }
            Sql::new(set("organisation_id = $1, assignee_id = NULL"))
                .bind(*organisation_id)
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            counters::add(
                conn,
                bump(counters::Bump::at(*organisation_id)),
                counters::Change::RECEIVED,
            )
            .await?;
            routing_labels::corrected(conn, &decision(Some(*organisation_id))).await?;
            public_comment = Some(reason.clone());
            notify_author = Some("redirected");
            notify_org = Some((*organisation_id, "new_in_inbox"));
        }
        Command::Extend { days, reason } => {
            let base = case.due_date.unwrap_or(today);
            let due = deadline::extend(
                base,
                DeadlineRule {
                    days: *days,
                    kind: case.rule().kind,
                },
                calendar,
            );
            Sql::new(set("due_date = $1, extended = $4"))
                .bind(due)
                .bind(now)
                .bind(case.id)
                .bind(true)
                .execute(conn)
                .await?;
            public_comment = Some(format!("{reason} Новый срок: {}.", due.format("%d.%m.%Y")));
            notify_author = Some("extended");
        }
        Command::Dispute { reason } => {
            // A fresh term from today, counted like the first one.
            let due = deadline::due_date(now, ctx.time_zone, case.rule(), calendar);
            Sql::new(set("due_date = $1, answered_at = NULL, disputes = disputes + 1, rating = NULL, resolved = NULL"))
                .bind(due)
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
            counters::add(
                conn,
                bump(counters::Bump::at(org)),
                counters::Change::DISPUTED,
            )
            .await?;
            public_comment = Some(reason.clone());
            notify_org = Some((org, "disputed"));
        }
        Command::Rate { score, resolved } => {
            Sql::new(set("rating = $1, resolved = $4"))
                .bind(i32::from(*score))
                .bind(now)
                .bind(case.id)
                .bind(*resolved)
                .execute(conn)
                .await?;
            counters::add(
                conn,
                bump(counters::Bump::at(org)),
                counters::Change::rating(*score),
            )
            .await?;
            public_comment = Some(format!(
                "Оценка {score} из 5, {}",
                if *resolved {
                    "проблема решена"
                } else {
                    "проблема не решена"
                }
            ));
        }
        Command::SendCopy {
            organisation_id,
            reason,
        } => {
            ensure_organisation(conn, *organisation_id).await?;
            if Some(*organisation_id) == case.organisation_id {
                return Err(CaseError::UnknownTarget("other organisation"));
            }
            let name = copy_appeal(conn, ctx, calendar, case, *organisation_id, reason).await?;
            public_comment = Some(format!("Копия обращения направлена: {name}. {reason}"));
            notify_author = Some("copy_sent");
        }
        Command::Correct {
            topic_id,
            territory_id,
        } => {
            public_comment =
                Some(correct(conn, ctx, calendar, case, *topic_id, *territory_id).await?);
            // After routing the label is settled already; this corrects it.
            if case.routed_at.is_some() {
                let label = routing_labels::Decision {
                    topic_id: *topic_id,
                    ..decision(case.organisation_id)
                };
                routing_labels::corrected(conn, &label).await?;
            }
        }
        Command::Close => notify_author = Some("closed"),
        Command::MarkComplaint => {
            let parent: Option<i64> = match case.organisation_id {
                Some(org) => Sql::new("SELECT parent_id FROM organisations WHERE id = $1")
                    .bind(org)
                    .fetch_optional::<Parent>(conn)
                    .await?
                    .and_then(|p| p.parent_id),
                None => None,
            };
            let Some(supervisor) = parent else {
                return Err(CaseError::UnknownTarget("supervising body"));
            };
            Sql::new(set(
                "complaint_about = organisation_id, organisation_id = $1, assignee_id = NULL",
            ))
            .bind(supervisor)
            .bind(now)
            .bind(case.id)
            .execute(conn)
            .await?;
            counters::add(
                conn,
                bump(counters::Bump::at(supervisor)),
                counters::Change::RECEIVED,
            )
            .await?;
            public_comment = Some("Жалоба на организацию передана вышестоящему органу".to_owned());
            notify_author = Some("redirected");
            notify_org = Some((supervisor, "new_in_inbox"));
        }
        Command::ConvertToAppeal => {
            // From now on the 59-FZ clock: 30 days from registration.
            let registered = case.routed_at.unwrap_or(now);
            let appeal = DeadlineRule {
                days: APPEAL_DAYS,
                kind: DeadlineKind::CalendarDays,
            };
            let due = deadline::due_date(registered, ctx.time_zone, appeal, calendar);
            Sql::new(set("kind = $1, public = $4, due_date = $5"))
                .bind(CaseKind::Appeal.as_str())
                .bind(now)
                .bind(case.id)
                .bind(false)
                .bind(due)
                .execute(conn)
                .await?;
            comment(
                conn,
                case.id,
                actor_id,
                "Сообщение переведено в обращение по 59-ФЗ",
                now,
            )
            .await?;
            notify_author = Some("converted");
        }
        Command::Comment { text } => {
            comment(conn, case.id, actor_id, text, now).await?;
        }
    }
    let from = case.status()?;
    if command.action().is_some()
        || matches!(
            command,
            Command::Rate { .. } | Command::SendCopy { .. } | Command::Correct { .. }
        )
    {
        if next != from {
            Sql::new(set("status = $1"))
                .bind(next.as_str())
                .bind(now)
                .bind(case.id)
                .execute(conn)
                .await?;
        }
        let event_id = events::record(
            conn,
            &events::NewEvent {
                message_id: case.id,
                at: now,
                actor_id,
                action: command.name(),
                from_status: Some(from),
                to_status: next,
                comment: public_comment.as_deref(),
                public: true,
            },
        )
        .await?;
        // The answer's documents go out with it.
        if matches!(command, Command::Answer { .. } | Command::ApproveAnswer) {
            attachments::publish_answer(conn, case.id, event_id).await?;
        }
    }
    let mut final_status = next;
    // A resident who says the problem is solved closes the case at once.
    if let Command::Rate { resolved: true, .. } = command
        && next == MessageStatus::Answered
    {
        final_status = MessageStatus::Closed;
        Sql::new(set("status = $1"))
            .bind(final_status.as_str())
            .bind(now)
            .bind(case.id)
            .execute(conn)
            .await?;
        events::record(
            conn,
            &events::NewEvent {
                message_id: case.id,
                at: now,
                actor_id,
                action: vmeste_domain::status::Action::Close.as_str(),
                from_status: Some(next),
                to_status: final_status,
                comment: Some("Автор подтвердил, что проблема решена"),
                public: true,
            },
        )
        .await?;
        notify_author = Some("closed");
    }
    if let (Some(kind), Some(author)) = (notify_author, case.author_id) {
        notifications::notify_resident(conn, author, case.id, kind, now).await?;
    }
    if let Some(kind) = notify_author.filter(|k| followers::SHARED_NEWS.contains(k)) {
        for follower in followers::of(conn, case.id).await? {
            notifications::notify_resident(conn, follower, case.id, kind, now).await?;
        }
    }
    if let Some((org, kind)) = notify_org {
        notifications::notify_organisation(conn, org, case.id, kind, now).await?;
    }
    Ok(Outcome {
        from,
        to: final_status,
        command: command.name(),
    })
}

/// Puts the message under the topic (and territory) a moderator chose: the
/// deadline is counted anew from its receipt by the topic's rule, and while
/// it waits in moderation the suggested organisation is chosen anew. The
/// line for the history.
async fn correct(
    conn: &mut Conn<'_>,
    ctx: Context<'_>,
    calendar: &ProductionCalendar,
    case: &Case,
    topic_id: i64,
    territory_id: Option<i64>,
) -> Result<String, CaseError> {
    let topic = catalogue::topic(conn, topic_id)
        .await?
        .filter(|t| t.active)
        .ok_or(CaseError::UnknownTarget("topic"))?;
    if let Some(t) = territory_id
        && !territories::exists(conn, t).await?
    {
        return Err(CaseError::UnknownTarget("territory"));
    }
    let territory = territory_id.or(case.territory_id);
    let due = match case.kind() {
        CaseKind::Message => Some(deadline::due_date(
            case.created_at,
            ctx.time_zone,
            topic.deadline()?,
            calendar,
        )),
        CaseKind::Appeal => case.due_date,
    };
    Sql::new(set("topic_id = $1, territory_id = $4, due_date = $5"))
        .bind(topic.id)
        .bind(ctx.now)
        .bind(case.id)
        .bind(territory)
        .bind(due)
        .execute(conn)
        .await?;
    if case.status()? == MessageStatus::Moderation {
        let containing = match territory {
            Some(t) => territories::chain(conn, t).await?,
            None => Vec::new(),
        };
        let house = match case.house_id {
            Some(h) => houses::get(conn, h).await?,
            None => None,
        };
        let route = intake::route(
            conn,
            topic.id,
            &topic.responsible,
            &containing,
            house.as_ref(),
        )
        .await?;
        Sql::new(set("organisation_id = $1, routing_note = $4"))
            .bind(route.as_ref().map(|r| r.organisation_id))
            .bind(ctx.now)
            .bind(case.id)
            .bind(route.map(|r| r.note))
            .execute(conn)
            .await?;
    }
    let place = match territory_id {
        Some(t) => {
            let name: String = Sql::new("SELECT name_ru FROM territories WHERE id = $1")
                .bind(t)
                .scalar(conn)
                .await?;
            format!(", территория: {name}")
        }
        None => String::new(),
    };
    crate::search::index(conn, case.id).await?;
    let line = format!("Модератор уточнил тему: «{}»{place}", topic.name_ru);
    Ok(line)
}

/// Registers a copy of an appeal with another competent body: a new case
/// of its own (number, 30 days from today, the body's inbox) that points to
/// the original. The body's name, for the original's history.
async fn copy_appeal(
    conn: &mut Conn<'_>,
    ctx: Context<'_>,
    calendar: &ProductionCalendar,
    case: &Case,
    organisation_id: i64,
    reason: &str,
) -> Result<String, CaseError> {
    let now = ctx.now;
    let number = messages::next_number(conn, ctx.now.with_timezone(&ctx.time_zone).year()).await?;
    let due = deadline::due_date(now, ctx.time_zone, case.rule(), calendar);
    let name: String = Sql::new("SELECT name_ru FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .scalar(conn)
        .await?;
    let copy: i64 = Sql::new(
        "INSERT INTO messages (number, topic_id, organisation_id, territory_id, author_id, text, lat, lon, \
         address, status, public, source, due_date, routing_note, created_at, updated_at, kind, routed_at, \
         copy_of, house_id) \
         SELECT $1, topic_id, $2, territory_id, author_id, text, lat, lon, address, $3, $4, source, $5, $6, \
         $7, $7, kind, $7, id, house_id FROM messages WHERE id = $8 RETURNING id",
    )
    .bind(number.as_str())
    .bind(organisation_id)
    .bind(MessageStatus::Routed.as_str())
    .bind(false)
    .bind(due)
    .bind(format!("Копия обращения {} для рассмотрения в пределах компетенции", case.number))
    .bind(now)
    .bind(case.id)
    .scalar(conn)
    .await?;
    events::record(
        conn,
        &events::NewEvent {
            message_id: copy,
            at: now,
            actor_id: None,
            action: "copy",
            from_status: None,
            to_status: MessageStatus::Routed,
            comment: Some(&format!("Копия обращения {}: {reason}", case.number)),
            public: true,
        },
    )
    .await?;
    counters::add(
        conn,
        counters::Key {
            day: ctx.today(),
            organisation_id,
            topic_id: case.topic_id,
            territory_id: case.territory_id.unwrap_or(0),
        },
        counters::Change::RECEIVED,
    )
    .await?;
    notifications::notify_organisation(conn, organisation_id, copy, "new_in_inbox", now).await?;
    Ok(name)
}

/// Keeps an executor's answer for the head to approve; the case does not move.
async fn propose_answer(
    conn: &mut Conn<'_>,
    case: &Case,
    actor_id: Option<i64>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, CaseError> {
    Sql::new(set("pending_answer = $1, pending_answer_by = $4"))
        .bind(text)
        .bind(now)
        .bind(case.id)
        .bind(actor_id)
        .execute(conn)
        .await?;
    comment(
        conn,
        case.id,
        actor_id,
        "Ответ подготовлен и ждёт утверждения руководителем",
        now,
    )
    .await?;
    notifications::notify_roles(
        conn,
        case.organisation_id,
        &["head"],
        case.id,
        "answer_to_approve",
        now,
    )
    .await?;
    let status = case.status()?;
    Ok(Outcome {
        from: status,
        to: status,
        command: "propose_answer",
    })
}

#[derive(sqlx::FromRow)]
struct Parent {
    parent_id: Option<i64>,
}

async fn ensure_organisation(conn: &mut Conn<'_>, id: i64) -> Result<(), CaseError> {
    let found: i64 = Sql::new("SELECT COUNT(*) FROM organisations WHERE id = $1 AND active = $2")
        .bind(id)
        .bind(true)
        .scalar(conn)
        .await?;
    if found == 0 {
        Err(CaseError::UnknownTarget("organisation"))
    } else {
        Ok(())
    }
}

/// Whether a user answers for the organisation (executor or head there).
async fn answers_for(conn: &mut Conn<'_>, user_id: i64, org: i64) -> Result<bool, DbError> {
    let n: i64 = Sql::new(
        "SELECT COUNT(*) FROM staff_roles WHERE user_id = $1 AND organisation_id = $2 AND role IN ('executor', 'head')",
    )
    .bind(user_id)
    .bind(org)
    .scalar(conn)
    .await?;
    Ok(n > 0)
}

async fn comment(
    conn: &mut Conn<'_>,
    message_id: i64,
    author_id: Option<i64>,
    text: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let Some(author_id) = author_id else {
        return Ok(());
    };
    Sql::new(
        "INSERT INTO message_comments (message_id, author_id, at, text) VALUES ($1, $2, $3, $4)",
    )
    .bind(message_id)
    .bind(author_id)
    .bind(at)
    .bind(text)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub author_name: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

pub async fn comments(conn: &mut Conn<'_>, message_id: i64) -> Result<Vec<Comment>, DbError> {
    Sql::new(
        "SELECT c.id, u.name AS author_name, c.at, c.text FROM message_comments c \
         JOIN users u ON u.id = c.author_id WHERE c.message_id = $1 ORDER BY c.id",
    )
    .bind(message_id)
    .fetch_all(conn)
    .await
}

/// A line of a staff inbox or of the moderation queue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub kind: String,
    pub topic_name_ru: String,
    pub topic_name_en: String,
    pub organisation_name_ru: Option<String>,
    pub organisation_name_en: Option<String>,
    pub territory_name_ru: Option<String>,
    pub territory_name_en: Option<String>,
    pub assignee_name: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub deadline_kind: String,
    pub created_at: DateTime<Utc>,
}

/// Which cases a list shows; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// The organisations whose cases may be listed; `None`: all of them.
    pub organisations: Option<Vec<i64>>,
    pub statuses: Vec<MessageStatus>,
    pub topic_id: Option<i64>,
    pub territory_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub unassigned: bool,
    /// Due on or before this day (due soon, or overdue with yesterday).
    pub due_by: Option<NaiveDate>,
}

/// Cases by due date (the most urgent first), then by age.
pub async fn inbox(
    conn: &mut Conn<'_>,
    filter: &InboxFilter,
    limit: i64,
) -> Result<Vec<InboxRow>, DbError> {
    let mut sql = Sql::new(
        "SELECT m.id, m.number, m.status, m.kind, t.name_ru AS topic_name_ru, t.name_en AS topic_name_en, \
         o.name_ru AS organisation_name_ru, o.name_en AS organisation_name_en, \
         tr.name_ru AS territory_name_ru, tr.name_en AS territory_name_en, u.name AS assignee_name, \
         m.due_date, t.deadline_kind, m.created_at \
         FROM messages m JOIN topics t ON t.id = m.topic_id \
         LEFT JOIN organisations o ON o.id = m.organisation_id \
         LEFT JOIN territories tr ON tr.id = m.territory_id \
         LEFT JOIN users u ON u.id = m.assignee_id WHERE 1 = 1",
    );
    if let Some(orgs) = &filter.organisations {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        sql = sql.push_list(" AND m.organisation_id IN ", orgs.iter().copied());
    }
    if !filter.statuses.is_empty() {
        sql = sql.push_list(
            " AND m.status IN ",
            filter.statuses.iter().map(|s| s.as_str()),
        );
    }
    if let Some(topic) = filter.topic_id {
        sql = sql.push_bound(" AND m.topic_id = {}", topic);
    }
    if let Some(territory) = filter.territory_id {
        sql = sql.push_bound(" AND m.territory_id = {}", territory);
    }
    if let Some(assignee) = filter.assignee_id {
        sql = sql.push_bound(" AND m.assignee_id = {}", assignee);
    }
    if filter.unassigned {
        sql = sql.push(" AND m.assignee_id IS NULL");
    }
    if let Some(day) = filter.due_by {
        sql = sql.push_bound(" AND m.due_date <= {}", day);
    }
    sql.push_bound(
        " ORDER BY m.due_date IS NULL, m.due_date, m.id LIMIT {}",
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Executors and heads of an organisation, who may be assigned its cases.
pub async fn executors(
    conn: &mut Conn<'_>,
    organisation_id: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Person {
        id: i64,
        name: String,
    }
    let people: Vec<Person> = Sql::new(
        "SELECT DISTINCT u.id, u.name FROM users u JOIN staff_roles r ON r.user_id = u.id \
         WHERE r.organisation_id = $1 AND r.role IN ('executor', 'head') AND u.active = $2 ORDER BY u.name",
    )
    .bind(organisation_id)
    .bind(true)
    .fetch_all(conn)
    .await?;
    Ok(people.into_iter().map(|p| (p.id, p.name)).collect())
}
