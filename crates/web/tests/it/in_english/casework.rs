//! The staff's case work in English: the moderation queue, the inbox with
//! its bulk actions, and a case page with its forms and their errors. Each
//! check also looks for the former Russian, so a text falling back to
//! Russian fails.

use axum::http::{StatusCode, header};
use vmeste_db::Sql;

use super::{assert_english, signed_in};
use crate::accounts::Browser;
use crate::common::{TestApp, options};
use crate::workspace::{act, report, routed_case};

async fn number(app: &TestApp, id: i64) -> String {
    let mut handle = app.test.db.read().await.unwrap();
    Sql::new("SELECT number FROM messages WHERE id = $1")
        .bind(id)
        .scalar(&mut handle.conn())
        .await
        .unwrap()
}

async fn topic_names(app: &TestApp, id: i64) -> (String, String) {
    #[derive(sqlx::FromRow)]
    struct Names {
        name_ru: String,
        name_en: String,
    }
    let mut handle = app.test.db.read().await.unwrap();
    let names: Names = Sql::new(
        "SELECT t.name_ru, t.name_en FROM messages m JOIN topics t ON t.id = m.topic_id \
         WHERE m.id = $1",
    )
    .bind(id)
    .fetch_one(&mut handle.conn())
    .await
    .unwrap();
    (names.name_ru, names.name_en)
}

