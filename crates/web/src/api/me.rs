//! `/api/v1/me`: who is calling, without secrets; `/api/v1/me/messages`:
//! a resident's own messages, with their whole text.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vmeste_db::{messages, organisations};

use super::extract::Query;
use super::messages::{ListOut, MessageOut, Named};
use crate::AppState;
use crate::error::OrInternal;
use crate::i18n::Lang;
use crate::listing::ListParams;
use crate::principal::Principal;
use crate::problem::Problem;

/// The caller: a signed-in person, an integrator's key, or (rarely) both.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MeOut {
    /// The signed-in person; absent for a key.
    pub user: Option<UserOut>,
    /// The integrator's key presented; absent for a session.
    pub api_key: Option<KeyOut>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub locale: String,
    /// Staff roles, each in an organisation (none for residents).
    pub roles: Vec<RoleOut>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RoleOut {
    /// `operator`, `executor`, `head`, `moderator`, `analyst`, `org_admin`, `platform_admin`…
    pub role: String,
    pub organisation_id: Option<i64>,
    /// The role reaches the organisation's subordinate bodies too.
    pub include_subtree: bool,
}

/// An API key as its holder may see it: never its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyOut {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    /// `read`, `submit`.
    pub scopes: Vec<String>,
    pub organisation: Named,
    pub created_at: DateTime<Utc>,
}

/// Who is calling
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    responses(
        (status = 200, description = "The caller", body = MeOut),
        (status = 401, description = "Neither signed in nor a key"),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
) -> Result<axum::Json<MeOut>, Problem> {
    if who.user.is_none() && who.api_key.is_none() {
        return Err(Problem::new(lang, StatusCode::UNAUTHORIZED, "unauthorized"));
    }
    let api_key = match &who.api_key {
        Some(key) => {
            let organisation = {
                let mut handle = state.db().read().await.or_500(lang)?;
                organisations::get(&mut handle.conn(), key.organisation_id)
                    .await
                    .or_500(lang)?
            };
            Some(KeyOut {
                id: key.id,
                name: key.name.clone(),
                prefix: key.prefix.clone(),
                scopes: key.scopes().iter().map(|s| s.as_str().to_owned()).collect(),
                organisation: Named {
                    id: key.organisation_id,
                    name: organisation
                        .map(|o| lang.pick(&o.name_ru, &o.name_en).to_owned())
                        .unwrap_or_default(),
                },
                created_at: key.created_at,
            })
        }
        None => None,
    };
    let user = who.user.as_ref().map(|u| UserOut {
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
        locale: u.locale.clone(),
        roles: who
            .access
            .grants()
            .iter()
            .map(|g| RoleOut {
                role: g.role.as_str().to_owned(),
                organisation_id: g.organisation_id,
                include_subtree: g.include_subtree,
            })
            .collect(),
    });
    Ok(axum::Json(MeOut { user, api_key }))
}

/// A page of a list with nothing to filter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 100 (20 by default).
    limit: Option<String>,
}

/// My messages
///
/// The signed-in resident's own messages, newest first, with their whole
/// text whatever their state.
#[utoipa::path(
    get,
    path = "/api/v1/me/messages",
    tag = "me",
    params(PageParams),
    responses(
        (status = 200, description = "A page of the caller's messages", body = ListOut),
        (status = 400, description = "Parameters that cannot be used"),
        (status = 401, description = "Not signed in"),
    ),
    security(("session" = [])),
)]
pub async fn messages(
    State(state): State<AppState>,
    lang: Lang,
    who: Principal,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<ListOut>, Problem> {
    let Some(user) = &who.user else {
        return Err(Problem::new(lang, StatusCode::UNAUTHORIZED, "unauthorized"));
    };
    // The public list's rules for the cursor and the limit.
    let (filter, limit) = ListParams {
        cursor: params.cursor,
        limit: params.limit,
        ..ListParams::default()
    }
    .parse(state.clock().now())
    .map_err(|errors| Problem::parameters(lang, &errors))?;
    let mut handle = state.db().read().await.or_500(lang)?;
    let page = messages::by_author(&mut handle.conn(), user.id, filter.before_id, limit)
        .await
        .or_500(lang)?;
    Ok(axum::Json(ListOut {
        items: page
            .items
            .into_iter()
            .map(|m| MessageOut::own(m, lang))
            .collect(),
        next_cursor: page.next_before_id.map(|id| id.to_string()),
    }))
}
