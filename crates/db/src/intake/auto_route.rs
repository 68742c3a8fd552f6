//! The classifier at intake: its top suggestion is kept with the message (so
//! a moderator's later decision counts as a confirmation or a correction),
//! and a message whose topic the model is sure enough of — by that topic's
//! own threshold, off unless an administrator set one — is routed at once.

use vmeste_domain::case::{Command, Who};
use vmeste_routing::classifier::{Suggestion, Wanted};

use super::Intake;
use super::reference::Snapshot;
use crate::cases::{self, CaseError};
use crate::routing_labels::{self, Shown};
use crate::{Conn, DbError, Sql, catalogue};

/// The message as intake is taking it in.
pub(super) struct Considered<'a> {
    pub text: &'a str,
    /// The topic the resident chose.
    pub topic: &'a catalogue::Topic,
    /// The organisation the routing rules chose for the place, if any; the
    /// house register may still choose one on the writer.
    pub routed_by_rules: Option<i64>,
    /// Formal appeals are registered by a person, never automatically.
    pub may_skip_moderation: bool,
}

/// What the classifier made of a message, on the request's thread before
/// the message joins the writer's queue (inference is CPU work the one
/// writer must not do). The organisation is settled on the writer, which
/// knows the message's house: see [`Suggested::decide`].
pub(super) struct Suggested {
    model_id: i64,
    topic_id: Option<i64>,
    confidence: f64,
    /// The model's organisation, asked for only where the rules chose none.
    organisation_id: Option<i64>,
    /// Why the message may skip moderation, when the model is sure enough
    /// of the resident's topic.
    auto_route_note: Option<String>,
}

/// A suggestion with the message's organisation settled, written with it.
pub(super) struct Verdict {
    shown: Shown,
    /// The organisation to route to at once, and the note saying why.
    auto_route: Option<(i64, String)>,
}

/// A confidence as a whole percentage.
fn percent(confidence: f64) -> String {
    format!("{:.0}", (confidence * 100.0).clamp(0.0, 100.0))
}

/// The words that pushed a suggestion, for people.
fn because(suggestion: &Suggestion) -> String {
    suggestion
        .because
        .iter()
        .map(|r| r.words.as_str())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The active model's suggestion for a message, and whether it is sure
/// enough of the resident's topic to route it at once; `None` without a model.
pub(super) async fn suggest(
    conn: &mut Conn<'_>,
    reference: &Snapshot<'_>,
    intake: &Intake,
    message: &Considered<'_>,
) -> Result<Option<Suggested>, DbError> {
    let Some(live) = &intake.model else {
        return Ok(None);
    };
    let Some(loaded) = reference.model(conn, live).await? else {
        return Ok(None);
    };
    let now = intake.clock.now().timestamp();
    // Only the first topic counts here, and an organisation only where the
    // rules chose none: ranking and explaining more is wasted at intake.
    let wanted = Wanted {
        topics: 1,
        organisations: usize::from(message.routed_by_rules.is_none()),
    };
    let suggestions = loaded.model.suggest_wanted(message.text, Some(now), wanted);
    let Some(top) = suggestions.topics.first() else {
        return Ok(None);
    };
    let topic_id = top.label.parse::<i64>().ok();
    // Only when the model agrees with the resident's own choice of topic:
    // where they differ, a person decides.
    let threshold = if topic_id == Some(message.topic.id) {
        reference.threshold(conn, message.topic.id).await?
    } else {
        None
    };
    let auto_route_note = threshold
        .filter(|&t| message.may_skip_moderation && top.confidence >= t)
        .map(|t| {
            format!(
                "Направлено автоматически: классификатор уверен в теме «{}» на {} % (порог {} %); слова: {}",
                message.topic.name_ru,
                percent(top.confidence),
                percent(t),
                because(top),
            )
        });
    Ok(Some(Suggested {
        model_id: loaded.id,
        topic_id,
        confidence: top.confidence,
        organisation_id: suggestions
            .organisations
            .first()
            .and_then(|o| o.label.parse().ok()),
        auto_route_note,
    }))
}

impl Suggested {
    /// The verdict once the message's route is known: the route's
    /// organisation where the rules or the house register chose one, else
    /// the model's; routed at once only if there is one to route to.
    pub(super) fn decide(&self, routed: Option<i64>) -> Verdict {
        let organisation_id = routed.or(self.organisation_id);
        Verdict {
            shown: Shown {
                model_id: self.model_id,
                topic_id: self.topic_id,
                topic_confidence: self.confidence,
                organisation_id,
                auto_routed: false,
            },
            auto_route: organisation_id.zip(self.auto_route_note.clone()),
        }
    }
}

/// Writes the verdicts with their messages: routes those the model was sure
/// of, and keeps every suggestion (in one statement) so a moderator's
/// decision counts as a confirmation or a correction.
pub(super) async fn apply(
    conn: &mut Conn<'_>,
    intake: &Intake,
    verdicts: &[(i64, Verdict)],
) -> Result<(), DbError> {
    let mut shown = Vec::with_capacity(verdicts.len());
    for &(message_id, ref verdict) in verdicts {
        let mut suggestion = verdict.shown.clone();
        if let Some((org, note)) = &verdict.auto_route {
            suggestion.auto_routed = route(conn, intake, message_id, *org, note).await?;
        }
        shown.push((message_id, suggestion));
    }
    routing_labels::record_shown(conn, &shown, intake.clock.now()).await
}

/// Routes the message as a moderator would, on the platform's behalf, and
/// says why in its history. False when the organisation cannot take it (it
/// stays in moderation then).
async fn route(
    conn: &mut Conn<'_>,
    intake: &Intake,
    message_id: i64,
    organisation_id: i64,
    note: &str,
) -> Result<bool, DbError> {
    let case = cases::get(conn, message_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let ctx = cases::Context {
        calendar: &intake.calendar,
        time_zone: intake.time_zone,
        now: intake.clock.now(),
    };
    let platform = Who {
        moderate: true,
        system: true,
        ..Who::default()
    };
    let command = Command::Route { organisation_id };
    match cases::apply(conn, ctx, &case, platform, None, &command).await {
        Ok(_) => {}
        Err(CaseError::Db(e)) => return Err(e),
        Err(CaseError::Refused(_) | CaseError::UnknownTarget(_)) => return Ok(false),
    }
    Sql::new("UPDATE messages SET routing_note = $1 WHERE id = $2")
        .bind(note)
        .bind(message_id)
        .execute(conn)
        .await?;
    Sql::new("UPDATE message_events SET comment = $1 WHERE message_id = $2 AND action = $3")
        .bind(note)
        .bind(message_id)
        .bind(command.name())
        .execute(conn)
        .await?;
    Ok(true)
}
