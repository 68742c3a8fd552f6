//! Sign-in through a real OpenID Connect provider (panva's oidc-provider,
//! started by the test): authorization code with PKCE, state and nonce, and
//! linking by verified e-mail or by subject.

use axum::http::{StatusCode, header};
use vmeste_test_support::oidc::{OidcAccount, OidcProvider};
use vmeste_web::WebSettings;
use vmeste_web::oidc::OidcSettings;

use crate::common::{Reply, TestApp};

const SITE: &str = "http://vmeste.test";

fn settings(provider: &OidcProvider) -> WebSettings {
    WebSettings {
        public_url: SITE.into(),
        oidc: Some(OidcSettings {
            display_name: "Госуслуги".into(),
            issuer: provider.issuer.clone(),
            client_id: provider.client_id.clone(),
            client_secret: provider.client_secret.clone(),
            scopes: vec!["email".into(), "profile".into()],
            email_claim: "email".into(),
            email_verified_claim: "email_verified".into(),
            name_claim: "name".into(),
            redirect_url: format!("{SITE}/login/oidc/callback"),
        }),
        ..WebSettings::default()
    }
}

fn start(account: &OidcAccount<'_>) -> OidcProvider {
    OidcProvider::start(&format!("{SITE}/login/oidc/callback"), account)
}

fn cookie_pair(reply: &Reply, name: &str) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

/// Goes to the provider as a browser would and comes back with the callback path.
async fn through_provider(provider: &OidcProvider, start: &str) -> String {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = start.to_string();
    for _ in 0..10 {
        let reply = browser.get(&url).send().await.unwrap();
        let location = reply
            .headers()
            .get("location")
            .unwrap_or_else(|| panic!("{} without a redirect at {url}", reply.status()))
            .to_str()
            .unwrap()
            .to_string();
        if let Some(path) = location.strip_prefix(SITE) {
            return path.to_string();
        }
        url = if location.starts_with('/') {
            format!("{}{location}", provider.issuer)
        } else {
            location
        };
    }
    panic!("the provider never sent the browser back");
}

/// Starts a sign-in at our site: the provider's URL and our state cookie.
async fn begin(app: &TestApp) -> (String, String) {
    let started = app.get("/login/oidc").await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let location = started.header(header::LOCATION).to_string();
    assert!(
        location.contains("code_challenge_method=S256"),
        "{location}"
    );
    assert!(location.contains("nonce="), "{location}");
    (location, cookie_pair(&started, "vmeste_oidc"))
}

#[tokio::test]
async fn a_verified_email_links_the_existing_account() {
    let provider = start(&OidcAccount {
        sub: "esia-1001",
        email: "resident@demo.vmeste.example",
        email_verified: true,
        name: "Мария Жителева",
    });
    let app = TestApp::demo_with(settings(&provider)).await;
    assert!(
        app.get("/login")
            .await
            .body
            .contains("Войти через Госуслуги")
    );
    let (location, state) = begin(&app).await;
    let callback = through_provider(&provider, &location).await;
    assert!(
        callback.starts_with("/login/oidc/callback?code="),
        "{callback}"
    );

    // Without the browser's state cookie the callback is refused.
    let foreign = app.get(&callback).await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST);

    let done = app.get_with(&callback, &state).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let session = cookie_pair(&done, "vmeste_session");
    let account = app.get_with("/account", &session).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("resident@demo.vmeste.example"));

    // A state is good once.
    assert_eq!(
        app.get_with(&callback, &state).await.status,
        StatusCode::BAD_REQUEST
    );

    // The next sign-in finds the account by subject.
    let (location, state) = begin(&app).await;
    let callback = through_provider(&provider, &location).await;
    let again = app.get_with(&callback, &state).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let mut handle = app.test.db.read().await.unwrap();
    let links: i64 = vmeste_db::Sql::new("SELECT COUNT(*) FROM user_identities WHERE subject = $1")
        .bind("esia-1001")
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(links, 1);
}

#[tokio::test]
async fn an_unverified_email_never_takes_over_an_account() {
    let provider = start(&OidcAccount {
        sub: "esia-2002",
        email: "resident@demo.vmeste.example",
        email_verified: false,
        name: "Кто-то Другой",
    });
    let app = TestApp::demo_with(settings(&provider)).await;
    let (location, state) = begin(&app).await;
    let callback = through_provider(&provider, &location).await;
    let done = app.get_with(&callback, &state).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let account = app
        .get_with("/account", &cookie_pair(&done, "vmeste_session"))
        .await;
    assert!(account.body.contains("Кто-то Другой"));
    assert!(!account.body.contains("resident@demo.vmeste.example"));
}

#[tokio::test]
async fn a_new_person_gets_a_confirmed_resident_account() {
    let provider = start(&OidcAccount {
        sub: "esia-3003",
        email: "new.person@example.org",
        email_verified: true,
        name: "Новый Житель",
    });
    let app = TestApp::demo_with(settings(&provider)).await;
    let (location, state) = begin(&app).await;
    let callback = through_provider(&provider, &location).await;
    let done = app.get_with(&callback, &state).await;
    let account = app
        .get_with("/account", &cookie_pair(&done, "vmeste_session"))
        .await;
    assert!(
        account
            .body
            .contains("new.person@example.org — подтверждена"),
        "{}",
        account.body
    );
}

#[tokio::test]
async fn a_tampered_code_is_refused() {
    let provider = start(&OidcAccount {
        sub: "esia-4004",
        email: "x@example.org",
        email_verified: true,
        name: "Икс",
    });
    let app = TestApp::demo_with(settings(&provider)).await;
    let (location, state) = begin(&app).await;
    let callback = through_provider(&provider, &location).await;
    let tampered = callback.replace("code=", "code=x");
    let refused = app.get_with(&tampered, &state).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.header(header::SET_COOKIE).is_empty()
            || !refused
                .header(header::SET_COOKIE)
                .contains("vmeste_session")
    );
}
