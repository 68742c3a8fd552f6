//! A linear model over the text's features: one weight per feature and
//! class, trained as a softmax regression by stochastic gradient descent.
//! Its scores explain themselves: a feature's weight times its value is how
//! much that word pushed the class.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Progress;
use super::features::Sparse;

#[derive(Debug, Clone, Copy)]
pub struct LinearOptions {
    pub epochs: u32,
    pub learning_rate: f32,
    /// L2 penalty per update on the weights an example touches.
    pub l2: f32,
    pub seed: u64,
}

impl Default for LinearOptions {
    fn default() -> Self {
        Self {
            epochs: 30,
            learning_rate: 0.5,
            l2: 1e-5,
            seed: 7,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linear {
    classes: usize,
    /// Feature-major: the weights of feature `f` are
    /// `weights[f * classes..(f + 1) * classes]`, so a sparse text reads
    /// contiguous rows.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// Trains on texts `xs` with classes `ys` (each below `classes`).
    pub fn train(
        xs: &[Sparse],
        ys: &[u32],
        classes: usize,
        features: usize,
        options: LinearOptions,
        progress: &dyn Progress,
    ) -> Self {
        let mut model = Self {
            classes,
            weights: vec![0.0; features * classes],
            bias: vec![0.0; classes],
        };
        let mut order: Vec<usize> = (0..xs.len()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let mut gradient = vec![0.0f32; classes];
        for epoch in 0..options.epochs {
            order.shuffle(&mut rng);
            let rate = options.learning_rate / (1.0 + epoch as f32 * 0.2);
            for &i in &order {
                let p = softmax(&model.scores(&xs[i]));
                for (c, g) in gradient.iter_mut().enumerate() {
                    *g = p[c] - f32::from(u8::from(c == ys[i] as usize));
                }
                for (c, b) in model.bias.iter_mut().enumerate() {
                    *b -= rate * gradient[c];
                }
                for &(f, v) in &xs[i] {
                    let row = &mut model.weights[f as usize * classes..(f as usize + 1) * classes];
                    for (w, g) in row.iter_mut().zip(&gradient) {
                        *w -= rate * (g * v + options.l2 * *w);
                    }
                }
            }
            progress.advance(1);
        }
        model
    }

    /// One raw score per class.
    pub fn scores(&self, x: &Sparse) -> Vec<f32> {
        let mut scores = self.bias.clone();
        for &(f, v) in x {
            let start = f as usize * self.classes;
            if let Some(row) = self.weights.get(start..start + self.classes) {
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += w * v;
                }
            }
        }
        scores
    }

    /// How much each of the text's features pushed `class`.
    pub fn contributions(&self, x: &Sparse, class: usize) -> Vec<(u32, f32)> {
        x.iter()
            .filter_map(|&(f, v)| {
                let w = self.weights.get(f as usize * self.classes + class)?;
                Some((f, w * v))
            })
            .collect()
    }
}

/// Scores to probabilities.
pub fn softmax(scores: &[f32]) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}
