//! The one decision every change to a case goes through: may this person do
//! this to this message now? It checks who they are for this message (their
//! permissions on its organisation, or being its author), the message's
//! status, and the time windows: redirect within 7 days of routing, one
//! extension within the topic's limit, a dispute within the topic's window, a
//! clarification before its set time. Pure: the caller brings the facts.

use chrono::NaiveDate;

use crate::status::{Action, MessageStatus};

/// The two tracks: a message (fast, public, per-topic deadline) and a formal
/// appeal under 59-FZ (identified author, never public, 30 days from
/// registration, one extension of up to 30 days by the head).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    Message,
    Appeal,
}

impl CaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Appeal => "appeal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Message, Self::Appeal]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// An appeal is answered within 30 days of registration (59-FZ art. 12)...
pub const APPEAL_DAYS: u32 = 30;
/// ...and the head may extend that once by up to 30 days.
pub const APPEAL_EXTENSION_DAYS: u32 = 30;
/// An appeal is registered within 3 days of its receipt (59-FZ art. 8 p. 2).
pub const REGISTRATION_DAYS: i64 = 3;

/// The last day to register an appeal received on `received`.
pub fn registration_due(received: NaiveDate) -> NaiveDate {
    received + chrono::Duration::days(REGISTRATION_DAYS)
}

/// What the person may do for this particular message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one flag per permission, as the access layer answers
pub struct Who {
    /// Moderates across the region (the regional centre).
    pub moderate: bool,
    /// Triages in the message's organisation: registers, assigns, redirects.
    pub triage: bool,
    /// Answers in the message's organisation.
    pub answer: bool,
    /// Approves in the message's organisation: extensions, answers.
    pub approve: bool,
    /// Wrote the message.
    pub author: bool,
    /// The platform's own jobs (closing after the window, timeouts).
    pub system: bool,
}

/// Why a message is rejected (the list residents see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    Obscene,
    NoEssence,
    Duplicate,
    OutOfScope,
    Spam,
    NoClarification,
    Other,
}

impl RejectReason {
    pub const ALL: [Self; 7] = [
        Self::Obscene,
        Self::NoEssence,
        Self::Duplicate,
        Self::OutOfScope,
        Self::Spam,
        Self::NoClarification,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Obscene => "obscene",
            Self::NoEssence => "no_essence",
            Self::Duplicate => "duplicate",
            Self::OutOfScope => "out_of_scope",
            Self::Spam => "spam",
            Self::NoClarification => "no_clarification",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Obscene => "Нецензурные выражения или оскорбления",
            Self::NoEssence => "Невозможно понять суть",
            Self::Duplicate => "Повтор уже поданного сообщения",
            Self::OutOfScope => "Вопрос вне компетенции платформы",
            Self::Spam => "Спам или реклама",
            Self::NoClarification => "Автор не дал уточнения в срок",
            Self::Other => "Другая причина",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Obscene => "Obscene language or insults",
            Self::NoEssence => "The point cannot be understood",
            Self::Duplicate => "Repeats a message already sent",
            Self::OutOfScope => "Outside the platform's remit",
            Self::Spam => "Spam or advertising",
            Self::NoClarification => "The author gave no details in time",
            Self::Other => "Another reason",
        }
    }
}

/// Why an appeal gets no answer on the merits (59-FZ art. 11); the author is
/// told the ground, except where there is no address to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMeritsGround {
    /// No name or postal address for the reply (art. 11 p. 1).
    NoAddress,
    /// A court decision is appealed (art. 11 p. 2): returned with an explanation.
    CourtDecision,
    /// Obscene or insulting words, threats (art. 11 p. 3).
    Threats,
    /// The text cannot be read (art. 11 p. 4).
    Unreadable,
    /// The essence cannot be determined (art. 11 p. 4.1).
    NoEssence,
    /// The same question was answered on the merits before, with no new
    /// arguments: correspondence is ended (art. 11 p. 5).
    Repeated,
    /// An answer would disclose a state secret (art. 11 p. 6).
    StateSecret,
}

