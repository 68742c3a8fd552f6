//! The real server on a real socket, driven like a browser without JavaScript.

use std::sync::Arc;

use tokio::sync::watch;
use vmeste::config::Config;
use vmeste_domain::clock::Clock;
use vmeste_test_support::{TestDb, fake_clock};

use crate::running::Running;

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
    let server = Running::demo(|_| {}).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = &server.base;
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
    server.stop().await;
}

/// Sign-up through the real server; the worker delivers the confirmation
/// through a real SMTP server, and the link in it confirms the address.
#[tokio::test]
async fn confirmation_mail_goes_through_smtp_and_its_link_works() {
    let smtp = vmeste_test_support::smtp::SmtpSink::start();
    let test = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        database_url: test.url.clone(),
        data_dir: data.path().to_path_buf(),
        auto_migrate: Some(true),
        demo: false,
        worker: true,
        smtp_url: smtp.url(),
        mail_from: "Вместе <noreply@vmeste.test>".into(),
        public_url: base.clone(),
        ..Config::default()
    };
    let (stop, shutdown) = watch::channel(false);
    let clock: Arc<dyn Clock> = fake_clock();
    let server =
        tokio::spawn(async move { vmeste::serve::run(&config, listener, clock, shutdown).await });

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let form = client.get(format!("{base}/signup")).send().await.unwrap();
    let html = form.text().await.unwrap();
    let token = field(&html, "name=\"csrf\" value=\"").to_string();
    let reply = client
        .post(format!("{base}/signup"))
        .form(&[
            ("csrf", token.as_str()),
            ("name", "Ольга Почтова"),
            ("email", "olga@example.org"),
            ("password", "письмо дойдёт точно"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);

    let mails = smtp.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail.to, ["olga@example.org"]);
    assert_eq!(mail.from, "noreply@vmeste.test");
    assert_eq!(mail.subject, "Подтвердите адрес электронной почты");
    let text = mail.text.as_deref().unwrap();
    let html = mail.html.as_deref().unwrap();
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with(&base))
        .unwrap_or_else(|| panic!("no link in {text}"));
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");

    let confirmed = client.get(link).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .await
            .unwrap()
            .contains("Адрес подтверждён")
    );

    stop.send(true).unwrap();
    server.await.unwrap().unwrap();
}

