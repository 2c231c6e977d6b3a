//! Per-referral reasons: exact Shapley contributions of each feature to each
//! class probability of a [`Forest`], by TreeSHAP.
//!
//! The value of a set of known features S for a row is the cover-weighted
//! expectation of the forest's output: at a split on a known feature follow
//! the row, at a split on an unknown one average both children weighted by
//! the training weight (cover) that reached them. The Shapley values of that
//! game add up exactly: `base[c] + sum_f values[f][c] == predict_proba(row)[c]`.
//! [`tree_shap`] computes them exactly in time linear in the tree's size:
//! path-dependent TreeSHAP (Lundberg, Erion and Lee 2018) by the Linear
//! TreeSHAP method (Yu et al. 2022; see `Walk`), all classes in one pass
//! since a leaf's classes share one weight; [`tree_shap_class`] does one
//! class. [`brute_force_shap`] enumerates every subset of features
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
    let mut scratch = Scratch::new(n_features);
    let mut rules = Vec::new();
    for tree in forest.trees() {
        if tree.nodes.is_empty() {
            continue;
        }
        add_expected(tree, first, &mut base);
        let depth = scratch.depth_of(tree);
        if depth == 0 {
            continue;
        }
        // Leaves have at most `depth` unique features: degree below `depth`.
        let points = depth.div_ceil(2);
        ensure_rule(&mut rules, points);
        scratch.reset(depth + 1, points, n_out);
        let mut walk = Walk {
            tree,
            row,
            first,
            n_out,
            rule: &rules[points],
            phi: &mut phi,
            scratch: &mut scratch,
        };
        walk.visit(0, 0);
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

/// Buffers reused from tree to tree.
struct Scratch {
    /// Per feature, its splits on the current path combined: the share of
    /// cover that flows down through them (`zero`) and whether the row goes
    /// that way at every one of them (`hot`). `None` off the path.
    on_path: Vec<Option<(f64, bool)>>,
    /// Per depth, the path polynomial `G` at each quadrature node.
    g: Vec<f64>,
    /// Per depth, `points x n_out`: the subtree's sum of leaf value times `G`.
    s: Vec<f64>,
    /// Per depth, the edge's quadrature weight times `(hot - zero) / f`,
    /// less the same for the split it replaces.
    w: Vec<f64>,
    /// Per node, its depth (to size the quadrature).
    depth: Vec<usize>,
}

impl Scratch {
    fn new(n_features: usize) -> Self {
        Scratch {
            on_path: vec![None; n_features],
            g: Vec::new(),
            s: Vec::new(),
            w: Vec::new(),
            depth: Vec::new(),
        }
    }

    /// Room for `levels` depths, the root's `G` set to 1.
    fn reset(&mut self, levels: usize, points: usize, n_out: usize) {
        self.g.clear();
        self.g.resize(levels * points, 1.0);
        self.s.clear();
        self.s.resize(levels * points * n_out, 0.0);
        self.w.clear();
        self.w.resize(levels * points, 0.0);
    }

    /// Longest root-to-leaf path of `tree`, in edges ([`Tree::depth`]
    /// without allocating for every row).
    fn depth_of(&mut self, tree: &Tree) -> usize {
        self.depth.clear();
        self.depth.resize(tree.nodes.len(), 0);
        let mut deepest = 0;
        for (node_idx, node) in tree.nodes.iter().enumerate() {
            if let Node::Split { left, right, .. } = node {
                let below = self.depth[node_idx] + 1;
                for child in [*left, *right] {
                    if let Some(slot) = self.depth.get_mut(child) {
                        *slot = below;
                    }
                }
                deepest = deepest.max(below);
            }
        }
        deepest
    }

    fn grow(&mut self, levels: usize, points: usize, n_out: usize) {
        if self.g.len() < levels * points {
            self.g.resize(levels * points, 1.0);
        }
        if self.s.len() < levels * points * n_out {
            self.s.resize(levels * points * n_out, 0.0);
        }
        if self.w.len() < levels * points {
            self.w.resize(levels * points, 0.0);
        }
    }
}

/// Gauss-Legendre nodes and weights on [0, 1].
struct Rule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
    /// `weights[q] / (1 - nodes[q])`: a cold edge's whole weight.
    cold: Vec<f64>,
}

