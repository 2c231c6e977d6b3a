//! Turns the chosen columns of a dataset into the numeric matrix k-means sees:
//! numeric and ordinal columns z-scored after median imputation, binary
//! columns as 0/1, categorical columns one-hot. It also keeps each column's
//! raw values, which the profiles describe in the user's own units.

use crate::import::{Column, ColumnKind};
use crate::model::matrix::Matrix;

use super::SegmentError;

/// Categorical columns keep at most this many levels as their own one-hot
/// feature; rarer levels share one "other" feature, so a column with
/// hundreds of levels cannot swamp the distances.
pub(crate) const MAX_LEVELS: usize = 20;

/// One source column as the profiles see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    Numeric {
        name: String,
        values: Vec<Option<f64>>,
    },
    Levels {
        name: String,
        /// Sorted distinct non-missing values.
        levels: Vec<String>,
        /// Index into `levels` per row.
        codes: Vec<Option<usize>>,
        /// Binary columns are described by one level only (the "yes" side).
        binary: bool,
    },
}

impl Source {
    pub(crate) fn name(&self) -> &str {
        match self {
            Source::Numeric { name, .. } | Source::Levels { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    pub matrix: Matrix,
    /// One name per matrix column (`age`, `housing=unstable`, ...).
    pub features: Vec<String>,
}

/// The cell at `row_idx`, trimmed; `None` when missing or beyond the column.
pub(crate) fn cell(column: &Column, row_idx: usize) -> Option<&str> {
    column
        .cells
        .get(row_idx)
        .and_then(|cell| cell.as_deref())
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Numbers are read as the import reads them (`Column::numeric`).
pub(crate) use crate::import::parse_number;

/// Reads one column as numbers or levels, by its kind.
pub(crate) fn source(column: &Column, n_rows: usize) -> Result<Source, SegmentError> {
    match column.kind {
        ColumnKind::Numeric | ColumnKind::Ordinal => {
            let values: Vec<Option<f64>> = (0..n_rows)
                .map(|row_idx| cell(column, row_idx).and_then(parse_number))
                .collect();
            if values.iter().all(Option::is_none) {
                return Err(SegmentError::NoNumbers {
                    column: column.name.clone(),
                });
            }
            Ok(Source::Numeric {
                name: column.name.clone(),
                values,
            })
        }
        ColumnKind::Binary | ColumnKind::Categorical => {
            let mut levels: Vec<String> = (0..n_rows)
                .filter_map(|row_idx| cell(column, row_idx).map(str::to_string))
                .collect();
            levels.sort();
            levels.dedup();
            let codes = (0..n_rows)
                .map(|row_idx| {
                    cell(column, row_idx).and_then(|text| {
                        levels
                            .binary_search_by(|level| level.as_str().cmp(text))
                            .ok()
                    })
                })
                .collect();
            let binary = column.kind == ColumnKind::Binary && levels.len() <= 2;
            Ok(Source::Levels {
                name: column.name.clone(),
                levels,
                codes,
                binary,
            })
        }
        kind => Err(SegmentError::UnusableColumn {
            column: column.name.clone(),
            kind,
        }),
    }
}

/// For a binary column, the level that reads as "yes" (`yes`, `true`, `1`,
/// `y`), else the second level in sorted order.
pub(crate) fn positive_level(levels: &[String]) -> usize {
    levels
        .iter()
        .position(|level| {
            matches!(
                level.to_lowercase().as_str(),
                "yes" | "y" | "true" | "1" | "t"
            )
        })
        .unwrap_or(levels.len().saturating_sub(1))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        // Halves first: 1e308 + 1e308 would overflow.
        n => sorted[n / 2 - 1] / 2.0 + sorted[n / 2] / 2.0,
    }
}

/// Mean and population standard deviation. Worked out on the values divided
/// by the largest magnitude, so values near f64::MAX (1e308) do not overflow
/// the sum to infinity; both results are finite for finite values.
pub(crate) fn mean_sd(values: &[f64]) -> (f64, f64) {
    let (scale, mean, sd) = scaled_mean_sd(values);
    (mean * scale, sd * scale)
}

/// The largest magnitude, and the mean and sd of the values divided by it.
fn scaled_mean_sd(values: &[f64]) -> (f64, f64, f64) {
    let scale = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |max, v| max.max(v.abs()));
    if values.is_empty() || scale == 0.0 {
        return (1.0, 0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v / scale).sum::<f64>() / n;
    let var = values
        .iter()
        .map(|v| (v / scale - mean) * (v / scale - mean))
        .sum::<f64>()
        / n;
    (scale, mean, var.sqrt())
}

/// z-scores, in the scaled units of [`scaled_mean_sd`] so that
/// `1e308 - (-1e308)` never overflows; a constant column gives zeros.
fn z_scores(values: &[f64]) -> Vec<f64> {
    let (scale, mean, sd) = scaled_mean_sd(values);
    values
        .iter()
        .map(|v| {
            let z = (v / scale - mean) / sd;
            if sd > 0.0 && z.is_finite() {
                z
            } else {
                0.0
            }
        })
        .collect()
}

/// Builds the matrix from the sources (all have `n_rows` entries).
pub(crate) fn encode(sources: &[Source], n_rows: usize) -> Encoded {
    let mut columns: Vec<Vec<f64>> = Vec::new();
    let mut features = Vec::new();
    for source in sources {
        match source {
            Source::Numeric { name, values } => {
                let present: Vec<f64> = values.iter().flatten().copied().collect();
                let fill = median(&present);
                let filled: Vec<f64> = values.iter().map(|v| v.unwrap_or(fill)).collect();
                // A constant column carries no information: zeros, not a division by 0.
                columns.push(z_scores(&filled));
                features.push(name.clone());
            }
            Source::Levels {
                name,
                levels,
                codes,
                binary,
            } => {
                if *binary {
                    let positive = positive_level(levels);
                    let present: Vec<f64> = codes
                        .iter()
                        .flatten()
                        .map(|&code| f64::from(u8::from(code == positive)))
                        .collect();
                    let (share, _) = mean_sd(&present);
                    let values = codes
                        .iter()
                        .map(|code| match code {
                            Some(code) => f64::from(u8::from(*code == positive)),
                            None => share,
                        })
                        .collect();
                    columns.push(values);
                    let level = levels.get(positive).map_or("", String::as_str);
                    features.push(format!("{name}={level}"));
                } else {
                    // Most frequent levels first (ties by level order) get their own feature.
                    let mut counts = vec![0usize; levels.len()];
                    for code in codes.iter().flatten() {
                        if let Some(count) = counts.get_mut(*code) {
                            *count += 1;
                        }
                    }
                    let mut order: Vec<usize> = (0..levels.len()).collect();
                    order.sort_by(|a, b| counts[*b].cmp(&counts[*a]).then(a.cmp(b)));
                    let kept: Vec<usize> = order.iter().copied().take(MAX_LEVELS).collect();
                    for &level_idx in &kept {
                        columns.push(
                            codes
                                .iter()
                                .map(|code| f64::from(u8::from(*code == Some(level_idx))))
                                .collect(),
                        );
                        let level = levels.get(level_idx).map_or("", String::as_str);
                        features.push(format!("{name}={level}"));
                    }
                    if levels.len() > MAX_LEVELS {
                        columns.push(
                            codes
                                .iter()
                                .map(|code| {
                                    f64::from(u8::from(
                                        code.is_some_and(|code| !kept.contains(&code)),
                                    ))
                                })
                                .collect(),
                        );
                        features.push(format!("{name}=(other)"));
                    }
                }
            }
        }
    }
    let n_cols = columns.len();
    let mut data = Vec::with_capacity(n_rows * n_cols);
    for row_idx in 0..n_rows {
        for column in &columns {
            data.push(column.get(row_idx).copied().unwrap_or(0.0));
        }
    }
    let matrix = Matrix::new(n_rows, n_cols, data)
        .unwrap_or_else(|| unreachable!("the matrix is built with n_rows * n_cols values"));
    Encoded { matrix, features }
}

/// How many distinct rows the matrix has (k-means needs at least k).
pub(crate) fn distinct_rows(matrix: &Matrix) -> usize {
    let mut rows: Vec<Vec<u64>> = matrix
        .rows()
        .map(|row| row.iter().map(|v| (v + 0.0).to_bits()).collect())
        .collect();
    rows.sort();
    rows.dedup();
    rows.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Role;

    fn column(name: &str, kind: ColumnKind, cells: &[&str]) -> Column {
        Column {
            name: name.to_string(),
            kind,
            role: Role::Feature,
            cells: cells
                .iter()
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect(),
        }
    }

    #[test]
    fn numeric_is_imputed_with_the_median_then_z_scored() {
        let col = column("age", ColumnKind::Numeric, &["1", "2", "", "9"]);
        let source = source(&col, 4).unwrap();
        let encoded = encode(&[source], 4);
        // Median of 1, 2, 9 is 2, so the column is 1, 2, 2, 9.
        let (mean, sd) = mean_sd(&[1.0, 2.0, 2.0, 9.0]);
        let expected: Vec<f64> = [1.0, 2.0, 2.0, 9.0]
            .iter()
            .map(|v| (v - mean) / sd)
            .collect();
        for (got, want) in encoded.matrix.as_slice().iter().zip(&expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn categorical_is_one_hot_and_binary_is_zero_one() {
        let housing = column(
            "housing",
            ColumnKind::Categorical,
            &["own", "rent", "", "rent"],
        );
        let support = column("support", ColumnKind::Binary, &["no", "yes", "yes", "no"]);
        let sources = vec![source(&housing, 4).unwrap(), source(&support, 4).unwrap()];
        let encoded = encode(&sources, 4);
        assert_eq!(
            encoded.features,
            ["housing=rent", "housing=own", "support=yes"]
        );
        assert_eq!(encoded.matrix.row(0), [0.0, 1.0, 0.0]);
        assert_eq!(encoded.matrix.row(2), [0.0, 0.0, 1.0]);
    }

    #[test]
    fn values_near_the_float_limit_scale_without_overflow() {
        let cells: Vec<&str> = (0..30)
            .map(|i| if i % 2 == 0 { "1e308" } else { "-1e308" })
            .collect();
        let source = source(&column("x", ColumnKind::Numeric, &cells), 30).unwrap();
        let encoded = encode(&[source], 30);
        let values: Vec<f64> = encoded.matrix.rows().map(|row| row[0]).collect();
        assert!(
            values.iter().all(|v| (v.abs() - 1.0).abs() < 1e-12),
            "{values:?}"
        );
        let (mean, sd) = mean_sd(&[1e308, 1e308, -1e308, 1.7e308]);
        assert!(mean.is_finite() && sd.is_finite());
    }

    #[test]
    fn constant_column_becomes_zeros() {
        let col = column("x", ColumnKind::Numeric, &["3", "3", "3"]);
        let encoded = encode(&[source(&col, 3).unwrap()], 3);
        assert!(encoded.matrix.as_slice().iter().all(|v| *v == 0.0));
    }

    #[test]
    fn many_levels_share_an_other_feature() {
        let cells: Vec<String> = (0..30).map(|i| format!("l{i:02}")).collect();
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        let col = column("city", ColumnKind::Categorical, &refs);
        let encoded = encode(&[source(&col, 30).unwrap()], 30);
        assert_eq!(encoded.features.len(), MAX_LEVELS + 1);
        assert_eq!(encoded.features.last().unwrap(), "city=(other)");
    }
}
