//! A case command as a form or a JSON body sends it: a `command` name and
//! the fields it needs. Shared by the staff pages, the resident's page and
//! the API, so that all three accept exactly the same commands.

use chrono::NaiveDate;
use serde::Deserialize;
use vmeste_db::attachments;
use vmeste_db::cases::{self, Case, CaseError, Context};
use vmeste_domain::access::Permission;
use vmeste_domain::case::{Command, NoMeritsGround, RejectReason, Who};

use crate::AppState;
use crate::i18n::current;
use crate::principal::Principal;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommandForm {
    pub csrf: Option<String>,
    pub command: Option<String>,
    pub organisation_id: Option<String>,
    pub executor_id: Option<String>,
    pub of: Option<String>,
    pub days: Option<String>,
    pub planned: Option<String>,
    pub text: Option<String>,
    pub reason: Option<String>,
    pub score: Option<String>,
    pub resolved: Option<String>,
    pub topic_id: Option<String>,
    pub territory_id: Option<String>,
}

/// A field of the form that cannot be used, with what to tell the person
/// (in the request's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: String) -> FieldProblem {
    FieldProblem { field, message }
}

fn id(value: Option<&String>, field: &'static str) -> Result<i64, FieldProblem> {
    value
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| problem(field, current().t("case-error-choose")))
}

fn text(value: Option<&String>) -> String {
    value.map(|v| v.trim().to_owned()).unwrap_or_default()
}

impl CommandForm {
    /// The command the form asks for.
    pub fn command(&self) -> Result<Command, FieldProblem> {
        let name = self.command.as_deref().unwrap_or("");
        Ok(match name {
            "route" => Command::Route {
                organisation_id: id(self.organisation_id.as_ref(), "organisation_id")?,
            },
            "request_clarification" => Command::RequestClarification {
                question: text(self.text.as_ref()),
                days: self
                    .days
                    .as_deref()
                    .and_then(|d| d.trim().parse().ok())
                    .ok_or_else(|| problem("days", current().t("case-error-clarify-days")))?,
            },
            "provide_clarification" => Command::ProvideClarification {
                text: text(self.text.as_ref()),
            },
            "reject" => Command::Reject {
                reason: self
                    .reason
                    .as_deref()
                    .and_then(RejectReason::parse)
                    .ok_or_else(|| problem("reason", current().t("case-error-reject-reason")))?,
                comment: Some(text(self.text.as_ref())).filter(|t| !t.is_empty()),
            },
            "mark_duplicate" => Command::MarkDuplicate {
                of: id(self.of.as_ref(), "of")?,
            },
            "assign" => Command::Assign {
                executor_id: id(self.executor_id.as_ref(), "executor_id")?,
            },
            "start_work" => Command::StartWork,
            "interim_answer" => Command::InterimAnswer {
                text: text(self.text.as_ref()),
                planned: self
                    .planned
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                    .ok_or_else(|| problem("planned", current().t("case-error-planned")))?,
            },
            "answer" => Command::Answer {
                text: text(self.text.as_ref()),
            },
            "redirect" => Command::Redirect {
                organisation_id: id(self.organisation_id.as_ref(), "organisation_id")?,
                reason: text(self.text.as_ref()),
            },
            "extend" => Command::Extend {
                days: self
                    .days
                    .as_deref()
                    .and_then(|d| d.trim().parse().ok())
                    .ok_or_else(|| problem("days", current().t("case-error-days")))?,
                reason: text(self.text.as_ref()),
            },
            "dispute" => Command::Dispute {
                reason: text(self.text.as_ref()),
            },
            "rate" => Command::Rate {
                score: self
                    .score
                    .as_deref()
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| problem("score", current().t("case-error-score")))?,
                resolved: self.resolved.as_deref() == Some("yes"),
            },
            "comment" => Command::Comment {
                text: text(self.text.as_ref()),
            },
            "convert_to_appeal" => Command::ConvertToAppeal,
            "mark_complaint" => Command::MarkComplaint,
            "approve_answer" => Command::ApproveAnswer,
            "correct" => Command::Correct {
                topic_id: id(self.topic_id.as_ref(), "topic_id")?,
                territory_id: self
                    .territory_id
                    .as_deref()
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| id(Some(&t.to_owned()), "territory_id"))
                    .transpose()?,
            },
            "send_copy" => Command::SendCopy {
                organisation_id: id(self.organisation_id.as_ref(), "organisation_id")?,
                reason: text(self.text.as_ref()),
            },
            "decline_on_merits" => Command::DeclineOnMerits {
                ground: self
                    .reason
                    .as_deref()
                    .and_then(NoMeritsGround::parse)
                    .ok_or_else(|| problem("reason", current().t("case-error-ground")))?,
                comment: Some(text(self.text.as_ref())).filter(|t| !t.is_empty()),
            },
            _ => return Err(problem("command", current().t("case-error-command"))),
        })
    }
}

