//! The real server on a real socket, driven like a browser without JavaScript.

use std::sync::Arc;

use tokio::sync::watch;
use vmeste::config::Config;
use vmeste_domain::clock::Clock;
use vmeste_test_support::{TestDb, fake_clock};

fn field<'a>(html: &'a str, marker: &str) -> &'a str {
    html.split(marker)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
}

#[tokio::test]
async fn the_report_form_works_end_to_end_over_http() {
    let test = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: test.url.clone(),
        data_dir: data.path().to_path_buf(),
        auto_migrate: Some(true),
        worker: true,
        ..Config::default()
    };
    // The demo loads by itself only into the embedded database; load it here for PostgreSQL too.
    vmeste_db::demo::load(
        &test.db,
        fake_clock().as_ref(),
        &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, shutdown) = watch::channel(false);
    let clock: Arc<dyn Clock> = fake_clock();
    let server =
        tokio::spawn(async move { vmeste::serve::run(&config, listener, clock, shutdown).await });

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = format!("http://{address}");
    let form = client.get(format!("{base}/report")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    let token = field(&html, "name=\"csrf\" value=\"").to_string();
    let topic = field(html.split("<optgroup").nth(1).unwrap(), "<option value=\"").to_string();
    let territory = field(
        html.split("id=\"territory_id\"")
            .nth(1)
            .unwrap()
            .split("</option>")
            .nth(1)
            .unwrap(),
        "value=\"",
    )
    .to_string();
    let reply = client
        .post(format!("{base}/report"))
        .form(&[
            ("csrf", token.as_str()),
            ("topic_id", &topic),
            ("text", "Во дворе не горит ни один фонарь, очень темно"),
            ("address", "ул. Садовая, д. 9"),
            ("territory_id", &territory),
        ])
        .send()
        .await
        .unwrap();
    // The client followed the 303 to the new message's page.
    assert_eq!(reply.status(), 200);
    assert!(
        reply.url().path().starts_with("/messages/"),
        "{}",
        reply.url()
    );
    let page = reply.text().await.unwrap();
    assert!(page.contains("На модерации"));
    assert!(page.contains("ул. Садовая, д. 9"));

    let health = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    stop.send(true).unwrap();
    server.await.unwrap().unwrap();
}
