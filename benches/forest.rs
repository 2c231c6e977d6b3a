//! Benchmark: the random forest and TreeSHAP on 20,000 referral-shaped rows.
//!
//! Prints our fit time (100 trees, depth 10, balanced classes), smartcore's
//! `RandomForestClassifier` on the same rows (it has no class weights, so our
//! unweighted forest is timed too), hold-out accuracy (first 80% train, last
//! 20% test), TreeSHAP per row and batch prediction. Writes the rows to
//! `bench/out/forest_20k.csv` for `bench/sklearn_forest.py`.
//!
//! Run: `cargo bench --bench forest`

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::model::forest::{ClassWeight, Forest, ForestParams};
use signpost::model::matrix::Matrix;
use signpost::model::shap::tree_shap;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

const N_ROWS: usize = 20_000;
const N_FEATURES: usize = 12;
const N_CLASSES: usize = 4;

/// Referral-shaped rows: 8 needs scored 1-5, 4 yes/no flags; the pathway is
/// the best of four noisy linear scores, and 30% of rows get a random one.
fn referrals(seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(N_ROWS);
    let mut labels = Vec::with_capacity(N_ROWS);
    for _ in 0..N_ROWS {
        let row: Vec<f64> = (0..N_FEATURES)
            .map(|f| {
                if f < 8 {
                    f64::from(rng.gen_range(1..=5u32))
                } else {
                    f64::from(u8::from(rng.gen_bool(0.3)))
                }
            })
            .collect();
        let scores = [
            // Crisis: only with a crisis flag and high risk, so it is rarer.
            row[8] * (row[0] + row[1]) - 6.0,
            row[2] + row[3] - row[4] * 0.5,
            row[5] + row[9] * 2.0 - row[3] * 0.5,
            6.0 - row[0] - row[2] * 0.5 + row[10],
        ];
        let noisy: Vec<f64> = scores
            .iter()
            .map(|s| s + rng.gen_range(-1.0..1.0))
            .collect();
        let best = signpost::model::forest::argmax(&noisy);
        let label = if rng.gen_bool(0.7) {
            best
        } else {
            rng.gen_range(0..N_CLASSES as u32) as usize
        };
        rows.push(row);
        labels.push(label);
    }
    (rows, labels)
}

fn write_csv(rows: &[Vec<f64>], labels: &[usize]) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/out");
    let mut text = String::new();
    let header: Vec<String> = (0..N_FEATURES).map(|f| format!("f{f}")).collect();
    text.push_str(&header.join(","));
    text.push_str(",pathway\n");
    for (row, label) in rows.iter().zip(labels) {
        let cells: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
        text.push_str(&cells.join(","));
        text.push_str(&format!(",{label}\n"));
    }
    let written = std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(format!("{dir}/forest_20k.csv"), text));
    match written {
        Ok(()) => println!("wrote {dir}/forest_20k.csv"),
        Err(error) => println!("could not write the CSV: {error}"),
    }
}

fn accuracy(predicted: &[usize], truth: &[usize]) -> f64 {
    let right = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    right as f64 / truth.len() as f64
}

/// CPU seconds this process has used (user + system, 10 ms ticks; Linux),
/// printed beside wall time because the machine is shared.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs `f` `n` times; returns the result of the last run and the wall
/// times, sorted.
fn timed<T>(n: usize, mut f: impl FnMut() -> T) -> (T, Vec<f64>) {
    let mut times = Vec::new();
    let mut result = None;
    let cpu_start = cpu_seconds();
    for _ in 0..n {
        let start = Instant::now();
        result = Some(f());
        times.push(start.elapsed().as_secs_f64());
    }
    println!(
        "  (cpu time per run: {:.3} s)",
        (cpu_seconds() - cpu_start) / n as f64
    );
    times.sort_by(f64::total_cmp);
    (result.expect("n >= 1"), times)
}

