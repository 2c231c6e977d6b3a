//! The encoder: turns the chosen feature columns of a dataset into numbers for
//! the learners, with every rule learned from the training rows and recorded,
//! so a new referral is encoded exactly as the training data was.
//!
//! Rules, by column kind:
//! - numeric and ordinal: the number; missing (or unreadable) is imputed with
//!   the training median; a value outside the training range is flagged.
//! - binary: 0/1; the level that reads as yes/true/1 (else the later of the two
//!   sorted training levels) is 1; missing is imputed with the training mode.
//! - categorical: one-hot over the training levels plus a "missing" indicator
//!   column; a category never seen in training is all zeros and flagged.
//! - date: days since 1970-01-01 (`YYYY-MM-DD` or `DD/MM/YYYY`), imputed and
//!   range-checked like numbers.
//! - free text and identifiers are never features (refused by `fit`).
//!
//! Each input row gets [`RowFlags`]: what was imputed, what was unseen and
//! what was outside the training range, which the triage screen shows as
//! "unlike the training data". Every encoded column maps back to its source
//! feature (`source_of`) so reasons and importance speak of the user's columns.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::matrix::Matrix;
use crate::import::{ColumnKind, Dataset};

/// Why the encoder could not be learned or applied.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EncodeError {
    #[error("there is no column called \"{0}\" in the data: check the spelling or choose another feature")]
    MissingColumn(String),
    #[error("column \"{column}\" is {kind}: free text and identifiers cannot be features; set its role to ignore")]
    NotAFeature { column: String, kind: String },
    #[error("column \"{0}\" has no values in the training rows: fill it in or leave it out of the features")]
    Empty(String),
}

/// How one source feature is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Encoding {
    /// Numbers (numeric, ordinal). `date` marks days since 1970.
    Number {
        median: f64,
        min: f64,
        max: f64,
        date: bool,
    },
    /// Two levels: `one` encodes as 1.0, anything else seen in training as 0.0.
    Binary {
        one: String,
        zero: Option<String>,
        mode: f64,
    },
    /// One column per training level, then one for "missing".
    OneHot { levels: Vec<String> },
}

/// One source feature and its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    pub name: String,
    pub encoding: Encoding,
    /// Values present in the training file but not in the rows the encoding
    /// was learned from (the held-out share): encoded as an unseen value is,
    /// but not flagged as unlike the training data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<String>,
}

/// What happened to one input row while encoding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowFlags {
    /// Features that were missing (or unreadable) and imputed.
    pub imputed: Vec<String>,
    /// (feature, value) pairs for categories never seen in training.
    pub unseen: Vec<(String, String)>,
    /// (feature, value) pairs outside the training range.
    pub out_of_range: Vec<(String, String)>,
}

impl RowFlags {
    /// True when the row is unlike the training data (unseen or out of range).
    pub fn unlike_training(&self) -> bool {
        !self.unseen.is_empty() || !self.out_of_range.is_empty()
    }
}

