//! What training measured and how it is said: the validation report, each
//! mode's figures, the model card, the words of the mode choice and the
//! verdict, and permutation importance.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::encode::Encoder;
use super::matrix::Matrix;
use super::metrics::{Metrics, ReliabilityBin};
use super::policy::{self, Estimate};
use super::train::{Mode, TrainConfig};

/// Figures for one way of learning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeReport {
    pub mode: Mode,
    /// Cross-validated, on successful training referrals.
    pub cv: Metrics,
    /// On successful held-out referrals.
    pub holdout: Metrics,
    /// Expected success rate if its top suggestions were followed (`None`
    /// without an outcome column: nothing to measure it by).
    pub policy_value: Option<Estimate>,
    /// Share of held-out rows whose top pathway is the true best (with a truth column).
    pub truth_top1: Option<f64>,
    /// Share of held-out referrals on which two cross-validation models put
    /// the same pathway first (`policy::consistency`; `None` without outcomes).
    #[serde(default)]
    pub consistency: Option<f64>,
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
    /// What settled auto's pick (`None` without outcomes).
    #[serde(default)]
    pub settled_by: Option<policy::Settled>,
    /// Pathway fit's policy value minus successful allocations', paired over
    /// the same rows (`None` without outcomes).
    #[serde(default)]
    pub modes_difference: Option<Estimate>,
    /// Whether the data had an outcome column (without one, every row counts
    /// as a success, no mode comparison is possible and only the seed method
    /// applies).
    #[serde(default = "yes")]
    pub has_outcomes: bool,
    pub choice: String,
    /// Today's success rate over the usable rows (`None` without outcomes).
    pub observed_success: Option<Estimate>,
    /// Every mode that could be measured (only allocations without outcomes).
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
    /// Coverage on successful held-out referrals of the pathway-fit sets.
    #[serde(default)]
    pub fit_conformal_coverage_holdout: f64,
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

pub(crate) fn yes() -> bool {
    true
}

pub(crate) fn one() -> f64 {
    1.0
}

pub(crate) fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// How the mode was chosen, in words.
pub(crate) fn choice_words(
    config: &TrainConfig,
    comparison: Option<&policy::ModeChoice>,
    observed: Option<&Estimate>,
    chosen_mode: Mode,
) -> String {
    let Some(c) = comparison else {
        return "Without an outcome column there is no success to measure, so the two ways of learning cannot be compared: only the seed method, successful allocations (every referral counts as one that worked), applies.".to_string();
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
        "Expected success if suggestions were followed: successful allocations {}, pathway fit {}; today {}. {}",
        describe(&c.allocations),
        describe(&c.fit),
        observed.map_or_else(|| "unknown".to_string(), |o| percent(o.value)),
        policy::difference_words(c)
    );
    choice.push_str(&match (config.mode, c.settled, c.consistency) {
        (Mode::Auto, policy::Settled::Consistency, Some(k)) => {
            let (chosen, other, other_mode) = if chosen_mode == Mode::Fit {
                (k.fit, k.allocations, Mode::Allocations)
            } else {
                (k.allocations, k.fit, Mode::Fit)
            };
            format!(
                " Auto chose {}, whose suggestions are more consistent: models trained on different parts of the data put the same pathway first for {:.1}% of held-out referrals, against {:.1}% for {}.",
                mode_label(chosen_mode),
                chosen * 100.0,
                other * 100.0,
                mode_label(other_mode)
            )
        }
        (Mode::Auto, policy::Settled::FitLessConsistent, Some(k)) => format!(
            " Auto keeps successful allocations, the seed method: pathway fit's suggestions are less consistent (the same top pathway across models for {:.1}% of held-out referrals, against {:.1}%), so its lead in success may be chance.",
            k.fit * 100.0,
            k.allocations * 100.0
        ),
        (Mode::Auto, ..) if c.too_close => {
            " Auto keeps successful allocations, the seed method, until the data can tell them apart.".to_string()
        }
        (Mode::Auto, ..) if chosen_mode == Mode::Fit => {
            " Auto chose pathway fit because it is ahead.".to_string()
        }
        (Mode::Auto, ..) => " Auto keeps successful allocations because they are ahead.".to_string(),
        _ => format!(" You chose {}.", mode_label(chosen_mode)),
    });
    choice
}

/// The verdict on the chosen mode's cross-validated figures.
pub(crate) fn verdict_words(
    metrics: &Metrics,
    holdout: &Metrics,
    config: &TrainConfig,
) -> (bool, String) {
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
            percent(holdout.balanced_accuracy)
        )
    };
    (weak, verdict)
}

/// Permutation importance per source feature: the drop in the share of
/// `x`'s rows whose pick (by `pick`) is `labels`, when the feature is shuffled.
pub(crate) fn permutation_importance(
    encoder: &Encoder,
    x: &Matrix,
    labels: &[usize],
    pick: &dyn Fn(&[f64]) -> usize,
    seed: u64,
) -> Vec<Importance> {
    let score_rows = |x: &Matrix| -> f64 {
        let hits = (0..x.n_rows())
            .filter(|&r| Some(&pick(x.row(r))) == labels.get(r))
            .count();
        hits as f64 / x.n_rows().max(1) as f64
    };
    let base_score = score_rows(x);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut importance: Vec<Importance> = (0..encoder.features.len())
        .map(|f| {
            let cols = encoder.columns_of(f);
            let mut drop = 0.0;
            let repeats = 3;
            for _ in 0..repeats {
                let mut order: Vec<usize> = (0..x.n_rows()).collect();
                super::split::shuffle(&mut order, &mut rng);
                let mut data = x.as_slice().to_vec();
                let n_cols = x.n_cols();
                for (r, &src) in order.iter().enumerate() {
                    for &c in &cols {
                        data[r * n_cols + c] = x.get(src, c);
                    }
                }
                if let Some(shuffled) = Matrix::new(x.n_rows(), n_cols, data) {
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
    importance
}

pub(crate) fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Auto => "auto",
        Mode::Allocations => "successful allocations",
        Mode::Fit => "pathway fit",
    }
}
