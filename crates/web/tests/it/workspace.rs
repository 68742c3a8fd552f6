//! The case loop through the pages with the demo accounts: a resident
//! reports, the moderator routes, the executor answers, the resident rates.
//! And the same actions through the API.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use vmeste_db::Sql;

use crate::accounts::Browser;
use crate::common::{Reply, TestApp, first_topic_and_territory, option_groups, options};

/// The demo resident reports a problem and the demo moderator routes it to
/// the organisation `slug`: the message's id and both browsers.
pub async fn routed_case<'a>(app: &'a TestApp, slug: &str) -> (i64, Browser<'a>, Browser<'a>) {
    let mut resident = Browser::new(app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let mut moderator = Browser::new(app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    route(&mut moderator, id, org_id(app, slug).await).await;
    (id, resident, moderator)
}

fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub async fn org_id(app: &TestApp, slug: &str) -> i64 {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new("SELECT id FROM organisations WHERE slug = $1")
        .bind(slug)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

/// Sends a command of a case page's forms, as a browser does.
pub async fn act(browser: &mut Browser<'_>, id: i64, fields: &[(&str, &str)]) -> Reply {
    browser
        .post(&format!("/staff/messages/{id}/act"), fields)
        .await
}

/// Routes the message to the organisation as a moderator does, and checks
/// that the case page took it.
pub async fn route(moderator: &mut Browser<'_>, id: i64, organisation_id: i64) {
    let organisation_id = organisation_id.to_string();
    let routed = act(
        moderator,
        id,
        &[("command", "route"), ("organisation_id", &organisation_id)],
    )
    .await;
    assert_eq!(routed.status, StatusCode::SEE_OTHER, "{}", routed.body);
}

/// Reports a problem as the demo resident; the new message's id.
pub async fn report(resident: &mut Browser<'_>) -> i64 {
    let form = resident.get("/report").await;
    let (topic, territory) = first_topic_and_territory(&form.body);
    let sent = resident
        .post(
            "/report",
            &[
                ("topic_id", &topic),
                (
                    "text",
                    "Во дворе дома 3 провал асфальта, машины бьют колёса",
                ),
                ("address", "ул. Садовая, д. 3"),
                ("territory_id", &territory),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let location = sent.header(header::LOCATION).to_string();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_whole_loop_plays_in_the_browser() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let number: String = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT number FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };

    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let queue = moderator.get("/staff/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&number));
    let case = moderator.get(&format!("/staff/messages/{id}")).await;
    assert!(case.body.contains("Одобрить и передать"));
    assert!(
        case.body.contains("Мария Жителева"),
        "the handler sees the author"
    );
    route(&mut moderator, id, org_id(&app, "city-roads").await).await;

    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let inbox = executor.get("/staff/inbox").await;
    assert!(
        inbox.body.contains(&number),
        "the routed message is in the executor's inbox"
    );
    // An empty answer is refused with the reason, and nothing changes.
    let empty = act(&mut executor, id, &[("command", "answer"), ("text", " ")]).await;
    assert_eq!(empty.status, StatusCode::CONFLICT);
    assert!(empty.body.contains("Напишите текст."));
    let answered = act(
        &mut executor,
        id,
        &[
            ("command", "answer"),
            ("text", "Провал заделан, асфальт уложен."),
        ],
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    // A foreign organisation's executor cannot even open the case.
    let mut outsider = Browser::new(&app);
    outsider
        .sign_in("executor.uk@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(
        outsider.get(&format!("/staff/messages/{id}")).await.status,
        StatusCode::FORBIDDEN
    );

    let page = resident.get(&format!("/messages/{id}")).await;
    assert!(page.body.contains("Оцените ответ") && page.body.contains("Оспорить ответ"));
    assert!(page.body.contains("Провал заделан"));
    let rated = resident
        .post(
            &format!("/messages/{id}/feedback"),
            &[("command", "rate"), ("score", "5"), ("resolved", "yes")],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER);
    let closed = resident.get(&format!("/messages/{id}")).await;
    assert!(closed.body.contains("Закрыто"));
    assert!(!closed.body.contains("Оцените ответ"));
    // Someone else cannot rate or dispute it.
    let mut other = Browser::new(&app);
    other
        .sign_in("operator.uk@demo.vmeste.example", "vmeste-demo")
        .await;
    let refused = other
        .post(
            &format!("/messages/{id}/feedback"),
            &[("command", "dispute"), ("text", "Нет")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let account = resident.get("/account").await.body;
    assert!(account.contains("Получен ответ — оцените его") && account.contains(&number));
    assert!(
        executor
            .get("/account")
            .await
            .body
            .contains("Новое сообщение во входящих")
    );
    let mut handle = app.test.db.read().await.unwrap();
    let kinds: Vec<String> = Sql::new("SELECT n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1 AND n.message_id = $2 ORDER BY n.id")
        .bind("resident@demo.vmeste.example")
        .bind(id)
        .scalars(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(kinds, ["routed", "answered", "closed"]);
    let audited: i64 = Sql::new("SELECT COUNT(*) FROM audit_log WHERE object_id = $1 AND action IN ('message.route', 'message.answer')")
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn staff_act_through_the_api_with_problem_documents_for_refusals() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let roads = org_id(&app, "city-roads").await;
    let post = |cookies: String, body: serde_json::Value| {
        Request::post(format!("/api/v1/messages/{id}/transitions"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookies)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let routed = app
        .send(post(
            moderator.cookies.clone(),
            json!({"command": "route", "organisation_id": roads}),
        ))
        .await;
    assert_eq!(routed.status, StatusCode::OK, "{}", routed.body);
    assert_eq!(routed.json()["to"], "routed");

    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    // An executor may not extend: the head does.
    let extend = app
        .send(post(
            executor.cookies.clone(),
            json!({"command": "extend", "days": 5, "text": "Подрядчик"}),
        ))
        .await;
    assert_eq!(extend.status, StatusCode::FORBIDDEN);
    assert_eq!(extend.json()["reason"], "not_allowed");
    let mut head = Browser::new(&app);
    head.sign_in("head@demo.vmeste.example", "vmeste-demo")
        .await;
    let once = app
        .send(post(
            head.cookies.clone(),
            json!({"command": "extend", "days": 5, "text": "Подрядчик"}),
        ))
        .await;
    assert_eq!(once.status, StatusCode::OK, "{}", once.body);
    let twice = app
        .send(post(
            head.cookies.clone(),
            json!({"command": "extend", "days": 5, "text": "Ещё"}),
        ))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.json()["reason"], "already_extended");
    assert_eq!(twice.json()["code"], "transition_refused");

    let unknown = app
        .send(post(
            executor.cookies.clone(),
            json!({"command": "teleport"}),
        ))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json()["errors"][0]["field"], "command");
    let mut analyst = Browser::new(&app);
    analyst
        .sign_in("analyst@demo.vmeste.example", "vmeste-demo")
        .await;
    let nosy = app
        .send(post(
            analyst.cookies.clone(),
            json!({"command": "answer", "text": "x"}),
        ))
        .await;
    assert_eq!(nosy.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_platform_admin_edits_the_routing_and_new_messages_follow() {
    let app = TestApp::demo().await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    // Two-factor is not required by default; the editor opens.
    assert_eq!(admin.get("/admin/routing").await.status, StatusCode::OK);
    let (topic, centre, mfc): (i64, i64, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        let topic: i64 = Sql::new("SELECT id FROM topics WHERE active = $1 ORDER BY id LIMIT 1")
            .bind(true)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        let centre: i64 = Sql::new("SELECT id FROM territories WHERE slug = $1")
            .bind("city-centre")
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        drop(handle);
        (topic, centre, org_id(&app, "mfc").await)
    };
    let fields = [
        ("topic_id", topic.to_string()),
        ("territory_id", centre.to_string()),
        ("organisation_id", mfc.to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let added = admin.post("/admin/routing", &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let again = admin.post("/admin/routing", &fields).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("правило уже есть"));
    // The form comes back as it was sent, organisations grouped by kind.
    for (select, value) in &fields {
        assert!(
            options(&again.body, select).contains(&(value.to_string(), true)),
            "{select} lost {value}"
        );
    }
    assert!(
        option_groups(&again.body, "organisation_id")
            .iter()
            .any(|(label, values)| label == "Управляющая компания" && !values.is_empty())
    );

    let created = app
        .post_json("/api/v1/messages", &json!({"topic_id": topic, "text": "Проверка маршрута в центре города", "territory_id": centre}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let mut handle = app.test.db.read().await.unwrap();
    let routed: Option<i64> = Sql::new("SELECT organisation_id FROM messages WHERE id = $1")
        .bind(created.json()["id"].as_i64().unwrap())
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(routed, Some(mfc));
    let rule: i64 =
        Sql::new("SELECT id FROM routing_rules WHERE topic_id = $1 AND territory_id = $2")
            .bind(topic)
            .bind(centre)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
    drop(handle);
    let deleted = admin
        .post(&format!("/admin/routing/{rule}/delete"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let mut handle = app.test.db.read().await.unwrap();
    let log: Vec<String> =
        Sql::new("SELECT action FROM audit_log WHERE object_kind = $1 ORDER BY id")
            .bind("routing_rule")
            .scalars(&mut handle.conn())
            .await
            .unwrap();
    assert_eq!(log, ["routing.add_rule", "routing.delete_rule"]);
}

#[tokio::test]
async fn identified_residents_file_appeals_that_stay_private_with_thirty_days() {
    let app = TestApp::demo().await;
    // A fresh, unconfirmed account may not file an appeal.
    let mut newcomer = Browser::new(&app);
    newcomer
        .post(
            "/signup",
            &[
                ("name", "Новичок"),
                ("email", "new@example.org"),
                ("password", "длинный пароль"),
            ],
        )
        .await;
    newcomer.sign_in("new@example.org", "длинный пароль").await;
    let form = newcomer.get("/report").await;
    let (topic, territory) = first_topic_and_territory(&form.body);
    let fields = |appeal: &'static str| {
        vec![
            ("topic_id", topic.clone()),
            (
                "text",
                "Прошу провести проверку состояния дороги".to_owned(),
            ),
            ("territory_id", territory.clone()),
            ("appeal", appeal.to_owned()),
        ]
    };
    let refused = newcomer.post("/report", &as_refs(&fields("1"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("подтверждённой почтой"));
    assert!(
        refused.body.contains("Прошу провести проверку"),
        "typed text kept"
    );

    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    assert!(
        resident
            .get("/report")
            .await
            .body
            .contains("официальное обращение")
    );
    let filed = resident.post("/report", &as_refs(&fields("1"))).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let path = filed.header(header::LOCATION).to_string();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        resident.get(&path).await.status,
        StatusCode::OK,
        "the author sees it"
    );
    assert_eq!(
        app.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "never public"
    );
    assert!(
        !app.get("/api/v1/messages?limit=100")
            .await
            .body
            .contains(&format!("\"id\":{id},"))
    );

    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    // The test clock stands on Monday 16 March 2026: registration by the 19th.
    let queue = moderator.get("/staff/moderation").await.body;
    assert!(queue.contains("зарегистрировать до 19.03.2026"), "{queue}");
    route(&mut moderator, id, org_id(&app, "city-roads").await).await;
    let (kind, due): (String, chrono::NaiveDate) = {
        let mut handle = app.test.db.read().await.unwrap();
        let kind: String = Sql::new("SELECT kind FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        let due: chrono::NaiveDate = Sql::new("SELECT due_date FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        (kind, due)
    };
    assert_eq!(kind, "appeal");
    // 2026-03-16 + 30 calendar days is Wednesday 2026-04-15, a working day.
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2026, 4, 15).unwrap());
    let mut head = Browser::new(&app);
    head.sign_in("head@demo.vmeste.example", "vmeste-demo")
        .await;
    let too_long = act(
        &mut head,
        id,
        &[
            ("command", "extend"),
            ("days", "31"),
            ("text", "Экспертиза"),
        ],
    )
    .await;
    assert_eq!(too_long.status, StatusCode::CONFLICT);
    let extended = act(
        &mut head,
        id,
        &[
            ("command", "extend"),
            ("days", "30"),
            ("text", "Экспертиза"),
        ],
    )
    .await;
    assert_eq!(extended.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_turn_a_message_into_an_appeal_keeping_its_history() {
    let app = TestApp::demo().await;
    let (id, _, _) = routed_case(&app, "city-roads").await;
    assert_eq!(
        app.get(&format!("/messages/{id}")).await.status,
        StatusCode::OK
    );
    let mut operator = Browser::new(&app);
    operator
        .sign_in("operator@demo.vmeste.example", "vmeste-demo")
        .await;
    let converted = act(&mut operator, id, &[("command", "convert_to_appeal")]).await;
    assert_eq!(converted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/messages/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = operator.get(&format!("/staff/messages/{id}")).await.body;
    assert!(page.contains("Обращение В-"), "the case is an appeal now");
    assert!(
        page.contains("Сообщение переведено в обращение по 59-ФЗ"),
        "its history goes on"
    );
    let again = act(&mut operator, id, &[("command", "convert_to_appeal")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_complaint_goes_up_to_the_supervising_body_and_never_back() {
    let app = TestApp::demo().await;
    let (id, _, mut moderator) = routed_case(&app, "city-roads").await;
    let (roads, city) = (
        org_id(&app, "city-roads").await,
        org_id(&app, "city-admin").await,
    );
    let mut operator = Browser::new(&app);
    operator
        .sign_in("operator@demo.vmeste.example", "vmeste-demo")
        .await;
    let marked = act(&mut operator, id, &[("command", "mark_complaint")]).await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let now_with: Option<i64> = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT organisation_id FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    assert_eq!(now_with, Some(city), "the committee's supervising body");
    // The committee no longer sees it; nobody may send it back there.
    assert_eq!(
        operator.get(&format!("/staff/messages/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let back = act(
        &mut moderator,
        id,
        &[
            ("command", "redirect"),
            ("organisation_id", &roads.to_string()),
            ("text", "Назад"),
        ],
    )
    .await;
    assert_eq!(back.status, StatusCode::CONFLICT);
    assert!(back.body.contains("жалоба на эту организацию"));
}

#[tokio::test]
async fn a_head_assigns_several_cases_at_once() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let (first, second, foreign) = (
        report(&mut resident).await,
        report(&mut resident).await,
        report(&mut resident).await,
    );
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let roads = org_id(&app, "city-roads").await;
    let uk = org_id(&app, "uk-centre").await;
    for (id, org) in [(first, roads), (second, roads), (foreign, uk)] {
        route(&mut moderator, id, org).await;
    }
    let executor: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM users WHERE email = $1")
            .bind("executor@demo.vmeste.example")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let mut head = Browser::new(&app);
    head.sign_in("head@demo.vmeste.example", "vmeste-demo")
        .await;
    let inbox = head.get("/staff/inbox").await;
    assert!(
        inbox.body.contains("Василий Исполнителев"),
        "the committee's executors are offered"
    );
    let ids = [first.to_string(), second.to_string(), foreign.to_string()];
    let executor = executor.to_string();
    let done = head
        .post(
            "/staff/inbox/bulk",
            &[
                ("ids", &ids[0]),
                ("ids", &ids[1]),
                ("ids", &ids[2]),
                ("command", "assign"),
                ("executor_id", &executor),
            ],
        )
        .await;
    assert_eq!(
        done.header(header::LOCATION),
        "/staff/inbox?done=2&failed=1"
    );
    assert!(
        head.get("/staff/inbox?done=2&failed=1")
            .await
            .body
            .contains("Выполнено: 2. Не выполнено: 1")
    );
    let mut handle = app.test.db.read().await.unwrap();
    let assigned: i64 = Sql::new("SELECT COUNT(*) FROM messages WHERE assignee_id = $1")
        .bind(executor.parse::<i64>().unwrap())
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert!(assigned >= 2);
    let foreign_assignee: Option<i64> = Sql::new("SELECT assignee_id FROM messages WHERE id = $1")
        .bind(foreign)
        .scalar(&mut handle.conn())
        .await
        .unwrap();
    assert_eq!(foreign_assignee, None);
}

#[tokio::test]
async fn heads_keep_answer_templates_that_start_answers() {
    let app = TestApp::demo().await;
    let (id, _, _) = routed_case(&app, "city-roads").await;
    let roads = org_id(&app, "city-roads").await;
    let mut head = Browser::new(&app);
    head.sign_in("head@demo.vmeste.example", "vmeste-demo")
        .await;
    let path = format!("/org/{roads}/templates");
    let empty = head.post(&path, &[("title", ""), ("text", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = head
        .post(
            &path,
            &[
                ("title", "Ямочный ремонт"),
                (
                    "text",
                    "Ремонт выполнен подрядчиком в рамках содержания дорог.",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let template: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM answer_templates WHERE title = $1")
            .bind("Ямочный ремонт")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let plain = executor.get(&format!("/staff/messages/{id}")).await.body;
    assert!(plain.contains("Ямочный ремонт"), "the template is offered");
    let started = executor
        .get(&format!("/staff/messages/{id}?template={template}"))
        .await
        .body;
    assert!(started.contains(">Ремонт выполнен подрядчиком в рамках содержания дорог.</textarea>"));
    // An executor does not manage templates.
    assert_eq!(executor.get(&path).await.status, StatusCode::FORBIDDEN);
}

/// A staff account with a password, for organisations the demo has no staff in.
pub async fn staff(app: &TestApp, email: &str, role: vmeste_domain::organisation::Role, org: i64) {
    let hash = vmeste_db::users::hash_password("staff-password").unwrap();
    let mut tx = app.test.db.write().await.unwrap();
    let id = vmeste_db::users::insert(
        &mut tx.conn(),
        &vmeste_db::users::NewUser {
            email: Some(email),
            password_hash: Some(&hash),
            name: email,
            phone: None,
            locale: "ru",
            created_at: chrono::DateTime::from_timestamp(1_773_000_000, 0).unwrap(),
        },
    )
    .await
    .unwrap();
    vmeste_db::users::grant(&mut tx.conn(), id, role, Some(org), false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn where_the_organisation_says_so_the_head_approves_answers() {
    use vmeste_domain::organisation::Role;
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    staff(&app, "clerk@city.test", Role::Executor, city).await;
    staff(&app, "chief@city.test", Role::Head, city).await;
    let (id, resident, _) = routed_case(&app, "city-admin").await;

    let mut clerk = Browser::new(&app);
    clerk.sign_in("clerk@city.test", "staff-password").await;
    let proposed = clerk
        .post_multipart(
            &format!("/staff/messages/{id}/act"),
            &[
                ("command", "answer"),
                ("text", "Яма будет заделана до пятницы."),
            ],
            &[("files", "plan.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    // Nothing reached the resident yet, neither the text nor the document.
    let before = resident.get(&format!("/messages/{id}")).await.body;
    assert!(!before.contains("Яма будет заделана") && !before.contains("plan.pdf"));
    let file: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM attachments WHERE message_id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let link = format!("/attachments/{file}");
    assert_eq!(resident.get(&link).await.status, StatusCode::NOT_FOUND);
    let mut chief = Browser::new(&app);
    chief.sign_in("chief@city.test", "staff-password").await;
    assert!(
        chief
            .get("/account")
            .await
            .body
            .contains("Ответ ждёт вашего утверждения")
    );
    let page = chief.get(&format!("/staff/messages/{id}")).await.body;
    assert!(
        page.contains("Ответ ждёт утверждения") && page.contains("Утвердить и отправить автору")
    );
    let approved = act(&mut chief, id, &[("command", "approve_answer")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let seen = resident.get(&format!("/messages/{id}")).await.body;
    assert!(seen.contains("Яма будет заделана до пятницы.") && seen.contains("Оцените ответ"));
    assert!(seen.contains("plan.pdf"));
    assert_eq!(resident.get(&link).await.status, StatusCode::OK);
    let again = act(&mut chief, id, &[("command", "approve_answer")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_answer_carries_documents_only_its_author_and_handlers_open() {
    let app = TestApp::demo().await;
    let (id, resident, _moderator) = routed_case(&app, "city-roads").await;
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let text = "Яма будет заделана до конца недели, акт во вложении.";
    // A file that only claims to be a PDF is refused; the typed answer stays.
    let fake = executor
        .post_multipart(
            &format!("/staff/messages/{id}/act"),
            &[("command", "answer"), ("text", text)],
            &[(
                "files",
                "акт.pdf",
                b"<html><script>alert(1)</script></html>",
            )],
        )
        .await;
    assert_eq!(fake.status, StatusCode::CONFLICT, "{}", fake.body);
    assert!(fake.body.contains("Файл «акт.pdf» не подходит"));
    assert!(fake.body.contains(text));
    let pdf: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    let sent = executor
        .post_multipart(
            &format!("/staff/messages/{id}/act"),
            &[("command", "answer"), ("text", text)],
            &[("files", "акт приёмки.pdf", pdf)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let file_id: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT id FROM attachments WHERE message_id = $1 AND event_id IS NOT NULL")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let link = format!("/attachments/{file_id}");
    let page = resident.get(&format!("/messages/{id}")).await;
    assert!(page.body.contains(&link), "the author sees the document");
    let download = resident.get(&link).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header(header::CONTENT_TYPE), "application/pdf");
    assert!(
        download
            .header(header::CONTENT_DISPOSITION)
            .contains("%D0%B0%D0%BA%D1%82"),
        "the name survives, percent-encoded"
    );
    assert_eq!(download.body.as_bytes(), pdf);
    assert_eq!(
        executor.get(&link).await.status,
        StatusCode::OK,
        "the handler opens it too"
    );
    // Another resident, and staff of another organisation, learn nothing.
    let mut stranger = Browser::new(&app);
    stranger
        .sign_in("executor.zarechny@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_eq!(stranger.get(&link).await.status, StatusCode::NOT_FOUND);
    let anonymous = app.get(&link).await;
    assert_ne!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn residents_follow_a_published_message_that_concerns_them_too() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT MIN(m.id) FROM messages m JOIN users u ON u.id = m.author_id \
             WHERE m.public = $1 AND m.status IN ('routed', 'in_progress') AND u.email <> $2",
        )
        .bind(true)
        .bind("resident@demo.vmeste.example")
        .scalar(&mut handle.conn())
        .await
        .unwrap()
    };
    let page = format!("/messages/{id}");
    let before = resident.get(&page).await.body;
    assert!(before.contains("Меня это тоже касается"), "{before}");
    let followed = resident
        .post(&format!("{page}/follow"), &[("follow", "yes")])
        .await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER);
    let after = resident.get(&page).await.body;
    assert!(after.contains("Вы следите") && after.contains("Это касается ещё 1 жителя"));
    // Signed out, the count shows and the button does not.
    let public = app.get(&page).await.body;
    assert!(public.contains("Это касается ещё 1 жителя") && !public.contains("следить"));
    let unfollowed = resident
        .post(&format!("{page}/follow"), &[("follow", "no")])
        .await;
    assert_eq!(unfollowed.status, StatusCode::SEE_OTHER);
    assert!(!resident.get(&page).await.body.contains("Это касается ещё"));
}

#[tokio::test]
async fn staff_pages_load_htmx_and_shortcuts_from_the_binary_and_residents_pages_do_not() {
    let app = TestApp::demo().await;
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    let inbox = executor.get("/staff/inbox").await.body;
    assert!(inbox.contains("hx-boost=\"true\""));
    // No page snapshots with personal data in the browser's storage.
    assert!(inbox.contains("\"historyCacheSize\":0"));
    let scripts: Vec<String> = inbox
        .split("<script src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(scripts.len(), 2, "{scripts:?}");
    for src in &scripts {
        assert!(src.starts_with("/static/"), "served by the binary: {src}");
        let js = app.get(src).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(
            js.header(header::CONTENT_TYPE)
                .starts_with("text/javascript")
        );
        assert!(js.header(header::CACHE_CONTROL).contains("immutable"));
    }
    assert!(app.get(&scripts[0]).await.body.contains("htmx"));
    let report = app.get("/report").await.body;
    assert!(
        !report.contains("htmx") && !report.contains("staff."),
        "the resident's form carries only its map's scripts"
    );
}

#[tokio::test]
async fn a_moderator_corrects_topic_and_place_and_the_suggestion_follows() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let (topic, north): (i64, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        let topic = Sql::new("SELECT MIN(id) FROM topics WHERE responsible = $1")
            .bind("management_company")
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        let north = Sql::new("SELECT id FROM territories WHERE slug = $1")
            .bind("city-north")
            .scalar(&mut handle.conn())
            .await
            .unwrap();
        (topic, north)
    };
    let fields = [
        ("command", "correct"),
        ("topic_id", &topic.to_string() as &str),
        ("territory_id", &north.to_string()),
    ];
    // Executors do not moderate.
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_ne!(
        act(&mut executor, id, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = moderator.get(&format!("/staff/messages/{id}")).await.body;
    assert!(page.contains("Исправить тему и место"));
    let corrected = act(&mut moderator, id, &fields).await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let (topic_now, territory_now, suggested): (i64, i64, String) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT m.topic_id, m.territory_id, o.slug FROM messages m \
             JOIN organisations o ON o.id = m.organisation_id WHERE m.id = $1",
        )
        .bind(id)
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    assert_eq!((topic_now, territory_now), (topic, north));
    assert_eq!(
        suggested, "uk-north",
        "the district's company is suggested now"
    );
    let seen = resident.get(&format!("/messages/{id}")).await.body;
    assert!(
        seen.contains("Модератор уточнил тему"),
        "the author sees why"
    );
}

#[tokio::test]
async fn the_inbox_filters_by_topic_territory_and_assignee() {
    let app = TestApp::demo().await;
    // The regional centre sees every organisation's cases.
    let mut staff = Browser::new(&app);
    staff
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let listed = |body: &str| -> Vec<i64> {
        body.split("<td><a href=\"/staff/messages/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect()
    };
    let all = listed(&staff.get("/staff/inbox").await.body);
    assert!(all.len() > 20, "the demo has open cases: {all:?}");
    let (topic, territory, organisation): (i64, i64, i64) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT topic_id, territory_id, organisation_id FROM messages WHERE id = $1")
            .bind(all[0])
            .fetch_one(&mut handle.conn())
            .await
            .unwrap()
    };
    let of = async |sql: &str, value: i64| -> Vec<i64> {
        let mut handle = app.test.db.read().await.unwrap();
        let mut ids: Vec<i64> = Sql::new(sql)
            .bind(value)
            .scalars(&mut handle.conn())
            .await
            .unwrap();
        ids.retain(|id| all.contains(id));
        ids.sort_unstable();
        ids
    };
    let mut by_topic = listed(&staff.get(&format!("/staff/inbox?topic={topic}")).await.body);
    by_topic.sort_unstable();
    assert_eq!(
        by_topic,
        of("SELECT id FROM messages WHERE topic_id = $1", topic).await
    );
    let mut by_place = listed(
        &staff
            .get(&format!("/staff/inbox?territory={territory}"))
            .await
            .body,
    );
    by_place.sort_unstable();
    assert_eq!(
        by_place,
        of("SELECT id FROM messages WHERE territory_id = $1", territory).await
    );
    let page = staff
        .get(&format!("/staff/inbox?organisation={organisation}"))
        .await
        .body;
    let mut by_organisation = listed(&page);
    by_organisation.sort_unstable();
    assert_eq!(
        by_organisation,
        of(
            "SELECT id FROM messages WHERE organisation_id = $1",
            organisation
        )
        .await
    );
    assert!(options(&page, "organisation").contains(&(organisation.to_string(), true)));
    // Someone who sees one organisation's cases gets no select, and naming
    // another organisation widens nothing: the API says which value is wrong.
    let (_, head) = app.session_of("head@demo.vmeste.example").await;
    let mut own = Browser::new(&app);
    own.sign_in("head@demo.vmeste.example", "vmeste-demo").await;
    assert!(options(&own.get("/staff/inbox").await.body, "organisation").is_empty());
    let other = org_id(&app, "mfc").await;
    let refused = app
        .call(
            "GET",
            &format!("/api/v1/inbox?organisation={other}"),
            &head,
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(refused.json()["errors"][0]["field"], "organisation");
    let unassigned = listed(&staff.get("/staff/inbox?assignee=none").await.body);
    assert!(!unassigned.is_empty());
    let mut handle = app.test.db.read().await.unwrap();
    for id in unassigned {
        let assigned: Option<i64> = Sql::new("SELECT assignee_id FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one::<(Option<i64>,)>(&mut handle.conn())
            .await
            .unwrap()
            .0;
        assert_eq!(assigned, None);
    }
}

#[tokio::test]
async fn my_messages_lists_my_cases_with_what_they_wait_for_and_what_i_follow() {
    let app = TestApp::demo().await;
    let (id, mut resident, _moderator) = routed_case(&app, "city-roads").await;
    let number: String = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT number FROM messages WHERE id = $1")
            .bind(id)
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let mine = resident.get("/my").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(&number) && mine.body.contains("Срок ответа"));
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    act(
        &mut executor,
        id,
        &[("command", "answer"), ("text", "Отремонтировано.")],
    )
    .await;
    assert!(
        resident
            .get("/my")
            .await
            .body
            .contains("Получен ответ: оцените его или оспорьте")
    );
    // Someone else's published message, followed, shows under «Я слежу».
    let other: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT MIN(m.id) FROM messages m JOIN users u ON u.id = m.author_id \
             WHERE m.public = $1 AND m.status = 'routed' AND u.email <> $2",
        )
        .bind(true)
        .bind("resident@demo.vmeste.example")
        .scalar(&mut handle.conn())
        .await
        .unwrap()
    };
    resident
        .post(&format!("/messages/{other}/follow"), &[("follow", "yes")])
        .await;
    let page = resident.get("/my").await.body;
    let followed = page.split("Я слежу").nth(1).unwrap();
    assert!(followed.contains(&format!("/messages/{other}\"")));
    // Nobody else sees this list.
    assert!(!executor.get("/my").await.body.contains(&number));
    let anonymous = app.get("/my").await;
    assert_ne!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn before_a_second_report_of_the_same_problem_the_resident_may_join_the_first() {
    let app = TestApp::demo().await;
    let (existing, topic, lat, lon): (i64, i64, f64, f64) = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new(
            "SELECT m.id, m.topic_id, m.lat, m.lon FROM messages m JOIN users u ON u.id = m.author_id \
             WHERE m.public = $1 AND m.status = 'routed' AND u.email <> $2 ORDER BY m.id LIMIT 1",
        )
        .bind(true)
        .bind("resident@demo.vmeste.example")
        .fetch_one(&mut handle.conn())
        .await
        .unwrap()
    };
    let count = async || -> i64 {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT COUNT(*) FROM messages")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let before = count().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    // A few metres from the existing message, the same topic.
    let (lat, lon) = (format!("{:.6}", lat + 0.0002), format!("{lon:.6}"));
    let topic = topic.to_string();
    let fields = vec![
        ("topic_id", topic.as_str()),
        ("text", "И у нас тут то же самое, сколько можно"),
        ("lat", lat.as_str()),
        ("lon", lon.as_str()),
    ];
    let offered = resident.post("/report", &fields).await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.body);
    assert!(offered.body.contains("Уже сообщили рядом — поддержать?"));
    assert!(
        offered
            .body
            .contains(&format!("/messages/{existing}/follow"))
    );
    assert!(
        offered.body.contains("И у нас тут то же самое"),
        "typed text kept"
    );
    assert_eq!(count().await, before, "nothing filed yet");
    // Joining the first one…
    let joined = resident
        .post(
            &format!("/messages/{existing}/follow"),
            &[("follow", "yes")],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    assert!(
        resident
            .get("/my")
            .await
            .body
            .contains(&format!("/messages/{existing}\""))
    );
    // …or filing anyway, once confirmed.
    let mut confirmed = fields.clone();
    confirmed.push(("confirmed", "1"));
    let filed = resident.post("/report", &confirmed).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn moderators_see_the_classifiers_suggestions_and_others_do_not() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let mut moderator = Browser::new(&app);
    moderator
        .sign_in("moderator@demo.vmeste.example", "vmeste-demo")
        .await;
    let queue = moderator.get("/staff/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Подсказка классификатора"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains(&format!("/staff/messages/{id}?topic=")));
    let case = moderator.get(&format!("/staff/messages/{id}")).await.body;
    assert!(case.contains("Подсказка классификатора"));
    // A suggestion's link fills the route form, without JavaScript.
    let org = org_id(&app, "uk-north").await;
    let applied = moderator
        .get(&format!("/staff/messages/{id}?organisation={org}"))
        .await
        .body;
    assert!(applied.contains(&format!("<option value=\"{org}\" selected>")));
    // Staff who do not moderate get neither the queue nor suggestions.
    let mut executor = Browser::new(&app);
    executor
        .sign_in("executor@demo.vmeste.example", "vmeste-demo")
        .await;
    assert_ne!(
        executor.get("/staff/moderation").await.status,
        StatusCode::OK
    );
    let seen = executor.get(&format!("/staff/messages/{id}")).await;
    assert!(!seen.body.contains("Подсказка классификатора"));
    // Routing it is a label the classifier learns from.
    route(&mut moderator, id, org).await;
    let mut handle = app.test.db.read().await.unwrap();
    let label = vmeste_db::routing_labels::for_message(&mut handle.conn(), id)
        .await
        .unwrap()
        .expect("a label");
    assert_eq!(label.organisation_id, Some(org));
    assert_ne!(label.verdict, vmeste_db::routing_labels::UNSUGGESTED);
}

#[tokio::test]
async fn a_platform_admin_sets_auto_route_thresholds_and_rolls_back_models() {
    let app = TestApp::demo().await;
    let mut admin = Browser::new(&app);
    admin
        .sign_in("admin@demo.vmeste.example", "vmeste-demo")
        .await;
    let page = admin.get("/admin/routing").await.body;
    assert!(page.contains("Автоматическая маршрутизация"));
    assert!(page.contains("действует"), "the demo's model is listed");
    let topic: i64 = {
        let mut handle = app.test.db.read().await.unwrap();
        Sql::new("SELECT MIN(id) FROM topics WHERE active")
            .scalar(&mut handle.conn())
            .await
            .unwrap()
    };
    let threshold = |app: &TestApp| {
        let db = app.test.db.clone();
        async move {
            let mut handle = db.read().await.unwrap();
            vmeste_db::routing_models::threshold(&mut handle.conn(), topic)
                .await
                .unwrap()
        }
    };
    let topic_field = topic.to_string();
    for bad in ["30", "abc", "101"] {
        let refused = admin
            .post(
                "/admin/routing/threshold",
                &[("topic_id", &topic_field), ("percent", bad)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(refused.body.contains("от 50 до 100"));
    }
    assert_eq!(threshold(&app).await, None, "off by default");
    let set = admin
        .post(
            "/admin/routing/threshold",
            &[("topic_id", &topic_field), ("percent", "92")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(threshold(&app).await, Some(0.92));
    let off = admin
        .post(
            "/admin/routing/threshold",
            &[("topic_id", &topic_field), ("percent", "")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(threshold(&app).await, None);
    // The demo's first model has none before it to roll back to.
    assert_eq!(
        admin.post("/admin/routing/rollback", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
