//! Growing the forest's trees: each feature binned once into its sorted
//! distinct values, the bootstrap draw per tree, and the builder that grows a
//! tree node by node, searching every threshold of the features it draws.
//!
//! Speed: a node with more rows than a feature has distinct values counts
//! class weights per bin (linear in the node's rows); otherwise it sorts the
//! node's bins.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Checked, Node, Tree};
use crate::model::matrix::Matrix;

/// Base weight x bootstrap count per row.
pub(super) fn sample_weights(base: &[f64], bootstrap: bool, rng: &mut ChaCha8Rng) -> Vec<f64> {
    if !bootstrap {
        return base.to_vec();
    }
    let n = base.len();
    let mut counts = vec![0u32; n];
    for _ in 0..n {
        // Drawn as u64 so 64-bit and wasm32 draw the same numbers.
        counts[rng.gen_range(0..n as u64) as usize] += 1;
    }
    base.iter()
        .zip(&counts)
        .map(|(w, &count)| w * f64::from(count))
        .collect()
}

/// Each feature as indices into its sorted distinct values, column-major.
pub(super) struct Binned {
    n_rows: usize,
    /// `bins[feature * n_rows + row]`.
    bins: Vec<u32>,
    /// Sorted distinct values per feature.
    values: Vec<Vec<f64>>,
}

impl Binned {
    pub(super) fn new(x: &Matrix) -> Binned {
        let n_rows = x.n_rows();
        let mut bins = Vec::with_capacity(n_rows * x.n_cols());
        let mut values = Vec::with_capacity(x.n_cols());
        let mut column = Vec::with_capacity(n_rows);
        for feature in 0..x.n_cols() {
            column.clear();
            // `+ 0.0` turns -0.0 into 0.0: they compare equal, so one bin.
            column.extend((0..n_rows).map(|row_idx| x.get(row_idx, feature) + 0.0));
            let mut distinct = column.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            for value in &column {
                let bin = distinct.partition_point(|d| d < value);
                bins.push(bin as u32);
            }
            values.push(distinct);
        }
        Binned {
            n_rows,
            bins,
            values,
        }
    }

    fn column(&self, feature: usize) -> &[u32] {
        &self.bins[feature * self.n_rows..(feature + 1) * self.n_rows]
    }
}

/// The best split found so far in a node.
#[derive(Clone, Copy)]
struct Best {
    proxy: f64,
    feature: usize,
    /// Last bin going left, first bin going right (both non-empty in the node).
    low_bin: u32,
    high_bin: u32,
}

/// A node waiting to be grown: its slot in `nodes` and its rows `start..end`.
struct Task {
    node_idx: usize,
    start: usize,
    end: usize,
    depth: usize,
}

