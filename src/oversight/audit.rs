//! The fairness audit: for every protected column (and pairs of them where
//! groups are large enough), how the model's suggestions and its errors fall
//! on each group, from out-of-fold predictions only (never a row the
//! predicting models saw), and the same comparison for history itself.
//!
//! Per group: the number of referrals; how often each pathway is suggested
//! (selection rate); among people whose pathway worked, how often that
//! pathway is suggested (recall), and their mean (balanced accuracy);
//! calibration (mean stated confidence against how often the suggestion was
//! the pathway that worked); and, with outcomes, the success expected if the
//! suggestions were followed (the rows' doubly robust terms, averaged).
//! Shares carry Wilson 95% intervals; differences Newcombe's hybrid score
//! interval; means a normal interval.
//!
//! A gap is flagged only when it is material and unlikely to be chance: the
//! lowest group's selection rate under four-fifths of the highest's, or a
//! recall or balanced-accuracy gap over 10 points, AND the 95% interval of
//! the difference excluding zero. Only the lowest and highest judged groups
//! are compared, once per pathway and measure; as they are picked after
//! looking and an audit makes many comparisons, the interval is
//! simultaneous over every pair of groups in every comparison of the audit
//! (Bonferroni, the model's and history's comparisons each one family), so
//! chance alone flags anything in at most 5% of audits. Groups under `MIN_GROUP`
//! referrals are shown but not judged; a recall needs `MIN_WORKED` people
//! whose pathway worked in a group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::stats;

mod flags;
use crate::import::Dataset;
use crate::model::train::{Estimate, OutOfFold, TrainedModel};
use flags::flag_all;

/// Fewest referrals for a group to be judged.
pub const MIN_GROUP: usize = 30;
/// Fewest people whose pathway worked, in a group, for its recall to be judged.
pub const MIN_WORKED: usize = 10;
/// The four-fifths rule: a selection rate under this share of the highest is material.
pub const FOUR_FIFTHS: f64 = 0.8;
/// A recall or balanced-accuracy gap over this is material.
pub const MATERIAL_GAP: f64 = 0.10;
/// Columns with more distinct values than this are not audited (they are
/// not group labels: an identifier or a number marked protected by mistake).
pub const MAX_GROUPS: usize = 40;

/// The audit of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FairnessAudit {
    /// Pairs of groups compared on the model, and on history: each family's
    /// intervals are simultaneous over its comparisons.
    pub model_comparisons: usize,
    pub history_comparisons: usize,
    pub min_group: usize,
    pub min_worked: usize,
    /// Referrals audited (the usable rows, all predicted out of fold).
    pub n_rows: usize,
    pub pathways: Vec<String>,
    /// Whether outcomes were recorded (otherwise every row counts as a
    /// success and the expected success is not given).
    pub has_outcomes: bool,
    pub method: String,
    /// One per audited column, then one per pair of columns.
    pub columns: Vec<ColumnAudit>,
}

/// The audit over one column or one pair of columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnAudit {
    /// The column, or "a × b" for a pair.
    pub column: String,
    pub sources: Vec<String>,
    pub groups: Vec<GroupFigures>,
    pub flags: Vec<Flag>,
    /// What history did for the same groups.
    pub history: Vec<HistoryFigures>,
    pub history_flags: Vec<Flag>,
    /// Why the column was not audited, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The model's figures for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub group: String,
    pub n: usize,
    /// At least `MIN_GROUP` referrals: compared with the other groups.
    pub judged: bool,
    /// Share of the group's referrals suggested each pathway.
    pub selection_rate: BTreeMap<String, Estimate>,
    /// Per pathway, among the group's people whose pathway (allocated) worked:
    /// the share suggested it. Absent when nobody's did.
    pub recall: BTreeMap<String, Estimate>,
    /// Recall's denominators: people whose pathway worked, per pathway.
    pub worked: BTreeMap<String, usize>,
    /// Mean recall over the pathways in `recall`.
    pub balanced_accuracy: Option<Estimate>,
    pub calibration: Option<Calibration>,
    /// Success expected if the suggestions were followed (with outcomes).
    pub expected_success: Option<Estimate>,
}

/// Stated confidence against how often it was right, over the group's
/// people whose pathway worked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Mean calibrated probability of the suggested pathway.
    pub stated: f64,
    /// Share whose suggestion was the pathway that worked.
    pub right: Estimate,
    pub n: usize,
}

