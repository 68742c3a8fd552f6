//! `POST /api/v1/messages/{id}/transitions`: the staff's and the author's
//! actions on a case, the same commands as the pages send, as JSON:
//! `{"command": "answer", "text": "…"}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use vmeste_db::cases::{self, CaseError};
use vmeste_domain::access::Permission;
use vmeste_domain::case::Refusal;

use super::extract::{Json, Path};
use crate::AppState;
use crate::case_form::{self, CommandForm};
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::problem::Problem;
use crate::rate_limit::ClientIp;

/// JSON values as the form's text fields: numbers and booleans as written.
fn as_form(body: &Map<String, Value>) -> CommandForm {
    let field = |name: &str| match body.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(true)) => Some("yes".into()),
        Some(Value::Bool(false)) => Some("no".into()),
        _ => None,
    };
    CommandForm {
        csrf: None,
        command: field("command"),
        organisation_id: field("organisation_id"),
        executor_id: field("executor_id"),
        of: field("of"),
        days: field("days"),
        planned: field("planned"),
        text: field("text"),
        reason: field("reason"),
        score: field("score"),
        resolved: field("resolved"),
        topic_id: field("topic_id"),
        territory_id: field("territory_id"),
    }
}

fn refusal_problem(lang: Lang, refusal: Refusal) -> Problem {
    let status = if refusal == Refusal::NotAllowed {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::CONFLICT
    };
    let mut problem = Problem::new(lang, status, "transition_refused").detail(match lang {
        Lang::Ru => refusal.message_ru().to_owned(),
        Lang::En => refusal.to_string(),
    });
    problem.reason = Some(refusal.code());
    problem
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    client: ClientIp,
    Path(id): Path<i64>,
    Json(body): Json<Map<String, Value>>,
) -> Result<Response, Problem> {
    let case = {
        let mut handle = state.db().read().await.or_500(lang)?;
        cases::get(&mut handle.conn(), id).await.or_500(lang)?
    };
    let Some(case) = case else {
        return Err(Problem::new(lang, StatusCode::NOT_FOUND, "not_found"));
    };
    let org = case.organisation_id;
    let involved = who.allows(&state, Permission::ViewPersonalData, org)
        || who.allows(&state, Permission::Moderate, org)
        || (who.user_id().is_some() && who.user_id() == case.author_id);
    if !involved {
        return Err(Problem::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let command = as_form(&body).command().map_err(|p| {
        let mut problem = Problem::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        problem.errors.push(crate::problem::ProblemField {
            field: p.field.to_owned(),
            code: "invalid",
            message: p.message.to_owned(),
            limit: None,
        });
        problem
    })?;
    match case_form::run(&state, &who, &client, &case, &command).await {
        Ok(outcome) => Ok((StatusCode::OK, axum::Json(outcome)).into_response()),
        Err(CaseError::Refused(r)) => Err(refusal_problem(lang, r)),
        Err(CaseError::UnknownTarget(what)) => {
            Err(
                Problem::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
                    .detail(format!("unknown {what}")),
            )
        }
        Err(CaseError::Db(e)) => {
            tracing::error!(error = %e, "transition failed");
            Err(Problem::new(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
            ))
        }
    }
}