impl NoMeritsGround {
    pub const ALL: [Self; 7] = [
        Self::NoAddress,
        Self::CourtDecision,
        Self::Threats,
        Self::Unreadable,
        Self::NoEssence,
        Self::Repeated,
        Self::StateSecret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoAddress => "no_address",
            Self::CourtDecision => "court_decision",
            Self::Threats => "threats",
            Self::Unreadable => "unreadable",
            Self::NoEssence => "no_essence",
            Self::Repeated => "repeated",
            Self::StateSecret => "state_secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::NoAddress => "не указаны фамилия или адрес для ответа (ст. 11 ч. 1 59-ФЗ)",
            Self::CourtDecision => "обжалуется судебное решение (ст. 11 ч. 2 59-ФЗ)",
            Self::Threats => "нецензурные или оскорбительные выражения, угрозы (ст. 11 ч. 3 59-ФЗ)",
            Self::Unreadable => "текст не поддаётся прочтению (ст. 11 ч. 4 59-ФЗ)",
            Self::NoEssence => "по тексту нельзя определить суть (ст. 11 ч. 4.1 59-ФЗ)",
            Self::Repeated => {
                "повторный вопрос, на который уже дан ответ; переписка прекращена (ст. 11 ч. 5 59-ФЗ)"
            }
            Self::StateSecret => {
                "ответ невозможен без разглашения государственной тайны (ст. 11 ч. 6 59-ФЗ)"
            }
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::NoAddress => "no surname or postal address for the answer (59-FZ art. 11 p. 1)",
            Self::CourtDecision => "a court decision is appealed (59-FZ art. 11 p. 2)",
            Self::Threats => "obscene or insulting words, threats (59-FZ art. 11 p. 3)",
            Self::Unreadable => "the text cannot be read (59-FZ art. 11 p. 4)",
            Self::NoEssence => {
                "the essence cannot be determined from the text (59-FZ art. 11 p. 4.1)"
            }
            Self::Repeated => {
                "a repeated question already answered; correspondence is ended (59-FZ art. 11 p. 5)"
            }
            Self::StateSecret => "an answer would disclose a state secret (59-FZ art. 11 p. 6)",
        }
    }
}

/// What someone asks to do with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Moderation passed: send to an organisation.
    Route {
        organisation_id: i64,
    },
    /// Ask the author for details, with days to answer.
    RequestClarification {
        question: String,
        days: u32,
    },
    /// The author's answer to a clarification request.
    ProvideClarification {
        text: String,
    },
    Reject {
        reason: RejectReason,
        comment: Option<String>,
    },
    MarkDuplicate {
        of: i64,
    },
    /// Assign an executor of the organisation (no status change).
    Assign {
        executor_id: i64,
    },
    StartWork,
    InterimAnswer {
        text: String,
        planned: NaiveDate,
    },
    Answer {
        text: String,
    },
    Redirect {
        organisation_id: i64,
        reason: String,
    },
    Extend {
        days: u32,
        reason: String,
    },
    Dispute {
        reason: String,
    },
    /// The author's rating of the answer (no status change unless resolved).
    Rate {
        score: u8,
        resolved: bool,
    },
    /// The dispute window ended without a dispute.
    Close,
    /// A note for staff only (no status change).
    Comment {
        text: String,
    },
    /// Turn a message into a formal appeal, keeping its history.
    ConvertToAppeal,
    /// The message complains about the organisation it is with: it goes to
    /// the supervising body and never back.
    MarkComplaint,
    /// The head sends the answer an executor proposed.
    ApproveAnswer,
    /// Sends a copy of an appeal to another competent body, within the
    /// redirect window (59-FZ art. 8 p. 3); the original stays.
    SendCopy {
        organisation_id: i64,
        reason: String,
    },
    /// The head closes an appeal without an answer on the merits, on one of
    /// the law's grounds, telling the author why.
    DeclineOnMerits {
        ground: NoMeritsGround,
        comment: Option<String>,
    },
    /// A moderator corrects the topic (and the territory) the resident chose;
    /// the deadline and, before routing, the suggested organisation follow.
    Correct {
        topic_id: i64,
        territory_id: Option<i64>,
    },
}

