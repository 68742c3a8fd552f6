use axum::http::{StatusCode, header};

use crate::common::{
    Reply, TestApp, csrf_field, first_topic_and_territory, option_groups, options,
};
use vmeste_domain::organisation::OrganisationKind;

#[tokio::test]
async fn the_home_page_invites_a_report_and_shows_recent_messages() {
    let app = TestApp::demo().await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(home.body.contains("<html lang=\"ru\">"));
    assert!(home.body.contains("href=\"/report\""));
    assert!(home.body.contains("Приозёрская область"));
    assert_eq!(home.body.matches("class=\"card\"").count(), 6);
}

#[tokio::test]
async fn the_public_list_filters_and_pages() {
    let app = TestApp::demo().await;
    let list = app.get("/messages").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.matches("class=\"card\"").count(), 20);
    let next = list
        .body
        .split("rel=\"next\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(next.contains("cursor="));
    assert_eq!(app.get(&next).await.status, StatusCode::OK);
    let closed = app.get("/messages?status=closed").await;
    assert!(closed.body.contains("<option value=\"closed\" selected>"));
    assert!(closed.body.matches("status-closed").count() >= 20);
    let bad = app.get("/messages?topic=abc").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("Фильтр не применён"));
}

/// The filters offer categories, and a chosen category's topics; a topic
/// from another category gives way to the category chosen after it.
#[tokio::test]
async fn the_topic_filter_offers_the_chosen_categorys_topics() {
    let app = TestApp::demo().await;
    let catalogue = app.get("/api/v1/catalogue").await.json();
    let categories = catalogue["categories"].as_array().unwrap();
    let id = |v: &serde_json::Value| v["id"].as_i64().unwrap();
    let topics_of = |c: &serde_json::Value| -> Vec<i64> {
        c["topics"].as_array().unwrap().iter().map(id).collect()
    };
    let cards = |html: &str| html.matches("class=\"card\"").count();

    let all = app.get("/messages?limit=100").await.body;
    assert_eq!(options(&all, "f-category").len(), categories.len());
    assert!(
        options(&all, "f-topic").is_empty(),
        "no topics before a category"
    );

    let (roads, other) = (&categories[0], &categories[1]);
    let in_roads = app
        .get(&format!("/messages?limit=100&category={}", id(roads)))
        .await
        .body;
    assert!(options(&in_roads, "f-category").contains(&(id(roads).to_string(), true)));
    let offered: Vec<i64> = options(&in_roads, "f-topic")
        .iter()
        .map(|(v, _)| v.parse().unwrap())
        .collect();
    assert_eq!(offered, topics_of(roads));
    assert!(cards(&in_roads) > 0 && cards(&in_roads) < cards(&all));

    // A topic alone names its category.
    let topic = topics_of(roads)[0];
    let one = app
        .get(&format!("/messages?limit=100&topic={topic}"))
        .await
        .body;
    assert!(options(&one, "f-category").contains(&(id(roads).to_string(), true)));
    assert!(options(&one, "f-topic").contains(&(topic.to_string(), true)));
    assert!(cards(&one) <= cards(&in_roads));

    // The category changed and the old topic came along: the category wins.
    let moved = app
        .get(&format!(
            "/messages?limit=100&category={}&topic={topic}",
            id(other)
        ))
        .await
        .body;
    assert!(options(&moved, "f-category").contains(&(id(other).to_string(), true)));
    assert!(
        options(&moved, "f-topic")
            .iter()
            .all(|(v, selected)| !selected && *v != topic.to_string())
    );
    let whole = app
        .get(&format!("/messages?limit=100&category={}", id(other)))
        .await
        .body;
    assert_eq!(cards(&moved), cards(&whole));
    assert!(cards(&whole) > 0);
}

/// A region has hundreds of organisations: the filter groups them by kind,
/// authorities first, each kind's by name, and keeps the one chosen.
#[tokio::test]
async fn the_organisation_filter_groups_organisations_by_kind() {
    let app = TestApp::demo().await;
    let listed = app.get("/api/v1/organisations").await.json();
    let organisations = listed["items"].as_array().unwrap();
    let field = |id: &str, name: &str| -> String {
        let o = organisations
            .iter()
            .find(|o| o["id"].as_i64() == id.parse().ok())
            .unwrap();
        o[name].as_str().unwrap().to_string()
    };
    let kind_of = |id: &str| OrganisationKind::parse(&field(id, "kind")).unwrap();
    let short_name = |id: &str| field(id, "short_name_ru");
    let chosen = organisations[organisations.len() / 2]["id"].to_string();
    let page = app
        .get(&format!("/messages?organisation={chosen}"))
        .await
        .body;
    let groups = option_groups(&page, "f-organisation");
    assert!(groups.len() > 2, "{groups:?}");
    let order: Vec<usize> = groups
        .iter()
        .map(|(label, values)| {
            let kind = kind_of(&values[0]);
            assert_eq!(label, kind.label_ru());
            assert!(
                values.iter().all(|v| kind_of(v) == kind),
                "{label}: {values:?}"
            );
            let names: Vec<String> = values.iter().map(|v| short_name(v)).collect();
            assert!(names.is_sorted(), "{label}: {names:?}");
            OrganisationKind::ALL
                .iter()
                .position(|k| *k == kind)
                .unwrap()
        })
        .collect();
    assert!(order.is_sorted(), "kinds in their order: {order:?}");
    let offered = options(&page, "f-organisation");
    assert_eq!(offered.len(), organisations.len(), "each active one once");
    assert_eq!(
        offered
            .iter()
            .filter(|(_, selected)| *selected)
            .collect::<Vec<_>>(),
        [&(chosen, true)]
    );
}

