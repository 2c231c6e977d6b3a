//! TreeSHAP for many rows of one forest: the row-independent work done once.
//!
//! [`super::shap::tree_shap_class`] walks each tree for a row by Linear
//! TreeSHAP, and at every edge works out from the covers the edge's factor
//! of the path polynomial `G` and its weight at each quadrature point
//! (divisions included). None of that depends on the row except whether the
//! row goes down the edge ("hot") or not ("cold"), so an [`Explainer`]
//! works out both versions once per forest, with the trees flattened into
//! arrays in depth-first order (the left child right after its parent).
//! A row then costs one multiplication per quadrature point and node on
//! the way down, and one multiply-add and one add on the way up.
//!
//! The numbers are the same as `tree_shap_class`'s (the same formulas,
//! computed in another order): checked against it and against brute-force
//! Shapley values to 1e-9 in the tests below. The quadrature has
//! `ceil(d / 2)` points where `d` is the most distinct features on one of
//! the tree's paths (`G / f` then has degree `d - 1` at most), which is
//! never more than the walk's `ceil(depth / 2)`.

use super::forest::{Forest, Node, MAX_DEPTH};
use super::shap::{gauss_legendre, ClassShap};

/// A leaf in [`FlatTree::feature`].
const LEAF: u32 = u32::MAX;
/// A feature's state on the current path, per row.
const OFF_PATH: u8 = 0;
const HOT: u8 = 1;
const COLD: u8 = 2;

/// One tree, flattened depth-first.
#[derive(Debug, Clone)]
struct FlatTree {
    /// Quadrature points for this tree, padded to a size the walk is
    /// compiled for ([`stride`]; the padding has zero factors and weights).
    stride: usize,
    /// Per node: the feature split on, or [`LEAF`].
    feature: Vec<u32>,
    threshold: Vec<f64>,
    /// Per split: its right child (the left one is the next node). Per
    /// leaf: the leaf's index into `values`.
    right_or_leaf: Vec<u32>,
    /// Per node but the root, for the edge into it, `4 x stride` numbers:
    /// the factor of `G` and the edge's weight if the row goes this way,
    /// then both if it does not (when the path's earlier splits on the same
    /// feature are all hot, or there are none).
    edge: Vec<f64>,
    /// Per node: the factor of `G` when an earlier split on the same
    /// feature is already cold (the weights then cancel: no contribution).
    scale: Vec<f64>,
    /// Per leaf, `n_classes` shares.
    values: Vec<f64>,
}

/// A forest made ready to explain many rows.
#[derive(Debug, Clone)]
pub struct Explainer {
    n_features: usize,
    n_classes: usize,
    n_trees: usize,
    /// Per class, the forest's expected probability with nothing known.
    base: Vec<f64>,
    trees: Vec<FlatTree>,
    /// Deepest tree, in levels (sizes the scratch).
    levels: usize,
    max_stride: usize,
}

/// Buffers one row's walk uses, kept from row to row.
#[derive(Debug, Clone, Default)]
pub struct ExplainScratch {
    state: Vec<u8>,
    g: Vec<f64>,
    s: Vec<f64>,
    phi: Vec<f64>,
}

impl Explainer {
    /// Flattens `forest`. `None` for a forest that is not well formed
    /// (children before their parents, a node reached twice, a feature or
    /// class share missing, deeper than [`MAX_DEPTH`]): a checked or fitted
    /// forest always passes; callers fall back to `tree_shap_class`.
    pub fn new(forest: &Forest) -> Option<Explainer> {
        let n_features = forest.n_features();
        let n_classes = forest.n_classes();
        let mut base = vec![0.0; n_classes];
        let mut trees = Vec::with_capacity(forest.trees().len());
        let mut rules: Vec<Option<Rule>> = Vec::new();
        let mut levels = 1;
        let mut max_stride = 0;
        for tree in forest.trees() {
            if tree.nodes.is_empty() {
                continue;
            }
            let root_cover = tree.nodes[0].cover();
            let mut builder = Builder {
                nodes: &tree.nodes,
                n_features,
                n_classes,
                seen: vec![false; tree.nodes.len()],
                order: Vec::with_capacity(tree.nodes.len()),
                path: vec![None; n_features],
                distinct: 0,
                most_distinct: 0,
                deepest: 0,
                base: &mut base,
                root_cover,
            };
            builder.shape(0, 0)?;
            let points = builder.most_distinct.div_ceil(2);
            levels = levels.max(builder.deepest + 1);
            max_stride = max_stride.max(stride(points));
            while rules.len() <= points {
                rules.push(None);
            }
            let rule = rules[points].get_or_insert_with(|| Rule::new(points));
            trees.push(builder.finish(rule));
        }
        Some(Explainer {
            n_features,
            n_classes,
            n_trees: forest.trees().len(),
            base: base
                .iter()
                .map(|b| b / forest.trees().len().max(1) as f64)
                .collect(),
            trees,
            levels,
            max_stride,
        })
    }

