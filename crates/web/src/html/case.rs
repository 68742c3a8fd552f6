//! A case as the staff who handle it see it: its author's name and contacts
//! (each look is audited), its whole history with internal comments, and
//! forms for exactly the actions this person may take now.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::cases::{self, Case, CaseError};
use vmeste_db::{
    Conn, DbError, attachments, audit, events, messages, organisations, templates, users,
};
use vmeste_domain::access::Permission;
use vmeste_domain::case::{Command, Facts, NoMeritsGround, RejectReason, Who, decide};
use vmeste_domain::deadline::{self, DeadlineKind};
use vmeste_domain::privacy::{Disclosed, Resident, Viewer, disclose};

use super::suggestions::{Names, Panel};
use super::view::{
    ChoiceGroup, local_time, organisation_name, status_label, topic_and_place_choices,
};
use super::{Layout, error_page, form};
use crate::AppState;
use crate::case_form::{self, CommandForm, StoredDocument};
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::{event_label, remaining_label};
use crate::principal::Principal;
use crate::rate_limit::ClientIp;
use crate::upload::{self, FormWithFiles, RawFile};

pub struct Line {
    at: String,
    label: String,
    text: String,
    internal: bool,
}

/// A file of the message as a link.
pub struct FileLine {
    pub id: i64,
    pub filename: String,
    pub size: String,
    /// Sent to the author with the answer (else waiting for approval).
    pub published: bool,
}

impl From<attachments::Attachment> for FileLine {
    fn from(a: attachments::Attachment) -> Self {
        let lang = crate::i18n::current();
        let kb = (a.size + 1023) / 1024;
        Self {
            id: a.id,
            size: if kb >= 1024 {
                let mb = format!("{:.1}", a.size as f64 / 1_048_576.0);
                lang.t_with("case-size-mb", &[("size", mb.into())])
            } else {
                lang.t_with("case-size-kb", &[("size", kb.to_string().into())])
            },
            published: a.published(),
            filename: a.filename,
        }
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    csrf: String,
    id: i64,
    number: String,
    appeal: bool,
    status: &'static str,
    topic: String,
    organisation: String,
    address: String,
    text: String,
    due: String,
    remaining: String,
    assignee: String,
    author: Disclosed,
    history: Vec<Line>,
    actions: Vec<&'static str>,
    /// Where a message can be routed, the organisation chosen selected.
    route_organisations: Vec<ChoiceGroup>,
    /// Where it can be redirected or copied.
    organisations: Vec<ChoiceGroup>,
    executors: Vec<(i64, String)>,
    reasons: Vec<(&'static str, &'static str)>,
    grounds: Vec<(&'static str, &'static str)>,
    /// For correcting the topic and place: the catalogue by category, and territories.
    catalogue: Vec<(String, Vec<(i64, String)>)>,
    territories: Vec<(i64, String)>,
    topic_id: i64,
    territory_id: Option<i64>,
    suggestions: Option<Panel>,
    templates: Vec<(i64, String)>,
    /// An executor's answer waiting for the head.
    pending_answer: Option<String>,
    files: Vec<FileLine>,
    done: Option<String>,
    error: Option<String>,
    typed: String,
}

impl CasePage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

/// The commands worth offering: those `decide` would not refuse outright
/// for this person in this status (a window may still refuse at submission).
fn offered(who: Who, facts: &Facts, today: chrono::NaiveDate) -> Vec<&'static str> {
    let t = || "…".to_owned();
    let samples = [
        Command::Route { organisation_id: 0 },
        Command::RequestClarification {
            question: t(),
            days: 3,
        },
        Command::Reject {
            reason: RejectReason::Spam,
            comment: None,
        },
        Command::MarkDuplicate { of: 0 },
        Command::Assign { executor_id: 0 },
        Command::StartWork,
        Command::InterimAnswer {
            text: t(),
            planned: today,
        },
        Command::Answer { text: t() },
        Command::Redirect {
            organisation_id: 0,
            reason: t(),
        },
        Command::Extend {
            days: 1,
            reason: t(),
        },
        Command::Comment { text: t() },
        Command::ConvertToAppeal,
        Command::MarkComplaint,
        Command::ApproveAnswer,
        Command::SendCopy {
            organisation_id: 0,
            reason: t(),
        },
        Command::Correct {
            topic_id: 0,
            territory_id: None,
        },
        Command::DeclineOnMerits {
            ground: NoMeritsGround::NoEssence,
            comment: None,
        },
    ];
    samples
        .iter()
        .filter(|c| decide(who, c, facts, today).is_ok())
        .map(Command::name)
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    done: Option<String>,
    /// Start the answer from this template.
    template: Option<i64>,
    /// A suggestion being applied: the topic to put in the correction form.
    topic: Option<i64>,
    /// A suggestion being applied: the organisation to put in the route form.
    organisation: Option<i64>,
}

