//! Per-referral reasons: exact Shapley contributions of each feature to each
//! class probability of a [`Forest`], by TreeSHAP.
//!
//! The value of a set of known features S for a row is the cover-weighted
//! expectation of the forest's output: at a split on a known feature follow
//! the row, at a split on an unknown one average both children weighted by
//! the training weight (cover) that reached them. The Shapley values of that
//! game add up exactly: `base[c] + sum_f values[f][c] == predict_proba(row)[c]`.
//! [`tree_shap`] computes them in polynomial time with path-dependent TreeSHAP
//! (Lundberg, Erion and Lee 2018, Algorithm 2), all classes in one pass since
//! a leaf's classes share one path weight; [`brute_force_shap`] enumerates
//! every subset of features with the same value function and exists to check
//! it in tests.

use serde::{Deserialize, Serialize};

use super::forest::{Forest, Node, Tree};

/// Contributions for one row: `base[class]` is the expected probability with
/// nothing known; `values[feature][class]` what knowing the feature adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shap {
    pub base: Vec<f64>,
    pub values: Vec<Vec<f64>>,
}

/// Exact path-dependent TreeSHAP, averaged over the trees.
pub fn tree_shap(forest: &Forest, row: &[f64]) -> Shap {
    let n_classes = forest.n_classes();
    let n_features = forest.n_features();
    let mut base = vec![0.0; n_classes];
    // Flat, row-major `n_features x n_classes` while accumulating.
    let mut phi = vec![0.0; n_features * n_classes];
    let mut path = Vec::new();
    let mut recip = Vec::new();
    for tree in forest.trees() {
        add_expected(tree, &mut base);
        let mut walk = Walk {
            tree,
            row,
            n_classes,
            phi: &mut phi,
            path: &mut path,
            recip: &mut recip,
        };
        walk.recurse(0, 0, 0, 1.0, 1.0, None);
    }
    finish(forest, base, phi)
}

/// Exact Shapley values by enumerating all `2^n_features` subsets with the
/// same value function. Exponential: for tests on few features.
pub fn brute_force_shap(forest: &Forest, row: &[f64]) -> Shap {
    let n_classes = forest.n_classes();
    let n_features = forest.n_features();
    assert!(n_features <= 20, "brute force Shapley is for few features");
    let n_subsets = 1usize << n_features;
    // value[subset][class], the forest's total over trees.
    let values: Vec<Vec<f64>> = (0..n_subsets)
        .map(|subset| {
            let mut value = vec![0.0; n_classes];
            for tree in forest.trees() {
                let v = conditional_expectation(tree, row, subset, 0);
                value.iter_mut().zip(&v).for_each(|(sum, x)| *sum += x);
            }
            value
        })
        .collect();
    let factorial = |n: usize| (1..=n).map(|k| k as f64).product::<f64>();
    let mut phi = vec![0.0; n_features * n_classes];
    for feature in 0..n_features {
        let bit = 1usize << feature;
        for subset in (0..n_subsets).filter(|s| s & bit == 0) {
            let size = subset.count_ones() as usize;
            let weight = factorial(size) * factorial(n_features - size - 1) / factorial(n_features);
            for class in 0..n_classes {
                phi[feature * n_classes + class] +=
                    weight * (values[subset | bit][class] - values[subset][class]);
            }
        }
    }
    finish(forest, values[0].clone(), phi)
}

/// Divides the per-tree totals by the number of trees and reshapes.
fn finish(forest: &Forest, mut base: Vec<f64>, phi: Vec<f64>) -> Shap {
    let n_trees = forest.trees().len().max(1) as f64;
    let n_classes = forest.n_classes();
    base.iter_mut().for_each(|b| *b /= n_trees);
    let values = phi
        .chunks(n_classes.max(1))
        .take(forest.n_features())
        .map(|chunk| chunk.iter().map(|v| v / n_trees).collect())
        .collect();
    Shap { base, values }
}

/// Adds the tree's cover-weighted mean leaf distribution to `base`.
fn add_expected(tree: &Tree, base: &mut [f64]) {
    let root_cover = tree.nodes.first().map_or(0.0, Node::cover);
    if root_cover <= 0.0 {
        return;
    }
    for node in &tree.nodes {
        if let Node::Leaf {
            distribution,
            cover,
        } = node
        {
            for (sum, share) in base.iter_mut().zip(distribution) {
                *sum += share * cover / root_cover;
            }
        }
    }
}

