//! Model versions: every training keeps a version in the workspace (the
//! model with its card, report and audit, a fingerprint and row count of the
//! data it learned from, and the date), and any two versions can be compared
//! side by side on the same referrals: the rows both held out, and the
//! decisions recorded since the older one that neither learned from.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::stats::{self, pct};
use crate::decisions::DecisionRecord;
use crate::import::Dataset;
use crate::model::explain::Measure;
use crate::model::train::{success_flags, Estimate, TrainedModel};

/// One trained model kept in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// 1, 2, 3… in the order trained.
    pub number: u32,
    /// The name decision records give the model (`version_key`).
    pub key: String,
    pub date: String,
    /// SHA-256 (hex) of the training data's first `n_rows` rows and roles.
    pub data_fingerprint: String,
    pub n_rows: usize,
    /// How it came about ("trained on demo (seed 42)", "retrained with 12 new outcomes").
    pub origin: String,
    /// Decisions whose outcomes were added to its training data.
    #[serde(default)]
    pub decisions_learned: Vec<u64>,
    pub model: TrainedModel,
}

/// The name a decision record gives the model that suggested it.
pub fn version_key(model: &TrainedModel) -> String {
    format!(
        "{} ({} mode, fingerprint {:016x})",
        model.card.date,
        model.mode.name(),
        model.forest.fingerprint()
    )
}

/// SHA-256 of the first `n_rows` rows of `dataset` (names, roles, cells and
/// success rule): the same rows give the same fingerprint however many rows
/// were appended after them.
pub fn data_fingerprint(dataset: &Dataset, n_rows: usize) -> String {
    let mut hasher = Sha256::new();
    let n = n_rows.min(dataset.n_rows);
    hasher.update(n.to_le_bytes());
    for column in &dataset.columns {
        hasher.update(column.name.as_bytes());
        hasher.update([0xff]);
        hasher.update(format!("{:?}", column.role).as_bytes());
        for cell in column.cells.iter().take(n) {
            match cell {
                Some(v) => {
                    hasher.update([1]);
                    hasher.update(v.as_bytes());
                    hasher.update([0]);
                }
                None => hasher.update([2]),
            }
        }
    }
    hasher.update(format!("{:?}", dataset.success_rule).as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds a version for `model` trained on `dataset`; returns its number.
pub fn add_version(
    versions: &mut Vec<ModelVersion>,
    model: TrainedModel,
    dataset: &Dataset,
    origin: String,
    decisions_learned: Vec<u64>,
) -> u32 {
    let number = versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
    versions.push(ModelVersion {
        number,
        key: version_key(&model),
        date: model.card.date.clone(),
        data_fingerprint: data_fingerprint(dataset, dataset.n_rows),
        n_rows: dataset.n_rows,
        origin,
        decisions_learned,
        model,
    });
    number
}

/// Whether a version learned from the first rows of `dataset` (the rows it
/// saw are still there, unchanged, at the same places).
pub fn trained_on_prefix(version: &ModelVersion, dataset: &Dataset) -> bool {
    version.n_rows <= dataset.n_rows
        && data_fingerprint(dataset, version.n_rows) == version.data_fingerprint
}

/// One version's figures on a set of referrals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Referrals whose pathway worked (the ones a suggestion can be right on).
    pub n: usize,
    /// Share whose suggestion was the pathway that worked.
    pub accuracy: Option<Estimate>,
    pub balanced_accuracy: Option<f64>,
    /// Per pathway: (pathway, recall, people whose pathway it was).
    pub recall: Vec<(String, Option<f64>, usize)>,
    /// Mean stated confidence of the suggestion (`None` for a pathway-fit
    /// model, which states a chance of success, not a confidence).
    pub stated_confidence: Option<f64>,
    /// Referrals the model could not score (no value for any of its features).
    pub not_scored: usize,
}

/// Two versions side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub older: u32,
    pub newer: u32,
    /// Rows of the current data both versions held out.
    pub held_out_rows: usize,
    pub held_out: [Figures; 2],
    /// Decisions with an outcome recorded since the older version that
    /// neither version learned from.
    pub decisions: usize,
    pub on_decisions: [Figures; 2],
    /// Each version's fairness flags on the model (from its own audit).
    pub audit_flags: [usize; 2],
    pub notes: Vec<String>,
}

/// A referral to score and the pathway that worked on it.
type Case = (Vec<(String, Option<String>)>, String);

fn figures(model: &TrainedModel, cases: &[Case]) -> Figures {
    let pathways = &model.pathways;
    let mut hits = 0;
    let mut stated = 0.0;
    let mut scored = 0;
    let mut confident = 0;
    let mut per = vec![(0usize, 0usize); pathways.len()];
    for (inputs, worked) in cases {
        let Ok(s) = model.suggest(inputs) else {
            continue;
        };
        scored += 1;
        if s.measure == Measure::Allocation {
            stated += s.top_score().unwrap_or(0.0);
            confident += 1;
        }
        let right = &s.top == worked;
        hits += usize::from(right);
        if let Some(k) = pathways.iter().position(|p| p == worked) {
            per[k].1 += 1;
            per[k].0 += usize::from(right);
        }
    }
    let recall: Vec<(String, Option<f64>, usize)> = pathways
        .iter()
        .zip(&per)
        .map(|(p, &(h, m))| (p.clone(), (m > 0).then(|| h as f64 / m as f64), m))
        .collect();
    let present: Vec<f64> = recall.iter().filter_map(|r| r.1).collect();
    Figures {
        n: scored,
        accuracy: stats::wilson(hits, scored),
        balanced_accuracy: (!present.is_empty())
            .then(|| present.iter().sum::<f64>() / present.len() as f64),
        recall,
        stated_confidence: (confident > 0).then(|| stated / confident as f64),
        not_scored: cases.len() - scored,
    }
}

