//! Photos on the report form: taken from the bytes, cleaned of EXIF, the
//! camera's position used as the place when none is given, refused with the
//! typed text kept when they are not photos.

use axum::http::{StatusCode, header};
use vmeste_db::Sql;

use crate::accounts::Browser;
use crate::common::{TestApp, first_topic_and_territory};

const GPS_ROTATED: &[u8] = include_bytes!("../../../test-support/fixtures/gps-rotated.jpg");

#[tokio::test]
async fn a_photo_with_a_camera_position_places_the_message_and_loses_its_exif() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let form = resident.get("/report").await.body;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let (topic, _) = first_topic_and_territory(&form);
    let sent = resident
        .post_multipart(
            "/report",
            &[
                ("topic_id", &topic),
                ("text", "Провал асфальта у остановки, фото приложено"),
            ],
            &[("photos", "IMG_2041.jpg", GPS_ROTATED)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id: i64 = sent
        .header(header::LOCATION)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (lat, lon, photo): (f64, f64, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT m.lat, m.lon, a.id FROM messages m JOIN attachments a ON a.message_id = m.id \
             WHERE m.id = $1 AND a.purpose = 'photo'",
        )
        .bind(id)
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    assert!(
        (lat - 56.4012).abs() < 1e-4 && (lon - 42.9876).abs() < 1e-4,
        "{lat} {lon}"
    );
    let page = resident.get(&format!("/messages/{id}")).await.body;
    assert!(page.contains(&format!("/photos/{photo}?size=thumb")));
    let served = resident.get(&format!("/photos/{photo}")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header(header::CONTENT_TYPE), "image/jpeg");
    assert!(!served.body.contains("Exif"), "no EXIF in what is served");
    // Not yet published: only its author (and handlers) see the photo.
    assert_eq!(
        app.get(&format!("/photos/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn what_is_not_a_photo_is_refused_with_the_typed_text_kept() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let form = resident.get("/report").await.body;
    let (topic, territory) = first_topic_and_territory(&form);
    let fields = [
        ("topic_id", topic.as_str()),
        ("territory_id", territory.as_str()),
        ("text", "Во дворе сломали скамейку"),
    ];
    for (name, bytes) in [
        ("photo.jpg", b"this is a text file, renamed".as_slice()),
        (
            "drawing.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#
                .as_slice(),
        ),
    ] {
        let refused = resident
            .post_multipart("/report", &fields, &[("photos", name, bytes)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            refused
                .body
                .contains(&format!("Файл «{name}» — не фотография"))
        );
        assert!(
            refused.body.contains("Во дворе сломали скамейку"),
            "typed text kept"
        );
    }
    let count: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM attachments")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(count, 0, "nothing stored");
}

#[tokio::test]
async fn a_sixty_megabyte_upload_is_refused_before_it_is_read() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let huge = vec![0xFFu8; 60 * 1024 * 1024];
    let refused = resident
        .post_multipart(
            "/report",
            &[("text", "…")],
            &[("photos", "huge.jpg", &huge)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(refused.body.contains("Слишком большие файлы"));

    // In the language of whoever sent it.
    resident.cookies.push_str("; lang=en");
    let refused = resident
        .post_multipart("/report", &[], &[("photos", "huge.jpg", &huge)])
        .await;
    assert!(refused.body.contains("files are too large"));

    // A body declared too large is refused before anything is read.
    for (lang, refusal) in [
        ("ru", "Слишком большой запрос."),
        ("en", "The request is too large."),
    ] {
        let declared = app
            .send(
                axum::http::Request::post("/report")
                    .header(axum::http::header::CONTENT_LENGTH, "70000000")
                    .header(axum::http::header::COOKIE, format!("lang={lang}"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(declared.body, refusal);
    }
}
