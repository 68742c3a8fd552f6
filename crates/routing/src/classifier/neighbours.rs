//! The labelled messages most like a new one. Residents repeat themselves —
//! the same complaint about the same yard, a petition sent by many — and a
//! near-copy of a routed message is strong evidence the linear scorer
//! smooths away. Texts are unit vectors, so a sparse dot product through an
//! inverted index is their cosine.

use serde::{Deserialize, Serialize};

use super::features::Sparse;

/// How many neighbours vote.
pub const VOTERS: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Neighbours {
    /// Per feature, the examples that have it and its weight there.
    postings: Vec<Vec<(u32, f32)>>,
    examples: usize,
}

/// The labelled messages a model remembers, with their classes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Memory {
    index: Neighbours,
    topics: Vec<u32>,
    organisations: Vec<Option<u32>>,
}

impl Memory {
    pub fn new(index: Neighbours, topics: Vec<u32>, organisations: Vec<Option<u32>>) -> Self {
        Self {
            index,
            topics,
            organisations,
        }
    }

    /// What the messages most like `x` say about topics and organisations.
    pub fn votes(&self, x: &Sparse, topics: usize, organisations: usize) -> (Votes, Votes) {
        let nearest = self.index.nearest(x);
        (
            votes(&nearest, |i| self.topics.get(i as usize).copied(), topics),
            votes(
                &nearest,
                |i| self.organisations.get(i as usize).copied().flatten(),
                organisations,
            ),
        )
    }
}

/// What the neighbours say about each class of one prediction.
#[derive(Debug, Clone)]
pub struct Votes {
    /// Similarity-weighted share of the neighbours in the class.
    pub share: Vec<f32>,
    /// Cosine of the most similar neighbour in the class (0 if none).
    pub nearest: Vec<f32>,
}

impl Neighbours {
    pub fn new<'a>(xs: impl IntoIterator<Item = &'a Sparse>, features: usize) -> Self {
        let mut postings = vec![Vec::new(); features];
        let mut examples = 0;
        for (i, x) in xs.into_iter().enumerate() {
            for &(f, v) in x {
                if let Some(list) = postings.get_mut(f as usize) {
                    list.push((i as u32, v));
                }
            }
            examples = i + 1;
        }
        Self { postings, examples }
    }

    /// The most similar examples (index in the order given to `new`, cosine),
    /// most similar first.
    pub fn nearest(&self, x: &Sparse) -> Vec<(u32, f32)> {
        let mut similarity = vec![0.0f32; self.examples];
        for &(f, v) in x {
            for &(i, w) in self.postings.get(f as usize).map_or(&[][..], Vec::as_slice) {
                similarity[i as usize] += v * w;
            }
        }
        let mut found: Vec<(u32, f32)> = similarity
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .map(|(i, s)| (i as u32, s))
            .collect();
        let k = VOTERS.min(found.len());
        if k > 0 {
            found.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
            found.truncate(k);
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        found
    }
}

/// The votes of `nearest` for `classes` classes, where `class_of` tells a
/// neighbour's class (if it has one in this prediction).
pub fn votes(
    nearest: &[(u32, f32)],
    class_of: impl Fn(u32) -> Option<u32>,
    classes: usize,
) -> Votes {
    let mut share = vec![0.0f32; classes];
    let mut best = vec![0.0f32; classes];
    for &(i, s) in nearest {
        if let Some(c) = class_of(i).filter(|c| (*c as usize) < classes) {
            share[c as usize] += s;
            best[c as usize] = best[c as usize].max(s);
        }
    }
    let total: f32 = share.iter().sum();
    if total > 0.0 {
        for s in &mut share {
            *s /= total;
        }
    }
    Votes {
        share,
        nearest: best,
    }
}

#[cfg(test)]
mod tests {
    use super::{Neighbours, votes};

    #[test]
    fn the_most_similar_example_comes_first_and_votes_most() {
        let xs = vec![vec![(0, 1.0)], vec![(0, 0.6), (1, 0.8)], vec![(2, 1.0)]];
        let index = Neighbours::new(&xs, 3);
        let found = index.nearest(&vec![(0, 0.8), (1, 0.6)]);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 0]);
        assert!((found[0].1 - 0.96).abs() < 1e-6);
        let v = votes(&found, |i| Some([0, 1, 1][i as usize]), 2);
        assert!(v.share[1] > v.share[0]);
        assert!((v.nearest[0] - 0.8).abs() < 1e-6);
    }
}
