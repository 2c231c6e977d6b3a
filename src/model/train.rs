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
//! - **Policy value**: for each mode, the success rate expected if its top
//!   suggestions were followed, estimated doubly robust over every usable row,
//!   each row predicted by models that did not see it (cross-fitting on the
//!   training folds, the final models on the held-out rows): the outcome model
//!   is the fit learners, the propensity of past allocation the evidence
//!   forest's leaf shares (a forest, because past allocation follows a
//!   non-linear rule), clipped below at `propensity_clip`. The 95% interval is a
//!   normal approximation. "Auto" picks the higher estimate; when each lies
//!   within the other's interval it says "too close to call" and keeps the
//!   seed method (successful allocations).
//! - Validation: a stratified held-out share (by pathway), stratified k-fold
//!   cross-validation on the rest. Metrics of a mode are over successful
//!   referrals: how often its top pathway is the one that worked.
//! - Split-conformal prediction sets (90% by default) from the raw
//!   out-of-fold forest probabilities of successful training referrals.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::calibrate::Calibrator;
use super::encode::{EncodeError, Encoder, RowFlags};
use super::forest::{ClassWeight, Forest, ForestError, ForestParams, MaxFeatures, Node};
use super::logistic::Logistic;
use super::matrix::Matrix;
use super::metrics::{self, argmax, Metrics, ReliabilityBin};
use super::split::{stratified_folds, stratified_holdout};
use crate::import::{Dataset, Role, SuccessRule};

/// The file format name and version written into every saved model.
pub const FORMAT: &str = "signpost-model";
pub const FORMAT_VERSION: u32 = 1;

/// Which way to learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The better of the two by estimated policy value.
    Auto,
    Allocations,
    Fit,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Allocations => "allocations",
            Mode::Fit => "fit",
        }
    }
}

/// Settings, as the user chose them; `check` validates them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub mode: Mode,
    pub forest: ForestParams,
    pub folds: usize,
    /// Share of rows held out (per pathway) for the final figures.
    pub holdout_share: f64,
    pub seed: u64,
    /// Balanced accuracy below which the model is marked weak.
    pub quality_bar: f64,
    /// Fewest similar referrals that took a pathway before fit mode gives a number.
    pub little_evidence_min: usize,
    /// Feature columns; `None` = the columns with role Feature.
    pub features: Option<Vec<String>>,
    /// A column holding the true best pathway (evaluation only).
    pub truth_column: Option<String>,
    /// Smallest allocation propensity used in the policy-value weights.
    pub propensity_clip: f64,
    /// Target coverage of the prediction sets.
    pub coverage: f64,
    /// Columns the fairness audit compares groups of (`oversight::audit`);
    /// the training job audits them after training.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit_columns: Vec<String>,
    /// The date written on the model card (the core reads no clock).
    pub date: String,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            mode: Mode::Auto,
            forest: ForestParams::default(),
            folds: 5,
            holdout_share: 0.2,
            seed: 42,
            quality_bar: 0.70,
            little_evidence_min: 5,
            features: None,
            truth_column: None,
            propensity_clip: 0.05,
            coverage: 0.9,
            audit_columns: Vec::new(),
            date: String::new(),
        }
    }
}

