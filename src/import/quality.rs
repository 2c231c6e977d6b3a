//! The data-quality report over a typed [`Dataset`]: missing values,
//! inconsistent spellings, constant columns, duplicate ids, rows and success
//! per pathway, pathways with too few rows, and leakage suspects. Every
//! finding carries a plain-English message that says what to do.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::infer::normalise_value;
use super::{Column, ColumnKind, Dataset, Role};

/// Pathways with fewer rows than this are too small to learn from.
pub const MIN_ROWS_PER_PATHWAY: usize = 10;
/// A column predicting the pathway or the outcome at least this well alone is suspect.
pub const LEAKAGE_ACCURACY: f64 = 0.99;
/// Leakage needs at least this many rows with both values known to mean anything.
const MIN_ROWS_FOR_LEAKAGE: usize = 20;
/// At most this many duplicated ids are listed per column.
const MAX_DUPLICATES_LISTED: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    pub source: String,
    pub n_rows: usize,
    pub n_columns: usize,
    /// One entry per column, in column order.
    pub missing: Vec<MissingShare>,
    pub inconsistent_spellings: Vec<InconsistentSpelling>,
    pub constant_columns: Vec<ConstantColumn>,
    pub duplicate_ids: Vec<DuplicateId>,
    /// Rows (and success) per pathway, largest first; empty without a pathway column.
    pub pathways: Vec<PathwayCount>,
    pub small_pathways: Vec<SmallPathway>,
    pub leakage: Vec<LeakageSuspect>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingShare {
    pub column: String,
    pub n_missing: usize,
    /// Share of rows missing, 0 to 1.
    pub share: f64,
    /// Empty when nothing is missing.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantCount {
    pub value: String,
    pub count: usize,
}

