//! The tree stage: boosted trees that re-rank the text's likeliest classes
//! using what the text alone cannot know — which organisation the likely
//! topics usually go to (and back), what was decided for the messages just
//! before this one, how long ago a class was last used, how common it is.
//! It learns from held-out scores, so it weighs the text as the text deserves
//! on messages it has not seen.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::boost::{BoostOptions, Boosted, Grouped};
use super::neighbours::Votes;
use super::precedent::History;

/// How many of the text's likeliest classes the trees re-rank.
const CANDIDATES: usize = 12;
/// How many of the other prediction's likeliest classes relate.
const RELATED: usize = 5;
/// Precedent windows, in typical gaps between examples: the last days'
/// practice, and the season's.
const RECENT: f32 = 10.0;
const SEASON: f32 = 200.0;
/// A class never seen within the look-back, in log gaps.
const NEVER: f32 = 20.0;
/// A signal that cannot be known (no time, no other prediction).
const UNKNOWN: f32 = -1.0;
/// Every fifth message checks how many trees to keep.
const CHECK_EVERY: usize = 5;

/// What the trees see of one candidate, in the order of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The text's probability for the class.
    Text,
    /// Its place in the text's ranking (0: first).
    TextRank,
    /// Its log distance below the text's first class.
    TextMargin,
    /// How sure the text is of its first class.
    TextTop,
    /// How much the other prediction's likely classes go with this one.
    Related,
    /// Share of the messages just before that went to the class.
    Recent,
    /// Share of the season's messages before that went to the class.
    Season,
    /// Log of how many typical gaps ago the class was last given.
    SinceLast,
    /// Log share of all examples in the class.
    Prior,
    /// Similarity-weighted share of the most similar messages in the class.
    Neighbours,
    /// How similar the class's most similar message is.
    Nearest,
}

pub const SIGNALS: [Signal; 11] = [
    Signal::Text,
    Signal::TextRank,
    Signal::TextMargin,
    Signal::TextTop,
    Signal::Related,
    Signal::Recent,
    Signal::Season,
    Signal::SinceLast,
    Signal::Prior,
    Signal::Neighbours,
    Signal::Nearest,
];

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::TextRank => "text rank",
            Self::TextMargin => "text margin",
            Self::TextTop => "text certainty",
            Self::Related => "related prediction",
            Self::Recent => "recent decisions",
            Self::Season => "season's decisions",
            Self::SinceLast => "time since last use",
            Self::Prior => "how common",
            Self::Neighbours => "similar messages",
            Self::Nearest => "most similar message",
        }
    }
}

/// For each class of the other prediction, the share of its examples that
/// had each class of this one.
type Related = Vec<Vec<(u32, f32)>>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ranker {
    boosted: Boosted,
    context: Context,
    /// Share of held-out messages whose class was among the candidates:
    /// the probability the candidates share.
    coverage: f32,
}

/// One message as the ranker sees it.
pub struct Seen<'a> {
    /// This prediction's probabilities from the text.
    pub own: &'a [f32],
    /// The other prediction's, if the model has one.
    pub other: Option<&'a [f32]>,
    pub at: Option<i64>,
    /// What the most similar labelled messages say.
    pub votes: Option<&'a Votes>,
}

/// A re-ranked class and why.
pub struct Ranked {
    pub class: usize,
    pub probability: f32,
    /// Per signal, how much it moved the class's score.
    pub pushes: Vec<f32>,
    /// The other prediction's class that related most, with the share of its
    /// examples that had this class.
    pub related: Option<(usize, f32)>,
    /// Share of the recent (else the season's) messages given this class.
    pub precedent: Option<f32>,
    /// Cosine of the most similar labelled message in this class.
    pub similar: Option<f32>,
}

/// Held-out scores of the training examples, for the trees to learn from.
pub struct Training<'a> {
    /// This prediction's held-out probabilities, one per example.
    pub own: &'a [Vec<f32>],
    pub other: Option<&'a [Vec<f32>]>,
    pub classes: &'a [u32],
    /// The other prediction's class of each example, if known.
    pub other_classes: &'a [Option<u32>],
    pub ats: &'a [Option<i64>],
    /// What each example's most similar messages of other folds say.
    pub votes: &'a [Votes],
    /// The fold that held each example out.
    pub folds: &'a [usize],
    pub class_count: usize,
    pub other_count: usize,
}