fn flags(model: &TrainedModel) -> usize {
    model
        .report
        .fairness
        .as_ref()
        .map_or(0, |a| a.columns.iter().map(|c| c.flags.len()).sum())
}

/// Compares versions `a` and `b` (either order) on the current data and
/// the decision log.
pub fn compare(
    a: &ModelVersion,
    b: &ModelVersion,
    dataset: &Dataset,
    decisions: &[DecisionRecord],
) -> Comparison {
    let (older, newer) = if a.number <= b.number { (a, b) } else { (b, a) };
    let mut notes = Vec::new();
    // Rows both held out, where both learned from a prefix of this data.
    let held_out = |v: &ModelVersion| -> Vec<usize> {
        v.model
            .report
            .out_of_fold
            .iter()
            .filter(|o| o.fold.is_none())
            .map(|o| o.row)
            .collect()
    };
    let mut rows: Vec<usize> = Vec::new();
    if trained_on_prefix(older, dataset) && trained_on_prefix(newer, dataset) {
        let newer_rows = held_out(newer);
        rows = held_out(older)
            .into_iter()
            .filter(|r| newer_rows.contains(r))
            .collect();
    } else {
        notes.push("The two versions were not trained on the data now loaded (or it was changed), so they are not compared on held-out rows.".into());
    }
    let success = success_flags(dataset).unwrap_or_default();
    let pathway_column = dataset
        .columns
        .iter()
        .find(|c| c.name == newer.model.pathway_column);
    let held_cases: Vec<Case> = rows
        .iter()
        .filter(|&&r| success.get(r).copied().flatten() == Some(true))
        .filter_map(|&r| {
            let worked = pathway_column?.cells.get(r)?.clone()?;
            Some((newer.model.inputs_of_row(dataset, r), worked))
        })
        .collect();
    let learned: Vec<u64> = older
        .decisions_learned
        .iter()
        .chain(&newer.decisions_learned)
        .copied()
        .collect();
    let since: Vec<&DecisionRecord> = decisions
        .iter()
        .filter(|d| d.time.as_str() >= older.date.as_str())
        .filter(|d| d.outcome_success.is_some() && !learned.contains(&d.id))
        .collect();
    let decision_cases: Vec<Case> = since
        .iter()
        .filter(|d| d.outcome_success == Some(true))
        .map(|d| (d.inputs.clone(), d.decided.clone()))
        .collect();
    if since.is_empty() {
        notes.push("No decision with an outcome has been recorded since the older version that neither version learned from.".into());
    }
    Comparison {
        older: older.number,
        newer: newer.number,
        held_out_rows: rows.len(),
        held_out: [
            figures(&older.model, &held_cases),
            figures(&newer.model, &held_cases),
        ],
        decisions: since.len(),
        on_decisions: [
            figures(&older.model, &decision_cases),
            figures(&newer.model, &decision_cases),
        ],
        audit_flags: [flags(&older.model), flags(&newer.model)],
        notes,
    }
}

impl Comparison {
    /// The comparison in one sentence.
    pub fn sentence(&self) -> String {
        let acc = |f: &Figures| {
            f.accuracy
                .as_ref()
                .map_or("–".to_string(), |e| pct(e.value))
        };
        format!(
            "On {} successful referrals both versions held out, version {} suggests the pathway that worked for {} and version {} for {}; fairness flags: {} and {}.",
            self.held_out[0].n,
            self.older,
            acc(&self.held_out[0]),
            self.newer,
            acc(&self.held_out[1]),
            self.audit_flags[0],
            self.audit_flags[1]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::train::{demo_model, Mode};

    #[test]
    fn fingerprint_of_a_prefix_survives_appended_rows() {
        let data = crate::demo::referrals(&crate::demo::DemoOptions {
            rows: 50,
            ..Default::default()
        });
        let mut longer = data.clone();
        for column in &mut longer.columns {
            let first = column.cells.first().cloned().flatten();
            column.cells.push(first);
        }
        longer.n_rows += 1;
        assert_eq!(data_fingerprint(&data, 50), data_fingerprint(&longer, 50));
        assert_ne!(data_fingerprint(&data, 50), data_fingerprint(&longer, 51));
        let mut edited = data.clone();
        edited.columns[1].cells[3] = Some("5".into());
        edited.columns[1].cells[4] = Some("5".into());
        assert_ne!(data_fingerprint(&data, 50), data_fingerprint(&edited, 50));
    }

    #[test]
    fn versions_number_in_order_and_compare_on_shared_held_out_rows() {
        let data = crate::demo::referrals(&crate::demo::DemoOptions {
            rows: 400,
            ..Default::default()
        });
        let mut versions = Vec::new();
        let m1 = demo_model(400, 42, 10, Mode::Allocations);
        let m2 = demo_model(400, 42, 20, Mode::Allocations);
        assert_eq!(
            add_version(&mut versions, m1, &data, "first".into(), vec![]),
            1
        );
        assert_eq!(
            add_version(&mut versions, m2, &data, "second".into(), vec![]),
            2
        );
        assert_eq!(versions[0].key, version_key(&versions[0].model));
        let c = compare(&versions[1], &versions[0], &data, &[]);
        assert_eq!((c.older, c.newer), (1, 2));
        // Same seed and data: the same held-out rows.
        let held = versions[0].model.report.n_holdout;
        assert_eq!(c.held_out_rows, held);
        assert!(c.held_out[0].n > 0 && c.held_out[0].n == c.held_out[1].n);
        assert!(c.notes.iter().any(|n| n.contains("No decision")));
        assert!(c.sentence().contains("version 1"));
    }
}
