//! k-means: k-means++ seeding and Lloyd's iterations, written to give the
//! same partition natively and on wasm32 for the same seed.
//!
//! smartcore 0.7's `KMeans` runs the same two steps, but seeds k-means++ with
//! `SmallRng` inside a private function and takes no initial centroids, and
//! `SmallRng` is a different generator on 64-bit and on wasm32, so its result
//! for one seed differs between the CLI and the page. Here every draw comes
//! from `ChaCha8Rng` through `u64` ranges and `f64` samples (both defined
//! independently of the pointer width), the arithmetic is plain IEEE `f64` in
//! a fixed order, and ties go to the lowest index. The tests check the result
//! against smartcore's `KMeans` on separated data (same partition, no worse
//! inertia).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::matrix::Matrix;

/// Independent k-means++ starts per k; the lowest inertia wins.
pub(crate) const N_INIT: usize = 3;
/// Lloyd's iterations per start; real data converges long before.
pub(crate) const MAX_ITER: usize = 100;
/// Relative improvement of the inertia below which the iterations stop.
pub(crate) const TOLERANCE: f64 = 1e-4;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    pub labels: Vec<usize>,
    pub centroids: Vec<Vec<f64>>,
    /// Sum of squared distances to the assigned centroid.
    pub inertia: f64,
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// A uniform index below `n`, the same on every target.
fn index_below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    rng.gen_range(0..n as u64) as usize
}

/// k-means++: the first centre uniformly, each next one with probability
/// proportional to its squared distance from the nearest centre so far.
fn seed_centroids(x: &Matrix, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let n = x.n_rows();
    let mut centroids = vec![x.row(index_below(rng, n)).to_vec()];
    let mut nearest: Vec<f64> = x
        .rows()
        .map(|row| squared_distance(row, &centroids[0]))
        .collect();
    while centroids.len() < k {
        let total: f64 = nearest.iter().sum();
        let chosen = if total > 0.0 {
            let target = rng.gen::<f64>() * total;
            let mut cumulative = 0.0;
            let mut chosen = None;
            for (row_idx, d) in nearest.iter().enumerate() {
                cumulative += d;
                if *d > 0.0 && cumulative > target {
                    chosen = Some(row_idx);
                    break;
                }
            }
            // Rounding can leave the target just above the last sum: take the
            // last row that is not already a centre.
            chosen.or_else(|| nearest.iter().rposition(|d| *d > 0.0))
        } else {
            None
        };
        let row_idx = chosen.unwrap_or_else(|| index_below(rng, n));
        let centroid = x.row(row_idx).to_vec();
        for (d, row) in nearest.iter_mut().zip(x.rows()) {
            *d = d.min(squared_distance(row, &centroid));
        }
        centroids.push(centroid);
    }
    centroids
}

/// Nearest centroid per row (ties to the lower index) and the inertia.
fn assign(x: &Matrix, centroids: &[Vec<f64>], labels: &mut [usize], distances: &mut [f64]) -> f64 {
    let mut inertia = 0.0;
    for ((row, label), distance) in x.rows().zip(labels.iter_mut()).zip(distances.iter_mut()) {
        let mut best = (0, f64::INFINITY);
        for (c, centroid) in centroids.iter().enumerate() {
            let d = squared_distance(row, centroid);
            if d < best.1 {
                best = (c, d);
            }
        }
        *label = best.0;
        *distance = best.1;
        inertia += best.1;
    }
    inertia
}

fn update(x: &Matrix, labels: &[usize], k: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut sums = vec![vec![0.0; x.n_cols()]; k];
    let mut sizes = vec![0usize; k];
    for (row, &label) in x.rows().zip(labels) {
        sizes[label] += 1;
        for (sum, v) in sums[label].iter_mut().zip(row) {
            *sum += v;
        }
    }
    for (sum, &size) in sums.iter_mut().zip(&sizes) {
        if size > 0 {
            for v in sum.iter_mut() {
                *v /= size as f64;
            }
        }
    }
    (sums, sizes)
}

