//! Silhouette scores, the measure that chooses k.
//!
//! Exact on up to `MAX_EXACT` rows. Beyond that it is computed on a seeded
//! sample of `MAX_EXACT` rows (as scikit-learn's `sample_size` does): every
//! row of the sample is scored against the other sampled rows only. The
//! pairwise distances of the sample are computed once and reused for every k.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::matrix::Matrix;

/// Rows scored exactly; also the most points the picture shows.
pub const MAX_EXACT: usize = 2_000;

/// Up to `max` distinct row indices in increasing order, drawn with a partial
/// Fisher-Yates shuffle; all rows when there are at most `max`.
pub(crate) fn sample_rows(n_rows: usize, max: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    if n_rows <= max {
        return (0..n_rows).collect();
    }
    let mut indices: Vec<usize> = (0..n_rows).collect();
    for i in 0..max {
        let j = i + rng.gen_range(0..(n_rows - i) as u64) as usize;
        indices.swap(i, j);
    }
    indices.truncate(max);
    indices.sort_unstable();
    indices
}

/// Pairwise Euclidean distances between the sampled rows (condensed upper triangle).
pub(crate) struct Distances {
    rows: Vec<usize>,
    condensed: Vec<f64>,
}

impl Distances {
    pub(crate) fn new(x: &Matrix, rows: Vec<usize>) -> Distances {
        let m = rows.len();
        let mut condensed = Vec::with_capacity(m * m.saturating_sub(1) / 2);
        for (i, &a) in rows.iter().enumerate() {
            let row_a = x.row(a);
            for &b in &rows[i + 1..] {
                let d: f64 = row_a
                    .iter()
                    .zip(x.row(b))
                    .map(|(p, q)| (p - q) * (p - q))
                    .sum();
                condensed.push(d.sqrt());
            }
        }
        Distances { rows, condensed }
    }

    pub(crate) fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Mean silhouette of the sampled rows under `labels` (one per row of the
    /// whole data, values below `k`). A row alone in its segment scores 0.
    pub(crate) fn score(&self, labels: &[usize], k: usize) -> f64 {
        let m = self.rows.len();
        if m < 2 {
            return 0.0;
        }
        let sample_labels: Vec<usize> = self.rows.iter().map(|&r| labels[r]).collect();
        let mut counts = vec![0usize; k];
        for &label in &sample_labels {
            counts[label] += 1;
        }
        // sums[i * k + c]: total distance from sampled row i to segment c.
        let mut sums = vec![0.0; m * k];
        let mut offset = 0;
        for i in 0..m {
            for j in i + 1..m {
                let d = self.condensed[offset + (j - i - 1)];
                sums[i * k + sample_labels[j]] += d;
                sums[j * k + sample_labels[i]] += d;
            }
            offset += m - i - 1;
        }
        let mut total = 0.0;
        for (i, &own) in sample_labels.iter().enumerate() {
            if counts[own] < 2 {
                continue;
            }
            let a = sums[i * k + own] / (counts[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && counts[c] > 0)
                .map(|c| sums[i * k + c] / counts[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let denominator = a.max(b);
            if b.is_finite() && denominator > 0.0 {
                total += (b - a) / denominator;
            }
        }
        total / m as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hand_computed_oracle() {
        // Points 0, 1 in one segment and 5 in the other, on a line.
        let x = Matrix::from_rows(&[vec![0.0], vec![1.0], vec![5.0]]).unwrap();
        let distances = Distances::new(&x, vec![0, 1, 2]);
        let score = distances.score(&[0, 0, 1], 2);
        // s0 = (5 - 1) / 5, s1 = (4 - 1) / 4, s2 = 0 (alone).
        let expected = (0.8 + 0.75 + 0.0) / 3.0;
        assert!((score - expected).abs() < 1e-12, "{score}");
    }

    #[test]
    fn sample_is_sorted_distinct_and_bounded() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let rows = sample_rows(10_000, 300, &mut rng);
        assert_eq!(rows.len(), 300);
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        assert!(rows.iter().all(|&r| r < 10_000));
        assert_eq!(sample_rows(7, 300, &mut rng), (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn score_is_between_minus_one_and_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let rows: Vec<Vec<f64>> = (0..60).map(|_| vec![rng.gen(), rng.gen()]).collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let labels: Vec<usize> = (0..60).map(|_| rng.gen_range(0..3u64) as usize).collect();
        let score = Distances::new(&x, (0..60).collect()).score(&labels, 3);
        assert!((-1.0..=1.0).contains(&score));
    }
}
