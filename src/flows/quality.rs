//! The quality report of an event log: what breaks a flow analysis, counted,
//! with the first few rows named and what the reading did about it.

use serde::{Deserialize, Serialize};

/// Rows named per issue (the count says how many there are in all).
pub const MAX_EXAMPLES: usize = 5;

/// One kind of problem in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogIssue {
    /// Stable code: `end_before_start`, `overlap`, `near_duplicate_state`,
    /// `gap`, `no_person`, `no_state`, `no_start`, `future_date`,
    /// `before_window`, `attribute_changes`, `open_then_more`.
    pub kind: String,
    /// Rows (or people, or names) affected.
    pub count: usize,
    /// The first rows as a spreadsheet numbers them (the header is row 1).
    pub rows: Vec<usize>,
    /// Plain English: what, where (file, row, column, value), what was done, how to fix it.
    pub message: String,
}

/// The quality report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogQuality {
    pub rows_read: usize,
    pub stays_used: usize,
    pub people: usize,
    pub states: usize,
    pub issues: Vec<LogIssue>,
}

/// Collects one kind of issue while the rows are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub count: usize,
    pub rows: Vec<usize>,
    /// The first example, for the message.
    pub first: Option<String>,
}

impl Tally {
    pub fn add(&mut self, row: usize, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.rows.len() < MAX_EXAMPLES {
            self.rows.push(row);
        }
        if self.first.is_none() {
            self.first = Some(example());
        }
    }

    /// The issue, or nothing when nothing was counted. `what` completes
    /// "N rows ...", `done` says what the reading did and how to fix it.
    pub fn issue(self, kind: &str, noun: &str, what: &str, done: &str) -> Option<LogIssue> {
        if self.count == 0 {
            return None;
        }
        let first = self.first.unwrap_or_default();
        let plural = if self.count == 1 { "" } else { "s" };
        Some(LogIssue {
            kind: kind.to_string(),
            count: self.count,
            rows: self.rows,
            message: format!(
                "{} {noun}{plural} {what} (first: {first}); {done}",
                self.count
            ),
        })
    }
}