/// The value function: expected leaf distribution when the features in the
/// bit set `known` take the row's values and the rest are averaged by cover.
fn conditional_expectation(tree: &Tree, row: &[f64], known: usize, node_idx: usize) -> Vec<f64> {
    match &tree.nodes[node_idx] {
        Node::Leaf { distribution, .. } => distribution.clone(),
        Node::Split {
            feature,
            threshold,
            left,
            right,
            cover,
        } => {
            if known & (1 << feature) != 0 {
                let value = row.get(*feature).copied().unwrap_or(f64::NAN);
                let next = if value <= *threshold { *left } else { *right };
                conditional_expectation(tree, row, known, next)
            } else {
                let left_value = conditional_expectation(tree, row, known, *left);
                let right_value = conditional_expectation(tree, row, known, *right);
                let left_cover = tree.nodes[*left].cover();
                let right_cover = tree.nodes[*right].cover();
                left_value
                    .iter()
                    .zip(&right_value)
                    .map(|(l, r)| (l * left_cover + r * right_cover) / cover)
                    .collect()
            }
        }
    }
}

/// One element of the path of unique features from the root (Algorithm 2's
/// `m`): the feature, the share of cover that would flow down the path were
/// it unknown (`zero`), whether the row itself flows down it (`one`), and
/// the permutation weight.
#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: Option<usize>,
    zero: f64,
    one: f64,
    weight: f64,
}

struct Walk<'a> {
    tree: &'a Tree,
    row: &'a [f64],
    n_classes: usize,
    phi: &'a mut [f64],
    /// Stack of paths: the path at depth `d` starts at `offset`; each level
    /// copies its parent's so siblings see the parent's path unchanged.
    path: &'a mut Vec<PathElement>,
    /// `recip[k] = 1 / k`, grown to the deepest path seen.
    recip: &'a mut Vec<f64>,
}

impl Walk<'_> {
    /// Algorithm 2's RECURSE. `parent_offset` is where the parent's path
    /// (of `unique_depth` elements before extension) begins in `self.path`.
    fn recurse(
        &mut self,
        node_idx: usize,
        parent_offset: usize,
        unique_depth: usize,
        zero: f64,
        one: f64,
        feature: Option<usize>,
    ) {
        // Copy the parent's path (`unique_depth` elements) after it, then extend.
        let offset = parent_offset + unique_depth;
        let needed = offset + unique_depth + 1;
        if self.path.len() < needed {
            self.path.resize(needed, PathElement::default());
        }
        self.path
            .copy_within(parent_offset..parent_offset + unique_depth, offset);
        let mut depth = unique_depth;
        extend(
            &mut self.path[offset..offset + depth + 1],
            depth,
            zero,
            one,
            feature,
        );
        depth += 1;

        match &self.tree.nodes[node_idx] {
            Node::Leaf { distribution, .. } => {
                if self.recip.len() <= depth {
                    *self.recip = (0..=depth)
                        .map(|k| if k == 0 { 0.0 } else { 1.0 / k as f64 })
                        .collect();
                }
                let path = &self.path[offset..offset + depth];
                let recip = &self.recip;
                let last = depth - 1;
                // Unwinding any cold element (the row does not go its way)
                // sums the same terms, divided by its zero fraction: sum once.
                let cold_sum = (0..last)
                    .map(|i| path[i].weight * recip[last - i])
                    .sum::<f64>()
                    * depth as f64;
                // Element 0 is the root's placeholder with no feature.
                for i in 1..depth {
                    let element = path[i];
                    let Some(feature) = element.feature else {
                        continue;
                    };
                    let unwound = if element.one != 0.0 {
                        unwound_sum_hot(path, element, recip)
                    } else {
                        cold_sum / element.zero
                    };
                    let scale = unwound * (element.one - element.zero);
                    let out =
                        &mut self.phi[feature * self.n_classes..(feature + 1) * self.n_classes];
                    for (sum, share) in out.iter_mut().zip(distribution) {
                        *sum += scale * share;
                    }
                }
            }
            Node::Split {
                feature: split_feature,
                threshold,
                left,
                right,
                cover,
            } => {
                let value = self.row.get(*split_feature).copied().unwrap_or(f64::NAN);
                let (hot, cold) = if value <= *threshold {
                    (*left, *right)
                } else {
                    (*right, *left)
                };
                let hot_zero = self.tree.nodes[hot].cover() / cover;
                let cold_zero = self.tree.nodes[cold].cover() / cover;
                let mut incoming_zero = 1.0;
                let mut incoming_one = 1.0;
                // A feature met again: undo its earlier extension and redo it here.
                let seen = self.path[offset..offset + depth]
                    .iter()
                    .position(|e| e.feature == Some(*split_feature));
                if let Some(k) = seen {
                    incoming_zero = self.path[offset + k].zero;
                    incoming_one = self.path[offset + k].one;
                    unwind(&mut self.path[offset..offset + depth], k);
                    depth -= 1;
                }
                self.recurse(
                    hot,
                    offset,
                    depth,
                    hot_zero * incoming_zero,
                    incoming_one,
                    Some(*split_feature),
                );
                self.recurse(
                    cold,
                    offset,
                    depth,
                    cold_zero * incoming_zero,
                    0.0,
                    Some(*split_feature),
                );
            }
        }
    }
}