    /// Contributions to `class`'s probability for `row`: the same numbers
    /// as [`super::shap::tree_shap_class`] (a class outside the forest gets
    /// zeros).
    pub fn class_shap(&self, row: &[f64], class: usize, scratch: &mut ExplainScratch) -> ClassShap {
        if class >= self.n_classes {
            return ClassShap {
                base: 0.0,
                values: vec![0.0; self.n_features],
            };
        }
        scratch.state.clear();
        scratch.state.resize(self.n_features, OFF_PATH);
        scratch.phi.clear();
        scratch.phi.resize(self.n_features, 0.0);
        let size = self.levels * self.max_stride;
        scratch.g.resize(size, 1.0);
        scratch.s.resize(size, 0.0);
        for tree in &self.trees {
            match tree.stride {
                1 => walk::<1>(tree, row, class, self.n_classes, scratch),
                2 => walk::<2>(tree, row, class, self.n_classes, scratch),
                3 => walk::<3>(tree, row, class, self.n_classes, scratch),
                4 => walk::<4>(tree, row, class, self.n_classes, scratch),
                5 => walk::<5>(tree, row, class, self.n_classes, scratch),
                6 => walk::<6>(tree, row, class, self.n_classes, scratch),
                7 => walk::<7>(tree, row, class, self.n_classes, scratch),
                8 => walk::<8>(tree, row, class, self.n_classes, scratch),
                16 => walk::<16>(tree, row, class, self.n_classes, scratch),
                32 => walk::<32>(tree, row, class, self.n_classes, scratch),
                // A tree with one leaf: only the base, already counted.
                _ => {}
            }
        }
        let n_trees = self.n_trees.max(1) as f64;
        ClassShap {
            base: self.base[class],
            values: scratch.phi.iter().map(|v| v / n_trees).collect(),
        }
    }
}

/// Gauss-Legendre nodes and weights on [0, 1].
#[derive(Debug, Clone)]
struct Rule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl Rule {
    fn new(points: usize) -> Rule {
        let (nodes, weights) = gauss_legendre(points);
        Rule { nodes, weights }
    }
}

/// The walk's compiled sizes: `points` rounded up to one of them (a tree
/// is at most [`MAX_DEPTH`] = 64 levels deep: 32 points). 0 for no points.
fn stride(points: usize) -> usize {
    match points {
        0..=8 => points,
        9..=16 => 16,
        _ => 32,
    }
}

/// Flattens one tree: first its shape (depth-first order, distinct
/// features per path), then the edges' numbers for the quadrature.
struct Builder<'a> {
    nodes: &'a [Node],
    n_features: usize,
    n_classes: usize,
    seen: Vec<bool>,
    /// Original node indices in depth-first order.
    order: Vec<usize>,
    /// Per feature, the share of cover its splits on the current path pass
    /// on (`None` off the path).
    path: Vec<Option<f64>>,
    distinct: usize,
    most_distinct: usize,
    deepest: usize,
    base: &'a mut [f64],
    root_cover: f64,
}

