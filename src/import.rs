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
