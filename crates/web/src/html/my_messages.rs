//! «Мои сообщения»: a resident's own messages with what each waits for, and
//! the messages they follow. Their own page: the full text of their own
//! messages, the public view of the followed ones.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use vmeste_db::messages::{self, MessageView, Visibility};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::status::MessageStatus;

use super::view::Card;
use super::{Layout, error_page, form};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;

/// How many of each list the page shows.
const SHOWN: i64 = 100;

pub struct Line {
    card: Card,
    /// The due date and what is left of it, while the message is open.
    due: String,
    /// What the message waits for from its author, if anything.
    yours: Option<String>,
}

#[derive(Template)]
#[template(path = "my_messages.html")]
struct MyPage {
    layout: Layout,
    own: Vec<Line>,
    followed: Vec<Line>,
}

fn yours(status: MessageStatus) -> Option<String> {
    let lang = crate::i18n::current();
    match status {
        MessageStatus::ClarificationRequested => Some(lang.t("my-clarify")),
        MessageStatus::Answered => Some(lang.t("my-rate")),
        _ => None,
    }
}

pub async fn show(State(state): State<AppState>, who: Principal, csrf: Csrf) -> Response {
    let result = async {
        let user = who.user.as_ref().ok_or(PageError::Forbidden)?;
        let (own, followed, calendar) = {
            let mut handle = state.db().read().await.or_page()?;
            let (own, followed) = messages::of_resident(&mut handle.conn(), user.id, SHOWN)
                .await
                .or_page()?;
            let calendar = state.calendar(&mut handle.conn()).await.or_page()?;
            (own, followed, calendar)
        };
        let tz = state.time_zone();
        let now = state.clock().now();
        let line = |m: MessageView, own: bool| -> Line {
            let status = m.status().ok();
            let due = match (m.due_date, DeadlineKind::parse(&m.deadline_kind), status) {
                (Some(d), Some(kind), Some(s)) if s.is_open() => format!(
                    "{} ({})",
                    d.format("%d.%m.%Y"),
                    crate::i18n::remaining_label(
                        crate::i18n::current(),
                        deadline::remaining(now, d, tz, kind, &calendar)
                    )
                ),
                _ => String::new(),
            };
            Line {
                yours: status.filter(|_| own).and_then(yours),
                due,
                card: Card::new(m, tz),
            }
        };
        let page = MyPage {
            layout: Layout::new(&state, Some(user)),
            own: own.into_iter().map(|m| line(m, true)).collect(),
            followed: followed
                .into_iter()
                .filter(|m| m.public_visibility() == Visibility::Published)
                .map(|m| line(m, false))
                .collect(),
        };
        Ok::<_, PageError>(form::page(axum::http::StatusCode::OK, &page, &csrf))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
