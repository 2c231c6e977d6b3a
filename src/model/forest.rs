//! The random forest classifier the triage model is built on: fitting,
//! class probabilities, feature importances and a fingerprint of the result.
//!
//! Why a forest of our own rather than smartcore's: smartcore 0.7's
//! `RandomForestClassifier` gives no class probabilities (only votes), no
//! feature importances, and keeps its trees private. The per-referral reasons
//! (issue 4) need the trees themselves, with each node's cover, to compute
//! exact Shapley contributions with TreeSHAP (see `shap.rs`). Owning the trees
//! also lets us make the forest bit-identical natively and in the browser:
//! every random draw comes from a `ChaCha8Rng` per tree, seeded from the
//! forest's seed and the tree's index, and draws are made as `u64` so the
//! width of `usize` (64 bits natively, 32 on wasm32) never changes a number.
//!
//! The algorithm follows scikit-learn's `RandomForestClassifier`: bootstrap
//! samples (held as integer counts per row, not duplicated rows), Gini
//! impurity with sample weights (class weight x bootstrap count x caller's
//! weight), thresholds midway between consecutive distinct values in the
//! node, features tried per split drawn without replacement (a feature that
//! is constant in the node does not count, and drawing continues past
//! `max_features` until a valid split is found), leaves holding the weighted
//! class shares, and probabilities as the mean of the leaf distributions.
//!
//! Growing the trees (binning, split search, bootstrap draws) lives in
//! `forest::build`.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::matrix::Matrix;

mod build;

use build::{sample_weights, Binned, Builder};

/// How many features a split may try before settling for the best so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// `floor(sqrt(n_features))`, at least 1 (scikit-learn's default).
    Sqrt,
    /// Every feature at every split (bagged trees).
    All,
    /// A fixed number, between 1 and the number of features.
    Count(usize),
}

/// Weights that make rare classes count as much as common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClassWeight {
    None,
    /// `n_samples / (n_classes * count_c)` over the whole training set, as
    /// scikit-learn's `class_weight="balanced"`.
    Balanced,
}

/// The settings of a forest. `Default` is what the triage model uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestParams {
    pub n_trees: usize,
    /// Root is depth 0; use `usize::MAX` for "grow until pure".
    pub max_depth: usize,
    /// Fewest distinct training rows a leaf may hold.
    pub min_samples_leaf: usize,
    pub max_features: MaxFeatures,
    pub bootstrap: bool,
    pub class_weight: ClassWeight,
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            n_trees: 100,
            max_depth: 10,
            min_samples_leaf: 1,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            class_weight: ClassWeight::Balanced,
            seed: 42,
        }
    }
}

/// Why a forest could not be fitted.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ForestError {
    #[error("there are no rows to learn from: add some historical referrals first")]
    NoRows,
    #[error("there are no features to learn from: choose at least one column to predict with")]
    NoFeatures,
    #[error("the model needs at least one outcome class, but was told there are none")]
    NoClasses,
    #[error("there are {n_rows} rows but {n_labels} outcomes: each row needs exactly one outcome")]
    LengthMismatch { n_rows: usize, n_labels: usize },
    #[error("there are {n_rows} rows but {n_weights} row weights: give one weight per row")]
    WeightLengthMismatch { n_rows: usize, n_weights: usize },
    #[error("row {row} has outcome number {label}, but there are only {n_classes} outcome classes (numbered from 0)")]
    LabelOutOfRange {
        row: usize,
        label: usize,
        n_classes: usize,
    },
    #[error("row {row}, feature {feature} is {value}: every value must be a finite number; fill or drop missing values first")]
    NotFinite {
        row: usize,
        feature: usize,
        value: f64,
    },
    #[error("row {row} has weight {value}: weights must be finite and not negative")]
    BadWeight { row: usize, value: f64 },
    #[error("every row has weight zero: give some rows a positive weight")]
    ZeroTotalWeight,
    #[error("the forest needs at least one tree; set the number of trees to 1 or more")]
    NoTrees,
    #[error("the maximum depth must be at least 1")]
    ZeroDepth,
    #[error("the minimum rows per leaf must be at least 1")]
    ZeroMinLeaf,
    #[error("features per split is {count}, but it must be between 1 and the number of features ({n_features})")]
    BadMaxFeatures { count: usize, n_features: usize },
}

