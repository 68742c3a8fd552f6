//! Precedent: who got messages like this one at about the same time.
//!
//! Routing practice changes: for months a city's potholes go to its
//! administration, then to its roads committee, then back. The text cannot
//! know that; the dates of the labelled examples do. For a message with a
//! time, the classes of the examples nearest in time, weighted by how near
//! they are, temper the text's probabilities. The window is learned as a
//! multiple of the typical gap between examples, so it works whether times
//! are seconds or message numbers; training switches precedent off for a
//! prediction where held-out examples show it does not help.

use serde::{Deserialize, Serialize};

/// Windows tried, in typical gaps between consecutive examples.
pub const WINDOWS: [f32; 4] = [5.0, 10.0, 20.0, 40.0];
/// How strongly precedent tempers the text, tried.
pub const STRENGTHS: [f32; 2] = [0.5, 1.0];
/// Examples further than this many windows away weigh nothing.
const REACH: f32 = 6.0;
/// Every class keeps a little weight, so precedent never rules one out.
const FLOOR: f32 = 1e-3;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Precedent {
    /// (time, class) of every example with a time, by time.
    history: Vec<(i64, u32)>,
    /// In the units of the times.
    window: f32,
    strength: f32,
}

/// What precedent found for one message.
pub struct Found {
    /// Per class: a weight to multiply the text's probability by.
    pub factors: Vec<f32>,
    /// Per class: the share of nearby examples that went to it.
    pub shares: Vec<f32>,
}

impl Precedent {
    pub fn new(mut history: Vec<(i64, u32)>, window_in_gaps: f32, strength: f32) -> Self {
        history.sort_unstable();
        let window = typical_gap(&history) * window_in_gaps;
        Self {
            history,
            window,
            strength,
        }
    }

    /// The classes of examples near `at`, as factors for the text's probabilities.
    pub fn around(&self, at: i64, classes: usize) -> Found {
        let reach = (self.window * REACH) as i64;
        let start = self.history.partition_point(|(t, _)| *t < at - reach);
        let mut weights = vec![0.0f32; classes];
        for &(t, class) in self.history[start..]
            .iter()
            .take_while(|(t, _)| *t <= at + reach)
        {
            if let Some(w) = weights.get_mut(class as usize) {
                *w += (-((t - at).abs() as f32) / self.window).exp();
            }
        }
        let total: f32 = weights.iter().sum();
        let shares: Vec<f32> = weights
            .iter()
            .map(|w| if total > 0.0 { w / total } else { 0.0 })
            .collect();
        let factors = shares
            .iter()
            .map(|s| (s + FLOOR).powf(self.strength))
            .collect();
        Found { factors, shares }
    }
}

/// The median gap between consecutive distinct times (1 when there is none).
fn typical_gap(history: &[(i64, u32)]) -> f32 {
    let mut gaps: Vec<i64> = history
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .filter(|g| *g > 0)
        .collect();
    if gaps.is_empty() {
        return 1.0;
    }
    gaps.sort_unstable();
    gaps[gaps.len() / 2] as f32
}

#[cfg(test)]
mod tests {
    use super::Precedent;

    #[test]
    fn the_nearest_examples_in_time_weigh_most() {
        let history = vec![(1, 0), (2, 0), (3, 0), (10, 1), (11, 1), (12, 1)];
        let precedent = Precedent::new(history, 1.0, 1.0);
        let early = precedent.around(2, 2);
        assert!(early.factors[0] > early.factors[1] * 10.0);
        let late = precedent.around(11, 2);
        assert!(late.shares[1] > 0.9);
        let far = precedent.around(1_000, 2);
        assert!(far.shares.iter().all(|s| *s == 0.0));
        assert!((far.factors[0] - far.factors[1]).abs() < f32::EPSILON);
    }
}
