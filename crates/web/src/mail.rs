//! E-mails to people: composed here in the recipient's language, with a text
//! and an HTML body, and put on the job queue in the same transaction as the
//! change that causes them (the worker delivers them over SMTP).

use askama::Template;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vmeste_db::{Conn, DbError, jobs};

use crate::i18n::Lang;

/// The job kind the worker delivers.
pub const JOB_KIND: &str = "email";

/// A composed e-mail, as queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a link e-mail is about.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
    Invite,
}

#[derive(Template)]
#[template(path = "mail/link.txt")]
struct LinkText<'a> {
    words: &'a Words,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/link.html")]
struct LinkHtml<'a> {
    lang: &'static str,
    words: &'a Words,
    link: &'a str,
}

struct Words {
    subject: String,
    lead: String,
    action: &'static str,
    note: &'static str,
    signature: &'static str,
}

fn words(purpose: Purpose, lang: Lang, detail: &str) -> Words {
    let signature = match lang {
        Lang::Ru => "Платформа обратной связи «Вместе»",
        Lang::En => "Vmeste feedback platform",
    };
    let (subject, lead, action, note) = match (purpose, lang) {
        (Purpose::ConfirmEmail, Lang::Ru) => (
            "Подтвердите адрес электронной почты".to_owned(),
            "Чтобы завершить регистрацию, подтвердите адрес — перейдите по ссылке.".to_owned(),
            "Подтвердить адрес",
            "Ссылка действует 3 дня. Если вы не регистрировались, просто удалите письмо.",
        ),
        (Purpose::ConfirmEmail, Lang::En) => (
            "Confirm your e-mail address".to_owned(),
            "To finish signing up, confirm your address by following the link.".to_owned(),
            "Confirm address",
            "The link works for 3 days. If you did not sign up, delete this e-mail.",
        ),
        (Purpose::ResetPassword, Lang::Ru) => (
            "Смена пароля".to_owned(),
            "Вы запросили смену пароля. Задайте новый пароль по ссылке.".to_owned(),
            "Задать новый пароль",
            "Ссылка действует 1 час и срабатывает один раз. Если вы не запрашивали смену пароля, ничего не делайте: пароль останется прежним.",
        ),
        (Purpose::ResetPassword, Lang::En) => (
            "Password reset".to_owned(),
            "You asked to reset your password. Set a new one by following the link.".to_owned(),
            "Set a new password",
            "The link works once within 1 hour. If you did not ask for it, do nothing: your password stays as it is.",
        ),
        (Purpose::Invite, Lang::Ru) => (
            "Приглашение в «Вместе»".to_owned(),
            format!("Вас пригласили работать на платформе: {detail}."),
            "Принять приглашение",
            "Приглашение действует 7 дней.",
        ),
        (Purpose::Invite, Lang::En) => (
            "Invitation to Vmeste".to_owned(),
            format!("You are invited to work on the platform: {detail}."),
            "Accept the invitation",
            "The invitation is open for 7 days.",
        ),
    };
    Words {
        subject,
        lead,
        action,
        note,
        signature,
    }
}

/// Composes an e-mail that carries one link.
pub fn link_email(
    purpose: Purpose,
    lang: Lang,
    to: &str,
    link: &str,
    detail: &str,
) -> Result<Email, askama::Error> {
    let words = words(purpose, lang, detail);
    let text = LinkText {
        words: &words,
        link,
    }
    .render()?;
    let html = LinkHtml {
        lang: match lang {
            Lang::Ru => "ru",
            Lang::En => "en",
        },
        words: &words,
        link,
    }
    .render()?;
    Ok(Email {
        to: to.to_owned(),
        subject: words.subject,
        text,
        html,
    })
}

#[derive(Template)]
#[template(path = "mail/case.txt")]
struct CaseText<'a> {
    lead: &'a str,
    action: &'static str,
    link: &'a str,
    signature: &'static str,
}

#[derive(Template)]
#[template(path = "mail/case.html")]
struct CaseHtml<'a> {
    lang: &'static str,
    lead: &'a str,
    action: &'static str,
    link: &'a str,
    signature: &'static str,
}

/// What happened to a resident's message, in words.
fn case_news(lang: Lang, kind: &str) -> &'static str {
    match (lang, kind) {
        (Lang::Ru, "routed") => "передано в организацию, которая отвечает за решение",
        (Lang::Ru, "redirected") => "перенаправлено в другую организацию",
        (Lang::Ru, "clarification_requested") => "требует уточнения: ответьте модератору",
        (Lang::Ru, "rejected") => "отклонено модератором",
        (Lang::Ru, "duplicate") => "объединено с ранее поданным сообщением",
        (Lang::Ru, "interim_answer") => "получило промежуточный ответ",
        (Lang::Ru, "answered") => "получило ответ: оцените его",
        (Lang::Ru, "extended") => "срок ответа продлён",
        (Lang::Ru, "closed") => "закрыто",
        (Lang::Ru, "converted") => "переведено в официальное обращение: ответ в течение 30 дней",
        (Lang::Ru, "copy_sent") => "направлено также в другой орган: он ответит по своим вопросам",
        (Lang::Ru, _) => "изменило статус",
        (Lang::En, "routed") => "was passed to the organisation responsible",
        (Lang::En, "redirected") => "was redirected to another organisation",
        (Lang::En, "clarification_requested") => "needs details: please answer the moderator",
        (Lang::En, "rejected") => "was rejected by the moderator",
        (Lang::En, "duplicate") => "was merged with an earlier message",
        (Lang::En, "interim_answer") => "got an interim answer",
        (Lang::En, "answered") => "was answered: please rate the answer",
        (Lang::En, "extended") => "had its deadline extended",
        (Lang::En, "closed") => "was closed",
        (Lang::En, "converted") => "became a formal appeal: the answer is due within 30 days",
        (Lang::En, "copy_sent") => "was also sent to another body, which will answer its part",
        (Lang::En, _) => "changed its status",
    }
}

