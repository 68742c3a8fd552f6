//! The user's language and the texts in it. Pages' texts live in Fluent
//! files (`locales/{ru,en}/*.ftl`, compiled in), so Russian gets its
//! one/few/many plurals; the language is the `lang` cookie (set by the
//! switcher and, at sign-in, from the account), else `Accept-Language`, else
//! Russian.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Request};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, HOST, REFERER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use vmeste_domain::deadline::Remaining;
use vmeste_domain::validation::FieldError;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        // No Unicode isolation marks around arguments: they would show in
        // form values and break copying numbers.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The best supported language of an `Accept-Language` header; Russian
    /// when nothing matches.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best = (Lang::Ru, -1.0_f32);
        for part in accept_language.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("ru") => Lang::Ru,
                Some("en") => Lang::En,
                _ => continue,
            };
            if q > best.1 {
                best = (lang, q);
            }
        }
        best.0
    }

    /// The code of the language, as in `lang` attributes and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }

    /// The text of a message id.
    pub fn t(self, id: &str) -> String {
        LOCALES.lookup(self.id(), id)
    }

    /// The text of a message id with a count, for its plural forms (`$n`).
    pub fn t_n(self, id: &str, n: i64) -> String {
        self.t_with(id, &[("n", n.into())])
    }

    /// The text of a message id with named arguments.
    pub fn t_with(self, id: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(self.id(), id, &args)
    }

    /// Text in this language's name, e.g. a topic's `name_ru` or `name_en`.
    pub fn pick<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.is_empty() => en,
            _ => ru,
        }
    }

    fn from_cookie(cookies: &str) -> Option<Lang> {
        cookies.split(';').find_map(|c| match c.trim() {
            "lang=ru" => Some(Lang::Ru),
            "lang=en" => Some(Lang::En),
            _ => None,
        })
    }
}

/// The language of a request: the `lang` cookie, else `Accept-Language`.
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(COOKIE)
        .and_then(Lang::from_cookie)
        .or_else(|| header(ACCEPT_LANGUAGE).map(Lang::negotiate))
        .unwrap_or(Lang::Ru)
}

/// The `Set-Cookie` header that makes a language the browser's choice for a
/// year (not secret, so readable by scripts; `SameSite=Lax` like the rest).
pub fn cookie(lang: Lang) -> Option<(HeaderName, HeaderValue)> {
    let value = format!(
        "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    HeaderValue::from_str(&value).ok().map(|v| (SET_COOKIE, v))
}

/// The language switcher: `/lang/en` remembers English and goes back to the
/// page it was pressed on (this site's pages only).
pub async fn switch(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let back = headers
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|r| {
            let host = headers.get(HOST).and_then(|h| h.to_str().ok());
            host.is_some()
                && r.host_str()
                    .map(|h| match r.port() {
                        Some(port) => format!("{h}:{port}"),
                        None => h.to_owned(),
                    })
                    .as_deref()
                    == host
        })
        .map(|r| match r.query() {
            Some(q) => format!("{}?{q}", r.path()),
            None => r.path().to_owned(),
        });
    let back = crate::html::form::safe_next(back.as_deref());
    let mut response = Redirect::to(&back).into_response();
    if let Some((name, value)) = cookie(lang) {
        response.headers_mut().insert(name, value);
    }
    response
}

tokio::task_local! {
    static CURRENT: Lang;
}

/// Runs the request knowing its language, so that every page part can
/// speak it without passing it along. The widget speaks the language its
/// embedding site asked for: no cookie of ours reaches it there.
pub async fn scope(request: Request, next: Next) -> Response {
    let lang = crate::html::widget::lang_of(request.uri())
        .unwrap_or_else(|| from_headers(request.headers()));
    CURRENT.scope(lang, next.run(request)).await
}

/// The language of the request being served (Russian outside one).
pub fn current() -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or(Lang::Ru)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(from_headers(&parts.headers))
    }
}

