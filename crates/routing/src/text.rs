//! Russian text as search and the classifier see it: markup and entities
//! gone, case folded, «ё» as «е», split into words, each word reduced to its
//! stem by the Snowball Russian stemmer (Latin words by the English one), so
//! «ямы», «ямой» and «ям» meet as one.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
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

/// Lower case, «ё» as «е», words apart: letters and digits only. One pass
/// over the text; Russian and Latin letters are folded without Unicode's
/// tables (a search of them a letter was most of the cost), others with.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in strip_markup(text).chars() {
        match c {
            'а'..='я' | 'a'..='z' | '0'..='9' => word.push(c),
            'А'..='Я' => word.push(char::from_u32(u32::from(c) + 32).unwrap_or(c)),
            'A'..='Z' => word.push(c.to_ascii_lowercase()),
            'ё' | 'Ё' => word.push('е'),
            c if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            _ if word.is_empty() => {}
            _ => words.push(std::mem::take(&mut word)),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Words stemmed lately, per thread: a region's messages repeat their words,
/// and the stemmer is the dearest step of indexing a text. Emptied when
/// full, which keeps it within a few megabytes.
const STEMS_KEPT: usize = 20_000;

thread_local! {
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// One word's stem; numbers stay as they are.
pub fn stem(word: &str) -> String {
    STEMS.with_borrow_mut(|kept| {
        if let Some(stem) = kept.get(word) {
            return stem.clone();
        }
        let stem = stem_anew(word);
        if kept.len() >= STEMS_KEPT {
            kept.clear();
        }
        kept.insert(word.to_owned(), stem.clone());
        stem
    })
}

fn stem_anew(word: &str) -> String {
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

    use super::{STEMS_KEPT, fit, query_stems, stem, stem_anew, stems, strip_markup, words};

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
        // Beyond Russian and Latin, Unicode's folding: Ukrainian, Greek,
        // digits of other scripts; punctuation and symbols part words.
        assert_eq!(
            words("Їжак—ΣΟΦΙΑ №٣ Zürich_1"),
            ["їжак", "σοφια", "٣", "zürich", "1"]
        );
        assert_eq!(strip_markup("Ямы & лужи"), "Ямы & лужи");
        assert!(
            matches!(strip_markup("яма у дома"), Cow::Borrowed(_)),
            "plain text is not copied"
        );
        assert_eq!(stems("parking lights"), ["park", "light"]);
    }

    /// The fast paths of [`words`] fold as Unicode does, letter by letter.
    #[test]
    fn words_fold_every_letter_as_unicode_does() {
        let by_unicode = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    w.chars()
                        .flat_map(char::to_lowercase)
                        .map(|c| if c == 'ё' { 'е' } else { c })
                        .collect()
                })
                .collect()
        };
        let every: String = (0..0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| !matches!(c, '<' | '>' | '&'))
            .flat_map(|c| [c, 'ж', c, ' '])
            .collect();
        assert_eq!(words(&every), by_unicode(&every));
    }

    /// Stems kept from earlier calls are the stems computed anew, also after
    /// the kept ones were let go.
    #[test]
    fn kept_stems_are_the_stems() {
        let forms = ["дорогами", "освещения", "lights", "10а", "дворы"];
        let anew: Vec<String> = forms.iter().map(|w| stem_anew(w)).collect();
        for round in 0..2 {
            let kept: Vec<String> = forms.iter().map(|w| stem(w)).collect();
            assert_eq!(kept, anew, "round {round}");
            for i in 0..STEMS_KEPT {
                stem(&format!("слово{i}"));
            }
        }
    }
}
