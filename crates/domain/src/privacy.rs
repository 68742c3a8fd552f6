//! The one place that decides what a viewer may see of a resident (152-FZ):
//! name, e-mail, phone, and the flat in an address. Public pages, anonymous API
//! answers and exports go through [`disclose`] and [`public_address`]; only
//! staff who handle the case, and the resident themself, see more.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone: public pages, the API without a key, open data.
    Public,
    /// Staff without the right to personal data (an analyst, say).
    Staff,
    /// Staff who handle the case.
    CaseHandler,
    /// The resident who wrote it.
    Author,
}

impl Viewer {
    fn sees_identity(self) -> bool {
        matches!(self, Self::CaseHandler | Self::Author)
    }
}

/// A resident as stored.
#[derive(Debug, Clone, Copy)]
pub struct Resident<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// What the viewer may be shown of a resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosed {
    /// The name, or a neutral label such as «Житель».
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Decides what of `resident` the viewer sees.
pub fn disclose(viewer: Viewer, resident: Resident<'_>) -> Disclosed {
    if viewer.sees_identity() {
        Disclosed {
            name: resident.name.to_owned(),
            email: resident.email.map(str::to_owned),
            phone: resident.phone.map(str::to_owned),
        }
    } else {
        Disclosed {
            name: "Житель".to_owned(),
            email: None,
            phone: None,
        }
    }
}

/// A regex from a pattern written in this file.
fn literal(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|_| unreachable!("the pattern is a literal"))
}

static FLAT: LazyLock<Regex> = LazyLock::new(|| {
    // «кв. 12», «квартира 12», «комн. 3», «ком. 3», «оф. 5», «apt 4»… with
    // what follows up to the next comma.
    literal(r"(?i),?\s*\b(кв|квартира|комн?|комната|оф|офис|apt|flat)\b\.?\s*№?\s*[0-9]+[а-яa-z]?")
});

/// An address as the public may see it: without flat, room or office numbers.
pub fn public_address(address: &str) -> String {
    if !FLAT_WORD.is_match(address) {
        return address.trim().to_owned();
    }
    FLAT.replace_all(address, "").trim().to_owned()
}

/// What every `FLAT` match contains. The full patterns' Unicode word
/// boundaries keep the regex engine off its fast path on Cyrillic text;
/// these have none, so most texts and addresses (with no flat, no phone)
/// are passed over at the fast path's speed.
static FLAT_WORD: LazyLock<Regex> = LazyLock::new(|| literal(r"(?i)кв|ком|оф|apt|flat"));

/// What every `PHONE` match contains: eleven digits with only its
/// separators between them.
static PHONE_DIGITS: LazyLock<Regex> = LazyLock::new(|| literal(r"\d(?:[\s\-()]*\d){10}"));

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| literal(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"));

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // Russian numbers as people type them: +7 (912) 345-67-89, 89123456789, 8 912 345 67 89.
    literal(r"(?:\+7|\b8)[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}\b")
});

/// A resident's text as the public may read it: e-mail addresses and phone
/// numbers the resident typed into it are masked.
pub fn public_text(text: &str) -> String {
    let without_mail = if text.contains('@') {
        EMAIL.replace_all(text, "[e-mail скрыт]")
    } else {
        text.into()
    };
    if !PHONE_DIGITS.is_match(&without_mail) {
        return without_mail.into_owned();
    }
    PHONE
        .replace_all(&without_mail, "[телефон скрыт]")
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARIA: Resident<'static> = Resident {
        name: "Мария Жителева",
        email: Some("maria@example.org"),
        phone: Some("+7 912 000-00-00"),
    };

    #[test]
    fn only_handlers_and_the_author_see_who_wrote() {
        for viewer in [Viewer::Public, Viewer::Staff] {
            let shown = disclose(viewer, MARIA);
            assert_eq!(shown.name, "Житель");
            assert_eq!((shown.email, shown.phone), (None, None));
        }
        for viewer in [Viewer::CaseHandler, Viewer::Author] {
            let shown = disclose(viewer, MARIA);
            assert_eq!(shown.name, "Мария Жителева");
            assert_eq!(shown.email.as_deref(), Some("maria@example.org"));
        }
    }

    #[test]
    fn flats_leave_public_addresses() {
        assert_eq!(
            public_address("ул. Ленина, д. 5, кв. 12"),
            "ул. Ленина, д. 5"
        );
        assert_eq!(public_address("ул. Мира, 7, квартира №3а"), "ул. Мира, 7");
        assert_eq!(public_address("пр. Победы, 10"), "пр. Победы, 10");
    }

    #[test]
    fn contacts_typed_into_texts_are_masked() {
        let text = "Звоните 8 (912) 345-67-89 или пишите ivan.petrov@mail.ru, яма 2 метра";
        assert_eq!(
            public_text(text),
            "Звоните [телефон скрыт] или пишите [e-mail скрыт], яма 2 метра"
        );
        assert_eq!(public_text("Дом 15, подъезд 3"), "Дом 15, подъезд 3");
    }

    #[test]
    fn the_shortest_contacts_are_still_masked() {
        // Exactly the eleven digits of a number, and an address with no dot
        // before its domain's letters but the last.
        assert_eq!(public_text("тел.89123456789"), "тел.[телефон скрыт]");
        assert_eq!(public_text("+7 912 345 67 89!"), "[телефон скрыт]!");
        assert_eq!(public_text("a@b.ru"), "[e-mail скрыт]");
        // Ten digits are not a phone: a date and a house are left alone.
        assert_eq!(
            public_text("С 01.02.2026 дом 12 стоит"),
            "С 01.02.2026 дом 12 стоит"
        );
    }

    #[test]
    fn flats_in_any_case_leave_public_addresses() {
        assert_eq!(public_address("ул. Мира, 7, КВ. 3"), "ул. Мира, 7");
        assert_eq!(public_address("ул. Мира, 7, Комн 3"), "ул. Мира, 7");
        assert_eq!(public_address("ул. Мира, 7, Офис 12"), "ул. Мира, 7");
        assert_eq!(public_address("Main st 5, Apt 4"), "Main st 5");
        assert_eq!(public_address("  ул. Мира, 7  "), "ул. Мира, 7");
    }
}
