//! Residents' accounts end to end through the pages: sign-up and the
//! confirmation link, password reset, the second factor, API keys, deletion,
//! invitations, and what the public may see.

use axum::http::{StatusCode, header};
use vmeste_db::{Sql, api_keys};
use vmeste_domain::clock::Clock;
use vmeste_web::mail::Email;

use crate::common::{Reply, TestApp, csrf_field};

/// The e-mails queued so far, oldest first (the outbox the worker delivers).
pub async fn outbox(app: &TestApp) -> Vec<Email> {
    let mut handle = app.test.db.read().await.unwrap();
    let payloads: Vec<String> = Sql::new("SELECT payload FROM jobs WHERE kind = $1 ORDER BY id")
        .bind("email")
        .scalars(&mut handle.conn())
        .await
        .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect()
}

/// The path of the one link in an e-mail's text.
pub fn link_path(email: &Email) -> String {
    let url = email
        .text
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("no link in {}", email.text));
    format!("/{}", url.splitn(4, '/').nth(3).unwrap())
}

/// A browser: a cookie jar of one CSRF token and, once signed in, a session.
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: String,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: format!("vmeste_csrf={}", "b".repeat(64)),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.app.get_with(path, &self.cookies).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = "b".repeat(64);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        let reply = self.app.post_form(path, Some(&self.cookies), &all).await;
        self.keep_session(&reply);
        reply
    }

    /// Posts a form with files, as a browser does for `enctype="multipart/form-data"`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let token = "b".repeat(64);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        let (content_type, body) = crate::common::multipart(&all, files);
        let request = axum::http::Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, &self.cookies)
            .body(axum::body::Body::from(body))
            .unwrap();
        let reply = self.app.send(request).await;
        self.keep_session(&reply);
        reply
    }

    pub fn keep_session(&mut self, reply: &Reply) {
        for set in reply.headers.get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
            if let Some(value) = pair.strip_prefix("vmeste_session=") {
                let kept: Vec<&str> = self
                    .cookies
                    .split("; ")
                    .filter(|c| !c.starts_with("vmeste_session="))
                    .collect();
                self.cookies = kept.join("; ");
                if !value.is_empty() {
                    self.cookies = format!("{}; {pair}", self.cookies);
                }
            }
        }
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    pub fn signed_in(&self) -> bool {
        self.cookies.contains("vmeste_session=")
    }
}

