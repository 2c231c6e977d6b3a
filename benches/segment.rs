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
        let mut times = Vec::new();
        let mut chosen = 0;
        for _ in 0..3 {
            let start = Instant::now();
            let result = segment(&data, &config).expect("the bench data segments");
            times.push(start.elapsed().as_secs_f64());
            chosen = result.k;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {label}: median {:.3} s (min {:.3}, max {:.3}) over 3 runs; chosen k = {chosen}",
            times[1], times[0], times[2]
        );
    }
    println!("  reference: no figure given in the issue; the browser figure is the lead's");
}
