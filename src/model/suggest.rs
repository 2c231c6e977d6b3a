//! The suggestion for one referral, and what the fit-mode numbers are made of.
//!
//! Whatever the mode, the suggestion, its score, the alternative, the score
//! of every pathway and the prediction set are about ONE quantity (the
//! suggestion's [`Measure`]):
//! - successful allocations: the calibrated probability that the pathway is
//!   the one that works ("confidence"); the set is split-conformal on the
//!   forest's probabilities;
//! - pathway fit: the chance of success if referred to the pathway; pathways
//!   with little evidence rank after those with enough, and their chance is
//!   not shown; the set holds the pathways whose chance is within the
//!   conformal gap of the top one (split-conformal on the fit-mode scores:
//!   the gap between the top pathway's chance and the chance of the pathway
//!   that worked, over out-of-fold successful referrals).

use serde::{Deserialize, Serialize};

use super::encode::RowFlags;
use super::explain::Measure;
use super::forest::Forest;
use super::logistic::Logistic;
use super::train::{Mode, ModelError, TrainedModel};
use crate::import::Dataset;

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
    /// What `scores` (and the ranking, and the set) are about.
    #[serde(default)]
    pub measure: Measure,
    pub top: String,
    pub alternative: Option<String>,
    /// The number every pathway is ranked by, in the order of the model's
    /// pathways; `None` where it is not shown (fit mode, little evidence).
    #[serde(default)]
    pub scores: Vec<(String, Option<f64>)>,
    /// Calibrated probability per pathway that it is the one that works
    /// (allocations model), in the order of the model's pathways.
    pub probabilities: Vec<(String, f64)>,
    pub chances: Vec<PathwayChance>,
    /// Pathways that hold the right one `coverage` of the time, built on
    /// the same quantity as the ranking.
    pub prediction_set: Vec<String>,
    /// More than one pathway is plausible (or, for allocations, the top
    /// probability is below one half).
    pub low_confidence: bool,
    pub unlike_training: bool,
    pub flags: RowFlags,
    pub weak_model: bool,
}

impl Suggestion {
    /// The shown score of `pathway` (`None` if hidden or unknown).
    pub fn score_of(&self, pathway: &str) -> Option<f64> {
        self.scores
            .iter()
            .find(|(p, _)| p == pathway)
            .and_then(|(_, s)| *s)
    }

    /// The suggestion's own score.
    pub fn top_score(&self) -> Option<f64> {
        self.score_of(&self.top)
    }

    /// The alternative's score.
    pub fn alternative_score(&self) -> Option<f64> {
        self.alternative.as_deref().and_then(|a| self.score_of(a))
    }

    /// Pathways with little evidence (fit mode only: it qualifies the
    /// chance of success, which allocations mode does not show).
    pub fn little_evidence(&self) -> Vec<&str> {
        if self.measure != Measure::Success {
            return Vec::new();
        }
        self.chances
            .iter()
            .filter(|c| c.little_evidence)
            .map(|c| c.pathway.as_str())
            .collect()
    }
}

/// The quantity in words, for sentences ("72% chance of success").
pub fn measure_words(measure: Measure) -> &'static str {
    match measure {
        Measure::Allocation => "confidence",
        Measure::Success => "chance of success",
    }
}

/// The name of the quantity, for headers and captions.
pub fn measure_name(measure: Measure) -> &'static str {
    match measure {
        Measure::Allocation => "confidence",
        Measure::Success => "chance_of_success",
    }
}

/// The evidence forest's count of similar referrals per pathway.
pub(crate) fn similar_counts(evidence: &Forest, row: &[f64]) -> Vec<f64> {
    let mut counts = vec![0.0; evidence.n_classes()];
    for tree in evidence.trees() {
        if let Some((distribution, cover)) = tree.leaf(row) {
            for (c, share) in counts.iter_mut().zip(distribution) {
                *c += share * cover;
            }
        }
    }
    let n_trees = evidence.trees().len().max(1) as f64;
    counts.iter_mut().for_each(|c| *c /= n_trees);
    counts
}

pub(crate) fn chances(learners: &[Logistic], row: &[f64]) -> Vec<f64> {
    learners.iter().map(|m| m.predict(row)).collect()
}

/// Fit mode's order of pathways: those with enough evidence first, each
/// group by chance of success (highest first), ties to the lower index.
pub(crate) fn fit_order(chance: &[f64], similar: &[f64], min: usize) -> Vec<usize> {
    let enough = |k: usize| similar.get(k).is_some_and(|s| *s >= min as f64);
    let mut order: Vec<usize> = (0..chance.len()).collect();
    order.sort_by(|&a, &b| {
        enough(b)
            .cmp(&enough(a))
            .then(chance[b].total_cmp(&chance[a]))
            .then(a.cmp(&b))
    });
    order
}

/// Fit mode's top pathway: the highest chance among pathways with enough
/// evidence (all pathways when none has).
pub(crate) fn fit_top(chance: &[f64], similar: &[f64], min: usize) -> usize {
    fit_order(chance, similar, min)
        .first()
        .copied()
        .unwrap_or(0)
}

