use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::common::{TestApp, quoted_after};

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
    let css_href = quoted_after(&home.body, "href=\"/static/");
    let css = app.get(&format!("/static/{css_href}")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CACHE_CONTROL).contains("immutable"));
    assert_eq!(
        app.get("/static/app.css").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Static files come compressed at the best level, once, in the coding the
/// browser asked for; and decode to exactly the file.
#[tokio::test]
async fn assets_come_precompressed_in_the_coding_asked_for() {
    use std::io::Read;
    let app = TestApp::empty().await;
    let css = quoted_after(&app.get("/").await.body, "href=\"/static/");
    let fetch = |encoding: &'static str| {
        let uri = format!("/static/{css}");
        let app = &app;
        async move {
            app.send(
                Request::get(uri)
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let plain = fetch("identity").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(plain.header(header::VARY), "accept-encoding");
    assert!(plain.body.contains("font"));

    let br = fetch("gzip, deflate, br, zstd").await;
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    assert_eq!(br.header(header::VARY), "accept-encoding");
    assert!(br.header(header::CACHE_CONTROL).contains("immutable"));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br.bytes[..], 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain.bytes);
    // The best level, not the pages' fastest.
    let mut fastest = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 1,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &plain.bytes[..], &mut fastest, &params).unwrap();
    assert!(
        br.bytes.len() < fastest.len() * 9 / 10,
        "{} against {}",
        br.bytes.len(),
        fastest.len()
    );

    let gzip = fetch("gzip;q=1, br;q=0").await;
    assert_eq!(gzip.header(header::CONTENT_ENCODING), "gzip");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gzip.bytes[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain.bytes);

    let widget = app
        .send(
            Request::get("/widget.js")
                .header(header::ACCEPT_ENCODING, "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(widget.header(header::CONTENT_ENCODING), "br");
    assert!(
        widget
            .header(header::CACHE_CONTROL)
            .contains("max-age=3600")
    );
}