/// What history did for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryFigures {
    pub group: String,
    pub n: usize,
    pub judged: bool,
    /// Share of the group's referrals allocated each pathway.
    pub allocation_rate: BTreeMap<String, Estimate>,
    /// Per pathway, the share of those allocated it for whom it worked.
    pub success_rate: BTreeMap<String, Estimate>,
    /// Share of all the group's referrals that worked.
    pub success: Option<Estimate>,
}

/// What a flag compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    SelectionRate,
    Recall,
    BalancedAccuracy,
    AllocationRate,
    SuccessRate,
}

/// A gap that is material and unlikely to be chance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub column: String,
    pub measure: Measure,
    pub pathway: Option<String>,
    pub low_group: String,
    pub high_group: String,
    pub low: Estimate,
    pub high: Estimate,
    pub low_n: usize,
    pub high_n: usize,
    /// `high - low` with its 95% interval, simultaneous over every
    /// comparison of its family (`comparisons`).
    pub difference: Estimate,
    /// Pairs of groups compared in the family (the model's or history's).
    pub comparisons: usize,
    pub sentence: String,
    /// For a flag on the model: whether history shows the same gap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<String>,
}

/// Audits the model's out-of-fold predictions over `columns` and keeps the
/// audit in its validation report and its flags on its model card.
pub fn attach(
    model: &mut TrainedModel,
    dataset: &Dataset,
    columns: &[String],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), AuditError> {
    let report = &model.report;
    let audit = audit(
        dataset,
        &report.pathways,
        &report.out_of_fold,
        columns,
        progress,
    )?;
    let mut card = vec![audit.summary()];
    card.extend(audit.sentences());
    model.card.fairness = card;
    model.report.fairness = Some(audit);
    Ok(())
}

impl FairnessAudit {
    /// Every flag on the model and on history, as sentences.
    pub fn sentences(&self) -> Vec<String> {
        self.columns
            .iter()
            .flat_map(|c| c.flags.iter().chain(&c.history_flags))
            .map(|f| match &f.history {
                Some(h) => format!("{} {h}", f.sentence),
                None => f.sentence.clone(),
            })
            .collect()
    }

    /// One sentence for the model card.
    pub fn summary(&self) -> String {
        let audited: Vec<&str> = self
            .columns
            .iter()
            .filter(|c| c.note.is_none())
            .map(|c| c.column.as_str())
            .collect();
        if audited.is_empty() {
            return "No protected column was audited.".into();
        }
        let model: usize = self.columns.iter().map(|c| c.flags.len()).sum();
        let history: usize = self.columns.iter().map(|c| c.history_flags.len()).sum();
        format!(
            "Fairness audit over {} on {} referrals predicted out of fold: {} on the model's suggestions, {} in history.",
            audited.join(", "),
            self.n_rows,
            count_of(model, "gap flagged"),
            count_of(history, "gap")
        )
    }
}

fn count_of(n: usize, what: &str) -> String {
    match n {
        0 => format!("no {what}"),
        1 => format!("1 {what}"),
        _ => format!("{n} {}", what.replacen("gap", "gaps", 1)),
    }
}

/// Why the audit could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuditError {
    #[error("there is no column called \"{0}\" to audit: check the name against the column names")]
    UnknownColumn(String),
}

/// One group's rows, by index into the out-of-fold list.
struct Grouping {
    column: String,
    sources: Vec<String>,
    labels: Vec<String>,
    members: Vec<Vec<usize>>,
}

fn group_label(parts: &[(&str, &str)]) -> String {
    parts
        .iter()
        .map(|(c, v)| format!("{c} \"{v}\""))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The value of `column` for each out-of-fold row ("(missing)" when empty).
fn values_of(
    dataset: &Dataset,
    column: &str,
    oof: &[OutOfFold],
) -> Result<Vec<String>, AuditError> {
    let col = dataset
        .column(column)
        .ok_or_else(|| AuditError::UnknownColumn(column.to_string()))?;
    Ok(oof
        .iter()
        .map(|o| {
            col.cells
                .get(o.row)
                .cloned()
                .flatten()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "(missing)".into())
        })
        .collect())
}

fn grouping(
    column: String,
    sources: Vec<String>,
    keys: Vec<String>,
    labels_of: &dyn Fn(&str) -> String,
) -> Grouping {
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.into_iter().enumerate() {
        index.entry(key).or_default().push(i);
    }
    let mut pairs: Vec<(String, Vec<usize>)> = index.into_iter().collect();
    // Largest groups first; the map already ordered equal sizes by name.
    pairs.sort_by_key(|p| std::cmp::Reverse(p.1.len()));
    Grouping {
        column,
        sources,
        labels: pairs.iter().map(|(k, _)| labels_of(k)).collect(),
        members: pairs.into_iter().map(|(_, m)| m).collect(),
    }
}