/// Grows trees; holds buffers reused from node to node and tree to tree.
pub(super) struct Builder<'a> {
    binned: &'a Binned,
    y: &'a [usize],
    n_classes: usize,
    params: &'a Checked,
    rows: Vec<u32>,
    scratch: Vec<u32>,
    keys: Vec<u64>,
    hist_weight: Vec<f64>,
    hist_count: Vec<u32>,
    features: Vec<usize>,
    totals: Vec<f64>,
    left: Vec<f64>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        binned: &'a Binned,
        y: &'a [usize],
        n_classes: usize,
        params: &'a Checked,
    ) -> Self {
        Builder {
            binned,
            y,
            n_classes,
            params,
            rows: Vec::new(),
            scratch: Vec::new(),
            keys: Vec::new(),
            hist_weight: Vec::new(),
            hist_count: Vec::new(),
            features: (0..binned.values.len()).collect(),
            totals: vec![0.0; n_classes],
            left: vec![0.0; n_classes],
        }
    }

    /// One tree on rows weighted by `weight` (zero = not in the bag), with
    /// its unnormalised impurity decrease per feature.
    pub(super) fn build(&mut self, weight: &[f64], rng: &mut ChaCha8Rng) -> (Tree, Vec<f64>) {
        self.rows.clear();
        self.rows
            .extend((0..weight.len() as u32).filter(|&r| weight[r as usize] > 0.0));
        let mut importance = vec![0.0; self.binned.values.len()];
        let mut nodes = vec![Node::Leaf {
            distribution: Vec::new(),
            cover: 0.0,
        }];
        let mut stack = vec![Task {
            node_idx: 0,
            start: 0,
            end: self.rows.len(),
            depth: 0,
        }];
        while let Some(task) = stack.pop() {
            self.class_totals(weight, task.start, task.end);
            let cover: f64 = self.totals.iter().sum();
            let n_node = task.end - task.start;
            let n_present = self.totals.iter().filter(|&&t| t > 0.0).count();
            let can_split = task.depth < self.params.max_depth
                && n_node >= 2 * self.params.min_samples_leaf
                && n_node >= 2
                && n_present > 1;
            let best = if can_split {
                self.best_split(weight, task.start, task.end, rng)
            } else {
                None
            };
            match best {
                None => {
                    let distribution = if cover > 0.0 {
                        self.totals.iter().map(|t| t / cover).collect()
                    } else {
                        vec![1.0 / self.n_classes as f64; self.n_classes]
                    };
                    nodes[task.node_idx] = Node::Leaf {
                        distribution,
                        cover,
                    };
                }
                Some(best) => {
                    let sum_sq: f64 = self.totals.iter().map(|t| t * t).sum();
                    importance[best.feature] += (best.proxy - sum_sq / cover).max(0.0);
                    let mid = self.partition(best, task.start, task.end);
                    let values = &self.binned.values[best.feature];
                    let threshold = midpoint(
                        values[best.low_bin as usize],
                        values[best.high_bin as usize],
                    );
                    let left = nodes.len();
                    let right = left + 1;
                    nodes.push(Node::Leaf {
                        distribution: Vec::new(),
                        cover: 0.0,
                    });
                    nodes.push(Node::Leaf {
                        distribution: Vec::new(),
                        cover: 0.0,
                    });
                    nodes[task.node_idx] = Node::Split {
                        feature: best.feature,
                        threshold,
                        left,
                        right,
                        cover,
                    };
                    // Right pushed first so the left subtree is grown first.
                    stack.push(Task {
                        node_idx: right,
                        start: mid,
                        end: task.end,
                        depth: task.depth + 1,
                    });
                    stack.push(Task {
                        node_idx: left,
                        start: task.start,
                        end: mid,
                        depth: task.depth + 1,
                    });
                }
            }
        }
        (Tree { nodes }, importance)
    }

    fn class_totals(&mut self, weight: &[f64], start: usize, end: usize) {
        self.totals.iter_mut().for_each(|t| *t = 0.0);
        for &row in &self.rows[start..end] {
            self.totals[self.y[row as usize]] += weight[row as usize];
        }
    }

    /// Draws features without replacement until `max_features` non-constant
    /// ones were tried and a valid split exists, or all were tried.
    fn best_split(
        &mut self,
        weight: &[f64],
        start: usize,
        end: usize,
        rng: &mut ChaCha8Rng,
    ) -> Option<Best> {
        let n_features = self.features.len();
        let mut best: Option<Best> = None;
        let mut n_tried = 0;
        for drawn in 0..n_features {
            if n_tried >= self.params.max_features && best.is_some() {
                break;
            }
            let pick = drawn + rng.gen_range(0..(n_features - drawn) as u64) as usize;
            self.features.swap(drawn, pick);
            let feature = self.features[drawn];
            if self.split_on(feature, weight, start, end, &mut best) {
                n_tried += 1;
            }
        }
        best
    }

    /// Scans every threshold of `feature` in the node, updating `best`.
    /// Returns false when the feature is constant in the node.
    fn split_on(
        &mut self,
        feature: usize,
        weight: &[f64],
        start: usize,
        end: usize,
        best: &mut Option<Best>,
    ) -> bool {
        let n_classes = self.n_classes;
        let n_node = end - start;
        let min_leaf = self.params.min_samples_leaf;
        let column = self.binned.column(feature);
        let n_bins = self.binned.values[feature].len();
        let total_weight: f64 = self.totals.iter().sum();
        self.left.iter_mut().for_each(|l| *l = 0.0);
        let mut n_left = 0usize;
        let mut left_weight = 0.0;
        let mut previous_bin: Option<u32> = None;
        let mut constant = true;

        // Considers a split after `low` (everything so far goes left) before `high`.
        let mut consider = |left: &[f64], n_left: usize, left_weight: f64, low: u32, high: u32| {
            if n_left < min_leaf || n_node - n_left < min_leaf {
                return;
            }
            let right_weight = total_weight - left_weight;
            if left_weight <= 0.0 || right_weight <= 0.0 {
                return;
            }
            let mut left_sq = 0.0;
            let mut right_sq = 0.0;
            for (l, t) in left.iter().zip(&self.totals) {
                let r = t - l;
                left_sq += l * l;
                right_sq += r * r;
            }
            let proxy = left_sq / left_weight + right_sq / right_weight;
            if best.is_none_or(|b| proxy > b.proxy) {
                *best = Some(Best {
                    proxy,
                    feature,
                    low_bin: low,
                    high_bin: high,
                });
            }
        };

        if n_bins <= n_node {
            // Counting per bin: linear in the node's rows.
            self.hist_weight.clear();
            self.hist_weight.resize(n_bins * n_classes, 0.0);
            self.hist_count.clear();
            self.hist_count.resize(n_bins, 0);
            for &row in &self.rows[start..end] {
                let row = row as usize;
                let bin = column[row] as usize;
                self.hist_weight[bin * n_classes + self.y[row]] += weight[row];
                self.hist_count[bin] += 1;
            }
            for bin in 0..n_bins {
                let count = self.hist_count[bin] as usize;
                if count == 0 {
                    continue;
                }
                if let Some(low) = previous_bin {
                    constant = false;
                    consider(&self.left, n_left, left_weight, low, bin as u32);
                }
                for class in 0..n_classes {
                    let w = self.hist_weight[bin * n_classes + class];
                    self.left[class] += w;
                    left_weight += w;
                }
                n_left += count;
                previous_bin = Some(bin as u32);
            }
        } else {
            // Few rows, many values: sort the node's rows by bin (row index
            // breaks ties, so the sums are added in a fixed order).
            self.keys.clear();
            self.keys.extend(
                self.rows[start..end]
                    .iter()
                    .map(|&row| (u64::from(column[row as usize]) << 32) | u64::from(row)),
            );
            self.keys.sort_unstable();
            for &key in &self.keys {
                let bin = (key >> 32) as u32;
                let row = (key & 0xffff_ffff) as usize;
                if let Some(low) = previous_bin {
                    if low != bin {
                        constant = false;
                        consider(&self.left, n_left, left_weight, low, bin);
                    }
                }
                let w = weight[row];
                self.left[self.y[row]] += w;
                left_weight += w;
                n_left += 1;
                previous_bin = Some(bin);
            }
        }
        !constant
    }

    /// Stable partition of the node's rows: bins up to `low_bin` first.
    /// Returns where the right child's rows start.
    fn partition(&mut self, best: Best, start: usize, end: usize) -> usize {
        let column = self.binned.column(best.feature);
        self.scratch.clear();
        let mut write = start;
        for read in start..end {
            let row = self.rows[read];
            if column[row as usize] <= best.low_bin {
                self.rows[write] = row;
                write += 1;
            } else {
                self.scratch.push(row);
            }
        }
        self.rows[write..end].copy_from_slice(&self.scratch);
        write
    }
}

/// Threshold between two consecutive distinct values, as scikit-learn: the
/// midpoint, or the lower value when rounding makes the midpoint reach the
/// upper one (so the upper value still goes right).
fn midpoint(low: f64, high: f64) -> f64 {
    let mid = low / 2.0 + high / 2.0;
    if mid >= high || !mid.is_finite() {
        low
    } else {
        mid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midpoint_never_reaches_the_upper_value() {
        let low: f64 = 1.0;
        let high = f64::from_bits(low.to_bits() + 1);
        assert_eq!(midpoint(low, high), low);
        assert_eq!(midpoint(1.0, 2.0), 1.5);
        assert_eq!(midpoint(f64::MAX / 1.0, f64::MAX), f64::MAX);
    }
}