/// Why a model could not be trained or used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    #[error("the number of folds is {0}: use at least 2 (5 is usual)")]
    BadFolds(usize),
    #[error("the held-out share is {0}: use a share between 0.05 and 0.5 (0.2 is usual)")]
    BadHoldout(f64),
    #[error("the quality bar is {0}: use a balanced accuracy between 0 and 1 (0.7 is usual)")]
    BadQualityBar(f64),
    #[error("the prediction-set coverage is {0}: use a share between 0.5 and 0.99 (0.9 is usual)")]
    BadCoverage(f64),
    #[error("the propensity clip is {0}: use a value between 0.001 and 0.5 (0.05 is usual)")]
    BadClip(f64),
    #[error("no column has the role pathway: mark the column that holds the pathway allocated")]
    NoPathwayColumn,
    #[error("no features to learn from: mark at least one column as a feature")]
    NoFeatures,
    #[error("there is no column called \"{0}\": check the feature name against the column names")]
    UnknownFeature(String),
    #[error("column \"{column}\" is the {role} column and cannot be a feature: leave it out of the features")]
    NotAFeature { column: String, role: String },
    #[error("the data has {0} pathway(s) with usable rows: a model needs at least two pathways")]
    TooFewPathways(usize),
    #[error("pathway \"{pathway}\" has {rows} successful training referrals, fewer than the {folds} folds: use fewer folds or add referrals")]
    TooFewRows {
        pathway: String,
        rows: usize,
        folds: usize,
    },
    #[error("the success rule uses column \"{0}\", which is not in the data: fix the rule")]
    BadSuccessRule(String),
    #[error("there is no truth column called \"{0}\": check the name")]
    BadTruth(String),
    #[error("the referral has no value for any feature the model uses: fill in at least one")]
    EmptyReferral,
    #[error("this model file cannot be used: {0}")]
    Incompatible(String),
    #[error("{0}")]
    Forest(#[from] ForestError),
    #[error("{0}")]
    Encode(#[from] EncodeError),
}

impl TrainConfig {
    /// Checks every setting; `train` calls it first.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.folds < 2 {
            return Err(ModelError::BadFolds(self.folds));
        }
        if !(0.05..=0.5).contains(&self.holdout_share) {
            return Err(ModelError::BadHoldout(self.holdout_share));
        }
        if !(0.0..=1.0).contains(&self.quality_bar) {
            return Err(ModelError::BadQualityBar(self.quality_bar));
        }
        if !(0.5..=0.99).contains(&self.coverage) {
            return Err(ModelError::BadCoverage(self.coverage));
        }
        if !(0.001..=0.5).contains(&self.propensity_clip) {
            return Err(ModelError::BadClip(self.propensity_clip));
        }
        if self.forest.n_trees == 0 {
            return Err(ForestError::NoTrees.into());
        }
        if self.forest.max_depth == 0 {
            return Err(ForestError::ZeroDepth.into());
        }
        Ok(())
    }
}

/// An estimate with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Estimate {
    fn from_values(values: &[f64]) -> Estimate {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let half = 1.96 * (var / n).sqrt();
        Estimate {
            value: mean,
            lower: mean - half,
            upper: mean + half,
        }
    }

    fn contains(&self, value: f64) -> bool {
        (self.lower..=self.upper).contains(&value)
    }
}

/// Figures for one way of learning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeReport {
    pub mode: Mode,
    /// Cross-validated, on successful training referrals.
    pub cv: Metrics,
    /// On successful held-out referrals.
    pub holdout: Metrics,
    /// Expected success rate if its top suggestions were followed.
    pub policy_value: Estimate,
    /// Share of held-out rows whose top pathway is the true best (with a truth column).
    pub truth_top1: Option<f64>,
}

/// Importance of one source feature: drop in held-out accuracy when shuffled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    pub feature: String,
    pub importance: f64,
}

/// Everything measured while training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub pathways: Vec<String>,
    pub features: Vec<String>,
    pub n_rows_used: usize,
    pub n_rows_skipped: usize,
    pub n_train: usize,
    pub n_holdout: usize,
    /// Referrals per pathway (all usable rows) and successful ones.
    pub class_counts: Vec<(String, usize)>,
    pub success_counts: Vec<(String, usize)>,
    pub chosen_mode: Mode,
    pub too_close_to_call: bool,
    pub choice: String,
    /// Today's success rate over the usable rows.
    pub observed_success: Estimate,
    pub modes: Vec<ModeReport>,
    /// The chosen mode's cross-validated figures.
    pub metrics: Metrics,
    pub brier_before: f64,
    pub brier_after: f64,
    pub reliability_before: Vec<ReliabilityBin>,
    pub reliability_after: Vec<ReliabilityBin>,
    pub calibration: String,
    pub importance: Vec<Importance>,
    pub conformal_threshold: f64,
    pub conformal_coverage_holdout: f64,
    pub quality_bar: f64,
    pub weak: bool,
    pub verdict: String,
    pub warnings: Vec<String>,
    /// Every usable row's prediction from models that did not see it (the
    /// fold's models, or the final ones for held-out rows): what the fairness
    /// audit is computed from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_fold: Vec<OutOfFold>,
    /// The fairness audit over the protected columns (`oversight::audit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness: Option<crate::oversight::audit::FairnessAudit>,
    /// The training rows' distribution per feature, for drift (`oversight::drift`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_profile: Option<crate::oversight::drift::Profile>,
}

