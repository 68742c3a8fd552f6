//! Russian text as search and the classifier see it: markup and entities
//! gone, case folded, «ё» as «е», split into words, each word reduced to its
//! stem by the Snowball Russian stemmer (Latin words by the English one), so
//! «ямы», «ямой» and «ям» meet as one.

use std::borrow::Cow;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The text without HTML tags (a tag becomes a space, so words either side
/// stay apart) and with every entity decoded, named or numeric; no-break
/// spaces become plain ones. Plain text (most messages) is not copied.
pub fn strip_markup(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '&', '\u{a0}']) {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(html_escape::decode_html_entities(&out).replace('\u{a0}', " "))
}

/// Lower case, «ё» as «е», words apart: letters and digits only. Each word
/// is folded on its own, so the text is copied once, word by word.
pub fn words(text: &str) -> Vec<String> {
    strip_markup(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c })
                .collect()
        })
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

/// Words that carry no topic: prepositions, conjunctions, particles.
const STOP_WORDS: [&str; 24] = [
    "и", "в", "во", "на", "у", "с", "со", "к", "ко", "о", "об", "от", "до", "за", "из", "по",
    "для", "не", "нет", "что", "как", "а", "но", "или",
];

/// Whether a word carries no topic (see [`STOP_WORDS`]).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The stems of what a person typed to find something, without the words
/// that carry no meaning.
pub fn query_stems(query: &str) -> Vec<String> {
    words(query)
        .iter()
        .filter(|w| !is_stop_word(w))
        .map(|w| stem(w))
        .collect()
}

/// How well a short query in plain words fits a text: every query word
/// must meet one of the text's stems — as its start (a word still being
/// typed), or sharing all but its last letter and at least four (so
/// «дорога» meets «дорожный»); `None` when one does not. More fitting
/// words, longer stems: a higher score.
pub fn fit(query: &[String], text_stems: &[String]) -> Option<usize> {
    if query.is_empty() {
        return None;
    }
    query
        .iter()
        .map(|q| {
            let len = q.chars().count();
            let needed = len.min(4.max(len.saturating_sub(1)));
            text_stems
                .iter()
                .any(|t| common_prefix(q, t) >= needed)
                .then_some(len)
        })
        .sum()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{fit, query_stems, stems, strip_markup, words};

    #[test]
    fn plain_words_find_a_topic() {
        let topic = stems("Нарушение дорожного покрытия (ямы)");
        assert!(fit(&query_stems("яма"), &topic).is_some());
        assert!(
            fit(&query_stems("ямы на дорожном"), &topic).is_some(),
            "«на» carries nothing"
        );
        assert!(
            fit(&query_stems("ямы на дороге"), &topic).is_some(),
            "«дорог» meets «дорожн»"
        );
        assert!(
            fit(&query_stems("дом"), &topic).is_none(),
            "short stems must match whole"
        );
        assert!(
            fit(&query_stems("дорожн"), &topic).is_some(),
            "a word being typed"
        );
        assert!(fit(&query_stems("фонарь"), &topic).is_none());
        assert!(fit(&[], &topic).is_none());
    }

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
        assert_eq!(
            strip_markup("<p style=\"x\">Фонарь&#160;&mdash; &#x421;вет</p>"),
            " Фонарь — Свет "
        );
        assert_eq!(words("ул. Ленина, д.10а"), ["ул", "ленина", "д", "10а"]);
        assert_eq!(
            words("ЁЖИК у Ёлки\u{a0}ДОМА"),
            ["ежик", "у", "елки", "дома"]
        );
        assert_eq!(strip_markup("Ямы & лужи"), "Ямы & лужи");
        assert!(
            matches!(strip_markup("яма у дома"), Cow::Borrowed(_)),
            "plain text is not copied"
        );
        assert_eq!(stems("parking lights"), ["park", "light"]);
    }
}
