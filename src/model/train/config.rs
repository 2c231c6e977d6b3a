//! The settings of training, their limits and checks, and what can go wrong.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::encode::EncodeError;
use crate::model::forest::{ForestError, ForestParams, MAX_DEPTH};

/// The file format name and version written into every saved model.
pub const FORMAT: &str = "signpost-model";
/// Version 2: the checked envelope (checksum), fit-mode conformal sets,
/// the paired mode comparison.
pub const FORMAT_VERSION: u32 = 2;

/// The most trees a forest may have.
pub const MAX_TREES: usize = 1_000;
/// The most folds of cross-validation.
pub const MAX_FOLDS: usize = 20;
/// The most encoded columns (features after one-hot encoding): the
/// pathway-fit models take time growing with the cube of this.
pub const MAX_COLUMNS: usize = 500;
/// The most pathways a model may have.
pub const MAX_PATHWAYS: usize = 50;

/// Which way to learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The better of the two: by estimated policy value, and by consistency
    /// where that cannot tell them apart (`policy::compare`).
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
    #[error("{what} is {value}, more than the limit of {limit}: {fix}")]
    OverLimit {
        what: &'static str,
        value: usize,
        limit: usize,
        fix: &'static str,
    },
    #[error("pathway fit learns from outcomes, and this data has no outcome column: give the outcome column and the value meaning success, or use successful allocations")]
    FitNeedsOutcome,
    #[error("no referral counts as a success under the rule on column \"{0}\": check the value that means success")]
    NoSuccess(String),
    #[error("the truth column \"{column}\" is the {role} column: it must hold the true best pathway, a column of its own")]
    TruthIsRole { column: String, role: String },
    #[error("the pathway column \"{column}\" has {pathways} different values among {rows} referrals: it looks like an identifier, not the pathway allocated; mark the column that holds the pathway (a few values, each shared by many referrals)")]
    PathwayLooksLikeId {
        column: String,
        pathways: usize,
        rows: usize,
    },
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
        let limits = [
            (
                "the number of trees",
                self.forest.n_trees,
                MAX_TREES,
                "use fewer trees (100 is usual)",
            ),
            (
                "the maximum depth",
                self.forest.max_depth,
                MAX_DEPTH,
                "use a smaller depth (10 is usual)",
            ),
            (
                "the number of folds",
                self.folds,
                MAX_FOLDS,
                "use fewer folds (5 is usual)",
            ),
            (
                "the fewest similar referrals for a chance of success",
                self.little_evidence_min,
                1_000,
                "use a smaller number (5 is usual)",
            ),
        ];
        for (what, value, limit, fix) in limits {
            if value > limit {
                return Err(ModelError::OverLimit {
                    what,
                    value,
                    limit,
                    fix,
                });
            }
        }
        Ok(())
    }
}