/// The e-mail telling a resident what happened to their message.
pub fn case_email(
    lang: Lang,
    to: &str,
    number: &str,
    (kind, staff): (&str, bool),
    link: &str,
) -> Result<Email, askama::Error> {
    let (subject, lead) = if staff {
        // A staff member's e-mail about one event in their work.
        let event = crate::i18n::notification_label(lang, kind);
        match lang {
            Lang::Ru => (
                format!("{event}: {number}"),
                format!("{event}: сообщение {number}."),
            ),
            Lang::En => (
                format!("{event}: {number}"),
                format!("{event}: message {number}."),
            ),
        }
    } else {
        let news = case_news(lang, kind);
        match lang {
            Lang::Ru => (
                format!("Сообщение {number}: {news}"),
                format!("Ваше сообщение {number} {news}."),
            ),
            Lang::En => (
                format!("Message {number}: {news}"),
                format!("Your message {number} {news}."),
            ),
        }
    };
    let (action, signature) = match lang {
        Lang::Ru => ("Открыть сообщение", "Платформа обратной связи «Вместе»"),
        Lang::En => ("Open the message", "Vmeste feedback platform"),
    };
    let text = CaseText {
        lead: &lead,
        action,
        link,
        signature,
    }
    .render()?;
    let html = CaseHtml {
        lang: if lang == Lang::En { "en" } else { "ru" },
        lead: &lead,
        action,
        link,
        signature,
    }
    .render()?;
    Ok(Email {
        to: to.to_owned(),
        subject,
        text,
        html,
    })
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct DigestText<'a> {
    lead: &'a str,
    lines: &'a [String],
    action: &'static str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    lang: &'static str,
    lead: &'a str,
    lines: &'a [String],
    action: &'static str,
    link: &'a str,
}

/// A staff member's daily digest: what happened in their cases, counted.
pub fn digest_email(
    lang: Lang,
    to: &str,
    counts: &[(String, i64)],
    link: &str,
) -> Result<Email, askama::Error> {
    let lines: Vec<String> = counts
        .iter()
        .map(|(kind, n)| format!("{}: {n}", staff_news(lang, kind)))
        .collect();
    let (subject, lead, action) = match lang {
        Lang::Ru => (
            "Сводка за сутки по сообщениям",
            "За сутки в ваших сообщениях:",
            "Открыть входящие",
        ),
        Lang::En => (
            "Your daily digest of cases",
            "In your cases over the last day:",
            "Open the inbox",
        ),
    };
    let text = DigestText {
        lead,
        lines: &lines,
        action,
        link,
    }
    .render()?;
    let html = DigestHtml {
        lang: if lang == Lang::En { "en" } else { "ru" },
        lead,
        lines: &lines,
        action,
        link,
    }
    .render()?;
    Ok(Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
    })
}

/// What a staff notification is about, in words.
fn staff_news(lang: Lang, kind: &str) -> &'static str {
    match (lang, kind) {
        (Lang::Ru, "new_in_inbox") => "новых во входящих",
        (Lang::Ru, "assigned") => "назначено вам",
        (Lang::Ru, "due_soon") => "скоро истекает срок",
        (Lang::Ru, "overdue") => "просрочено",
        (Lang::Ru, "disputed") => "ответ оспорен",
        (Lang::Ru, "answer_to_approve") => "ответов ждут утверждения",
        (Lang::Ru, "registration_overdue") => "обращений не зарегистрировано за 3 дня",
        (Lang::Ru, _) => "других изменений",
        (Lang::En, "new_in_inbox") => "new in the inbox",
        (Lang::En, "assigned") => "assigned to you",
        (Lang::En, "due_soon") => "due soon",
        (Lang::En, "overdue") => "overdue",
        (Lang::En, "disputed") => "answers disputed",
        (Lang::En, "answer_to_approve") => "answers awaiting approval",
        (Lang::En, "registration_overdue") => "appeals unregistered after 3 days",
        (Lang::En, _) => "other changes",
    }
}

/// Queues an e-mail; it leaves when the surrounding transaction commits.
pub async fn enqueue(
    conn: &mut Conn<'_>,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let payload = serde_json::to_string(email)
        .map_err(|e| DbError::Config(format!("e-mail payload: {e}")))?;
    jobs::enqueue(
        conn,
        &jobs::NewJob {
            kind: JOB_KIND,
            payload: &payload,
            dedupe_key: None,
            run_at: now,
            max_attempts: 8,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The language to write to a user in.
pub fn lang_of(locale: &str) -> Lang {
    if locale == "en" { Lang::En } else { Lang::Ru }
}