/// One start: Lloyd's iterations until no row changes segment. An emptied
/// segment takes the row farthest from its centre (a standard repair), so
/// the fit always has k non-empty segments when the data has k distinct rows.
fn lloyd(x: &Matrix, k: usize, rng: &mut ChaCha8Rng) -> Fit {
    let n = x.n_rows();
    let mut centroids = seed_centroids(x, k, rng);
    let mut labels = vec![usize::MAX; n];
    let mut next = vec![0usize; n];
    let mut distances = vec![0.0; n];
    let mut inertia = assign(x, &centroids, &mut next, &mut distances);
    let mut previous = f64::INFINITY;
    let mut repaired = false;
    for _ in 0..MAX_ITER {
        // Stop when no row moves, or when the inertia no longer improves by
        // a relative `TOLERANCE` (on overlapping groups a few border rows can
        // swap for dozens of rounds without changing the picture). After a
        // repair the inertia may rise, so that round always goes on.
        if next == labels || (!repaired && previous - inertia <= TOLERANCE * inertia) {
            break;
        }
        previous = inertia;
        repaired = false;
        labels.clone_from(&next);
        let (mut means, mut sizes) = update(x, &labels, k);
        for c in 0..k {
            if sizes[c] == 0 {
                let farthest = (0..n).filter(|&row_idx| sizes[labels[row_idx]] > 1).fold(
                    None::<usize>,
                    |best, row_idx| match best {
                        Some(b) if distances[b] >= distances[row_idx] => Some(b),
                        _ => Some(row_idx),
                    },
                );
                if let Some(row_idx) = farthest {
                    sizes[labels[row_idx]] -= 1;
                    labels[row_idx] = c;
                    sizes[c] = 1;
                    distances[row_idx] = 0.0;
                    repaired = true;
                    (means, sizes) = update(x, &labels, k);
                }
            }
        }
        centroids = means;
        inertia = assign(x, &centroids, &mut next, &mut distances);
    }
    labels = next;
    Fit {
        labels,
        centroids,
        inertia,
    }
}

/// The best of `N_INIT` starts. Needs `2 <= k <= x.n_rows()`.
pub(crate) fn fit(x: &Matrix, k: usize, rng: &mut ChaCha8Rng) -> Fit {
    assert!(
        k >= 2 && k <= x.n_rows(),
        "k-means called with k = {k} on {} rows",
        x.n_rows()
    );
    let mut best: Option<Fit> = None;
    for _ in 0..N_INIT {
        let fit = lloyd(x, k, rng);
        // A start that left a segment empty (possible only on heavily
        // duplicated rows) loses to any start that did not.
        let key = |f: &Fit| (has_empty(f), f.inertia);
        if best.as_ref().is_none_or(|b| key(&fit) < key(b)) {
            best = Some(fit);
        }
    }
    let best = best.unwrap_or_else(|| unreachable!("N_INIT is at least 1"));
    relabel(best)
}

fn has_empty(fit: &Fit) -> bool {
    (0..fit.centroids.len()).any(|c| !fit.labels.contains(&c))
}