/// What a ranker knows besides the trees: precedent and related classes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Context {
    history: Option<History>,
    related: Option<Related>,
    prior: Vec<f32>,
}

impl Ranker {
    pub fn train(t: &Training) -> Self {
        let folds = t.folds.iter().max().map_or(0, |f| f + 1);
        let contexts: Vec<Context> = (0..folds)
            .map(|fold| Context::learn(t, |i| t.folds[i] != fold))
            .collect();
        let mut rows = Vec::new();
        let mut truth = Vec::new();
        let mut groups = Vec::new();
        let mut covered = 0usize;
        for i in 0..t.own.len() {
            let seen = Seen {
                own: &t.own[i],
                other: t.other.map(|o| o[i].as_slice()),
                at: t.ats[i],
                votes: t.votes.get(i),
            };
            let start = rows.len();
            for candidate in contexts[t.folds[i]].candidates(&seen) {
                rows.push(candidate.1);
                truth.push(candidate.0 == t.classes[i] as usize);
            }
            covered += usize::from(truth[start..].iter().any(|t| *t));
            groups.push(start..rows.len());
        }
        Self {
            boosted: fit(&rows, &groups, &truth),
            context: Context::learn(t, |_| true),
            coverage: covered as f32 / t.own.len().max(1) as f32,
        }
    }

    /// The `k` likeliest candidates, likeliest first.
    pub fn rank(&self, seen: &Seen, k: usize) -> Vec<Ranked> {
        let context = &self.context;
        let candidates = context.candidates(seen);
        let scores: Vec<f32> = candidates
            .iter()
            .map(|(_, row)| self.boosted.score(row))
            .collect();
        let p = super::linear::softmax(&scores);
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|a, b| p[*b].total_cmp(&p[*a]));
        order.truncate(k);
        order
            .into_iter()
            .map(|i| (&candidates[i], p[i]))
            .map(|((class, row), p)| Ranked {
                class: *class,
                probability: p * self.coverage,
                pushes: self.boosted.contributions(row),
                related: context.strongest_related(seen, *class),
                precedent: [Signal::Recent, Signal::Season]
                    .into_iter()
                    .map(|s| row[s as usize])
                    .find(|share| *share > 0.0),
                similar: Some(row[Signal::Nearest as usize]).filter(|s| *s > 0.0),
            })
            .collect()
    }
}

impl Context {
    /// Precedent, related classes and priors from the examples `keep` admits.
    fn learn(t: &Training, keep: impl Fn(usize) -> bool) -> Self {
        let kept: Vec<usize> = (0..t.classes.len()).filter(|&i| keep(i)).collect();
        let dated: Vec<(i64, u32)> = kept
            .iter()
            .filter_map(|&i| Some((t.ats[i]?, t.classes[i])))
            .collect();
        let history = (!dated.is_empty()).then(|| History::new(dated));
        let related = t.other.is_some().then(|| {
            let mut counts: Vec<HashMap<u32, u32>> = vec![HashMap::new(); t.other_count];
            for &i in &kept {
                if let Some(g) = t.other_classes[i] {
                    *counts[g as usize].entry(t.classes[i]).or_default() += 1;
                }
            }
            counts
                .into_iter()
                .map(|by_class| {
                    let total: u32 = by_class.values().sum();
                    let mut shares: Vec<(u32, f32)> = by_class
                        .into_iter()
                        .map(|(c, n)| (c, n as f32 / total as f32))
                        .collect();
                    shares.sort_unstable_by_key(|(c, _)| *c);
                    shares
                })
                .collect()
        });
        let mut counts = vec![0u32; t.class_count];
        for &i in &kept {
            counts[t.classes[i] as usize] += 1;
        }
        let prior = counts
            .iter()
            .map(|&n| ((n as f32 + 0.5) / (kept.len() as f32 + 1.0)).ln())
            .collect();
        Self {
            history,
            related,
            prior,
        }
    }

