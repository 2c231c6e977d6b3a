//! Training and validating the triage model: the two ways to learn, the honest
//! choice between them, and the report and model card that go with the model.
//!
//! - **Allocations** (the seed recipe): a forest on the successful referrals
//!   predicts the pathway allocated. Its probabilities are calibrated on
//!   out-of-fold predictions.
//! - **Fit**: one logistic regression per pathway learns the chance of success
//!   given the person, from every referral that took that pathway (the issue's
//!   reference study found a logistic regression per pathway beat a forest per
//!   pathway and one forest with the pathway as input at every size); the
//!   suggestion is the pathway with the highest chance. "Similar referrals" for
//!   the little-evidence rule are the referrals sharing a leaf with the person
//!   in a small unweighted "evidence" forest (20 trees, depth 6, at least 5
//!   rows a leaf) fitted on all training referrals to predict the pathway
//!   taken: the count for a pathway is the mean over trees of the leaf's rows
//!   that took it. No training row is stored in the model.
//! - **Policy value** (`policy`): for each mode, the success rate expected if
//!   its top suggestions were followed, estimated doubly robust over every
//!   usable row, each row predicted by models that did not see it
//!   (cross-fitting on the training folds, the final models on the held-out
//!   rows): the outcome model is the fit learners, the propensity of past
//!   allocation the evidence forest's leaf shares, clipped below at
//!   `propensity_clip`. "Auto" compares the modes by the paired difference of
//!   their per-row scores and, where that cannot tell them apart, by how
//!   consistent each mode's suggestions are across the cross-validation
//!   models (the rule is in `policy`). Without an outcome column there is
//!   nothing to compare: only the seed method applies, and fit mode is
//!   refused.
//! - Validation: a stratified held-out share (by pathway), stratified k-fold
//!   cross-validation on the rest. Metrics of a mode are over successful
//!   referrals: how often its top pathway is the one that worked.
//! - Split-conformal prediction sets (90% by default) built on each mode's
//!   own scores over successful out-of-fold training referrals: the raw
//!   forest probabilities for allocations, the chance-of-success gap to the
//!   top pathway for fit (see `suggest`).
//!
//! The settings and errors are in `train/config.rs`, the learners of each
//! fold and their honest per-row predictions in `train/learners.rs`; the
//! model file and its checks are in `saved`, the suggestion in `suggest`.

use serde::{Deserialize, Serialize};

use super::calibrate::Calibrator;
use super::encode::Encoder;
use super::forest::Forest;
use super::logistic::Logistic;
use super::metrics::{self, argmax};
use super::policy::{self, dr_score, RowModels};
use super::split::{stratified_folds, stratified_holdout};
use super::suggest::{chances, conformal_quantile, fit_gap, fit_top, similar_counts};
use crate::import::{Dataset, Role, SuccessRule};

pub use super::policy::Estimate;
use super::report::{choice_words, permutation_importance, verdict_words};
pub use super::report::{Importance, ModeReport, ModelCard, OutOfFold, ValidationReport};
pub use super::suggest::{PathwayChance, Suggestion};

mod config;
mod learners;
pub use config::{
    Mode, ModelError, TrainConfig, FORMAT, FORMAT_VERSION, MAX_COLUMNS, MAX_FOLDS, MAX_PATHWAYS,
    MAX_TREES,
};
pub(crate) use learners::FoldPredictions;
use learners::{fit_all, held_out_picks, normalised, predict_all};

/// A trained model with its settings, report and card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedModel {
    pub format: String,
    pub version: u32,
    pub config: TrainConfig,
    pub pathway_column: String,
    pub pathways: Vec<String>,
    pub encoder: Encoder,
    pub mode: Mode,
    pub forest: Forest,
    pub calibrator: Calibrator,
    pub fit_learners: Vec<Logistic>,
    pub evidence: Forest,
    pub conformal_threshold: f64,
    /// Pathway fit's set: pathways whose chance of success is within this of
    /// the top pathway's (1, every pathway, for a model saved before it).
    #[serde(default = "super::report::one")]
    pub fit_conformal_threshold: f64,
    pub report: ValidationReport,
    pub card: ModelCard,
}

