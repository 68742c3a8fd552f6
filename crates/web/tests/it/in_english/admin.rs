//! Administrators' pages in English: the platform administrator's routing
//! rules, house register, production calendar, security and audit log, and an
//! organisation's staff, API keys, answer templates and widget. Forms refused
//! in English keep what was typed.

use axum::http::StatusCode;

use super::signed_in;
use crate::accounts::outbox;
use crate::common::TestApp;
use crate::workspace::org_id;

/// The Russian texts of these pages (`locales/ru/admin.ftl`), long enough
/// not to occur inside other words: none may show on an English page.
fn russian_texts() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/locales/ru/admin.ftl");
    let texts: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(_, text)| text.trim().to_owned())
        .filter(|text| text.chars().count() >= 5)
        .collect();
    assert!(texts.len() > 80, "{texts:?}");
    texts
}

/// The page has every English text and none of the Russian ones, neither
/// this module's nor `also_absent`.
fn assert_english(body: &str, present: &[&str], also_absent: &[&str]) {
    let russian = russian_texts();
    let mut absent: Vec<&str> = russian.iter().map(String::as_str).collect();
    absent.extend(also_absent);
    super::assert_english(body, present, &absent);
}

#[tokio::test]
async fn routing_rules_speak_english_and_a_refused_rule_keeps_its_choices() {
    let app = TestApp::demo().await;
    let mut admin = signed_in(&app, "admin@demo.vmeste.example").await;
    let page = admin.get("/admin/routing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_english(
        &page.body,
        &[
            "<title>Routing rules",
            "<h1>Routing rules</h1>",
            "<h2>New rule</h2>",
            "<label for=\"area\">Responsibility area</label>",
            "— or choose a topic below —",
            "<option value=\"\">the whole region</option>",
            "<th>Area or topic</th><th>Territory</th><th>Organisation</th>",
            "Ministry of Health",
            ">Delete</button>",
        ],
        &["Тема", "Министерство здравоохранения"],
    );

    let roads = org_id(&app, "city-roads").await.to_string();
    let neither = admin
        .post(
            "/admin/routing",
            &[("area", ""), ("topic_id", ""), ("organisation_id", &roads)],
        )
        .await;
    assert_eq!(neither.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &neither.body,
        &[
            "Choose either a responsibility area or one topic.",
            &format!("<option value=\"{roads}\" selected>"),
        ],
        &[],
    );

    // The demo has a region-wide rule for agriculture already.
    let twice = admin
        .post(
            "/admin/routing",
            &[("area", "agriculture"), ("organisation_id", &roads)],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &twice.body,
        &[
            "This area and territory already have a rule: delete the old one first.",
            "<option value=\"agriculture\" selected>",
        ],
        &[],
    );
}