    /// The text's likeliest classes, each with its row of signals.
    fn candidates(&self, seen: &Seen) -> Vec<(usize, Vec<f32>)> {
        let order = top(seen.own, CANDIDATES);
        let top = order.first().map_or(1.0, |&c| seen.own[c]).max(1e-9);
        let related = self.related_mass(seen);
        let dated = self.history.as_ref().zip(seen.at);
        let recent = dated.map(|(h, at)| h.shares_before(at, RECENT, seen.own.len()));
        let season = dated.map(|(h, at)| h.shares_before(at, SEASON, seen.own.len()));
        let since = dated.map(|(h, at)| {
            let classes: Vec<u32> = order.iter().map(|&c| c as u32).collect();
            h.since_last(at, &classes)
        });
        order
            .iter()
            .enumerate()
            .map(|(rank, &class)| {
                let row = SIGNALS
                    .iter()
                    .map(|signal| match signal {
                        Signal::Text => seen.own[class],
                        Signal::TextRank => rank as f32,
                        Signal::TextMargin => (seen.own[class].max(1e-9) / top).ln(),
                        Signal::TextTop => top,
                        Signal::Related => related.as_ref().map_or(UNKNOWN, |r| r[class]),
                        Signal::Recent => recent.as_ref().map_or(UNKNOWN, |s| s[class]),
                        Signal::Season => season.as_ref().map_or(UNKNOWN, |s| s[class]),
                        Signal::SinceLast => since
                            .as_ref()
                            .map_or(UNKNOWN, |s| s[rank].map_or(NEVER, f32::ln_1p)),
                        Signal::Prior => self.prior.get(class).copied().unwrap_or(UNKNOWN),
                        Signal::Neighbours => seen.votes.map_or(UNKNOWN, |v| v.share[class]),
                        Signal::Nearest => seen.votes.map_or(UNKNOWN, |v| v.nearest[class]),
                    })
                    .collect();
                (class, row)
            })
            .collect()
    }

    /// Per class, how much the other prediction's likely classes go with it.
    fn related_mass(&self, seen: &Seen) -> Option<Vec<f32>> {
        let (related, other) = self.related.as_ref().zip(seen.other)?;
        let mut mass = vec![0.0f32; seen.own.len()];
        for g in top(other, RELATED) {
            for &(c, share) in related.get(g).map_or(&[][..], Vec::as_slice) {
                if let Some(m) = mass.get_mut(c as usize) {
                    *m += other[g] * share;
                }
            }
        }
        Some(mass)
    }

    fn strongest_related(&self, seen: &Seen, class: usize) -> Option<(usize, f32)> {
        let (related, other) = self.related.as_ref().zip(seen.other)?;
        top(other, RELATED)
            .into_iter()
            .filter_map(|g| {
                let shares = related.get(g)?;
                let i = shares
                    .binary_search_by_key(&(class as u32), |(c, _)| *c)
                    .ok()?;
                Some((g, shares[i].1, other[g] * shares[i].1))
            })
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(g, share, _)| (g, share))
    }
}

/// The indices of the `n` largest values, largest first (the lower index
/// first among equals). Selects before sorting: a prediction has hundreds of
/// classes and a caller wants a dozen.
pub(super) fn top(values: &[f32], n: usize) -> Vec<usize> {
    let by_value = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    let mut order: Vec<usize> = (0..values.len()).collect();
    if n < order.len() {
        order.select_nth_unstable_by(n, by_value);
        order.truncate(n);
    }
    order.sort_unstable_by(by_value);
    order
}

/// Trees on all groups, as many as held-out groups show are worth keeping.
fn fit(rows: &[Vec<f32>], groups: &[Range<usize>], truth: &[bool]) -> Boosted {
    let options = BoostOptions::default();
    let mut check = Vec::new();
    let mut learn = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if i % CHECK_EVERY == CHECK_EVERY - 1 {
            check.push(group.clone());
        } else {
            learn.push(group.clone());
        }
    }
    let trial = Boosted::train(
        &Grouped {
            rows,
            groups: &learn,
            truth,
        },
        options,
    );
    let losses = trial.loss_by_rounds(&Grouped {
        rows,
        groups: &check,
        truth,
    });
    let rounds = losses
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or(options.rounds, |(i, _)| i + 1);
    Boosted::train(
        &Grouped {
            rows,
            groups,
            truth,
        },
        BoostOptions { rounds, ..options },
    )
}

#[cfg(test)]
mod tests {
    use super::top;

    #[test]
    fn the_largest_come_first_and_equals_by_index() {
        let values = [0.1, 0.5, 0.3, 0.5, 0.0, 0.9];
        assert_eq!(top(&values, 3), [5, 1, 3]);
        assert_eq!(top(&values, 4), [5, 1, 3, 2]);
        assert_eq!(top(&values, 10), [5, 1, 3, 2, 0, 4]);
        assert!(top(&values, 0).is_empty());
        assert!(top(&[], 3).is_empty());
    }
}