#[tokio::test]
async fn the_lists_filters_and_the_report_form_offer_a_renamed_topic_at_once() {
    let app = TestApp::demo().await;
    // Kept in memory after the first pages; a change must still show.
    assert_eq!(app.get("/messages").await.status, StatusCode::OK);
    assert_eq!(app.get("/report").await.status, StatusCode::OK);
    let mut tx = app.test.db.write().await.unwrap();
    vmeste_db::Sql::new("UPDATE topics SET name_ru = $1 WHERE id = (SELECT MIN(id) FROM topics)")
        .bind("Переименованная тема")
        .execute(&mut tx.conn())
        .await
        .unwrap();
    vmeste_db::Sql::new(
        "UPDATE organisations SET short_name_ru = $1 WHERE id = (SELECT MIN(id) FROM organisations)",
    )
    .bind("Переименованная организация")
    .execute(&mut tx.conn())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let first: i64 = vmeste_db::Sql::new("SELECT MIN(id) FROM topics")
        .scalar(&mut app.test.db.read().await.unwrap().conn())
        .await
        .unwrap();
    let list = app.get(&format!("/messages?topic={first}")).await.body;
    assert!(list.contains("Переименованная тема"));
    assert!(list.contains("Переименованная организация"));
    assert!(
        app.get("/report")
            .await
            .body
            .contains("Переименованная тема")
    );
}

#[tokio::test]
async fn a_message_page_shows_its_history_and_strangers_get_404() {
    let app = TestApp::demo().await;
    let page = app
        .get("/api/v1/messages?status=closed&limit=1")
        .await
        .json();
    let id = page["items"][0]["id"].as_i64().unwrap();
    let html = app.get(&format!("/messages/{id}")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("История"));
    assert!(html.body.contains("Сообщение отправлено"));
    assert!(html.body.contains("Закрыто"));
    for missing in ["/messages/987654321", "/messages/abc", "/no/such/page"] {
        let reply = app.get(missing).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(reply.body.contains("Страница не найдена"));
    }
}

