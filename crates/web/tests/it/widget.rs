//! The «Сообщить о проблеме» widget: framed only by its organisation's sites,
//! the whole report flow inside it without any cookie, and the
//! administrator's page that lists the sites and makes the snippet.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use vmeste_db::Sql;
use vmeste_domain::clock::Clock;
use vmeste_web::WebSettings;

use crate::accounts::Browser;
use crate::common::{Reply, TestApp, csrf_field, first_topic_and_territory, multipart};

const GPS_ROTATED: &[u8] = include_bytes!("../../../test-support/fixtures/gps-rotated.jpg");

async fn org_id(app: &TestApp, slug: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new("SELECT id FROM organisations WHERE slug = $1")
        .bind(slug)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

async fn allow(app: &TestApp, org: i64, origin: &str) {
    let mut tx = app.test.db.write().await.unwrap();
    vmeste_db::widgets::add_origin(&mut tx.conn(), org, origin, 1, app.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The CSP's `frame-ancestors` of a reply.
fn ancestors(reply: &Reply) -> String {
    reply
        .header(header::CONTENT_SECURITY_POLICY)
        .split(';')
        .find_map(|d| d.trim().strip_prefix("frame-ancestors "))
        .unwrap_or_else(|| panic!("no frame-ancestors: {:?}", reply.headers))
        .to_owned()
}

/// Posts a widget form as a browser in a frame on another site does: no
/// cookie at all, and Fetch Metadata saying whose page sent it.
async fn widget_post(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
    fetch_site: &str,
) -> Reply {
    let (content_type, body) = multipart(fields, files);
    app.send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .header("sec-fetch-site", fetch_site)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn hidden(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(marker.as_str())
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_widget_is_framed_only_by_its_organisations_sites() {
    let settings = WebSettings {
        widget_origins: vec!["https://region.example".into()],
        ..WebSettings::default()
    };
    let app = TestApp::demo_with(settings).await;
    let city = org_id(&app, "city-admin").await;
    let roads = org_id(&app, "city-roads").await;
    allow(&app, city, "https://gov.example").await;

    let own = app.get(&format!("/widget?org={city}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        ancestors(&own),
        "https://gov.example https://region.example"
    );
    assert!(own.headers.get(header::X_FRAME_OPTIONS).is_none());
    // Every page of the widget's flow, the confirmation included.
    let sent = app
        .get(&format!("/widget/sent/1?org={city}&proof=00"))
        .await;
    assert_eq!(
        ancestors(&sent),
        "https://gov.example https://region.example"
    );

    // Another organisation's widget: only the region-wide site.
    let other = app.get(&format!("/widget?org={roads}")).await;
    assert_eq!(ancestors(&other), "https://region.example");
    assert_eq!(
        ancestors(&app.get("/widget").await),
        "https://region.example"
    );

    // Not the widget: never framed.
    for path in ["/report", "/", "/widget.js"] {
        let reply = app.get(path).await;
        assert_eq!(ancestors(&reply), "'none'", "{path}");
        assert_eq!(reply.header(header::X_FRAME_OPTIONS), "DENY", "{path}");
    }

    // Without the region-wide setting, an organisation without sites is framed by nobody.
    let plain = TestApp::demo().await;
    let roads = org_id(&plain, "city-roads").await;
    let refused = plain.get(&format!("/widget?org={roads}")).await;
    assert_eq!(ancestors(&refused), "'none'");
    assert_eq!(refused.header(header::X_FRAME_OPTIONS), "DENY");
}

#[tokio::test]
async fn a_report_with_a_photo_is_filed_inside_the_widget_without_cookies() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let (topic, territory) = first_topic_and_territory(&app.get("/report").await.body);

    let form = app
        .get(&format!("/widget?org={city}&topic={topic}&lang=en"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("<html lang=\"en\">"),
        "the asked language"
    );
    assert!(form.body.contains("class=\"embedded\""));
    assert!(
        !form.body.contains("<header class=\"site\">"),
        "no site header"
    );
    assert!(
        form.body.contains(&format!("value=\"{topic}\" selected")),
        "the topic preset"
    );
    let action = format!("action=\"/widget?org={city}&#38;lang=en\"");
    assert!(form.body.contains(&action), "posts back to the widget");
    assert!(form.body.contains("/static/widget-frame."));
    assert!(
        form.headers.get(header::SET_COOKIE).is_none(),
        "no cookie: none would reach a frame on another site"
    );
    let token = csrf_field(&form.body);

    let uri = format!("/widget?org={city}&lang=en");
    let text = "A deep pothole on the road by the school, cars swerve into the oncoming lane.";
    let preview = widget_post(
        &app,
        &uri,
        &[
            ("csrf", &token),
            ("step", "preview"),
            ("topic_id", &topic),
            ("text", text),
            ("territory_id", &territory),
        ],
        &[("photos", "IMG_1.jpg", GPS_ROTATED)],
        "same-origin",
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains(&action),
        "the preview posts to the widget too"
    );
    let held = hidden(&preview.body, "held");
    assert_eq!(held.len(), 1, "the photo is held: {}", preview.body);
    assert!(
        preview
            .body
            .contains(&format!("/report/photos/{}", held[0]))
    );

    let mut fields = hidden(&preview.body, "topic_id")
        .into_iter()
        .map(|v| ("topic_id", v))
        .collect::<Vec<_>>();
    for name in [
        "text",
        "lat",
        "lon",
        "territory_id",
        "address",
        "confirmed",
        "held",
    ] {
        fields.extend(hidden(&preview.body, name).into_iter().map(|v| (name, v)));
    }
    fields.push(("csrf", csrf_field(&preview.body)));
    fields.push(("step", "send".into()));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = widget_post(&app, &uri, &fields, &[], "same-origin").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let location = sent.header(header::LOCATION).to_owned();
    let id: i64 = location
        .strip_prefix("/widget/sent/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not the widget's confirmation: {location}"));
    assert!(location.contains(&format!("org={city}&lang=en&proof=")));

    let confirmation = app.get(&location).await;
    assert_eq!(confirmation.status, StatusCode::OK);
    let mut handle = app.test.db.read().await.unwrap();
    let (number, source, author): (String, String, Option<i64>) = (
        Sql::new("SELECT number FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap(),
        Sql::new("SELECT source FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap(),
        Sql::new("SELECT author_id FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap(),
    );
    let photos: i64 = Sql::new("SELECT COUNT(*) FROM attachments WHERE message_id = $1")
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    drop(handle);
    assert_eq!((source.as_str(), author, photos), ("widget", None, 1));
    assert!(confirmation.body.contains(&number), "the number is shown");
    assert!(confirmation.body.contains("Message sent"));
    assert!(
        confirmation.body.contains(&format!(
            "href=\"/messages/{id}\" target=\"_blank\" rel=\"noopener\""
        )),
        "the message opens on the platform in a new tab"
    );

    // Without the proof, or with another message's, there is nothing to see.
    let proof = location.rsplit("proof=").next().unwrap();
    for forged in [
        format!("/widget/sent/{id}?org={city}"),
        format!("/widget/sent/{id}?org={city}&proof=00{proof}"),
        format!("/widget/sent/{}?org={city}&proof={proof}", id - 1),
    ] {
        assert_eq!(
            app.get(&forged).await.status,
            StatusCode::NOT_FOUND,
            "{forged}"
        );
    }
}

#[tokio::test]
async fn posts_from_other_sites_and_stale_or_forged_tokens_are_refused_keeping_the_input() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let uri = format!("/widget?org={city}");
    let token = csrf_field(&app.get(&uri).await.body);
    let text = "Не горит фонарь у подъезда уже неделю";
    let post = |token: String, site: &'static str| {
        let uri = uri.clone();
        let app = &app;
        async move {
            widget_post(
                app,
                &uri,
                &[("csrf", &token), ("step", "preview"), ("text", text)],
                &[],
                site,
            )
            .await
        }
    };

    // The form's own page: it reaches the checks (and fails them: no topic).
    assert_eq!(
        post(token.clone(), "same-origin").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A page of another site posting into the widget.
    let cross = post(token.clone(), "cross-site").await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(cross.body.contains(text), "what was typed is kept");
    assert!(cross.body.contains("Форма устарела"));
    // A made-up token, and one too old.
    let (issued, _) = token.split_once('.').unwrap();
    assert_eq!(
        post(format!("{issued}.00"), "same-origin").await.status,
        StatusCode::FORBIDDEN
    );
    app.clock.advance(chrono::Duration::hours(7));
    assert_eq!(
        post(token, "same-origin").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_organisations_administrator_lists_the_sites_and_gets_the_snippet() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let (topic, _) = first_topic_and_territory(&app.get("/report").await.body);
    let mut admin = Browser::new(&app);
    admin
        .sign_in("orgadmin@demo.vmeste.example", "vmeste-demo")
        .await;
    let page_uri = format!("/org/{city}/widget");
    let page = admin.get(&page_uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("data-org=&#34;{city}&#34;")),
        "the snippet"
    );
    assert!(
        page.body
            .contains("<script src=\"/widget.js\" async data-org"),
        "the live preview"
    );

    // A site with a path, or plain http, is refused with the reason and kept.
    let origins = format!("/org/{city}/widget/origins");
    for bad in ["https://gov.example/news", "http://gov.example"] {
        let refused = admin.post(&origins, &[("origin", bad)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(refused.body.contains("без пути"), "{bad}: {}", refused.body);
        assert!(
            refused.body.contains(&format!("value=\"{bad}\"")),
            "{bad} kept"
        );
    }
    let added = admin
        .post(&origins, &[("origin", "https://Gov.Example/")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let again = admin
        .post(&origins, &[("origin", "https://gov.example")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("уже в списке"));
    let framed = app.get(&format!("/widget?org={city}")).await;
    assert_eq!(ancestors(&framed), "https://gov.example");

    // Settings: a bad colour comes back with everything typed.
    let bad = admin
        .post(
            &page_uri,
            &[
                ("topic_id", &topic),
                ("lang", "en"),
                ("background", "blue"),
                ("color", "#ffffff"),
                ("button_text", "Report it"),
                ("mode", "page"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("#RRGGBB"));
    assert!(bad.body.contains("value=\"blue\"") && bad.body.contains("value=\"Report it\""));
    assert!(bad.body.contains(&format!("value=\"{topic}\" selected")));
    assert!(
        !bad.body.contains("data-text=&#34;Report it&#34;"),
        "the snippet shows what is saved"
    );
    let saved = admin
        .post(
            &page_uri,
            &[
                ("topic_id", &topic),
                ("lang", "en"),
                ("background", "#AA0000"),
                ("color", "#ffffff"),
                ("button_text", "Report it"),
                ("mode", "page"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = admin.get(&format!("{page_uri}?saved=1")).await;
    for expected in [
        format!("widget?org={city}&#38;amp;topic={topic}&#38;amp;lang=en"),
        format!("data-topic=&#34;{topic}&#34;"),
        "data-lang=&#34;en&#34;".to_owned(),
        "data-background=&#34;#aa0000&#34;".to_owned(),
        "data-text=&#34;Report it&#34;".to_owned(),
        "data-mode=&#34;page&#34;".to_owned(),
        "&#62;Report it&#60;/a&#62;".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "{expected} in the snippet");
    }

    // Removing the site ends its framing.
    let remove = page
        .body
        .split(&format!("action=\"/org/{city}/widget/origins/"))
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let removed = admin
        .post(&format!("/org/{city}/widget/origins/{remove}/delete"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ancestors(&app.get(&format!("/widget?org={city}")).await),
        "'none'"
    );
    let mut handle = app.test.db.read().await.unwrap();
    let audited: Vec<String> =
        Sql::new("SELECT action FROM audit_log WHERE action LIKE 'widget.%' ORDER BY id")
            .scalars(&mut handle.conn())
            .await
            .unwrap();
    assert_eq!(
        audited,
        [
            "widget.origin.add",
            "widget.settings",
            "widget.origin.remove"
        ]
    );
}
