//! The routing classifier: from a message's text, the likely topics and the
//! likely responsible organisations, each with a calibrated confidence and
//! the words that pushed it.
//!
//! Pure and synchronous: training takes seconds on a region's history,
//! a suggestion well under a millisecond.

mod boost;
mod evaluation;
mod features;
mod file;
mod head;
mod linear;
mod neighbours;
mod precedent;
mod ranker;
mod train;

use serde::{Deserialize, Serialize};

pub use evaluation::{ClassReport, Confusion, Evaluation, Report, evaluate, report, split};
pub use features::tokens;

use features::Vocabulary;
use head::Head;
use neighbours::{Memory, Votes};
use ranker::{SIGNALS, Seen, Signal};

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
    /// The words that pushed this suggestion most, strongest first, then
    /// what else the trees weighed in its favour.
    pub because: Vec<Reason>,
    /// How much each signal the trees read moved this suggestion's score
    /// (empty for a model too small to have trees).
    pub factors: Vec<Factor>,
}

/// One signal of the tree stage and how far it pushed a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub name: &'static str,
    pub push: f64,
}

/// Why a suggestion was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The words of the text (one or two neighbouring ones) for
    /// [`ReasonKind::Words`]; the other prediction's label for
    /// [`ReasonKind::Related`]; empty for [`ReasonKind::Precedent`].
    pub words: String,
    /// How hard the words pushed; for precedent, the share (0–1) of the
    /// messages just before that went to this class; for a related label,
    /// the share of its messages that had this class; for a similar
    /// message, how similar (cosine, 0–1).
    pub weight: f64,
    pub kind: ReasonKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    Words,
    /// Messages just before this one were often given this class.
    Precedent,
    /// The likely class of the other prediction usually goes with this one:
    /// a topic with its usual organisation, and back.
    Related,
    /// A labelled message much like this one had this class.
    Similar,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suggestions {
    pub topics: Vec<Suggestion>,
    /// Empty when the model was trained without organisations.
    pub organisations: Vec<Suggestion>,
}

/// How many suggestions of each prediction a caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    pub topics: usize,
    pub organisations: usize,
}

/// How many words an explanation names.
const REASONS: usize = 3;

/// A trained classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    vocabulary: Vocabulary,
    topics: Head,
    organisations: Option<Head>,
    /// Absent for a model too small to have trees.
    memory: Option<Memory>,
    trained_on: usize,
}

impl Model {
    /// Trains on examples; organisations are learned from those that name one.
    pub fn train(examples: &[Example], progress: &dyn Progress) -> Result<Self, TrainError> {
        train::model(examples, progress)
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
        self.suggest_wanted(
            text,
            at,
            Wanted {
                topics: k,
                organisations: k,
            },
        )
    }

    /// As many likeliest topics and organisations as wanted: a caller that
    /// needs only the first topic, or no organisation, does not pay for
    /// ranking and explaining the rest.
    pub fn suggest_wanted(&self, text: &str, at: Option<i64>, wanted: Wanted) -> Suggestions {
        let x = self.vocabulary.vector(&tokens(text));
        let topics = self.topics.probabilities(&x);
        let organisations = self
            .organisations
            .as_ref()
            .map(|h| (h, h.probabilities(&x)));
        let votes = self.memory.as_ref().map(|m| {
            m.votes(
                &x,
                topics.len(),
                organisations.as_ref().map_or(0, |(_, p)| p.len()),
            )
        });
        Suggestions {
            topics: self.explain(
                &x,
                (&self.topics, &topics),
                organisations.as_ref().map(|(h, p)| (*h, p.as_slice())),
                (at, votes.as_ref().map(|v| &v.0)),
                wanted.topics,
            ),
            organisations: match &organisations {
                Some((head, p)) if wanted.organisations > 0 => self.explain(
                    &x,
                    (head, p),
                    Some((&self.topics, &topics)),
                    (at, votes.as_ref().map(|v| &v.1)),
                    wanted.organisations,
                ),
                _ => Vec::new(),
            },
        }
    }

    /// One prediction's `k` likeliest classes with their reasons, given the
    /// text's probabilities for it and for the other prediction.
    fn explain(
        &self,
        x: &features::Sparse,
        (head, own): (&Head, &[f32]),
        other: Option<(&Head, &[f32])>,
        (at, votes): (Option<i64>, Option<&Votes>),
        k: usize,
    ) -> Vec<Suggestion> {
        let seen = Seen {
            own,
            other: other.map(|(_, p)| p),
            at,
            votes,
        };
        head.rank(&seen, k)
            .into_iter()
            .map(|r| {
                let pushed = |signals: &[Signal]| {
                    SIGNALS
                        .iter()
                        .zip(&r.pushes)
                        .filter(|(s, _)| signals.contains(s))
                        .map(|(_, p)| p)
                        .sum::<f32>()
                        > 0.0
                };
                let mut because: Vec<Reason> = head
                    .reasons(x, r.class, REASONS)
                    .into_iter()
                    .map(|(feature, weight)| Reason {
                        words: self.vocabulary.shown(feature).to_owned(),
                        weight: f64::from(weight),
                        kind: ReasonKind::Words,
                    })
                    .collect();
                if let Some(((other, _), (class, share))) = other.zip(r.related)
                    && pushed(&[Signal::Related])
                {
                    because.push(Reason {
                        words: other.label(class).to_owned(),
                        weight: f64::from(share),
                        kind: ReasonKind::Related,
                    });
                }
                if let Some(share) = r.precedent
                    && pushed(&[Signal::Recent, Signal::Season, Signal::SinceLast])
                {
                    because.push(Reason {
                        words: String::new(),
                        weight: f64::from(share),
                        kind: ReasonKind::Precedent,
                    });
                }
                if let Some(cosine) = r.similar
                    && pushed(&[Signal::Neighbours, Signal::Nearest])
                {
                    because.push(Reason {
                        words: String::new(),
                        weight: f64::from(cosine),
                        kind: ReasonKind::Similar,
                    });
                }
                Suggestion {
                    label: head.label(r.class).to_owned(),
                    confidence: f64::from(r.probability),
                    because,
                    factors: SIGNALS
                        .iter()
                        .zip(&r.pushes)
                        .map(|(signal, push)| Factor {
                            name: signal.name(),
                            push: f64::from(*push),
                        })
                        .collect(),
                }
            })
            .collect()
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