/// The form page and the CSRF cookie it sets.
async fn open_form(app: &TestApp) -> (Reply, String, String) {
    let form = app.get("/report").await;
    assert_eq!(form.status, StatusCode::OK);
    let cookie = form
        .header(header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(form.header(header::SET_COOKIE).contains("HttpOnly"));
    let token = csrf_field(&form.body);
    (form, cookie, token)
}

#[tokio::test]
async fn the_report_form_creates_a_message_and_redirects_to_it() {
    let app = TestApp::demo().await;
    let (form, cookie, token) = open_form(&app).await;
    assert!(form.body.contains("<optgroup label="));
    let (topic, territory) = first_topic_and_territory(&form.body);
    let reply = app
        .post_form(
            "/report",
            Some(&cookie),
            &[
                ("csrf", &token),
                ("topic_id", &topic),
                ("text", "Сломана скамейка у подъезда, торчат гвозди"),
                ("address", "ул. Садовая, д. 5"),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.header(header::LOCATION).to_string();
    assert!(location.starts_with("/messages/"));
    let page = app.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("На модерации"));
}

#[tokio::test]
async fn a_bad_report_comes_back_with_errors_and_everything_typed() {
    let app = TestApp::demo().await;
    let (_, cookie, token) = open_form(&app).await;
    let reply = app
        .post_form(
            "/report",
            Some(&cookie),
            &[
                ("csrf", &token),
                ("text", "Коротко"),
                ("address", "пр. Мира <b>7</b>"),
                ("lat", "56,1"),
                ("lon", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Проверьте форму"));
    assert!(
        reply.body.contains("Выберите тему из каталога.")
            || reply.body.contains("Заполните это поле.")
    );
    assert!(
        reply
            .body
            .contains("Слишком коротко: нужно не меньше 10 символов.")
    );
    assert!(
        reply.body.contains(">Коротко</textarea>"),
        "the text is kept"
    );
    assert!(
        reply
            .body
            .contains("value=\"пр. Мира &#60;b&#62;7&#60;/b&#62;\""),
        "the address is kept, escaped: {}",
        reply.body
    );
    assert!(reply.body.contains("value=\"56,1\""));
    assert!(reply.body.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn a_post_without_the_csrf_cookie_is_refused_but_keeps_the_input() {
    let app = TestApp::demo().await;
    let (_, _, token) = open_form(&app).await;
    let reply = app
        .post_form(
            "/report",
            None,
            &[("csrf", &token), ("text", "Текст, который нельзя терять")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("Форма устарела"));
    assert!(reply.body.contains("Текст, который нельзя терять"));
    let (_, cookie, _) = open_form(&app).await;
    let forged = app
        .post_form(
            "/report",
            Some(&cookie),
            &[("csrf", &"0".repeat(64)), ("text", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_rate_limited_report_keeps_everything_typed() {
    let app = TestApp::demo().await;
    let (_, cookie, token) = open_form(&app).await;
    let limit = vmeste_web::RateLimits::default().intake_per_minute;
    for _ in 0..limit {
        app.post_form(
            "/report",
            Some(&cookie),
            &[("csrf", &token), ("text", "коротко")],
        )
        .await;
    }
    let reply = app
        .post_form(
            "/report",
            Some(&cookie),
            &[("csrf", &token), ("text", "Текст, который нельзя терять")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!reply.header(header::RETRY_AFTER).is_empty());
    assert!(reply.body.contains("Текст, который нельзя терять"));
    assert!(reply.body.contains("Подождите минуту"));
}

#[tokio::test]
async fn the_public_list_searches_in_russian_and_pages_keep_the_words() {
    let app = TestApp::demo().await;
    let all = app.get("/messages?limit=100").await.body;
    let found = app
        .get("/messages?q=%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D0%B8&limit=100")
        .await; // «качели»
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains("value=\"качели\""),
        "the words stay in the field"
    );
    let cards = |body: &str| body.matches("<article class=\"card\">").count();
    assert!(cards(&found.body) > 0, "the demo has swings to find");
    assert!(cards(&found.body) < cards(&all));
    // Another form of the word finds the same messages.
    let inflected = app
        .get("/messages?q=%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D1%8F%D0%BC%D0%B8&limit=100") // «качелями»
        .await;
    assert_eq!(cards(&inflected.body), cards(&found.body));
    let paged = app
        .get("/messages?q=%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D0%B8&limit=1")
        .await
        .body;
    if cards(&found.body) > 1 {
        assert!(
            paged.contains("q=%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D0%B8"),
            "{paged}"
        );
    }
    let api = app
        .get("/api/v1/messages?q=%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D0%B8&limit=100")
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(
        api.json()["items"].as_array().unwrap().len(),
        cards(&found.body)
    );
}

#[tokio::test]
async fn plain_words_find_the_topic_and_its_guidance_without_javascript() {
    let app = TestApp::demo().await;
    // «яма»
    let found = app.get("/report?find=%D1%8F%D0%BC%D0%B0").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("Подходящие темы"));
    let first = found
        .body
        .split("<section class=\"found\"")
        .nth(1)
        .unwrap()
        .split("<li>")
        .nth(1)
        .unwrap();
    assert!(
        first.contains("Нарушение дорожного покрытия (ямы)"),
        "{first}"
    );
    let link = first
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .replace("&#x3d;", "=");
    let chosen = app.get(&link).await.body;
    let topic_id = link.rsplit('=').next().unwrap();
    assert!(
        chosen.contains(&format!("value=\"{topic_id}\" selected")),
        "the found topic is chosen in the form"
    );
    assert!(
        chosen.contains("class=\"guidance\""),
        "with what to write about it"
    );
    // «не горит фонарь во дворе»: the yard lighting topic is among the first.
    let lights = app
        .get("/report?find=%D0%BD%D0%B5%D1%82%20%D0%BE%D1%81%D0%B2%D0%B5%D1%89%D0%B5%D0%BD%D0%B8%D1%8F%20%D0%B2%D0%BE%20%D0%B4%D0%B2%D0%BE%D1%80%D0%B5")
        .await
        .body;
    assert!(lights.contains("Нет освещения во дворе"));
    let nothing = app.get("/report?find=zzzz").await.body;
    assert!(nothing.contains("Тем по этим словам не нашлось"));
}

#[tokio::test]
async fn statistics_come_from_the_counters_as_svg_charts_each_with_its_table() {
    let app = TestApp::demo().await;
    let totals = {
        let mut handle = app.test.db.read().await.unwrap();
        vmeste_db::counters::totals(&mut handle.conn(), None)
            .await
            .unwrap()
    };
    let page = app.get("/statistics").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(&format!("<dt>Поступило</dt><dd>{} сообщ", totals.received)));
    assert!(body.contains(&format!("<dt>Дан ответ</dt><dd>{}</dd>", totals.answered)));
    assert_eq!(body.matches("<svg class=\"chart\"").count(), 3);
    assert!(body.contains("<title>Сообщения по категориям</title>"));
    assert!(
        body.matches("<table class=\"data\"").count() >= 4,
        "a table for every chart"
    );
    assert!(!body.contains("<script"), "no script needed");
    // The monthly table adds up to what was received in the last months.
    let months = received_in(body, "Поступило и отвечено по месяцам");
    assert!(months > 0 && months <= i64::from(totals.received));
    // Every message has a category: their all-time rows add up to the region's.
    assert_eq!(
        received_in(body, "id=\"by-category\""),
        i64::from(totals.received)
    );
}

/// The sum of the "received" column of the first table after `marker`.
fn received_in(body: &str, marker: &str) -> i64 {
    body.split(marker)
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap()
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        })
        .sum()
}