/// Fit mode's nonconformity of pathway `k`: how far its chance of success is
/// below the top pathway's.
pub(crate) fn fit_gap(chance: &[f64], top: usize, k: usize) -> f64 {
    chance.get(top).copied().unwrap_or(0.0) - chance.get(k).copied().unwrap_or(0.0)
}

/// The split-conformal threshold: the `coverage` quantile (rank
/// `ceil((n + 1) coverage)`) of the nonconformity scores of the calibration
/// rows; 1 (everything) without rows.
pub(crate) fn conformal_quantile(mut scores: Vec<f64>, coverage: f64) -> f64 {
    scores.sort_by(f64::total_cmp);
    let rank = ((scores.len() as f64 + 1.0) * coverage).ceil() as usize;
    scores
        .get(rank.saturating_sub(1).min(scores.len().saturating_sub(1)))
        .copied()
        .unwrap_or(1.0)
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
        let min = self.config.little_evidence_min;
        let name = |k: usize| self.pathways.get(k).cloned().unwrap_or_default();
        let little = |k: usize| similar.get(k).is_none_or(|s| *s < min as f64);
        let fit = self.mode == Mode::Fit;
        let (measure, order, set, scores) = if fit {
            let order = fit_order(&chance, &similar, min);
            let top = order.first().copied().unwrap_or(0);
            let threshold = self.fit_conformal_threshold.max(0.0);
            let set: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&k| k == top || fit_gap(&chance, top, k) <= threshold + 1e-12)
                .collect();
            let scores: Vec<Option<f64>> = (0..chance.len())
                .map(|k| (!little(k)).then_some(chance[k]))
                .collect();
            (Measure::Success, order, set, scores)
        } else {
            let mut order: Vec<usize> = (0..proba.len()).collect();
            order.sort_by(|&a, &b| proba[b].total_cmp(&proba[a]).then(a.cmp(&b)));
            let set: Vec<usize> = (0..raw.len())
                .filter(|&k| 1.0 - raw[k] <= self.conformal_threshold + 1e-12)
                .collect();
            (
                Measure::Allocation,
                order,
                set,
                proba.iter().map(|&p| Some(p)).collect(),
            )
        };
        let top_proba = proba.iter().copied().fold(0.0, f64::max);
        let low_confidence = set.len() != 1 || (!fit && top_proba < 0.5);
        Ok(Suggestion {
            mode: self.mode,
            measure,
            top: order.first().map(|&k| name(k)).unwrap_or_default(),
            alternative: order.get(1).map(|&k| name(k)),
            scores: scores
                .into_iter()
                .enumerate()
                .map(|(k, s)| (name(k), s))
                .collect(),
            probabilities: (0..proba.len()).map(|k| (name(k), proba[k])).collect(),
            chances: (0..chance.len())
                .map(|k| PathwayChance {
                    pathway: name(k),
                    chance: (!little(k)).then_some(chance[k]),
                    similar_referrals: similar.get(k).copied().unwrap_or(0.0),
                    little_evidence: little(k),
                })
                .collect(),
            low_confidence,
            prediction_set: set.into_iter().map(name).collect(),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{referrals, DemoOptions};
    use crate::model::train::demo_model;

    #[test]
    fn fit_order_puts_little_evidence_last() {
        let order = fit_order(&[0.9, 0.5, 0.7], &[1.0, 10.0, 10.0], 5);
        assert_eq!(order, vec![2, 1, 0]);
        assert_eq!(fit_top(&[0.9, 0.5], &[0.0, 0.0], 5), 0);
        assert!((conformal_quantile(vec![0.3, 0.1, 0.2], 0.5) - 0.2).abs() < 1e-12);
        assert_eq!(conformal_quantile(Vec::new(), 0.9), 1.0);
    }

    /// In fit mode the suggestion, the alternative and the set speak of the
    /// chance of success: the score is never below the alternative's, the
    /// suggestion is in its own set, and the set is every pathway within the
    /// gap of the top one.
    #[test]
    fn fit_mode_numbers_speak_of_one_quantity() {
        let model = demo_model(800, 4, 20, Mode::Fit);
        let data = referrals(&DemoOptions {
            rows: 300,
            seed: 11,
            truth: false,
        });
        for r in 0..data.n_rows {
            let s = model.suggest_row(&data, r).unwrap();
            assert_eq!(s.measure, Measure::Success);
            assert!(s.prediction_set.contains(&s.top), "row {r}: {s:?}");
            if let (Some(top), Some(alt)) = (s.top_score(), s.alternative_score()) {
                assert!(top >= alt, "row {r}: {top} < {alt}");
            }
            // Little evidence is only ever said of a chance that is hidden.
            for c in &s.chances {
                assert_eq!(c.little_evidence, s.score_of(&c.pathway).is_none());
            }
        }
        let alloc = demo_model(800, 4, 20, Mode::Allocations);
        let s = alloc.suggest_row(&data, 0).unwrap();
        assert_eq!(s.measure, Measure::Allocation);
        assert!(s.little_evidence().is_empty());
        assert!(s.top_score() >= s.alternative_score());
    }
}