impl Command {
    /// The status machine's action, for commands that change the status.
    pub fn action(&self) -> Option<Action> {
        Some(match self {
            Self::Route { .. } => Action::Route,
            Self::RequestClarification { .. } => Action::RequestClarification,
            Self::ProvideClarification { .. } => Action::ProvideClarification,
            Self::Reject { .. } => Action::Reject,
            Self::MarkDuplicate { .. } => Action::MarkDuplicate,
            Self::StartWork => Action::StartWork,
            Self::InterimAnswer { .. } => Action::InterimAnswer,
            Self::Answer { .. } | Self::ApproveAnswer | Self::DeclineOnMerits { .. } => {
                Action::Answer
            }
            Self::Redirect { .. } | Self::MarkComplaint => Action::Redirect,
            Self::Extend { .. } => Action::Extend,
            Self::Dispute { .. } => Action::Dispute,
            Self::Close => Action::Close,
            Self::Assign { .. }
            | Self::Rate { .. }
            | Self::Comment { .. }
            | Self::ConvertToAppeal
            | Self::SendCopy { .. }
            | Self::Correct { .. } => return None,
        })
    }

    /// A stable name, for events, the API and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Assign { .. } => "assign",
            Self::Rate { .. } => "rate",
            Self::Comment { .. } => "comment",
            Self::ConvertToAppeal => "convert_to_appeal",
            Self::MarkComplaint => "mark_complaint",
            Self::ApproveAnswer => "approve_answer",
            Self::SendCopy { .. } => "send_copy",
            Self::DeclineOnMerits { .. } => "decline_on_merits",
            Self::Correct { .. } => "correct",
            other => other.action().map_or("", Action::as_str),
        }
    }
}

/// What the decision needs to know about the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent facts about one message
pub struct Facts {
    pub status: MessageStatus,
    /// Local date it was routed (registered with the organisation).
    pub routed_on: Option<NaiveDate>,
    /// Local date it was answered.
    pub answered_on: Option<NaiveDate>,
    /// Whether the deadline was extended already.
    pub extended: bool,
    /// The topic's limit for one extension, in days.
    pub extension_limit: u32,
    /// The topic's dispute window after an answer, in days.
    pub dispute_window: u32,
    /// The last day of a pending clarification request.
    pub clarification_until: Option<NaiveDate>,
    /// Whether the answer was rated already.
    pub rated: bool,
    pub kind: CaseKind,
    /// The organisation's answers go out only with its head's approval.
    pub approval_required: bool,
    /// An executor's answer waits for that approval.
    pub answer_pending: bool,
}

/// Whether this person's answer waits for the head instead of going out.
pub fn answer_needs_approval(who: Who, facts: &Facts) -> bool {
    facts.approval_required && !who.approve
}

/// Days after routing within which a message may be redirected (59-FZ art. 8).
pub const REDIRECT_WINDOW_DAYS: i64 = 7;
/// The longest clarification time a moderator may give.
pub const MAX_CLARIFICATION_DAYS: u32 = 10;

