use axum::http::{StatusCode, header};

use crate::common::TestApp;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::empty().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    app.get("/api/v1/catalogue").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .header(header::CONTENT_TYPE)
            .starts_with("text/plain")
    );
    assert!(
        metrics.body.contains("vmeste_http_requests_total"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains(r#"route="/api/v1/catalogue""#),
        "{}",
        metrics.body
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::empty().await;
    app.test.db.close().await;
    assert_eq!(
        app.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn responses_carry_security_headers_and_assets_are_cached() {
    let app = TestApp::empty().await;
    let home = app.get("/").await;
    assert!(
        home.header(header::CONTENT_SECURITY_POLICY)
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(home.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let css_href = home
        .body
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let css = app.get(&format!("/static/{css_href}")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CACHE_CONTROL).contains("immutable"));
    assert_eq!(
        app.get("/static/app.css").await.status,
        StatusCode::NOT_FOUND
    );
}