/// One row's prediction from models that did not see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutOfFold {
    /// The row in the dataset (0-based).
    pub row: usize,
    /// The cross-validation fold that predicted it; `None` for a held-out
    /// row (predicted by the final models).
    pub fold: Option<usize>,
    /// The pathway allocated (index into the model's pathways).
    pub taken: usize,
    pub success: bool,
    /// The chosen mode's suggestion.
    pub suggested: usize,
    /// Calibrated probability per pathway (the confidence the page states).
    pub probabilities: Vec<f64>,
    /// The row's doubly robust term of the success expected if the chosen
    /// mode's suggestions were followed (their mean is the policy value).
    pub policy_term: f64,
}

/// The model card saved with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub date: String,
    pub data_summary: String,
    pub features: Vec<String>,
    pub mode: Mode,
    pub figures: String,
    pub intended_use: String,
    pub limits: Vec<String>,
    /// The fairness audit's summary and flags, in words (`oversight::audit`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fairness: Vec<String>,
}

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
    pub report: ValidationReport,
    pub card: ModelCard,
}

/// A pathway's chance of success (fit mode), or little evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayChance {
    pub pathway: String,
    /// `None` when there is little evidence.
    pub chance: Option<f64>,
    pub similar_referrals: f64,
    pub little_evidence: bool,
}

/// The suggestion for one referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub mode: Mode,
    pub top: String,
    pub alternative: Option<String>,
    /// Calibrated probability per pathway that it is the one that works
    /// (allocations model), in the order of the model's pathways.
    pub probabilities: Vec<(String, f64)>,
    pub chances: Vec<PathwayChance>,
    /// Pathways that hold the right one `coverage` of the time.
    pub prediction_set: Vec<String>,
    pub low_confidence: bool,
    pub unlike_training: bool,
    pub flags: RowFlags,
    pub weak_model: bool,
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

/// The evidence forest's count of similar referrals per pathway.
fn similar_counts(evidence: &Forest, row: &[f64]) -> Vec<f64> {
    let mut counts = vec![0.0; evidence.n_classes()];
    for tree in evidence.trees() {
        let mut node_idx = 0;
        while let Some(node) = tree.nodes.get(node_idx) {
            match node {
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
                } => {
                    for (c, share) in counts.iter_mut().zip(distribution) {
                        *c += share * cover;
                    }
                    break;
                }
            }
        }
    }
    let n_trees = evidence.trees().len().max(1) as f64;
    counts.iter_mut().for_each(|c| *c /= n_trees);
    counts
}

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

fn chances(learners: &[Logistic], row: &[f64]) -> Vec<f64> {
    learners.iter().map(|m| m.predict(row)).collect()
}

fn normalised(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    if total > 0.0 {
        values.iter().map(|v| v / total).collect()
    } else {
        vec![1.0 / values.len().max(1) as f64; values.len()]
    }
}

