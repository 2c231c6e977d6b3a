//! Benchmark: reasons (TreeSHAP) and batch scoring with the demo model, the
//! model the page trains from `#demo` (1,000 referrals, 100 trees, depth 10),
//! and TreeSHAP on a forest grown on 20,000 rows (the largest the issue asks
//! for), all classes and one class.
//!
//! Run: `cargo bench --bench explain`

use std::time::Instant;

use signpost::demo::{referrals, DemoOptions};
use signpost::model::batch;
use signpost::model::explainer::{ExplainScratch, Explainer};
use signpost::model::forest::{Forest, ForestParams};
use signpost::model::shap;
use signpost::model::train::{train, TrainConfig};

/// Best wall time of `n` runs of `f`, in seconds.
fn best<T>(n: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut best = f64::INFINITY;
    let mut result = None;
    for _ in 0..n {
        let start = Instant::now();
        result = Some(f());
        best = best.min(start.elapsed().as_secs_f64());
    }
    (result.expect("n >= 1"), best)
}

fn leaves(forest: &Forest) -> f64 {
    let total: usize = forest.trees().iter().map(|t| t.leaves()).sum();
    total as f64 / forest.trees().len().max(1) as f64
}

fn shap_figures(label: &str, forest: &Forest, rows: &[&[f64]]) {
    let (checksum, all) = best(3, || {
        rows.iter()
            .map(|row| shap::tree_shap(forest, row).values[0][0])
            .sum::<f64>()
    });
    println!(
        "{label}: TreeSHAP all classes {:.3} ms per row [checksum {checksum:.6}]",
        all * 1e3 / rows.len() as f64
    );
    let (checksum, one) = best(3, || {
        rows.iter()
            .map(|row| shap::tree_shap_class(forest, row, 0).values[0])
            .sum::<f64>()
    });
    println!(
        "{label}: TreeSHAP one class {:.3} ms per row [checksum {checksum:.6}]",
        one * 1e3 / rows.len() as f64
    );
    let (explainer, build) = best(3, || Explainer::new(forest).expect("a fitted forest"));
    let mut scratch = ExplainScratch::default();
    let (checksum, shared) = best(3, || {
        rows.iter()
            .map(|row| explainer.class_shap(row, 0, &mut scratch).values[0])
            .sum::<f64>()
    });
    println!(
        "{label}: TreeSHAP one class by the Explainer {:.3} ms per row [checksum {checksum:.6}], built once in {:.1} ms",
        shared * 1e3 / rows.len() as f64,
        build * 1e3
    );
}

fn main() {
    let history = referrals(&DemoOptions::default());
    let model = train(&history, &TrainConfig::default()).expect("demo trains");
    println!(
        "demo model: {} trees, mean leaves per tree {:.0}",
        model.forest.trees().len(),
        leaves(&model.forest)
    );
    let new = referrals(&DemoOptions {
        rows: 10_000,
        seed: 7,
        truth: false,
    });
    let first: Vec<usize> = (0..1_000).collect();
    let (encoded, _) = model.encoder.encode_rows(&new, &first).expect("encodes");
    let rows: Vec<&[f64]> = encoded.rows().collect();
    shap_figures("demo model", &model.forest, &rows);

    let (scored, plain) = best(3, || batch::score(&model, &new, false, &mut |_, _| {}));
    println!(
        "demo model: batch of 10,000 without reasons {:.0} ms ({} rows scored; browser goal < 1,000 ms)",
        plain * 1e3,
        scored.map(|r| r.rows.len()).unwrap_or(0)
    );
    let (scored, with) = best(1, || batch::score(&model, &new, true, &mut |_, _| {}));
    println!(
        "demo model: batch of 10,000 with the top three reasons {:.0} ms ({} rows scored)",
        with * 1e3,
        scored.map(|r| r.rows.len()).unwrap_or(0)
    );
    // What the batch did per row before the Explainer: suggest, then every
    // reason by the TreeSHAP walk (words for all of them).
    let (explained, walk) = best(1, || {
        (0..new.n_rows)
            .filter(|&row_idx| {
                let inputs = model.inputs_of_row(&new, row_idx);
                model
                    .suggest(&inputs)
                    .and_then(|s| model.explain(&inputs, &s.top))
                    .is_ok()
            })
            .count()
    });
    println!(
        "demo model: 10,000 suggestions with reasons by the walk, as the batch did before {:.0} ms ({explained} rows)",
        walk * 1e3
    );

    // The forest bench's 20,000-row referral-shaped data, grown deep.
    let big = referrals(&DemoOptions {
        rows: 20_000,
        seed: 11,
        truth: false,
    });
    let big_model = train(
        &big,
        &TrainConfig {
            forest: ForestParams::default(),
            ..TrainConfig::default()
        },
    )
    .expect("trains");
    println!(
        "20,000-row model: mean leaves per tree {:.0}",
        leaves(&big_model.forest)
    );
    let (encoded, _) = big_model
        .encoder
        .encode_rows(&new, &first)
        .expect("encodes");
    let rows: Vec<&[f64]> = encoded.rows().collect();
    shap_figures("20,000-row model", &big_model.forest, &rows);
}
