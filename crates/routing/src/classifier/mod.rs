//! The routing classifier: from a message's text, the likely topics and the
//! likely responsible organisations, each with a calibrated confidence and
//! the words that pushed it.
//!
//! Pure and synchronous: training takes seconds on a region's history,
//! a suggestion well under a millisecond.

mod evaluation;
mod features;
mod file;
mod head;
mod linear;

use serde::{Deserialize, Serialize};

pub use evaluation::{ClassReport, Confusion, Evaluation, Report, evaluate, report, split};
pub use features::tokens;

use features::Vocabulary;
use head::Head;

/// A message with the topic and organisation staff confirmed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub topic: String,
    pub organisation: Option<String>,
}

/// Training's progress, for a progress bar; stages run one after another.
pub trait Progress: Sync {
    fn stage(&self, name: &str, total: u64);
    fn advance(&self, n: u64);
}

/// Progress nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrainError {
    #[error("training needs at least two different topics; the examples have {0}")]
    TooFewTopics(usize),
    #[error("no example has a word the classifier can learn from")]
    NoFeatures,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a Vmeste routing model file")]
    NotAModel,
    #[error("the model file has format version {found}; this build reads version {expected}")]
    Version { found: u16, expected: u16 },
    #[error("the model file is damaged: {0}")]
    Damaged(String),
}

/// One suggested topic or organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub label: String,
    /// Calibrated probability, 0–1.
    pub confidence: f64,
    /// The words that pushed this suggestion most, strongest first.
    pub because: Vec<Reason>,
}

/// A word (or two neighbouring words) of the text and how hard it pushed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub words: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suggestions {
    pub topics: Vec<Suggestion>,
    /// Empty when the model was trained without organisations.
    pub organisations: Vec<Suggestion>,
}

/// How many words an explanation names.
const REASONS: usize = 3;

/// A trained classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    vocabulary: Vocabulary,
    topics: Head,
    organisations: Option<Head>,
    trained_on: usize,
}

impl Model {
    /// Trains on examples; organisations are learned from those that name one.
    pub fn train(examples: &[Example], progress: &dyn Progress) -> Result<Self, TrainError> {
        let distinct = examples
            .iter()
            .map(|e| e.topic.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len();
        if distinct < 2 {
            return Err(TrainError::TooFewTopics(distinct));
        }
        let tokens: Vec<_> = examples.iter().map(|e| tokens(&e.text)).collect();
        let min_documents = if examples.len() >= 500 { 2 } else { 1 };
        let vocabulary = Vocabulary::build(&tokens, min_documents);
        if vocabulary.is_empty() {
            return Err(TrainError::NoFeatures);
        }
        let xs: Vec<_> = tokens.iter().map(|t| vocabulary.vector(t)).collect();
        let topic_labels: Vec<&str> = examples.iter().map(|e| e.topic.as_str()).collect();
        let topics = Head::train("topics", &xs, &topic_labels, vocabulary.len(), progress);
        let (org_xs, org_labels): (Vec<_>, Vec<&str>) = xs
            .iter()
            .zip(examples)
            .filter_map(|(x, e)| Some((x.clone(), e.organisation.as_deref()?)))
            .unzip();
        let organisations = (!org_labels.is_empty()).then(|| {
            Head::train(
                "organisations",
                &org_xs,
                &org_labels,
                vocabulary.len(),
                progress,
            )
        });
        Ok(Self {
            vocabulary,
            topics,
            organisations,
            trained_on: examples.len(),
        })
    }

    /// How many examples the model learned from.
    pub fn trained_on(&self) -> usize {
        self.trained_on
    }

    /// The topics the model can suggest.
    pub fn topic_labels(&self) -> &[String] {
        self.topics.labels()
    }

    /// The `k` likeliest topics and organisations for a text.
    pub fn suggest(&self, text: &str, k: usize) -> Suggestions {
        let x = self.vocabulary.vector(&tokens(text));
        let explain = |head: &Head| {
            head.top(&x, k)
                .into_iter()
                .map(|(class, confidence)| Suggestion {
                    label: head.label(class).to_owned(),
                    confidence: f64::from(confidence),
                    because: head
                        .reasons(&x, class, REASONS)
                        .into_iter()
                        .map(|(feature, weight)| Reason {
                            words: self.vocabulary.shown(feature).to_owned(),
                            weight: f64::from(weight),
                        })
                        .collect(),
                })
                .collect()
        };
        Suggestions {
            topics: explain(&self.topics),
            organisations: self.organisations.as_ref().map_or_else(Vec::new, explain),
        }
    }

    /// The model as a file.
    pub fn to_bytes(&self) -> Vec<u8> {
        file::write(self)
    }

    /// A model from its file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        file::read(bytes)
    }
}
