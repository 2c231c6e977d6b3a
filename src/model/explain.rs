//! Why a referral got its suggestion, and what would change it.
//!
//! Reasons are exact Shapley contributions of each source feature to the
//! number the suggestion was ranked by, so they add up exactly to that number
//! minus its base value; the one-hot columns of a category count as one
//! feature.
//!
//! - Learning from allocations: the forest's probability for the pathway,
//!   by TreeSHAP (the base is the forest's average over its training data).
//! - Pathway fit: the pathway's logistic chance of success, by enumerating
//!   every subset of features, with unknown features at the average of the
//!   referrals that took the pathway (the base). Above
//!   [`LOGIT_SHAP_MAX_PLAYERS`] features that is too many subsets, and the
//!   reasons fall back to the forest; [`Explanation::measure`] says which.
//!
//! "What would change it" searches the smallest change to one feature, then
//! to two, among features that can change (never protected ones), after
//! which the alternative pathway leads.

use serde::{Deserialize, Serialize};

use super::encode::Encoding;
use super::explainer::{ExplainScratch, Explainer};
use super::shap::{logit_shap, tree_shap_class, LOGIT_SHAP_MAX_PLAYERS};
use super::train::{Mode, ModelError, TrainedModel};
use crate::import::is_protected_name;

/// One feature's contribution to the suggested pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub value: Option<String>,
    /// Contribution in percentage points of probability (+ toward, - away).
    pub points: f64,
    /// "housing stable = no: +18 points toward Crisis intervention".
    pub words: String,
}

/// What the reasons explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// The forest's probability that the pathway is the one allocated.
    #[default]
    Allocation,
    /// The pathway's chance of success (pathway-fit mode).
    Success,
}

/// All contributions for one pathway, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub pathway: String,
    #[serde(default)]
    pub measure: Measure,
    /// The value with nothing known about the referral.
    pub base: f64,
    /// The value for this referral (= base + sum of points / 100).
    pub probability: f64,
    pub reasons: Vec<Reason>,
}

/// One changed input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub feature: String,
    pub from: Option<String>,
    pub to: String,
}

/// The smallest change found that makes `target` the suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counterfactual {
    pub target: String,
    pub changes: Vec<Change>,
    pub words: String,
}

fn plain(name: &str) -> String {
    name.replace('_', " ")
}

fn value_of(inputs: &[(String, Option<String>)], feature: &str) -> Option<String> {
    inputs
        .iter()
        .find(|(name, _)| name == feature)
        .and_then(|(_, v)| v.clone())
}

impl TrainedModel {
    /// Exact Shapley reasons for `pathway` (one of the model's pathways).
    pub fn explain(
        &self,
        inputs: &[(String, Option<String>)],
        pathway: &str,
    ) -> Result<Explanation, ModelError> {
        self.explain_top(inputs, pathway, None, usize::MAX)
    }

