//! Every command against who may ask for it, the statuses and the windows.

use chrono::NaiveDate;
use vmeste_domain::case::{
    CaseKind, Command, Facts, NoMeritsGround, Refusal, RejectReason, Who, decide,
};
use vmeste_domain::status::MessageStatus as S;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn facts(status: S) -> Facts {
    Facts {
        status,
        routed_on: Some(day(2)),
        answered_on: Some(day(10)),
        extended: false,
        extension_limit: 30,
        dispute_window: 5,
        clarification_until: None,
        rated: false,
        kind: CaseKind::Message,
        approval_required: false,
        answer_pending: true,
    }
}

const MODERATOR: Who = Who {
    moderate: true,
    triage: true,
    answer: false,
    approve: false,
    author: false,
    system: false,
};
const OPERATOR: Who = Who {
    moderate: false,
    triage: true,
    answer: false,
    approve: false,
    author: false,
    system: false,
};
const EXECUTOR: Who = Who {
    moderate: false,
    triage: false,
    answer: true,
    approve: false,
    author: false,
    system: false,
};
const HEAD: Who = Who {
    moderate: false,
    triage: true,
    answer: true,
    approve: true,
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
const SYSTEM: Who = Who {
    moderate: false,
    triage: false,
    answer: false,
    approve: false,
    author: false,
    system: true,
};
const NOBODY: Who = Who {
    moderate: false,
    triage: false,
    answer: false,
    approve: false,
    author: false,
    system: false,
};

fn commands() -> Vec<Command> {
    vec![
        Command::Route { organisation_id: 1 },
        Command::RequestClarification {
            question: "Где именно?".into(),
            days: 3,
        },
        Command::ProvideClarification {
            text: "У дома 5".into(),
        },
        Command::Reject {
            reason: RejectReason::Spam,
            comment: None,
        },
        Command::MarkDuplicate { of: 7 },
        Command::Assign { executor_id: 3 },
        Command::StartWork,
        Command::InterimAnswer {
            text: "Запланировано".into(),
            planned: day(20),
        },
        Command::Answer {
            text: "Сделано".into(),
        },
        Command::Redirect {
            organisation_id: 2,
            reason: "Не наш участок".into(),
        },
        Command::Extend {
            days: 10,
            reason: "Ждём подрядчика".into(),
        },
        Command::Dispute {
            reason: "Ничего не сделано".into(),
        },
        Command::Rate {
            score: 4,
            resolved: true,
        },
        Command::Close,
        Command::Comment {
            text: "Позвонить".into(),
        },
        Command::SendCopy {
            organisation_id: 2,
            reason: "Освещение — не наше".into(),
        },
        Command::DeclineOnMerits {
            ground: NoMeritsGround::Unreadable,
            comment: None,
        },
        Command::Correct {
            topic_id: 3,
            territory_id: Some(4),
        },
    ]
}

/// Who may ask for each command (in some status).
fn may(who: Who, command: &Command) -> bool {
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

#[test]
fn every_command_is_refused_to_those_without_the_right_whatever_the_status() {
    for who in [MODERATOR, OPERATOR, EXECUTOR, HEAD, AUTHOR, SYSTEM, NOBODY] {
        for command in commands() {
            for status in S::ALL {
                let decided = decide(who, &command, &facts(status), day(11));
                if !may(who, &command) {
                    assert_eq!(
                        decided,
                        Err(Refusal::NotAllowed),
                        "{who:?} {command:?} {status:?}"
                    );
                } else if let Err(refusal) = decided {
                    assert_ne!(
                        refusal,
                        Refusal::NotAllowed,
                        "{who:?} {command:?} {status:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn status_changes_follow_the_status_machine() {
    let all = Who {
        moderate: true,
        triage: true,
        answer: true,
        approve: true,
        author: true,
        system: true,
    };
    for command in commands() {
        for status in S::ALL {
            let decided = decide(all, &command, &facts(status), day(20));
            match command.action() {
                Some(action) => match status.apply(action) {
                    Ok(next) => assert!(
                        decided.is_ok_and(|d| d == next)
                            || decided.is_err_and(|r| r != Refusal::WrongStatus),
                        "{command:?} {status:?}"
                    ),
                    Err(_) => {
                        assert_eq!(decided, Err(Refusal::WrongStatus), "{command:?} {status:?}");
                    }
                },
                // Copies have their own checks: appeals only, within the window.
                None if matches!(command, Command::Rate { .. } | Command::SendCopy { .. }) => {}
                None if command == Command::ConvertToAppeal => {
                    assert_eq!(decided.is_ok(), status.is_open(), "{command:?} {status:?}");
                }
                None => assert_eq!(
                    decided.is_ok(),
                    !status.is_final(),
                    "{command:?} {status:?}"
                ),
            }
        }
    }
}

#[test]
fn organisations_redirect_only_within_seven_days_moderators_any_time() {
    let redirect = Command::Redirect {
        organisation_id: 2,
        reason: "Не наш участок".into(),
    };
    let f = facts(S::InProgress);
    assert_eq!(decide(OPERATOR, &redirect, &f, day(9)), Ok(S::Routed));
    assert_eq!(
        decide(OPERATOR, &redirect, &f, day(10)),
        Err(Refusal::RedirectWindowClosed)
    );
    assert_eq!(decide(MODERATOR, &redirect, &f, day(25)), Ok(S::Routed));
    let no_reason = Command::Redirect {
        organisation_id: 2,
        reason: " ".into(),
    };
    assert_eq!(
        decide(OPERATOR, &no_reason, &f, day(3)),
        Err(Refusal::TextRequired)
    );
}

#[test]
fn a_deadline_is_extended_once_within_the_topics_limit() {
    let f = facts(S::InProgress);
    assert_eq!(
        decide(
            HEAD,
            &Command::Extend {
                days: 30,
                reason: "Сезон".into()
            },
            &f,
            day(11)
        ),
        Ok(S::InProgress)
    );
    assert_eq!(
        decide(
            HEAD,
            &Command::Extend {
                days: 31,
                reason: "Сезон".into()
            },
            &f,
            day(11)
        ),
        Err(Refusal::ExtensionTooLong)
    );
    let again = Facts {
        extended: true,
        ..f
    };
    assert_eq!(
        decide(
            HEAD,
            &Command::Extend {
                days: 5,
                reason: "Ещё".into()
            },
            &again,
            day(11)
        ),
        Err(Refusal::AlreadyExtended)
    );
    assert_eq!(
        decide(
            EXECUTOR,
            &Command::Extend {
                days: 5,
                reason: "Ещё".into()
            },
            &f,
            day(11)
        ),
        Err(Refusal::NotAllowed)
    );
}

#[test]
fn answers_are_disputed_within_the_window_and_closed_after_it() {
    let f = facts(S::Answered);
    let dispute = Command::Dispute {
        reason: "Яма на месте".into(),
    };
    assert_eq!(decide(AUTHOR, &dispute, &f, day(15)), Ok(S::Disputed));
    assert_eq!(
        decide(AUTHOR, &dispute, &f, day(16)),
        Err(Refusal::DisputeWindowClosed)
    );
    assert_eq!(
        decide(SYSTEM, &Command::Close, &f, day(15)),
        Err(Refusal::DisputeWindowOpen)
    );
    assert_eq!(decide(SYSTEM, &Command::Close, &f, day(16)), Ok(S::Closed));
}

#[test]
fn ratings_are_given_once_on_an_answer() {
    let rate = Command::Rate {
        score: 5,
        resolved: true,
    };
    assert_eq!(
        decide(AUTHOR, &rate, &facts(S::Answered), day(12)),
        Ok(S::Answered)
    );
    assert_eq!(
        decide(AUTHOR, &rate, &facts(S::InProgress), day(12)),
        Err(Refusal::WrongStatus)
    );
    let rated = Facts {
        rated: true,
        ..facts(S::Answered)
    };
    assert_eq!(
        decide(AUTHOR, &rate, &rated, day(12)),
        Err(Refusal::AlreadyRated)
    );
    assert_eq!(
        decide(
            AUTHOR,
            &Command::Rate {
                score: 6,
                resolved: false
            },
            &facts(S::Answered),
            day(12)
        ),
        Err(Refusal::OutOfRange)
    );
}

#[test]
fn clarifications_have_a_bounded_time_and_interim_answers_a_future_date() {
    let f = facts(S::Moderation);
    let ask = |days| Command::RequestClarification {
        question: "Где?".into(),
        days,
    };
    assert_eq!(
        decide(MODERATOR, &ask(3), &f, day(3)),
        Ok(S::ClarificationRequested)
    );
    assert_eq!(
        decide(MODERATOR, &ask(0), &f, day(3)),
        Err(Refusal::OutOfRange)
    );
    assert_eq!(
        decide(MODERATOR, &ask(11), &f, day(3)),
        Err(Refusal::OutOfRange)
    );
    let interim = Command::InterimAnswer {
        text: "Весной".into(),
        planned: day(1),
    };
    assert_eq!(
        decide(EXECUTOR, &interim, &facts(S::Routed), day(3)),
        Err(Refusal::OutOfRange)
    );
}

#[test]
fn open_messages_become_appeals_once() {
    let convert = Command::ConvertToAppeal;
    assert_eq!(
        decide(OPERATOR, &convert, &facts(S::InProgress), day(3)),
        Ok(S::InProgress)
    );
    assert_eq!(
        decide(EXECUTOR, &convert, &facts(S::InProgress), day(3)),
        Err(Refusal::NotAllowed)
    );
    let appeal = Facts {
        kind: CaseKind::Appeal,
        ..facts(S::InProgress)
    };
    assert_eq!(
        decide(OPERATOR, &convert, &appeal, day(3)),
        Err(Refusal::WrongStatus)
    );
    assert_eq!(
        decide(OPERATOR, &convert, &facts(S::Closed), day(3)),
        Err(Refusal::WrongStatus)
    );
}

#[test]
fn answers_wait_for_the_head_where_the_organisation_says_so() {
    use vmeste_domain::case::answer_needs_approval;
    let f = Facts {
        approval_required: true,
        answer_pending: false,
        ..facts(S::InProgress)
    };
    assert!(answer_needs_approval(EXECUTOR, &f));
    assert!(!answer_needs_approval(HEAD, &f));
    assert_eq!(
        decide(HEAD, &Command::ApproveAnswer, &f, day(5)),
        Err(Refusal::NothingToApprove)
    );
    let pending = Facts {
        answer_pending: true,
        ..f
    };
    assert_eq!(
        decide(HEAD, &Command::ApproveAnswer, &pending, day(5)),
        Ok(S::Answered)
    );
    assert_eq!(
        decide(EXECUTOR, &Command::ApproveAnswer, &pending, day(5)),
        Err(Refusal::NotAllowed)
    );
}

#[test]
fn only_appeals_get_copies_within_seven_days_and_declines_on_the_laws_grounds() {
    let copy = Command::SendCopy {
        organisation_id: 2,
        reason: "Вопрос освещения".into(),
    };
    let decline = Command::DeclineOnMerits {
        ground: NoMeritsGround::Threats,
        comment: None,
    };
    let appeal = Facts {
        kind: CaseKind::Appeal,
        ..facts(S::Routed)
    };
    assert_eq!(decide(OPERATOR, &copy, &appeal, day(9)), Ok(S::Routed));
    assert_eq!(
        decide(OPERATOR, &copy, &appeal, day(10)),
        Err(Refusal::RedirectWindowClosed)
    );
    assert_eq!(
        decide(OPERATOR, &copy, &facts(S::Routed), day(3)),
        Err(Refusal::AppealsOnly),
        "a message is redirected, not copied"
    );
    let empty = Command::SendCopy {
        organisation_id: 2,
        reason: " ".into(),
    };
    assert_eq!(
        decide(OPERATOR, &empty, &appeal, day(3)),
        Err(Refusal::TextRequired)
    );
    assert_eq!(decide(HEAD, &decline, &appeal, day(3)), Ok(S::Answered));
    assert_eq!(
        decide(EXECUTOR, &decline, &appeal, day(3)),
        Err(Refusal::NotAllowed)
    );
    assert_eq!(
        decide(HEAD, &decline, &facts(S::Routed), day(3)),
        Err(Refusal::AppealsOnly)
    );
    for ground in NoMeritsGround::ALL {
        assert_eq!(NoMeritsGround::parse(ground.as_str()), Some(ground));
        assert!(ground.label_ru().contains("59-ФЗ"));
    }
}