#[tokio::test]
async fn the_house_register_speaks_english_and_a_refused_house_keeps_its_address() {
    let app = TestApp::demo().await;
    let mut admin = signed_in(&app, "admin@demo.vmeste.example").await;
    let page = admin.get("/admin/houses").await;
    assert_english(
        &page.body,
        &[
            "<h1>Houses and management companies</h1>",
            "<label for=\"lat\">Latitude</label>",
            "<h2>Register (",
            "Management company of ",
            "<option value=\"\">none (by territory)</option>",
        ],
        &[],
    );

    let refused = admin
        .post(
            "/admin/houses",
            &[("address", "Lenina 10"), ("lat", "91"), ("lon", "0")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &refused.body,
        &[
            "Give the house&#39;s latitude and longitude within the region",
            "Choose a management company.",
            "value=\"Lenina 10\"",
        ],
        &[],
    );
}

#[tokio::test]
async fn the_production_calendar_speaks_english_and_a_refused_day_keeps_its_grounds() {
    let app = TestApp::demo().await;
    let mut admin = signed_in(&app, "admin@demo.vmeste.example").await;
    let page = admin.get("/admin/calendar?year=2026").await;
    assert_english(
        &page.body,
        &[
            "<h1>Production calendar 2026</h1>",
            "aria-label=\"Years\"",
            "Working days in the year: <strong>",
            "<h2>Special days in 2026</h2>",
            "<td>Public holiday</td>",
            "<option value=\"short_day\">Shortened day before a holiday</option>",
            ">federal<",
        ],
        &["Нерабочий праздничный день", ">Дата<"],
    );
    let empty = admin.get("/admin/calendar?year=2099").await;
    assert_english(&empty.body, &["This year has no special days"], &[]);

    let refused = admin
        .post(
            "/admin/calendar",
            &[
                ("day", "14.09.2026"),
                ("kind", "holiday"),
                ("note", "City Day"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &refused.body,
        &[
            "Give the date as YYYY-MM-DD.",
            "value=\"City Day\"",
            "<option value=\"holiday\" selected>Public holiday</option>",
        ],
        &[],
    );

    let set = admin
        .post(
            "/admin/calendar",
            &[
                ("day", "2026-09-14"),
                ("kind", "holiday"),
                ("note", "City Day"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let corrected = admin.get("/admin/calendar?year=2026").await;
    assert_english(
        &corrected.body,
        &["<td>City Day</td>", "correction <button", ">Undo</button>"],
        &[],
    );
}

#[tokio::test]
async fn security_and_the_audit_log_speak_english() {
    let app = TestApp::demo().await;
    let admin = signed_in(&app, "admin@demo.vmeste.example").await;
    let security = admin.get("/admin/security?saved=1").await;
    assert_english(
        &security.body,
        &[
            "<h1>Platform security</h1>",
            "Saved.",
            "Require staff to sign in with a second factor (a code from an app)",
            "<button type=\"submit\">Save</button>",
        ],
        &[">Сохранить<"],
    );

    let audit = admin.get("/admin/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_english(
        &audit.body,
        &[
            "<h1>Audit log</h1>",
            "<option value=\"\">all</option>",
            "<th>When (UTC)</th><th>Who</th><th>Action</th><th>Object</th>",
            "<th>IP address</th>",
        ],
        &[">Кто<"],
    );
    let bad_number = admin.get("/admin/audit?actor=first").await;
    assert_eq!(bad_number.status, StatusCode::BAD_REQUEST);
    assert_english(
        &bad_number.body,
        &[
            "Staff member and object numbers are whole numbers.",
            "value=\"first\"",
        ],
        &[],
    );
    let bad_date = admin.get("/admin/audit?from=2026-13-01").await;
    assert_english(
        &bad_date.body,
        &["Dates are in the format YYYY-MM-DD."],
        &[],
    );
}

#[tokio::test]
async fn staff_and_invitations_speak_english_with_english_roles() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let mut orgadmin = signed_in(&app, "orgadmin@demo.vmeste.example").await;
    let path = format!("/org/{city}/staff");
    let page = orgadmin.get(&path).await;
    assert_english(
        &page.body,
        &[
            "<title>Staff: Priozersk City Administration",
            "<th>Name</th><th>E-mail</th><th>Role</th><th>Second factor</th>",
            "Organisation administrator",
            "<option value=\"operator\">Operator</option>",
            "<h2>Invite a staff member</h2>",
            "Including the organisations below this one",
        ],
        &["Оператор", "Администратор организации"],
    );

    let invites = format!("/org/{city}/invites");
    let refused = orgadmin
        .post(
            &invites,
            &[("email", "new.person@example.org"), ("role", "mayor")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &refused.body,
        &[
            "Choose a role from the list.",
            "value=\"new.person@example.org\"",
        ],
        &[],
    );

    let sent = orgadmin
        .post(
            &invites,
            &[("email", "new.person@example.org"), ("role", "operator")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let after = orgadmin
        .get(sent.header(axum::http::header::LOCATION))
        .await;
    assert_english(
        &after.body,
        &[
            "The invitation was sent to new.person@example.org.",
            "<h2>Awaiting an answer</h2>",
            "new.person@example.org — Operator, until ",
            ">Cancel</button>",
        ],
        &[],
    );
    // A newcomer is invited in the inviter's language; someone with an
    // account, in theirs.
    let mail = outbox(&app).await;
    let newcomer = mail.last().unwrap();
    assert_eq!(newcomer.subject, "Invitation to Vmeste");
    assert!(
        newcomer
            .text
            .contains("Operator — Priozersk City Administration"),
        "{}",
        newcomer.text
    );
    let resident = "resident@demo.vmeste.example";
    orgadmin
        .post(&invites, &[("email", resident), ("role", "operator")])
        .await;
    let known = outbox(&app).await.pop().unwrap();
    assert_eq!(known.to, resident);
    assert_eq!(known.subject, "Приглашение в «Вместе»");
    assert!(known.text.contains("Оператор — "), "{}", known.text);
}

#[tokio::test]
async fn api_keys_speak_english_and_a_refused_key_keeps_its_name() {
    let app = TestApp::demo().await;
    let city = org_id(&app, "city-admin").await;
    let mut orgadmin = signed_in(&app, "orgadmin@demo.vmeste.example").await;
    let path = format!("/org/{city}/api-keys");
    let page = orgadmin.get(&path).await;
    assert_english(
        &page.body,
        &[
            "<h1>API keys</h1>",
            "on the organisation&#39;s behalf: <code>Authorization: Bearer &lt;key&gt;</code>.",
            "<label for=\"name\">Name (which system)</label>",
            "<legend>Scopes</legend>",
            "read messages and the catalogue",
            "<button type=\"submit\">Create the key</button>",
        ],
        &[],
    );

    let refused = orgadmin.post(&path, &[("name", "City portal")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &refused.body,
        &["Tick at least one scope.", "value=\"City portal\""],
        &[],
    );

    let created = orgadmin
        .post(
            &path,
            &[("name", "City portal"), ("read", "1"), ("submit", "1")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    assert_english(
        &created.body,
        &[
            "Key created. Copy it now — it will not be shown again:",
            "<td>read, submit</td>",
        ],
        &["чтение"],
    );
    let key = created
        .body
        .split(&format!("/org/{city}/api-keys/"))
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    orgadmin.post(&format!("{path}/{key}/revoke"), &[]).await;
    let revoked = orgadmin.get(&path).await;
    assert_english(&revoked.body, &["<td>revoked</td>"], &[]);
}

#[tokio::test]
async fn answer_templates_and_the_widget_speak_english() {
    let app = TestApp::demo().await;
    let roads = org_id(&app, "city-roads").await;
    let mut head = signed_in(&app, "head@demo.vmeste.example").await;
    let path = format!("/org/{roads}/templates");
    let page = head.get(&path).await;
    assert_english(
        &page.body,
        &[
            "<title>Answer templates: City Road Committee",
            "<h2>New template</h2>",
            "<option value=\"\">any</option>",
            "<button type=\"submit\">Save the template</button>",
        ],
        &["любая"],
    );
    // The first topic offered, by its English name.
    let (topic, name) = page
        .body
        .split("<option value=\"\">any</option><option value=\"")
        .nth(1)
        .and_then(|rest| rest.split_once("\">"))
        .map(|(id, rest)| (id.to_owned(), rest.split('<').next().unwrap().to_owned()))
        .unwrap();

    let refused = head
        .post(&path, &[("title", "Pothole answer"), ("text", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english(
        &refused.body,
        &[
            "Write the template&#39;s text (up to 4000 characters).",
            "value=\"Pothole answer\"",
        ],
        &[],
    );

    let added = head
        .post(
            &path,
            &[
                ("title", "Pothole answer"),
                ("text", "We will repair it."),
                ("topic_id", &topic),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let listed = head.get(&path).await;
    assert_english(
        &listed.body,
        &[
            &format!("<td>Pothole answer</td><td>{name}</td>"),
            ">Delete</button>",
        ],
        &[],
    );

    let city = org_id(&app, "city-admin").await;
    let orgadmin = signed_in(&app, "orgadmin@demo.vmeste.example").await;
    let widget = orgadmin.get(&format!("/org/{city}/widget")).await;
    assert_english(
        &widget.body,
        &[
            "<h1>The «Report a problem» widget</h1>",
            "<h2 id=\"settings-title\">Look and presets</h2>",
        ],
        &[],
    );
}