    /// [`TrainedModel::explain`] keeping only the `top` largest reasons
    /// (the probability still sums them all), by `explainer` when given:
    /// what a batch does, with one [`Explainer`] (and its scratch) built
    /// from `self.forest` and shared by every row.
    pub fn explain_top(
        &self,
        inputs: &[(String, Option<String>)],
        pathway: &str,
        explainer: Option<(&Explainer, &mut ExplainScratch)>,
        top: usize,
    ) -> Result<Explanation, ModelError> {
        let class = self
            .pathways
            .iter()
            .position(|p| p == pathway)
            .ok_or_else(|| ModelError::Incompatible(format!("it has no pathway \"{pathway}\"")))?;
        let (row, _) = self.encoder.encode_values(inputs);
        let n_features = self.encoder.features.len();
        // Sums the encoded columns' values back into their source features.
        let by_feature = |columns: &[f64]| {
            let mut per_feature = vec![0.0; n_features];
            for (col_idx, &value) in columns.iter().enumerate() {
                if let Some(slot) = self
                    .encoder
                    .column_source
                    .get(col_idx)
                    .and_then(|&source| per_feature.get_mut(source))
                {
                    *slot += value;
                }
            }
            per_feature
        };
        let success = match self.fit_learners.get(class) {
            Some(learner) if self.mode == Mode::Fit && n_features <= LOGIT_SHAP_MAX_PLAYERS => {
                let (intercept, terms) = learner.terms(&row);
                logit_shap(intercept, &by_feature(&terms))
            }
            _ => None,
        };
        let (measure, base, per_feature) = match success {
            Some((base, values)) => (Measure::Success, base, values),
            None => {
                let shap = match explainer {
                    Some((explainer, scratch)) => explainer.class_shap(&row, class, scratch),
                    None => tree_shap_class(&self.forest, &row, class),
                };
                (Measure::Allocation, shap.base, by_feature(&shap.values))
            }
        };
        // "+18 points toward Crisis intervention", "6 points away from
        // Peer support group", "-4 points on the chance of success with ...".
        let size_and_direction = |points: f64| match measure {
            Measure::Allocation if points >= 0.0 => format!("{points:+.0} points toward {pathway}"),
            Measure::Allocation => format!("{:.0} points away from {pathway}", -points),
            Measure::Success => {
                format!("{points:+.0} points on the chance of success with {pathway}")
            }
        };
        // Largest first (ties by name); words only for the reasons kept.
        let features = &self.encoder.features;
        let mut order: Vec<(usize, f64)> = per_feature
            .iter()
            .take(features.len())
            .map(|contribution| contribution * 100.0)
            .enumerate()
            .collect();
        order.sort_by(|(a, pa), (b, pb)| {
            pb.abs()
                .total_cmp(&pa.abs())
                .then(features[*a].name.cmp(&features[*b].name))
        });
        let probability = base + order.iter().map(|(_, points)| points / 100.0).sum::<f64>();
        let reasons: Vec<Reason> = order
            .into_iter()
            .take(top)
            .map(|(feature_idx, points)| {
                let feature = &features[feature_idx];
                let value = value_of(inputs, &feature.name);
                let shown = value.as_deref().unwrap_or("missing");
                Reason {
                    words: format!(
                        "{} = {shown}: {}",
                        plain(&feature.name),
                        size_and_direction(points)
                    ),
                    feature: feature.name.clone(),
                    value,
                    points,
                }
            })
            .collect();
        Ok(Explanation {
            pathway: pathway.to_string(),
            measure,
            base,
            probability,
            reasons,
        })
    }

    /// Candidate values for a feature, each with the size of the change.
    fn candidates(&self, feature_idx: usize, current: Option<&str>) -> Vec<(String, f64)> {
        let Some(feature) = self.encoder.features.get(feature_idx) else {
            return Vec::new();
        };
        match &feature.encoding {
            Encoding::Binary { one, zero, .. } => [Some(one.clone()), zero.clone()]
                .into_iter()
                .flatten()
                .filter(|v| current.is_none_or(|c| !c.eq_ignore_ascii_case(v)))
                .map(|v| (v, 1.0))
                .collect(),
            Encoding::OneHot { levels } => levels
                .iter()
                .filter(|l| current != Some(l.as_str()))
                .map(|l| (l.clone(), 1.0))
                .collect(),
            Encoding::Number { min, max, date, .. } => {
                if *date || max.partial_cmp(min) != Some(std::cmp::Ordering::Greater) {
                    return Vec::new();
                }
                let now = current.and_then(|c| c.trim().parse::<f64>().ok());
                let span = max - min;
                let steps: Vec<f64> = if span <= 20.0 && min.fract() == 0.0 && max.fract() == 0.0 {
                    (0..=span as usize).map(|i| min + i as f64).collect()
                } else {
                    (0..=10).map(|i| min + span * i as f64 / 10.0).collect()
                };
                steps
                    .into_iter()
                    .filter(|v| now.is_none_or(|n| (n - v).abs() > 1e-9))
                    .map(|v| {
                        let size = now.map_or(1.0, |n| (n - v).abs() / span);
                        let text = if v.fract() == 0.0 {
                            format!("{v:.0}")
                        } else {
                            format!("{v:.2}")
                        };
                        (text, size)
                    })
                    .collect()
            }
        }
    }