/// Spellings that mean the same category (`Yes`, `yes`, `Y`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpellingGroup {
    /// The common form they normalise to.
    pub normalised: String,
    /// Most frequent first.
    pub variants: Vec<VariantCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InconsistentSpelling {
    pub column: String,
    pub groups: Vec<SpellingGroup>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstantColumn {
    pub column: String,
    /// The one value; `None` when every cell is missing.
    pub value: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateId {
    pub column: String,
    pub value: String,
    /// Rows as a spreadsheet numbers them (header = 1).
    pub rows: Vec<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayCount {
    pub pathway: String,
    pub n_rows: usize,
    /// Rows whose success is known under the success rule.
    pub n_known: usize,
    pub n_success: usize,
    /// `n_success / n_known`; `None` without a rule or known outcomes.
    pub success_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallPathway {
    pub pathway: String,
    pub n_rows: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageSuspect {
    pub column: String,
    /// What it predicts: the pathway column's name, or `success`.
    pub target: String,
    /// Share of rows the column's majority class per value gets right.
    pub accuracy: f64,
    pub message: String,
}

impl QualityReport {
    /// Every finding's message, in report order (missing values only where some are).
    pub fn messages(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        out.extend(
            self.missing
                .iter()
                .filter(|m| m.n_missing > 0)
                .map(|m| m.message.clone()),
        );
        out.extend(
            self.inconsistent_spellings
                .iter()
                .map(|f| f.message.clone()),
        );
        out.extend(self.constant_columns.iter().map(|f| f.message.clone()));
        out.extend(self.duplicate_ids.iter().map(|f| f.message.clone()));
        out.extend(self.small_pathways.iter().map(|f| f.message.clone()));
        out.extend(self.leakage.iter().map(|f| f.message.clone()));
        out
    }
}

/// Builds the report. Cheap enough to rerun after every change of type or role.
pub fn quality_report(dataset: &Dataset) -> QualityReport {
    let source = dataset.source.as_str();
    let success = dataset.success().ok();
    let pathway = dataset.pathway_column();
    let pathways = pathway
        .map(|column| pathway_counts(column, success.as_deref()))
        .unwrap_or_default();
    let small_pathways = pathways
        .iter()
        .filter(|p| p.n_rows < MIN_ROWS_PER_PATHWAY)
        .map(|p| SmallPathway {
            pathway: p.pathway.clone(),
            n_rows: p.n_rows,
            message: format!(
                "{source}: pathway '{}' has only {} rows (fewer than {MIN_ROWS_PER_PATHWAY}): the model cannot learn it reliably; add more history, merge it with a similar pathway, or leave its rows out",
                p.pathway, p.n_rows
            ),
        })
        .collect();
    QualityReport {
        source: dataset.source.clone(),
        n_rows: dataset.n_rows,
        n_columns: dataset.columns.len(),
        missing: dataset
            .columns
            .iter()
            .map(|c| missing_share(source, dataset.n_rows, c))
            .collect(),
        inconsistent_spellings: dataset
            .columns
            .iter()
            .filter_map(|c| inconsistent_spelling(source, c))
            .collect(),
        constant_columns: dataset
            .columns
            .iter()
            .filter_map(|c| constant_column(source, c))
            .collect(),
        duplicate_ids: dataset
            .columns
            .iter()
            .filter(|c| c.role == Role::Id)
            .flat_map(|c| duplicate_ids(source, c))
            .collect(),
        pathways,
        small_pathways,
        leakage: leakage_suspects(dataset, pathway, success.as_deref()),
    }
}

fn missing_share(source: &str, n_rows: usize, column: &Column) -> MissingShare {
    let n_missing = column.n_missing();
    let share = if n_rows == 0 {
        0.0
    } else {
        n_missing as f64 / n_rows as f64
    };
    let message = if n_missing == 0 {
        String::new()
    } else {
        let first_row = column
            .cells
            .iter()
            .position(Option::is_none)
            .map(|idx| idx + 2)
            .unwrap_or(0);
        let advice = if share >= 0.5 {
            "most rows lack it: fill it in or set the column's role to ignore"
        } else {
            "rows without it are imputed when training; fill in what you can"
        };
        format!(
            "{source}, column '{}': {n_missing} of {n_rows} rows ({:.0}%) are missing, the first in row {first_row}; {advice}",
            column.name,
            share * 100.0
        )
    };
    MissingShare {
        column: column.name.clone(),
        n_missing,
        share,
        message,
    }
}

/// Counts of each distinct value, in first-seen order.
fn value_counts(column: &Column) -> Vec<(&str, usize)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for cell in column.cells.iter().flatten() {
        match index.get(cell.as_str()) {
            Some(&idx) => {
                if let Some(entry) = counts.get_mut(idx) {
                    entry.1 += 1;
                }
            }
            None => {
                index.insert(cell.as_str(), counts.len());
                counts.push((cell.as_str(), 1));
            }
        }
    }
    counts
}

fn inconsistent_spelling(source: &str, column: &Column) -> Option<InconsistentSpelling> {
    if !matches!(column.kind, ColumnKind::Binary | ColumnKind::Categorical) {
        return None;
    }
    let mut groups: HashMap<String, Vec<VariantCount>> = HashMap::new();
    for (value, count) in value_counts(column) {
        groups
            .entry(normalise_value(value))
            .or_default()
            .push(VariantCount {
                value: value.to_string(),
                count,
            });
    }
    let mut groups: Vec<SpellingGroup> = groups
        .into_iter()
        .filter(|(_, variants)| variants.len() > 1)
        .map(|(normalised, mut variants)| {
            variants.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            SpellingGroup {
                normalised,
                variants,
            }
        })
        .collect();
    if groups.is_empty() {
        return None;
    }
    groups.sort_by(|a, b| a.normalised.cmp(&b.normalised));
    let described: Vec<String> = groups
        .iter()
        .map(|group| {
            let spellings: Vec<String> = group
                .variants
                .iter()
                .map(|v| format!("'{}' ({})", v.value, v.count))
                .collect();
            spellings.join(", ")
        })
        .collect();
    let first_value = groups
        .first()
        .and_then(|g| g.variants.get(1))
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let first_row = column
        .cells
        .iter()
        .position(|cell| cell.as_deref() == Some(first_value.as_str()))
        .map(|idx| idx + 2)
        .unwrap_or(0);
    Some(InconsistentSpelling {
        column: column.name.clone(),
        message: format!(
            "{source}, column '{}': the same category is spelt in different ways: {} (e.g. '{first_value}' in row {first_row}); they count as different categories until you make the spelling the same",
            column.name,
            described.join("; ")
        ),
        groups,
    })
}

fn constant_column(source: &str, column: &Column) -> Option<ConstantColumn> {
    let mut values = column.cells.iter().flatten();
    let first = values.next();
    if let Some(first) = first {
        if values.any(|value| value != first) {
            return None;
        }
    }
    let message = match first {
        Some(value) => format!(
            "{source}, column '{}': every row holds '{value}', so it cannot help tell people apart; set its role to ignore",
            column.name
        ),
        None => format!(
            "{source}, column '{}': every row is empty; fill it in or set its role to ignore",
            column.name
        ),
    };
    Some(ConstantColumn {
        column: column.name.clone(),
        value: first.cloned(),
        message,
    })
}

fn duplicate_ids(source: &str, column: &Column) -> Vec<DuplicateId> {
    let mut rows_of: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (row_idx, cell) in column.cells.iter().enumerate() {
        if let Some(value) = cell {
            let rows = rows_of.entry(value.as_str()).or_default();
            if rows.len() == 1 {
                order.push(value.as_str());
            }
            rows.push(row_idx + 2);
        }
    }
    order
        .into_iter()
        .take(MAX_DUPLICATES_LISTED)
        .filter_map(|value| {
            let rows = rows_of.remove(value)?;
            let listed: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
            Some(DuplicateId {
                column: column.name.clone(),
                value: value.to_string(),
                message: format!(
                    "{source}, column '{}': the id '{value}' appears in {} rows ({}); each referral needs its own id, so remove the repeated rows or correct the ids",
                    column.name,
                    rows.len(),
                    listed.join(", ")
                ),
                rows,
            })
        })
        .collect()
}

fn pathway_counts(column: &Column, success: Option<&[Option<bool>]>) -> Vec<PathwayCount> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<PathwayCount> = Vec::new();
    for (row_idx, cell) in column.cells.iter().enumerate() {
        let Some(pathway) = cell else { continue };
        let idx = *index.entry(pathway.as_str()).or_insert_with(|| {
            counts.push(PathwayCount {
                pathway: pathway.clone(),
                n_rows: 0,
                n_known: 0,
                n_success: 0,
                success_rate: None,
            });
            counts.len() - 1
        });
        let Some(entry) = counts.get_mut(idx) else {
            continue;
        };
        entry.n_rows += 1;
        if let Some(Some(outcome)) = success.and_then(|s| s.get(row_idx)) {
            entry.n_known += 1;
            entry.n_success += usize::from(*outcome);
        }
    }
    for entry in &mut counts {
        if entry.n_known > 0 {
            entry.success_rate = Some(entry.n_success as f64 / entry.n_known as f64);
        }
    }
    counts.sort_by(|a, b| {
        b.n_rows
            .cmp(&a.n_rows)
            .then_with(|| a.pathway.cmp(&b.pathway))
    });
    counts
}

/// Columns that alone predict the pathway or success at [`LEAKAGE_ACCURACY`]
/// or better, by the majority target per distinct value. Only columns with
/// fewer distinct values than half the rows (else every row is its own class),
/// and only when the target is not nearly constant already.
fn leakage_suspects(
    dataset: &Dataset,
    pathway: Option<&Column>,
    success: Option<&[Option<bool>]>,
) -> Vec<LeakageSuspect> {
    let source = dataset.source.as_str();
    let mut targets: Vec<(String, Vec<Option<&str>>)> = Vec::new();
    if let Some(column) = pathway {
        targets.push((
            column.name.clone(),
            column.cells.iter().map(|c| c.as_deref()).collect(),
        ));
    }
    if let Some(success) = success {
        targets.push((
            "success".to_string(),
            success
                .iter()
                .map(|s| s.map(|yes| if yes { "yes" } else { "no" }))
                .collect(),
        ));
    }
    let mut suspects = Vec::new();
    for (target_name, target) in &targets {
        if majority_accuracy(target.iter().filter_map(|t| t.map(|t| ("", t))))
            .is_none_or(|(acc, _)| acc >= LEAKAGE_ACCURACY)
        {
            continue;
        }
        for column in &dataset.columns {
            if matches!(column.role, Role::Id | Role::Pathway | Role::Outcome)
                || matches!(column.kind, ColumnKind::Identifier | ColumnKind::FreeText)
                || Some(column.name.as_str()) == dataset.success_rule.as_ref().map(|r| r.column())
            {
                continue;
            }
            let pairs = column
                .cells
                .iter()
                .zip(target)
                .filter_map(|(cell, t)| Some((cell.as_deref()?, (*t)?)));
            let Some((accuracy, n_known)) = majority_accuracy(pairs) else {
                continue;
            };
            let n_distinct = column.levels().len();
            if n_known < MIN_ROWS_FOR_LEAKAGE || n_distinct * 2 >= n_known {
                continue;
            }
            if accuracy >= LEAKAGE_ACCURACY {
                suspects.push(LeakageSuspect {
                    column: column.name.clone(),
                    target: target_name.clone(),
                    accuracy,
                    message: format!(
                        "{source}, column '{}': on its own it gives {target_name} right in {:.1}% of rows; it may be recorded after the decision (a leak); if so, set its role to ignore, or the model will look better than it is",
                        column.name,
                        accuracy * 100.0
                    ),
                });
            }
        }
    }
    suspects
}

/// Share of pairs whose target is the most common target among pairs with the
/// same key, and the number of pairs; `None` for no pairs.
fn majority_accuracy<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<(f64, usize)> {
    let mut counts: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut n = 0usize;
    for (key, target) in pairs {
        *counts.entry(key).or_default().entry(target).or_insert(0) += 1;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let correct: usize = counts
        .values()
        .map(|by_target| by_target.values().copied().max().unwrap_or(0))
        .sum();
    Some((correct as f64 / n as f64, n))
}
