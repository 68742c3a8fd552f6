//! The report form's steps: a preview of what will be sent, a way back that
//! loses nothing (photos included), and a typed address as the place.

use axum::http::{StatusCode, header};
use vmeste_db::Sql;

use crate::accounts::Browser;
use crate::common::{TestApp, first_topic_and_territory};

const GPS_ROTATED: &[u8] = include_bytes!("../../../test-support/fixtures/gps-rotated.jpg");

/// Every value of a hidden field on a page, in order.
fn hidden(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(marker.as_str())
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn message_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn signed_in(app: &TestApp) -> Browser<'_> {
    let mut resident = Browser::new(app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    resident
}

#[tokio::test]
async fn a_typed_address_places_the_report_and_the_preview_shows_where_it_goes() {
    let app = TestApp::demo().await;
    let mut resident = signed_in(&app).await;
    let (topic, _) = first_topic_and_territory(&resident.get("/report").await.body);
    let text = "Во дворе не горит фонарь уже неделю";
    let preview = resident
        .post_multipart(
            "/report",
            &[
                ("step", "preview"),
                ("topic_id", &topic),
                ("text", text),
                // The register has «ул. Ленина, 10»; the town and «дом» are extra.
                ("address", "г. Приозёрск, улица Ленина, дом 10"),
            ],
            &[],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Проверьте сообщение"));
    assert!(
        preview
            .body
            .contains("Найден дом в реестре: ул. Ленина, 10.")
    );
    assert!(preview.body.contains(text));
    let (lat, lon) = (hidden(&preview.body, "lat"), hidden(&preview.body, "lon"));
    assert!(
        !lat[0].is_empty() && !lon[0].is_empty(),
        "the house's point"
    );
    let nothing_filed: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM messages WHERE text = $1")
            .bind(text)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(nothing_filed, 0, "a preview files nothing");

    let carried: Vec<(&str, String)> = [
        "topic_id",
        "text",
        "address",
        "territory_id",
        "lat",
        "lon",
        "confirmed",
    ]
    .into_iter()
    .map(|name| (name, hidden(&preview.body, name).remove(0)))
    .collect();
    let fields = |step: &'static str| {
        let mut all: Vec<(&str, &str)> = carried.iter().map(|(n, v)| (*n, v.as_str())).collect();
        all.push(("step", step));
        all
    };
    let back = resident
        .post_multipart("/report", &fields("edit"), &[])
        .await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains(text) && back.body.contains("улица Ленина, дом 10"));
    assert!(back.body.contains(&format!("value=\"{}\"", lat[0])));

    let sent = resident
        .post_multipart("/report", &fields("send"), &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = message_id(sent.header(header::LOCATION));
    let (house, organisation): (Option<i64>, Option<String>) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT m.house_id, o.short_name_ru FROM messages m \
             LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.id = $1",
        )
        .bind(id)
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    assert!(house.is_some(), "the register's house is linked");
    let organisation = organisation.expect("routed");
    assert!(
        preview.body.contains(&organisation),
        "the preview named {organisation}"
    );
}

#[tokio::test]
async fn photos_are_kept_across_a_correction_and_go_with_the_message() {
    let app = TestApp::demo().await;
    let mut resident = signed_in(&app).await;
    let (topic, territory) = first_topic_and_territory(&resident.get("/report").await.body);
    let refused = resident
        .post_multipart(
            "/report",
            &[("step", "preview"), ("topic_id", &topic), ("text", "Яма")],
            &[("photos", "IMG_1.jpg", GPS_ROTATED)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let held = hidden(&refused.body, "held");
    assert_eq!(held.len(), 1, "the photo is held: {}", refused.body);
    assert!(
        refused
            .body
            .contains("Координаты взяты из геометки фотографии"),
        "the geotag was offered as the place"
    );
    let thumb = resident.get(&format!("/report/photos/{}", held[0])).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.header(header::CONTENT_TYPE), "image/jpeg");
    assert!(!thumb.body.contains("Exif"));
    // A name that is not one of ours points nowhere.
    assert_eq!(
        resident.get("/report/photos/..%2Fmessages").await.status,
        StatusCode::NOT_FOUND
    );

    let sent = resident
        .post_multipart(
            "/report",
            &[
                ("step", "send"),
                ("confirmed", "1"),
                ("topic_id", &topic),
                ("territory_id", &territory),
                ("text", "Глубокая яма на проезжей части у дома"),
                ("held", &held[0]),
                ("held", "../../etc/passwd"),
            ],
            &[],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = message_id(sent.header(header::LOCATION));
    let photos: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM attachments WHERE message_id = $1 AND purpose = 'photo'")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(photos, 1);
    assert_eq!(
        resident
            .get(&format!("/report/photos/{}", held[0]))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the draft is gone once sent"
    );
}

#[tokio::test]
async fn a_held_photo_can_be_removed_and_no_more_than_five_are_held() {
    let app = TestApp::demo().await;
    let mut resident = signed_in(&app).await;
    let five: Vec<(&str, &str, &[u8])> = (0..5).map(|_| ("photos", "p.jpg", GPS_ROTATED)).collect();
    let first = resident
        .post_multipart("/report", &[("step", "edit")], &five)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let held = hidden(&first.body, "held");
    assert_eq!(held.len(), 5);
    let mut fields: Vec<(&str, &str)> = held.iter().map(|h| ("held", h.as_str())).collect();
    fields.push(("step", "edit"));
    let sixth = resident
        .post_multipart("/report", &fields, &[("photos", "6.jpg", GPS_ROTATED)])
        .await;
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        hidden(&sixth.body, "held").len(),
        5,
        "none of the five lost"
    );

    fields.push(("remove", held[2].as_str()));
    let fewer = resident.post_multipart("/report", &fields, &[]).await;
    assert_eq!(fewer.status, StatusCode::OK);
    let left = hidden(&fewer.body, "held");
    assert_eq!(left.len(), 4);
    assert!(!left.contains(&held[2]));
    assert_eq!(
        resident
            .get(&format!("/report/photos/{}", held[2]))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_address_the_register_does_not_know_asks_for_another_place() {
    let app = TestApp::demo().await;
    let mut resident = signed_in(&app).await;
    let (topic, _) = first_topic_and_territory(&resident.get("/report").await.body);
    let reply = resident
        .post_multipart(
            "/report",
            &[
                ("step", "preview"),
                ("topic_id", &topic),
                ("text", "Не вывозят мусор третью неделю"),
                ("address", "ул. Несуществующая, 999"),
            ],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("ул. Несуществующая, 999"), "kept");
    assert!(
        reply
            .body
            .contains("Адреса «ул. Несуществующая, 999» нет в реестре домов"),
        "{}",
        reply.body
    );
}
