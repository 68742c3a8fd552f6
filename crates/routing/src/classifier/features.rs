//! What the classifier reads in a text: the stems of its words (numbers as
//! classes of their own), and each pair of neighbouring stems, weighted by
//! tf-idf. Every feature keeps the word forms residents wrote most, so an
//! explanation says «ямы», not «ям».

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text;

/// A text as features: (feature index, weight), sorted by index, unit length.
pub type Sparse = Vec<(u32, f32)>;

/// A number on its own (a year, a sum) and a house number with a letter
/// («10а», «71б») say different things; the exact value says little.
const NUMBER: &str = "<число>";
const HOUSE_NUMBER: &str = "<номер дома>";

/// One word as the classifier sees it, and as the resident wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub key: String,
    pub surface: String,
}

impl Token {
    /// A number stands for any number in an explanation: «дома №», not «дома 1».
    fn number(class: &str) -> Self {
        Self {
            key: class.to_owned(),
            surface: "№".to_owned(),
        }
    }
}

/// The words of a text that carry meaning, in order.
pub fn tokens(raw: &str) -> Vec<Token> {
    text::words(raw)
        .into_iter()
        .filter(|w| !text::is_stop_word(w))
        .map(|word| {
            if word.chars().all(|c| c.is_ascii_digit()) {
                Token::number(NUMBER)
            } else if word.chars().any(|c| c.is_ascii_digit()) {
                Token::number(HOUSE_NUMBER)
            } else {
                Token {
                    key: text::stem(&word),
                    surface: word,
                }
            }
        })
        .collect()
}

/// The features of one text, by name, with how often each occurs.
fn terms(tokens: &[Token]) -> HashMap<String, (u32, String)> {
    let mut counts: HashMap<String, (u32, String)> = HashMap::new();
    let mut add = |key: String, surface: String| {
        counts.entry(key).or_insert((0, surface)).0 += 1;
    };
    for (i, token) in tokens.iter().enumerate() {
        add(token.key.clone(), token.surface.clone());
        if let Some(next) = tokens.get(i + 1) {
            add(
                format!("{} {}", token.key, next.key),
                format!("{} {}", token.surface, next.surface),
            );
        }
    }
    counts
}

/// The features a model knows, learned from its training texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vocabulary {
    index: HashMap<String, u32>,
    idf: Vec<f32>,
    /// The most frequent form of each feature in the training texts.
    shown: Vec<String>,
}

impl Vocabulary {
    /// Keeps the features found in at least `min_documents` texts.
    pub fn build(texts: &[Vec<Token>], min_documents: u32) -> Self {
        let mut documents: HashMap<String, u32> = HashMap::new();
        let mut forms: HashMap<String, HashMap<String, u32>> = HashMap::new();
        for tokens in texts {
            for (key, (count, surface)) in terms(tokens) {
                *documents.entry(key.clone()).or_default() += 1;
                *forms.entry(key).or_default().entry(surface).or_default() += count;
            }
        }
        let mut kept: Vec<(String, u32)> = documents
            .into_iter()
            .filter(|(_, df)| *df >= min_documents)
            .collect();
        kept.sort();
        let n = texts.len() as f32;
        let mut vocabulary = Self {
            index: HashMap::with_capacity(kept.len()),
            idf: Vec::with_capacity(kept.len()),
            shown: Vec::with_capacity(kept.len()),
        };
        for (i, (key, df)) in kept.into_iter().enumerate() {
            let form = forms
                .get(&key)
                .and_then(|f| f.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))))
                .map_or_else(|| key.clone(), |(form, _)| form.clone());
            vocabulary
                .idf
                .push(((1.0 + n) / (1.0 + df as f32)).ln() + 1.0);
            vocabulary.shown.push(form);
            vocabulary.index.insert(key, i as u32);
        }
        vocabulary
    }

    pub fn len(&self) -> usize {
        self.idf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// How a feature reads to a moderator.
    pub fn shown(&self, feature: u32) -> &str {
        self.shown.get(feature as usize).map_or("", String::as_str)
    }

    /// The text's known features, sublinear tf times idf, unit length.
    /// Looks the features up as it goes (the pair in one reused buffer): it
    /// runs for every message, and only known features count.
    pub fn vector(&self, tokens: &[Token]) -> Sparse {
        let mut found: Vec<u32> = Vec::with_capacity(tokens.len() * 2);
        let mut pair = String::new();
        for (i, token) in tokens.iter().enumerate() {
            found.extend(self.index.get(&token.key));
            if let Some(next) = tokens.get(i + 1) {
                pair.clear();
                pair.push_str(&token.key);
                pair.push(' ');
                pair.push_str(&next.key);
                found.extend(self.index.get(&pair));
            }
        }
        found.sort_unstable();
        let mut vector: Sparse = found
            .chunk_by(|a, b| a == b)
            .map(|same| {
                let i = same[0];
                (i, (1.0 + (same.len() as f32).ln()) * self.idf[i as usize])
            })
            .collect();
        let norm = vector.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut vector {
                *v /= norm;
            }
        }
        vector
    }
}

#[cfg(test)]
mod tests {
    use super::{Vocabulary, tokens};

    #[test]
    fn numbers_become_classes_and_stop_words_go() {
        let keys: Vec<String> = tokens("Яма у дома 10а на улице, уже 2 года")
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert_eq!(
            keys,
            ["ям", "дом", "<номер дома>", "улиц", "уж", "<число>", "год"]
        );
    }

    #[test]
    fn a_feature_is_shown_as_residents_wrote_it() {
        let texts: Vec<_> = ["ямы на дороге", "опять ямы", "яма"]
            .iter()
            .map(|t| tokens(t))
            .collect();
        let vocabulary = Vocabulary::build(&texts, 2);
        assert_eq!(vocabulary.len(), 1, "only «ям» is in two texts");
        assert_eq!(vocabulary.shown(0), "ямы");
        let v = vocabulary.vector(&tokens("ямы, ямы"));
        assert_eq!(v.len(), 1);
        assert!((v[0].1 - 1.0).abs() < 1e-6, "unit length");
        assert!(vocabulary.vector(&tokens("фонарь")).is_empty());
    }
}
