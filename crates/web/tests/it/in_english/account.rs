//! The account and sign-in pages in English: the account page and the roles
//! on it, the second factor, deletion, signing out, password reset,
//! invitations, the e-mail link, the identity provider's failures and the
//! error page. An English page shows no Russian word but the switcher's
//! «Русский», so no text can slip back into Russian unnoticed.

use axum::http::{StatusCode, header};
use vmeste_domain::clock::Clock;
use vmeste_web::WebSettings;
use vmeste_web::oidc::OidcSettings;

use crate::accounts::{Browser, link_path, org_id, outbox};
use crate::common::{Reply, TestApp};

const PASSWORD: &str = "vmeste-demo";

/// The words of a page that contain Cyrillic letters, besides the name of
/// Russian in the language choices.
fn russian_in(html: &str) -> Vec<&str> {
    html.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| w.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)))
        .filter(|w| *w != "Русский")
        .collect()
}

/// Asserts that a page has each piece of HTML and no Russian.
fn english(reply: &Reply, texts: &[&str]) {
    for text in texts {
        assert!(reply.body.contains(text), "no «{text}» in {}", reply.body);
    }
    let russian = russian_in(&reply.body);
    assert!(russian.is_empty(), "Russian {russian:?} in {}", reply.body);
}

/// A signed-in browser asking for English, its account renamed so that
/// the page's header carries no Russian name.
async fn in_english<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = super::signed_in(app, email).await;
    let renamed = browser
        .post("/account", &[("name", "Alex Smith"), ("locale", "en")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    browser
}

fn english_browser(app: &TestApp) -> Browser<'_> {
    let mut browser = Browser::new(app);
    browser.cookies.push_str("; lang=en");
    browser
}