/// The learned encoding of a set of features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    pub features: Vec<Feature>,
    /// Name of every encoded column (`feature` or `feature=level`).
    pub column_names: Vec<String>,
    /// Index into `features` of every encoded column.
    pub column_source: Vec<usize>,
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` (time part ignored) or `DD/MM/YYYY` to days since 1970.
pub fn parse_date(text: &str) -> Option<f64> {
    let text = text.trim();
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    let parts: Vec<&str> = date_part.split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (a, b, c): (i64, i64, i64) = (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    let (year, month, day) = if date_part.contains('-') {
        (a, b, c)
    } else {
        (c, b, a)
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) as f64)
}

fn reads_as_yes(level: &str) -> bool {
    matches!(
        level.to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "t" | "1" | "1.0"
    )
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

impl Encoder {
    /// Learns the encoding of `features` from the rows `rows` of `dataset`.
    pub fn fit(
        dataset: &Dataset,
        features: &[String],
        rows: &[usize],
    ) -> Result<Encoder, EncodeError> {
        let mut learned = Vec::with_capacity(features.len());
        for name in features {
            let column = dataset
                .columns
                .iter()
                .find(|c| &c.name == name)
                .ok_or_else(|| EncodeError::MissingColumn(name.clone()))?;
            let values: Vec<&str> = rows
                .iter()
                .filter_map(|&r| column.cells.get(r).and_then(|v| v.as_deref()))
                .collect();
            let encoding = match column.kind {
                ColumnKind::FreeText | ColumnKind::Identifier => {
                    return Err(EncodeError::NotAFeature {
                        column: name.clone(),
                        kind: format!("{:?}", column.kind).to_lowercase(),
                    })
                }
                ColumnKind::Numeric | ColumnKind::Ordinal | ColumnKind::Date => {
                    let date = column.kind == ColumnKind::Date;
                    let mut numbers: Vec<f64> = values
                        .iter()
                        .filter_map(|v| if date { parse_date(v) } else { parse_number(v) })
                        .collect();
                    if numbers.is_empty() {
                        return Err(EncodeError::Empty(name.clone()));
                    }
                    let min = numbers.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    Encoding::Number {
                        median: median(&mut numbers),
                        min,
                        max,
                        date,
                    }
                }
                ColumnKind::Binary => {
                    let mut levels: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
                    levels.sort();
                    levels.dedup();
                    let one = levels
                        .iter()
                        .find(|l| reads_as_yes(l))
                        .or(levels.last())
                        .cloned()
                        .ok_or_else(|| EncodeError::Empty(name.clone()))?;
                    let zero = levels.iter().find(|l| **l != one).cloned();
                    let n_one = values.iter().filter(|v| v.to_lowercase() == one).count();
                    let mode = if 2 * n_one >= values.len() { 1.0 } else { 0.0 };
                    Encoding::Binary { one, zero, mode }
                }
                ColumnKind::Categorical => {
                    let mut levels: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                    levels.sort();
                    levels.dedup();
                    if levels.is_empty() {
                        return Err(EncodeError::Empty(name.clone()));
                    }
                    Encoding::OneHot { levels }
                }
            };
            learned.push(Feature {
                name: name.clone(),
                encoding,
                known: Vec::new(),
            });
        }
        let mut column_names = Vec::new();
        let mut column_source = Vec::new();
        for (idx, feature) in learned.iter().enumerate() {
            match &feature.encoding {
                Encoding::OneHot { levels } => {
                    for level in levels {
                        column_names.push(format!("{}={}", feature.name, level));
                        column_source.push(idx);
                    }
                    column_names.push(format!("{}=missing", feature.name));
                    column_source.push(idx);
                }
                _ => {
                    column_names.push(feature.name.clone());
                    column_source.push(idx);
                }
            }
        }
        Ok(Encoder {
            features: learned,
            column_names,
            column_source,
        })
    }

    /// Widens what counts as seen to every row in `rows` of `dataset` (the
    /// whole training file): number ranges grow to hold them, and levels
    /// the encoding was not learned from are recorded as known. The encoding
    /// itself (columns, medians, modes) is unchanged, so no row of the file
    /// the model was trained on is ever flagged as unlike the training data.
    pub fn widen_to(&mut self, dataset: &Dataset, rows: &[usize]) {
        for feature in &mut self.features {
            let Some(column) = dataset.columns.iter().find(|c| c.name == feature.name) else {
                continue;
            };
            let values = rows.iter().filter_map(|&r| {
                column
                    .cells
                    .get(r)
                    .and_then(|v| v.as_deref())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            });
            match &mut feature.encoding {
                Encoding::Number { min, max, date, .. } => {
                    for v in values {
                        let parsed = if *date {
                            parse_date(v)
                        } else {
                            parse_number(v)
                        };
                        if let Some(number) = parsed {
                            *min = min.min(number);
                            *max = max.max(number);
                        }
                    }
                }
                Encoding::Binary { one, zero, .. } => {
                    for v in values.map(str::to_lowercase) {
                        if &v != one && zero.as_ref() != Some(&v) && !feature.known.contains(&v) {
                            feature.known.push(v);
                        }
                    }
                }
                Encoding::OneHot { levels } => {
                    for v in values {
                        if !levels.iter().any(|l| l == v) && !feature.known.iter().any(|k| k == v) {
                            feature.known.push(v.to_string());
                        }
                    }
                }
            }
        }
    }

    /// Checks an encoder read from a file: unique non-empty feature names,
    /// finite numbers with min <= max, unique levels, and encoded columns
    /// that map back to their features in order, one per number or binary
    /// feature and one per level plus "missing" for a category.
    pub fn check(&self) -> Result<(), String> {
        let mut names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
        if names.iter().any(|n| n.trim().is_empty()) {
            return Err("a feature has no name".into());
        }
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err("two features have the same name".into());
        }
        let mut expected = Vec::new();
        for (idx, feature) in self.features.iter().enumerate() {
            let width = match &feature.encoding {
                Encoding::Number {
                    median, min, max, ..
                } => {
                    if ![median, min, max].iter().all(|v| v.is_finite()) || min > max {
                        return Err(format!(
                            "feature \"{}\" has a range that is not two finite numbers in order",
                            feature.name
                        ));
                    }
                    1
                }
                Encoding::Binary { mode, .. } => {
                    if *mode != 0.0 && *mode != 1.0 {
                        return Err(format!(
                            "feature \"{}\" has a typical value that is not 0 or 1",
                            feature.name
                        ));
                    }
                    1
                }
                Encoding::OneHot { levels } => {
                    let mut sorted: Vec<&String> = levels.iter().collect();
                    sorted.sort_unstable();
                    if levels.is_empty() || sorted.windows(2).any(|w| w[0] == w[1]) {
                        return Err(format!(
                            "feature \"{}\" has no levels or the same level twice",
                            feature.name
                        ));
                    }
                    levels.len() + 1
                }
            };
            expected.extend(std::iter::repeat_n(idx, width));
        }
        if self.column_source != expected || self.column_names.len() != expected.len() {
            return Err("its encoded columns do not match its features".into());
        }
        Ok(())
    }

    pub fn n_columns(&self) -> usize {
        self.column_names.len()
    }

    /// Names of the source features, in order.
    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name.clone()).collect()
    }

    /// Index of the source feature of encoded column `col_idx`, if any.
    pub fn source_of(&self, col_idx: usize) -> Option<usize> {
        self.column_source.get(col_idx).copied()
    }

    /// Encoded columns that come from source feature `feature_idx`.
    pub fn columns_of(&self, feature_idx: usize) -> Vec<usize> {
        (0..self.column_source.len())
            .filter(|&c| self.column_source[c] == feature_idx)
            .collect()
    }

    /// Encodes one value of one feature onto `out`.
    fn encode_value(
        feature: &Feature,
        value: Option<&str>,
        out: &mut Vec<f64>,
        flags: &mut RowFlags,
    ) {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        match &feature.encoding {
            Encoding::Number {
                median,
                min,
                max,
                date,
            } => {
                let parsed = value.and_then(|v| {
                    if *date {
                        parse_date(v)
                    } else {
                        parse_number(v)
                    }
                });
                match parsed {
                    Some(number) => {
                        if number < *min || number > *max {
                            flags.out_of_range.push((
                                feature.name.clone(),
                                value.unwrap_or_default().to_string(),
                            ));
                        }
                        out.push(number);
                    }
                    None => {
                        flags.imputed.push(feature.name.clone());
                        out.push(*median);
                    }
                }
            }
            Encoding::Binary { one, zero, mode } => match value.map(str::to_lowercase) {
                Some(v) if &v == one => out.push(1.0),
                Some(v) if zero.as_ref() == Some(&v) => out.push(0.0),
                Some(v) => {
                    // A third level: unseen; counted as the mode.
                    if !feature.known.contains(&v) {
                        flags.unseen.push((feature.name.clone(), v));
                    }
                    out.push(*mode);
                }
                None => {
                    flags.imputed.push(feature.name.clone());
                    out.push(*mode);
                }
            },
            Encoding::OneHot { levels } => {
                let start = out.len();
                out.extend(std::iter::repeat_n(0.0, levels.len() + 1));
                match value {
                    Some(v) => match levels.iter().position(|l| l == v) {
                        Some(pos) => out[start + pos] = 1.0,
                        None if feature.known.iter().any(|k| k == v) => {}
                        None => flags.unseen.push((feature.name.clone(), v.to_string())),
                    },
                    None => {
                        flags.imputed.push(feature.name.clone());
                        out[start + levels.len()] = 1.0;
                    }
                }
            }
        }
    }

    /// Encodes named values (a referral typed in, or a row of another file).
    /// A feature absent from `inputs` counts as missing.
    pub fn encode_values(&self, inputs: &[(String, Option<String>)]) -> (Vec<f64>, RowFlags) {
        let mut out = Vec::with_capacity(self.n_columns());
        let mut flags = RowFlags::default();
        for feature in &self.features {
            let value = inputs
                .iter()
                .find(|(name, _)| name == &feature.name)
                .and_then(|(_, v)| v.as_deref());
            Self::encode_value(feature, value, &mut out, &mut flags);
        }
        (out, flags)
    }

    /// Encodes rows `rows` of `dataset` into a matrix, with flags per row.
    pub fn encode_rows(
        &self,
        dataset: &Dataset,
        rows: &[usize],
    ) -> Result<(Matrix, Vec<RowFlags>), EncodeError> {
        let columns = self
            .features
            .iter()
            .map(|f| {
                dataset
                    .columns
                    .iter()
                    .find(|c| c.name == f.name)
                    .ok_or_else(|| EncodeError::MissingColumn(f.name.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut data = Vec::with_capacity(rows.len() * self.n_columns());
        let mut all_flags = Vec::with_capacity(rows.len());
        for &row_idx in rows {
            let mut flags = RowFlags::default();
            for (feature, column) in self.features.iter().zip(&columns) {
                let value = column.cells.get(row_idx).and_then(|v| v.as_deref());
                Self::encode_value(feature, value, &mut data, &mut flags);
            }
            all_flags.push(flags);
        }
        let matrix = Matrix::new(rows.len(), self.n_columns(), data)
            .ok_or_else(|| EncodeError::Empty("(encoded rows)".to_string()))?;
        Ok((matrix, all_flags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Column, Role};

    fn col(name: &str, kind: ColumnKind, cells: &[Option<&str>]) -> Column {
        Column {
            name: name.to_string(),
            kind,
            role: Role::Feature,
            cells: cells.iter().map(|c| c.map(str::to_string)).collect(),
        }
    }

    fn data() -> Dataset {
        Dataset {
            source: "t.csv".into(),
            n_rows: 4,
            columns: vec![
                col(
                    "age",
                    ColumnKind::Numeric,
                    &[Some("20"), Some("30"), None, Some("50")],
                ),
                col(
                    "housed",
                    ColumnKind::Binary,
                    &[Some("no"), Some("Yes"), Some("yes"), None],
                ),
                col(
                    "area",
                    ColumnKind::Categorical,
                    &[Some("north"), Some("south"), None, Some("north")],
                ),
                col(
                    "when",
                    ColumnKind::Date,
                    &[Some("1970-01-02"), Some("02/01/1970"), None, None],
                ),
                col(
                    "notes",
                    ColumnKind::FreeText,
                    &[Some("a"), None, None, None],
                ),
            ],
            success_rule: None,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn learns_rules_and_records_imputation() {
        let d = data();
        let enc = Encoder::fit(
            &d,
            &names(&["age", "housed", "area", "when"]),
            &[0, 1, 2, 3],
        )
        .unwrap();
        assert_eq!(
            enc.column_names,
            names(&[
                "age",
                "housed",
                "area=north",
                "area=south",
                "area=missing",
                "when"
            ])
        );
        let (m, flags) = enc.encode_rows(&d, &[0, 1, 2, 3]).unwrap();
        assert_eq!(m.row(0), &[20.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
        assert_eq!(m.row(1), &[30.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        // Row 3: age imputed with median 30, area missing indicator, date median 1.
        assert_eq!(m.row(2), &[30.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
        assert_eq!(flags[2].imputed, names(&["age", "area", "when"]));
        // Housed missing: mode is yes (2 of 3).
        assert_eq!(m.get(3, 1), 1.0);
        assert!(!flags[0].unlike_training());
        assert_eq!(enc.source_of(3), Some(2));
        assert_eq!(enc.columns_of(2), vec![2, 3, 4]);
    }

    #[test]
    fn unseen_category_and_out_of_range_are_flagged() {
        let d = data();
        let enc = Encoder::fit(&d, &names(&["age", "area"]), &[0, 1, 2, 3]).unwrap();
        let (row, flags) = enc.encode_values(&[
            ("age".into(), Some("99".into())),
            ("area".into(), Some("east".into())),
        ]);
        assert_eq!(row, vec![99.0, 0.0, 0.0, 0.0]);
        assert_eq!(flags.unseen, vec![("area".to_string(), "east".to_string())]);
        assert_eq!(
            flags.out_of_range,
            vec![("age".to_string(), "99".to_string())]
        );
        assert!(flags.unlike_training());
    }

    #[test]
    fn refuses_text_and_unknown_columns() {
        let d = data();
        assert!(matches!(
            Encoder::fit(&d, &names(&["notes"]), &[0]),
            Err(EncodeError::NotAFeature { .. })
        ));
        assert_eq!(
            Encoder::fit(&d, &names(&["nope"]), &[0]),
            Err(EncodeError::MissingColumn("nope".into()))
        );
    }

    #[test]
    fn dates_parse_both_ways() {
        assert_eq!(parse_date("1970-01-01"), Some(0.0));
        assert_eq!(parse_date("01/03/2000"), parse_date("2000-03-01"));
        assert_eq!(parse_date("2000-02-29"), Some(11_016.0));
        assert_eq!(parse_date("soon"), None);
    }
}