/// A field error in words, with its limit where it has one: the field's own
/// wording (`error-location-required`) where the locale has one, else the
/// code's (`error-required`).
pub fn field_message(lang: Lang, error: &FieldError) -> String {
    let code = error.code.as_str().replace('_', "-");
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::from([(
        Cow::Borrowed("limit"),
        FluentValue::from(error.limit.unwrap_or_default()),
    )]);
    let own = format!("error-{}-{code}", error.field.replace('_', "-"));
    LOCALES
        .try_lookup_with_args(lang.id(), &own, &args)
        .unwrap_or_else(|| LOCALES.lookup_with_args(lang.id(), &format!("error-{code}"), &args))
}

/// The text of `{prefix}-{code}` (underscores as dashes), or of
/// `{prefix}-other` for a code the locale does not know.
fn coded(lang: Lang, prefix: &str, code: &str) -> String {
    let id = format!("{prefix}-{}", code.replace('_', "-"));
    LOCALES
        .try_lookup(lang.id(), &id)
        .unwrap_or_else(|| lang.t(&format!("{prefix}-other")))
}

/// What is left of a deadline, in words.
pub fn remaining_label(lang: Lang, remaining: Remaining) -> String {
    match remaining {
        Remaining::DueToday => lang.t("remaining-today"),
        Remaining::Overdue { days } => lang.t_n("remaining-overdue", days),
        Remaining::DaysLeft {
            days,
            working: true,
        } => lang.t_n("remaining-working", days),
        Remaining::DaysLeft {
            days,
            working: false,
        } => lang.t_n("remaining-days", days),
    }
}

/// What an event of a message's history means, for residents.
pub fn event_label(lang: Lang, action: &str) -> String {
    coded(lang, "event", action)
}

/// A notification (in the application, or a staff member's e-mail) in words.
pub fn notification_label(lang: Lang, kind: &str) -> String {
    coded(lang, "notification", kind)
}

/// Titles of the API's problem documents.
pub fn problem_title(lang: Lang, code: &str) -> String {
    coded(lang, "problem", code)
}

#[cfg(test)]
mod tests {
    use super::{Lang, event_label, field_message};

    #[test]
    fn russian_plurals_have_three_forms_and_english_two() {
        let ru = [1, 2, 5, 11, 12, 21, 22, 25, 111, 101].map(|n| Lang::Ru.t_n("messages-count", n));
        assert_eq!(
            ru,
            [
                "1 сообщение",
                "2 сообщения",
                "5 сообщений",
                "11 сообщений",
                "12 сообщений",
                "21 сообщение",
                "22 сообщения",
                "25 сообщений",
                "111 сообщений",
                "101 сообщение"
            ]
        );
        assert_eq!(Lang::En.t_n("messages-count", 1), "1 message");
        assert_eq!(Lang::En.t_n("messages-count", 5), "5 messages");
    }

    #[test]
    fn deadlines_read_the_same_as_the_domains_russian_and_have_english() {
        use super::remaining_label;
        use vmeste_domain::deadline::Remaining;
        for days in [1, 2, 4, 5, 11, 21, 22, 25, 101] {
            for remaining in [
                Remaining::Overdue { days },
                Remaining::DaysLeft {
                    days,
                    working: true,
                },
                Remaining::DaysLeft {
                    days,
                    working: false,
                },
            ] {
                assert_eq!(remaining_label(Lang::Ru, remaining), remaining.label_ru());
            }
        }
        assert_eq!(
            remaining_label(Lang::Ru, Remaining::DueToday),
            Remaining::DueToday.label_ru()
        );
        assert_eq!(
            remaining_label(
                Lang::En,
                Remaining::DaysLeft {
                    days: 3,
                    working: true
                }
            ),
            "3 working days left"
        );
        assert_eq!(
            remaining_label(Lang::En, Remaining::Overdue { days: 1 }),
            "overdue by 1 day"
        );
    }