impl Builder<'_> {
    /// Records the subtree at `node_idx` in depth-first order and adds its
    /// leaves to the expected value.
    fn shape(&mut self, node_idx: usize, level: usize) -> Option<()> {
        if level > MAX_DEPTH || *self.seen.get(node_idx)? {
            return None;
        }
        self.seen[node_idx] = true;
        self.order.push(node_idx);
        self.deepest = self.deepest.max(level);
        match &self.nodes[node_idx] {
            Node::Leaf {
                distribution,
                cover,
            } => {
                if distribution.len() != self.n_classes {
                    return None;
                }
                if self.root_cover > 0.0 {
                    for (sum, share) in self.base.iter_mut().zip(distribution) {
                        *sum += share * cover / self.root_cover;
                    }
                }
                self.most_distinct = self.most_distinct.max(self.distinct);
                Some(())
            }
            Node::Split {
                feature,
                left,
                right,
                ..
            } => {
                if *feature >= self.n_features {
                    return None;
                }
                let fresh = self.path[*feature].is_none();
                if fresh {
                    self.distinct += 1;
                    self.path[*feature] = Some(1.0);
                }
                let result = self
                    .shape(*left, level + 1)
                    .and_then(|()| self.shape(*right, level + 1));
                if fresh {
                    self.distinct -= 1;
                    self.path[*feature] = None;
                }
                result
            }
        }
    }

    fn finish(mut self, rule: &Rule) -> FlatTree {
        let points = rule.nodes.len();
        let stride = stride(points);
        let n = self.order.len();
        let mut position = vec![0u32; self.nodes.len()];
        for (flat, &original) in self.order.iter().enumerate() {
            position[original] = flat as u32;
        }
        let mut tree = FlatTree {
            stride,
            feature: Vec::with_capacity(n),
            threshold: Vec::with_capacity(n),
            right_or_leaf: Vec::with_capacity(n),
            edge: vec![0.0; n * 4 * stride],
            scale: vec![1.0; n],
            values: Vec::new(),
        };
        for &original in &self.order {
            match &self.nodes[original] {
                Node::Leaf { distribution, .. } => {
                    tree.feature.push(LEAF);
                    tree.threshold.push(0.0);
                    tree.right_or_leaf
                        .push((tree.values.len() / self.n_classes.max(1)) as u32);
                    tree.values.extend_from_slice(distribution);
                }
                Node::Split {
                    feature,
                    threshold,
                    right,
                    ..
                } => {
                    tree.feature.push(*feature as u32);
                    tree.threshold.push(*threshold);
                    tree.right_or_leaf.push(position[*right]);
                }
            }
        }
        if points > 0 {
            self.path.iter_mut().for_each(|z| *z = None);
            self.edges(0, &position, rule, &mut tree);
        }
        tree
    }

    /// Fills in the numbers of the edges below `node_idx` (original index).
    /// The shape was checked by [`Builder::shape`], so this recursion ends.
    fn edges(&mut self, node_idx: usize, position: &[u32], rule: &Rule, tree: &mut FlatTree) {
        let Node::Split {
            feature,
            left,
            right,
            cover,
            ..
        } = &self.nodes[node_idx]
        else {
            return;
        };
        let (feature, cover) = (*feature, *cover);
        let points = rule.nodes.len();
        let stride = tree.stride;
        let old = self.path[feature];
        for child in [*left, *right] {
            let child_cover = self.nodes[child].cover();
            let ratio = if cover > 0.0 {
                child_cover / cover
            } else {
                0.0
            };
            let zero = old.map_or(ratio, |z| z * ratio);
            let flat = position[child] as usize;
            // The same formulas as `shap::Walk::visit`, for both ways.
            let edge = &mut tree.edge[flat * 4 * stride..(flat + 1) * 4 * stride];
            let (hot, cold) = edge.split_at_mut(2 * stride);
            let (hot_g, hot_w) = hot.split_at_mut(stride);
            let (cold_g, cold_w) = cold.split_at_mut(stride);
            for q in 0..points {
                let (u, wq) = (rule.nodes[q], rule.weights[q]);
                let f = u + (1.0 - u) * zero;
                let cold_weight = wq / (1.0 - u);
                match old {
                    None => {
                        hot_g[q] = f;
                        hot_w[q] = wq * (1.0 - zero) / f;
                        cold_g[q] = (1.0 - u) * zero;
                        cold_w[q] = -cold_weight;
                    }
                    Some(z_old) => {
                        let f_old = u + (1.0 - u) * z_old;
                        hot_g[q] = f / f_old;
                        hot_w[q] = wq * ((1.0 - zero) / f - (1.0 - z_old) / f_old);
                        cold_g[q] = (1.0 - u) * zero / f_old;
                        cold_w[q] = -cold_weight - wq * (1.0 - z_old) / f_old;
                    }
                }
            }
            tree.scale[flat] = match old {
                Some(z_old) if z_old > 0.0 => zero / z_old,
                Some(_) => 0.0,
                None => 1.0,
            };
            self.path[feature] = Some(zero);
            self.edges(child, position, rule, tree);
            self.path[feature] = old;
        }
    }
}

