//! `POST /api/v1/messages/{id}/transitions`: the staff's and the author's
//! actions on a case, the same commands as the pages send, as JSON:
//! `{"command": "answer", "text": "…"}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use vmeste_db::cases::{self, CaseError, Outcome};
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

/// A command on a case and the fields it needs, as on the pages' forms.
/// Numbers and dates may come as JSON numbers or strings; booleans as
/// `true`/`false` or `"yes"`/`"no"`.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TransitionBody {
    /// `route`, `request_clarification`, `provide_clarification`, `reject`,
    /// `mark_duplicate`, `assign`, `start_work`, `interim_answer`, `answer`,
    /// `redirect`, `extend`, `dispute`, `rate`, `comment`,
    /// `convert_to_appeal`, `mark_complaint`, `approve_answer`, `correct`,
    /// `send_copy`, `decline_on_merits`.
    #[schema(value_type = String, example = "answer")]
    command: Option<Value>,
    #[schema(value_type = Option<i64>)]
    organisation_id: Option<Value>,
    #[schema(value_type = Option<i64>)]
    executor_id: Option<Value>,
    /// `mark_duplicate`: the message this one repeats.
    #[schema(value_type = Option<i64>)]
    of: Option<Value>,
    #[schema(value_type = Option<i64>)]
    days: Option<Value>,
    /// `interim_answer`: the planned date, `YYYY-MM-DD`.
    #[schema(value_type = Option<String>)]
    planned: Option<Value>,
    #[schema(value_type = Option<String>)]
    text: Option<Value>,
    /// `reject`: a rejection reason; `decline_on_merits`: a ground.
    #[schema(value_type = Option<String>)]
    reason: Option<Value>,
    /// `rate`: 1 to 5.
    #[schema(value_type = Option<i64>)]
    score: Option<Value>,
    /// `rate`: whether the problem was solved.
    #[schema(value_type = Option<bool>)]
    resolved: Option<Value>,
    #[schema(value_type = Option<i64>)]
    topic_id: Option<Value>,
    #[schema(value_type = Option<i64>)]
    territory_id: Option<Value>,
}

/// JSON values as the form's text fields: numbers and booleans as written.
fn as_form(body: TransitionBody) -> CommandForm {
    let field = |value: Option<Value>| match value {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(true)) => Some("yes".into()),
        Some(Value::Bool(false)) => Some("no".into()),
        _ => None,
    };
    CommandForm {
        csrf: None,
        command: field(body.command),
        organisation_id: field(body.organisation_id),
        executor_id: field(body.executor_id),
        of: field(body.of),
        days: field(body.days),
        planned: field(body.planned),
        text: field(body.text),
        reason: field(body.reason),
        score: field(body.score),
        resolved: field(body.resolved),
        topic_id: field(body.topic_id),
        territory_id: field(body.territory_id),
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

/// Act on a case
///
/// The commands of the staff's and the author's pages: the caller's role
/// in the case's organisation (or authorship) and the case's state decide
/// what is allowed; a refusal names its reason.
#[utoipa::path(
    post,
    path = "/api/v1/messages/{id}/transitions",
    tag = "staff",
    params(("id" = i64, Path, description = "The message's id")),
    request_body = TransitionBody,
    responses(
        (status = 200, description = "Done: the status before and after", body = Outcome),
        (status = 403, description = "Neither the case's staff nor its author, or not allowed"),
        (status = 404, description = "No such message"),
        (status = 409, description = "Not possible in the case's state; `reason` says why"),
        (status = 422, description = "A field the command needs cannot be used"),
    ),
    security(("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    client: ClientIp,
    Path(id): Path<i64>,
    Json(body): Json<TransitionBody>,
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
    let command = as_form(body).command().map_err(|p| {
        let mut problem = Problem::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        problem.errors.push(crate::problem::ProblemField {
            field: p.field.to_owned(),
            code: "invalid",
            message: p.message,
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
