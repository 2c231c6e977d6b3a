//! Per-referral reasons: exact Shapley contributions of each feature to each
//! class probability of a [`Forest`], by TreeSHAP.
//!
//! The value of a set of known features S for a row is the cover-weighted
//! expectation of the forest's output: at a split on a known feature follow
//! the row, at a split on an unknown one average both children weighted by
//! the training weight (cover) that reached them. The Shapley values of that
//! game add up exactly: `base[c] + sum_f values[f][c] == predict_proba(row)[c]`.
//! [`tree_shap`] computes them in polynomial time: path-dependent TreeSHAP
//! (Lundberg, Erion and Lee 2018), each leaf's share written in closed form
//! over the hot and cold features on its path (see `Walk::leaf`), all classes
//! in one pass since a leaf's classes share one weight; [`tree_shap_class`]
//! does one class. [`brute_force_shap`] enumerates every subset of features
//! with the same value function and exists to check them in tests.

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
    let (base, phi) = walk_forest(forest, row, 0, n_classes);
    finish(forest, base, phi)
}

/// Contributions to one class's probability: what a reason needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassShap {
    pub base: f64,
    /// `values[feature]`.
    pub values: Vec<f64>,
}

/// [`tree_shap`] for one class only: the same numbers as
/// `tree_shap(forest, row).values[f][class]`, without the other classes' work.
/// A class outside the forest gets zeros.
pub fn tree_shap_class(forest: &Forest, row: &[f64], class: usize) -> ClassShap {
    if class >= forest.n_classes() {
        return ClassShap {
            base: 0.0,
            values: vec![0.0; forest.n_features()],
        };
    }
    let (base, phi) = walk_forest(forest, row, class, 1);
    let n_trees = forest.trees().len().max(1) as f64;
    ClassShap {
        base: base[0] / n_trees,
        values: phi.iter().map(|v| v / n_trees).collect(),
    }
}