#[tokio::test]
async fn sign_up_confirm_and_sign_in() {
    let app = TestApp::demo().await;
    let mut browser = Browser::new(&app);
    let form = browser.get("/signup").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!csrf_field(&form.body).is_empty());

    // Bad input: every field named, what was typed kept, nothing created.
    let bad = browser
        .post(
            "/signup",
            &[("name", "Анна"), ("email", "anna@"), ("password", "short")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Введите адрес электронной почты"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("не короче 10 символов"));
    assert!(bad.body.contains("value=\"Анна\"") && bad.body.contains("value=\"anna@\""));
    assert!(outbox(&app).await.is_empty());

    let done = browser
        .post(
            "/signup",
            &[
                ("name", "Анна Новикова"),
                ("email", "Anna@Example.org"),
                ("password", "весна в приозерье"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Проверьте почту"));
    let mails = outbox(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "anna@example.org");
    assert!(mails[0].subject.contains("Подтвердите"));
    assert!(mails[0].html.contains("<a href=\"http"));

    // Signing in works before confirmation; the account says it is unconfirmed.
    assert_eq!(
        browser
            .sign_in("anna@example.org", "весна в приозерье")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        browser
            .get("/account")
            .await
            .body
            .contains("не подтверждена")
    );

    let link = link_path(&mails[0]);
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);
    assert!(
        browser
            .get("/account")
            .await
            .body
            .contains("— подтверждена")
    );
    // A link works once.
    assert_eq!(browser.get(&link).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn signing_up_twice_reveals_nothing_and_sends_a_reset_link() {
    let app = TestApp::demo().await;
    let mut browser = Browser::new(&app);
    let reply = browser
        .post(
            "/signup",
            &[
                ("name", "Кто-то"),
                ("email", "resident@demo.vmeste.example"),
                ("password", "совсем другой пароль"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("Проверьте почту"));
    let mails = outbox(&app).await;
    assert_eq!(mails.len(), 1);
    assert!(link_path(&mails[0]).starts_with("/password/reset/"));
    // The old password still works: nothing was changed.
    assert_eq!(
        Browser::new(&app)
            .sign_in("resident@demo.vmeste.example", "vmeste-demo")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_up_needs_the_csrf_token() {
    let app = TestApp::demo().await;
    let reply = app
        .post_form(
            "/signup",
            Some(&format!("vmeste_csrf={}", "b".repeat(64))),
            &[
                ("csrf", &"0".repeat(64)),
                ("name", "Анна"),
                ("email", "a@example.org"),
                ("password", "длинный пароль"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply.body.contains("value=\"a@example.org\""),
        "typed input is kept"
    );
    assert!(outbox(&app).await.is_empty());
}

#[tokio::test]
async fn password_reset_works_once_within_the_hour_and_ends_other_sessions() {
    let app = TestApp::demo().await;
    let email = "resident@demo.vmeste.example";
    let mut elsewhere = Browser::new(&app);
    elsewhere.sign_in(email, "vmeste-demo").await;
    assert!(elsewhere.signed_in());

    let mut browser = Browser::new(&app);
    // An unknown address gets the same answer and no mail.
    let unknown = browser
        .post("/password/forgot", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(outbox(&app).await.is_empty());

    let asked = browser.post("/password/forgot", &[("email", email)]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert_eq!(
        asked.body,
        unknown.body.replace("nobody@example.org", email),
        "same answer either way"
    );
    let link = link_path(&outbox(&app).await[0]);
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);

    let weak = browser.post(&link, &[("password", "123")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = browser
        .post(&link, &[("password", "новый длинный пароль")])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(
        browser
            .post(&link, &[("password", "ещё один пароль")])
            .await
            .status,
        StatusCode::GONE
    );

    assert_eq!(
        Browser::new(&app)
            .sign_in(email, "vmeste-demo")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new(&app)
            .sign_in(email, "новый длинный пароль")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The session opened with the old password is over.
    assert_eq!(
        elsewhere.get("/account").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let app = TestApp::demo().await;
    let mut browser = Browser::new(&app);
    browser
        .post(
            "/password/forgot",
            &[("email", "resident@demo.vmeste.example")],
        )
        .await;
    let link = link_path(&outbox(&app).await[0]);
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(browser.get(&link).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn reset_requests_are_limited_per_address() {
    let app = TestApp::demo().await;
    let mut browser = Browser::new(&app);
    let limit = vmeste_web::RateLimits::default().reset_per_account_per_hour;
    for _ in 0..limit {
        let reply = browser
            .post(
                "/password/forgot",
                &[("email", "resident@demo.vmeste.example")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let refused = browser
        .post(
            "/password/forgot",
            &[("email", "resident@demo.vmeste.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!refused.header(header::RETRY_AFTER).is_empty());
    assert!(
        refused.body.contains("resident@demo.vmeste.example"),
        "typed address kept"
    );
}

fn secret_on(page: &str) -> String {
    page.split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_second_factor_guards_sign_in() {
    let app = TestApp::demo().await;
    let email = "operator@demo.vmeste.example";
    let mut browser = Browser::new(&app);
    browser.sign_in(email, "vmeste-demo").await;
    let page = browser.get("/account/security").await;
    let secret = secret_on(&page.body);
    let wrong = browser
        .post("/account/security/totp", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = vmeste_web::second_factor::code_at(&secret, app.clock.now()).unwrap();
    let on = browser
        .post("/account/security/totp", &[("code", &code)])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);

    app.clock.advance(chrono::Duration::minutes(1));
    let mut next = Browser::new(&app);
    let first = next.sign_in(email, "vmeste-demo").await;
    assert!(
        first
            .header(header::LOCATION)
            .starts_with("/login/second-factor")
    );
    // The half-signed session opens nothing.
    assert_eq!(next.get("/account").await.status, StatusCode::SEE_OTHER);
    let bad = next
        .post("/login/second-factor", &[("code", "123456")])
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let code = vmeste_web::second_factor::code_at(&secret, app.clock.now()).unwrap();
    let passed = next.post("/login/second-factor", &[("code", &code)]).await;
    assert_eq!(passed.status, StatusCode::SEE_OTHER);
    assert_eq!(next.get("/account").await.status, StatusCode::OK);

    // The same code does not open a second session.
    let mut replay = Browser::new(&app);
    replay.sign_in(email, "vmeste-demo").await;
    let again = replay
        .post("/login/second-factor", &[("code", &code)])
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn platform_admins_can_require_a_second_factor_of_staff() {
    let app = TestApp::demo().await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    let saved = admin
        .post("/admin/security", &[("require_staff_totp", "1")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let mut org_admin = Browser::new(&app);
    org_admin
        .sign_in("orgadmin@demo.vmeste.example", "vmeste-demo")
        .await;
    let city = org_id(&app, "city-admin").await;
    let refused = org_admin.get(&format!("/org/{city}/staff")).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(
        refused.header(header::LOCATION),
        "/account/security?required=1"
    );
    // Residents are not staff: nothing changes for them.
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(resident.get("/account").await.status, StatusCode::OK);
    // The administrator is staff too: the audit log waits for their second factor.
    let audit = admin
        .get("/admin/audit?action=platform.require_staff_totp")
        .await;
    assert_eq!(
        audit.header(header::LOCATION),
        "/account/security?required=1"
    );
    let secret = secret_on(&admin.get("/account/security").await.body);
    let code = vmeste_web::second_factor::code_at(&secret, app.clock.now()).unwrap();
    admin
        .post("/account/security/totp", &[("code", &code)])
        .await;
    let audit = admin
        .get("/admin/audit?action=platform.require_staff_totp")
        .await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("Андрей Админов"), "{}", audit.body);
}

pub async fn org_id(app: &TestApp, slug: &str) -> i64 {
    let sql = Sql::new("SELECT id FROM organisations WHERE slug = $1").bind(slug);
    vmeste_test_support::read_scalar(&app.test.db, sql).await
}

#[tokio::test]
async fn api_keys_are_shown_once_scoped_and_revocable() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("orgadmin@demo.vmeste.example", "vmeste-demo")
        .await;
    let path = format!("/org/{city}/api-keys");
    let none = admin.post(&path, &[("name", "")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("хотя бы одно право"));

    let created = admin
        .post(&path, &[("name", "Портал города"), ("read", "1")])
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let read_only = secret_on(&created.body);
    assert!(read_only.starts_with("vmk_"));
    assert!(
        !admin.get(&path).await.body.contains(&read_only),
        "shown once"
    );
    {
        let mut handle = app.test.db.read().await.unwrap();
        let stored: Vec<String> = Sql::new("SELECT key_hash FROM api_keys")
            .scalars(&mut handle.conn())
            .await
            .unwrap();
        assert!(
            stored.iter().all(|h| !h.contains(&read_only[4..])),
            "only a hash is stored"
        );
    }

    let submit = |key: String| {
        axum::http::Request::post("/api/v1/messages")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .body(axum::body::Body::from("{}"))
            .unwrap()
    };
    let read = |key: String| {
        axum::http::Request::get("/api/v1/catalogue")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    assert_eq!(
        app.send(read(read_only.clone())).await.status,
        StatusCode::OK
    );
    let refused = app.send(submit(read_only.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["code"], "forbidden");

    let created = admin
        .post(&path, &[("name", "Виджет"), ("submit", "1")])
        .await;
    let submitter = secret_on(&created.body);
    assert_eq!(
        app.send(submit(submitter.clone())).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.send(read(submitter.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let listed = admin.get(&path).await.body;
    assert!(listed.contains("Портал города") && !listed.contains("—</td>\n  <td>отозван"));

    // Revoked: refused as unknown, with a problem document.
    let id: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM api_keys WHERE name = $1")
            .bind("Виджет")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let revoked = admin.post(&format!("{path}/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let after = app.send(submit(submitter)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.json()["code"], "invalid_api_key");
    let audit = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT action FROM audit_log WHERE object_kind = $1 ORDER BY id")
            .bind("api_key")
            .scalars::<String>(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(
        audit,
        ["api_key.create", "api_key.create", "api_key.revoke"]
    );
}

#[tokio::test]
async fn a_key_revoked_on_another_node_is_refused_within_ten_seconds() {
    let app = TestApp::demo().await;
    let catalogue = || {
        axum::http::Request::get("/api/v1/catalogue")
            .header(header::AUTHORIZATION, &app.bearer)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    assert_eq!(app.send(catalogue()).await.status, StatusCode::OK);
    {
        // As another node's administrator would: straight in the database.
        let mut tx = app.test.db.write().await.unwrap();
        let id: i64 = Sql::new("SELECT id FROM api_keys WHERE name = $1")
            .bind("tests")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        api_keys::revoke(&mut tx.conn(), id, app.clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(
        app.send(catalogue()).await.status,
        StatusCode::OK,
        "this node trusts what it read a moment ago"
    );
    app.clock.advance(chrono::Duration::seconds(10));
    let refused = app.send(catalogue()).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.json()["code"], "invalid_api_key");
}

#[tokio::test]
async fn a_used_key_records_when() {
    let app = TestApp::demo().await;
    app.get("/").await;
    let reply = app
        .send(
            axum::http::Request::get("/api/v1/catalogue")
                .header(header::AUTHORIZATION, &app.bearer)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut handle = app.test.db.read().await.unwrap();
    let used: Vec<String> = Sql::new("SELECT name FROM api_keys WHERE last_used_at IS NOT NULL")
        .scalars(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(used, ["tests"]);
}

#[tokio::test]
async fn deleting_an_account_keeps_messages_and_drops_identity() {
    let app = TestApp::demo().await;
    let email = "resident@demo.vmeste.example";
    let (user_id, messages_before): (i64, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        let id: i64 = Sql::new("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        let n: i64 = Sql::new("SELECT COUNT(*) FROM messages WHERE author_id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        (id, n)
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(email, "vmeste-demo").await;
    let wrong = browser
        .post(
            "/account/delete",
            &[("password", "не тот"), ("confirm", "1")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let gone = browser
        .post(
            "/account/delete",
            &[("password", "vmeste-demo"), ("confirm", "1")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK);
    browser.keep_session(&gone);
    assert!(!browser.signed_in());

    let mut handle = app.test.db.read().await.unwrap();
    let name: String = Sql::new("SELECT name FROM users WHERE id = $1")
        .bind(user_id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(name, vmeste_db::users::DELETED_NAME);
    let contacts: i64 = Sql::new("SELECT COUNT(*) FROM users WHERE id = $1 AND (email IS NOT NULL OR phone IS NOT NULL OR password_hash IS NOT NULL)")
        .bind(user_id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(contacts, 0);
    let messages_after: i64 = Sql::new("SELECT COUNT(*) FROM messages WHERE author_id = $1")
        .bind(user_id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(messages_after, messages_before);
    drop(handle);
    assert_eq!(
        Browser::new(&app)
            .sign_in(email, "vmeste-demo")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn invited_staff_set_a_password_and_take_the_role() {
    let app = TestApp::demo().await;
    let roads = org_id(&app, "city-roads").await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("orgadmin@demo.vmeste.example", "vmeste-demo")
        .await;
    let path = format!("/org/{roads}/invites");
    // An organisation's admin cannot make moderators.
    let refused = admin
        .post(
            &path,
            &[("email", "new@roads.example"), ("role", "moderator")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sent = admin
        .post(
            &path,
            &[("email", "New@Roads.example"), ("role", "executor")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let mail = outbox(&app).await.pop().unwrap();
    assert_eq!(mail.to, "new@roads.example");
    assert!(mail.text.contains("Исполнитель"));

    let mut invited = Browser::new(&app);
    let link = link_path(&mail);
    assert_eq!(invited.get(&link).await.status, StatusCode::OK);
    let accepted = invited
        .post(
            &link,
            &[
                ("name", "Новый Исполнитель"),
                ("password", "дорожный пароль"),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(invited.signed_in());
    let account = invited.get("/account").await;
    assert!(account.body.contains("Исполнитель"), "{}", account.body);
    assert_eq!(
        invited.get(&link).await.status,
        StatusCode::GONE,
        "used once"
    );

    let staff = admin.get(&format!("/org/{roads}/staff")).await;
    assert!(staff.body.contains("Новый Исполнитель"));
}

#[tokio::test]
async fn handlers_see_the_author_and_the_look_is_audited() {
    let app = TestApp::demo().await;
    let (message, author, org): (i64, String, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        let (id, org): (i64, i64) = {
            let id: i64 = Sql::new("SELECT m.id FROM messages m JOIN users u ON u.id = m.author_id JOIN organisations o ON o.id = m.organisation_id WHERE o.slug = $1 ORDER BY m.id LIMIT 1")
                .bind("city-roads")
                .scalar(&mut handle.conn())
                .await
                .unwrap();
            let org: i64 = Sql::new("SELECT organisation_id FROM messages WHERE id = $1")
                .bind(id)
                .scalar(&mut handle.conn())
                .await
                .unwrap();
            (id, org)
        };
        let name: String = Sql::new(
            "SELECT u.name FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = $1",
        )
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
        (id, name, org)
    };
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = executor.get(&format!("/staff/messages/{message}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&author));
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");

    let mut analyst = Browser::new(&app);
    analyst
        .sign_in("analyst@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(
        analyst
            .get(&format!("/staff/messages/{message}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let mut handle = app.test.db.read().await.unwrap();
    let logged: i64 = Sql::new("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2 AND organisation_id = $3")
        .bind("message.view_personal_data")
        .bind(message)
        .bind(org)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(logged, 1);
    // Append-only, on both backends.
    let edited = Sql::new("UPDATE audit_log SET action = $1")
        .bind("nothing")
        .execute(&mut handle.conn())
        .await;
    assert!(edited.is_err());
}

#[derive(sqlx::FromRow)]
struct Person {
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

#[tokio::test]
async fn public_pages_and_the_anonymous_api_carry_no_personal_data() {
    let app = TestApp::demo().await;
    let people: Vec<Person> = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT DISTINCT u.name, u.email, u.phone FROM users u JOIN messages m ON m.author_id = u.id")
            .fetch_all(&mut handle.conn())
            .await
            .unwrap()
    };
    assert!(people.len() >= 10, "the demo has residents with messages");
    let ids: Vec<i64> = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM messages ORDER BY id LIMIT 60")
            .scalars(&mut handle.conn())
            .await
            .unwrap()
    };
    let mut pages = vec![
        app.get("/").await.body,
        app.get("/messages").await.body,
        app.get("/api/v1/messages?limit=100").await.body,
    ];
    for id in ids {
        pages.push(app.get(&format!("/messages/{id}")).await.body);
        pages.push(
            app.get(&format!("/api/v1/messages/{id}?history=true"))
                .await
                .body,
        );
    }
    for page in &pages {
        for p in &people {
            assert!(
                !page.contains(&p.name),
                "a resident's name on a public page: {}",
                p.name
            );
            for contact in [&p.email, &p.phone].into_iter().flatten() {
                assert!(
                    !page.contains(contact.as_str()),
                    "a contact on a public page: {contact}"
                );
            }
        }
    }
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_and_mail_speaks_the_language() {
    let app = TestApp::demo_with(vmeste_web::WebSettings {
        rate_limits: vmeste_web::RateLimits {
            signup_per_hour: 1,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let mut browser = Browser::new(&app);
    browser.cookies.push_str("; lang=en");
    let first = browser
        .post(
            "/signup",
            &[
                ("name", "Ann"),
                ("email", "ann@example.org"),
                ("password", "spring in the lakes"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let mail = outbox(&app).await.pop().unwrap();
    assert_eq!(mail.subject, "Confirm your e-mail address");
    let second = browser
        .post(
            "/signup",
            &[
                ("name", "Bob"),
                ("email", "bob@example.org"),
                ("password", "summer in the lakes"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!second.header(header::RETRY_AFTER).is_empty());
    assert!(
        second.body.contains("bob@example.org"),
        "typed input is kept"
    );
}

#[tokio::test]
async fn staff_choose_how_case_news_reach_them_by_mail_residents_do_not_see_it() {
    let app = TestApp::demo().await;
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = executor.get("/account").await.body;
    assert!(page.contains("Письма о работе с сообщениями"));
    assert!(
        page.contains(r#"value="digest" checked"#),
        "the digest by default"
    );
    let saved = executor
        .post(
            "/account",
            &[
                ("name", "Исполнитель"),
                ("locale", "ru"),
                ("staff_mail", "each"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        executor
            .get("/account")
            .await
            .body
            .contains(r#"value="each" checked"#)
    );
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    assert!(
        !resident
            .get("/account")
            .await
            .body
            .contains("Письма о работе с сообщениями")
    );
}