#[tokio::test]
async fn the_account_page_and_its_errors_speak_english() {
    let app = TestApp::demo().await;
    let mut resident = in_english(&app, "resident@demo.vmeste.example").await;
    let page = resident.get("/account?saved=1").await;
    assert_eq!(page.status, StatusCode::OK);
    english(
        &page,
        &[
            "<h1>Your account</h1>",
            "Changes saved.",
            "<h2>E-mail</h2>",
            "<h2>Profile</h2>",
            ">Phone (optional)</label>",
            "Language of the site and e-mails",
            "<legend>Notices by e-mail</legend>",
            "progress and answers</label>",
            "<h2>Security</h2>",
            "Signing in with an app code",
            "Sign out on all devices",
            "Delete the account",
        ],
    );

    let refused = resident
        .post(
            "/account",
            &[("name", " "), ("phone", "call me"), ("locale", "en")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &refused,
        &[
            "Give a name of at most 100 characters.",
            "Enter the phone number in digits, for example +7 912 345-67-89.",
            r#"value="call me""#,
        ],
    );
}

#[tokio::test]
async fn staff_see_their_roles_and_pages_in_english() {
    let app = TestApp::demo().await;
    let admin = in_english(&app, "admin@demo.vmeste.example").await;
    english(
        &admin.get("/account").await,
        &[
            "<h2>Roles</h2>",
            "<li>Platform administrator · ",
            ">Inbox</a>",
            ">Routing rules</a>",
            ">Working-day calendar</a>",
            ">Audit log</a>",
            ">The region",
            "<legend>E-mails about case work</legend>",
            "in one digest a day",
            "an e-mail for each event",
        ],
    );
    let org_admin = in_english(&app, "orgadmin@demo.vmeste.example").await;
    english(
        &org_admin.get("/account").await,
        &[
            "<li>Organisation administrator, ",
            " and those below it · ",
            ">Staff</a>",
            ">API keys</a>",
            ">Webhooks</a>",
        ],
    );
    let moderator = in_english(&app, "moderator@demo.vmeste.example").await;
    english(
        &moderator.get("/account").await,
        &["<li>Moderator, ", ">Moderation</a>"],
    );
}

#[tokio::test]
async fn the_second_factor_speaks_english_when_set_up_and_at_sign_in() {
    let app = TestApp::demo().await;
    let email = "operator@demo.vmeste.example";
    let mut operator = in_english(&app, email).await;
    let setup = operator.get("/account/security?required=1").await;
    english(
        &setup,
        &[
            "<h1>Signing in with an app code</h1>",
            "Platform staff need a second factor.",
            "Key: <code",
            "Open in the app",
            "Code from the app",
            ">Turn on<",
        ],
    );
    let wrong = operator
        .post("/account/security/totp", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &wrong,
        &["Wrong code. Enter the 6 digits the app shows now."],
    );

    let secret = setup
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let code = vmeste_web::second_factor::code_at(&secret, app.clock.now()).unwrap();
    let on = operator
        .post("/account/security/totp", &[("code", &code)])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    english(
        &operator.get("/account/security").await,
        &[
            "The second factor is on",
            "Current code, to turn it off",
            ">Turn off<",
        ],
    );

    app.clock.advance(chrono::Duration::minutes(1));
    let mut next = english_browser(&app);
    next.sign_in(email, PASSWORD).await;
    english(
        &next.get("/login/second-factor?next=%2Faccount").await,
        &[
            "<h1>Confirmation code</h1>",
            "Enter the 6 digits from your authenticator app.",
            ">Code</label>",
            ">Sign in</button>",
        ],
    );
    let bad = next
        .post("/login/second-factor", &[("code", "123456")])
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    english(&bad, &["Wrong code. Enter the 6 digits the app shows now."]);
}

#[tokio::test]
async fn deleting_the_account_and_signing_out_speak_english() {
    let app = TestApp::demo().await;
    let mut resident = in_english(&app, "resident@demo.vmeste.example").await;
    english(
        &resident.get("/logout").await,
        &[
            "<h1>Sign out?</h1>",
            "Sign out on all devices",
            ">Cancel</a>",
        ],
    );
    english(
        &resident.get("/account/delete").await,
        &[
            "<h1>Deleting the account</h1>",
            "Deletion cannot be undone.",
            ">Password, to confirm</label>",
            "I understand that deletion cannot be undone",
            ">Delete the account</button>",
        ],
    );
    let refused = resident
        .post("/account/delete", &[("password", "not it")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &refused,
        &[
            "Tick the box to confirm that deletion cannot be undone.",
            "Wrong password.",
        ],
    );
    let gone = resident
        .post(
            "/account/delete",
            &[("password", PASSWORD), ("confirm", "1")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK);
    english(
        &gone,
        &[
            "<h1>Account deleted</h1>",
            "Your personal data has been deleted.",
            ">Go to the home page</a>",
        ],
    );
    let missing = english_browser(&app).get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    english(&missing, &[">Go to the home page</a>"]);
}

#[tokio::test]
async fn password_reset_speaks_english_from_the_request_to_the_new_password() {
    let app = TestApp::demo().await;
    let email = "resident@demo.vmeste.example";
    let mut browser = english_browser(&app);
    english(
        &browser.get("/password/forgot").await,
        &[
            "<h1>Reset your password</h1>",
            ">E-mail</label>",
            ">Send the link</button>",
        ],
    );
    let stale = app
        .post_form(
            "/password/forgot",
            Some(&browser.cookies),
            &[("csrf", "stale"), ("email", "kept@example.org")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    english(
        &stale,
        &[
            "The form has expired or is open in another window.",
            "kept@example.org",
        ],
    );
    let invalid = browser
        .post("/password/forgot", &[("email", "not an address")])
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &invalid,
        &[
            "Enter an e-mail address, for example ivan@example.org.",
            r#"value="not an address""#,
        ],
    );
    let sent = browser.post("/password/forgot", &[("email", email)]).await;
    english(
        &sent,
        &[
            "<h1>Check your e-mail</h1>",
            "If this address is registered",
        ],
    );

    let link = link_path(&outbox(&app).await[0]);
    english(
        &browser.get(&link).await,
        &[
            "<h1>New password</h1>",
            ">New password (at least 10 characters)</label>",
            ">Save the password</button>",
        ],
    );
    let weak = browser.post(&link, &[("password", "short")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &weak,
        &["The password must be at least 10 characters long."],
    );
    let changed = browser
        .post(&link, &[("password", "a long new password")])
        .await;
    english(
        &changed,
        &[
            "<h1>Password changed</h1>",
            "Sign in with the new password.",
        ],
    );
    let dead = browser.get(&link).await;
    assert_eq!(dead.status, StatusCode::GONE);
    english(
        &dead,
        &["<h1>The link no longer works</h1>", ">Ask for a link</a>"],
    );

    let limit = vmeste_web::RateLimits::default().reset_per_account_per_hour;
    for _ in 1..limit {
        browser.post("/password/forgot", &[("email", email)]).await;
    }
    let limited = browser.post("/password/forgot", &[("email", email)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    english(&limited, &["Too many requests. Try again later", email]);
}

#[tokio::test]
async fn invitations_and_the_email_link_speak_english() {
    let app = TestApp::demo().await;
    let roads = org_id(&app, "city-roads").await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("orgadmin@demo.vmeste.example", PASSWORD)
        .await;
    let path = format!("/org/{roads}/invites");
    for email in ["new@roads.example", "resident@demo.vmeste.example"] {
        let sent = admin
            .post(&path, &[("email", email), ("role", "executor")])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let mails = outbox(&app).await;
    let link_to = |to: &str| link_path(mails.iter().find(|m| m.to == to).unwrap());

    let mut invited = english_browser(&app);
    let new_account = link_to("new@roads.example");
    english(
        &invited.get(&new_account).await,
        &[
            "<h1>Invitation: create your account</h1>",
            ">Your name</label>",
            ">Accept the invitation</button>",
        ],
    );
    let refused = invited
        .post(&new_account, &[("name", ""), ("password", "short")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    english(
        &refused,
        &[
            "Give a name of at most 100 characters.",
            "The password must be at least 10 characters long.",
        ],
    );
    let accepted = invited
        .post(
            &new_account,
            &[("name", "Nick New"), ("password", "a road password")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    // The account keeps the language it was made in.
    assert!(
        accepted
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("lang=en;"))
    );
    english(&invited.get("/account").await, &["<li>Executor, "]);
    let used = invited.get(&new_account).await;
    assert_eq!(used.status, StatusCode::GONE);
    english(&used, &["<h1>The invitation no longer works</h1>"]);

    let resident = in_english(&app, "resident@demo.vmeste.example").await;
    english(
        &resident.get(&link_to("resident@demo.vmeste.example")).await,
        &[
            "<h1>Invitation</h1>",
            "Role for resident@demo.vmeste.example",
            ">Accept the role</button>",
        ],
    );

    let dead = english_browser(&app).get("/confirm/no-such-token").await;
    assert_eq!(dead.status, StatusCode::GONE);
    english(
        &dead,
        &[
            "<h1>The link no longer works</h1>",
            "ask for a new letter on your account page",
            ">Go to your account</a>",
        ],
    );
}

#[tokio::test]
async fn a_failed_sign_in_through_the_provider_speaks_english() {
    let app = TestApp::demo_with(WebSettings {
        oidc: Some(OidcSettings {
            display_name: "Gosuslugi".into(),
            // Nothing listens there: the provider is down.
            issuer: "http://127.0.0.1:9".into(),
            client_id: "vmeste".into(),
            client_secret: "secret".into(),
            scopes: vec!["email".into()],
            email_claim: "email".into(),
            email_verified_claim: "email_verified".into(),
            name_claim: "name".into(),
            redirect_url: "http://vmeste.test/login/oidc/callback".into(),
        }),
        ..WebSettings::default()
    })
    .await;
    let browser = english_browser(&app);
    let down = browser.get("/login/oidc").await;
    assert_eq!(down.status, StatusCode::BAD_REQUEST);
    english(
        &down,
        &[
            "<h1>Could not sign in with Gosuslugi</h1>",
            "The sign-in service is unavailable right now.",
            "Try again, or sign in with your e-mail.",
            ">Back to sign-in</a>",
        ],
    );
    english(
        &browser
            .get("/login/oidc/callback?error=access_denied")
            .await,
        &["Sign-in was cancelled or not allowed."],
    );
}

#[tokio::test]
async fn without_the_cookie_the_pages_stay_russian() {
    let app = TestApp::demo().await;
    let mut browser = Browser::new(&app);
    let refused = browser
        .post("/password/forgot", &[("email", "not an address")])
        .await;
    assert!(refused.body.contains("<h1>Восстановление пароля</h1>"));
    assert!(
        refused
            .body
            .contains("Введите адрес электронной почты, например ivan@example.ru.")
    );
    browser
        .sign_in("orgadmin@demo.vmeste.example", PASSWORD)
        .await;
    let account = browser.get("/account?saved=1").await.body;
    for russian in [
        "<h1>Личный кабинет</h1>",
        "Изменения сохранены.",
        "<li>Администратор организации, ",
        " и подведомственные · ",
        ">Сотрудники</a>",
        "одной сводкой в день",
        ">Удалить учётную запись</a>",
    ] {
        assert!(account.contains(russian), "no «{russian}» in {account}");
    }
}
