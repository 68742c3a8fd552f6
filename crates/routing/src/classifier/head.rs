//! One prediction of the model (topic, or organisation): its classes, the
//! scorer, and the temperature that turns scores into honest confidences.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Progress;
use super::features::Sparse;
use super::linear::{Linear, LinearOptions, softmax};
use super::precedent::{Found, Precedent, STRENGTHS, WINDOWS};

/// Folds of the training set that calibrate the confidences: each part is
/// scored by a model that did not see it.
const CALIBRATION_FOLDS: usize = 3;
/// Below this many examples there is too little to hold out for calibration.
const CALIBRATION_MIN_EXAMPLES: usize = 60;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    labels: Vec<String>,
    linear: Linear,
    temperature: f32,
    /// Absent when the examples have no times or precedent did not help.
    precedent: Option<Precedent>,
}

/// A held-out example: its class, its time, its fold, and the scores of a
/// model trained on the other folds.
struct HeldOut {
    class: u32,
    at: Option<i64>,
    fold: usize,
    scores: Vec<f32>,
}

impl Head {
    pub fn train(
        name: &str,
        xs: &[Sparse],
        labels: &[&str],
        ats: &[Option<i64>],
        features: usize,
        progress: &dyn Progress,
    ) -> Self {
        let mut classes: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
        classes.sort();
        classes.dedup();
        let index: HashMap<&str, u32> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u32))
            .collect();
        let ys: Vec<u32> = labels.iter().map(|l| index[l]).collect();
        let options = LinearOptions::default();
        let calibrate = xs.len() >= CALIBRATION_MIN_EXAMPLES;
        let runs = 1 + if calibrate { CALIBRATION_FOLDS } else { 0 };
        progress.stage(name, u64::from(options.epochs) * runs as u64);
        let history: Vec<(i64, u32)> = ats
            .iter()
            .zip(&ys)
            .filter_map(|(at, y)| Some(((*at)?, *y)))
            .collect();
        let (temperature, precedent) = if calibrate {
            let held_out =
                held_out_scores(xs, &ys, ats, classes.len(), features, options, progress);
            let temperature = fit_temperature(&held_out);
            let precedent = choose_precedent(&held_out, temperature, classes.len())
                .map(|(window, strength)| Precedent::new(history, window, strength));
            (temperature, precedent)
        } else {
            (1.0, None)
        };
        let linear = Linear::train(xs, &ys, classes.len(), features, options, progress);
        Self {
            labels: classes,
            linear,
            temperature,
            precedent,
        }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn label(&self, class: usize) -> &str {
        self.labels.get(class).map_or("", String::as_str)
    }

    /// What precedent says about a message at `at`, if this head uses it.
    pub fn precedent(&self, at: Option<i64>) -> Option<Found> {
        Some(self.precedent.as_ref()?.around(at?, self.labels.len()))
    }

    /// The `k` likeliest classes with their probabilities: the text's,
    /// tempered by precedent where there is one.
    pub fn top(&self, x: &Sparse, found: Option<&Found>, k: usize) -> Vec<(usize, f32)> {
        let factors = found.map(|f| f.factors.as_slice());
        let mut ranked: Vec<(usize, f32)> =
            combine(&self.linear.scores(x), self.temperature, factors)
                .into_iter()
                .enumerate()
                .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(k);
        ranked
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

/// Probabilities from scores at a temperature, times precedent's factors,
/// summing to one.
fn combine(scores: &[f32], temperature: f32, factors: Option<&[f32]>) -> Vec<f32> {
    let scaled: Vec<f32> = scores.iter().map(|s| s / temperature).collect();
    let mut p = softmax(&scaled);
    if let Some(factors) = factors {
        for (p, f) in p.iter_mut().zip(factors) {
            *p *= f;
        }
        let total: f32 = p.iter().sum();
        if total > 0.0 {
            for p in &mut p {
                *p /= total;
            }
        }
    }
    p
}

fn fold_of(i: usize) -> usize {
    i % CALIBRATION_FOLDS
}

/// For every example, the scores a model trained without its fold gave.
fn held_out_scores(
    xs: &[Sparse],
    ys: &[u32],
    ats: &[Option<i64>],
    classes: usize,
    features: usize,
    options: LinearOptions,
    progress: &dyn Progress,
) -> Vec<HeldOut> {
    let mut out = Vec::with_capacity(xs.len());
    for fold in 0..CALIBRATION_FOLDS {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..xs.len()).partition(|&i| fold_of(i) != fold);
        let train_xs: Vec<Sparse> = train.iter().map(|&i| xs[i].clone()).collect();
        let train_ys: Vec<u32> = train.iter().map(|&i| ys[i]).collect();
        let linear = Linear::train(&train_xs, &train_ys, classes, features, options, progress);
        out.extend(test.iter().map(|&i| HeldOut {
            class: ys[i],
            at: ats.get(i).copied().flatten(),
            fold,
            scores: linear.scores(&xs[i]),
        }));
    }
    out
}

/// The precedent window and strength that make most held-out examples'
/// first guess right — each judged by the precedent of the other folds —
/// or none if the text alone does as well.
fn choose_precedent(held_out: &[HeldOut], temperature: f32, classes: usize) -> Option<(f32, f32)> {
    if held_out.iter().filter(|h| h.at.is_some()).count() < CALIBRATION_MIN_EXAMPLES {
        return None;
    }
    let right = |p: &[f32], class: u32| {
        p.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .is_some_and(|(i, _)| i == class as usize)
    };
    let text_alone = held_out
        .iter()
        .filter(|h| right(&combine(&h.scores, temperature, None), h.class))
        .count();
    let mut best: Option<((f32, f32), usize)> = None;
    for window in WINDOWS {
        for strength in STRENGTHS {
            let by_fold: Vec<Precedent> = (0..CALIBRATION_FOLDS)
                .map(|fold| {
                    let others = held_out
                        .iter()
                        .filter(|h| h.fold != fold)
                        .filter_map(|h| Some((h.at?, h.class)))
                        .collect();
                    Precedent::new(others, window, strength)
                })
                .collect();
            let hits = held_out
                .iter()
                .filter(|h| {
                    let found = h.at.map(|at| by_fold[h.fold].around(at, classes));
                    let factors = found.as_ref().map(|f| f.factors.as_slice());
                    right(&combine(&h.scores, temperature, factors), h.class)
                })
                .count();
            if hits > text_alone && best.is_none_or(|(_, b)| hits > b) {
                best = Some(((window, strength), hits));
            }
        }
    }
    best.map(|(choice, _)| choice)
}

/// The temperature under which held-out scores give the likeliest classes
/// (least negative log-likelihood), searched on a log grid.
fn fit_temperature(held_out: &[HeldOut]) -> f32 {
    let loss = |t: f32| -> f32 {
        held_out
            .iter()
            .map(|h| -combine(&h.scores, t, None)[h.class as usize].max(1e-9).ln())
            .sum()
    };
    (-20..=20)
        .map(|i| 10f32.powf(i as f32 / 10.0))
        .min_by(|a, b| loss(*a).total_cmp(&loss(*b)))
        .unwrap_or(1.0)
}