/// Audits `columns` (and their pairs) on the model's out-of-fold predictions.
/// `progress(done, total)` is called once per column and pair.
pub fn audit(
    dataset: &Dataset,
    pathways: &[String],
    oof: &[OutOfFold],
    columns: &[String],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<FairnessAudit, AuditError> {
    let has_outcomes = dataset.success_rule.is_some();
    let mut values = Vec::new();
    for column in columns {
        values.push(values_of(dataset, column, oof)?);
    }
    let n_pairs = columns.len() * columns.len().saturating_sub(1) / 2;
    let total = columns.len() + n_pairs;
    let mut done = 0;
    let mut out = Vec::new();
    for (c, column) in columns.iter().enumerate() {
        let g = grouping(
            column.clone(),
            vec![column.clone()],
            values[c].clone(),
            &|v| group_label(&[(column, v)]),
        );
        out.push(audit_grouping(&g, pathways, oof, has_outcomes));
        done += 1;
        progress(done, total);
    }
    for a in 0..columns.len() {
        for b in a + 1..columns.len() {
            let keys: Vec<String> = values[a]
                .iter()
                .zip(&values[b])
                .map(|(x, y)| format!("{x}\u{1f}{y}"))
                .collect();
            let (ca, cb) = (&columns[a], &columns[b]);
            let g = grouping(
                format!("{ca} × {cb}"),
                vec![ca.clone(), cb.clone()],
                keys,
                &|k| {
                    let (x, y) = k.split_once('\u{1f}').unwrap_or((k, ""));
                    group_label(&[(ca, x), (cb, y)])
                },
            );
            // A pair is audited only where at least two groups are large enough.
            let large = g.members.iter().filter(|m| m.len() >= MIN_GROUP).count();
            if large >= 2 {
                out.push(audit_grouping(&g, pathways, oof, has_outcomes));
            }
            done += 1;
            progress(done, total);
        }
    }
    let (model_comparisons, history_comparisons) = flag_all(&mut out, pathways);
    Ok(FairnessAudit {
        model_comparisons,
        history_comparisons,
        min_group: MIN_GROUP,
        min_worked: MIN_WORKED,
        n_rows: oof.len(),
        pathways: pathways.to_vec(),
        has_outcomes,
        method: format!(
            "Every figure is computed from predictions by models that did not see the referral (cross-validation folds, and the final model for held-out referrals). Intervals are 95%. Groups under {MIN_GROUP} referrals are shown but not judged; a recall is judged only with at least {MIN_WORKED} people whose pathway worked. A gap is flagged when the lowest group's selection rate is under four-fifths of the highest's, or a recall or balanced-accuracy gap exceeds {:.0} points, and the 95% interval of the difference excludes zero. That interval is simultaneous over every pair of groups the audit compares (Bonferroni; the model's comparisons and history's each form one family), because the lowest and highest groups are picked after looking and an audit makes many comparisons: chance alone flags anything in at most 5% of audits. \"The pathway that worked\" is the pathway allocated, for referrals whose outcome was a success.",
            MATERIAL_GAP * 100.0
        ),
        columns: out,
    })
}

fn audit_grouping(
    g: &Grouping,
    pathways: &[String],
    oof: &[OutOfFold],
    has_outcomes: bool,
) -> ColumnAudit {
    if g.members.len() > MAX_GROUPS {
        return ColumnAudit {
            column: g.column.clone(),
            sources: g.sources.clone(),
            groups: Vec::new(),
            flags: Vec::new(),
            history: Vec::new(),
            history_flags: Vec::new(),
            note: Some(format!(
                "\"{}\" has {} different values, more than the {MAX_GROUPS} groups an audit can compare: it looks like an identifier or a number; audit a grouped version of it (bands)",
                g.column,
                g.members.len()
            )),
        };
    }
    let groups: Vec<GroupFigures> = g
        .labels
        .iter()
        .zip(&g.members)
        .map(|(label, rows)| group_figures(label, rows, pathways, oof, has_outcomes))
        .collect();
    let history: Vec<HistoryFigures> = g
        .labels
        .iter()
        .zip(&g.members)
        .map(|(label, rows)| history_figures(label, rows, pathways, oof))
        .collect();
    ColumnAudit {
        column: g.column.clone(),
        sources: g.sources.clone(),
        groups,
        flags: Vec::new(),
        history,
        history_flags: Vec::new(),
        note: None,
    }
}

fn group_figures(
    label: &str,
    rows: &[usize],
    pathways: &[String],
    oof: &[OutOfFold],
    has_outcomes: bool,
) -> GroupFigures {
    let n = rows.len();
    let mut selection_rate = BTreeMap::new();
    let mut recall = BTreeMap::new();
    let mut worked = BTreeMap::new();
    let mut recall_values = Vec::new();
    for (k, pathway) in pathways.iter().enumerate() {
        let chosen = rows.iter().filter(|&&i| oof[i].suggested == k).count();
        if let Some(e) = stats::wilson(chosen, n) {
            selection_rate.insert(pathway.clone(), e);
        }
        let worked_k: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| oof[i].success && oof[i].taken == k)
            .collect();
        let hits = worked_k.iter().filter(|&&i| oof[i].suggested == k).count();
        if let Some(e) = stats::wilson(hits, worked_k.len()) {
            recall_values.push((e.value, worked_k.len()));
            recall.insert(pathway.clone(), e);
        }
        worked.insert(pathway.clone(), worked_k.len());
    }
    let balanced_accuracy = (!recall_values.is_empty()).then(|| {
        let k = recall_values.len() as f64;
        let value = recall_values.iter().map(|(r, _)| r).sum::<f64>() / k;
        let variance = recall_values
            .iter()
            .map(|(r, m)| r * (1.0 - r) / *m as f64)
            .sum::<f64>()
            / (k * k);
        stats::normal(value, variance.sqrt())
    });
    let successful: Vec<usize> = rows.iter().copied().filter(|&i| oof[i].success).collect();
    let calibration = stats::wilson(
        successful
            .iter()
            .filter(|&&i| oof[i].suggested == oof[i].taken)
            .count(),
        successful.len(),
    )
    .map(|right| Calibration {
        stated: successful
            .iter()
            .map(|&i| {
                oof[i]
                    .probabilities
                    .get(oof[i].suggested)
                    .copied()
                    .unwrap_or(0.0)
            })
            .sum::<f64>()
            / successful.len() as f64,
        right,
        n: successful.len(),
    });
    let expected_success = if has_outcomes {
        stats::mean(&rows.iter().map(|&i| oof[i].policy_term).collect::<Vec<_>>())
    } else {
        None
    };
    GroupFigures {
        group: label.to_string(),
        n,
        judged: n >= MIN_GROUP,
        selection_rate,
        recall,
        worked,
        balanced_accuracy,
        calibration,
        expected_success,
    }
}

