//! Import of tabular files: the raw table as read (stage 1), then a typed
//! dataset built once (stage 2), column types and roles, success rules and
//! the data-quality report.
//!
//! Missing values are `None`. A cell is missing when, after trimming, it is
//! empty or one of the usual tokens (`NA`, `N/A`, `null`, ...).

use serde::{Deserialize, Serialize};

/// Stage 1: the table exactly as read, before any typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawTable {
    /// File name, used in every message.
    pub source: String,
    pub headers: Vec<String>,
    /// Rows as read; every row has `headers.len()` cells.
    pub rows: Vec<Vec<String>>,
}

/// The inferred (or user-chosen) type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnKind {
    Numeric,
    /// Two distinct values (yes/no, 0/1, true/false...).
    Binary,
    /// Few integer levels (e.g. 1-5 scales).
    Ordinal,
    Categorical,
    Date,
    FreeText,
    Identifier,
}

/// What a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Id,
    Feature,
    /// The pathway that was allocated (the label).
    Pathway,
    Outcome,
    /// Protected characteristic: never a feature by default; used to audit.
    Protected,
    Ignore,
}

/// One typed column. Values are kept as trimmed text; typed views are derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    pub role: Role,
    pub cells: Vec<Option<String>>,
}

/// A rule that says which rows were a success, over one outcome column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SuccessRule {
    /// Success when the cell equals one of the values (case-insensitive, trimmed).
    Equals { column: String, values: Vec<String> },
    /// Success when the numeric cell is at least the threshold.
    AtLeast { column: String, threshold: f64 },
    /// Success when the numeric cell is at most the threshold.
    AtMost { column: String, threshold: f64 },
}

/// Stage 2: the typed dataset the engines use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub source: String,
    pub n_rows: usize,
    pub columns: Vec<Column>,
    pub success_rule: Option<SuccessRule>,
}

mod fasthash;
mod infer;

/// The Fx-hashed map, also for the flows log's per-row look-ups.
pub(crate) use fasthash::FastMap;
mod quality;
mod read;
mod sheet;

pub use infer::{
    default_role, default_success_rule, infer, infer_kind, is_missing, is_positive_value,
    is_protected_name, normalise_name, normalise_value, parse_date, MAX_ORDINAL_LEVELS,
};
pub use quality::{
    quality_report, ConstantColumn, DuplicateId, InconsistentSpelling, LeakageSuspect,
    MissingShare, PathwayCount, QualityReport, SmallPathway, SpellingGroup, VariantCount,
};
pub(crate) use read::unclosed_quote;
pub use read::{read_table, sheet_names};
pub(crate) use sheet::read_sheet;

/// How to read a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// The sheet of a workbook to read; `None` reads the first one. Ignored for CSV.
    pub sheet: Option<String>,
    /// Files larger than this are refused before any parsing.
    pub max_bytes: usize,
}

/// 50 MB: far more than a few years of referrals, small enough for a browser tab.
pub const DEFAULT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// 256 MB: the most any reader (CLI or page) takes in from one file of any
/// kind (a workspace or model included) before refusing it; tables stop at
/// [`DEFAULT_MAX_BYTES`].
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            sheet: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// A problem the import worked around (the import goes on). The UI lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The row as a spreadsheet numbers it (the header is row 1), when it is about one row.
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    /// Plain-English message naming the file, row, column and value, and what would fix it.
    pub message: String,
}

/// A dataset and the problems met while reading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub dataset: Dataset,
    pub problems: Vec<Problem>,
}