/// Per-tree totals of the base and of `n_features x n_out` contributions to
/// classes `first..first + n_out`.
fn walk_forest(forest: &Forest, row: &[f64], first: usize, n_out: usize) -> (Vec<f64>, Vec<f64>) {
    let n_features = forest.n_features();
    let mut base = vec![0.0; n_out];
    // Flat, row-major `n_features x n_out` while accumulating.
    let mut phi = vec![0.0; n_features * n_out];
    let mut scratch = Scratch::default();
    for tree in forest.trees() {
        if tree.nodes.is_empty() {
            continue;
        }
        add_expected(tree, first, &mut base);
        let mut walk = Walk {
            tree,
            row,
            first,
            n_out,
            phi: &mut phi,
            scratch: &mut scratch,
        };
        walk.visit(0);
    }
    (base, phi)
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

/// Most players [`logit_shap`] enumerates exactly (`2^16` subsets).
pub const LOGIT_SHAP_MAX_PLAYERS: usize = 16;

/// Exact Shapley values of the game `v(S) = sigmoid(intercept + sum_{j in S}
/// terms[j])`: a logistic model's probability when the players in S take the
/// referral's values and the others sit at the mean (term zero). Returns
/// `(v(empty), values)`; the values add up to `v(all) - v(empty)`. Enumerates
/// every subset, so `None` above [`LOGIT_SHAP_MAX_PLAYERS`] players.
pub fn logit_shap(intercept: f64, terms: &[f64]) -> Option<(f64, Vec<f64>)> {
    let m = terms.len();
    if m > LOGIT_SHAP_MAX_PLAYERS {
        return None;
    }
    let n_subsets = 1usize << m;
    // Log-odds of each subset, each from the subset without its lowest player.
    let mut values = vec![intercept; n_subsets];
    for subset in 1..n_subsets {
        let lowest = subset.trailing_zeros() as usize;
        values[subset] = values[subset & (subset - 1)] + terms[lowest];
    }
    values
        .iter_mut()
        .for_each(|v| *v = super::logistic::sigmoid(*v));
    // Shapley weights s! (m-1-s)! / m! = 1 / (m C(m-1, s)).
    let mut binomial = 1.0;
    let weights: Vec<f64> = (0..m)
        .map(|s| {
            if s > 0 {
                binomial = binomial * (m - s) as f64 / s as f64;
            }
            1.0 / (m as f64 * binomial)
        })
        .collect();
    let mut phi = vec![0.0; m];
    for subset in 0..n_subsets {
        let size = subset.count_ones() as usize;
        for (j, slot) in phi.iter_mut().enumerate() {
            let bit = 1usize << j;
            if subset & bit == 0 {
                *slot += weights[size] * (values[subset | bit] - values[subset]);
            }
        }
    }
    Some((values[0], phi))
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

/// Adds the tree's cover-weighted mean leaf distribution (classes from
/// `first`) to `base`.
fn add_expected(tree: &Tree, first: usize, base: &mut [f64]) {
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
            let shares = distribution.iter().skip(first);
            for (sum, share) in base.iter_mut().zip(shares) {
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

/// One unique feature on the path from the root to the current node: the
/// share of cover that flows down the path through its splits (`zero`, what
/// an unknown feature contributes) and whether the row itself goes that way
/// at every one of them (`hot`, what a known feature contributes).
#[derive(Debug, Clone, Copy)]
struct Step {
    feature: usize,
    zero: f64,
    hot: bool,
}

/// Buffers reused from leaf to leaf and tree to tree.
#[derive(Default)]
struct Scratch {
    path: Vec<Step>,
    /// `(feature, zero)` of the path's hot features at the current leaf.
    hot: Vec<(usize, f64)>,
    /// `[hot feature j * points + node q]`: `u_q + (1 - u_q) zero_j`, and
    /// the product of those before j.
    factor: Vec<f64>,
    before: Vec<f64>,
    /// Per node: the running product, and the quadrature weight times power.
    product: Vec<f64>,
    scaled: Vec<f64>,
    /// `rules[n]`: Gauss-Legendre quadrature with n points.
    rules: Vec<Rule>,
}

/// Gauss-Legendre nodes and weights on [0, 1], and `(1 - u)^k` for each
/// node and `k <= 2n` (every power a leaf needs).
struct Rule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
    powers: Vec<Vec<f64>>,
}

impl Scratch {
    fn ensure_rule(&mut self, points: usize) {
        while self.rules.len() <= points {
            let n = self.rules.len();
            let (nodes, weights) = gauss_legendre(n);
            let powers = nodes
                .iter()
                .map(|u| (0..=2 * n as i32).map(|k| (1.0 - u).powi(k)).collect())
                .collect();
            self.rules.push(Rule {
                nodes,
                weights,
                powers,
            });
        }
    }
}

/// Gauss-Legendre quadrature with `n` points on [0, 1]: exact for
/// polynomials of degree up to `2n - 1`. Newton's method on the Legendre
/// polynomial from the usual starting guesses (Numerical Recipes' `gauleg`);
/// written here because it is twenty lines and no maintained crate offers
/// just this without a numerics framework.
fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    for i in 0..n {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut derivative = 1.0;
        for _ in 0..100 {
            // P_n(x) by the three-term recurrence, and P_n'(x).
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            let p_n = if n == 0 { 1.0 } else { p1 };
            let p_prev = if n == 0 { 0.0 } else { p0 };
            derivative = n as f64 * (x * p_n - p_prev) / (x * x - 1.0);
            let step = p_n / derivative;
            x -= step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        nodes[i] = (1.0 - x) / 2.0;
        weights[i] = 1.0 / ((1.0 - x * x) * derivative * derivative);
    }
    (nodes, weights)
}

struct Walk<'a> {
    tree: &'a Tree,
    row: &'a [f64],
    /// The first class explained, and how many.
    first: usize,
    n_out: usize,
    phi: &'a mut [f64],
    scratch: &'a mut Scratch,
}

impl Walk<'_> {
    /// Depth-first over the tree, keeping the path's unique features.
    fn visit(&mut self, node_idx: usize) {
        match &self.tree.nodes[node_idx] {
            Node::Leaf { distribution, .. } => self.leaf(distribution),
            Node::Split {
                feature,
                threshold,
                left,
                right,
                cover,
            } => {
                let value = self.row.get(*feature).copied().unwrap_or(f64::NAN);
                let goes_left = value <= *threshold;
                for (child, hot) in [(*left, goes_left), (*right, !goes_left)] {
                    let zero = self.tree.nodes[child].cover() / cover;
                    let path = &mut self.scratch.path;
                    if let Some(k) = path.iter().position(|s| s.feature == *feature) {
                        // A feature met again: its splits combine.
                        let saved = path[k];
                        path[k].zero *= zero;
                        path[k].hot &= hot;
                        self.visit(child);
                        self.scratch.path[k] = saved;
                    } else {
                        path.push(Step {
                            feature: *feature,
                            zero,
                            hot,
                        });
                        self.visit(child);
                        self.scratch.path.pop();
                    }
                }
            }
        }
    }

    /// A leaf's share of every path feature's Shapley value.
    ///
    /// Restricted to the `d` features on its path, the leaf's value for a set
    /// S of known features is `v * prod_{j in S} hot_j * prod_{j not in S}
    /// zero_j`, where `hot_j` is 1 or 0. A term survives only when every known
    /// feature is hot, so with H the hot features (h of them) and C the cold:
    ///
    /// - a cold feature gets `-v Z(C) sum_{S in H} w(|S|) prod_{H - S} zero`,
    /// - a hot feature i gets `v (1 - zero_i) Z(C) sum_{S in H-i} w(|S|) prod_{H-i-S} zero`,
    ///
    /// with `Z(C)` the product of the cold zeros and the Shapley weight
    /// `w(s) = s! (d-1-s)! / d!`. That weight is the Beta integral
    /// `int_0^1 u^s (1-u)^(d-1-s) du`, so each sum over subsets folds into
    /// `int_0^1 (1-u)^(d-1-|T|) prod_{j in T} (u + (1-u) zero_j) du`, a
    /// polynomial of degree `d - 1` that Gauss-Legendre quadrature with
    /// `ceil(d / 2)` points integrates exactly. The work is O(h d) independent
    /// multiplications per leaf, with no division and no cancellation, where
    /// the original algorithm unwinds one long chain of dependent steps per
    /// feature (this is the idea behind Linear TreeSHAP, Yu et al. 2022).
    fn leaf(&mut self, distribution: &[f64]) {
        let scratch = &mut *self.scratch;
        let d = scratch.path.len();
        if d == 0 {
            return;
        }
        scratch.hot.clear();
        let mut cold_product = 1.0;
        for step in &scratch.path {
            if step.hot {
                scratch.hot.push((step.feature, step.zero));
            } else {
                cold_product *= step.zero;
            }
        }
        let h = scratch.hot.len();
        let points = d.div_ceil(2);
        scratch.ensure_rule(points);
        let rule = &scratch.rules[points];
        for buffer in [&mut scratch.factor, &mut scratch.before] {
            buffer.clear();
            buffer.resize(h * points, 0.0);
        }
        scratch.product.clear();
        scratch.product.resize(points, 1.0);
        // The nodes are the inner loop: their products are independent chains
        // the processor overlaps, where one chain per node would wait on each
        // multiplication in turn.
        for (j, &(_, zero)) in scratch.hot.iter().enumerate() {
            let factors = &mut scratch.factor[j * points..(j + 1) * points];
            let befores = &mut scratch.before[j * points..(j + 1) * points];
            for (((factor, before), product), &u) in factors
                .iter_mut()
                .zip(befores.iter_mut())
                .zip(scratch.product.iter_mut())
                .zip(&rule.nodes)
            {
                *factor = u + (1.0 - u) * zero;
                *before = *product;
                *product *= *factor;
            }
        }
        // A checked forest has a share per class; an unchecked one adds nothing.
        let shares = distribution
            .get(self.first..self.first + self.n_out)
            .unwrap_or(&[]);
        let n_out = self.n_out;
        let add = |phi: &mut [f64], feature: usize, amount: f64| {
            let out = &mut phi[feature * n_out..(feature + 1) * n_out];
            for (sum, share) in out.iter_mut().zip(shares) {
                *sum += amount * share;
            }
        };
        // (1 - u)^(d - 1 - |T|): T = H for a cold feature, H - i for a hot one.
        if h < d {
            let integral: f64 = rule
                .weights
                .iter()
                .zip(&rule.powers)
                .zip(&scratch.product)
                .map(|((weight, powers), product)| weight * powers[d - 1 - h] * product)
                .sum();
            let amount = -cold_product * integral;
            for step in scratch.path.iter().filter(|s| !s.hot) {
                add(self.phi, step.feature, amount);
            }
        }
        scratch.scaled.clear();
        scratch.scaled.extend(
            rule.weights
                .iter()
                .zip(&rule.powers)
                .map(|(w, p)| w * p[d - h]),
        );
        // Reuse `product` as the product of the factors after j.
        scratch.product.iter_mut().for_each(|p| *p = 1.0);
        for (j, &(feature, zero)) in scratch.hot.iter().enumerate().rev() {
            let factors = &scratch.factor[j * points..(j + 1) * points];
            let befores = &scratch.before[j * points..(j + 1) * points];
            let mut integral = 0.0;
            for (((after, factor), before), scaled) in scratch
                .product
                .iter_mut()
                .zip(factors)
                .zip(befores)
                .zip(&scratch.scaled)
            {
                integral += scaled * before * *after;
                *after *= factor;
            }
            add(self.phi, feature, (1.0 - zero) * cold_product * integral);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::forest::{ClassWeight, ForestParams, MaxFeatures};
    use crate::model::matrix::Matrix;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_forest(n_features: usize, seed: u64) -> (Forest, Matrix) {
        random_forest_of_depth(n_features, 6, seed)
    }

    fn random_forest_of_depth(n_features: usize, max_depth: usize, seed: u64) -> (Forest, Matrix) {
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
            max_depth,
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
    fn deep_trees_with_repeated_features_match_brute_force() {
        // Depth 12 over 8 features with 4 levels each: paths split on the
        // same feature again and cover shares get small.
        let (forest, x) = random_forest_of_depth(8, 12, 5);
        let deepest = forest.trees().iter().map(Tree::depth).max().unwrap();
        assert!(
            deepest > 8,
            "the trees should be deeper than the features ({deepest})"
        );
        for row in x.rows().take(10) {
            let fast = tree_shap(&forest, row);
            let exact = brute_force_shap(&forest, row);
            for (f, (v1, v2)) in fast.values.iter().zip(&exact.values).enumerate() {
                for (a, b) in v1.iter().zip(v2) {
                    assert!((a - b).abs() < 1e-9, "feature {f}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        for n in 1..=12 {
            let (nodes, weights) = gauss_legendre(n);
            assert!(nodes.iter().all(|u| *u > 0.0 && *u < 1.0));
            for k in 0..2 * n {
                let integral: f64 = nodes
                    .iter()
                    .zip(&weights)
                    .map(|(u, w)| w * u.powi(k as i32))
                    .sum();
                let exact = 1.0 / (k + 1) as f64;
                assert!(
                    (integral - exact).abs() < 1e-14,
                    "n {n}, u^{k}: {integral} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn logit_shap_is_exact_on_small_games() {
        use crate::model::logistic::sigmoid;
        // Two players, by hand: phi_1 = (v(1) - v() + v(12) - v(2)) / 2.
        let (b, t) = (-0.5, [1.2, -0.7]);
        let (base, phi) = logit_shap(b, &t).unwrap();
        let v = |x: f64| sigmoid(b + x);
        assert!((base - v(0.0)).abs() < 1e-15);
        let phi_1 = (v(t[0]) - v(0.0) + v(t[0] + t[1]) - v(t[1])) / 2.0;
        assert!((phi[0] - phi_1).abs() < 1e-15, "{} vs {phi_1}", phi[0]);
        // Efficiency, symmetry and null players on a bigger game.
        let terms = [0.8, -1.1, 0.0, 0.8, 2.5, -0.3, 0.05, 1.0];
        let (base, phi) = logit_shap(0.3, &terms).unwrap();
        let total: f64 = phi.iter().sum();
        assert!((base + total - sigmoid(0.3 + terms.iter().sum::<f64>())).abs() < 1e-12);
        assert!((phi[0] - phi[3]).abs() < 1e-15);
        assert_eq!(phi[2], 0.0);
        assert!(phi[4] > 0.0 && phi[1] < 0.0);
        assert!(logit_shap(0.0, &[0.1; LOGIT_SHAP_MAX_PLAYERS + 1]).is_none());
    }

    #[test]
    fn one_class_matches_all_classes() {
        let (forest, x) = random_forest(6, 11);
        for row in x.rows().take(20) {
            let all = tree_shap(&forest, row);
            for class in 0..3 {
                let one = tree_shap_class(&forest, row, class);
                assert!((one.base - all.base[class]).abs() < 1e-12);
                for (f, v) in one.values.iter().enumerate() {
                    assert!((v - all.values[f][class]).abs() < 1e-12, "feature {f}");
                }
            }
        }
        let outside = tree_shap_class(&forest, x.rows().next().unwrap(), 3);
        assert!(outside.values.iter().all(|v| *v == 0.0));
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
