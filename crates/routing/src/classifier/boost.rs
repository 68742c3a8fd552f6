//! Gradient-boosted regression trees that rank a message's candidate
//! classes. Each message is a group of candidates described by a few dense
//! features; the loss is the softmax over the group, so the trees learn to
//! put the right class first. A prediction splits into per-feature
//! contributions by following its path through each tree (the value of a
//! node minus that of its parent goes to the parent's feature), which is
//! what lets a moderator see why a class came first.
//!
//! Written here rather than taken from a crate: see ADR 0005.

use std::ops::Range;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy)]
pub struct BoostOptions {
    pub rounds: usize,
    pub learning_rate: f32,
    pub depth: usize,
    /// A leaf needs at least this much curvature (about as many examples
    /// times p(1-p)), so no leaf learns from a handful of rows.
    pub min_hessian: f32,
    /// L2 penalty on leaf values.
    pub lambda: f32,
    /// Split points tried per feature (quantiles of its values).
    pub bins: usize,
}

impl Default for BoostOptions {
    fn default() -> Self {
        Self {
            rounds: 300,
            learning_rate: 0.05,
            depth: 4,
            min_hessian: 2.0,
            lambda: 1.0,
            bins: 32,
        }
    }
}

/// Candidates of many messages: `rows[groups[m]]` are message `m`'s, and
/// `truth[r]` says whether row `r` is the right class.
pub struct Grouped<'a> {
    pub rows: &'a [Vec<f32>],
    pub groups: &'a [Range<usize>],
    pub truth: &'a [bool],
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Boosted {
    features: usize,
    trees: Vec<Tree>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tree {
    /// `nodes[0]` is the root; a node without children is a leaf.
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Node {
    /// What the tree predicts for rows that reach this node.
    value: f32,
    split: Option<Split>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Split {
    feature: u16,
    /// Rows with the feature at or below go left.
    threshold: f32,
    left: u32,
    right: u32,
}

impl Boosted {
    /// Trains `options.rounds` trees on the groups.
    pub fn train(data: &Grouped, options: BoostOptions) -> Self {
        let features = data.rows.first().map_or(0, Vec::len);
        let binned = Binned::new(data.rows, features, options.bins);
        let mut scores = vec![0.0f32; data.rows.len()];
        let mut gradient = vec![0.0f32; data.rows.len()];
        let mut hessian = vec![0.0f32; data.rows.len()];
        let mut trees = Vec::with_capacity(options.rounds);
        for _ in 0..options.rounds {
            for group in data.groups {
                let p = softmax(&scores[group.clone()]);
                for (r, p) in group.clone().zip(p) {
                    gradient[r] = p - f32::from(u8::from(data.truth[r]));
                    hessian[r] = (p * (1.0 - p)).max(1e-6);
                }
            }
            let rows: Vec<u32> = (0..data.rows.len() as u32).collect();
            let mut tree = Tree { nodes: Vec::new() };
            grow(
                &mut tree,
                &binned,
                &gradient,
                &hessian,
                rows,
                0,
                &options,
                &mut scores,
            );
            trees.push(tree);
        }
        Self { features, trees }
    }

    /// The groups' mean loss after each number of trees (index 0: one tree),
    /// to choose how many to keep.
    pub fn loss_by_rounds(&self, data: &Grouped) -> Vec<f32> {
        let mut scores = vec![0.0f32; data.rows.len()];
        let mut losses = Vec::with_capacity(self.trees.len());
        for tree in &self.trees {
            for (s, row) in scores.iter_mut().zip(data.rows) {
                *s += tree.predict(row);
            }
            let total: f32 = data
                .groups
                .iter()
                .filter_map(|g| {
                    let truth = g.clone().find(|&r| data.truth[r])?;
                    let p = softmax(&scores[g.clone()]);
                    Some(-p[truth - g.start].max(1e-9).ln())
                })
                .sum();
            losses.push(total / data.groups.len().max(1) as f32);
        }
        losses
    }

    pub fn score(&self, row: &[f32]) -> f32 {
        self.trees.iter().map(|t| t.predict(row)).sum()
    }

    /// How much each feature moved the score of `row`, by the paths the row
    /// takes: the contributions plus the trees' root values add up to the score.
    pub fn contributions(&self, row: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; self.features];
        for tree in &self.trees {
            let mut node = &tree.nodes[0];
            while let Some(split) = &node.split {
                let next = &tree.nodes[split.next(row) as usize];
                if let Some(c) = out.get_mut(usize::from(split.feature)) {
                    *c += next.value - node.value;
                }
                node = next;
            }
        }
        out
    }
}

impl Split {
    fn next(&self, row: &[f32]) -> u32 {
        let value = row.get(usize::from(self.feature)).copied().unwrap_or(0.0);
        if value <= self.threshold {
            self.left
        } else {
            self.right
        }
    }
}

impl Tree {
    fn predict(&self, row: &[f32]) -> f32 {
        let mut node = &self.nodes[0];
        while let Some(split) = &node.split {
            node = &self.nodes[split.next(row) as usize];
        }
        node.value
    }
}

/// Every row's features as bins of quantile cut points.
struct Binned {
    /// Per feature, the cut points: bin `b` holds values above `cuts[b-1]`
    /// and at most `cuts[b]`.
    cuts: Vec<Vec<f32>>,
    /// Row-major bins.
    bins: Vec<u8>,
    features: usize,
}

impl Binned {
    fn new(rows: &[Vec<f32>], features: usize, bins: usize) -> Self {
        let bins = bins.clamp(2, 255);
        let cuts: Vec<Vec<f32>> = (0..features)
            .map(|f| {
                let mut values: Vec<f32> = rows.iter().map(|r| r[f]).collect();
                values.sort_by(f32::total_cmp);
                let mut cuts: Vec<f32> = (1..bins)
                    .filter_map(|q| values.get(q * values.len() / bins).copied())
                    .collect();
                cuts.dedup();
                // The largest value cannot split anything off.
                if cuts.last() == values.last() {
                    cuts.pop();
                }
                cuts
            })
            .collect();
        let bins = rows
            .iter()
            .flat_map(|row| {
                cuts.iter()
                    .zip(row)
                    .map(|(c, v)| c.partition_point(|cut| cut < v) as u8)
            })
            .collect();
        Self {
            cuts,
            bins,
            features,
        }
    }

    fn bin(&self, row: u32, feature: usize) -> usize {
        usize::from(self.bins[row as usize * self.features + feature])
    }
}

/// Grows the subtree of `rows` at `depth` into `tree`, adding its values
/// to the rows' scores; returns the new node's index.
#[allow(clippy::too_many_arguments)]
fn grow(
    tree: &mut Tree,
    binned: &Binned,
    gradient: &[f32],
    hessian: &[f32],
    rows: Vec<u32>,
    depth: usize,
    options: &BoostOptions,
    scores: &mut [f32],
) -> u32 {
    let g: f32 = rows.iter().map(|&r| gradient[r as usize]).sum();
    let h: f32 = rows.iter().map(|&r| hessian[r as usize]).sum();
    let value = -g / (h + options.lambda) * options.learning_rate;
    let index = tree.nodes.len() as u32;
    tree.nodes.push(Node { value, split: None });
    let best = if depth < options.depth {
        best_split(binned, gradient, hessian, &rows, g, h, options)
    } else {
        None
    };
    let Some((feature, bin)) = best else {
        for &r in &rows {
            scores[r as usize] += value;
        }
        return index;
    };
    let (left, right): (Vec<u32>, Vec<u32>) = rows
        .into_iter()
        .partition(|&r| binned.bin(r, feature) <= bin);
    let left = grow(
        tree,
        binned,
        gradient,
        hessian,
        left,
        depth + 1,
        options,
        scores,
    );
    let right = grow(
        tree,
        binned,
        gradient,
        hessian,
        right,
        depth + 1,
        options,
        scores,
    );
    tree.nodes[index as usize].split = Some(Split {
        feature: feature as u16,
        threshold: binned.cuts[feature][bin],
        left,
        right,
    });
    index
}

/// The (feature, bin) whose split lowers the loss most, if any does.
fn best_split(
    binned: &Binned,
    gradient: &[f32],
    hessian: &[f32],
    rows: &[u32],
    g: f32,
    h: f32,
    options: &BoostOptions,
) -> Option<(usize, usize)> {
    let gain = |g: f32, h: f32| g * g / (h + options.lambda);
    let parent = gain(g, h);
    let mut best: Option<((usize, usize), f32)> = None;
    for (feature, cuts) in binned.cuts.iter().enumerate() {
        let mut histogram = vec![(0.0f32, 0.0f32); cuts.len() + 1];
        for &r in rows {
            let cell = &mut histogram[binned.bin(r, feature)];
            cell.0 += gradient[r as usize];
            cell.1 += hessian[r as usize];
        }
        let (mut gl, mut hl) = (0.0, 0.0);
        for (bin, (gb, hb)) in histogram.iter().enumerate().take(cuts.len()) {
            gl += gb;
            hl += hb;
            let hr = h - hl;
            if hl < options.min_hessian || hr < options.min_hessian {
                continue;
            }
            let improvement = gain(gl, hl) + gain(g - gl, hr) - parent;
            if improvement > 1e-6 && best.is_none_or(|(_, b)| improvement > b) {
                best = Some(((feature, bin), improvement));
            }
        }
    }
    best.map(|(split, _)| split)
}

fn softmax(scores: &[f32]) -> Vec<f32> {
    super::linear::softmax(scores)
}

#[cfg(test)]
mod tests {
    use super::{BoostOptions, Boosted, Grouped};

    /// Two candidates a message: the right one is the one whose first
    /// feature is above 0.5, whatever the second (noise) says.
    #[test]
    fn learns_which_feature_ranks_and_credits_it() {
        let mut rows = Vec::new();
        let mut truth = Vec::new();
        let mut groups = Vec::new();
        for i in 0..200u32 {
            let noise = (i % 7) as f32 / 7.0;
            let start = rows.len();
            rows.push(vec![0.9, noise]);
            rows.push(vec![0.1, 1.0 - noise]);
            let right_first = i % 2 == 0;
            truth.push(right_first);
            truth.push(!right_first);
            if !right_first {
                rows[start][0] = 0.1;
                rows[start + 1][0] = 0.9;
            }
            groups.push(start..rows.len());
        }
        let data = Grouped {
            rows: &rows,
            groups: &groups,
            truth: &truth,
        };
        let model = Boosted::train(&data, BoostOptions::default());
        assert!(model.score(&[0.9, 0.0]) > model.score(&[0.1, 0.0]) + 1.0);
        let losses = model.loss_by_rounds(&data);
        assert!(losses.last().copied().unwrap_or(1.0) < losses[0] / 2.0);
        let push = model.contributions(&[0.9, 0.5]);
        assert!(push[0] > 0.0 && push[0].abs() > push[1].abs() * 5.0);
    }
}