/// Success of every row under the dataset's rule (`None` = unknown). Without
/// a rule every row is a success (plain classification).
pub fn success_flags(dataset: &Dataset) -> Result<Vec<Option<bool>>, ModelError> {
    let Some(rule) = &dataset.success_rule else {
        return Ok(vec![Some(true); dataset.n_rows]);
    };
    let name = match rule {
        SuccessRule::Equals { column, .. }
        | SuccessRule::AtLeast { column, .. }
        | SuccessRule::AtMost { column, .. } => column,
    };
    let column = dataset
        .columns
        .iter()
        .find(|c| &c.name == name)
        .ok_or_else(|| ModelError::BadSuccessRule(name.clone()))?;
    Ok((0..dataset.n_rows)
        .map(|r| {
            let cell = column.cells.get(r).and_then(|v| v.as_deref())?.trim();
            match rule {
                SuccessRule::Equals { values, .. } => {
                    Some(values.iter().any(|v| v.trim().eq_ignore_ascii_case(cell)))
                }
                SuccessRule::AtLeast { threshold, .. } => {
                    cell.parse::<f64>().ok().map(|v| v >= *threshold)
                }
                SuccessRule::AtMost { threshold, .. } => {
                    cell.parse::<f64>().ok().map(|v| v <= *threshold)
                }
            }
        })
        .collect())
}

/// The feature columns to use, checked; plus warnings.
fn choose_features(
    dataset: &Dataset,
    config: &TrainConfig,
) -> Result<(Vec<String>, Vec<String>), ModelError> {
    let mut warnings = Vec::new();
    let names: Vec<String> = match &config.features {
        Some(list) => list.clone(),
        None => dataset
            .columns
            .iter()
            .filter(|c| c.role == Role::Feature)
            .map(|c| c.name.clone())
            .collect(),
    };
    for name in &names {
        let column = dataset
            .columns
            .iter()
            .find(|c| &c.name == name)
            .ok_or_else(|| ModelError::UnknownFeature(name.clone()))?;
        let role = match column.role {
            Role::Pathway => Some("pathway"),
            Role::Outcome => Some("outcome"),
            Role::Id => Some("id"),
            _ => None,
        };
        if config.truth_column.as_deref() == Some(name.as_str()) {
            return Err(ModelError::NotAFeature {
                column: name.clone(),
                role: "truth".into(),
            });
        }
        if let Some(role) = role {
            return Err(ModelError::NotAFeature {
                column: name.clone(),
                role: role.into(),
            });
        }
        if column.role == Role::Protected {
            warnings.push(format!(
                "\"{name}\" is a protected characteristic used as a feature: suggestions may treat people differently because of it; audit fairness before use"
            ));
        }
    }
    if names.is_empty() {
        return Err(ModelError::NoFeatures);
    }
    Ok((names, warnings))
}

/// The usable rows of a dataset: a known pathway and outcome.
struct Usable {
    pathways: Vec<String>,
    /// Dataset row of each usable row.
    rows: Vec<usize>,
    labels: Vec<usize>,
    success: Vec<bool>,
    truth: Vec<Option<usize>>,
}

