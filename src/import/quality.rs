//! The data-quality report over a typed [`Dataset`]: missing values,
//! inconsistent spellings, constant columns, duplicate ids, rows and success
//! per pathway, pathways with too few rows, and leakage suspects. Every
//! finding carries a plain-English message that says what to do.

use super::fasthash::FastMap;

use serde::{Deserialize, Serialize};

use super::infer::normalise_value;
use super::{Column, ColumnKind, Dataset, Role};

/// Pathways with fewer rows than this are too small to learn from.
pub const MIN_ROWS_PER_PATHWAY: usize = 10;
/// A column predicting the pathway or the outcome at least this well alone is suspect.
pub const LEAKAGE_ACCURACY: f64 = 0.99;
/// Leakage needs at least this many rows with both values known to mean anything.
const MIN_ROWS_FOR_LEAKAGE: usize = 20;
/// Largest (values x targets) tally kept as a dense array (16 MB of counts).
const DENSE_TALLY_LIMIT: usize = 1 << 22;
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
    let mut index: FastMap<&str, usize> = FastMap::default();
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
    let mut groups: FastMap<String, Vec<VariantCount>> = FastMap::default();
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
    let mut rows_of: FastMap<&str, Vec<usize>> = FastMap::default();
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
    let mut index: FastMap<&str, usize> = FastMap::default();
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
/// and only when the target is not nearly constant already. Values are turned
/// into small integer codes once, so each test is a pass over arrays.
fn leakage_suspects(
    dataset: &Dataset,
    pathway: Option<&Column>,
    success: Option<&[Option<bool>]>,
) -> Vec<LeakageSuspect> {
    let source = dataset.source.as_str();
    let mut targets: Vec<(String, Codes)> = Vec::new();
    if let Some(column) = pathway {
        if let Some(codes) = encode(&column.cells, usize::MAX) {
            targets.push((column.name.clone(), codes));
        }
    }
    if let Some(success) = success {
        let codes = success.iter().map(|s| s.map(u32::from)).collect();
        targets.push(("success".to_string(), Codes { codes, n_levels: 2 }));
    }
    targets.retain(|(_, target)| {
        let constant = Codes {
            codes: vec![Some(0); target.codes.len()],
            n_levels: 1,
        };
        majority_accuracy(&constant, target).is_some_and(|(acc, _)| acc < LEAKAGE_ACCURACY)
    });
    let mut suspects = Vec::new();
    if targets.is_empty() {
        return suspects;
    }
    let rule_column = dataset.success_rule.as_ref().map(|r| r.column());
    for column in &dataset.columns {
        if matches!(column.role, Role::Id | Role::Pathway | Role::Outcome)
            || matches!(column.kind, ColumnKind::Identifier | ColumnKind::FreeText)
            || Some(column.name.as_str()) == rule_column
        {
            continue;
        }
        let n_present = column.cells.len() - column.n_missing();
        if n_present < MIN_ROWS_FOR_LEAKAGE {
            continue;
        }
        let Some(keys) = encode(&column.cells, n_present / 2) else {
            continue;
        };
        for (target_name, target) in &targets {
            let Some((accuracy, n_known)) = majority_accuracy(&keys, target) else {
                continue;
            };
            if n_known >= MIN_ROWS_FOR_LEAKAGE && accuracy >= LEAKAGE_ACCURACY {
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
    // Report order: by target (pathway first), then column order.
    suspects.sort_by_key(|s| usize::from(s.target == "success"));
    suspects
}

/// Cells as codes 0..n_levels (first-seen order); `None` where missing.
struct Codes {
    codes: Vec<Option<u32>>,
    n_levels: usize,
}

/// Codes for the cells, or `None` once there are `limit` distinct values or more.
fn encode(cells: &[Option<String>], limit: usize) -> Option<Codes> {
    let mut index: FastMap<&str, u32> = FastMap::default();
    let mut codes = Vec::with_capacity(cells.len());
    for cell in cells {
        let code = match cell {
            Some(value) => {
                let next = index.len() as u32;
                let code = *index.entry(value.as_str()).or_insert(next);
                if index.len() >= limit {
                    return None;
                }
                Some(code)
            }
            None => None,
        };
        codes.push(code);
    }
    Some(Codes {
        n_levels: index.len(),
        codes,
    })
}

/// Share of rows (both known) whose target is the most common target among
/// rows with the same key, and the number of such rows; `None` for none.
fn majority_accuracy(keys: &Codes, targets: &Codes) -> Option<(f64, usize)> {
    let n_targets = targets.n_levels.max(1);
    let pairs = keys
        .codes
        .iter()
        .zip(&targets.codes)
        .filter_map(|(key, target)| Some(((*key)? as usize, (*target)? as usize)));
    let mut n = 0usize;
    let correct: u64 = if keys.n_levels.saturating_mul(n_targets) <= DENSE_TALLY_LIMIT {
        let mut counts = vec![0u32; keys.n_levels.max(1) * n_targets];
        for (key, target) in pairs {
            if let Some(slot) = counts.get_mut(key * n_targets + target) {
                *slot += 1;
                n += 1;
            }
        }
        counts
            .chunks(n_targets)
            .map(|row| u64::from(row.iter().copied().max().unwrap_or(0)))
            .sum()
    } else {
        // Many values and many pathways: a sparse tally keeps memory small.
        let mut counts: FastMap<(usize, usize), u32> = FastMap::default();
        for pair in pairs {
            *counts.entry(pair).or_insert(0) += 1;
            n += 1;
        }
        let mut best: FastMap<usize, u32> = FastMap::default();
        for ((key, _), count) in counts {
            let slot = best.entry(key).or_insert(0);
            *slot = (*slot).max(count);
        }
        best.values().map(|&c| u64::from(c)).sum()
    };
    if n == 0 {
        return None;
    }
    Some((correct as f64 / n as f64, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{infer, RawTable, SuccessRule};

    /// A dataset from columns given as (name, values).
    fn dataset(columns: &[(&str, Vec<String>)]) -> Dataset {
        let n_rows = columns.first().map(|c| c.1.len()).unwrap_or(0);
        infer(RawTable {
            source: "t.csv".into(),
            headers: columns.iter().map(|c| c.0.to_string()).collect(),
            rows: (0..n_rows)
                .map(|row| columns.iter().map(|c| c.1[row].clone()).collect())
                .collect(),
        })
    }

    fn cycle(values: &[&str], n: usize) -> Vec<String> {
        (0..n)
            .map(|i| values[i % values.len()].to_string())
            .collect()
    }

    #[test]
    fn missing_share_per_column() {
        let report = quality_report(&dataset(&[
            ("a", cycle(&["1", "", "3", "NA"], 8)),
            ("b", cycle(&["x"], 8)),
        ]));
        assert_eq!(report.missing[0].n_missing, 4);
        assert_eq!(report.missing[0].share, 0.5);
        assert!(
            report.missing[0].message.contains("row 3"),
            "{}",
            report.missing[0].message
        );
        assert_eq!(report.missing[1].n_missing, 0);
        assert!(report.missing[1].message.is_empty());
    }

    #[test]
    fn inconsistent_spellings() {
        let report = quality_report(&dataset(&[(
            "smoker",
            cycle(&["Yes", "yes", "Y", "No", "no", "No"], 12),
        )]));
        let finding = report.inconsistent_spellings.first().expect("a finding");
        let normalised: Vec<&str> = finding
            .groups
            .iter()
            .map(|g| g.normalised.as_str())
            .collect();
        assert_eq!(normalised, ["no", "yes"]);
        let no: Vec<(&str, usize)> = finding.groups[0]
            .variants
            .iter()
            .map(|v| (v.value.as_str(), v.count))
            .collect();
        assert_eq!(no, [("No", 4), ("no", 2)]);
        assert!(finding.message.contains("'Y' (2)") && finding.message.contains("smoker"));
        let clean = quality_report(&dataset(&[("smoker", cycle(&["Yes", "No"], 12))]));
        assert!(clean.inconsistent_spellings.is_empty());
    }

    #[test]
    fn constant_columns() {
        let report = quality_report(&dataset(&[
            ("same", cycle(&["x"], 5)),
            ("blank", cycle(&[""], 5)),
            ("varies", cycle(&["x", "y"], 5)),
        ]));
        let found: Vec<(&str, Option<&str>)> = report
            .constant_columns
            .iter()
            .map(|c| (c.column.as_str(), c.value.as_deref()))
            .collect();
        assert_eq!(found, [("same", Some("x")), ("blank", None)]);
    }

    #[test]
    fn duplicate_ids_with_rows() {
        let report = quality_report(&dataset(&[(
            "id",
            cycle(&["A", "B", "A", "C", "B", "A"], 6),
        )]));
        let found: Vec<(&str, &[usize])> = report
            .duplicate_ids
            .iter()
            .map(|d| (d.value.as_str(), d.rows.as_slice()))
            .collect();
        assert_eq!(found, [("A", &[2usize, 4, 7][..]), ("B", &[3usize, 6][..])]);
        assert!(report.duplicate_ids[0].message.contains("2, 4, 7"));
    }

    #[test]
    fn rows_and_success_per_pathway_and_small_pathways() {
        let mut pathway = cycle(&["housing", "debt"], 24);
        pathway.push("rare".into());
        let mut completed = cycle(&["yes", "no", "yes", ""], 24);
        completed.push("yes".into());
        let report = quality_report(&dataset(&[("pathway", pathway), ("completed", completed)]));
        let counts: Vec<(&str, usize, usize, usize)> = report
            .pathways
            .iter()
            .map(|p| (p.pathway.as_str(), p.n_rows, p.n_known, p.n_success))
            .collect();
        assert_eq!(
            counts,
            [
                ("debt", 12, 6, 0),
                ("housing", 12, 12, 12),
                ("rare", 1, 1, 1)
            ]
        );
        assert_eq!(report.pathways[1].success_rate, Some(1.0));
        let small: Vec<&str> = report
            .small_pathways
            .iter()
            .map(|p| p.pathway.as_str())
            .collect();
        assert_eq!(small, ["rare"]);
        assert!(report.small_pathways[0].message.contains("only 1 rows"));
    }

    #[test]
    fn leakage_suspects() {
        let n = 60;
        let pathway = cycle(&["housing", "debt", "crisis"], n);
        // A code that maps one to one onto the pathway: a leak.
        let team = cycle(&["T1", "T2", "T3"], n);
        // An honest feature: related, not perfect.
        let area = cycle(&["N", "S", "N", "E", "S"], n);
        // Outcome follows this flag exactly.
        let closed_ok = cycle(&["y", "n", "n", "y"], n);
        let completed = cycle(&["yes", "no", "no", "yes"], n);
        let ids: Vec<String> = (0..n).map(|i| format!("R{i}")).collect();
        let mut data = dataset(&[
            ("id", ids),
            ("team", team),
            ("area", area),
            ("closed_ok", closed_ok),
            ("pathway", pathway),
            ("completed", completed),
        ]);
        let report = quality_report(&data);
        let found: Vec<(&str, &str)> = report
            .leakage
            .iter()
            .map(|l| (l.column.as_str(), l.target.as_str()))
            .collect();
        assert_eq!(found, [("team", "pathway"), ("closed_ok", "success")]);
        assert!(report.leakage[0].accuracy >= LEAKAGE_ACCURACY);
        // Without a success rule, only the pathway leak is left.
        data.success_rule = None;
        assert_eq!(quality_report(&data).leakage.len(), 1);
        data.success_rule = Some(SuccessRule::Equals {
            column: "completed".into(),
            values: vec!["yes".into()],
        });
        assert_eq!(quality_report(&data).leakage.len(), 2);
    }

    #[test]
    fn report_serialises() {
        let report = quality_report(&dataset(&[("id", cycle(&["A", "A"], 2))]));
        let json = serde_json::to_string(&report).unwrap();
        let back: QualityReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        // One id in every row: a constant column and a duplicated id.
        assert_eq!(report.messages().len(), 2);
    }
}
