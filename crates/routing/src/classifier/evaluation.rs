//! Measuring a model on examples it did not learn from: top-1 and top-3
//! hits for topics and organisations, time per message, and for people the
//! per-class precision and recall and the commonest confusions.

use std::collections::HashMap;
use std::time::Instant;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{Example, Model};

/// The figures `vmeste routing eval` prints as its last line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    pub n: usize,
    pub topic_top1: f64,
    pub topic_top3: f64,
    pub organisation_top1: f64,
    pub organisation_top3: f64,
    pub ms_per_message: f64,
}

/// How one class fared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassReport {
    pub label: String,
    /// Examples of this class.
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
}

/// A true class often taken for another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub actual: String,
    pub predicted: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub evaluation: Evaluation,
    /// The largest topic classes, largest first.
    pub topics: Vec<ClassReport>,
    pub confusions: Vec<Confusion>,
}

/// The headline figures only.
pub fn evaluate(model: &Model, examples: &[Example]) -> Evaluation {
    report(model, examples, 0).evaluation
}

/// The figures, with the `largest` topic classes in detail.
pub fn report(model: &Model, examples: &[Example], largest: usize) -> Report {
    let started = Instant::now();
    let suggestions: Vec<_> = examples.iter().map(|e| model.suggest(&e.text, 3)).collect();
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let n = examples.len();
    let share = |hits: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            hits as f64 / of as f64
        }
    };
    let hit = |labels: &[super::Suggestion], truth: &str, k: usize| {
        labels.iter().take(k).any(|s| s.label == truth)
    };
    let (mut t1, mut t3, mut o1, mut o3, mut with_org) = (0, 0, 0, 0, 0);
    let mut predicted: Vec<Option<&str>> = Vec::with_capacity(n);
    for (example, s) in examples.iter().zip(&suggestions) {
        t1 += usize::from(hit(&s.topics, &example.topic, 1));
        t3 += usize::from(hit(&s.topics, &example.topic, 3));
        if let Some(org) = &example.organisation {
            with_org += 1;
            o1 += usize::from(hit(&s.organisations, org, 1));
            o3 += usize::from(hit(&s.organisations, org, 3));
        }
        predicted.push(s.topics.first().map(|t| t.label.as_str()));
    }
    let evaluation = Evaluation {
        n,
        topic_top1: share(t1, n),
        topic_top3: share(t3, n),
        organisation_top1: share(o1, with_org),
        organisation_top3: share(o3, with_org),
        ms_per_message: if n == 0 { 0.0 } else { elapsed / n as f64 },
    };
    let mut support: HashMap<&str, usize> = HashMap::new();
    let mut guessed: HashMap<&str, usize> = HashMap::new();
    let mut right: HashMap<&str, usize> = HashMap::new();
    let mut confused: HashMap<(&str, &str), usize> = HashMap::new();
    for (example, guess) in examples.iter().zip(&predicted) {
        *support.entry(&example.topic).or_default() += 1;
        if let Some(guess) = guess {
            *guessed.entry(guess).or_default() += 1;
            if *guess == example.topic {
                *right.entry(guess).or_default() += 1;
            } else {
                *confused.entry((&example.topic, guess)).or_default() += 1;
            }
        }
    }
    let mut topics: Vec<ClassReport> = support
        .iter()
        .map(|(label, &count)| {
            let hits = right.get(label).copied().unwrap_or(0);
            ClassReport {
                label: (*label).to_owned(),
                support: count,
                precision: share(hits, guessed.get(label).copied().unwrap_or(0)),
                recall: share(hits, count),
            }
        })
        .collect();
    topics.sort_by(|a, b| b.support.cmp(&a.support).then(a.label.cmp(&b.label)));
    topics.truncate(largest);
    let mut confusions: Vec<Confusion> = confused
        .into_iter()
        .map(|((actual, predicted), count)| Confusion {
            actual: actual.to_owned(),
            predicted: predicted.to_owned(),
            count,
        })
        .collect();
    confusions.sort_by(|a, b| b.count.cmp(&a.count).then(a.actual.cmp(&b.actual)));
    confusions.truncate(largest);
    Report {
        evaluation,
        topics,
        confusions,
    }
}

/// A deterministic held-out split: (train, test) with about `test_fraction`
/// of the examples in test.
pub fn split(examples: &[Example], test_fraction: f64, seed: u64) -> (Vec<Example>, Vec<Example>) {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let test_len = (examples.len() as f64 * test_fraction.clamp(0.0, 1.0)).round() as usize;
    let (test, train) = order.split_at(test_len);
    let pick = |ids: &[usize]| ids.iter().map(|&i| examples[i].clone()).collect();
    (pick(train), pick(test))
}
