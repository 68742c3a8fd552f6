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

static FLAT: LazyLock<Regex> = LazyLock::new(|| {
    // «кв. 12», «квартира 12», «комн. 3», «ком. 3», «оф. 5», «apt 4»… with
    // what follows up to the next comma.
    Regex::new(
        r"(?i),?\s*\b(кв|квартира|комн?|комната|оф|офис|apt|flat)\b\.?\s*№?\s*[0-9]+[а-яa-z]?",
    )
    .unwrap_or_else(|_| unreachable!("the pattern is a literal"))
});

/// An address as the public may see it: without flat, room or office numbers.
pub fn public_address(address: &str) -> String {
    FLAT.replace_all(address, "").trim().to_owned()
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
        .unwrap_or_else(|_| unreachable!("the pattern is a literal"))
});

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // Russian numbers as people type them: +7 (912) 345-67-89, 89123456789, 8 912 345 67 89.
    Regex::new(r"(?:\+7|\b8)[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}\b")
        .unwrap_or_else(|_| unreachable!("the pattern is a literal"))
});

/// A resident's text as the public may read it: e-mail addresses and phone
/// numbers the resident typed into it are masked.
pub fn public_text(text: &str) -> String {
    let without_mail = EMAIL.replace_all(text, "[e-mail скрыт]");
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
}
