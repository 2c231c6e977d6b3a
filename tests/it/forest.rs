//! The forest and TreeSHAP against real data, smartcore, and invariants.

use proptest::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::model::forest::{ClassWeight, Forest, ForestParams, MaxFeatures};
use signpost::model::matrix::Matrix;
use signpost::model::shap::{brute_force_shap, tree_shap};
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

/// A CSV of numeric features whose last column is the class name.
fn load(path: &str) -> (Vec<Vec<f64>>, Vec<usize>, usize) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut labels = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let n = record.len();
        rows.push(
            (0..n - 1)
                .map(|i| record[i].parse::<f64>().unwrap())
                .collect(),
        );
        let name = record[n - 1].to_string();
        let label = match names.iter().position(|known| *known == name) {
            Some(label) => label,
            None => {
                names.push(name);
                names.len() - 1
            }
        };
        labels.push(label);
    }
    (rows, labels, names.len())
}

/// Stratified folds: each class's rows shuffled, then dealt round-robin.
fn stratified_folds(labels: &[usize], n_classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0; labels.len()];
    let mut next = 0;
    for class in 0..n_classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        members.shuffle(&mut rng);
        for row_idx in members {
            fold_of[row_idx] = next % k;
            next += 1;
        }
    }
    fold_of
}

fn select<T: Clone>(items: &[T], fold_of: &[usize], keep: impl Fn(usize) -> bool) -> Vec<T> {
    items
        .iter()
        .zip(fold_of)
        .filter(|(_, f)| keep(**f))
        .map(|(item, _)| item.clone())
        .collect()
}

/// Mean 5-fold accuracy of our forest and of smartcore's on the same folds.
fn cross_validate(path: &str, n_shuffles: u64) -> (f64, f64) {
    let (rows, labels, n_classes) = load(path);
    let params = ForestParams {
        max_depth: usize::MAX,
        class_weight: ClassWeight::None,
        ..ForestParams::default()
    };
    let (mut ours, mut theirs, mut n) = (0.0, 0.0, 0.0);
    for shuffle in 0..n_shuffles {
        let fold_of = stratified_folds(&labels, n_classes, 5, shuffle);
        for fold in 0..5 {
            let train_x = select(&rows, &fold_of, |f| f != fold);
            let train_y = select(&labels, &fold_of, |f| f != fold);
            let test_x = select(&rows, &fold_of, |f| f == fold);
            let test_y = select(&labels, &fold_of, |f| f == fold);
            let x = Matrix::from_rows(&train_x).unwrap();
            let forest = Forest::fit(&x, &train_y, n_classes, None, &params).unwrap();
            let right = test_x
                .iter()
                .zip(&test_y)
                .filter(|(row, &label)| forest.predict(row) == label)
                .count();
            ours += right as f64 / test_y.len() as f64;

            let sc_x = DenseMatrix::from_2d_vec(&train_x).unwrap();
            let sc_y: Vec<u32> = train_y.iter().map(|&l| l as u32).collect();
            let sc_params = RandomForestClassifierParameters::default()
                .with_n_trees(100)
                .with_seed(shuffle * 10 + fold as u64);
            let sc_forest = RandomForestClassifier::fit(&sc_x, &sc_y, sc_params).unwrap();
            let sc_predicted: Vec<u32> = sc_forest
                .predict(&DenseMatrix::from_2d_vec(&test_x).unwrap())
                .unwrap();
            let right = sc_predicted
                .iter()
                .zip(&test_y)
                .filter(|(p, &label)| **p as usize == label)
                .count();
            theirs += right as f64 / test_y.len() as f64;
            n += 1.0;
        }
    }
    (ours / n, theirs / n)
}

/// Our CV accuracy is within 2 points of scikit-learn's (REFERENCE.md) and
/// no worse than smartcore's on the same folds, less 0.01.
fn check_real_data(file: &str, reference: f64) {
    let (ours, smartcore) = cross_validate(file, 3);
    println!("{file}: ours {ours:.4}, smartcore {smartcore:.4}, reference {reference}");
    assert!(
        (ours - reference).abs() <= 0.02,
        "{file}: accuracy {ours:.4}, reference {reference}"
    );
    assert!(
        ours >= smartcore - 0.01,
        "{file}: ours {ours:.4}, smartcore {smartcore:.4}"
    );
}

#[test]
fn iris_cross_validation_matches_scikit_learn_and_smartcore() {
    check_real_data(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv"),
        0.945,
    );
}

#[test]
fn breast_cancer_cross_validation_matches_scikit_learn_and_smartcore() {
    check_real_data(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/breast_cancer.csv"),
        0.959,
    );
}

/// A fixed small data set: 200 rows, 4 features, 3 classes.
fn fixed_data(seed: u64) -> (Matrix, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows: Vec<Vec<f64>> = (0..200)
        .map(|_| {
            vec![
                f64::from(rng.gen_range(1..=5u32)),
                f64::from(rng.gen_range(0..=1u32)),
                f64::from(rng.gen_range(0..1000u32)) / 10.0,
                f64::from(rng.gen_range(1..=5u32)),
            ]
        })
        .collect();
    let y = rows
        .iter()
        .map(|r| {
            let noise = rng.gen_range(0..3u32) as usize;
            if noise == 0 {
                rng.gen_range(0..3u32) as usize
            } else if r[0] + r[1] > 4.0 {
                0
            } else if r[2] > 50.0 {
                1
            } else {
                2
            }
        })
        .collect();
    (Matrix::from_rows(&rows).unwrap(), y)
}