/// A problem that refuses the import (or a success rule that cannot be applied).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("{file} is empty: choose a CSV or Excel file with a header row and at least one row of data")]
    Empty { file: String },
    #[error("{file} is {n_bytes} bytes, over the limit of {max_bytes} bytes: split the file or keep only the columns and years you need")]
    TooLarge {
        file: String,
        n_bytes: usize,
        max_bytes: usize,
    },
    #[error("{file} does not look like a table ({reason}): save it from your spreadsheet as CSV (comma-separated) or Excel (.xlsx) and try again")]
    NotATable { file: String, reason: String },
    #[error("{file} has no header row: row 1 must name the columns ({reason}); add a row of column names at the top")]
    NoHeader { file: String, reason: String },
    #[error("{file} has a header row but no rows of data: add at least one row under the header")]
    NoDataRows { file: String },
    #[error("{file} could not be read as a spreadsheet ({reason}): open it in your spreadsheet program, save it again as .xlsx or CSV and retry")]
    Spreadsheet { file: String, reason: String },
    #[error("{file} is in the old Excel 97-2003 format (.xls), which Signpost does not read: open it in your spreadsheet program, save it as an Excel Workbook (.xlsx) or as CSV, and import that")]
    OldExcel { file: String },
    #[error("{file} has no sheet named '{sheet}': the sheets are {}; choose one of them", available.join(", "))]
    SheetNotFound {
        file: String,
        sheet: String,
        available: Vec<String>,
    },
    #[error("{file}, sheet '{sheet}': the cells span {n_rows} rows by {n_columns} columns (to {far_cell}), more than the {max_cells} cells a table may have; a stray value far from the table (such as {far_cell}) does this: delete it, or copy the table to a new sheet")]
    SheetTooLarge {
        file: String,
        sheet: String,
        far_cell: String,
        n_rows: u64,
        n_columns: u64,
        max_cells: usize,
    },
    #[error("{file}, row {row}, column '{column}': a quote opens a cell and is never closed, so the {n_lines} lines after it were read as that one cell; close the quote (a quote inside a quoted cell is written twice: \"\"), or remove it")]
    UnclosedQuote {
        file: String,
        row: usize,
        column: String,
        n_lines: usize,
    },
    #[error("{file} has no success rule: choose an outcome column and say which values (or which threshold) count as success")]
    NoSuccessRule { file: String },
    #[error("{file} has no column named '{column}': the success rule must use one of the columns of the file")]
    UnknownColumn { file: String, column: String },
}

/// Reads a CSV or Excel file and types it: [`read_table`] then [`infer`].
pub fn import(source: &str, bytes: &[u8], options: &ReadOptions) -> Result<Imported, ImportError> {
    let (table, problems) = read_table(source, bytes, options)?;
    Ok(Imported {
        dataset: infer(table),
        problems,
    })
}

impl Dataset {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column.name == name)
    }

    /// The first column with the pathway role, if any.
    pub fn pathway_column(&self) -> Option<&Column> {
        self.columns
            .iter()
            .find(|column| column.role == Role::Pathway)
    }

    /// Success of each row under the success rule: `Some(true)` success,
    /// `Some(false)` not, `None` unknown (missing, or not a number for a threshold rule).
    pub fn success(&self) -> Result<Vec<Option<bool>>, ImportError> {
        let rule = self
            .success_rule
            .as_ref()
            .ok_or_else(|| ImportError::NoSuccessRule {
                file: self.source.clone(),
            })?;
        rule.apply(self)
    }

    /// The dataset as CSV (comma, header row, missing cells empty), for export.
    pub fn to_csv(&self) -> String {
        let mut writer = crate::csv_out::CsvWriter::new();
        writer.row(self.columns.iter().map(|c| c.name.as_str()));
        for row_idx in 0..self.n_rows {
            writer.row(self.columns.iter().map(|column| {
                column
                    .cells
                    .get(row_idx)
                    .and_then(|cell| cell.as_deref())
                    .unwrap_or("")
            }));
        }
        writer.finish()
    }
}

impl SuccessRule {
    /// The outcome column the rule reads.
    pub fn column(&self) -> &str {
        match self {
            SuccessRule::Equals { column, .. }
            | SuccessRule::AtLeast { column, .. }
            | SuccessRule::AtMost { column, .. } => column,
        }
    }

    /// Success of one cell under the rule.
    pub fn is_success(&self, cell: Option<&str>) -> Option<bool> {
        let cell = cell?.trim();
        if is_missing(cell) {
            return None;
        }
        match self {
            SuccessRule::Equals { values, .. } => {
                Some(values.iter().any(|value| same_caseless(value.trim(), cell)))
            }
            SuccessRule::AtLeast { threshold, .. } => parse_number(cell).map(|x| x >= *threshold),
            SuccessRule::AtMost { threshold, .. } => parse_number(cell).map(|x| x <= *threshold),
        }
    }

    /// Success of each row of `dataset`.
    pub fn apply(&self, dataset: &Dataset) -> Result<Vec<Option<bool>>, ImportError> {
        let column = dataset
            .column(self.column())
            .ok_or_else(|| ImportError::UnknownColumn {
                file: dataset.source.clone(),
                column: self.column().to_string(),
            })?;
        Ok(column
            .cells
            .iter()
            .map(|cell| self.is_success(cell.as_deref()))
            .collect())
    }
}

impl Column {
    /// The cells as numbers; `None` where missing or not a number.
    pub fn numeric(&self) -> Vec<Option<f64>> {
        self.cells
            .iter()
            .map(|cell| cell.as_deref().and_then(parse_number))
            .collect()
    }

    /// Sorted distinct non-missing values.
    pub fn levels(&self) -> Vec<String> {
        let mut levels: Vec<&str> = self.cells.iter().filter_map(|c| c.as_deref()).collect();
        levels.sort_unstable();
        levels.dedup();
        levels.into_iter().map(str::to_string).collect()
    }

