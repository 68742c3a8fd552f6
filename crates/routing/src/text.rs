//! Russian text as search and the classifier see it: markup and entities
//! gone, case folded, «ё» as «е», split into words, each word reduced to its
//! stem by the Snowball Russian stemmer (Latin words by the English one), so
//! «ямы», «ямой» and «ям» meet as one.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The text without HTML tags and with the common entities decoded.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    [
        ("&nbsp;", " "),
        ("&quot;", "\""),
        ("&laquo;", "«"),
        ("&raquo;", "»"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |acc, (entity, plain)| acc.replace(entity, plain))
}

/// Lower case, «ё» as «е», words apart: letters and digits only.
pub fn words(text: &str) -> Vec<String> {
    strip_markup(text)
        .to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One word's stem; numbers stay as they are.
pub fn stem(word: &str) -> String {
    if word.chars().any(|c| ('а'..='я').contains(&c)) {
        RUSSIAN.stem(word).into_owned()
    } else if word.chars().all(|c| c.is_ascii_alphabetic()) {
        ENGLISH.stem(word).into_owned()
    } else {
        word.to_owned()
    }
}

/// The stems of a text, in order.
pub fn stems(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::{stems, strip_markup, words};

    #[test]
    fn inflected_russian_meets_at_one_stem() {
        let forms = ["яма", "ямы", "ямой", "ям", "ямами"];
        let stemmed: Vec<String> = forms.iter().flat_map(|f| stems(f)).collect();
        assert!(stemmed.iter().all(|s| s == &stemmed[0]), "{stemmed:?}");
        assert_eq!(stems("Дороги"), stems("дорогой"));
        assert_eq!(stems("освещение"), stems("освещения"));
        assert_eq!(stems("Ёлки"), stems("елки"));
    }

    #[test]
    fn markup_numbers_and_latin_are_handled() {
        assert_eq!(
            strip_markup("<p>Яма&nbsp;у&nbsp;дома</p>&laquo;5&raquo;"),
            " Яма у дома «5»"
        );
        assert_eq!(words("ул. Ленина, д.10а"), ["ул", "ленина", "д", "10а"]);
        assert_eq!(stems("parking lights"), ["park", "light"]);
    }
}
