//! Benchmark: segmentation of 20,000 rows x 12 columns (9 numeric, 2
//! categorical, 1 binary; 5 latent groups) for k = 2..8, natively. The
//! browser figure is taken by the lead on the page.
//!
//! Run: `cargo bench --bench segment`

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::import::{Column, ColumnKind, Dataset, Role};
use signpost::segment::{segment, KChoice, SegmentConfig};

const N_ROWS: usize = 20_000;

fn data() -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut columns: Vec<Column> = Vec::new();
    let groups: Vec<usize> = (0..N_ROWS)
        .map(|_| rng.gen_range(0..5u64) as usize)
        .collect();
    for c in 0..9 {
        let cells = groups
            .iter()
            .map(|&g| {
                let centre = if g == c % 5 { 3.0 } else { 0.0 };
                let noise: f64 = (0..3).map(|_| rng.gen::<f64>() - 0.5).sum();
                Some(format!("{:.3}", centre + 2.0 * noise))
            })
            .collect();
        columns.push(Column {
            name: format!("n{c}"),
            kind: ColumnKind::Numeric,
            role: Role::Feature,
            cells,
        });
    }
    let levels = ["a", "b", "c", "d", "e", "f"];
    for c in 0..2 {
        let cells = groups
            .iter()
            .map(|&g| {
                let level = if rng.gen::<f64>() < 0.6 {
                    levels[g]
                } else {
                    levels[rng.gen_range(0..6u64) as usize]
                };
                Some(format!("{level}{c}"))
            })
            .collect();
        columns.push(Column {
            name: format!("cat{c}"),
            kind: ColumnKind::Categorical,
            role: Role::Feature,
            cells,
        });
    }
    let cells = groups
        .iter()
        .map(|&g| {
            Some(
                if (g < 2) == (rng.gen::<f64>() < 0.8) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
            )
        })
        .collect();
    columns.push(Column {
        name: "flag".to_string(),
        kind: ColumnKind::Binary,
        role: Role::Feature,
        cells,
    });
    Dataset {
        source: "bench.csv".to_string(),
        n_rows: N_ROWS,
        columns,
        success_rule: None,
    }
}

fn main() {
    let data = data();
    println!("segment: {N_ROWS} rows x {} columns", data.columns.len());
    for (label, k) in [
        ("k = 2..8 by silhouette", KChoice::Range(2, 8)),
        ("k = 5 fixed", KChoice::Fixed(5)),
    ] {
        let config = SegmentConfig {
            k,
            ..SegmentConfig::default()
        };
        let (times, chosen) = three_runs(&data, &config);
        println!(
            "  {label}: median {:.3} s (min {:.3}, max {:.3}) over 3 runs; chosen k = {chosen}",
            times[1], times[0], times[2]
        );
    }
    println!("  reference: no figure given in the issue; the browser figure is the lead's");
    wide();
}

/// Issue 14: 60 rows by 5,000 numeric columns took over five minutes when
/// the picture came from smartcore's PCA (a 5,000 x 5,000 decomposition).
fn wide() {
    let (n_rows, n_cols) = (60usize, 5_000usize);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let columns = (0..n_cols)
        .map(|c| Column {
            name: format!("c{c}"),
            kind: ColumnKind::Numeric,
            role: Role::Feature,
            cells: (0..n_rows)
                .map(|r| Some(format!("{:.3}", (r % 3) as f64 + rng.gen::<f64>())))
                .collect(),
        })
        .collect();
    let data = Dataset {
        source: "wide.csv".to_string(),
        n_rows,
        columns,
        success_rule: None,
    };
    let config = SegmentConfig {
        k: KChoice::Range(2, 8),
        ..SegmentConfig::default()
    };
    let (times, chosen) = three_runs(&data, &config);
    println!(
        "segment: {n_rows} rows x {n_cols} columns, k = 2..8: median {:.3} s (min {:.3}, max {:.3}) over 3 runs; chosen k = {chosen}",
        times[1], times[0], times[2]
    );
}

/// Three timed runs, sorted, and the k chosen.
fn three_runs(data: &Dataset, config: &SegmentConfig) -> (Vec<f64>, usize) {
    let mut times = Vec::new();
    let mut chosen = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let result = segment(data, config).expect("the bench data segments");
        times.push(start.elapsed().as_secs_f64());
        chosen = result.k;
    }
    times.sort_by(f64::total_cmp);
    (times, chosen)
}