    /// The smallest change to one or two changeable features after which
    /// `target` is suggested; `None` when no such change was found.
    pub fn counterfactual(
        &self,
        inputs: &[(String, Option<String>)],
        target: &str,
    ) -> Option<Counterfactual> {
        let leads = |changed: &[(String, Option<String>)]| {
            self.suggest(changed).is_ok_and(|s| s.top == target)
        };
        let changeable: Vec<usize> = (0..self.encoder.features.len())
            .filter(|&i| !is_protected_name(&self.encoder.features[i].name))
            .collect();
        let with = |base: &[(String, Option<String>)], feature: &str, value: &str| {
            let mut changed: Vec<(String, Option<String>)> =
                base.iter().filter(|(n, _)| n != feature).cloned().collect();
            changed.push((feature.to_string(), Some(value.to_string())));
            changed
        };
        let describe = |changes: Vec<Change>| {
            let parts: Vec<String> = changes
                .iter()
                .map(|c| format!("{} were {}", plain(&c.feature), c.to))
                .collect();
            Counterfactual {
                target: target.to_string(),
                words: format!("{target} would lead if {}", parts.join(" and ")),
                changes,
            }
        };
        // One feature: the smallest change that works.
        let mut best: Option<(f64, Change)> = None;
        for &f in &changeable {
            let name = &self.encoder.features[f].name;
            let current = value_of(inputs, name);
            for (value, size) in self.candidates(f, current.as_deref()) {
                if best.as_ref().is_some_and(|(s, _)| *s <= size) {
                    continue;
                }
                if leads(&with(inputs, name, &value)) {
                    best = Some((
                        size,
                        Change {
                            feature: name.clone(),
                            from: current.clone(),
                            to: value,
                        },
                    ));
                }
            }
        }
        if let Some((_, change)) = best {
            return Some(describe(vec![change]));
        }
        // Two features: bounded search over pairs.
        let mut best_pair: Option<(f64, Vec<Change>)> = None;
        for (i, &f) in changeable.iter().enumerate() {
            for &g in &changeable[i + 1..] {
                let (nf, ng) = (
                    &self.encoder.features[f].name,
                    &self.encoder.features[g].name,
                );
                let (cf, cg) = (value_of(inputs, nf), value_of(inputs, ng));
                for (vf, sf) in self.candidates(f, cf.as_deref()) {
                    let once = with(inputs, nf, &vf);
                    for (vg, sg) in self.candidates(g, cg.as_deref()) {
                        let size = sf + sg;
                        if best_pair.as_ref().is_some_and(|(s, _)| *s <= size) {
                            continue;
                        }
                        if leads(&with(&once, ng, &vg)) {
                            best_pair = Some((
                                size,
                                vec![
                                    Change {
                                        feature: nf.clone(),
                                        from: cf.clone(),
                                        to: vf.clone(),
                                    },
                                    Change {
                                        feature: ng.clone(),
                                        from: cg.clone(),
                                        to: vg,
                                    },
                                ],
                            ));
                        }
                    }
                }
            }
        }
        best_pair.map(|(_, changes)| describe(changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::train::demo_model;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn model() -> &'static TrainedModel {
        static MODEL: OnceLock<TrainedModel> = OnceLock::new();
        MODEL.get_or_init(|| demo_model(600, 7, 30, Mode::Allocations))
    }

    fn referral(values: &[u32]) -> Vec<(String, Option<String>)> {
        let yes_no = |v: u32| if v.is_multiple_of(2) { "no" } else { "yes" }.to_string();
        let names = [
            "risk_level",
            "housing_stable",
            "support_network_strength",
            "previous_service_completion",
            "mental_health_needs",
            "substance_use_needs",
            "employment_needs",
            "crisis_indicators",
            "ready_for_group_work",
            "months_since_last_service",
        ];
        names
            .iter()
            .zip(values)
            .map(|(name, &v)| {
                let value = match *name {
                    "risk_level" | "support_network_strength" => (1 + v % 5).to_string(),
                    "months_since_last_service" => (v % 40).to_string(),
                    _ => yes_no(v),
                };
                (name.to_string(), Some(value))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn reasons_add_up_to_the_forest_probability(values in proptest::collection::vec(0u32..100, 10)) {
            let m = model();
            let inputs = referral(&values);
            let (row, _) = m.encoder.encode_values(&inputs);
            let raw = m.forest.predict_proba(&row);
            for (class, pathway) in m.pathways.iter().enumerate() {
                let e = m.explain(&inputs, pathway).unwrap();
                let total = e.base + e.reasons.iter().map(|r| r.points / 100.0).sum::<f64>();
                prop_assert!((total - raw[class]).abs() < 1e-9, "{} vs {}", total, raw[class]);
            }
        }
    }

    #[test]
    fn in_fit_mode_reasons_explain_the_chance_of_success() {
        let m = demo_model(600, 7, 10, Mode::Fit);
        assert_eq!(m.mode, Mode::Fit);
        for seed in 0..6u32 {
            let values: Vec<u32> = (0..10).map(|i| (seed * 11 + i * 17) % 89).collect();
            let inputs = referral(&values);
            let suggestion = m.suggest(&inputs).unwrap();
            let e = m.explain(&inputs, &suggestion.top).unwrap();
            assert_eq!(e.measure, Measure::Success);
            let class = m
                .pathways
                .iter()
                .position(|p| *p == suggestion.top)
                .unwrap();
            let (row, _) = m.encoder.encode_values(&inputs);
            let chance = m.fit_learners[class].predict(&row);
            let total = e.base + e.reasons.iter().map(|r| r.points / 100.0).sum::<f64>();
            assert!((total - chance).abs() < 1e-9, "{total} vs {chance}");
            assert!((e.probability - chance).abs() < 1e-9);
            assert!(
                e.reasons[0].words.contains("chance of success with"),
                "{}",
                e.reasons[0].words
            );
        }
    }

    #[test]
    fn reasons_are_sorted_and_say_their_direction() {
        let m = model();
        let inputs = referral(&[4, 0, 0, 0, 1, 1, 0, 1, 0, 3]);
        let top = m.suggest(&inputs).unwrap().top;
        let e = m.explain(&inputs, &top).unwrap();
        assert_eq!(e.reasons.len(), m.encoder.features.len());
        for pair in e.reasons.windows(2) {
            assert!(pair[0].points.abs() >= pair[1].points.abs());
        }
        let first = &e.reasons[0];
        let word = if first.points >= 0.0 {
            "toward"
        } else {
            "away from"
        };
        assert!(first.words.contains(word), "{}", first.words);
        assert!(m.explain(&inputs, "No such pathway").is_err());
    }

    #[test]
    fn the_counterfactual_really_makes_the_alternative_lead() {
        let m = model();
        let mut found = 0;
        for seed in 0..12u32 {
            let values: Vec<u32> = (0..10).map(|i| (seed * 7 + i * 13) % 97).collect();
            let inputs = referral(&values);
            let suggestion = m.suggest(&inputs).unwrap();
            let Some(alternative) = suggestion.alternative.clone() else {
                continue;
            };
            if let Some(cf) = m.counterfactual(&inputs, &alternative) {
                found += 1;
                assert!(!cf.changes.is_empty() && cf.changes.len() <= 2);
                let mut changed = inputs.clone();
                for change in &cf.changes {
                    assert!(!is_protected_name(&change.feature));
                    changed.retain(|(n, _)| n != &change.feature);
                    changed.push((change.feature.clone(), Some(change.to.clone())));
                }
                assert_eq!(
                    m.suggest(&changed).unwrap().top,
                    alternative,
                    "{}",
                    cf.words
                );
                assert!(cf.words.starts_with(&alternative));
            }
        }
        assert!(
            found >= 6,
            "a counterfactual was found for only {found} of 12 referrals"
        );
    }
}
