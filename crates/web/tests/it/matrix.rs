//! The authorisation matrix: for every role, every state-changing endpoint and
//! every page with personal data, on an object of the user's own organisation,
//! of a child organisation and of a foreign one — allowed or denied. Every
//! registered endpoint must have a row here, so a new endpoint without a
//! decided rule fails this test.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use vmeste_db::{Sql, sessions, users};
use vmeste_domain::clock::Clock;
use vmeste_domain::organisation::Role;
use vmeste_web::routes::{self, Rule};

use crate::common::TestApp;

/// What an endpoint acts on, as far as access goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    /// Anyone may call it (forms are still CSRF-protected).
    Public,
    /// The caller's own account.
    OwnAccount,
    /// An object of an organisation, in the path.
    Organisation,
    /// The platform itself.
    Platform,
    /// Integrators' or residents' submissions through the API.
    Submission,
    /// A staff list without an organisation in the path (inbox, moderation queue).
    Queue,
    /// A case through the API: its organisation's staff or its author act on it.
    Case,
    /// The author's own message (rating, dispute, clarification).
    OwnMessage,
    /// A case's files through the API: its author adds photos, the staff who
    /// answer it add documents.
    CaseFiles,
    /// Whoever calls, about themself (`/api/v1/me`).
    Caller,
    /// A monitoring tool's key with the `incidents` scope (posts from social networks).
    Integration,
}

/// The matrix rows: every endpoint and what it acts on. Reading the routes
/// below, a new endpoint that is not listed fails `every_endpoint_has_a_row`.
fn object_of(method: &Method, path: &str) -> Option<Object> {
    use Object::{
        Caller, Case, CaseFiles, Integration, Organisation, OwnAccount, OwnMessage, Platform,
        Public, Queue, Submission,
    };
    let get = method == Method::GET;
    Some(match path {
        "/api/v1/messages" if !get => Submission,
        "/api/v1/messages/{id}/attachments" if !get => CaseFiles,
        "/api/v1/me" => Caller,
        "/"
        | "/api/v1/messages"
        | "/messages"
        | "/messages/{id}"
        | "/report"
        | "/login"
        | "/logout"
        | "/login/second-factor"
        | "/login/oidc"
        | "/login/oidc/callback"
        | "/signup"
        | "/confirm/{token}"
        | "/password/forgot"
        | "/password/reset/{token}"
        | "/invite/{token}"
        | "/api/v1/messages/{id}"
        | "/statistics"
        | "/map"
        | "/map/clusters"
        | "/open311/{file}"
        | "/open311/v2/{file}"
        | "/open311/v2/services/{file}"
        | "/open311/v2/requests/{file}"
        | "/open311/v2/tokens/{file}"
        // Sets only the browser's own language cookie.
        | "/lang/{code}"
        // A held photo's unguessable name is the key to it.
        | "/report/photos/{id}"
        // Published photos are public; others only to author and handlers.
        | "/photos/{id}"
        | "/api/v1/catalogue"
        | "/api/v1/organisations"
        | "/api/v1/organisations/{id}"
        | "/api/v1/topics/{id}"
        | "/api/v1/territories"
        | "/api/v1/territories/{id}"
        // Its public steps; the case's staff see the rest.
        | "/api/v1/messages/{id}/history"
        // Photos of published messages; the rest to the author and staff.
        | "/api/v1/messages/{id}/attachments"
        | "/api/v1/openapi.json"
        | "/api/docs"
        // The widget: anonymous, its forms signed; framed only where allowed.
        | "/widget"
        // Opens only with the proof its filing browser was given.
        | "/widget/sent/{id}" => Public,
        "/account"
        | "/my"
        | "/account/confirm"
        | "/account/delete"
        | "/account/security"
        | "/account/security/totp"
        | "/account/security/totp/off"
        | "/invite/{token}/accept"
        // Following changes only the caller's own subscriptions.
        | "/messages/{id}/follow"
        | "/api/v1/messages/{id}/follow"
        | "/api/v1/me/messages" => OwnAccount,
        "/staff/messages/{id}"
        | "/staff/messages/{id}/act"
        | "/org/{id}/staff"
        | "/org/{id}/invites"
        | "/org/{id}/invites/{invite}/revoke"
        | "/org/{id}/staff/{grant}/revoke"
        | "/org/{id}/api-keys"
        | "/org/{id}/api-keys/{key}/revoke"
        | "/org/{id}/webhooks"
        | "/org/{id}/webhooks/{hook}"
        | "/org/{id}/webhooks/{hook}/{act}"
        | "/org/{id}/templates"
        | "/org/{id}/templates/{template}/delete"
        | "/api/v1/organisations/{id}/staff"
        | "/org/{id}/widget"
        | "/org/{id}/widget/origins"
        | "/org/{id}/widget/origins/{origin}/delete" => Organisation,
        "/admin/audit"
        | "/admin/security"
        | "/admin/routing"
        | "/admin/routing/{rule}/delete"
        | "/admin/routing/threshold"
        | "/admin/routing/rollback"
        | "/admin/calendar"
        | "/admin/calendar/{day}/delete"
        | "/admin/houses"
        | "/admin/houses/{house}/manager" => Platform,
        "/staff/inbox"
        | "/api/v1/inbox"
        | "/staff/inbox/bulk"
        | "/staff/moderation"
        // The regional centre's queue of posts: region-wide, like moderation.
        | "/staff/incidents"
        | "/staff/incidents/{id}"
        | "/staff/incidents/{id}/convert"
        | "/staff/incidents/{id}/dismiss" => Queue,
        "/api/v1/incidents" | "/api/v1/incidents/{id}" => Integration,
        "/api/v1/messages/{id}/transitions" => Case,
        "/messages/{id}/feedback" | "/attachments/{id}" => OwnMessage,
        _ => return None,
    })
}