/// Staff who take e-mail get one digest a day, delivered over SMTP.
#[tokio::test]
async fn staff_get_one_daily_digest_of_their_notifications() {
    use vmeste::mailer::Mailer;
    use vmeste::worker::Worker;
    use vmeste_db::{Sql, notifications};

    let smtp = vmeste_test_support::smtp::SmtpSink::start();
    let test = TestDb::new().await;
    let clock = fake_clock();
    vmeste_db::demo::load(
        &test.db,
        clock.as_ref(),
        &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let executor: i64 = {
        let mut tx = test.db.write().await.unwrap();
        let id: i64 = Sql::new("SELECT id FROM users WHERE email = $1")
            .bind("executor@demo.vmeste.example")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        for kind in ["new_in_inbox", "new_in_inbox", "overdue"] {
            notifications::add(&mut tx.conn(), id, None, kind, clock.now())
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        id
    };
    assert!(executor > 0);
    let mailer = Arc::new(Mailer::new(&smtp.url(), "Вместе <noreply@vmeste.test>").unwrap());
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let worker = Worker::new(
        test.db.clone(),
        clock_dyn,
        mailer,
        vmeste_web::Storage::default(),
        "http://vmeste.test",
    );
    worker.schedule().await.unwrap();
    while worker.run_one().await.unwrap() {}
    // Scheduling again the same day sends nothing more.
    worker.schedule().await.unwrap();
    while worker.run_one().await.unwrap() {}

    let mails = smtp.wait_for(1).await;
    let digests: Vec<_> = mails
        .iter()
        .filter(|m| {
            m.subject == "Сводка за сутки по сообщениям" && m.to == ["executor@demo.vmeste.example"]
        })
        .collect();
    assert_eq!(digests.len(), 1, "one digest a day");
    let text = digests[0].text.as_deref().unwrap();
    assert!(
        text.contains("новых во входящих: 2") && text.contains("просрочено: 1"),
        "{text}"
    );
    assert!(text.contains("http://vmeste.test/staff/inbox"));
}

/// A staff member who chose an e-mail for each event gets it at once, with a
/// link to the staff page, and no digest.
#[tokio::test]
async fn staff_who_choose_each_event_get_it_at_once_and_no_digest() {
    use vmeste::mailer::Mailer;
    use vmeste::worker::Worker;
    use vmeste_db::{Sql, notifications};

    let smtp = vmeste_test_support::smtp::SmtpSink::start();
    let test = TestDb::new().await;
    let clock = fake_clock();
    vmeste_db::demo::load(
        &test.db,
        clock.as_ref(),
        &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let (org, message): (i64, i64) = {
        let mut tx = test.db.write().await.unwrap();
        Sql::new("UPDATE users SET staff_mail = $1 WHERE email = $2")
            .bind("each")
            .bind("executor@demo.vmeste.example")
            .execute(&mut tx.conn())
            .await
            .unwrap();
        let org: i64 = Sql::new(
            "SELECT r.organisation_id FROM staff_roles r JOIN users u ON u.id = r.user_id WHERE u.email = $1",
        )
        .bind("executor@demo.vmeste.example")
        .scalar(&mut tx.conn())
        .await
        .unwrap();
        let message: i64 = Sql::new("SELECT MIN(id) FROM messages WHERE organisation_id = $1")
            .bind(org)
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        notifications::notify_organisation(
            &mut tx.conn(),
            org,
            message,
            "new_in_inbox",
            clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (org, message)
    };
    assert!(org > 0);
    let mailer = Arc::new(Mailer::new(&smtp.url(), "Вместе <noreply@vmeste.test>").unwrap());
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let worker = Worker::new(
        test.db.clone(),
        clock_dyn,
        mailer,
        vmeste_web::Storage::default(),
        "http://vmeste.test",
    );
    worker.schedule().await.unwrap();
    while worker.run_one().await.unwrap() {}

    let mails = smtp.wait_for(1).await;
    let mine: Vec<_> = mails
        .iter()
        .filter(|m| m.to == ["executor@demo.vmeste.example"])
        .collect();
    assert_eq!(mine.len(), 1, "one e-mail, no digest: {mine:?}");
    assert!(
        mine[0].subject.starts_with("Новое сообщение во входящих"),
        "{}",
        mine[0].subject
    );
    let text = mine[0].text.as_deref().unwrap();
    assert!(
        text.contains(&format!("http://vmeste.test/staff/messages/{message}")),
        "{text}"
    );
}

/// The worker makes a photo's smaller copies in the configured store.
#[tokio::test]
async fn the_worker_makes_smaller_copies_of_photos() {
    use vmeste::mailer::Mailer;
    use vmeste::worker::Worker;
    use vmeste_db::{Sql, attachments};

    let test = TestDb::new().await;
    let clock = fake_clock();
    vmeste_db::demo::load(
        &test.db,
        clock.as_ref(),
        &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let storage = vmeste_web::Storage::local(dir.path()).unwrap();
    let photo = vmeste_web::photos::accept(&vmeste_web::upload::RawFile {
        filename: "wide.jpg".into(),
        bytes: include_bytes!("../../../test-support/fixtures/gps-rotated.jpg").to_vec(),
    })
    .unwrap();
    let key = "messages/1/photo/test.jpg";
    storage.put(key, photo.jpeg).await.unwrap();
    {
        let mut tx = test.db.write().await.unwrap();
        let message: i64 = Sql::new("SELECT MIN(id) FROM messages")
            .scalar(&mut tx.conn())
            .await
            .unwrap();
        let id = attachments::insert(
            &mut tx.conn(),
            &attachments::NewAttachment {
                message_id: message,
                purpose: attachments::PHOTO,
                storage_key: key,
                filename: "wide.jpg",
                content_type: "image/jpeg",
                size: 1,
                uploaded_by: None,
            },
            clock.now(),
        )
        .await
        .unwrap();
        attachments::enqueue_sizes(&mut tx.conn(), id, clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let mailer = Arc::new(Mailer::new("", "Вместе <noreply@vmeste.test>").unwrap());
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let worker = Worker::new(
        test.db.clone(),
        clock_dyn,
        mailer,
        storage,
        "http://vmeste.test",
    );
    while worker.run_one().await.unwrap() {}
    for (size, _) in attachments::SIZES {
        assert!(
            dir.path().join(attachments::sized_key(key, size)).exists(),
            "{size}"
        );
    }
}