fn usable_rows(dataset: &Dataset, config: &TrainConfig) -> Result<Usable, ModelError> {
    let pathway_column = dataset
        .columns
        .iter()
        .find(|c| c.role == Role::Pathway)
        .ok_or(ModelError::NoPathwayColumn)?;
    let success_all = success_flags(dataset)?;
    let truth_column = match &config.truth_column {
        Some(name) => {
            let column = dataset
                .columns
                .iter()
                .find(|c| &c.name == name)
                .ok_or_else(|| ModelError::BadTruth(name.clone()))?;
            let rule_column = match &dataset.success_rule {
                Some(
                    SuccessRule::Equals { column, .. }
                    | SuccessRule::AtLeast { column, .. }
                    | SuccessRule::AtMost { column, .. },
                ) => Some(column),
                None => None,
            };
            let role = if column.name == pathway_column.name {
                Some("pathway")
            } else if column.role == Role::Outcome || rule_column == Some(&column.name) {
                Some("outcome")
            } else {
                None
            };
            if let Some(role) = role {
                return Err(ModelError::TruthIsRole {
                    column: name.clone(),
                    role: role.into(),
                });
            }
            Some(column)
        }
        None => None,
    };
    let mut pathways: Vec<String> = pathway_column.cells.iter().flatten().cloned().collect();
    pathways.sort();
    pathways.dedup();
    let mut usable = Usable {
        pathways: Vec::new(),
        rows: Vec::new(),
        labels: Vec::new(),
        success: Vec::new(),
        truth: Vec::new(),
    };
    for row_idx in 0..dataset.n_rows {
        let pathway = pathway_column.cells.get(row_idx).and_then(|v| v.as_ref());
        let outcome = success_all.get(row_idx).copied().flatten();
        if let (Some(pathway), Some(outcome)) = (pathway, outcome) {
            if let Ok(label) = pathways.binary_search(pathway) {
                usable.rows.push(row_idx);
                usable.labels.push(label);
                usable.success.push(outcome);
            }
        }
    }
    let n = usable.rows.len();
    if pathways.len() > MAX_PATHWAYS || (pathways.len() > 2 && pathways.len() * 2 > n) {
        return Err(ModelError::PathwayLooksLikeId {
            column: pathway_column.name.clone(),
            pathways: pathways.len(),
            rows: n,
        });
    }
    if n > 0 && usable.success.iter().all(|s| !s) {
        let column = match &dataset.success_rule {
            Some(
                SuccessRule::Equals { column, .. }
                | SuccessRule::AtLeast { column, .. }
                | SuccessRule::AtMost { column, .. },
            ) => column.clone(),
            None => String::new(),
        };
        return Err(ModelError::NoSuccess(column));
    }
    let n_present = (0..pathways.len())
        .filter(|k| usable.labels.contains(k))
        .count();
    if n_present < 2 {
        return Err(ModelError::TooFewPathways(n_present));
    }
    usable.truth = usable
        .rows
        .iter()
        .map(|&r| {
            let cell = truth_column?.cells.get(r)?.as_ref()?;
            pathways.binary_search(cell).ok()
        })
        .collect();
    usable.pathways = pathways;
    Ok(usable)
}