/// The deepest tree training makes (the largest maximum depth it accepts);
/// a tree read from a file deeper than this is refused.
pub const MAX_DEPTH: usize = 64;
/// The most nodes a tree read from a file may have (a tree of the largest
/// training set at the deepest depth stays far below it).
pub const MAX_NODES: usize = 4_000_000;

/// One node of a tree. Go left when `x[feature] <= threshold`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
        /// Weighted training samples reaching the node.
        cover: f64,
    },
    Leaf {
        /// Weighted class shares in the leaf; sums to 1.
        distribution: Vec<f64>,
        /// Weighted training samples reaching the node.
        cover: f64,
    },
}

impl Node {
    pub fn cover(&self) -> f64 {
        match self {
            Node::Split { cover, .. } | Node::Leaf { cover, .. } => *cover,
        }
    }
}

/// One decision tree. `nodes[0]` is the root; children come after parents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The leaf distribution the row lands in. A missing feature (a row
    /// shorter than the training rows) or NaN goes right.
    pub fn leaf_distribution(&self, row: &[f64]) -> &[f64] {
        self.leaf(row).map_or(&[], |(distribution, _)| distribution)
    }

    /// The leaf the row lands in: its class shares and cover. `None` only
    /// for a tree that is not well formed (a checked or fitted tree always
    /// has an answer); the walk takes at most one step per node, so even
    /// such a tree cannot make it loop.
    pub fn leaf(&self, row: &[f64]) -> Option<(&[f64], f64)> {
        let mut node_idx = 0;
        for _ in 0..self.nodes.len() {
            match self.nodes.get(node_idx)? {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                    ..
                } => {
                    let value = row.get(*feature).copied().unwrap_or(f64::NAN);
                    node_idx = if value <= *threshold { *left } else { *right };
                }
                Node::Leaf {
                    distribution,
                    cover,
                } => return Some((distribution, *cover)),
            }
        }
        None
    }

    /// How many leaves the tree has.
    pub fn leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf { .. }))
            .count()
    }

    /// Longest root-to-leaf path, in edges.
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.nodes.len()];
        let mut max_depth = 0;
        for (node_idx, node) in self.nodes.iter().enumerate() {
            if let Node::Split { left, right, .. } = node {
                let child_depth = depth[node_idx] + 1;
                for child in [*left, *right] {
                    if let Some(slot) = depth.get_mut(child) {
                        *slot = child_depth;
                    }
                }
                max_depth = max_depth.max(child_depth);
            }
        }
        max_depth
    }
}

/// A fitted forest. Build it with [`Forest::fit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forest {
    n_features: usize,
    n_classes: usize,
    trees: Vec<Tree>,
    /// Mean decrease in impurity per feature, summing to 1 (or all zero when
    /// no tree split).
    importances: Vec<f64>,
}