fn small_params(seed: u64) -> ForestParams {
    ForestParams {
        n_trees: 10,
        max_depth: 6,
        seed,
        ..ForestParams::default()
    }
}

#[test]
fn same_seed_same_forest_other_seed_other_forest() {
    let (x, y) = fixed_data(1);
    let a = Forest::fit(&x, &y, 3, None, &small_params(5)).unwrap();
    let b = Forest::fit(&x, &y, 3, None, &small_params(5)).unwrap();
    let c = Forest::fit(&x, &y, 3, None, &small_params(6)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), c.fingerprint());
}

/// Caught here: any change to the algorithm, the random draws, or a target
/// that computes differently (the browser test compares the same value).
#[test]
fn forest_fingerprint_is_stable_across_builds() {
    let (x, y) = fixed_data(1);
    let forest = Forest::fit(&x, &y, 3, None, &small_params(42)).unwrap();
    assert_eq!(
        forest.fingerprint(),
        PINNED_FINGERPRINT,
        "{:#018x}",
        forest.fingerprint()
    );
}

const PINNED_FINGERPRINT: u64 = 0x7b30_5075_1e14_fe65;

#[test]
fn forest_survives_a_json_round_trip() {
    let (x, y) = fixed_data(2);
    let forest = Forest::fit(&x, &y, 3, None, &small_params(1)).unwrap();
    let json = serde_json::to_string(&forest).unwrap();
    let back: Forest = serde_json::from_str(&json).unwrap();
    assert_eq!(back.fingerprint(), forest.fingerprint());
}

#[test]
fn importances_sum_to_one_and_favour_the_informative_features() {
    let (x, y) = fixed_data(3);
    let forest = Forest::fit(&x, &y, 3, None, &ForestParams::default()).unwrap();
    let importances = forest.feature_importances();
    assert!((importances.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Feature 3 plays no part in the label.
    assert!(importances[3] < importances[0] && importances[3] < importances[2]);
}

#[test]
fn tree_shap_agrees_with_brute_force_on_a_real_forest() {
    let (x, y) = fixed_data(4);
    let params = ForestParams {
        n_trees: 20,
        max_depth: 8,
        max_features: MaxFeatures::All,
        ..ForestParams::default()
    };
    let forest = Forest::fit(&x, &y, 3, None, &params).unwrap();
    for row in x.rows().take(30) {
        let fast = tree_shap(&forest, row);
        let exact = brute_force_shap(&forest, row);
        for (b1, b2) in fast.base.iter().zip(&exact.base) {
            assert!((b1 - b2).abs() < 1e-9);
        }
        for (v1, v2) in fast.values.iter().zip(&exact.values) {
            for (a, b) in v1.iter().zip(v2) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b}");
            }
        }
    }
}

/// Small random data sets: rows of 1-4 features with values 0-5, 1-4 classes.
fn small_data() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<usize>, usize, u64)> {
    (1usize..5, 1usize..5, 2usize..40, any::<u64>()).prop_flat_map(
        |(n_features, n_classes, n_rows, seed)| {
            (
                proptest::collection::vec(proptest::collection::vec(0u8..6, n_features), n_rows),
                proptest::collection::vec(0..n_classes, n_rows),
                Just(n_classes),
                Just(seed),
            )
                .prop_map(|(rows, y, n_classes, seed)| {
                    let rows = rows
                        .into_iter()
                        .map(|r| r.into_iter().map(f64::from).collect())
                        .collect();
                    (rows, y, n_classes, seed)
                })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn probabilities_are_shares_summing_to_one((rows, y, n_classes, seed) in small_data()) {
        let x = Matrix::from_rows(&rows).unwrap();
        let params = ForestParams { n_trees: 5, seed, ..ForestParams::default() };
        let forest = Forest::fit(&x, &y, n_classes, None, &params).unwrap();
        for row in x.rows() {
            let proba = forest.predict_proba(row);
            prop_assert_eq!(proba.len(), n_classes);
            prop_assert!(proba.iter().all(|p| (0.0..=1.0).contains(p)));
            prop_assert!((proba.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            prop_assert!(proba[forest.predict(row)] >= proba.iter().copied().fold(0.0, f64::max));
        }
    }

    #[test]
    fn shap_adds_up_to_the_probability(
        (rows, y, n_classes, seed) in small_data(),
        probe in proptest::collection::vec(-1.0f64..7.0, 4),
    ) {
        let x = Matrix::from_rows(&rows).unwrap();
        let params = ForestParams { n_trees: 5, max_depth: 8, seed, ..ForestParams::default() };
        let forest = Forest::fit(&x, &y, n_classes, None, &params).unwrap();
        let row = &probe[..x.n_cols()];
        let shap = tree_shap(&forest, row);
        let proba = forest.predict_proba(row);
        for class in 0..n_classes {
            let total = shap.base[class] + shap.values.iter().map(|v| v[class]).sum::<f64>();
            prop_assert!((total - proba[class]).abs() < 1e-9, "class {}: {} vs {}", class, total, proba[class]);
        }
    }
}