    /// Number of missing cells.
    pub fn n_missing(&self) -> usize {
        self.cells.iter().filter(|cell| cell.is_none()).count()
    }
}

/// Equal ignoring case; cheap for ASCII, exact Unicode lower-casing otherwise.
pub(crate) fn same_caseless(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// A finite number written the plain way (`12`, `-3.5`, `1e3`); `inf`/`nan` are not numbers here.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let first = text.as_bytes().first()?;
    // Rust's parser accepts "inf", "NaN" and "infinity": words, not numbers, in a table.
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(name: &str, values: &[&str]) -> Dataset {
        let table = RawTable {
            source: "t.csv".into(),
            headers: vec![name.into()],
            rows: values.iter().map(|v| vec![v.to_string()]).collect(),
        };
        infer(table)
    }

    #[test]
    fn success_rules() {
        fn check(rule: SuccessRule, values: &[&str], expect: &[Option<bool>]) {
            let mut data = dataset("outcome", values);
            data.success_rule = Some(rule.clone());
            assert_eq!(data.success().unwrap(), expect, "{rule:?} on {values:?}");
        }
        let equals = |values: &[&str]| SuccessRule::Equals {
            column: "outcome".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        check(
            equals(&["yes"]),
            &["YES", " yes", "no", ""],
            &[Some(true), Some(true), Some(false), None],
        );
        check(
            equals(&["Housed", "moved on"]),
            &["housed", "Moved On", "evicted"],
            &[Some(true), Some(true), Some(false)],
        );
        check(
            equals(&["Été"]),
            &["été", "ete"],
            &[Some(true), Some(false)],
        );
        let at_least = SuccessRule::AtLeast {
            column: "outcome".into(),
            threshold: 2.0,
        };
        check(
            at_least,
            &["2", "1.5", "3e1", "lots", "NA"],
            &[Some(true), Some(false), Some(true), None, None],
        );
        let at_most = SuccessRule::AtMost {
            column: "outcome".into(),
            threshold: -1.0,
        };
        check(
            at_most,
            &["-1", "-0.5", "-7"],
            &[Some(true), Some(false), Some(true)],
        );
    }

    #[test]
    fn success_errors() {
        let mut data = dataset("score", &["1", "2"]);
        assert_eq!(
            data.success(),
            Err(ImportError::NoSuccessRule {
                file: "t.csv".into()
            })
        );
        data.success_rule = Some(SuccessRule::AtLeast {
            column: "nope".into(),
            threshold: 1.0,
        });
        let err = data.success().unwrap_err();
        assert_eq!(
            err,
            ImportError::UnknownColumn {
                file: "t.csv".into(),
                column: "nope".into()
            }
        );
        assert!(err.to_string().contains("'nope'"));
    }

    #[test]
    fn column_views() {
        let data = dataset("x", &["3", "b", "", "1.5", "a", "b", "inf"]);
        let column = data.column("x").unwrap();
        assert_eq!(
            column.numeric(),
            [Some(3.0), None, None, Some(1.5), None, None, None]
        );
        assert_eq!(column.levels(), ["1.5", "3", "a", "b", "inf"]);
        assert_eq!(column.n_missing(), 1);
        assert_eq!(data.column_index("x"), Some(0));
        assert_eq!(data.column_index("y"), None);
        assert!(data.column("y").is_none());
    }

    #[test]
    fn to_csv_quotes_what_needs_it() {
        let data = Dataset {
            source: "t.csv".into(),
            n_rows: 2,
            columns: vec![
                Column {
                    name: "a,b".into(),
                    kind: ColumnKind::Categorical,
                    role: Role::Feature,
                    cells: vec![Some("say \"hi\"".into()), None],
                },
                Column {
                    name: "c".into(),
                    kind: ColumnKind::Categorical,
                    role: Role::Feature,
                    cells: vec![Some("two\nlines".into()), Some("plain".into())],
                },
            ],
            success_rule: None,
        };
        assert_eq!(
            data.to_csv(),
            "\"a,b\",c\n\"say \"\"hi\"\"\",\"two\nlines\"\n,plain\n"
        );
    }

    #[test]
    fn parse_number_refuses_words() {
        for (text, expect) in [
            ("12", Some(12.0)),
            (" -3.5 ", Some(-3.5)),
            ("+1e3", Some(1000.0)),
            (".5", Some(0.5)),
            ("inf", None),
            ("NaN", None),
            ("1e999", None),
            ("12a", None),
            ("", None),
        ] {
            assert_eq!(parse_number(text), expect, "{text:?}");
        }
    }
}
