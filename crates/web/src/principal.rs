//! Who is making the request — a signed-in person with their roles, an
//! integrator's API key, or nobody — resolved once per request from the
//! session cookie and the `Authorization` header.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use vmeste_db::api_keys::{self, ApiKey};
use vmeste_db::sessions::{self, Lookup};
use vmeste_db::users::{self, User};
use vmeste_db::{DbError, audit};
use vmeste_domain::access::{Access, Permission};

use crate::AppState;
use crate::auth::session_token;

#[derive(Debug, Clone, Default)]
pub struct Principal {
    pub user: Option<User>,
    pub access: Access,
    /// Signed in by password, still owing the second factor.
    pub pending_second_factor: Option<User>,
    pub api_key: Option<ApiKey>,
    /// A key was presented that is unknown or revoked.
    pub bad_key: bool,
}

impl Principal {
    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Whether the user may use `permission` on an object of organisation `org`.
    pub fn allows(&self, state: &AppState, permission: Permission, org: Option<i64>) -> bool {
        self.user.is_some() && self.access.allows(permission, org, &state.org_tree())
    }

    /// Writes the audit entry of a staff action done in `tx`, from `client`,
    /// and commits both together.
    pub async fn commit_audited(
        &self,
        state: &AppState,
        mut tx: vmeste_db::Tx,
        client: &crate::rate_limit::ClientIp,
        entry: audit::Entry<'_>,
    ) -> Result<(), DbError> {
        let ip = client.to_string();
        let entry = audit::Entry {
            ip: Some(&ip),
            ..entry
        };
        self.audit(&mut tx.conn(), state, entry).await?;
        tx.commit().await
    }

    /// Writes an audit entry for this principal's action.
    pub async fn audit(
        &self,
        conn: &mut vmeste_db::Conn<'_>,
        state: &AppState,
        entry: audit::Entry<'_>,
    ) -> Result<(), DbError> {
        let entry = audit::Entry {
            actor_id: self.user_id(),
            api_key_id: self.api_key.as_ref().map(|k| k.id),
            ..entry
        };
        audit::record(conn, &entry, state.clock().now()).await
    }
}

/// The API key in `Authorization: Bearer …` or `X-Api-Key`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    bearer
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
        .map(str::trim)
}

/// Resolves the request's principal. A failing store leaves the request
/// anonymous rather than failing public pages with it.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Principal {
    match try_resolve(state, headers).await {
        Ok(principal) => principal,
        Err(e) => {
            tracing::warn!(error = %e, "resolving the caller failed");
            Principal::default()
        }
    }
}

/// The key with this secret unless it is unknown or revoked, its use noted;
/// a key checked lately is not read again (see [`crate::live_keys`]).
pub async fn live_key(state: &AppState, secret: &str) -> Result<Option<ApiKey>, DbError> {
    let now = state.clock().now();
    if let Some(key) = state.live_keys().get(secret, now) {
        return Ok(Some(key));
    }
    let key = {
        let mut handle = state.db().read().await?;
        api_keys::by_secret(&mut handle.conn(), secret).await?
    };
    let Some(mut key) = key.filter(|k| k.revoked_at.is_none()) else {
        return Ok(None);
    };
    if api_keys::use_is_news(&key, now) {
        let mut tx = state.db().write().await?;
        api_keys::mark_used(&mut tx.conn(), key.id, now).await?;
        tx.commit().await?;
        key.last_used_at = Some(now);
    }
    state.live_keys().keep(secret, key.clone(), now);
    Ok(Some(key))
}

async fn try_resolve(state: &AppState, headers: &HeaderMap) -> Result<Principal, DbError> {
    let mut principal = Principal::default();
    if let Some(secret) = presented_key(headers) {
        match live_key(state, secret).await? {
            Some(key) => principal.api_key = Some(key),
            None => principal.bad_key = true,
        }
    }
    let Some(token) = session_token(headers) else {
        return Ok(principal);
    };
    let now = state.clock().now();
    let found = {
        let mut handle = state.db().read().await?;
        sessions::lookup(&mut handle.conn(), &token, now, state.settings().sessions).await?
    };
    match found {
        Lookup::Unknown => {}
        Lookup::Expired => {
            let mut tx = state.db().write().await?;
            sessions::delete(&mut tx.conn(), &token).await?;
            tx.commit().await?;
        }
        Lookup::SecondFactorPending { user } => principal.pending_second_factor = Some(user),
        Lookup::Live { user, stale } => {
            if stale {
                let mut tx = state.db().write().await?;
                sessions::touch(&mut tx.conn(), &token, now).await?;
                tx.commit().await?;
            }
            let grants = {
                let mut handle = state.db().read().await?;
                users::grants(&mut handle.conn(), user.id).await?
            };
            principal.access = Access::new(grants);
            principal.user = Some(user);
        }
    }
    Ok(principal)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(found) = parts.extensions.get::<Arc<Principal>>() {
            return Ok(Principal::clone(found));
        }
        let principal = Arc::new(resolve(state, &parts.headers).await);
        parts.extensions.insert(Arc::clone(&principal));
        Ok(Principal::clone(&principal))
    }
}