fn history_figures(
    label: &str,
    rows: &[usize],
    pathways: &[String],
    oof: &[OutOfFold],
) -> HistoryFigures {
    let n = rows.len();
    let mut allocation_rate = BTreeMap::new();
    let mut success_rate = BTreeMap::new();
    for (k, pathway) in pathways.iter().enumerate() {
        let taken: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| oof[i].taken == k)
            .collect();
        if let Some(e) = stats::wilson(taken.len(), n) {
            allocation_rate.insert(pathway.clone(), e);
        }
        let worked = taken.iter().filter(|&&i| oof[i].success).count();
        if let Some(e) = stats::wilson(worked, taken.len()) {
            success_rate.insert(pathway.clone(), e);
        }
    }
    HistoryFigures {
        group: label.to_string(),
        n,
        judged: n >= MIN_GROUP,
        allocation_rate,
        success_rate,
        success: stats::wilson(rows.iter().filter(|&&i| oof[i].success).count(), n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Column, ColumnKind, Role};

    /// A dataset with one protected column and out-of-fold rows built by hand.
    fn fixture(groups: &[(&str, usize, usize, usize)]) -> (Dataset, Vec<OutOfFold>) {
        // (group, n, of whom pathway 0 worked, of those suggested pathway 0)
        let mut cells = Vec::new();
        let mut oof = Vec::new();
        for &(name, n, worked0, hit0) in groups {
            for j in 0..n {
                let row = cells.len();
                cells.push(Some(name.to_string()));
                let (taken, success, suggested) = if j < worked0 {
                    (0, true, if j < hit0 { 0 } else { 1 })
                } else {
                    (1, true, 1)
                };
                oof.push(OutOfFold {
                    row,
                    fold: Some(0),
                    taken,
                    success,
                    suggested,
                    probabilities: vec![0.6, 0.4],
                    policy_term: 0.5,
                });
            }
        }
        let dataset = Dataset {
            source: "test".into(),
            n_rows: cells.len(),
            columns: vec![Column {
                name: "sex".into(),
                kind: ColumnKind::Categorical,
                role: Role::Protected,
                cells,
            }],
            success_rule: None,
        };
        (dataset, oof)
    }

    fn run(groups: &[(&str, usize, usize, usize)]) -> FairnessAudit {
        let (dataset, oof) = fixture(groups);
        audit(
            &dataset,
            &["A".into(), "B".into()],
            &oof,
            &["sex".into()],
            &mut |_, _| {},
        )
        .unwrap()
    }

    #[test]
    fn hand_counted_figures() {
        let a = run(&[("F", 100, 50, 20), ("M", 100, 50, 45)]);
        let f = &a.columns[0]
            .groups
            .iter()
            .find(|g| g.group == "sex \"F\"")
            .unwrap();
        assert_eq!(f.n, 100);
        assert_eq!(f.selection_rate["A"].value, 0.2);
        assert_eq!(f.selection_rate["B"].value, 0.8);
        assert_eq!(f.recall["A"].value, 0.4);
        assert_eq!(f.recall["B"].value, 1.0);
        assert_eq!(f.worked["A"], 50);
        assert_eq!(f.balanced_accuracy.as_ref().unwrap().value, 0.7);
        let cal = f.calibration.as_ref().unwrap();
        assert_eq!(cal.n, 100);
        assert!((cal.right.value - 0.7).abs() < 1e-12);
        // Every row a success: no outcomes, so no expected success.
        assert!(!a.has_outcomes);
        assert!(f.expected_success.is_none());
    }

    #[test]
    fn a_large_gap_is_flagged_with_groups_pathway_and_size() {
        let a = run(&[("F", 100, 50, 20), ("M", 100, 50, 45)]);
        let flags = &a.columns[0].flags;
        let recall = flags
            .iter()
            .find(|f| f.measure == Measure::Recall)
            .expect("a recall flag");
        assert_eq!(recall.pathway.as_deref(), Some("A"));
        assert_eq!(recall.low_group, "sex \"F\"");
        assert_eq!(recall.high_group, "sex \"M\"");
        assert!(
            recall.sentence.contains("among people whose A worked"),
            "{}",
            recall.sentence
        );
        assert!(
            recall.sentence.contains("44% as often"),
            "{}",
            recall.sentence
        );
        assert!(
            recall.sentence.contains("50 and 50 such people"),
            "{}",
            recall.sentence
        );
        // Selection of A: 20% against 45%, under four-fifths.
        assert!(flags
            .iter()
            .any(|f| f.measure == Measure::SelectionRate && f.pathway.as_deref() == Some("A")));
        // History allocated A equally: the model adds the gap.
        assert!(recall.history.as_deref().unwrap().contains("adds it"));
    }

    #[test]
    fn equal_groups_and_small_groups_are_not_flagged() {
        let a = run(&[("F", 100, 50, 40), ("M", 100, 50, 41), ("X", 12, 12, 0)]);
        assert!(a.columns[0].flags.is_empty(), "{:?}", a.columns[0].flags);
        let x = a.columns[0]
            .groups
            .iter()
            .find(|g| g.group == "sex \"X\"")
            .unwrap();
        assert!(!x.judged);
        assert_eq!(x.recall["A"].value, 0.0);
    }

    #[test]
    fn a_material_gap_that_could_be_chance_is_not_flagged() {
        // 6/15 against 12/15: a 40-point gap on small numbers; interval includes zero?
        let a = run(&[("F", 40, 10, 4), ("M", 40, 10, 8)]);
        let d = stats::difference(
            &stats::wilson(8, 10).unwrap(),
            &stats::wilson(4, 10).unwrap(),
        );
        assert!(!stats::excludes_zero(&d));
        assert!(!a.columns[0]
            .flags
            .iter()
            .any(|f| f.measure == Measure::Recall));
    }

    #[test]
    fn unknown_column_and_too_many_groups() {
        let (dataset, oof) = fixture(&[("F", 10, 5, 5)]);
        let err = audit(
            &dataset,
            &["A".into(), "B".into()],
            &oof,
            &["age".into()],
            &mut |_, _| {},
        );
        assert_eq!(err, Err(AuditError::UnknownColumn("age".into())));
        let many: Vec<(String, usize, usize, usize)> =
            (0..50).map(|i| (format!("g{i}"), 2, 1, 1)).collect();
        let many: Vec<(&str, usize, usize, usize)> = many
            .iter()
            .map(|(g, a, b, c)| (g.as_str(), *a, *b, *c))
            .collect();
        let a = run(&many);
        assert!(a.columns[0]
            .note
            .as_deref()
            .unwrap()
            .contains("50 different values"));
        assert!(a.columns[0].groups.is_empty());
    }
}
