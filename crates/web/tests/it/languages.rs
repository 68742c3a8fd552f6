//! Russian first, English second: the language comes from the switcher's
//! cookie, the account at sign-in, or `Accept-Language`; plurals agree.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::accounts::Browser;
use crate::common::TestApp;

fn lang_of(html: &str) -> &str {
    html.split("<html lang=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
}

async fn get(
    app: &TestApp,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> crate::common::Reply {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn pages_speak_russian_unless_the_browser_or_the_person_asks_for_english() {
    let app = TestApp::demo().await;
    let plain = app.get("/").await.body;
    assert_eq!(lang_of(&plain), "ru");
    assert!(plain.contains(">Сообщить о проблеме<"));

    let english = get(
        &app,
        "/report",
        &[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")],
    )
    .await;
    assert_eq!(lang_of(&english.body), "en");
    assert!(english.body.contains(">Report a problem<"));
    assert!(english.body.contains("Describe the problem"));
    assert!(!english.body.contains("Опишите проблему"));
    // Catalogue names come in the page's language too.
    assert!(english.body.contains("<optgroup label=\""));

    // The switcher remembers the choice and goes back where it was pressed.
    let switched = get(
        &app,
        "/lang/en",
        &[
            (
                header::REFERER,
                "http://localhost/messages?q=%D1%8F%D0%BC%D0%B0",
            ),
            (header::HOST, "localhost"),
        ],
    )
    .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(
        switched.header(header::LOCATION),
        "/messages?q=%D1%8F%D0%BC%D0%B0"
    );
    assert!(switched.header(header::SET_COOKIE).starts_with("lang=en;"));
    // Another site's page is not where it goes back to.
    let elsewhere = get(
        &app,
        "/lang/en",
        &[
            (header::REFERER, "https://evil.example/x"),
            (header::HOST, "localhost"),
        ],
    )
    .await;
    assert_eq!(elsewhere.header(header::LOCATION), "/");
    assert_eq!(app.get("/lang/de").await.status, StatusCode::NOT_FOUND);

    // The cookie outranks the browser's header.
    let chosen = get(
        &app,
        "/statistics",
        &[(header::COOKIE, "lang=ru"), (header::ACCEPT_LANGUAGE, "en")],
    )
    .await;
    assert_eq!(lang_of(&chosen.body), "ru");
    let chosen = get(&app, "/statistics", &[(header::COOKIE, "lang=en")]).await;
    assert!(chosen.body.contains("Received and answered by month"));
    assert!(chosen.body.contains("<h2 id=\"by-month\">By month</h2>"));
}

#[tokio::test]
async fn signing_in_takes_the_accounts_language_and_errors_speak_it() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let saved = resident
        .post("/account", &[("name", "Житель"), ("locale", "en")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.header(header::SET_COOKIE).starts_with("lang=en;"));

    // A fresh browser signing in gets the account's language.
    let mut again = Browser::new(&app);
    let reply = again
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let cookies: Vec<&str> = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=en;")),
        "{cookies:?}"
    );

    // The report form's errors, in English.
    again.cookies.push_str("; lang=en");
    let refused = again
        .post_multipart("/report", &[("step", "preview"), ("text", "short")], &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Too short: at least 10 characters."),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Choose a topic from the catalogue.")
            || refused.body.contains("This field is required.")
    );
}

#[tokio::test]
async fn counts_take_the_russian_plural_forms() {
    let app = TestApp::demo().await;
    let page = app.get("/statistics").await.body;
    let received = page
        .split("<dd>")
        .nth(1)
        .unwrap()
        .split("</dd>")
        .next()
        .unwrap()
        .to_owned();
    let n: i64 = received.split_whitespace().next().unwrap().parse().unwrap();
    let expected = match (n % 100, n % 10) {
        (11..=14, _) => "сообщений",
        (_, 1) => "сообщение",
        (_, 2..=4) => "сообщения",
        _ => "сообщений",
    };
    assert_eq!(received, format!("{n} {expected}"));
}