/// `rules[n]` has `n` points; grows to `points`.
fn ensure_rule(rules: &mut Vec<Rule>, points: usize) {
    while rules.len() <= points {
        let (nodes, weights) = gauss_legendre(rules.len());
        let cold = nodes
            .iter()
            .zip(&weights)
            .map(|(u, w)| w / (1.0 - u))
            .collect();
        rules.push(Rule {
            nodes,
            weights,
            cold,
        });
    }
}

/// Gauss-Legendre quadrature with `n` points on [0, 1]: exact for
/// polynomials of degree up to `2n - 1`. Newton's method on the Legendre
/// polynomial from the usual starting guesses (Numerical Recipes' `gauleg`);
/// written here because it is twenty lines and no maintained crate offers
/// just this without a numerics framework.
pub(super) fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
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

/// Linear TreeSHAP (Yu, Cohen, Dinh and Lundberg 2022) over one tree.
///
/// Restricted to the `d` unique features on a leaf's path, the leaf's value
/// for a set S of known features is `v * prod_{j in S} hot_j * prod_{j not in
/// S} zero_j`, where `hot_j` is 1 or 0 and `zero_j` the share of cover the
/// path's splits on j pass on. Feature i's Shapley value from the leaf is
///
/// `v (hot_i - zero_i) sum_{S in P-i} w(|S|) prod_{j in S} hot_j prod_{P-i-S} zero_j`,
///
/// and the Shapley weight `w(s) = s! (d-1-s)! / d!` is the Beta integral
/// `int_0^1 u^s (1-u)^(d-1-s) du`, so the sum is
/// `int_0^1 G(u) / f_i(u) du` with `f_j(u) = u hot_j + (1-u) zero_j` and
/// `G = prod_j f_j`, a polynomial of degree `d - 1`: Gauss-Legendre
/// quadrature with `ceil(depth / 2)` points integrates it exactly.
///
/// Each leaf's `G` is built on the way down, one factor per edge. On the way
/// up, each node sums `v G` over the leaves below it (`S`, one value per
/// quadrature point), and the edge into a child that splits on feature i
/// adds `(hot - zero) int S / f_i` to i's value: every leaf below shares
/// that edge's factor for i, so the division is exact. Where i is split
/// again further down, the deeper edge's factor replaces the earlier one for
/// the leaves below it; the deeper edge takes those leaves out of the
/// earlier edge's sum, which is still exact because the quadrature is linear.
/// The work is a few operations per node and quadrature point, against a
/// product over the whole path at every leaf before.
struct Walk<'a> {
    tree: &'a Tree,
    row: &'a [f64],
    /// The first class explained, and how many.
    first: usize,
    n_out: usize,
    rule: &'a Rule,
    phi: &'a mut [f64],
    scratch: &'a mut Scratch,
}