/// Fit mode's top pathway: the highest chance among pathways with enough
/// evidence (all pathways when none has).
fn fit_top(chance: &[f64], similar: &[f64], min: usize) -> usize {
    let allowed: Vec<f64> = chance
        .iter()
        .zip(similar)
        .map(|(&c, &s)| {
            if s >= min as f64 {
                c
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    if allowed.iter().all(|v| *v == f64::NEG_INFINITY) {
        argmax(chance)
    } else {
        argmax(&allowed)
    }
}

/// Per-row predictions of every learner from models that did not see the row.
struct Predictions {
    /// Raw allocations-forest probabilities.
    forest: Vec<Vec<f64>>,
    /// Fit learners' chances of success.
    chance: Vec<Vec<f64>>,
    propensity: Vec<Vec<f64>>,
    similar: Vec<Vec<f64>>,
}

struct Learners {
    forest: Forest,
    fit: Vec<Logistic>,
    evidence: Forest,
}

fn fit_all(
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

fn predict_all(learners: &Learners, x: &Matrix, clip: f64, out: &mut Predictions, rows: &[usize]) {
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

fn doubly_robust(
    policy: &[usize],
    rows: &[usize],
    labels: &[usize],
    success: &[bool],
    pred: &Predictions,
) -> Estimate {
    Estimate::from_values(&doubly_robust_terms(policy, rows, labels, success, pred))
}

/// Each row's term of the doubly robust policy value.
fn doubly_robust_terms(
    policy: &[usize],
    rows: &[usize],
    labels: &[usize],
    success: &[bool],
    pred: &Predictions,
) -> Vec<f64> {
    rows.iter()
        .map(|&i| {
            let pick = policy[i];
            let q_pick = pred.chance[i].get(pick).copied().unwrap_or(0.0);
            if pick == labels[i] {
                let q_taken = pred.chance[i].get(labels[i]).copied().unwrap_or(0.0);
                let e = pred.propensity[i].get(labels[i]).copied().unwrap_or(1.0);
                let r = if success[i] { 1.0 } else { 0.0 };
                q_pick + (r - q_taken) / e
            } else {
                q_pick
            }
        })
        .collect()
}

/// Share of rows (over `rows`) whose top pick is the truth.
fn share_true(policy: &[usize], truth: &[Option<usize>], rows: &[usize]) -> Option<f64> {
    let known: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| truth[i].is_some())
        .collect();
    if known.is_empty() {
        return None;
    }
    let hits = known
        .iter()
        .filter(|&&i| truth[i] == Some(policy[i]))
        .count();
    Some(hits as f64 / known.len() as f64)
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// Trains, validates and chooses the mode. Deterministic for a given seed.
pub fn train(dataset: &Dataset, config: &TrainConfig) -> Result<TrainedModel, ModelError> {
    config.check()?;
    let pathway_column = dataset
        .columns
        .iter()
        .find(|c| c.role == Role::Pathway)
        .ok_or(ModelError::NoPathwayColumn)?;
    let (feature_names, mut warnings) = choose_features(dataset, config)?;
    let success_all = success_flags(dataset)?;
    let truth_column = match &config.truth_column {
        Some(name) => Some(
            dataset
                .columns
                .iter()
                .find(|c| &c.name == name)
                .ok_or_else(|| ModelError::BadTruth(name.clone()))?,
        ),
        None => None,
    };

    // Usable rows: a pathway and a known outcome.
    let mut pathways: Vec<String> = pathway_column.cells.iter().flatten().cloned().collect();
    pathways.sort();
    pathways.dedup();
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    let mut success = Vec::new();
    for row_idx in 0..dataset.n_rows {
        let pathway = pathway_column.cells.get(row_idx).and_then(|v| v.as_ref());
        let outcome = success_all.get(row_idx).copied().flatten();
        if let (Some(pathway), Some(outcome)) = (pathway, outcome) {
            if let Ok(label) = pathways.binary_search(pathway) {
                rows.push(row_idx);
                labels.push(label);
                success.push(outcome);
            }
        }
    }
    let n_classes = pathways.len();
    let n_present = (0..n_classes).filter(|k| labels.contains(k)).count();
    if n_present < 2 {
        return Err(ModelError::TooFewPathways(n_present));
    }
    let truth: Vec<Option<usize>> = rows
        .iter()
        .map(|&r| {
            let cell = truth_column?.cells.get(r)?.as_ref()?;
            pathways.binary_search(cell).ok()
        })
        .collect();

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
    let encoder = Encoder::fit(dataset, &feature_names, &train_rows)?;
    let (x_all, _) = encoder.encode_rows(dataset, &rows)?;

    let n = rows.len();
    let mut pred = Predictions {
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
    }
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
        &x_all.select_rows(&test_idx),
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

    // Conformal threshold: the coverage quantile of 1 - p(actual) over the raw
    // out-of-fold probabilities. Raw, not calibrated: the calibrator was fitted
    // on these same rows, so calibrated scores would be optimistic and the sets
    // would cover less than promised.
    let mut scores: Vec<f64> = oof_success
        .iter()
        .map(|&i| 1.0 - pred.forest[i].get(labels[i]).copied().unwrap_or(0.0))
        .collect();
    scores.sort_by(f64::total_cmp);
    let rank = ((scores.len() as f64 + 1.0) * config.coverage).ceil() as usize;
    let conformal_threshold = scores
        .get(rank.saturating_sub(1).min(scores.len().saturating_sub(1)))
        .copied()
        .unwrap_or(1.0);
    let in_set = |p: &[f64], k: usize| {
        p.get(k)
            .is_some_and(|v| 1.0 - v <= conformal_threshold + 1e-12)
    };

    // Each mode's top pick for every row.
    let policy_alloc: Vec<usize> = calibrated.iter().map(|p| argmax(p)).collect();
    let policy_fit: Vec<usize> = (0..n)
        .map(|i| {
            fit_top(
                &pred.chance[i],
                &pred.similar[i],
                config.little_evidence_min,
            )
        })
        .collect();
    let all_idx: Vec<usize> = (0..n).collect();
    let test_success: Vec<usize> = test_idx.iter().copied().filter(|&i| success[i]).collect();
    let test_labels: Vec<usize> = test_success.iter().map(|&i| labels[i]).collect();

    let mode_report =
        |mode: Mode, scores_of: &dyn Fn(usize) -> Vec<f64>, policy: &[usize]| ModeReport {
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
            policy_value: doubly_robust(policy, &all_idx, &labels, &success, &pred),
            truth_top1: share_true(policy, &truth, &test_idx),
        };
    let alloc_report = mode_report(Mode::Allocations, &|i| calibrated[i].clone(), &policy_alloc);
    let fit_report = mode_report(Mode::Fit, &|i| normalised(&pred.chance[i]), &policy_fit);

    let observed_success = Estimate::from_values(
        &success
            .iter()
            .map(|&s| if s { 1.0 } else { 0.0 })
            .collect::<Vec<_>>(),
    );
    let (va, vf) = (&alloc_report.policy_value, &fit_report.policy_value);
    let too_close = va.contains(vf.value) || vf.contains(va.value);
    let better = if vf.value > va.value {
        Mode::Fit
    } else {
        Mode::Allocations
    };
    // When the data cannot tell the modes apart, auto keeps the seed method
    // (successful allocations): the familiar one, and on the demo's ground
    // truth the doubly robust estimate leaned towards fit even where fit's
    // top pathway was less often the true best.
    let auto_pick = if too_close { Mode::Allocations } else { better };
    let chosen_mode = match config.mode {
        Mode::Auto => auto_pick,
        other => other,
    };
    let describe = |e: &Estimate| {
        format!(
            "{} (95% interval {} to {})",
            percent(e.value),
            percent(e.lower),
            percent(e.upper)
        )
    };
    let mut choice = format!(
        "Expected success if suggestions were followed: successful allocations {}, pathway fit {}; today {}.",
        describe(va),
        describe(vf),
        percent(observed_success.value)
    );
    if too_close {
        choice.push_str(" The two are too close to call: each lies within the other's interval.");
    }
    choice.push_str(&match config.mode {
        Mode::Auto if too_close => {
            " Auto keeps successful allocations, the seed method, until the data can tell them apart.".to_string()
        }
        Mode::Auto => format!(
            " Auto chose {} because its estimate is higher.",
            mode_label(chosen_mode)
        ),
        _ => format!(" You chose {}.", mode_label(chosen_mode)),
    });

    let chosen_report = if chosen_mode == Mode::Fit {
        &fit_report
    } else {
        &alloc_report
    };
    let metrics = chosen_report.cv.clone();
    let weak = metrics.balanced_accuracy < config.quality_bar;
    let verdict = if weak {
        // One decimal when whole percentages would read "70%, below the bar of 70%".
        let (score, bar) = if percent(metrics.balanced_accuracy) == percent(config.quality_bar) {
            let tenth = |x: f64| format!("{:.1}%", x * 100.0);
            (tenth(metrics.balanced_accuracy), tenth(config.quality_bar))
        } else {
            (
                percent(metrics.balanced_accuracy),
                percent(config.quality_bar),
            )
        };
        format!(
            "Not good enough to support decisions: balanced accuracy {score} on unseen referrals, below the bar of {bar}. Use the suggestions with great care, or add data and retrain."
        )
    } else {
        format!(
            "Good enough to support decisions: balanced accuracy {} on unseen referrals ({}-fold cross-validation; {} on the held-out share).",
            percent(metrics.balanced_accuracy),
            config.folds,
            percent(chosen_report.holdout.balanced_accuracy)
        )
    };

    // Calibration before and after, on successful held-out referrals.
    let raw_test: Vec<Vec<f64>> = test_success
        .iter()
        .map(|&i| pred.forest[i].clone())
        .collect();
    let cal_test: Vec<Vec<f64>> = test_success
        .iter()
        .map(|&i| calibrated[i].clone())
        .collect();
    let coverage_hits = test_success
        .iter()
        .filter(|&&i| in_set(&pred.forest[i], labels[i]))
        .count();
    let conformal_coverage_holdout = coverage_hits as f64 / test_success.len().max(1) as f64;

    // Permutation importance on successful held-out referrals, per source feature.
    let x_test = x_all.select_rows(&test_success);
    let score_rows = |x: &Matrix| -> f64 {
        let hits = (0..x.n_rows())
            .filter(|&r| {
                let row = x.row(r);
                let pick = if chosen_mode == Mode::Fit {
                    fit_top(
                        &chances(&final_learners.fit, row),
                        &similar_counts(&final_learners.evidence, row),
                        config.little_evidence_min,
                    )
                } else {
                    argmax(&calibrator.apply(&final_learners.forest.predict_proba(row)))
                };
                Some(&pick) == test_labels.get(r)
            })
            .count();
        hits as f64 / x.n_rows().max(1) as f64
    };
    let base_score = score_rows(&x_test);
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(2));
    let mut importance: Vec<Importance> = (0..encoder.features.len())
        .map(|f| {
            let cols = encoder.columns_of(f);
            let mut drop = 0.0;
            let repeats = 3;
            for _ in 0..repeats {
                let mut order: Vec<usize> = (0..x_test.n_rows()).collect();
                super::split::shuffle(&mut order, &mut rng);
                let mut data = x_test.as_slice().to_vec();
                let n_cols = x_test.n_cols();
                for (r, &src) in order.iter().enumerate() {
                    for &c in &cols {
                        data[r * n_cols + c] = x_test.get(src, c);
                    }
                }
                if let Some(shuffled) = Matrix::new(x_test.n_rows(), n_cols, data) {
                    drop += base_score - score_rows(&shuffled);
                }
            }
            Importance {
                feature: encoder.features[f].name.clone(),
                importance: drop / repeats as f64,
            }
        })
        .collect();
    importance.sort_by(|a, b| b.importance.total_cmp(&a.importance));

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
    let mut fold_idx = vec![None; n];
    for (j, &i) in train_idx.iter().enumerate() {
        fold_idx[i] = fold_of.get(j).copied();
    }
    let chosen_policy = if chosen_mode == Mode::Fit {
        &policy_fit
    } else {
        &policy_alloc
    };
    let terms = doubly_robust_terms(chosen_policy, &all_idx, &labels, &success, &pred);
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
        too_close_to_call: too_close,
        choice,
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
        quality_bar: config.quality_bar,
        weak,
        verdict: verdict.clone(),
        warnings,
        modes: vec![alloc_report, fit_report],
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
        figures: verdict,
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
        report,
        card,
    })
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Auto => "auto",
        Mode::Allocations => "successful allocations",
        Mode::Fit => "pathway fit",
    }
}

impl TrainedModel {
    /// The suggestion for one referral given as (column, value) pairs.
    pub fn suggest(&self, inputs: &[(String, Option<String>)]) -> Result<Suggestion, ModelError> {
        let (row, flags) = self.encoder.encode_values(inputs);
        if flags.imputed.len() == self.encoder.features.len() {
            return Err(ModelError::EmptyReferral);
        }
        let raw = self.forest.predict_proba(&row);
        let proba = self.calibrator.apply(&raw);
        let chance = chances(&self.fit_learners, &row);
        let similar = similar_counts(&self.evidence, &row);
        let min = self.config.little_evidence_min as f64;
        let ranking: Vec<f64> = if self.mode == Mode::Fit {
            chance
                .iter()
                .zip(&similar)
                .map(|(&c, &s)| if s >= min { c } else { c - 10.0 })
                .collect()
        } else {
            proba.clone()
        };
        let mut order: Vec<usize> = (0..ranking.len()).collect();
        order.sort_by(|&a, &b| ranking[b].total_cmp(&ranking[a]).then(a.cmp(&b)));
        let name = |k: usize| self.pathways.get(k).cloned().unwrap_or_default();
        let top = order.first().map(|&k| name(k)).unwrap_or_default();
        let prediction_set: Vec<String> = (0..raw.len())
            .filter(|&k| 1.0 - raw[k] <= self.conformal_threshold + 1e-12)
            .map(name)
            .collect();
        let top_proba = proba.iter().copied().fold(0.0, f64::max);
        Ok(Suggestion {
            mode: self.mode,
            top,
            alternative: order.get(1).map(|&k| name(k)),
            probabilities: (0..proba.len()).map(|k| (name(k), proba[k])).collect(),
            chances: (0..chance.len())
                .map(|k| PathwayChance {
                    pathway: name(k),
                    chance: (similar[k] >= min).then_some(chance[k]),
                    similar_referrals: similar[k],
                    little_evidence: similar[k] < min,
                })
                .collect(),
            low_confidence: prediction_set.len() != 1 || top_proba < 0.5,
            prediction_set,
            unlike_training: flags.unlike_training(),
            flags,
            weak_model: self.report.weak,
        })
    }

    /// The model's inputs, as (column, value) pairs, from row `row_idx` of a
    /// dataset with the model's features (a missing column reads as empty).
    pub fn inputs_of_row(
        &self,
        dataset: &Dataset,
        row_idx: usize,
    ) -> Vec<(String, Option<String>)> {
        self.encoder
            .features
            .iter()
            .map(|f| {
                let value = dataset
                    .column(&f.name)
                    .and_then(|c| c.cells.get(row_idx).cloned().flatten());
                (f.name.clone(), value)
            })
            .collect()
    }

    /// The suggestion for row `row_idx` of a dataset with the model's features.
    pub fn suggest_row(&self, dataset: &Dataset, row_idx: usize) -> Result<Suggestion, ModelError> {
        self.suggest(&self.inputs_of_row(dataset, row_idx))
    }

    /// The model as JSON, for "Export model".
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks that a model read from a file (alone or in a workspace) fits
    /// together, so that using it can neither fail nor hang.
    pub fn check_parts(&self) -> Result<(), ModelError> {
        let k = self.pathways.len();
        let n_cols = self.encoder.n_columns();
        let misfit = |what: String| {
            ModelError::Incompatible(format!(
                "its parts do not fit together ({what}; it may have been edited): export it again from Signpost"
            ))
        };
        if self.forest.n_classes() != k
            || self.evidence.n_classes() != k
            || self.fit_learners.len() != k
            || self.calibrator.maps.len() != k
            || self.forest.n_features() != n_cols
            || self.evidence.n_features() != n_cols
            || self.encoder.column_source.len() != n_cols
        {
            return Err(misfit(
                "the pathways or columns differ between its parts".into(),
            ));
        }
        if self.fit_learners.iter().any(|l| {
            l.coef.len() != n_cols + 1 || l.mean.len() != n_cols || l.scale.len() != n_cols
        }) {
            return Err(misfit(
                "a pathway-fit model has the wrong number of inputs".into(),
            ));
        }
        self.forest.check_structure().map_err(misfit)
    }

    /// Reads an exported model, refusing other formats, versions and files
    /// whose parts do not fit together.
    pub fn from_json(text: &str) -> Result<TrainedModel, ModelError> {
        let model: TrainedModel = serde_json::from_str(text)
            .map_err(|e| ModelError::Incompatible(format!("it is not a Signpost model ({e})")))?;
        if model.format != FORMAT || model.version != FORMAT_VERSION {
            return Err(ModelError::Incompatible(format!(
                "it is {} version {}, this page reads {FORMAT} version {FORMAT_VERSION}",
                model.format, model.version
            )));
        }
        model.check_parts()?;
        Ok(model)
    }
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