/// The case, if this person may see it with its personal data.
async fn visible_case(state: &AppState, who: &Principal, id: i64) -> Result<Case, PageError> {
    let case = {
        let mut handle = state.db().read().await.or_page()?;
        cases::get(&mut handle.conn(), id).await.or_page()?
    };
    let case = case.ok_or(PageError::NotFound)?;
    let org = case.organisation_id;
    if who.allows(state, Permission::ViewPersonalData, org)
        || who.allows(state, Permission::Moderate, org)
    {
        Ok(case)
    } else {
        Err(PageError::Forbidden)
    }
}

#[allow(clippy::too_many_arguments)] // one page, many independent inputs
async fn case_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    client: &ClientIp,
    case: &Case,
    asked: PageQuery,
    error: Option<String>,
    typed: String,
) -> Result<Response, PageError> {
    let mut tx = state.db().write().await.or_page()?;
    let view = messages::get(&mut tx.conn(), case.id)
        .await
        .or_page()?
        .ok_or(PageError::NotFound)?;
    let author = match case.author_id {
        Some(id) => users::by_id(&mut tx.conn(), id).await.or_page()?,
        None => None,
    };
    let history = events::for_message(&mut tx.conn(), case.id, false)
        .await
        .or_page()?;
    let comments = cases::comments(&mut tx.conn(), case.id).await.or_page()?;
    let correcting = offered(
        case_form::who(state, who, case),
        &case.facts(state.time_zone()).or_page()?,
        state
            .clock()
            .now()
            .with_timezone(&state.time_zone())
            .date_naive(),
    )
    .contains(&"correct");
    // Suggestions for those who may route or correct the case now.
    let suggestions = if correcting && case.routed_at.is_none() {
        suggestion_panel(state, &mut tx.conn(), case)
            .await
            .or_page()?
    } else {
        None
    };
    let (catalogue, territories) = if correcting {
        topic_and_place_choices(&mut tx.conn()).await.or_page()?
    } else {
        (Vec::new(), Vec::new())
    };
    let files = attachments::for_message(&mut tx.conn(), case.id, false)
        .await
        .or_page()?;
    let calendar = state.calendar(&mut tx.conn()).await.or_page()?;
    let orgs = organisations::list(&mut tx.conn()).await.or_page()?;
    let (executors, suited) = match case.organisation_id {
        Some(org) => (
            cases::executors(&mut tx.conn(), org).await.or_page()?,
            templates::for_case(&mut tx.conn(), org, case.topic_id)
                .await
                .or_page()?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let assignee = match case.assignee_id {
        Some(id) => users::by_id(&mut tx.conn(), id)
            .await
            .or_page()?
            .map(|u| u.name),
        None => None,
    };
    who.audit(
        &mut tx.conn(),
        state,
        audit::Entry {
            action: "message.view_personal_data",
            object_kind: "message",
            object_id: Some(case.id),
            organisation_id: case.organisation_id,
            ip: Some(&client.to_string()),
            ..audit::Entry::default()
        },
    )
    .await
    .or_page()?;
    tx.commit().await.or_page()?;

    let lang = crate::i18n::current();
    let tz = state.time_zone();
    let now = state.clock().now();
    let today = now.with_timezone(&tz).date_naive();
    let facts = case.facts(tz).or_page()?;
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
    let mut lines: Vec<(chrono::DateTime<chrono::Utc>, Line)> = history
        .into_iter()
        .map(|e| {
            (
                e.at,
                Line {
                    at: local_time(e.at, tz),
                    label: event_label(lang, &e.action),
                    text: e.comment.unwrap_or_default(),
                    internal: false,
                },
            )
        })
        .collect();
    lines.extend(comments.into_iter().map(|c| {
        (
            c.at,
            Line {
                at: local_time(c.at, tz),
                label: lang.t("case-internal-comment"),
                text: format!("{}: {}", c.author_name, c.text),
                internal: true,
            },
        )
    }));
    lines.sort_by_key(|(at, _)| *at);
    let remaining = match (case.due_date, DeadlineKind::parse(&case.deadline_kind)) {
        (Some(due), Some(kind)) if facts.status.is_open() => {
            remaining_label(lang, deadline::remaining(now, due, tz, kind, &calendar))
        }
        _ => String::new(),
    };
    let page = CasePage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        id: case.id,
        number: case.number.clone(),
        appeal: case.kind() == vmeste_domain::case::CaseKind::Appeal,
        status: status_label(&case.status),
        topic: lang
            .pick(&view.topic_name_ru, &view.topic_name_en)
            .to_owned(),
        // Russian shows the short name; English names come only in full.
        organisation: match view.organisation_name_ru {
            Some(short) => {
                let en = orgs
                    .iter()
                    .find(|o| Some(o.id) == case.organisation_id)
                    .map_or("", |o| &o.name_en);
                lang.pick(&short, en).to_owned()
            }
            None => lang.t("case-no-organisation"),
        },
        address: view.address.unwrap_or_default(),
        text: view.text,
        due: case
            .due_date
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default(),
        remaining,
        assignee: assignee.unwrap_or_else(|| lang.t("case-no-assignee")),
        author: shown,
        history: lines.into_iter().map(|(_, l)| l).collect(),
        actions: offered(case_form::who(state, who, case), &facts, today),
        // Chosen in the route form: a suggestion applied, or the rules' choice.
        route_organisations: ChoiceGroup::organisations(
            &orgs,
            organisation_name,
            asked
                .organisation
                .or(case.organisation_id)
                .map(|id| id.to_string())
                .as_deref(),
        ),
        organisations: ChoiceGroup::organisations(&orgs, organisation_name, None),
        executors,
        templates: suited.iter().map(|t| (t.id, t.title.clone())).collect(),
        pending_answer: case.pending_answer.clone(),
        files: files.into_iter().map(FileLine::from).collect(),
        reasons: RejectReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), lang.pick(r.label_ru(), r.label_en())))
            .collect(),
        grounds: NoMeritsGround::ALL
            .into_iter()
            .map(|g| (g.as_str(), lang.pick(g.label_ru(), g.label_en())))
            .collect(),
        catalogue,
        territories,
        topic_id: asked.topic.unwrap_or(case.topic_id),
        territory_id: case.territory_id,
        suggestions,
        done: asked.done,
        error: error.clone(),
        typed: match (typed.is_empty(), asked.template) {
            (true, Some(chosen)) => suited
                .into_iter()
                .find(|t| t.id == chosen)
                .map(|t| t.text)
                .unwrap_or_default(),
            _ => typed,
        },
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Response {
    let result = async {
        let case = visible_case(&state, &who, id).await?;
        case_page(
            &state,
            &who,
            &csrf,
            &client,
            &case,
            query,
            None,
            String::new(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// Why an action did not happen, in words for the page.
async fn attempt(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    client: &ClientIp,
    case: &Case,
    form: &CommandForm,
    documents: &[StoredDocument],
) -> Result<Result<&'static str, String>, PageError> {
    let lang = crate::i18n::current();
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        return Ok(Err(lang.t("case-stale")));
    }
    let command = match form.command() {
        Ok(command) => command,
        Err(p) => return Ok(Err(p.message)),
    };
    match case_form::run_with(state, who, client, case, &command, documents).await {
        Ok(outcome) => Ok(Ok(outcome.command)),
        Err(CaseError::Refused(r)) => Ok(Err(lang.pick(r.message_ru(), r.message_en()).to_owned())),
        Err(CaseError::UnknownTarget(_)) => Ok(Err(lang.t("case-unknown-target"))),
        Err(CaseError::Db(e)) => {
            tracing::error!(error = %e, "case action failed");
            Err(PageError::Internal)
        }
    }
}

pub async fn act(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(id): Path<i64>,
    FormWithFiles { form, files }: FormWithFiles<CommandForm>,
) -> Response {
    let result = async {
        let case = visible_case(&state, &who, id).await?;
        let outcome = if files.is_empty() {
            attempt(&state, &who, &csrf, &client, &case, &form, &[]).await?
        } else {
            answer_with_files(&state, &who, &csrf, &client, &case, &form, files).await?
        };
        match outcome {
            Ok(done) => Ok(form::see_other(&format!(
                "/staff/messages/{id}?done={done}"
            ))),
            Err(why) => {
                let typed = form.text.clone().unwrap_or_default();
                case_page(
                    &state,
                    &who,
                    &csrf,
                    &client,
                    &case,
                    PageQuery::default(),
                    Some(why),
                    typed,
                )
                .await
            }
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

/// An answer with documents: the files are checked by content, put in
/// storage, then recorded with the answer; if the answer is refused, the
/// stored files are removed again.
async fn answer_with_files(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    client: &ClientIp,
    case: &Case,
    form: &CommandForm,
    files: Vec<RawFile>,
) -> Result<Result<&'static str, String>, PageError> {
    if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
        // Refused before anything is stored.
        return attempt(state, who, csrf, client, case, form, &[]).await;
    }
    if form.command.as_deref() != Some("answer") {
        return Ok(Err(crate::i18n::current().t("case-files-answer-only")));
    }
    let documents = match upload::documents(files) {
        Ok(documents) => documents,
        Err(why) => return Ok(Err(why)),
    };
    let stored = case_form::store_documents(state, case.id, documents)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "storing an answer document failed");
            PageError::Internal
        })?;
    let outcome = attempt(state, who, csrf, client, case, form, &stored).await;
    if !matches!(outcome, Ok(Ok(_))) {
        case_form::forget_documents(state, &stored).await;
    }
    outcome
}

/// The classifier's suggestions for a case in moderation; the organisation
/// intake's routing rules chose (if any) stands instead of guesses.
async fn suggestion_panel(
    state: &AppState,
    conn: &mut Conn<'_>,
    case: &Case,
) -> Result<Option<Panel>, DbError> {
    let Some(loaded) = state.routing_model(conn).await? else {
        return Ok(None);
    };
    let Some(message) = messages::texts(conn, &[case.id]).await?.pop() else {
        return Ok(None);
    };
    let names = Names::load(conn, crate::i18n::current()).await?;
    Ok(Some(names.panel(
        &loaded.model,
        case.id,
        &message.text,
        message.organisation_id,
        state.clock().now().timestamp(),
    )))
}
