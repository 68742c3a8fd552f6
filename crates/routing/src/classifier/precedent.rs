//! Precedent: who got messages at about the same time, before this one.
//!
//! Routing practice changes: for months a city's potholes go to its
//! administration, then to its roads committee, then back. The text cannot
//! know that; the times of the labelled examples do. Only examples *before*
//! a message count, as in the product, where a new message has no future to
//! look at — so cross-validation measures what a moderator will see. Windows
//! are multiples of the typical gap between examples, so times work whether
//! they are seconds or message numbers, and they are measured back from the
//! latest example before the message, not from the message: a model trained
//! last night sees this morning's messages as it saw its training ones.

use serde::{Deserialize, Serialize};

/// Examples further back than this many windows weigh nothing.
const REACH: f32 = 6.0;
/// How far back to look for a class's last example, in examples; further
/// back counts as "long ago".
const LOOK_BACK: usize = 5_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct History {
    /// (time, class) of every example with a time, by time.
    examples: Vec<(i64, u32)>,
    /// The median gap between consecutive distinct times.
    gap: f32,
}

impl History {
    pub fn new(mut examples: Vec<(i64, u32)>) -> Self {
        examples.sort_unstable();
        let gap = typical_gap(&examples);
        Self { examples, gap }
    }

    /// Per class, the share of the examples before `at` that went to it,
    /// the nearer the heavier, within `window` typical gaps.
    pub fn shares_before(&self, at: i64, window: f32, classes: usize) -> Vec<f32> {
        let mut weights = vec![0.0f32; classes];
        let Some((end, latest)) = self.latest_before(at) else {
            return weights;
        };
        let window = self.gap * window;
        let start = self
            .examples
            .partition_point(|(t, _)| (*t as f32) < latest as f32 - window * REACH);
        for &(t, class) in &self.examples[start..end] {
            if let Some(w) = weights.get_mut(class as usize) {
                *w += (-((latest - t) as f32) / window).exp();
            }
        }
        let total: f32 = weights.iter().sum();
        if total > 0.0 {
            for w in &mut weights {
                *w /= total;
            }
        }
        weights
    }

    /// For each of `classes`, how long before the latest example before
    /// `at` it last had one, in typical gaps; `None` if not within the
    /// look-back. One pass back, which stops once every class is found.
    pub fn since_last(&self, at: i64, classes: &[u32]) -> Vec<Option<f32>> {
        let mut found = vec![None; classes.len()];
        let Some((end, latest)) = self.latest_before(at) else {
            return found;
        };
        let mut missing = classes.len();
        for &(t, class) in self.examples[end.saturating_sub(LOOK_BACK)..end]
            .iter()
            .rev()
        {
            for (wanted, slot) in classes.iter().zip(&mut found) {
                if *wanted == class && slot.is_none() {
                    *slot = Some((latest - t) as f32 / self.gap);
                    missing -= 1;
                }
            }
            if missing == 0 {
                break;
            }
        }
        found
    }

    /// How many examples came before `at`, and the time of the latest.
    fn latest_before(&self, at: i64) -> Option<(usize, i64)> {
        let end = self.examples.partition_point(|(t, _)| *t < at);
        Some((end, self.examples[..end].last()?.0))
    }
}

/// The median gap between consecutive distinct times (1 when there is none).
fn typical_gap(examples: &[(i64, u32)]) -> f32 {
    let mut gaps: Vec<i64> = examples
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
    use super::History;

    #[test]
    fn only_earlier_examples_count_and_nearer_weigh_more() {
        let history = History::new(vec![(1, 0), (2, 0), (3, 0), (10, 1), (11, 1), (12, 1)]);
        let early = history.shares_before(4, 2.0, 2);
        assert!(early[0] > 0.99, "{early:?}");
        let later = history.shares_before(13, 2.0, 2);
        assert!(later[1] > later[0] * 10.0, "{later:?}");
        assert_eq!(
            history.shares_before(1_000, 2.0, 2),
            later,
            "measured from the latest example, however long ago"
        );
        let first = history.shares_before(1, 2.0, 2);
        assert!(first.iter().all(|s| *s == 0.0));
        assert_eq!(history.since_last(13, &[0, 1]), [Some(9.0), Some(0.0)]);
        assert_eq!(history.since_last(1_000, &[0]), [Some(9.0)]);
        assert_eq!(history.since_last(5, &[1, 0]), [None, Some(0.0)]);
    }
}
