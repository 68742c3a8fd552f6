use vmeste_domain::status::{Action, MessageStatus};

use Action as A;
use MessageStatus as S;

/// Every allowed transition; everything else must be refused.
const ALLOWED: &[(S, A, S)] = &[
    (S::Draft, A::Submit, S::Submitted),
    (S::Submitted, A::SendToModeration, S::Moderation),
    (
        S::Moderation,
        A::RequestClarification,
        S::ClarificationRequested,
    ),
    (
        S::ClarificationRequested,
        A::ProvideClarification,
        S::Moderation,
    ),
    (S::Moderation, A::Reject, S::Rejected),
    (S::ClarificationRequested, A::Reject, S::Rejected),
    (S::Moderation, A::MarkDuplicate, S::Duplicate),
    (S::Submitted, A::MarkDuplicate, S::Duplicate),
    (S::Moderation, A::Route, S::Routed),
    (S::Submitted, A::Route, S::Routed),
    (S::Routed, A::Redirect, S::Routed),
    (S::InProgress, A::Redirect, S::Routed),
    (S::Routed, A::StartWork, S::InProgress),
    (S::Disputed, A::StartWork, S::InProgress),
    (S::Routed, A::Extend, S::Routed),
    (S::InProgress, A::Extend, S::InProgress),
    (S::Disputed, A::Extend, S::Disputed),
    (S::Routed, A::InterimAnswer, S::InProgress),
    (S::InProgress, A::InterimAnswer, S::InProgress),
    (S::Disputed, A::InterimAnswer, S::InProgress),
    (S::Routed, A::Answer, S::Answered),
    (S::InProgress, A::Answer, S::Answered),
    (S::Disputed, A::Answer, S::Answered),
    (S::Answered, A::Dispute, S::Disputed),
    (S::Answered, A::Close, S::Closed),
];

#[test]
fn every_status_and_action_pair_is_allowed_or_refused_as_specified() {
    for from in S::ALL {
        for action in A::ALL {
            let expected = ALLOWED
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|(_, _, to)| *to);
            match (from.apply(action), expected) {
                (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} --{action:?}"),
                (Err(e), None) => {
                    assert_eq!((e.from, e.action), (from, action));
                    assert_eq!(e.code(), "transition_not_allowed");
                }
                (got, want) => panic!("{from:?} --{action:?}: got {got:?}, want {want:?}"),
            }
        }
    }
}

#[test]
fn final_statuses_accept_nothing() {
    for from in S::ALL.into_iter().filter(|s| s.is_final()) {
        assert!(A::ALL.iter().all(|a| from.apply(*a).is_err()), "{from:?}");
        assert!(!from.is_open());
    }
}

#[test]
fn names_round_trip() {
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
        assert!(!s.label_ru().is_empty() && !s.label_en().is_empty());
    }
    for a in A::ALL {
        assert_eq!(A::parse(a.as_str()), Some(a));
    }
    assert_eq!(S::parse("lost"), None);
}

#[test]
fn the_clock_pauses_for_clarification_and_stops_once_answered() {
    assert!(S::Routed.clock_runs());
    assert!(!S::ClarificationRequested.clock_runs());
    assert!(!S::Answered.clock_runs());
    assert!(S::ClarificationRequested.is_open());
}