/// What the principal may do for this case.
pub fn who(state: &AppState, principal: &Principal, case: &Case) -> Who {
    let org = case.organisation_id;
    Who {
        moderate: principal.allows(state, Permission::Moderate, org),
        triage: principal.allows(state, Permission::Triage, org),
        answer: principal.allows(state, Permission::Answer, org),
        approve: principal.allows(state, Permission::Approve, org),
        author: principal.user_id().is_some() && principal.user_id() == case.author_id,
        system: false,
    }
}

/// Applies a command in one transaction, with its audit entry for staff.
pub async fn run(
    state: &AppState,
    principal: &Principal,
    client: &crate::rate_limit::ClientIp,
    case: &Case,
    command: &Command,
) -> Result<cases::Outcome, CaseError> {
    run_with(state, principal, client, case, command, &[]).await
}

/// A document already put in storage, to be recorded with an answer.
pub struct StoredDocument {
    pub key: String,
    pub filename: String,
    pub content_type: &'static str,
    pub size: i64,
}

/// Puts checked answer documents in storage under the case; on a failure
/// the ones already stored are removed again.
pub async fn store_documents(
    state: &AppState,
    case_id: i64,
    documents: Vec<crate::upload::Document>,
) -> Result<Vec<StoredDocument>, crate::storage::StorageError> {
    let mut stored = Vec::with_capacity(documents.len());
    for d in documents {
        let key = format!("messages/{case_id}/answer/{}", uuid::Uuid::new_v4());
        let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
        if let Err(e) = state.storage().put(&key, d.bytes).await {
            forget_documents(state, &stored).await;
            return Err(e);
        }
        stored.push(StoredDocument {
            key,
            filename: d.filename,
            content_type: d.content_type,
            size,
        });
    }
    Ok(stored)
}

/// Removes stored files nothing refers to; a failure leaves an orphan file,
/// never a broken record.
pub async fn forget_documents(state: &AppState, stored: &[StoredDocument]) {
    for d in stored {
        if let Err(e) = state.storage().delete(&d.key).await {
            tracing::warn!(error = %e, key = %d.key, "could not remove an unused file");
        }
    }
}

/// Records stored answer documents, not yet published: the next answer
/// publishes them (or they wait with it for the head's approval).
pub async fn record_documents(
    conn: &mut vmeste_db::Conn<'_>,
    message_id: i64,
    by: Option<i64>,
    documents: &[StoredDocument],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<i64>, vmeste_db::DbError> {
    let mut ids = Vec::with_capacity(documents.len());
    for d in documents {
        let id = attachments::insert(
            conn,
            &attachments::NewAttachment {
                message_id,
                purpose: attachments::ANSWER,
                storage_key: &d.key,
                filename: &d.filename,
                content_type: d.content_type,
                size: d.size,
                uploaded_by: by,
            },
            now,
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// [`run`] with an answer's documents, recorded in the same transaction (and
/// published with the answer, or kept for the head's approval).
pub async fn run_with(
    state: &AppState,
    principal: &Principal,
    client: &crate::rate_limit::ClientIp,
    case: &Case,
    command: &Command,
    documents: &[StoredDocument],
) -> Result<cases::Outcome, CaseError> {
    let who = who(state, principal, case);
    let ctx = Context {
        calendar: state.shipped_calendar(),
        time_zone: state.time_zone(),
        now: state.clock().now(),
    };
    let mut tx = state.db().write().await?;
    record_documents(
        &mut tx.conn(),
        case.id,
        principal.user_id(),
        documents,
        ctx.now,
    )
    .await?;
    let outcome =
        cases::apply(&mut tx.conn(), ctx, case, who, principal.user_id(), command).await?;
    if who.author && !(who.triage || who.answer || who.moderate) {
        tx.commit().await?;
    } else {
        let action = format!("message.{}", outcome.command);
        let entry = vmeste_db::audit::Entry {
            action: &action,
            object_kind: "message",
            object_id: Some(case.id),
            organisation_id: case.organisation_id,
            ..vmeste_db::audit::Entry::default()
        };
        principal.commit_audited(state, tx, client, entry).await?;
    }
    Ok(outcome)
}