/// Why a command is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the person may not do this to this message")]
    NotAllowed,
    #[error("the message's status does not allow it")]
    WrongStatus,
    #[error("the redirect window has closed")]
    RedirectWindowClosed,
    #[error("the deadline was extended already")]
    AlreadyExtended,
    #[error("the extension is longer than the topic allows")]
    ExtensionTooLong,
    #[error("the dispute window has closed")]
    DisputeWindowClosed,
    #[error("the dispute window is still open")]
    DisputeWindowOpen,
    #[error("the answer was rated already")]
    AlreadyRated,
    #[error("a text is required")]
    TextRequired,
    #[error("a value is out of range")]
    OutOfRange,
    #[error("the message complains about that organisation")]
    ComplainedAbout,
    #[error("no answer waits for approval")]
    NothingToApprove,
    #[error("only a formal appeal allows it")]
    AppealsOnly,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAllowed => "not_allowed",
            Self::WrongStatus => "transition_not_allowed",
            Self::RedirectWindowClosed => "redirect_window_closed",
            Self::AlreadyExtended => "already_extended",
            Self::ExtensionTooLong => "extension_too_long",
            Self::DisputeWindowClosed => "dispute_window_closed",
            Self::DisputeWindowOpen => "dispute_window_open",
            Self::AlreadyRated => "already_rated",
            Self::TextRequired => "text_required",
            Self::OutOfRange => "out_of_range",
            Self::ComplainedAbout => "complained_about",
            Self::NothingToApprove => "nothing_to_approve",
            Self::AppealsOnly => "appeals_only",
        }
    }

    pub fn message_ru(self) -> &'static str {
        match self {
            Self::NotAllowed => "Это действие вам недоступно.",
            Self::WrongStatus => "В текущем статусе сообщения это действие невозможно.",
            Self::RedirectWindowClosed => {
                "Перенаправить можно только в течение 7 дней после передачи."
            }
            Self::AlreadyExtended => "Срок уже продлевался: продлить можно один раз.",
            Self::ExtensionTooLong => "Продление длиннее, чем допускает тема.",
            Self::DisputeWindowClosed => "Срок, когда ответ можно оспорить, истёк.",
            Self::DisputeWindowOpen => "Срок оспаривания ответа ещё не истёк.",
            Self::AlreadyRated => "Ответ уже оценён.",
            Self::TextRequired => "Напишите текст.",
            Self::OutOfRange => "Значение вне допустимых пределов.",
            Self::ComplainedAbout => {
                "Сообщение — жалоба на эту организацию: передать его ей нельзя."
            }
            Self::NothingToApprove => "Нет ответа, ожидающего утверждения.",
            Self::AppealsOnly => "Это возможно только для обращения по 59-ФЗ.",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Self::NotAllowed => "You may not take this action.",
            Self::WrongStatus => "The message's current status does not allow this action.",
            Self::RedirectWindowClosed => {
                "A message may be redirected only within 7 days of being passed on."
            }
            Self::AlreadyExtended => "The deadline was extended already: it may be extended once.",
            Self::ExtensionTooLong => "The extension is longer than the topic allows.",
            Self::DisputeWindowClosed => "The time to dispute the answer has passed.",
            Self::DisputeWindowOpen => "The time to dispute the answer has not passed yet.",
            Self::AlreadyRated => "The answer is rated already.",
            Self::TextRequired => "Write the text.",
            Self::OutOfRange => "The value is out of the allowed range.",
            Self::ComplainedAbout => {
                "The message is a complaint about this organisation: it cannot be passed to it."
            }
            Self::NothingToApprove => "No answer awaits approval.",
            Self::AppealsOnly => "Only a formal appeal under 59-FZ allows this.",
        }
    }
}

fn text(s: &str) -> Result<(), Refusal> {
    if s.trim().is_empty() {
        Err(Refusal::TextRequired)
    } else {
        Ok(())
    }
}

/// Who may ask for a command, whatever the status.
fn permitted(who: Who, command: &Command) -> bool {
    match command {
        Command::Route { .. }
        | Command::RequestClarification { .. }
        | Command::Reject { .. }
        | Command::MarkDuplicate { .. }
        | Command::Correct { .. } => who.moderate,
        Command::ProvideClarification { .. } | Command::Dispute { .. } | Command::Rate { .. } => {
            who.author
        }
        Command::Assign { .. } | Command::StartWork => who.triage || who.answer,
        Command::InterimAnswer { .. } | Command::Answer { .. } => who.answer,
        Command::Redirect { .. }
        | Command::ConvertToAppeal
        | Command::MarkComplaint
        | Command::SendCopy { .. } => who.triage || who.moderate,
        Command::Extend { .. } | Command::ApproveAnswer | Command::DeclineOnMerits { .. } => {
            who.approve
        }
        Command::Close => who.system,
        Command::Comment { .. } => who.triage || who.answer || who.approve || who.moderate,
    }
}