/// Renumbers segments by size (largest first; ties by first row), so
/// "segment 1" is the biggest and the numbering does not depend on the seeding.
fn relabel(fit: Fit) -> Fit {
    let k = fit.centroids.len();
    let mut sizes = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (row_idx, &label) in fit.labels.iter().enumerate() {
        sizes[label] += 1;
        first[label] = first[label].min(row_idx);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|a, b| sizes[*b].cmp(&sizes[*a]).then(first[*a].cmp(&first[*b])));
    let mut new_label = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_label[old] = new;
    }
    Fit {
        labels: fit.labels.iter().map(|&l| new_label[l]).collect(),
        centroids: order
            .iter()
            .map(|&old| fit.centroids[old].clone())
            .collect(),
        inertia: fit.inertia,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn blobs(centres: &[[f64; 2]], per: usize, spread: f64, seed: u64) -> (Matrix, Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut data = Vec::new();
        let mut truth = Vec::new();
        for (c, centre) in centres.iter().enumerate() {
            for _ in 0..per {
                data.push(centre[0] + spread * (rng.gen::<f64>() - 0.5));
                data.push(centre[1] + spread * (rng.gen::<f64>() - 0.5));
                truth.push(c);
            }
        }
        (Matrix::new(truth.len(), 2, data).unwrap(), truth)
    }

    #[test]
    fn four_points_two_pairs_oracle() {
        let x = Matrix::from_rows(&[
            vec![0.0, 0.0],
            vec![0.0, 1.0],
            vec![10.0, 0.0],
            vec![10.0, 1.0],
        ])
        .unwrap();
        let fit = fit(&x, 2, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(fit.labels[0], fit.labels[1]);
        assert_eq!(fit.labels[2], fit.labels[3]);
        assert_ne!(fit.labels[0], fit.labels[2]);
        // Each pair is 0.5 from its mean: 4 * 0.25.
        assert!((fit.inertia - 1.0).abs() < 1e-12);
    }

    #[test]
    fn every_segment_is_non_empty_with_many_duplicates() {
        let mut rows = vec![vec![0.0]; 50];
        rows.push(vec![1.0]);
        rows.push(vec![2.0]);
        let x = Matrix::from_rows(&rows).unwrap();
        for seed in 0..20 {
            let fit = fit(&x, 3, &mut ChaCha8Rng::seed_from_u64(seed));
            for c in 0..3 {
                assert!(fit.labels.contains(&c), "seed {seed}: segment {c} empty");
            }
        }
    }

    #[test]
    fn agrees_with_smartcore_kmeans_on_separated_blobs() {
        use smartcore::cluster::kmeans::{KMeans, KMeansParameters};
        use smartcore::linalg::basic::matrix::DenseMatrix;
        let (x, _) = blobs(&[[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]], 60, 2.0, 7);
        let ours = fit(&x, 3, &mut ChaCha8Rng::seed_from_u64(3));
        let dense = DenseMatrix::new(x.n_rows(), 2, x.as_slice().to_vec(), false).unwrap();
        let params = KMeansParameters {
            k: 3,
            max_iter: 100,
            seed: Some(3),
        };
        let model: KMeans<f64, usize, DenseMatrix<f64>, Vec<usize>> =
            KMeans::fit(&dense, params).unwrap();
        let theirs: Vec<usize> = model.predict(&dense).unwrap();
        // Same partition up to renaming: a bijection between labels.
        let mut map = [usize::MAX; 3];
        for (&a, &b) in ours.labels.iter().zip(&theirs) {
            assert!(map[a] == usize::MAX || map[a] == b);
            map[a] = b;
        }
        let (centroids, _) = update(&x, &theirs, 3);
        let theirs_inertia: f64 = x
            .rows()
            .zip(&theirs)
            .map(|(row, &l)| squared_distance(row, &centroids[l]))
            .sum();
        assert!(ours.inertia <= theirs_inertia + 1e-9);
    }

    #[test]
    fn same_seed_same_fit() {
        let (x, _) = blobs(
            &[[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 3.0]],
            40,
            4.0,
            11,
        );
        let a = fit(&x, 4, &mut ChaCha8Rng::seed_from_u64(9));
        let b = fit(&x, 4, &mut ChaCha8Rng::seed_from_u64(9));
        assert_eq!(a, b);
    }

    #[test]
    fn segments_are_numbered_by_size() {
        let (x, _) = blobs(&[[0.0, 0.0], [50.0, 0.0]], 10, 1.0, 2);
        let mut rows: Vec<Vec<f64>> = x.rows().map(<[f64]>::to_vec).collect();
        rows.extend((0..20).map(|i| vec![50.0 + f64::from(i) * 0.01, 0.0]));
        let x = Matrix::from_rows(&rows).unwrap();
        let fit = fit(&x, 2, &mut ChaCha8Rng::seed_from_u64(0));
        assert_eq!(fit.labels.iter().filter(|&&l| l == 0).count(), 30);
    }
}
