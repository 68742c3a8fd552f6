use axum::http::{StatusCode, header};

use crate::common::{Reply, TestApp, csrf_field, first_topic_and_territory};

/// The CSRF cookie and token of a form page.
async fn csrf(app: &TestApp, path: &str) -> (String, String) {
    let page = app.get(path).await;
    let cookie = page
        .header(header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (cookie, csrf_field(&page.body))
}

async fn post(app: &TestApp, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Reply {
    app.post_form(path, Some(cookies), fields).await
}

async fn get_as(app: &TestApp, path: &str, cookies: &str) -> Reply {
    app.get_with(path, cookies).await
}

/// Signs in and returns the session cookie.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> Result<String, Reply> {
    let (cookie, token) = csrf(app, "/login").await;
    let reply = post(
        app,
        "/login",
        &cookie,
        &[("csrf", &token), ("email", email), ("password", password)],
    )
    .await;
    if reply.status != StatusCode::SEE_OTHER {
        return Err(reply);
    }
    let set = reply.header(header::SET_COOKIE).to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    Ok(format!("{cookie}; {}", set.split(';').next().unwrap()))
}

#[tokio::test]
async fn a_demo_account_signs_in_and_out() {
    let app = TestApp::demo().await;
    let cookies = sign_in(&app, "Moderator@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let home = get_as(&app, "/", &cookies).await;
    assert!(
        home.body.contains("Ольга Модератова"),
        "the header names the user"
    );
    let logout = get_as(&app, "/logout", &cookies).await;
    let token = csrf_field(&logout.body);
    let out = post(&app, "/logout", &cookies, &[("csrf", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header(header::SET_COOKIE).contains("Max-Age=0"));
    // The old cookie no longer opens a session, even if the browser kept it.
    let after = get_as(&app, "/", &cookies).await;
    assert!(!after.body.contains("Ольга Модератова"));
    assert!(after.body.contains("href=\"/login\""));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_is_refused_alike() {
    let app = TestApp::demo().await;
    let wrong = sign_in(&app, "moderator@demo.vmeste.example", "nope")
        .await
        .unwrap_err();
    let unknown = sign_in(&app, "nobody@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap_err();
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(
            reply
                .body
                .contains("Неверная электронная почта или пароль.")
        );
    }
    assert!(
        wrong
            .body
            .contains("value=\"moderator@demo.vmeste.example\""),
        "the e-mail is kept"
    );
    let resident_without_password = sign_in(&app, "resident1@demo.vmeste.example", "")
        .await
        .unwrap_err();
    assert_eq!(resident_without_password.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_needs_the_csrf_token() {
    let app = TestApp::demo().await;
    let (cookie, _) = csrf(&app, "/login").await;
    let reply = post(
        &app,
        "/login",
        &cookie,
        &[
            ("csrf", &"0".repeat(64)),
            ("email", "moderator@demo.vmeste.example"),
            ("password", "vmeste-demo"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply.header(header::SET_COOKIE).is_empty()
            || !reply.header(header::SET_COOKIE).contains("vmeste_session")
    );
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let app = TestApp::demo().await;
    let cookies = sign_in(&app, "executor@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let name = "Василий Исполнителев";
    // Used every 7 hours: the idle limit (8 h) never strikes...
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::hours(7));
        assert!(get_as(&app, "/", &cookies).await.body.contains(name));
    }
    // ...but 9 idle hours do.
    app.clock.advance(chrono::Duration::hours(9));
    assert!(!get_as(&app, "/", &cookies).await.body.contains(name));
    // A fresh session used often still ends after 14 days.
    let cookies = sign_in(&app, "executor@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    for _ in 0..(14 * 24 / 7) {
        app.clock.advance(chrono::Duration::hours(7));
        get_as(&app, "/", &cookies).await;
    }
    app.clock.advance(chrono::Duration::hours(7));
    assert!(!get_as(&app, "/", &cookies).await.body.contains(name));
}

#[tokio::test]
async fn a_signed_in_resident_is_the_author_of_a_report() {
    let app = TestApp::demo().await;
    let cookies = sign_in(&app, "resident@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let form = get_as(&app, "/report", &cookies).await;
    let token = csrf_field(&form.body);
    let (topic, territory) = first_topic_and_territory(&form.body);
    let reply = post(
        &app,
        "/report",
        &cookies,
        &[
            ("csrf", &token),
            ("topic_id", &topic),
            ("text", "Сломан бордюр у школы, дети спотыкаются"),
            ("territory_id", &territory),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id: i64 = reply
        .header(header::LOCATION)
        .trim_start_matches("/messages/")
        .parse()
        .unwrap();
    let mut handle = app.test.db.read().await.unwrap();
    let author: Option<i64> = vmeste_db::Sql::new("SELECT author_id FROM messages WHERE id = $1")
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    let resident = vmeste_db::users::by_email(&mut handle.conn(), "resident@demo.vmeste.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(author, Some(resident.id));
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_user() {
    let app = TestApp::demo().await;
    let phone = sign_in(&app, "head@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let laptop = sign_in(&app, "head@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let other = sign_in(&app, "executor@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap();
    let page = get_as(&app, "/logout", &laptop).await;
    let token = csrf_field(&page.body);
    let out = post(
        &app,
        "/logout",
        &laptop,
        &[("csrf", &token), ("everywhere", "1")],
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        !get_as(&app, "/", &phone)
            .await
            .body
            .contains("Николай Начальников")
    );
    assert!(
        get_as(&app, "/", &other)
            .await
            .body
            .contains("Василий Исполнителев"),
        "other users stay signed in"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_growing_while() {
    // More attempts than the per-client rate limit allows: lift it to see the lock alone.
    let limits = vmeste_web::RateLimits {
        login_per_minute: 100,
        login_per_account_per_minute: 100,
        ..Default::default()
    };
    let app = TestApp::demo_with(vmeste_web::WebSettings {
        rate_limits: limits,
        ..Default::default()
    })
    .await;
    let email = "operator@demo.vmeste.example";
    for _ in 0..vmeste_db::users::FREE_ATTEMPTS {
        assert!(sign_in(&app, email, "wrong").await.is_err());
    }
    // Locked: even the right password is refused, with the same answer as a wrong one.
    let locked = sign_in(&app, email, "vmeste-demo").await.unwrap_err();
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert!(
        locked
            .body
            .contains("Неверная электронная почта или пароль.")
    );
    app.clock.advance(chrono::Duration::seconds(61));
    assert!(
        sign_in(&app, email, "vmeste-demo").await.is_ok(),
        "the first lock lasts a minute"
    );
    // Success cleared the count: four more failures do not lock.
    for _ in 0..vmeste_db::users::FREE_ATTEMPTS - 1 {
        assert!(sign_in(&app, email, "wrong").await.is_err());
    }
    assert!(sign_in(&app, email, "vmeste-demo").await.is_ok());
}

#[test]
fn the_lock_doubles_up_to_an_hour() {
    use vmeste_db::users::{FREE_ATTEMPTS, lockout};
    assert_eq!(lockout(FREE_ATTEMPTS), chrono::Duration::minutes(1));
    assert_eq!(lockout(FREE_ATTEMPTS + 1), chrono::Duration::minutes(2));
    assert_eq!(lockout(FREE_ATTEMPTS + 3), chrono::Duration::minutes(8));
    assert_eq!(lockout(FREE_ATTEMPTS + 30), chrono::Duration::minutes(60));
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_and_the_form_keeps_the_email() {
    let app = TestApp::demo().await;
    let limit = vmeste_web::RateLimits::default().login_per_minute;
    for _ in 0..limit {
        let _ = sign_in(&app, "nobody@demo.vmeste.example", "x").await;
    }
    let refused = sign_in(&app, "moderator@demo.vmeste.example", "vmeste-demo")
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!refused.header(header::RETRY_AFTER).is_empty());
    assert!(
        refused
            .body
            .contains("value=\"moderator@demo.vmeste.example\"")
    );
}