/// One row's walk down one flattened tree whose stride is `P`.
fn walk<const P: usize>(
    tree: &FlatTree,
    row: &[f64],
    class: usize,
    n_classes: usize,
    scratch: &mut ExplainScratch,
) {
    let (g, _) = scratch.g.as_chunks_mut::<P>();
    let (s, _) = scratch.s.as_chunks_mut::<P>();
    let (edges, _) = tree.edge.as_chunks::<P>();
    if g.is_empty() {
        return;
    }
    g[0] = [1.0; P];
    let mut walk = Walk {
        tree,
        edges,
        row,
        class,
        n_classes,
        g,
        s,
        state: &mut scratch.state,
        phi: &mut scratch.phi,
    };
    walk.visit(0, 0);
}

/// One row's walk, with every per-point vector a `[f64; P]`.
struct Walk<'a, const P: usize> {
    tree: &'a FlatTree,
    /// Per node, four vectors: factor and weight hot, then cold.
    edges: &'a [[f64; P]],
    row: &'a [f64],
    class: usize,
    n_classes: usize,
    /// Per level, the path polynomial `G` at each point.
    g: &'a mut [[f64; P]],
    /// Per level, the subtree's sum of leaf value times `G`.
    s: &'a mut [[f64; P]],
    state: &'a mut [u8],
    phi: &'a mut [f64],
}