/// Trains, validates and chooses the mode. Deterministic for a given seed.
pub fn train(dataset: &Dataset, config: &TrainConfig) -> Result<TrainedModel, ModelError> {
    config.check()?;
    let has_outcomes = dataset.success_rule.is_some();
    if config.mode == Mode::Fit && !has_outcomes {
        return Err(ModelError::FitNeedsOutcome);
    }
    let (feature_names, mut warnings) = choose_features(dataset, config)?;
    let Usable {
        pathways,
        rows,
        labels,
        success,
        truth,
    } = usable_rows(dataset, config)?;
    let pathway_column = dataset
        .columns
        .iter()
        .find(|c| c.role == Role::Pathway)
        .ok_or(ModelError::NoPathwayColumn)?;
    let n_classes = pathways.len();

    // Held-out split, then folds over the training part.
    let (train_idx, test_idx) =
        stratified_holdout(&labels, n_classes, config.holdout_share, config.seed);
    for (k, pathway) in pathways.iter().enumerate() {
        let n = train_idx
            .iter()
            .filter(|&&i| labels[i] == k && success[i])
            .count();
        if n < config.folds {
            return Err(ModelError::TooFewRows {
                pathway: pathway.clone(),
                rows: n,
                folds: config.folds,
            });
        }
    }
    let train_rows: Vec<usize> = train_idx.iter().map(|&i| rows[i]).collect();
    let mut encoder = Encoder::fit(dataset, &feature_names, &train_rows)?;
    if encoder.n_columns() > MAX_COLUMNS {
        return Err(ModelError::OverLimit {
            what: "the number of encoded columns (features, with one column per category)",
            value: encoder.n_columns(),
            limit: MAX_COLUMNS,
            fix: "choose fewer features, or leave out columns with many categories",
        });
    }
    // Every row of the file counts as seen, held-out rows included: no row
    // of the training file is ever flagged as unlike the training data.
    encoder.widen_to(dataset, &(0..dataset.n_rows).collect::<Vec<_>>());
    let (x_all, _) = encoder.encode_rows(dataset, &rows)?;

    let n = rows.len();
    let mut pred = FoldPredictions {
        forest: vec![Vec::new(); n],
        chance: vec![Vec::new(); n],
        propensity: vec![Vec::new(); n],
        similar: vec![Vec::new(); n],
    };
    let train_labels: Vec<usize> = train_idx.iter().map(|&i| labels[i]).collect();
    let fold_of = stratified_folds(
        &train_labels,
        n_classes,
        config.folds,
        config.seed.wrapping_add(1),
    );
    // Each fold's picks for the held-out rows, per mode: how consistent a
    // mode's suggestions are across models trained on different referrals
    // (the auto choice's tie-break, `policy::consistency`).
    let x_test = x_all.select_rows(&test_idx);
    let mut held_picks_alloc: Vec<Vec<usize>> = Vec::with_capacity(config.folds);
    let mut held_picks_fit: Vec<Vec<usize>> = Vec::with_capacity(config.folds);
    for fold in 0..config.folds {
        let fit_idx: Vec<usize> = (0..train_idx.len())
            .filter(|&j| fold_of[j] != fold)
            .map(|j| train_idx[j])
            .collect();
        let out_idx: Vec<usize> = (0..train_idx.len())
            .filter(|&j| fold_of[j] == fold)
            .map(|j| train_idx[j])
            .collect();
        let fold_labels: Vec<usize> = fit_idx.iter().map(|&i| labels[i]).collect();
        let fold_success: Vec<bool> = fit_idx.iter().map(|&i| success[i]).collect();
        let learners = fit_all(
            &x_all.select_rows(&fit_idx),
            &fold_labels,
            &fold_success,
            n_classes,
            config,
        )?;
        predict_all(
            &learners,
            &x_all.select_rows(&out_idx),
            config.propensity_clip,
            &mut pred,
            &out_idx,
        );
        if has_outcomes {
            let (alloc, fit) = held_out_picks(&learners, &x_test, config.little_evidence_min);
            held_picks_alloc.push(alloc);
            held_picks_fit.push(fit);
        }
    }
    let consistency = match (
        policy::consistency(&held_picks_alloc),
        policy::consistency(&held_picks_fit),
    ) {
        (Some(allocations), Some(fit)) => Some(policy::Consistency { allocations, fit }),
        _ => None,
    };
    let x_train = x_all.select_rows(&train_idx);
    let final_learners = fit_all(
        &x_train,
        &train_labels,
        &train_idx.iter().map(|&i| success[i]).collect::<Vec<_>>(),
        n_classes,
        config,
    )?;
    predict_all(
        &final_learners,
        &x_test,
        config.propensity_clip,
        &mut pred,
        &test_idx,
    );

    // Calibration on the out-of-fold forest probabilities of successful training rows.
    let oof_success: Vec<usize> = train_idx.iter().copied().filter(|&i| success[i]).collect();
    let oof_labels: Vec<usize> = oof_success.iter().map(|&i| labels[i]).collect();
    let oof_proba: Vec<Vec<f64>> = oof_success
        .iter()
        .map(|&i| pred.forest[i].clone())
        .collect();
    let calibrator = Calibrator::fit(&oof_proba, &oof_labels, n_classes);
    let calibrated: Vec<Vec<f64>> = pred.forest.iter().map(|p| calibrator.apply(p)).collect();

    // Each mode's top pick for every row, as a model that did not see the
    // row would make it. A held-out row gets the final model's calibrated
    // pick (what the saved model suggests). A cross-fitted training row gets
    // its fold forest's raw pick: the calibrator was fitted on these very
    // rows, and an isotonic map pulls a row's calibrated probabilities
    // towards its own pathway when it succeeded, so calibrated picks there
    // favour the pathway taken and inflate the allocations' policy value
    // (weighted by the true propensities on two files of 20,000 demo
    // referrals, the allocations' value came out 1.5 and 0.8 points above
    // the value computed from the true chances with calibrated picks, 0.9
    // and 0.1 with raw ones).
    // The cross-validation fold of each training row; `None` for a
    // held-out row (predicted by the final models).
    let mut fold_idx = vec![None; n];
    for (j, &i) in train_idx.iter().enumerate() {
        fold_idx[i] = fold_of.get(j).copied();
    }
    let policy_alloc: Vec<usize> = (0..n)
        .map(|i| match fold_idx[i] {
            None => argmax(&calibrated[i]),
            Some(_) => argmax(&pred.forest[i]),
        })
        .collect();
    let policy_fit: Vec<usize> = (0..n)
        .map(|i| {
            fit_top(
                &pred.chance[i],
                &pred.similar[i],
                config.little_evidence_min,
            )
        })
        .collect();

    // Conformal thresholds, each on its mode's own scores over the
    // out-of-fold successful training rows. Allocations: 1 - p(actual) on
    // the raw forest probabilities (raw, not calibrated: the calibrator was
    // fitted on these same rows, so calibrated scores would be optimistic and
    // the sets would cover less than promised). Fit: the gap between the
    // top pathway's chance of success and the actual pathway's.
    let conformal_threshold = conformal_quantile(
        oof_success
            .iter()
            .map(|&i| 1.0 - pred.forest[i].get(labels[i]).copied().unwrap_or(0.0))
            .collect(),
        config.coverage,
    )
    .clamp(0.0, 1.0);
    let fit_conformal_threshold = conformal_quantile(
        oof_success
            .iter()
            .map(|&i| fit_gap(&pred.chance[i], policy_fit[i], labels[i]))
            .collect(),
        config.coverage,
    )
    .clamp(0.0, 1.0);
    let in_set = |p: &[f64], k: usize| {
        p.get(k)
            .is_some_and(|v| 1.0 - v <= conformal_threshold + 1e-12)
    };
    let in_fit_set = |i: usize, k: usize| {
        k == policy_fit[i]
            || fit_gap(&pred.chance[i], policy_fit[i], k) <= fit_conformal_threshold + 1e-12
    };

    let all_idx: Vec<usize> = (0..n).collect();
    let test_success: Vec<usize> = test_idx.iter().copied().filter(|&i| success[i]).collect();
    let test_labels: Vec<usize> = test_success.iter().map(|&i| labels[i]).collect();

    // Doubly robust score of every row under each mode's policy.
    let dr_scores = |policy: &[usize]| -> Vec<f64> {
        all_idx
            .iter()
            .map(|&i| {
                let row = RowModels {
                    chance: &pred.chance[i],
                    propensity: &pred.propensity[i],
                    taken: labels[i],
                    success: success[i],
                };
                dr_score(&row, policy[i])
            })
            .collect()
    };
    let comparison = has_outcomes.then(|| {
        policy::compare(
            &dr_scores(&policy_alloc),
            &dr_scores(&policy_fit),
            consistency,
        )
    });

    let mode_report = |mode: Mode,
                       scores_of: &dyn Fn(usize) -> Vec<f64>,
                       policy: &[usize],
                       value: Option<&Estimate>| ModeReport {
        mode,
        // Cross-validated figures of allocations use the raw forest
        // probabilities: the calibrator was fitted on these rows.
        cv: metrics::evaluate(
            &oof_labels,
            &oof_success
                .iter()
                .map(|&i| match mode {
                    Mode::Allocations => pred.forest[i].clone(),
                    _ => scores_of(i),
                })
                .collect::<Vec<_>>(),
            &pathways,
        ),
        holdout: metrics::evaluate(
            &test_labels,
            &test_success
                .iter()
                .map(|&i| scores_of(i))
                .collect::<Vec<_>>(),
            &pathways,
        ),
        policy_value: value.cloned(),
        truth_top1: policy::share_true(policy, &truth, &test_idx),
        consistency: consistency.map(|c| match mode {
            Mode::Fit => c.fit,
            _ => c.allocations,
        }),
    };
    let alloc_report = mode_report(
        Mode::Allocations,
        &|i| calibrated[i].clone(),
        &policy_alloc,
        comparison.as_ref().map(|c| &c.allocations),
    );
    let fit_report = mode_report(
        Mode::Fit,
        &|i| normalised(&pred.chance[i]),
        &policy_fit,
        comparison.as_ref().map(|c| &c.fit),
    );

    let observed_success = has_outcomes.then(|| {
        Estimate::from_values(
            &success
                .iter()
                .map(|&s| if s { 1.0 } else { 0.0 })
                .collect::<Vec<_>>(),
        )
    });
    let chosen_mode = match (config.mode, &comparison) {
        (Mode::Auto, Some(c)) => c.auto_pick,
        (Mode::Auto, None) => Mode::Allocations,
        (other, _) => other,
    };
    let choice = choice_words(
        config,
        comparison.as_ref(),
        observed_success.as_ref(),
        chosen_mode,
    );

    let chosen_report = if chosen_mode == Mode::Fit {
        &fit_report
    } else {
        &alloc_report
    };
    let metrics = chosen_report.cv.clone();
    let (weak, verdict) = verdict_words(&metrics, &chosen_report.holdout, config);

    // Calibration before and after, and set coverage, on successful held-out referrals.
    let raw_test: Vec<Vec<f64>> = test_success
        .iter()
        .map(|&i| pred.forest[i].clone())
        .collect();
    let cal_test: Vec<Vec<f64>> = test_success
        .iter()
        .map(|&i| calibrated[i].clone())
        .collect();
    let share_of_tests = |hit: &dyn Fn(usize) -> bool| {
        test_success.iter().filter(|&&i| hit(i)).count() as f64 / test_success.len().max(1) as f64
    };
    let conformal_coverage_holdout = share_of_tests(&|i| in_set(&pred.forest[i], labels[i]));
    let fit_conformal_coverage_holdout = share_of_tests(&|i| in_fit_set(i, labels[i]));

    // Permutation importance on successful held-out referrals, per source feature.
    let x_test = x_all.select_rows(&test_success);
    let pick = |row: &[f64]| {
        if chosen_mode == Mode::Fit {
            fit_top(
                &chances(&final_learners.fit, row),
                &similar_counts(&final_learners.evidence, row),
                config.little_evidence_min,
            )
        } else {
            argmax(&calibrator.apply(&final_learners.forest.predict_proba(row)))
        }
    };
    let importance = permutation_importance(
        &encoder,
        &x_test,
        &test_labels,
        &pick,
        config.seed.wrapping_add(2),
    );

    let count_by = |only_success: bool| -> Vec<(String, usize)> {
        (0..n_classes)
            .map(|k| {
                let c = (0..n)
                    .filter(|&i| labels[i] == k && (success[i] || !only_success))
                    .count();
                (pathways[k].clone(), c)
            })
            .collect()
    };
    if test_success.len() < 30 {
        warnings.push(format!(
            "only {} successful referrals were held out: the held-out figures are rough",
            test_success.len()
        ));
    }
    let modes = if has_outcomes {
        vec![alloc_report, fit_report]
    } else {
        vec![alloc_report]
    };
    let chosen_policy = if chosen_mode == Mode::Fit {
        &policy_fit
    } else {
        &policy_alloc
    };
    let terms = dr_scores(chosen_policy);
    let out_of_fold: Vec<OutOfFold> = (0..n)
        .map(|i| OutOfFold {
            row: rows[i],
            fold: fold_idx[i],
            taken: labels[i],
            success: success[i],
            suggested: chosen_policy[i],
            probabilities: calibrated[i].clone(),
            policy_term: terms[i],
        })
        .collect();
    let report = ValidationReport {
        pathways: pathways.clone(),
        features: feature_names.clone(),
        n_rows_used: n,
        n_rows_skipped: dataset.n_rows - n,
        n_train: train_idx.len(),
        n_holdout: test_idx.len(),
        class_counts: count_by(false),
        success_counts: count_by(true),
        chosen_mode,
        too_close_to_call: comparison.as_ref().is_some_and(|c| c.too_close),
        settled_by: comparison.as_ref().map(|c| c.settled),
        modes_difference: comparison.as_ref().map(|c| c.difference.clone()),
        has_outcomes,
        choice: choice.clone(),
        observed_success,
        metrics,
        brier_before: metrics::brier(&test_labels, &raw_test),
        brier_after: metrics::brier(&test_labels, &cal_test),
        reliability_before: metrics::reliability(&test_labels, &raw_test, 10),
        reliability_after: metrics::reliability(&test_labels, &cal_test, 10),
        calibration: format!("{:?}", calibrator.method).to_lowercase(),
        importance,
        conformal_threshold,
        conformal_coverage_holdout,
        fit_conformal_coverage_holdout,
        quality_bar: config.quality_bar,
        weak,
        verdict: verdict.clone(),
        warnings,
        modes,
        out_of_fold,
        fairness: None,
        training_profile: Some(crate::oversight::drift::profile(&encoder, dataset, &rows)),
    };
    let card = ModelCard {
        date: config.date.clone(),
        data_summary: format!(
            "{} referrals from {} ({} used, {} skipped for a missing pathway or outcome), {} pathways; {} held out for testing.",
            dataset.n_rows,
            dataset.source,
            n,
            dataset.n_rows - n,
            n_classes,
            test_idx.len()
        ),
        features: feature_names,
        mode: chosen_mode,
        figures: format!("{verdict} {choice}"),
        intended_use: "Decision support: the model suggests a pathway and a professional decides.".into(),
        limits: vec![
            "Learned from past referrals: it repeats their patterns, including past misallocation and bias.".into(),
            "Only as good as its figures on unseen referrals; recheck after every retrain.".into(),
            "Not for people unlike the training data: such referrals are flagged.".into(),
        ],
        fairness: Vec::new(),
    };
    Ok(TrainedModel {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        config: config.clone(),
        pathway_column: pathway_column.name.clone(),
        pathways,
        encoder,
        mode: chosen_mode,
        forest: final_learners.forest,
        calibrator,
        fit_learners: final_learners.fit,
        evidence: final_learners.evidence,
        conformal_threshold,
        fit_conformal_threshold,
        report,
        card,
    })
}

/// A small model trained on demo referrals, for the model's unit tests.
#[cfg(test)]
pub(crate) fn demo_model(rows: usize, seed: u64, n_trees: usize, mode: Mode) -> TrainedModel {
    let data = crate::demo::referrals(&crate::demo::DemoOptions {
        rows,
        seed,
        truth: false,
    });
    let mut config = TrainConfig {
        mode,
        ..TrainConfig::default()
    };
    config.forest.n_trees = n_trees;
    train(&data, &config).expect("the demo trains")
}
