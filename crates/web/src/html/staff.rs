//! An organisation's staff as its administrator manages them: who holds which
//! role, invitations by e-mail, revoking roles. Every action is audited.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::invites::{self, NewInvite};
use vmeste_db::organisations::{self, Organisation};
use vmeste_db::{audit, users};
use vmeste_domain::access::{Permission, Reach};
use vmeste_domain::organisation::Role;
use vmeste_domain::validation::normalise_email;

use super::form::{self, Errors, account_error};
use super::view::role_label;
use super::{Layout, error_page};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::Lang;
use crate::mail;
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// The organisation, if it exists and the principal may use `permission` on it.
pub async fn organisation_for(
    state: &AppState,
    who: &Principal,
    permission: Permission,
    org_id: i64,
) -> Result<Organisation, PageError> {
    let org = {
        let mut handle = state.db().read().await.or_page()?;
        organisations::get(&mut handle.conn(), org_id)
            .await
            .or_page()?
    };
    let org = org.ok_or(PageError::NotFound)?;
    if who.allows(state, permission, Some(org.id)) {
        Ok(org)
    } else {
        Err(PageError::Forbidden)
    }
}

/// The roles this principal may hand out.
fn grantable(who: &Principal) -> Vec<Role> {
    let platform = who.access.is_platform_admin();
    Role::ALL
        .into_iter()
        .filter(|r| {
            if platform {
                *r != Role::Resident
            } else {
                r.grantable_by_org_admin()
            }
        })
        .collect()
}

/// Whether the principal's reach of `permission` covers `org`'s whole
/// subtree, so it may grant a role (or subscribe) with the subtree included.
pub fn reaches_subtree(
    state: &AppState,
    who: &Principal,
    permission: Permission,
    org: i64,
) -> bool {
    match who.access.reach(permission) {
        Reach::All => true,
        Reach::Some(roots) => {
            let tree = state.org_tree();
            roots
                .iter()
                .any(|&(root, subtree)| subtree && tree.within(org, root))
        }
    }
}

pub struct MemberLine {
    grant_id: i64,
    name: String,
    email: String,
    role: &'static str,
    subtree: bool,
    totp: bool,
}

pub struct InviteLine {
    id: i64,
    email: String,
    role: &'static str,
    until: String,
}

#[derive(Template)]
#[template(path = "org_staff.html")]
struct StaffPage {
    layout: Layout,
    csrf: String,
    org_id: i64,
    org_name: String,
    staff: Vec<MemberLine>,
    invites: Vec<InviteLine>,
    roles: Vec<(&'static str, &'static str, bool)>,
    email: String,
    include_subtree: bool,
    sent: Option<String>,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    csrf: Option<String>,
    email: Option<String>,
    role: Option<String>,
    include_subtree: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

/// A stored role's name in the request's language.
fn stored_role_label(role: &str) -> &'static str {
    Role::parse(role).map_or("—", role_label)
}

async fn staff_page(
    state: &AppState,
    who: &Principal,
    csrf: &Csrf,
    org: &Organisation,
    typed: &InviteForm,
    sent: Option<String>,
    errors: Errors,
) -> Result<Response, PageError> {
    let now = state.clock().now();
    let (staff, invites) = {
        let mut handle = state.db().read().await.or_page()?;
        let staff = users::staff_of(&mut handle.conn(), org.id)
            .await
            .or_page()?;
        let invites = invites::open_of(&mut handle.conn(), org.id, now)
            .await
            .or_page()?;
        (staff, invites)
    };
    let status = errors.status();
    let page = StaffPage {
        layout: Layout::new(state, who.user.as_ref()),
        csrf: csrf.token.clone(),
        org_id: org.id,
        org_name: crate::i18n::current()
            .pick(&org.name_ru, &org.name_en)
            .to_owned(),
        staff: staff
            .into_iter()
            .map(|m| MemberLine {
                grant_id: m.grant_id,
                name: m.name,
                email: m.email.unwrap_or_default(),
                role: stored_role_label(&m.role),
                subtree: m.include_subtree,
                totp: m.totp_enabled_at.is_some(),
            })
            .collect(),
        invites: invites
            .into_iter()
            .map(|i| InviteLine {
                id: i.id,
                role: stored_role_label(&i.role),
                until: i.expires_at.format("%d.%m.%Y").to_string(),
                email: i.email,
            })
            .collect(),
        roles: grantable(who)
            .into_iter()
            .map(|r| {
                (
                    r.as_str(),
                    role_label(r),
                    typed.role.as_deref() == Some(r.as_str()),
                )
            })
            .collect(),
        email: typed.email.clone().unwrap_or_default(),
        include_subtree: typed.include_subtree.is_some(),
        sent,
        errors,
    };
    Ok(form::page(status, &page, csrf))
}

pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    Path(org_id): Path<i64>,
    Query(query): Query<SentQuery>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageStaff, org_id).await?;
        staff_page(
            &state,
            &who,
            &csrf,
            &org,
            &InviteForm::default(),
            query.sent,
            Errors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn invite(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path(org_id): Path<i64>,
    Form(form): Form<InviteForm>,
) -> Response {
    let result = async {
        let org = organisation_for(&state, &who, Permission::ManageStaff, org_id).await?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return staff_page(&state, &who, &csrf, &org, &form, None, Errors::stale_form()).await;
        }
        let lang = crate::i18n::current();
        let mut errors = Errors::default();
        let email = normalise_email(form.email.as_deref().unwrap_or(""));
        if let Err(e) = &email {
            errors.add("email", account_error(*e));
        }
        let role = form
            .role
            .as_deref()
            .and_then(Role::parse)
            .filter(|r| grantable(&who).contains(r));
        if role.is_none() {
            errors.add("role", lang.t("admin-staff-error-role"));
        }
        let include_subtree = form.include_subtree.is_some();
        if include_subtree && !reaches_subtree(&state, &who, Permission::ManageStaff, org.id) {
            errors.add("role", lang.t("admin-staff-error-subtree"));
        }
        let (Ok(email), Some(role), true) = (email, role, errors.is_empty()) else {
            return staff_page(&state, &who, &csrf, &org, &form, None, errors).await;
        };
        let now = state.clock().now();
        let mut tx = state.db().write().await.or_page()?;
        let (created, token) = invites::create(
            &mut tx.conn(),
            &NewInvite {
                email: &email,
                role,
                organisation_id: org.id,
                include_subtree,
                invited_by: who.user_id().unwrap_or_default(),
            },
            now,
        )
        .await
        .or_page()?;
        let link = format!(
            "{}/invite/{token}",
            state.settings().public_url.trim_end_matches('/')
        );
        // In the invitee's language if they have an account; else in the
        // inviter's, whom a colleague most likely shares it with.
        let to = match users::by_email(&mut tx.conn(), &email).await.or_page()? {
            Some(user) => Lang::parse(&user.locale).unwrap_or(Lang::Ru),
            None => lang,
        };
        let what = format!(
            "{} — {}",
            to.pick(role.label_ru(), role.label_en()),
            to.pick(&org.name_ru, &org.name_en)
        );
        let message =
            mail::link_email(mail::Purpose::Invite, to, &email, &link, &what).or_page()?;
        mail::enqueue(&mut tx.conn(), &message, now)
            .await
            .or_page()?;
        who.commit_audited(
            &state,
            tx,
            &client,
            audit::Entry {
                action: "staff.invite",
                object_kind: "invite",
                object_id: Some(created.id),
                organisation_id: Some(org.id),
                detail: Some(role.as_str()),
                ..audit::Entry::default()
            },
        )
        .await
        .or_page()?;
        let sent = url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>();
        Ok(form::see_other(&format!(
            "/org/{}/staff?sent={sent}",
            org.id
        )))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

impl CsrfForm {
    pub fn token(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

/// What a button on an organisation's page did, for the audit log.
pub struct Did {
    pub action: &'static str,
    pub object_kind: &'static str,
    pub object_id: i64,
    pub detail: Option<String>,
}

/// A button on an organisation's page (revoke a role, an invitation, a key):
/// the caller must hold `permission` there and send the form's token; `act`
/// makes the change in the transaction it is given, then the change and its
/// audit entry commit together and the browser goes back to `/org/{id}/{back}`.
pub struct Button<'a> {
    pub state: &'a AppState,
    pub who: &'a Principal,
    pub client: &'a ClientIp,
    pub permission: Permission,
    pub back: &'static str,
}

impl Button<'_> {
    pub async fn press<F, Fut>(self, org_id: i64, token_ok: bool, act: F) -> Response
    where
        F: FnOnce(vmeste_db::Tx, Organisation) -> Fut,
        Fut: std::future::Future<Output = Result<(vmeste_db::Tx, Did), PageError>>,
    {
        let result = async {
            let org = organisation_for(self.state, self.who, self.permission, org_id).await?;
            let back = format!("/org/{}/{}", org.id, self.back);
            if !token_ok {
                return Ok(form::see_other(&back));
            }
            let tx = self.state.db().write().await.or_page()?;
            let org_id = org.id;
            let (tx, did) = act(tx, org).await?;
            let entry = audit::Entry {
                action: did.action,
                object_kind: did.object_kind,
                object_id: Some(did.object_id),
                organisation_id: Some(org_id),
                detail: did.detail.as_deref(),
                ..audit::Entry::default()
            };
            self.who
                .commit_audited(self.state, tx, self.client, entry)
                .await
                .or_page()?;
            Ok(form::see_other(&back))
        }
        .await;
        result.unwrap_or_else(|e| error_page(self.state, &e))
    }
}

pub async fn revoke_role(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org_id, grant_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    // An organisation's administrator cannot take away roles it could not give.
    let may_revoke = grantable(&who);
    let button = Button {
        state: &state,
        who: &who,
        client: &client,
        permission: Permission::ManageStaff,
        back: "staff",
    };
    button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let grant = users::staff_grant(&mut tx.conn(), grant_id)
                    .await
                    .or_page()?
                    .filter(|g| g.organisation_id == org.id)
                    .ok_or(PageError::NotFound)?;
                if !Role::parse(&grant.role).is_some_and(|r| may_revoke.contains(&r)) {
                    return Err(PageError::Forbidden);
                }
                users::revoke(&mut tx.conn(), grant.grant_id)
                    .await
                    .or_page()?;
                let did = Did {
                    action: "staff.revoke_role",
                    object_kind: "user",
                    object_id: grant.user_id,
                    detail: Some(grant.role),
                };
                Ok((tx, did))
            },
        )
        .await
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Path((org_id, invite_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let now = state.clock().now();
    let button = Button {
        state: &state,
        who: &who,
        client: &client,
        permission: Permission::ManageStaff,
        back: "staff",
    };
    button
        .press(
            org_id,
            csrf.accepts(form.token()),
            |mut tx, org| async move {
                let invite = invites::by_id(&mut tx.conn(), invite_id)
                    .await
                    .or_page()?
                    .filter(|i| i.organisation_id == org.id)
                    .ok_or(PageError::NotFound)?;
                invites::revoke(&mut tx.conn(), invite.id, now)
                    .await
                    .or_page()?;
                let did = Did {
                    action: "staff.revoke_invite",
                    object_kind: "invite",
                    object_id: invite.id,
                    detail: None,
                };
                Ok((tx, did))
            },
        )
        .await
}
