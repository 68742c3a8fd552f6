//! The data platform administrators keep: the register of houses and their
//! management companies, and corrections of the production calendar.

use axum::http::StatusCode;
use vmeste_db::Sql;

use crate::accounts::Browser;
use crate::common::TestApp;

async fn id_of(app: &TestApp, sql: &str, key: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new(sql)
        .bind(key)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

/// The resident reports on a management company's topic at `address` in the
/// city centre; the organisation the message went to, and its routing note.
async fn report_at(app: &TestApp, resident: &mut Browser<'_>, address: &str) -> (String, String) {
    let topic = id_of(
        app,
        "SELECT MIN(id) FROM topics WHERE responsible = $1",
        "management_company",
    )
    .await;
    let centre = id_of(
        app,
        "SELECT id FROM territories WHERE slug = $1",
        "city-centre",
    )
    .await;
    let sent = resident
        .post(
            "/report",
            &[
                ("topic_id", &topic.to_string()),
                ("text", "В подъезде третий месяц не работает освещение"),
                ("address", address),
                ("territory_id", &centre.to_string()),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mut handle = app.test.db.read().await.unwrap();
    let row: (String, String) = Sql::new(
        "SELECT o.slug, m.routing_note FROM messages m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.id = (SELECT MAX(id) FROM messages)",
    )
    .fetch_one(&mut handle.conn())
    .await
    .unwrap();
    row
}

#[tokio::test]
async fn a_registered_house_goes_to_its_own_management_company() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    // The demo register hands two houses of the centre to the northern company.
    let (org, note) = report_at(&app, &mut resident, "улица Ленина, дом 10").await;
    assert_eq!(org, "uk-north");
    assert!(note.contains("ул. Ленина, 10"), "{note}");
    let (org, _) = report_at(&app, &mut resident, "ул. Ленина, 99").await;
    assert_eq!(
        org, "uk-centre",
        "a house outside the register: the district's rule"
    );

    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    let south = id_of(
        &app,
        "SELECT id FROM organisations WHERE slug = $1",
        "uk-south",
    )
    .await;
    let refused = admin
        .post(
            "/admin/houses",
            &[
                ("address", "ул. Гоголя, 1"),
                ("lat", "10"),
                ("lon", "10"),
                ("manager_id", &south.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("внутри региона"));
    assert!(
        refused.body.contains("value=\"ул. Гоголя, 1\""),
        "the typed address stays"
    );
    let added = admin
        .post(
            "/admin/houses",
            &[
                ("address", "ул. Гоголя, 1"),
                ("lat", "56.405"),
                ("lon", "42.99"),
                ("manager_id", &south.to_string()),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let duplicate = admin
        .post(
            "/admin/houses",
            &[
                ("address", "улица Гоголя, д. 1"),
                ("lat", "56.405"),
                ("lon", "42.99"),
                ("manager_id", &south.to_string()),
            ],
        )
        .await;
    assert!(duplicate.body.contains("уже есть в реестре"));
    let (org, _) = report_at(&app, &mut resident, "ул. Гоголя, д. 1").await;
    assert_eq!(org, "uk-south");

    // Staff of a company may not edit the register.
    let mut operator = Browser::new(&app);
    operator
        .sign_in("operator.uk@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(
        operator.get("/admin/houses").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn administrators_correct_the_production_calendar() {
    let app = TestApp::demo().await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = admin.get("/admin/calendar?year=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("01.01.2026"),
        "the shipped holidays are listed"
    );
    assert!(
        page.body
            .contains("Рабочих дней в году: <strong>247</strong>"),
        "{}",
        page.body
    );

    let bad = admin
        .post(
            "/admin/calendar",
            &[
                ("day", "31.02.2026"),
                ("kind", "holiday"),
                ("note", "День города"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("value=\"День города\""),
        "the typed note stays"
    );

    let set = admin
        .post(
            "/admin/calendar",
            &[
                ("day", "2026-09-14"),
                ("kind", "holiday"),
                ("note", "День города"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let page = admin.get("/admin/calendar?year=2026").await;
    assert!(page.body.contains("14.09.2026"));
    assert!(
        page.body
            .contains("Рабочих дней в году: <strong>246</strong>")
    );
    let removed = admin.post("/admin/calendar/2026-09-14/delete", &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/calendar?year=2026").await;
    assert!(
        page.body
            .contains("Рабочих дней в году: <strong>247</strong>")
    );

    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(
        moderator.get("/admin/calendar").await.status,
        StatusCode::FORBIDDEN
    );
}
