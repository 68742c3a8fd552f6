//! A message as the staff who handle it see it: with its author's name and
//! contacts. Each view is written to the audit log.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use vmeste_db::{audit, messages, users};
use vmeste_domain::access::Permission;
use vmeste_domain::privacy::{Disclosed, Resident, Viewer, disclose};
use vmeste_domain::status::MessageStatus;

use super::form;
use super::{Layout, error_page};
use crate::AppState;
use crate::error::{OrPage, PageError};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    number: String,
    status: &'static str,
    topic: String,
    organisation: String,
    address: String,
    text: String,
    author: Disclosed,
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let mut tx = state.db().write().await.or_page()?;
        let message = messages::get(&mut tx.conn(), id)
            .await
            .or_page()?
            .ok_or(PageError::NotFound)?;
        if !who.allows(
            &state,
            Permission::ViewPersonalData,
            message.organisation_id,
        ) {
            return Err(PageError::Forbidden);
        }
        let author = match message.author_id {
            Some(author) => users::by_id(&mut tx.conn(), author).await.or_page()?,
            None => None,
        };
        let shown = author.as_ref().map_or_else(
            || {
                disclose(
                    Viewer::Public,
                    Resident {
                        name: "",
                        email: None,
                        phone: None,
                    },
                )
            },
            |a| {
                disclose(
                    Viewer::CaseHandler,
                    Resident {
                        name: &a.name,
                        email: a.email.as_deref(),
                        phone: a.phone.as_deref(),
                    },
                )
            },
        );
        let ip = client.to_string();
        who.audit(
            &mut tx.conn(),
            &state,
            audit::Entry {
                action: "message.view_personal_data",
                object_kind: "message",
                object_id: Some(message.id),
                organisation_id: message.organisation_id,
                ip: Some(&ip),
                ..audit::Entry::default()
            },
        )
        .await
        .or_page()?;
        tx.commit().await.or_page()?;
        let page = CasePage {
            layout: Layout::new(&state, who.user.as_ref()),
            status: MessageStatus::parse(&message.status).map_or("", MessageStatus::label_ru),
            number: message.number,
            topic: message.topic_name_ru,
            organisation: message.organisation_name_ru.unwrap_or_default(),
            address: message.address.unwrap_or_default(),
            text: message.text,
            author: shown,
        };
        Ok(form::with_headers(super::render(StatusCode::OK, &page), []))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}
