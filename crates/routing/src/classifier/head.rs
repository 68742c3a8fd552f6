//! One prediction of the model (topic, or organisation): its classes, the
//! scorer, and the temperature that turns scores into honest confidences.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Progress;
use super::features::Sparse;
use super::linear::{Linear, LinearOptions, softmax};

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
}

impl Head {
    pub fn train(
        name: &str,
        xs: &[Sparse],
        labels: &[&str],
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
        let temperature = if calibrate {
            let held_out = held_out_scores(xs, &ys, classes.len(), features, options, progress);
            fit_temperature(&held_out)
        } else {
            1.0
        };
        let linear = Linear::train(xs, &ys, classes.len(), features, options, progress);
        Self {
            labels: classes,
            linear,
            temperature,
        }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn label(&self, class: usize) -> &str {
        self.labels.get(class).map_or("", String::as_str)
    }

    /// Calibrated probabilities of every class.
    pub fn probabilities(&self, x: &Sparse) -> Vec<f32> {
        let scores: Vec<f32> = self
            .linear
            .scores(x)
            .into_iter()
            .map(|s| s / self.temperature)
            .collect();
        softmax(&scores)
    }

    /// The `k` likeliest classes with their probabilities.
    pub fn top(&self, x: &Sparse, k: usize) -> Vec<(usize, f32)> {
        let mut ranked: Vec<(usize, f32)> = self.probabilities(x).into_iter().enumerate().collect();
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

/// For every example, its class and the scores a model trained without it gave.
fn held_out_scores(
    xs: &[Sparse],
    ys: &[u32],
    classes: usize,
    features: usize,
    options: LinearOptions,
    progress: &dyn Progress,
) -> Vec<(u32, Vec<f32>)> {
    let mut out = Vec::with_capacity(xs.len());
    for fold in 0..CALIBRATION_FOLDS {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..xs.len()).partition(|i| i % CALIBRATION_FOLDS != fold);
        let train_xs: Vec<Sparse> = train.iter().map(|&i| xs[i].clone()).collect();
        let train_ys: Vec<u32> = train.iter().map(|&i| ys[i]).collect();
        let linear = Linear::train(&train_xs, &train_ys, classes, features, options, progress);
        out.extend(test.iter().map(|&i| (ys[i], linear.scores(&xs[i]))));
    }
    out
}

/// The temperature under which held-out scores give the likeliest classes
/// (least negative log-likelihood), searched on a log grid.
fn fit_temperature(held_out: &[(u32, Vec<f32>)]) -> f32 {
    let loss = |t: f32| -> f32 {
        held_out
            .iter()
            .map(|(y, scores)| {
                let scaled: Vec<f32> = scores.iter().map(|s| s / t).collect();
                -softmax(&scaled)[*y as usize].max(1e-9).ln()
            })
            .sum()
    };
    (-20..=20)
        .map(|i| 10f32.powf(i as f32 / 10.0))
        .min_by(|a, b| loss(*a).total_cmp(&loss(*b)))
        .unwrap_or(1.0)
}
