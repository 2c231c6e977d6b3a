//! Stratified splits: k folds and a held-out share, both keeping each
//! pathway's share of rows, both seeded (ChaCha8) so a seed gives the same
//! split natively and in the browser.
//!
//! Each class's rows are shuffled and dealt round-robin to the folds (the
//! starting fold rotates between classes so fold sizes stay even).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Rows of each class, in row order.
/// Shuffles with `u64` draws (see `crate::rng`): `SliceRandom::shuffle`
/// gave other folds, and so another model, in the browser than natively.
pub use crate::rng::shuffle;

fn by_class(labels: &[usize], n_classes: usize) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new(); n_classes];
    for (row_idx, &label) in labels.iter().enumerate() {
        if let Some(group) = groups.get_mut(label) {
            group.push(row_idx);
        }
    }
    groups
}

/// Fold number (`0..k`) of every row.
pub fn stratified_folds(labels: &[usize], n_classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0; labels.len()];
    let mut next = 0;
    for mut group in by_class(labels, n_classes) {
        shuffle(&mut group, &mut rng);
        for row_idx in group {
            fold_of[row_idx] = next % k;
            next += 1;
        }
    }
    fold_of
}

/// (training rows, held-out rows): `share` of each class held out (rounded,
/// at least one row of a class with two or more rows).
pub fn stratified_holdout(
    labels: &[usize],
    n_classes: usize,
    share: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for mut group in by_class(labels, n_classes) {
        shuffle(&mut group, &mut rng);
        let mut n_test = (group.len() as f64 * share).round() as usize;
        if n_test == 0 && group.len() >= 2 && share > 0.0 {
            n_test = 1;
        }
        let n_test = n_test.min(group.len());
        test.extend_from_slice(&group[..n_test]);
        train.extend_from_slice(&group[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn folds_keep_class_shares(labels in proptest::collection::vec(0usize..3, 30..300), k in 2usize..6, seed in 0u64..50) {
            let folds = stratified_folds(&labels, 3, k, seed);
            for class in 0..3 {
                let counts: Vec<usize> = (0..k)
                    .map(|f| labels.iter().zip(&folds).filter(|(l, fo)| **l == class && **fo == f).count())
                    .collect();
                let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                prop_assert!(max - min <= 1, "class {} counts {:?}", class, counts);
            }
        }

        #[test]
        fn holdout_partitions_rows(labels in proptest::collection::vec(0usize..4, 10..200), seed in 0u64..50) {
            let (train, test) = stratified_holdout(&labels, 4, 0.2, seed);
            let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..labels.len()).collect::<Vec<_>>());
            for class in 0..4 {
                let n = labels.iter().filter(|l| **l == class).count();
                let n_test = test.iter().filter(|&&r| labels[r] == class).count();
                prop_assert!((n_test as f64 - 0.2 * n as f64).abs() <= 1.0);
            }
        }
    }
}
