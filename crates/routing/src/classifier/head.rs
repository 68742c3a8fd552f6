//! One prediction of the model (topic, or organisation): its classes, the
//! text's scorer with the temperature that turns scores into honest
//! confidences, and the trees that re-rank with what the text cannot know.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::features::Sparse;
use super::linear::{Linear, softmax};
use super::ranker::{Ranked, Ranker, Seen, top};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    labels: Vec<String>,
    linear: Linear,
    temperature: f32,
    /// Absent when there were too few examples to hold any out.
    ranker: Option<Ranker>,
}

impl Head {
    pub fn new(
        labels: Vec<String>,
        linear: Linear,
        temperature: f32,
        ranker: Option<Ranker>,
    ) -> Self {
        Self {
            labels,
            linear,
            temperature,
            ranker,
        }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn label(&self, class: usize) -> &str {
        self.labels.get(class).map_or("", String::as_str)
    }

    /// The text's probability for every class.
    pub fn probabilities(&self, x: &Sparse) -> Vec<f32> {
        probabilities(&self.linear.scores(x), self.temperature)
    }

    /// The `k` likeliest classes, likeliest first: re-ranked by the trees
    /// where the head has them, else the text's own ranking.
    pub fn rank(&self, seen: &Seen, k: usize) -> Vec<Ranked> {
        if let Some(ranker) = &self.ranker {
            return ranker.rank(seen, k);
        }
        top(seen.own, k)
            .into_iter()
            .map(|class| Ranked {
                class,
                probability: seen.own[class],
                pushes: Vec::new(),
                related: None,
                precedent: None,
                similar: None,
            })
            .collect()
    }

    /// The features that pushed `class` up most, strongest first.
    pub fn reasons(&self, x: &Sparse, class: usize, n: usize) -> Vec<(u32, f32)> {
        let mut pushes: Vec<(u32, f32)> = self
            .linear
            .contributions(x, class)
            .into_iter()
            .filter(|(_, w)| *w > 0.0)
            .collect();
        pushes.sort_by(|a, b| b.1.total_cmp(&a.1));
        pushes.truncate(n);
        pushes
    }
}

/// Scores at a temperature as probabilities.
pub fn probabilities(scores: &[f32], temperature: f32) -> Vec<f32> {
    let scaled: Vec<f32> = scores.iter().map(|s| s / temperature).collect();
    softmax(&scaled)
}

/// Distinct labels, sorted, and each item's class among them.
pub fn classes<'a>(
    labels: impl Iterator<Item = Option<&'a str>> + Clone,
) -> (Vec<String>, Vec<Option<u32>>) {
    let mut distinct: Vec<String> = labels.clone().flatten().map(str::to_owned).collect();
    distinct.sort();
    distinct.dedup();
    let index: HashMap<&str, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect();
    let ys = labels.map(|l| l.map(|l| index[l])).collect();
    (distinct, ys)
}

/// The temperature under which held-out scores give the likeliest classes
/// (least negative log-likelihood), searched on a log grid.
pub fn fit_temperature(held_out: &[(&[f32], u32)]) -> f32 {
    let loss = |t: f32| -> f32 {
        held_out
            .iter()
            .map(|(scores, class)| -probabilities(scores, t)[*class as usize].max(1e-9).ln())
            .sum()
    };
    (-20..=20)
        .map(|i| 10f32.powf(i as f32 / 10.0))
        .min_by(|a, b| loss(*a).total_cmp(&loss(*b)))
        .unwrap_or(1.0)
}