/// EXTEND: adds an element to a path of `depth` elements (`path` has room
/// for `depth + 1`) and updates the permutation weights.
fn extend(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: Option<usize>) {
    path[depth] = PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let n = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / n;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / n;
    }
}

/// UNWIND: removes element `k` from a path of `path.len()` elements.
fn unwind(path: &mut [PathElement], k: usize) {
    let last = path.len() - 1;
    let one = path[k].one;
    let zero = path[k].zero;
    let n = (last + 1) as f64;
    let mut next = path[last].weight;
    for i in (0..last).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next * n / ((i + 1) as f64 * one);
            next = tmp - path[i].weight * zero * (last - i) as f64 / n;
        } else {
            path[i].weight = path[i].weight * n / (zero * (last - i) as f64);
        }
    }
    for i in k..last {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

/// The total permutation weight were a hot element (`one != 0`) unwound,
/// without changing the path. Algorithm 2's UNWOUND-SUM with the divisions
/// by small integers turned into multiplications by `recip[k] = 1 / k`.
fn unwound_sum_hot(path: &[PathElement], element: PathElement, recip: &[f64]) -> f64 {
    let last = path.len() - 1;
    let n = path.len() as f64;
    let scale = n / element.one;
    let zero_over_n = element.zero / n;
    let mut next = path[last].weight;
    let mut total = 0.0;
    for i in (0..last).rev() {
        let tmp = next * scale * recip[i + 1];
        total += tmp;
        next = path[i].weight - tmp * zero_over_n * (last - i) as f64;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::forest::{ClassWeight, ForestParams, MaxFeatures};
    use crate::model::matrix::Matrix;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_forest(n_features: usize, seed: u64) -> (Forest, Matrix) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows: Vec<Vec<f64>> = (0..120)
            .map(|_| {
                (0..n_features)
                    .map(|_| f64::from(rng.gen_range(0..4u32)))
                    .collect()
            })
            .collect();
        let y: Vec<usize> = rows
            .iter()
            .map(|r| ((r[0] + r[n_features - 1] + f64::from(rng.gen_range(0..2u32))) as usize) % 3)
            .collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let params = ForestParams {
            n_trees: 5,
            max_depth: 6,
            class_weight: ClassWeight::Balanced,
            max_features: MaxFeatures::Count(2),
            seed,
            ..ForestParams::default()
        };
        (Forest::fit(&x, &y, 3, None, &params).unwrap(), x)
    }

    #[test]
    fn tree_shap_matches_brute_force() {
        for seed in 0..3 {
            let (forest, x) = random_forest(5, seed);
            for row in x.rows().take(15) {
                let fast = tree_shap(&forest, row);
                let exact = brute_force_shap(&forest, row);
                for (b1, b2) in fast.base.iter().zip(&exact.base) {
                    assert!((b1 - b2).abs() < 1e-9, "base {b1} vs {b2}");
                }
                for (f, (v1, v2)) in fast.values.iter().zip(&exact.values).enumerate() {
                    for (a, b) in v1.iter().zip(v2) {
                        assert!((a - b).abs() < 1e-9, "feature {f}: {a} vs {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn contributions_add_up_to_the_probability() {
        let (forest, x) = random_forest(4, 7);
        for row in x.rows().take(20) {
            let shap = tree_shap(&forest, row);
            let proba = forest.predict_proba(row);
            for class in 0..3 {
                let total: f64 =
                    shap.base[class] + shap.values.iter().map(|v| v[class]).sum::<f64>();
                assert!((total - proba[class]).abs() < 1e-9);
            }
        }
    }
}
