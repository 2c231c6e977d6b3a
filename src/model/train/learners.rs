//! The learners trained on each fold and on the whole training share, and
//! the honest per-row predictions gathered from them.

use crate::model::forest::{ClassWeight, Forest, ForestParams, MaxFeatures};
use crate::model::logistic::Logistic;
use crate::model::matrix::Matrix;
use crate::model::metrics::argmax;
use crate::model::suggest::{chances, fit_top, similar_counts};

use super::{ModelError, TrainConfig};

fn evidence_params(seed: u64) -> ForestParams {
    ForestParams {
        n_trees: 20,
        max_depth: 6,
        min_samples_leaf: 5,
        max_features: MaxFeatures::Sqrt,
        bootstrap: false,
        class_weight: ClassWeight::None,
        seed,
    }
}

/// One logistic regression per pathway, each on the rows that took it.
fn fit_learners(x: &Matrix, labels: &[usize], success: &[bool], n_classes: usize) -> Vec<Logistic> {
    (0..n_classes)
        .map(|k| {
            let rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == k).collect();
            let y: Vec<bool> = rows.iter().map(|&i| success[i]).collect();
            Logistic::fit(&x.select_rows(&rows), &y, None, 1.0)
        })
        .collect()
}

pub(super) fn normalised(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    if total > 0.0 {
        values.iter().map(|v| v / total).collect()
    } else {
        vec![1.0 / values.len().max(1) as f64; values.len()]
    }
}

/// Every row's predictions from models that did not see it: the training
/// rows from the cross-fitting folds, the held-out rows from the final
/// models. Indexed like the usable rows (`Usable::rows`). This is the one
/// place to read honest per-row predictions from (the policy values, the
/// calibration, the conformal sets and audits of the suggestions use them).
pub(crate) struct FoldPredictions {
    /// Raw allocations-forest probabilities.
    pub forest: Vec<Vec<f64>>,
    /// Fit learners' chances of success per pathway.
    pub chance: Vec<Vec<f64>>,
    /// Propensity of past allocation per pathway (clipped below).
    pub propensity: Vec<Vec<f64>>,
    /// Similar referrals per pathway (the little-evidence rule).
    pub similar: Vec<Vec<f64>>,
}

pub(super) struct Learners {
    pub forest: Forest,
    pub fit: Vec<Logistic>,
    pub evidence: Forest,
}

pub(super) fn fit_all(
    x: &Matrix,
    labels: &[usize],
    success: &[bool],
    n_classes: usize,
    config: &TrainConfig,
) -> Result<Learners, ModelError> {
    let successful: Vec<usize> = (0..labels.len()).filter(|&i| success[i]).collect();
    let y_success: Vec<usize> = successful.iter().map(|&i| labels[i]).collect();
    let forest = Forest::fit(
        &x.select_rows(&successful),
        &y_success,
        n_classes,
        None,
        &config.forest,
    )?;
    let evidence = Forest::fit(x, labels, n_classes, None, &evidence_params(config.seed))?;
    Ok(Learners {
        forest,
        fit: fit_learners(x, labels, success, n_classes),
        evidence,
    })
}

pub(super) fn predict_all(
    learners: &Learners,
    x: &Matrix,
    clip: f64,
    out: &mut FoldPredictions,
    rows: &[usize],
) {
    for (local, &target) in rows.iter().enumerate() {
        let row = x.row(local);
        out.forest[target] = learners.forest.predict_proba(row);
        out.chance[target] = chances(&learners.fit, row);
        out.propensity[target] = learners
            .evidence
            .predict_proba(row)
            .iter()
            .map(|p| p.max(clip))
            .collect();
        out.similar[target] = similar_counts(&learners.evidence, row);
    }
}

/// One fold's top pick for each row of `x` in each mode, as the fold's own
/// models make it (the raw forest for allocations, as on the cross-fitted
/// rows of the policy values).
pub(super) fn held_out_picks(
    learners: &Learners,
    x: &Matrix,
    min_similar: usize,
) -> (Vec<usize>, Vec<usize>) {
    (0..x.n_rows())
        .map(|t| {
            let row = x.row(t);
            let alloc = argmax(&learners.forest.predict_proba(row));
            let fit = fit_top(
                &chances(&learners.fit, row),
                &similar_counts(&learners.evidence, row),
                min_similar,
            );
            (alloc, fit)
        })
        .unzip()
}