/// Decides a command: the status the message moves to, or why not.
pub fn decide(
    who: Who,
    command: &Command,
    facts: &Facts,
    today: NaiveDate,
) -> Result<MessageStatus, Refusal> {
    if !permitted(who, command) {
        return Err(Refusal::NotAllowed);
    }
    let next = match command.action() {
        Some(action) => facts
            .status
            .apply(action)
            .map_err(|_| Refusal::WrongStatus)?,
        None if facts.status.is_final() => return Err(Refusal::WrongStatus),
        None => facts.status,
    };
    match command {
        Command::RequestClarification { question, days } => {
            text(question)?;
            if *days == 0 || *days > MAX_CLARIFICATION_DAYS {
                return Err(Refusal::OutOfRange);
            }
        }
        Command::ProvideClarification { text: t }
        | Command::Answer { text: t }
        | Command::Comment { text: t } => text(t)?,
        Command::Reject {
            reason: RejectReason::Other,
            comment,
        } => {
            text(comment.as_deref().unwrap_or(""))?;
        }
        Command::InterimAnswer { text: t, planned } => {
            text(t)?;
            if *planned < today {
                return Err(Refusal::OutOfRange);
            }
        }
        Command::Redirect { reason, .. } => {
            text(reason)?;
            // Moderators correct routes at any time; organisations only within the window.
            if !within_redirect_window(facts, today) && !who.moderate {
                return Err(Refusal::RedirectWindowClosed);
            }
        }
        Command::SendCopy { reason, .. } => {
            text(reason)?;
            if facts.kind != CaseKind::Appeal {
                return Err(Refusal::AppealsOnly);
            }
            if !facts.status.is_open() {
                return Err(Refusal::WrongStatus);
            }
            if !within_redirect_window(facts, today) {
                return Err(Refusal::RedirectWindowClosed);
            }
        }
        Command::DeclineOnMerits { .. } if facts.kind != CaseKind::Appeal => {
            return Err(Refusal::AppealsOnly);
        }
        Command::Extend { days, reason } => {
            text(reason)?;
            if facts.extended {
                return Err(Refusal::AlreadyExtended);
            }
            if *days == 0 || *days > facts.extension_limit {
                return Err(Refusal::ExtensionTooLong);
            }
        }
        Command::Dispute { reason } => {
            text(reason)?;
            if !within_dispute_window(facts, today) {
                return Err(Refusal::DisputeWindowClosed);
            }
        }
        Command::Rate { score, .. } => {
            if facts.status != MessageStatus::Answered && facts.status != MessageStatus::Closed {
                return Err(Refusal::WrongStatus);
            }
            if facts.rated {
                return Err(Refusal::AlreadyRated);
            }
            if !(1..=5).contains(score) {
                return Err(Refusal::OutOfRange);
            }
        }
        Command::Close if within_dispute_window(facts, today) => {
            return Err(Refusal::DisputeWindowOpen);
        }
        Command::ApproveAnswer if !facts.answer_pending => return Err(Refusal::NothingToApprove),
        Command::ConvertToAppeal if facts.kind == CaseKind::Appeal || !facts.status.is_open() => {
            return Err(Refusal::WrongStatus);
        }
        _ => {}
    }
    Ok(next)
}

/// Whether `today` is within 7 days of the routing (registration).
fn within_redirect_window(facts: &Facts, today: NaiveDate) -> bool {
    facts
        .routed_on
        .is_some_and(|routed| (today - routed).num_days() <= REDIRECT_WINDOW_DAYS)
}

/// Whether `today` is within the dispute window after the answer.
pub fn within_dispute_window(facts: &Facts, today: NaiveDate) -> bool {
    facts
        .answered_on
        .is_some_and(|answered| (today - answered).num_days() <= i64::from(facts.dispute_window))
}

/// Whether a pending clarification request has run out at `today`.
pub fn clarification_expired(facts: &Facts, today: NaiveDate) -> bool {
    facts.status == MessageStatus::ClarificationRequested
        && facts.clarification_until.is_some_and(|until| today > until)
}