impl Walk<'_> {
    /// Leaves `S` of the subtree at `node_idx` in `s[level]`, given its
    /// path polynomial in `g[level]`.
    fn visit(&mut self, node_idx: usize, level: usize) {
        let points = self.rule.nodes.len();
        let n_out = self.n_out;
        let width = points * n_out;
        let node = self.tree.nodes.get(node_idx);
        let Some(Node::Split {
            feature,
            threshold,
            left,
            right,
            cover,
        }) = node
        else {
            let g = &self.scratch.g[level * points..(level + 1) * points];
            let s = &mut self.scratch.s[level * width..(level + 1) * width];
            // A checked forest has a share per class; anything else adds nothing.
            let shares = match node {
                Some(Node::Leaf { distribution, .. }) => {
                    distribution.get(self.first..self.first + n_out)
                }
                _ => None,
            };
            match shares {
                Some(shares) => {
                    for (out, g) in s.chunks_exact_mut(n_out).zip(g) {
                        out.iter_mut()
                            .zip(shares)
                            .for_each(|(o, share)| *o = g * share);
                    }
                }
                None => s.fill(0.0),
            }
            return;
        };
        let (feature, cover) = (*feature, *cover);
        self.scratch.grow(level + 2, points, n_out);
        let value = self.row.get(feature).copied().unwrap_or(f64::NAN);
        let goes_left = value <= *threshold;
        let old = self.scratch.on_path.get(feature).copied().flatten();
        for (child_idx, (child, hot)) in [(*left, goes_left), (*right, !goes_left)]
            .into_iter()
            .enumerate()
        {
            let child_cover = self.tree.nodes.get(child).map_or(0.0, Node::cover);
            let ratio = if cover > 0.0 {
                child_cover / cover
            } else {
                0.0
            };
            let (zero, hot) = match old {
                Some((z, h)) => (z * ratio, h && hot),
                None => (ratio, hot),
            };
            // The child's G (this feature's factor f = u hot + (1 - u) zero
            // in place of the split's it replaces) and the edge's weight
            // `w_q (hot - zero) / f`, less the replaced split's. Cold splits
            // need no division: their weight is `-w_q / (1 - u_q)`.
            let rule = self.rule;
            let (above, below) = self.scratch.g.split_at_mut((level + 1) * points);
            let g_above = &above[level * points..];
            let g_below = &mut below[..points];
            let weight = &mut self.scratch.w[(level + 1) * points..(level + 2) * points];
            let points_of = g_below
                .iter_mut()
                .zip(weight.iter_mut())
                .zip(g_above)
                .zip(rule.nodes.iter().zip(&rule.weights).zip(&rule.cold));
            match (old, hot) {
                (None, true) => {
                    for (((g, w), a), ((u, wq), _)) in points_of {
                        let f = u + (1.0 - u) * zero;
                        *g = a * f;
                        *w = wq * (1.0 - zero) / f;
                    }
                }
                (None, false) => {
                    for (((g, w), a), ((u, _), cold)) in points_of {
                        *g = a * (1.0 - u) * zero;
                        *w = -cold;
                    }
                }
                (Some((z_old, true)), true) => {
                    for (((g, w), a), ((u, wq), _)) in points_of {
                        let f = u + (1.0 - u) * zero;
                        let f_old = u + (1.0 - u) * z_old;
                        *g = a * f / f_old;
                        *w = wq * ((1.0 - zero) / f - (1.0 - z_old) / f_old);
                    }
                }
                (Some((z_old, true)), false) => {
                    for (((g, w), a), ((u, wq), cold)) in points_of {
                        let f_old = u + (1.0 - u) * z_old;
                        *g = a * (1.0 - u) * zero / f_old;
                        *w = -cold - wq * (1.0 - z_old) / f_old;
                    }
                }
                // Cold before and still cold: the factor only shrinks by
                // the new share, `(1 - u)` cancels, and the weights cancel.
                (Some((z_old, false)), _) => {
                    let scale = if z_old > 0.0 { zero / z_old } else { 0.0 };
                    for (((g, w), a), _) in points_of {
                        *g = a * scale;
                        *w = 0.0;
                    }
                }
            }
            let contributes = !matches!(old, Some((_, false)));
            if let Some(slot) = self.scratch.on_path.get_mut(feature) {
                *slot = Some((zero, hot));
            }
            self.visit(child, level + 1);
            if let Some(slot) = self.scratch.on_path.get_mut(feature) {
                *slot = old;
            }
            let (parent, below) = self.scratch.s.split_at_mut((level + 1) * width);
            let parent = &mut parent[level * width..];
            let below = &below[..width];
            if contributes {
                let weight = &self.scratch.w[(level + 1) * points..(level + 2) * points];
                if let Some(out) = self.phi.get_mut(feature * n_out..(feature + 1) * n_out) {
                    for (w, sums) in weight.iter().zip(below.chunks_exact(n_out)) {
                        out.iter_mut().zip(sums).for_each(|(o, sum)| *o += w * sum);
                    }
                }
            }
            if child_idx == 0 {
                parent.copy_from_slice(below);
            } else {
                parent.iter_mut().zip(below).for_each(|(p, b)| *p += b);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::forest::{ClassWeight, ForestParams, MaxFeatures};
    use crate::model::matrix::Matrix;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_forest(n_features: usize, seed: u64) -> (Forest, Matrix) {
        random_forest_of_depth(n_features, 6, seed)
    }

    /// A small seeded forest over features with 4 levels each (also used
    /// by `explainer`'s tests).
    pub(in crate::model) fn random_forest_of_depth(
        n_features: usize,
        max_depth: usize,
        seed: u64,
    ) -> (Forest, Matrix) {
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