#[tokio::test]
async fn every_endpoint_has_a_row_and_a_matching_rule() {
    let mut missing = Vec::new();
    for e in routes::endpoints() {
        match object_of(&e.method, &e.path) {
            None => missing.push(format!("{} {}", e.method, e.path)),
            Some(object) => {
                let consistent = match object {
                    Object::Public | Object::Caller => matches!(e.rule, Rule::Public | Rule::Read),
                    Object::Organisation | Object::Platform | Object::Queue => {
                        matches!(e.rule, Rule::Staff(_))
                    }
                    Object::Submission => e.rule == Rule::Submit,
                    Object::OwnAccount | Object::Case | Object::OwnMessage | Object::CaseFiles => {
                        e.rule == Rule::SignedIn
                    }
                    Object::Integration => {
                        e.rule == Rule::Integration(vmeste_db::api_keys::Scope::Incidents)
                    }
                };
                assert!(
                    consistent,
                    "{} {} has rule {:?} but acts on {object:?}",
                    e.method, e.path, e.rule
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without a row in the authorisation matrix: {missing:?}"
    );
}

/// The principals of the matrix, each held in organisation `own` (subtree as the demo grants it).
const ROLES: [Option<(Role, bool)>; 9] = [
    None,
    Some((Role::Resident, false)),
    Some((Role::Operator, false)),
    Some((Role::Executor, false)),
    Some((Role::Head, false)),
    Some((Role::Moderator, false)),
    Some((Role::Analyst, false)),
    Some((Role::OrgAdmin, true)),
    Some((Role::PlatformAdmin, false)),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Own,
    Child,
    Foreign,
}

/// The expected answer: may `role` use the endpoint on an object of an
/// organisation in `relation` to its own?
fn expected(role: Option<(Role, bool)>, rule: Rule, relation: Relation) -> bool {
    use vmeste_domain::access::Permission as P;
    let Some((role, subtree)) = role else {
        return false;
    };
    let Rule::Staff(permission) = rule else {
        return true;
    };
    let holds = match role {
        Role::PlatformAdmin => true,
        Role::Resident => false,
        Role::Operator => matches!(permission, P::ViewPersonalData | P::Triage),
        Role::Executor => matches!(permission, P::ViewPersonalData | P::Answer),
        Role::Head => matches!(
            permission,
            P::ViewPersonalData | P::Triage | P::Answer | P::Approve | P::ReadStatistics
        ),
        Role::Moderator => matches!(
            permission,
            P::ViewPersonalData | P::Triage | P::Moderate | P::ReadStatistics
        ),
        Role::Analyst => permission == P::ReadStatistics,
        Role::OrgAdmin => matches!(permission, P::ManageStaff | P::ManageApiKeys),
    };
    let reaches = match relation {
        Relation::Own => true,
        Relation::Child => subtree || matches!(role, Role::Moderator | Role::PlatformAdmin),
        Relation::Foreign => matches!(role, Role::Moderator | Role::PlatformAdmin),
    };
    holds && (reaches || permission == P::ManagePlatform)
}

struct Fixture {
    own: i64,
    child: i64,
    foreign: i64,
    /// A message of each organisation.
    messages: [(i64, i64); 3],
}

async fn org_id(app: &TestApp, slug: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new("SELECT id FROM organisations WHERE slug = $1")
        .bind(slug)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

async fn fixture(app: &TestApp) -> Fixture {
    // min-housing is the parent of vodokanal; city-roads is unrelated to both.
    let own = org_id(app, "min-housing").await;
    let child = org_id(app, "vodokanal").await;
    let foreign = org_id(app, "city-roads").await;
    let mut tx = app.test.db.write().await.unwrap();
    let ids: Vec<i64> = Sql::new("SELECT id FROM messages ORDER BY id LIMIT 3")
        .scalars(&mut tx.conn())
        .await
        .unwrap();
    for (id, org) in ids.iter().zip([own, child, foreign]) {
        Sql::new("UPDATE messages SET organisation_id = $1 WHERE id = $2")
            .bind(org)
            .bind(*id)
            .execute(&mut tx.conn())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    Fixture {
        own,
        child,
        foreign,
        messages: [(own, ids[0]), (child, ids[1]), (foreign, ids[2])],
    }
}

/// A signed-in principal's cookie (session plus a CSRF pair), or anonymous.
async fn principal(app: &TestApp, n: usize, role: Option<(Role, bool)>, org: i64) -> String {
    let csrf = format!("vmeste_csrf={}", "c".repeat(64));
    let Some((role, subtree)) = role else {
        return csrf;
    };
    let now = app.clock.now();
    let mut tx = app.test.db.write().await.unwrap();
    let email = format!("matrix{n}@test.example");
    let id = users::insert(
        &mut tx.conn(),
        &users::NewUser {
            email: Some(&email),
            password_hash: None,
            name: "Матрица",
            phone: None,
            locale: "ru",
            created_at: now,
        },
    )
    .await
    .unwrap();
    let scope = role.needs_organisation().then_some(org);
    users::grant(&mut tx.conn(), id, role, scope, subtree)
        .await
        .unwrap();
    let token = sessions::new_token();
    let life = vmeste_web::WebSettings::default().sessions;
    sessions::create(&mut tx.conn(), &token, id, now, life, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    format!("{csrf}; vmeste_session={token}")
}

fn uri_for(path: &str, org: i64, message: i64) -> String {
    path.replace(
        "{id}",
        &if path.starts_with("/staff/messages")
            || path.starts_with("/api/v1/messages")
            || path.starts_with("/messages")
        {
            message
        } else {
            org
        }
        .to_string(),
    )
    .replace("{invite}", "999999")
    .replace("{grant}", "999999")
    .replace("{key}", "999999")
    .replace("{hook}", "999999")
    .replace("{act}", "disable")
    .replace("{rule}", "999999")
    .replace("{day}", "2031-01-01")
    .replace("{house}", "999999")
    .replace("{template}", "999999")
    .replace("{origin}", "999999")
    .replace("{token}", "unknown")
}

async fn call(app: &TestApp, method: &Method, uri: &str, cookie: &str) -> (StatusCode, String) {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::COOKIE, cookie);
    let body = if method == Method::POST && uri.starts_with("/api/") {
        request = request.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    } else if method == Method::POST {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        // A valid CSRF token and otherwise empty or invalid fields: an allowed
        // call answers with its form's errors or a 404, and changes nothing.
        Body::from(format!("csrf={}", "c".repeat(64)))
    } else {
        Body::empty()
    };
    let reply = app.send(request.body(body).unwrap()).await;
    (reply.status, reply.header(header::LOCATION).to_string())
}

fn refused(status: StatusCode, location: &str) -> bool {
    status == StatusCode::FORBIDDEN
        || status == StatusCode::UNAUTHORIZED
        || (status == StatusCode::SEE_OTHER && location.starts_with("/login"))
}

#[tokio::test]
async fn each_role_reaches_exactly_its_organisations() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let mut cookies = Vec::new();
    for (n, role) in ROLES.iter().enumerate() {
        cookies.push(principal(&app, n, *role, f.own).await);
    }
    let mut wrong = Vec::new();
    let mut checked = 0;
    for e in routes::endpoints() {
        let object = object_of(&e.method, &e.path).unwrap();
        let personal_data =
            e.rule == Rule::Staff(vmeste_domain::access::Permission::ViewPersonalData);
        let relevant = e.changes_state()
            || personal_data
            || matches!(
                object,
                Object::Organisation | Object::Platform | Object::Queue
            );
        // Keys, not people, call integrations: checked on their own below.
        if !relevant
            || matches!(
                object,
                Object::Public | Object::Submission | Object::Caller | Object::Integration
            )
        {
            continue;
        }
        let relations: &[Relation] = if matches!(
            object,
            Object::Organisation | Object::Case | Object::OwnMessage | Object::CaseFiles
        ) {
            &[Relation::Own, Relation::Child, Relation::Foreign]
        } else {
            &[Relation::Own]
        };
        for relation in relations {
            let (org, message) = match relation {
                Relation::Own => f.messages[0],
                Relation::Child => f.messages[1],
                Relation::Foreign => f.messages[2],
            };
            assert!([f.own, f.child, f.foreign].contains(&org));
            let uri = uri_for(&e.path, org, message);
            for (role, cookie) in ROLES.iter().zip(&cookies) {
                // Deleting one's account would end the principal; its rule is checked on its own below.
                if e.path == "/account/delete" && e.method == Method::POST {
                    continue;
                }
                let (status, location) = call(&app, &e.method, &uri, cookie).await;
                let allowed = !refused(status, &location);
                checked += 1;
                let should = match object {
                    // The handler lets in the case's staff (and its author, never a matrix principal).
                    Object::Case => expected(
                        *role,
                        Rule::Staff(vmeste_domain::access::Permission::ViewPersonalData),
                        *relation,
                    ),
                    // Documents come from those who answer the case.
                    Object::CaseFiles => expected(
                        *role,
                        Rule::Staff(vmeste_domain::access::Permission::Answer),
                        *relation,
                    ),
                    Object::OwnMessage => false,
                    _ => expected(*role, e.rule, *relation),
                };
                if allowed != should {
                    wrong.push(format!(
                        "{:?} {} {uri} ({relation:?}): {status} {location}",
                        role.map(|r| r.0),
                        e.method
                    ));
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} cells checked");
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn own_account_actions_need_a_signed_in_person() {
    let app = TestApp::demo().await;
    let anonymous = format!("vmeste_csrf={}", "c".repeat(64));
    for e in routes::endpoints()
        .into_iter()
        .filter(|e| e.rule == Rule::SignedIn)
    {
        let (status, location) = call(&app, &e.method, &uri_for(&e.path, 1, 1), &anonymous).await;
        assert!(
            refused(status, &location),
            "{} {} let anonymous in: {status}",
            e.method,
            e.path
        );
    }
}

#[tokio::test]
async fn submissions_need_a_session_or_a_submit_key() {
    let app = TestApp::demo().await;
    let empty = serde_json::json!({});
    let post = |auth: Option<String>| {
        let mut request =
            Request::post("/api/v1/messages").header(header::CONTENT_TYPE, "application/json");
        if let Some(auth) = auth {
            request = request.header(header::AUTHORIZATION, auth);
        }
        request.body(Body::from(empty.to_string())).unwrap()
    };
    assert_eq!(app.send(post(None)).await.status, StatusCode::UNAUTHORIZED);
    // With the submit scope the request reaches validation.
    assert_eq!(
        app.send(post(Some(app.bearer.clone()))).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
