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
mod precedent;

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
    /// When the message came, in any unit that grows with time (seconds,
    /// message numbers); lets the model learn who handled such messages then.
    pub at: Option<i64>,
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

/// Why a suggestion was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The words of the text (one or two neighbouring ones) for
    /// [`ReasonKind::Words`]; empty for [`ReasonKind::Precedent`].
    pub words: String,
    /// How hard the words pushed; for precedent, the share (0–1) of the
    /// messages about the same time that went to this class.
    pub weight: f64,
    pub kind: ReasonKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    Words,
    /// Messages of about the same time were mostly given this class.
    Precedent,
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
        let ats: Vec<Option<i64>> = examples.iter().map(|e| e.at).collect();
        let topics = Head::train(
            "topics",
            &xs,
            &topic_labels,
            &ats,
            vocabulary.len(),
            progress,
        );
        let mut org_xs = Vec::new();
        let mut org_labels = Vec::new();
        let mut org_ats = Vec::new();
        for (x, e) in xs.iter().zip(examples) {
            if let Some(org) = e.organisation.as_deref() {
                org_xs.push(x.clone());
                org_labels.push(org);
                org_ats.push(e.at);
            }
        }
        let organisations = (!org_labels.is_empty()).then(|| {
            Head::train(
                "organisations",
                &org_xs,
                &org_labels,
                &org_ats,
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
        self.suggest_at(text, None, k)
    }

    /// The `k` likeliest topics and organisations for a text that came at
    /// `at` (in the unit of the training examples' times).
    pub fn suggest_at(&self, text: &str, at: Option<i64>, k: usize) -> Suggestions {
        let x = self.vocabulary.vector(&tokens(text));
        let explain = |head: &Head| {
            let found = head.precedent(at);
            head.top(&x, found.as_ref(), k)
                .into_iter()
                .map(|(class, confidence)| {
                    let mut because: Vec<Reason> = head
                        .reasons(&x, class, REASONS)
                        .into_iter()
                        .map(|(feature, weight)| Reason {
                            words: self.vocabulary.shown(feature).to_owned(),
                            weight: f64::from(weight),
                            kind: ReasonKind::Words,
                        })
                        .collect();
                    if let Some(share) =
                        found.as_ref().map(|f| f.shares[class]).filter(|s| *s > 0.0)
                    {
                        because.push(Reason {
                            words: String::new(),
                            weight: f64::from(share),
                            kind: ReasonKind::Precedent,
                        });
                    }
                    Suggestion {
                        label: head.label(class).to_owned(),
                        confidence: f64::from(confidence),
                        because,
                    }
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
