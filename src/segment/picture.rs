//! The picture of the segments: the sampled rows on their first two
//! principal components.
//!
//! Worked out here by power iteration with deflation rather than with
//! smartcore's PCA, for two reasons found by hostile files (issue 14):
//! smartcore decomposes the full d x d covariance when there are fewer rows
//! than columns (5,000 columns took minutes, time growing with the cube of
//! the column count), and its SVD panics ("no convergence") on values it
//! cannot handle, which with `panic = "abort"` kills the process or the page.
//! Power iteration needs only products with the data (`O(rows x columns)` per
//! step), has a fixed step budget, and cannot panic. Each component's sign is
//! fixed so its largest coordinate is positive, so the picture does not flip.

use super::{encode, PcaPoint, SegmentError};
use crate::model::matrix::Matrix;

/// Steps per component; each step costs two passes over the sample.
const MAX_STEPS: usize = 300;
/// Stop when the direction moves less than this (1 - |cos|).
const TOLERANCE: f64 = 1e-13;

/// The first two principal components of `x`'s rows `rows`, and the share of
/// the total variance each shows.
pub(crate) fn picture(
    x: &Matrix,
    rows: &[usize],
    labels: &[usize],
) -> Result<(Vec<PcaPoint>, [f64; 2]), SegmentError> {
    let sample = x.select_rows(rows);
    if let Some(value) = sample.as_slice().iter().find(|v| !v.is_finite()) {
        return Err(SegmentError::Pca {
            message: format!("a scaled value is {value}; check the file for values such as 1e308"),
        });
    }
    let (m, d) = (sample.n_rows(), sample.n_cols());
    let mut coords = vec![[0.0; 2]; m];
    let mut explained = [0.0; 2];
    if m >= 2 && d >= 1 {
        let centred = centre(&sample);
        let mut found: Vec<Vec<f64>> = Vec::new();
        for c in 0..d.min(2) {
            let Some(direction) = component(&centred, m, d, &found) else {
                break;
            };
            let column: Vec<f64> = (0..m)
                .map(|r| dot(centred.get(r * d..(r + 1) * d).unwrap_or(&[]), &direction))
                .collect();
            let flip = column.iter().fold(
                0.0_f64,
                |best, v| if v.abs() > best.abs() { *v } else { best },
            ) < 0.0;
            for (coord, v) in coords.iter_mut().zip(&column) {
                coord[c] = if flip { -v } else { *v };
            }
            found.push(direction);
        }
        // Variance shown by each component over the total variance.
        let total: f64 = (0..d)
            .map(|j| {
                let values: Vec<f64> = sample.rows().map(|row| row[j]).collect();
                let (_, sd) = encode::mean_sd(&values);
                sd * sd
            })
            .sum();
        if total > 0.0 {
            for (c, share) in explained.iter_mut().enumerate() {
                let values: Vec<f64> = coords.iter().map(|xy| xy[c]).collect();
                let (_, sd) = encode::mean_sd(&values);
                *share = sd * sd / total;
            }
        }
    }
    let points = rows
        .iter()
        .zip(coords)
        .map(|(&row_idx, xy)| PcaPoint {
            row_idx,
            segment: labels.get(row_idx).copied().unwrap_or(0),
            xy,
        })
        .collect();
    Ok((points, explained))
}

/// The rows minus the column means, row-major.
fn centre(sample: &Matrix) -> Vec<f64> {
    let d = sample.n_cols();
    let m = sample.n_rows().max(1) as f64;
    let mut means = vec![0.0; d];
    for row in sample.rows() {
        for (mean, v) in means.iter_mut().zip(row) {
            *mean += v / m;
        }
    }
    sample
        .rows()
        .flat_map(|row| row.iter().zip(&means).map(|(v, mean)| v - mean))
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f64]) -> f64 {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    norm
}

fn remove(v: &mut [f64], found: &[Vec<f64>]) {
    for u in found {
        let along = dot(v, u);
        v.iter_mut().zip(u).for_each(|(x, y)| *x -= along * y);
    }
}

/// The unit direction of greatest variance orthogonal to `found`, or `None`
/// when no variance is left.
fn component(centred: &[f64], m: usize, d: usize, found: &[Vec<f64>]) -> Option<Vec<f64>> {
    // A fixed start that is not symmetric in the columns (so it is not
    // orthogonal to the answer by accident on tidy data).
    let mut v: Vec<f64> = (0..d).map(|j| 1.0 + j as f64 / d as f64).collect();
    remove(&mut v, found);
    if normalise(&mut v) == 0.0 {
        return None;
    }
    for _ in 0..MAX_STEPS {
        // w = X^T (X v)
        let scores: Vec<f64> = (0..m)
            .map(|r| dot(centred.get(r * d..(r + 1) * d).unwrap_or(&[]), &v))
            .collect();
        let mut w = vec![0.0; d];
        for (r, score) in scores.iter().enumerate() {
            let row = centred.get(r * d..(r + 1) * d).unwrap_or(&[]);
            w.iter_mut().zip(row).for_each(|(x, y)| *x += score * y);
        }
        remove(&mut w, found);
        let norm = normalise(&mut w);
        if !(norm > 1e-300 && norm.is_finite()) {
            return None;
        }
        let moved = 1.0 - dot(&v, &w).abs();
        v = w;
        if moved < TOLERANCE {
            break;
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_the_points_lie_on() {
        // Points along (1, 2) with a little spread across it.
        let rows: Vec<Vec<f64>> = (0..20)
            .map(|i| {
                let t = i as f64 - 10.0;
                let across = if i % 2 == 0 { 0.1 } else { -0.1 };
                vec![t - 2.0 * across, 2.0 * t + across]
            })
            .collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let all: Vec<usize> = (0..20).collect();
        let (points, explained) = picture(&x, &all, &[0; 20]).unwrap();
        assert!(explained[0] > 0.99 && explained[1] < 0.01, "{explained:?}");
        // The first coordinate is t along the line: it moves one way with t,
        // and its largest value is positive (t = -10 lies farthest out).
        assert!(points.windows(2).all(|p| p[1].xy[0] < p[0].xy[0]));
        assert!(points[0].xy[0] > 0.0);
        let sum: f64 = explained.iter().sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn wide_data_is_quick_and_finite() {
        // 60 rows by 5,000 columns: smartcore's PCA decomposed 5,000 x 5,000.
        let rows: Vec<Vec<f64>> = (0..60)
            .map(|i| {
                (0..5_000)
                    .map(|j| ((i * 31 + j * 17) % 97) as f64)
                    .collect()
            })
            .collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let all: Vec<usize> = (0..60).collect();
        let (points, explained) = picture(&x, &all, &[0; 60]).unwrap();
        assert_eq!(points.len(), 60);
        assert!(points.iter().all(|p| p.xy.iter().all(|v| v.is_finite())));
        assert!(explained.iter().all(|s| (0.0..=1.0).contains(s)));
    }

    #[test]
    fn non_finite_values_are_refused() {
        let x = Matrix::from_rows(&[vec![f64::NAN, 1.0], vec![0.0, 2.0]]).unwrap();
        assert!(matches!(
            picture(&x, &[0, 1], &[0, 0]),
            Err(SegmentError::Pca { .. })
        ));
    }
}