impl<const P: usize> Walk<'_, P> {
    /// Leaves `S` of the subtree at `node` (flat index) in `s[level]`, given
    /// its path polynomial in `g[level]`. The shape was checked when the
    /// tree was flattened: every index here is in range.
    fn visit(&mut self, node: usize, level: usize) {
        let tree = self.tree;
        let g_here = self.g[level];
        let feature = tree.feature[node];
        if feature == LEAF {
            let leaf = tree.right_or_leaf[node] as usize;
            let share = tree.values[leaf * self.n_classes + self.class];
            self.s[level] = g_here.map(|g| g * share);
            return;
        }
        let feature = feature as usize;
        let value = self.row.get(feature).copied().unwrap_or(f64::NAN);
        let goes_left = value <= tree.threshold[node];
        let old = self.state[feature];
        for (first, (child, hot)) in [
            (node + 1, goes_left),
            (tree.right_or_leaf[node] as usize, !goes_left),
        ]
        .into_iter()
        .enumerate()
        {
            // Factor and weight of the way the row goes (none when an
            // earlier split on the feature is already cold).
            let way = match (old, hot) {
                (COLD, _) => None,
                (_, true) => Some(4 * child),
                (_, false) => Some(4 * child + 2),
            };
            let mut g_child = [0.0; P];
            match way {
                Some(at) => {
                    let factor = &self.edges[at];
                    for ((g, here), f) in g_child.iter_mut().zip(&g_here).zip(factor) {
                        *g = here * f;
                    }
                }
                None => {
                    let scale = tree.scale[child];
                    for (g, here) in g_child.iter_mut().zip(&g_here) {
                        *g = here * scale;
                    }
                }
            }
            self.g[level + 1] = g_child;
            self.state[feature] = if old == COLD || !hot { COLD } else { HOT };
            self.visit(child, level + 1);
            self.state[feature] = old;
            let s_child = self.s[level + 1];
            if let Some(at) = way {
                let weight = &self.edges[at + 1];
                let sum: f64 = weight.iter().zip(&s_child).map(|(w, s)| w * s).sum();
                self.phi[feature] += sum;
            }
            if first == 0 {
                self.s[level] = s_child;
            } else {
                for (here, child) in self.s[level].iter_mut().zip(&s_child) {
                    *here += child;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::forest::Tree;
    use crate::model::shap::tests::random_forest_of_depth as random_forest;
    use crate::model::shap::{brute_force_shap, tree_shap_class};

    #[test]
    fn the_explainer_matches_brute_force_shapley_values() {
        // Shallow trees, and depth 12 over 8 features, where paths split on
        // the same feature again and cover shares get small.
        for (n_features, depth, seed) in [(5, 6, 0), (6, 6, 1), (8, 12, 5)] {
            let (forest, x) = random_forest(n_features, depth, seed);
            if depth > n_features {
                let deepest = forest.trees().iter().map(Tree::depth).max().unwrap();
                assert!(deepest > n_features, "deep enough to repeat ({deepest})");
            }
            let explainer = Explainer::new(&forest).unwrap();
            let mut scratch = ExplainScratch::default();
            for row in x.rows().take(12) {
                let exact = brute_force_shap(&forest, row);
                for class in 0..3 {
                    let fast = explainer.class_shap(row, class, &mut scratch);
                    assert!((fast.base - exact.base[class]).abs() < 1e-9);
                    for (f, v) in fast.values.iter().enumerate() {
                        let e = exact.values[f][class];
                        assert!(
                            (v - e).abs() < 1e-9,
                            "feature {f} class {class}: {v} vs {e}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_explainer_gives_the_walks_numbers() {
        let (forest, x) = random_forest(7, 10, 3);
        let explainer = Explainer::new(&forest).unwrap();
        let mut scratch = ExplainScratch::default();
        for row in x.rows().take(30) {
            for class in 0..3 {
                let walk = tree_shap_class(&forest, row, class);
                let fast = explainer.class_shap(row, class, &mut scratch);
                assert!((walk.base - fast.base).abs() < 1e-12);
                for (a, b) in walk.values.iter().zip(&fast.values) {
                    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
                }
            }
        }
        // A path through 20 distinct features: 10 points, padded to the
        // walk compiled for 16.
        let deep = caterpillar(20);
        let deep_explainer = Explainer::new(&deep).unwrap();
        assert_eq!(deep_explainer.max_stride, 16);
        for seed in 0..8u64 {
            let row: Vec<f64> = (0..20)
                .map(|k| ((seed * 7 + k * 3) % 5) as f64 / 4.0)
                .collect();
            let walk = tree_shap_class(&deep, &row, 1);
            let fast = deep_explainer.class_shap(&row, 1, &mut scratch);
            for (a, b) in walk.values.iter().zip(&fast.values) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
        // Short rows (missing features go right) and a class outside.
        let short = [1.0];
        let walk = tree_shap_class(&forest, &short, 1);
        let fast = explainer.class_shap(&short, 1, &mut scratch);
        for (a, b) in walk.values.iter().zip(&fast.values) {
            assert!((a - b).abs() < 1e-12);
        }
        let outside = explainer.class_shap(&short, 3, &mut scratch);
        assert!(outside.values.iter().all(|v| *v == 0.0) && outside.values.len() == 7);
    }

    /// One tree splitting on feature k at depth k, with a leaf to the left
    /// of every split: a path through every feature.
    fn caterpillar(n_features: usize) -> Forest {
        let mut nodes = Vec::new();
        let mut cover = 200.0;
        for k in 0..n_features {
            let left_cover = 3.0 + k as f64;
            let share = (k % 4) as f64 / 4.0;
            nodes.push(serde_json::json!({"Split": {"feature": k, "threshold": 0.5,
                "left": 2 * k + 1, "right": 2 * k + 2, "cover": cover}}));
            nodes.push(
                serde_json::json!({"Leaf": {"distribution": [share, 1.0 - share],
                "cover": left_cover}}),
            );
            cover -= left_cover;
        }
        nodes.push(serde_json::json!({"Leaf": {"distribution": [0.3, 0.7], "cover": cover}}));
        let forest = serde_json::json!({"n_features": n_features, "n_classes": 2,
            "trees": [{"nodes": nodes}], "importances": vec![0.0; n_features]});
        serde_json::from_value(forest).unwrap()
    }

    #[test]
    fn a_forest_that_is_not_well_formed_gets_no_explainer() {
        let (forest, _) = random_forest(4, 4, 2);
        let mut json = serde_json::to_value(&forest).unwrap();
        // Point the root's left child back at the root: a loop.
        json["trees"][0]["nodes"][0]["Split"]["left"] = serde_json::json!(0);
        let looping: Forest = serde_json::from_value(json).unwrap();
        assert!(Explainer::new(&looping).is_none());
    }
}
