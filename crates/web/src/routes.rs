//! Every page and API endpoint is registered here with its access rule; there
//! is no other way to add one. A middleware enforces the rule before the
//! handler runs, and the authorisation matrix test walks [`endpoints`], so an
//! endpoint without a rule cannot exist and one without a test row fails.
//! Handlers then check the object itself (its organisation) with
//! [`crate::principal::Principal::allows`].

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use vmeste_db::api_keys::Scope;
use vmeste_db::settings;
use vmeste_domain::access::Permission;

use crate::AppState;
use crate::principal::{self, Principal};
use crate::problem::Problem;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not. An API key presented must be valid.
    Public,
    /// Anyone; an API key presented must hold this scope.
    Read,
    /// A signed-in person, acting on their own account.
    SignedIn,
    /// A signed-in person or an integrator's key with the `submit` scope.
    Submit,
    /// Staff holding the permission somewhere; the handler checks the object's
    /// organisation.
    Staff(Permission),
    /// An integrator's key holding this scope; a session does not count.
    Integration(Scope),
}

/// One registered method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    /// The full path template, as `MatchedPath` reports it.
    pub path: String,
    pub rule: Rule,
}

impl Endpoint {
    /// Whether calling it changes something.
    pub fn changes_state(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD)
    }
}

/// A router under construction with its table of rules.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    endpoints: Vec<Endpoint>,
    /// Where the router will be nested.
    prefix: &'static str,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes for a router that will be nested under `prefix`.
    pub fn under(prefix: &'static str) -> Self {
        Self {
            prefix,
            ..Self::default()
        }
    }

    #[must_use]
    pub fn get<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, rule, axum::routing::get(handler))
    }

    #[must_use]
    pub fn post<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, rule, axum::routing::post(handler))
    }

    #[must_use]
    pub fn delete<H, T>(self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, rule, axum::routing::delete(handler))
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        rule: Rule,
        route: axum::routing::MethodRouter<AppState>,
    ) -> Self {
        self.endpoints.push(Endpoint {
            method,
            path: format!("{}{path}", self.prefix),
            rule,
        });
        self.router = self.router.route(path, route);
        self
    }

    /// The router and the rules to enforce on it.
    pub fn into_parts(self) -> (Router<AppState>, Vec<Endpoint>) {
        (self.router, self.endpoints)
    }
}

/// Every endpoint with its rule, for the authorisation matrix.
pub fn endpoints() -> Vec<Endpoint> {
    let (_, mut table) = crate::html::routes().into_parts();
    table.extend(crate::api::routes().into_parts().1);
    table
}

fn rule_for(table: &[Endpoint], method: &Method, path: &str) -> Option<Rule> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    table
        .iter()
        .find(|e| e.path == path && e.method == method)
        .map(|e| e.rule)
}

/// Why a request is refused before its handler runs.
enum Refusal {
    /// Nobody is signed in (or the session owes its second factor).
    SignIn,
    /// A key was presented that is unknown or revoked.
    BadKey,
    /// Signed in or keyed, but not allowed.
    Forbidden,
    /// Staff must set up a second factor first.
    SecondFactorRequired,
}

/// Refuses a request its endpoint's rule does not allow; otherwise hands the
/// resolved principal to the handler.
pub(crate) async fn enforce(
    State((state, table)): State<(AppState, Arc<Vec<Endpoint>>)>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = matched.as_ref().map_or("", MatchedPath::as_str);
    let Some(rule) = rule_for(&table, request.method(), path) else {
        // Unreachable by construction; fail closed if it ever is not.
        tracing::error!(path, "a route has no access rule");
        return StatusCode::FORBIDDEN.into_response();
    };
    let principal = Arc::new(principal::resolve(&state, request.headers()).await);
    if let Err(refusal) = check(&state, rule, &principal).await {
        return refuse(&state, path, &request, &refusal);
    }
    if path.starts_with("/api/") && sent_by_another_site(&request, &principal) {
        return refuse(&state, path, &request, &Refusal::Forbidden);
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// A state-changing API call that a browser made for another site's page
/// and that only the session cookie authorises. JSON bodies cannot come
/// that way without a preflight, but an upload form or an empty POST can;
/// the `Lax` cookie stops most, this stops the rest in browsers that say.
fn sent_by_another_site(request: &Request, who: &Principal) -> bool {
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let by_cookie = who.api_key.is_none() && who.user.is_some();
    let cross = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v == "cross-site");
    changes && by_cookie && cross
}

async fn check(state: &AppState, rule: Rule, who: &Principal) -> Result<(), Refusal> {
    if who.bad_key {
        return Err(Refusal::BadKey);
    }
    match rule {
        Rule::Public => Ok(()),
        Rule::Read => match &who.api_key {
            Some(key) if !key.allows(Scope::Read) => Err(Refusal::Forbidden),
            _ => Ok(()),
        },
        Rule::SignedIn => who.user.as_ref().map(drop).ok_or(Refusal::SignIn),
        Rule::Submit => match (&who.api_key, &who.user) {
            (Some(key), _) if key.allows(Scope::Submit) => Ok(()),
            (Some(_), _) => Err(Refusal::Forbidden),
            (None, Some(_)) => Ok(()),
            (None, None) => Err(Refusal::SignIn),
        },
        Rule::Integration(scope) => match &who.api_key {
            Some(key) if key.allows(scope) => Ok(()),
            Some(_) => Err(Refusal::Forbidden),
            None => Err(Refusal::SignIn),
        },
        Rule::Staff(permission) => {
            let Some(user) = &who.user else {
                return Err(Refusal::SignIn);
            };
            if !who.access.holds(permission) {
                return Err(Refusal::Forbidden);
            }
            if user.totp_enabled_at.is_none() && second_factor_required(state).await {
                return Err(Refusal::SecondFactorRequired);
            }
            Ok(())
        }
    }
}

/// Whether platform administrators require staff to use a second factor. A
/// store that cannot answer counts as "required": the safe side.
async fn second_factor_required(state: &AppState) -> bool {
    let answer = async {
        let mut handle = state.db().read().await?;
        settings::flag(&mut handle.conn(), settings::REQUIRE_STAFF_TOTP).await
    }
    .await;
    answer.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading platform settings failed");
        true
    })
}

/// `path` is the route's full template: inside the nested API router the
/// request's own URI has lost its `/api/v1` prefix.
fn refuse(state: &AppState, path: &str, request: &Request, refusal: &Refusal) -> Response {
    if path.starts_with("/api/") {
        let lang = crate::i18n::from_headers(request.headers());
        let (status, code) = match refusal {
            Refusal::SignIn => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Refusal::BadKey => (StatusCode::UNAUTHORIZED, "invalid_api_key"),
            Refusal::Forbidden | Refusal::SecondFactorRequired => {
                (StatusCode::FORBIDDEN, "forbidden")
            }
        };
        let mut response = Problem::new(lang, status, code).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        return response;
    }
    match refusal {
        Refusal::SignIn | Refusal::BadKey => {
            let back = request.uri().path_and_query().map_or("/", |p| p.as_str());
            let next = if request.method() == Method::GET {
                url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
            } else {
                String::from("%2F")
            };
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        Refusal::SecondFactorRequired => {
            Redirect::to("/account/security?required=1").into_response()
        }
        Refusal::Forbidden => crate::html::error_page(state, &crate::error::PageError::Forbidden),
    }
}