fn has_cyrillic(text: &str) -> bool {
    text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

/// The page's title, headings, terms, table headings, labels, legends and
/// buttons that still have Russian in them, the message's number (whose
/// letter is Cyrillic) left out. People's names and texts live elsewhere.
fn russian_interface(html: &str, number: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in ["title", "h1", "h2", "dt", "th", "label", "legend", "button"] {
        for part in html.split(&format!("<{tag}")).skip(1) {
            let inner = part.split_once('>').map_or("", |(_, rest)| rest);
            let inner = inner.split(&format!("</{tag}>")).next().unwrap();
            // Tags inside (a checkbox in a label) are not text.
            let text: String = inner
                .split('<')
                .map(|piece| piece.split_once('>').map_or(piece, |(_, text)| text))
                .collect();
            let text = text.replace(number, "");
            if has_cyrillic(&text) {
                found.push(text);
            }
        }
    }
    found
}

#[tokio::test]
async fn the_moderator_reads_the_queue_and_a_case_in_english() {
    let app = TestApp::demo().await;
    let mut resident = Browser::new(&app);
    resident
        .sign_in("resident@demo.vmeste.example", "vmeste-demo")
        .await;
    let id = report(&mut resident).await;
    let number = number(&app, id).await;
    let mut moderator = signed_in(&app, "moderator@demo.vmeste.example").await;

    let queue = moderator.get("/staff/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&number));
    assert_english(
        &queue.body,
        &[
            "<h1>Moderation</h1>",
            ">Inbox</a>",
            "In moderation",
            "Keys: <kbd>j</kbd>",
        ],
        &["Модерация", "Входящие", "На модерации", "Клавиши"],
    );
    assert_eq!(russian_interface(&queue.body, ""), Vec::<String>::new());
    // The rows name the topic as the catalogue does in English.
    let (topic_ru, topic_en) = topic_names(&app, id).await;
    assert!(!topic_en.is_empty());
    assert_english(&queue.body, &[&topic_en], &[&topic_ru]);
    let api = moderator.get("/api/v1/inbox?status=moderation").await;
    let items = api.json()["items"].as_array().unwrap().clone();
    let item = items.iter().find(|item| item["id"] == id).unwrap();
    assert_eq!(item["topic"], topic_en.as_str());

    let case = moderator.get(&format!("/staff/messages/{id}")).await;
    assert_eq!(case.status, StatusCode::OK);
    assert_english(
        &case.body,
        &[
            "Approve and pass on",
            "Ask for details",
            "Spam or advertising",
            "keep as is",
            "Message sent",
            "not assigned",
            "working days left",
            "recorded in the audit log",
        ],
        &[
            "Одобрить и передать",
            "Запросить уточнение",
            "Спам или реклама",
            "не менять",
            "Сообщение отправлено",
            "не назначен",
            "рабочих дн",
            "журнал аудита",
        ],
    );
    assert_eq!(russian_interface(&case.body, &number), Vec::<String>::new());

    // A form that cannot be used: the reason in English, the question kept.
    let bad = act(
        &mut moderator,
        id,
        &[
            ("command", "request_clarification"),
            ("text", "Which entrance of the house?"),
            ("days", "many"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::CONFLICT);
    assert_english(
        &bad.body,
        &[
            "Give a number of days from 1 to 10.",
            "Which entrance of the house?",
        ],
        &["Укажите число дней"],
    );
}

#[tokio::test]
async fn the_executor_works_a_case_in_english() {
    let app = TestApp::demo().await;
    let (id, _resident, _moderator) = routed_case(&app, "city-roads").await;
    let number = number(&app, id).await;
    let mut executor = signed_in(&app, "executor@demo.vmeste.example").await;

    let inbox = executor.get("/staff/inbox").await;
    assert!(inbox.body.contains(&number));
    assert_english(
        &inbox.body,
        &[
            "<h1>Inbox</h1>",
            "assigned to me",
            "due within 3 days",
            "With the selected",
            ">assign an executor</option>",
            "Apply</button>",
            "Passed to the organisation",
            "working days left",
        ],
        &[
            "Входящие",
            "назначенные мне",
            "истекает в ближайшие",
            "С отмеченными",
            "Выполнить",
            "Передано исполнителю",
            "рабочих дн",
        ],
    );
    assert_eq!(russian_interface(&inbox.body, ""), Vec::<String>::new());

    let page = format!("/staff/messages/{id}");
    let case = executor.get(&page).await;
    assert_english(
        &case.body,
        &[
            "Start work",
            "Answer to the author",
            "Up to 5 files of 10 MB each",
            "Internal comment (not shown to the author)",
            "Passed to the responsible organisation",
        ],
        &[
            "Взять в работу",
            "Ответ автору",
            "До 5 файлов",
            "Внутренний комментарий",
        ],
    );
    assert_eq!(russian_interface(&case.body, &number), Vec::<String>::new());

    // Refusals speak English: the case's rules, and the files' checks.
    let empty = act(&mut executor, id, &[("command", "answer"), ("text", " ")]).await;
    assert_eq!(empty.status, StatusCode::CONFLICT);
    assert_english(&empty.body, &["Write the text."], &["Напишите текст."]);
    let text = "The pothole is filled, the act is attached.";
    let fake = executor
        .post_multipart(
            &format!("/staff/messages/{id}/act"),
            &[("command", "answer"), ("text", text)],
            &[("files", "act.pdf", b"<html></html>")],
        )
        .await;
    assert_eq!(fake.status, StatusCode::CONFLICT);
    assert_english(
        &fake.body,
        &["The file «act.pdf» does not fit", text],
        &["не подходит"],
    );

    let pdf: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    let sent = executor
        .post_multipart(
            &format!("/staff/messages/{id}/act"),
            &[("command", "answer"), ("text", text)],
            &[("files", "act.pdf", pdf)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let answered = executor.get(&format!("{page}?done=answer")).await;
    assert_english(
        &answered.body,
        &[
            "Done: the action is taken.",
            "act.pdf</a> (1 KB)",
            "Answered",
        ],
        &["Готово", "КБ", "Дан ответ"],
    );
}

#[tokio::test]
async fn a_bulk_action_reports_in_english() {
    let app = TestApp::demo().await;
    let (id, mut resident, _moderator) = routed_case(&app, "city-roads").await;
    // Still in moderation: not the executor's to assign.
    let unrouted = report(&mut resident).await;
    let mut executor = signed_in(&app, "executor@demo.vmeste.example").await;
    let inbox = executor.get("/staff/inbox").await;
    let (assignee, _) = options(&inbox.body, "bulk-executor").remove(0);
    let done = executor
        .post(
            "/staff/inbox/bulk",
            &[
                ("ids", &id.to_string()),
                ("ids", &unrouted.to_string()),
                ("command", "assign"),
                ("executor_id", &assignee),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let report = executor.get(done.header(header::LOCATION)).await;
    assert_english(
        &report.body,
        &["Done: 1. Not done: 1 — the action is not possible for them now."],
        &["Выполнено", "Не выполнено"],
    );
}
