//! The life of a message: its statuses and the actions that move it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Draft,
    Submitted,
    Moderation,
    ClarificationRequested,
    Rejected,
    Routed,
    InProgress,
    Answered,
    Disputed,
    Closed,
    Duplicate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    SendToModeration,
    RequestClarification,
    ProvideClarification,
    Reject,
    Route,
    Redirect,
    StartWork,
    Extend,
    InterimAnswer,
    Answer,
    Dispute,
    Close,
    MarkDuplicate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed for a message in status {from:?}")]
pub struct TransitionError {
    pub from: MessageStatus,
    pub action: Action,
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        "transition_not_allowed"
    }
}

impl MessageStatus {
    pub const ALL: [Self; 11] = [
        Self::Draft,
        Self::Submitted,
        Self::Moderation,
        Self::ClarificationRequested,
        Self::Rejected,
        Self::Routed,
        Self::InProgress,
        Self::Answered,
        Self::Disputed,
        Self::Closed,
        Self::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Moderation => "moderation",
            Self::ClarificationRequested => "clarification_requested",
            Self::Rejected => "rejected",
            Self::Routed => "routed",
            Self::InProgress => "in_progress",
            Self::Answered => "answered",
            Self::Disputed => "disputed",
            Self::Closed => "closed",
            Self::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Draft => "Черновик",
            Self::Submitted => "Отправлено",
            Self::Moderation => "На модерации",
            Self::ClarificationRequested => "Нужно уточнение",
            Self::Rejected => "Отклонено",
            Self::Routed => "Передано исполнителю",
            Self::InProgress => "В работе",
            Self::Answered => "Дан ответ",
            Self::Disputed => "Ответ оспорен",
            Self::Closed => "Закрыто",
            Self::Duplicate => "Дубликат",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::Moderation => "In moderation",
            Self::ClarificationRequested => "Details requested",
            Self::Rejected => "Rejected",
            Self::Routed => "Passed to the organisation",
            Self::InProgress => "In progress",
            Self::Answered => "Answered",
            Self::Disputed => "Answer disputed",
            Self::Closed => "Closed",
            Self::Duplicate => "Duplicate",
        }
    }

    /// The organisation (or the moderators) still owe work.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Submitted
                | Self::Moderation
                | Self::ClarificationRequested
                | Self::Routed
                | Self::InProgress
                | Self::Disputed
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Closed | Self::Duplicate)
    }

    /// Whether the deadline clock runs; it pauses while the resident is asked
    /// for details and stops once answered.
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::Moderation | Self::Routed | Self::InProgress | Self::Disputed
        )
    }

    /// The status an action leads to, or why it is refused.
    pub fn apply(self, action: Action) -> Result<MessageStatus, TransitionError> {
        use Action as A;
        use MessageStatus as S;
        let next = match (self, action) {
            (S::Draft, A::Submit) => S::Submitted,
            (S::Submitted, A::SendToModeration)
            | (S::ClarificationRequested, A::ProvideClarification) => S::Moderation,
            (S::Moderation, A::RequestClarification) => S::ClarificationRequested,
            (S::Moderation | S::ClarificationRequested, A::Reject) => S::Rejected,
            (S::Moderation | S::Submitted, A::MarkDuplicate) => S::Duplicate,
            (S::Moderation | S::Submitted, A::Route) | (S::Routed | S::InProgress, A::Redirect) => {
                S::Routed
            }
            (S::Routed | S::Disputed, A::StartWork)
            | (S::Routed | S::InProgress | S::Disputed, A::InterimAnswer) => S::InProgress,
            (S::Routed | S::InProgress | S::Disputed, A::Extend) => self,
            (S::Routed | S::InProgress | S::Disputed, A::Answer) => S::Answered,
            (S::Answered, A::Dispute) => S::Disputed,
            (S::Answered, A::Close) => S::Closed,
            _ => return Err(TransitionError { from: self, action }),
        };
        Ok(next)
    }
}

impl Action {
    pub const ALL: [Self; 14] = [
        Self::Submit,
        Self::SendToModeration,
        Self::RequestClarification,
        Self::ProvideClarification,
        Self::Reject,
        Self::Route,
        Self::Redirect,
        Self::StartWork,
        Self::Extend,
        Self::InterimAnswer,
        Self::Answer,
        Self::Dispute,
        Self::Close,
        Self::MarkDuplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::SendToModeration => "send_to_moderation",
            Self::RequestClarification => "request_clarification",
            Self::ProvideClarification => "provide_clarification",
            Self::Reject => "reject",
            Self::Route => "route",
            Self::Redirect => "redirect",
            Self::StartWork => "start_work",
            Self::Extend => "extend",
            Self::InterimAnswer => "interim_answer",
            Self::Answer => "answer",
            Self::Dispute => "dispute",
            Self::Close => "close",
            Self::MarkDuplicate => "mark_duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}