fn main() {
    let (rows, labels) = referrals(7);
    write_csv(&rows, &labels);
    let n_train = N_ROWS * 8 / 10;
    let x_train = Matrix::from_rows(&rows[..n_train]).expect("rectangular");
    let x_test = Matrix::from_rows(&rows[n_train..]).expect("rectangular");
    let (y_train, y_test) = labels.split_at(n_train);
    println!("data: {N_ROWS} rows x {N_FEATURES} features, {N_CLASSES} classes; train {n_train}, test {}", N_ROWS - n_train);

    let balanced = ForestParams::default();
    let (forest, times) = timed(3, || {
        Forest::fit(&x_train, y_train, N_CLASSES, None, &balanced).expect("valid data")
    });
    let predicted: Vec<usize> = x_test.rows().map(|r| forest.predict(r)).collect();
    println!(
        "ours fit, 100 trees, depth 10, balanced: min {:.3} s, median {:.3} s (3 runs; goal well under 1 s; scikit-learn one thread ~0.75 s) hold-out accuracy {:.4}",
        times[0],
        times[1],
        accuracy(&predicted, y_test)
    );
    let unweighted = ForestParams {
        class_weight: ClassWeight::None,
        ..ForestParams::default()
    };
    let (plain, times) = timed(3, || {
        Forest::fit(&x_train, y_train, N_CLASSES, None, &unweighted).expect("valid data")
    });
    let predicted: Vec<usize> = x_test.rows().map(|r| plain.predict(r)).collect();
    println!(
        "ours fit, 100 trees, depth 10, unweighted: min {:.3} s, median {:.3} s, hold-out accuracy {:.4}",
        times[0],
        times[1],
        accuracy(&predicted, y_test)
    );
    let depths: Vec<usize> = forest.trees().iter().map(|t| t.depth()).collect();
    let leaves: usize = forest.trees().iter().map(|t| t.leaves()).sum();
    println!(
        "ours: max tree depth {}, mean leaves per tree {:.0}",
        depths.iter().max().unwrap_or(&0),
        leaves as f64 / forest.trees().len() as f64
    );

    let sc_x = DenseMatrix::from_2d_vec(&rows[..n_train].to_vec()).expect("rectangular");
    let sc_y: Vec<u32> = y_train.iter().map(|&l| l as u32).collect();
    let sc_params = RandomForestClassifierParameters::default()
        .with_n_trees(100)
        .with_max_depth(10)
        .with_seed(42);
    let (sc_forest, times) = timed(1, || {
        RandomForestClassifier::fit(&sc_x, &sc_y, sc_params.clone()).expect("smartcore fit")
    });
    let sc_test = DenseMatrix::from_2d_vec(&rows[n_train..].to_vec()).expect("rectangular");
    let sc_predicted: Vec<u32> = sc_forest.predict(&sc_test).expect("smartcore predict");
    let sc_predicted: Vec<usize> = sc_predicted.iter().map(|&l| l as usize).collect();
    println!(
        "smartcore 0.7 fit, 100 trees, depth 10, sqrt features (no class weights): {:.3} s (1 run), hold-out accuracy {:.4}",
        times[0],
        accuracy(&sc_predicted, y_test)
    );

    let shap_rows: Vec<&[f64]> = x_test.rows().take(1_000).collect();
    let (checksum, times) = timed(3, || {
        shap_rows
            .iter()
            .map(|row| tree_shap(&forest, row).values[0][0])
            .sum::<f64>()
    });
    println!(
        "TreeSHAP, all classes: {:.3} ms per row (mean over {} rows, best of 3; goal one suggestion < 10 ms) [checksum {checksum:.3}]",
        times[0] * 1e3 / shap_rows.len() as f64,
        shap_rows.len()
    );

    let batch_rows: Vec<Vec<f64>> = rows.iter().take(10_000).cloned().collect();
    let batch = Matrix::from_rows(&batch_rows).expect("rectangular");
    let (proba, times) = timed(3, || forest.predict_proba_batch(&batch));
    println!(
        "predict_proba_batch, 10,000 rows: {:.3} s (best of 3) [{} rows]",
        times[0],
        proba.len()
    );
    println!("fingerprint {:016x}", forest.fingerprint());
}