impl Forest {
    /// Fits a forest to rows `x` with class labels `y` in `0..n_classes`.
    pub fn fit(
        x: &Matrix,
        y: &[usize],
        n_classes: usize,
        sample_weight: Option<&[f64]>,
        params: &ForestParams,
    ) -> Result<Forest, ForestError> {
        let checked = check(x, y, n_classes, sample_weight, params)?;
        let binned = Binned::new(x);
        let base_weight = base_weights(y, n_classes, sample_weight, params.class_weight);
        let mut builder = Builder::new(&binned, y, n_classes, &checked);
        let mut trees = Vec::with_capacity(params.n_trees);
        let mut importances = vec![0.0; x.n_cols()];
        for tree_idx in 0..params.n_trees {
            let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
            // One stream per tree: independent trees, and any tree can be
            // rebuilt alone.
            rng.set_stream(tree_idx as u64);
            let weight = sample_weights(&base_weight, params.bootstrap, &mut rng);
            let (tree, tree_importance) = builder.build(&weight, &mut rng);
            let total: f64 = tree_importance.iter().sum();
            if total > 0.0 {
                for (sum, value) in importances.iter_mut().zip(&tree_importance) {
                    *sum += value / total;
                }
            }
            trees.push(tree);
        }
        let total: f64 = importances.iter().sum();
        if total > 0.0 {
            importances.iter_mut().for_each(|value| *value /= total);
        }
        Ok(Forest {
            n_features: x.n_cols(),
            n_classes,
            trees,
            importances,
        })
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Checks a forest read from a file: every split names a feature the
    /// forest has and children that come after it (so no walk can loop),
    /// every leaf has a share per class, covers are finite. A fitted forest
    /// always passes; an edited one may not, and would hang or fail later.
    pub fn check_structure(&self) -> Result<(), String> {
        if self.importances.len() != self.n_features
            || self
                .importances
                .iter()
                .any(|v| !v.is_finite() || !(0.0..=1.0 + 1e-9).contains(v))
        {
            return Err("its feature importances do not match its features".into());
        }
        if self.trees.is_empty() {
            return Err("it has no trees".into());
        }
        if self.n_classes == 0 {
            return Err("it has no classes".into());
        }
        for (t, tree) in self.trees.iter().enumerate() {
            if tree.nodes.is_empty() {
                return Err(format!("tree {t} has no nodes"));
            }
            if tree.nodes.len() > MAX_NODES {
                return Err(format!(
                    "tree {t} has {} nodes, more than training ever makes ({MAX_NODES})",
                    tree.nodes.len()
                ));
            }
            let n_nodes = tree.nodes.len();
            for (i, node) in tree.nodes.iter().enumerate() {
                let fault = match node {
                    Node::Split {
                        feature,
                        threshold,
                        left,
                        right,
                        cover,
                    } => {
                        if *feature >= self.n_features {
                            Some(format!("splits on feature {feature}, which does not exist"))
                        } else if threshold.is_nan() {
                            Some("has a threshold that is not a number".to_string())
                        } else if !(i < *left && *left < n_nodes && i < *right && *right < n_nodes)
                        {
                            Some("points to a child that is not after it".to_string())
                        } else if !cover.is_finite() || *cover < 0.0 {
                            Some("has an impossible cover".to_string())
                        } else {
                            None
                        }
                    }
                    Node::Leaf {
                        distribution,
                        cover,
                    } => {
                        if distribution.len() != self.n_classes {
                            Some(format!(
                                "has {} class shares for {} classes",
                                distribution.len(),
                                self.n_classes
                            ))
                        } else if !cover.is_finite() || *cover < 0.0 {
                            Some("has an impossible cover".to_string())
                        } else if distribution
                            .iter()
                            .any(|v| !v.is_finite() || !(0.0..=1.0).contains(v))
                            || (distribution.iter().sum::<f64>() - 1.0).abs() > 1e-6
                        {
                            Some("has class shares outside 0 to 1 or not summing to 1".to_string())
                        } else {
                            None
                        }
                    }
                };
                if let Some(fault) = fault {
                    return Err(format!("node {i} of tree {t} {fault}"));
                }
            }
            // Children come after their parents (checked above), so the
            // depth is found in one pass and every walk ends; deeper trees
            // than training can make are refused, which bounds the
            // recursion of anything that walks them (TreeSHAP).
            let depth = tree.depth();
            if depth > MAX_DEPTH {
                return Err(format!(
                    "tree {t} is {depth} levels deep, deeper than training ever makes ({MAX_DEPTH})"
                ));
            }
        }
        Ok(())
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Mean decrease in Gini impurity per feature (scikit-learn's
    /// `feature_importances_`), summing to 1.
    pub fn feature_importances(&self) -> &[f64] {
        &self.importances
    }

    /// Class probabilities: the mean over trees of the leaf distributions
    /// (as scikit-learn), not the share of votes.
    pub fn predict_proba(&self, row: &[f64]) -> Vec<f64> {
        let mut proba = vec![0.0; self.n_classes];
        for tree in &self.trees {
            for (sum, share) in proba.iter_mut().zip(tree.leaf_distribution(row)) {
                *sum += share;
            }
        }
        let n_trees = self.trees.len().max(1) as f64;
        proba.iter_mut().for_each(|p| *p /= n_trees);
        proba
    }

    pub fn predict_proba_batch(&self, x: &Matrix) -> Vec<Vec<f64>> {
        x.rows().map(|row| self.predict_proba(row)).collect()
    }

    /// The most probable class; ties go to the lower index.
    pub fn predict(&self, row: &[f64]) -> usize {
        argmax(&self.predict_proba(row))
    }

    /// FNV-1a over the structure and the exact bits of every number, so a
    /// forest fitted natively and one fitted in the browser can be compared.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = Fnv::new();
        hash.u64(self.n_features as u64);
        hash.u64(self.n_classes as u64);
        hash.u64(self.trees.len() as u64);
        for tree in &self.trees {
            hash.u64(tree.nodes.len() as u64);
            for node in &tree.nodes {
                match node {
                    Node::Split {
                        feature,
                        threshold,
                        left,
                        right,
                        cover,
                    } => {
                        hash.u64(0);
                        hash.u64(*feature as u64);
                        hash.u64(threshold.to_bits());
                        hash.u64(*left as u64);
                        hash.u64(*right as u64);
                        hash.u64(cover.to_bits());
                    }
                    Node::Leaf {
                        distribution,
                        cover,
                    } => {
                        hash.u64(1);
                        hash.u64(distribution.len() as u64);
                        distribution.iter().for_each(|p| hash.u64(p.to_bits()));
                        hash.u64(cover.to_bits());
                    }
                }
            }
        }
        hash.finish()
    }
}

/// Index of the largest value; ties go to the lower index.
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (idx, value) in values.iter().enumerate() {
        if *value > values[best] {
            best = idx;
        }
    }
    best
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn u64(&mut self, value: u64) {
        for byte in value.to_le_bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Parameters after checking against the data.
struct Checked {
    max_features: usize,
    max_depth: usize,
    min_samples_leaf: usize,
}

fn check(
    x: &Matrix,
    y: &[usize],
    n_classes: usize,
    sample_weight: Option<&[f64]>,
    params: &ForestParams,
) -> Result<Checked, ForestError> {
    if x.n_rows() == 0 {
        return Err(ForestError::NoRows);
    }
    if x.n_cols() == 0 {
        return Err(ForestError::NoFeatures);
    }
    if n_classes == 0 {
        return Err(ForestError::NoClasses);
    }
    if params.n_trees == 0 {
        return Err(ForestError::NoTrees);
    }
    if params.max_depth == 0 {
        return Err(ForestError::ZeroDepth);
    }
    if params.min_samples_leaf == 0 {
        return Err(ForestError::ZeroMinLeaf);
    }
    if y.len() != x.n_rows() {
        return Err(ForestError::LengthMismatch {
            n_rows: x.n_rows(),
            n_labels: y.len(),
        });
    }
    if let Some((row_idx, &label)) = y.iter().enumerate().find(|(_, &l)| l >= n_classes) {
        return Err(ForestError::LabelOutOfRange {
            row: row_idx,
            label,
            n_classes,
        });
    }
    for (row_idx, row) in x.rows().enumerate() {
        if let Some((feature, &value)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ForestError::NotFinite {
                row: row_idx,
                feature,
                value,
            });
        }
    }
    if let Some(weights) = sample_weight {
        if weights.len() != x.n_rows() {
            return Err(ForestError::WeightLengthMismatch {
                n_rows: x.n_rows(),
                n_weights: weights.len(),
            });
        }
        if let Some((row_idx, &value)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !w.is_finite() || **w < 0.0)
        {
            return Err(ForestError::BadWeight {
                row: row_idx,
                value,
            });
        }
        if weights.iter().all(|w| *w == 0.0) {
            return Err(ForestError::ZeroTotalWeight);
        }
    }
    let n_features = x.n_cols();
    let max_features = match params.max_features {
        MaxFeatures::Sqrt => ((n_features as f64).sqrt() as usize).max(1),
        MaxFeatures::All => n_features,
        MaxFeatures::Count(count) => {
            if count == 0 || count > n_features {
                return Err(ForestError::BadMaxFeatures { count, n_features });
            }
            count
        }
    };
    Ok(Checked {
        max_features,
        max_depth: params.max_depth.min(MAX_DEPTH),
        min_samples_leaf: params.min_samples_leaf,
    })
}

/// Class weight x caller's weight, per row.
fn base_weights(
    y: &[usize],
    n_classes: usize,
    sample_weight: Option<&[f64]>,
    class_weight: ClassWeight,
) -> Vec<f64> {
    let per_class = match class_weight {
        ClassWeight::None => vec![1.0; n_classes],
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; n_classes];
            y.iter().for_each(|&label| counts[label] += 1);
            let n = y.len() as f64;
            counts
                .iter()
                .map(|&count| {
                    if count == 0 {
                        0.0
                    } else {
                        n / (n_classes as f64 * count as f64)
                    }
                })
                .collect()
        }
    };
    y.iter()
        .enumerate()
        .map(|(row_idx, &label)| {
            per_class[label] * sample_weight.map_or(1.0, |weights| weights[row_idx])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[Vec<f64>]) -> Matrix {
        Matrix::from_rows(rows).unwrap()
    }

    fn single_tree() -> ForestParams {
        ForestParams {
            n_trees: 1,
            bootstrap: false,
            class_weight: ClassWeight::None,
            max_features: MaxFeatures::All,
            max_depth: usize::MAX,
            ..ForestParams::default()
        }
    }

    #[test]
    fn one_feature_splits_at_the_midpoint() {
        let x = matrix(&[vec![1.0], vec![2.0], vec![4.0], vec![6.0]]);
        let forest = Forest::fit(&x, &[0, 0, 1, 1], 2, None, &single_tree()).unwrap();
        let tree = &forest.trees()[0];
        match &tree.nodes[0] {
            Node::Split {
                feature,
                threshold,
                cover,
                ..
            } => {
                assert_eq!(*feature, 0);
                assert_eq!(*threshold, 3.0);
                assert_eq!(*cover, 4.0);
            }
            other => panic!("expected a split, got {other:?}"),
        }
        assert_eq!(tree.nodes.len(), 3);
        assert_eq!(forest.predict_proba(&[2.9]), vec![1.0, 0.0]);
        assert_eq!(forest.predict_proba(&[3.1]), vec![0.0, 1.0]);
        assert_eq!(forest.predict(&[3.0]), 0);
    }

    #[test]
    fn depth_one_leaf_holds_weighted_class_shares() {
        // Left leaf: x = 1 rows, classes [0, 0, 0, 1]; right leaf: x = 2, class 1.
        let x = matrix(&[
            vec![1.0],
            vec![1.0],
            vec![1.0],
            vec![1.0],
            vec![2.0],
            vec![2.0],
        ]);
        let y = [0, 0, 0, 1, 1, 1];
        let params = ForestParams {
            max_depth: 1,
            ..single_tree()
        };
        let plain = Forest::fit(&x, &y, 2, None, &params).unwrap();
        assert_eq!(plain.predict_proba(&[1.0]), vec![0.75, 0.25]);
        // Balanced: class 0 weight 6/(2*3) = 1, class 1 weight 1: unchanged here.
        // Give class 1 a weight of 3 through sample weights instead.
        let weights = [1.0, 1.0, 1.0, 3.0, 1.0, 1.0];
        let weighted = Forest::fit(&x, &y, 2, Some(&weights), &params).unwrap();
        assert_eq!(weighted.predict_proba(&[1.0]), vec![0.5, 0.5]);
        match &weighted.trees()[0].nodes[0] {
            Node::Split { cover, .. } => assert_eq!(*cover, 8.0),
            other => panic!("expected a split, got {other:?}"),
        }
    }

    #[test]
    fn balanced_class_weight_shifts_a_mixed_leaf() {
        // One constant feature: the root is a leaf of 3 class-0 and 1 class-1 rows.
        let x = matrix(&[vec![0.0], vec![0.0], vec![0.0], vec![0.0]]);
        let y = [0, 0, 0, 1];
        let plain = Forest::fit(&x, &y, 2, None, &single_tree()).unwrap();
        assert_eq!(plain.predict_proba(&[0.0]), vec![0.75, 0.25]);
        let params = ForestParams {
            class_weight: ClassWeight::Balanced,
            ..single_tree()
        };
        let balanced = Forest::fit(&x, &y, 2, None, &params).unwrap();
        // Weights 4/(2*3) for class 0 and 4/(2*1) for class 1: equal totals.
        let proba = balanced.predict_proba(&[0.0]);
        assert!((proba[0] - 0.5).abs() < 1e-12 && (proba[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn pure_leaf_gives_probability_one() {
        let x = matrix(&[vec![0.0, 5.0], vec![1.0, 5.0], vec![2.0, 5.0]]);
        let forest = Forest::fit(&x, &[2, 2, 2], 3, None, &ForestParams::default()).unwrap();
        for tree in forest.trees() {
            assert_eq!(tree.nodes.len(), 1);
        }
        assert_eq!(forest.predict_proba(&[9.0, 9.0]), vec![0.0, 0.0, 1.0]);
    }

    #[test]
    fn min_samples_leaf_is_respected() {
        let rows: Vec<Vec<f64>> = (0..20).map(|i| vec![f64::from(i)]).collect();
        let y: Vec<usize> = (0..20).map(|i| i % 2).collect();
        let params = ForestParams {
            min_samples_leaf: 4,
            ..single_tree()
        };
        let forest = Forest::fit(&matrix(&rows), &y, 2, None, &params).unwrap();
        for node in &forest.trees()[0].nodes {
            if let Node::Leaf { cover, .. } = node {
                assert!(*cover >= 4.0, "leaf with cover {cover}");
            }
        }
    }

    #[test]
    fn argmax_ties_go_to_the_lower_index() {
        assert_eq!(argmax(&[0.25, 0.5, 0.5]), 1);
        assert_eq!(argmax(&[0.5, 0.5]), 0);
    }

    #[test]
    fn bad_input_is_refused() {
        let x = matrix(&[vec![1.0], vec![2.0]]);
        let good = ForestParams::default();
        let check = |x: &Matrix,
                     y: &[usize],
                     n_classes: usize,
                     w: Option<&[f64]>,
                     params: &ForestParams,
                     expected: ForestError| {
            assert_eq!(Forest::fit(x, y, n_classes, w, params), Err(expected));
        };
        check(
            &Matrix::new(0, 1, vec![]).unwrap(),
            &[],
            2,
            None,
            &good,
            ForestError::NoRows,
        );
        check(
            &Matrix::new(2, 0, vec![]).unwrap(),
            &[0, 1],
            2,
            None,
            &good,
            ForestError::NoFeatures,
        );
        check(&x, &[0, 0], 0, None, &good, ForestError::NoClasses);
        check(
            &x,
            &[0],
            2,
            None,
            &good,
            ForestError::LengthMismatch {
                n_rows: 2,
                n_labels: 1,
            },
        );
        check(
            &x,
            &[0, 2],
            2,
            None,
            &good,
            ForestError::LabelOutOfRange {
                row: 1,
                label: 2,
                n_classes: 2,
            },
        );
        let nan = matrix(&[vec![1.0], vec![f64::INFINITY]]);
        check(
            &nan,
            &[0, 1],
            2,
            None,
            &good,
            ForestError::NotFinite {
                row: 1,
                feature: 0,
                value: f64::INFINITY,
            },
        );
        check(
            &x,
            &[0, 1],
            2,
            Some(&[1.0]),
            &good,
            ForestError::WeightLengthMismatch {
                n_rows: 2,
                n_weights: 1,
            },
        );
        check(
            &x,
            &[0, 1],
            2,
            Some(&[1.0, -1.0]),
            &good,
            ForestError::BadWeight {
                row: 1,
                value: -1.0,
            },
        );
        check(
            &x,
            &[0, 1],
            2,
            Some(&[0.0, 0.0]),
            &good,
            ForestError::ZeroTotalWeight,
        );
        let cases = [
            (
                ForestParams {
                    n_trees: 0,
                    ..good.clone()
                },
                ForestError::NoTrees,
            ),
            (
                ForestParams {
                    max_depth: 0,
                    ..good.clone()
                },
                ForestError::ZeroDepth,
            ),
            (
                ForestParams {
                    min_samples_leaf: 0,
                    ..good.clone()
                },
                ForestError::ZeroMinLeaf,
            ),
            (
                ForestParams {
                    max_features: MaxFeatures::Count(2),
                    ..good.clone()
                },
                ForestError::BadMaxFeatures {
                    count: 2,
                    n_features: 1,
                },
            ),
        ];
        for (params, expected) in cases {
            check(&x, &[0, 1], 2, None, &params, expected);
        }
    }

    #[test]
    fn nan_and_short_rows_do_not_panic_at_prediction() {
        let x = matrix(&[vec![1.0, 0.0], vec![2.0, 1.0]]);
        let forest = Forest::fit(&x, &[0, 1], 2, None, &ForestParams::default()).unwrap();
        let proba = forest.predict_proba(&[f64::NAN]);
        assert!((proba.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}