    #[test]
    fn a_field_may_word_its_error_its_own_way() {
        use vmeste_domain::validation::{ErrorCode, FieldError};
        let short = FieldError::with_limit("text", ErrorCode::TooShort, 10);
        assert_eq!(
            field_message(Lang::Ru, &short),
            "Слишком коротко: нужно не меньше 10 символов."
        );
        assert_eq!(
            field_message(
                Lang::Ru,
                &FieldError::with_limit("text", ErrorCode::TooShort, 21)
            ),
            "Слишком коротко: нужно не меньше 21 символа."
        );
        let place = FieldError::new("location", ErrorCode::Required);
        assert!(field_message(Lang::En, &place).starts_with("Give the place"));
        assert_eq!(
            field_message(Lang::En, &FieldError::new("name", ErrorCode::Required)),
            "This field is required."
        );
        assert_eq!(event_label(Lang::Ru, "no_such_action"), "Изменение");
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,ru;q=0.8"), Lang::En);
        assert_eq!(Lang::negotiate("de-DE,ru;q=0.5,en;q=0.4"), Lang::Ru);
        assert_eq!(Lang::negotiate("fr"), Lang::Ru);
        assert_eq!(Lang::negotiate(""), Lang::Ru);
    }
}

#[cfg(test)]
mod catalogue_tests {
    //! Every id in every locale, and every id the code and the templates
    //! ask for exists: a missing one would show as its bare id.
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;
    use std::path::Path;

    /// The ids of every file of a locale; an id in two files is an error
    /// (the loader would keep one of them silently).
    fn ids(lang: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}"));
        let mut ids = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "ftl") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let in_file = text
                .lines()
                .filter_map(|l| l.split_once(" ="))
                .map(|(id, _)| id.trim().to_owned())
                .filter(|id| {
                    !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                });
            for id in in_file {
                assert!(ids.insert(id.clone()), "{id} twice in {lang}");
            }
        }
        ids
    }

    /// The literal ids of `.t("…")` and `.t_n("…", …)` calls in a tree of files.
    fn used(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                used(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for call in [".t(\"", ".t_n(\"", ".t_with(\""] {
                for rest in text.split(call).skip(1) {
                    let id = rest.split('"').next().unwrap();
                    if id.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                        found.insert(id.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn both_locales_have_the_same_ids() {
        let (ru, en) = (ids("ru"), ids("en"));
        assert!(ru.len() > 100, "{}", ru.len());
        let only_ru: Vec<_> = ru.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ru).collect();
        assert!(
            only_ru.is_empty() && only_en.is_empty(),
            "ru only: {only_ru:?}; en only: {only_en:?}"
        );
    }

    /// Templates word nothing in Russian themselves: every text comes from
    /// the catalogue, so no page is left half in English. Language names
    /// are written by their speakers, and a Russian street shows how a
    /// Russian address is written.
    #[test]
    fn templates_word_nothing_in_russian_themselves() {
        const OWN_WORDS: [&str; 2] = [">Русский<", "> Русский<"];
        const EXAMPLE_ADDRESS: &str = "placeholder=\"ул. Ленина, 10\"";
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut russian = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let rest = OWN_WORDS
                        .iter()
                        .chain([&EXAMPLE_ADDRESS])
                        .fold(line.to_owned(), |l, allowed| l.replace(allowed, ""));
                    if rest.chars().any(|c| matches!(c, '\u{400}'..='\u{4ff}')) {
                        russian.push(format!("{}:{}: {line}", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(russian.is_empty(), "{russian:#?}");
    }

    #[test]
    fn every_id_the_code_asks_for_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut asked = BTreeSet::new();
        used(&root.join("src"), &mut asked);
        used(&root.join("templates"), &mut asked);
        let known = ids("ru");
        let missing: Vec<_> = asked.difference(&known).collect();
        assert!(asked.len() > 100, "{}", asked.len());
        assert!(missing.is_empty(), "missing ids: {missing:?}");
    }
}
