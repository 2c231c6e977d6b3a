//! Benchmarks in the browser: each function runs one engine workload in
//! this page's WebAssembly and returns the milliseconds it took (measured
//! with `performance.now()`), so `bench/browser.mjs` can read the figures
//! through Playwright (`window.wasmBindings`). The workloads are the ones
//! BENCHMARKS.md describes; nothing here is used by the screens.

use wasm_bindgen::prelude::*;

use crate::demo::{self, DemoOptions};
use crate::import::{self, quality_report, ReadOptions};
use crate::model::forest::{Forest, ForestParams};
use crate::model::train::{train, TrainConfig};

fn now() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

fn timed(f: impl FnOnce()) -> f64 {
    let start = now();
    f();
    now() - start
}

/// Import of a demo referral CSV of `rows` rows x 15 columns with the quality report.
#[wasm_bindgen]
pub fn bench_import(rows: usize) -> f64 {
    let csv = demo::to_csv(&demo::referrals(&DemoOptions {
        rows,
        seed: 42,
        truth: false,
    }));
    timed(|| {
        if let Ok(imported) = import::import("bench.csv", csv.as_bytes(), &ReadOptions::default()) {
            let _ = quality_report(&imported.dataset);
        }
    })
}

/// Fit of 100 trees, depth 10, on `rows` demo referrals (features encoded once, outside the timing).
#[wasm_bindgen]
pub fn bench_forest_fit(rows: usize) -> f64 {
    let data = demo::referrals(&DemoOptions {
        rows,
        seed: 42,
        truth: false,
    });
    let features: Vec<String> = data
        .columns
        .iter()
        .filter(|c| c.role == import::Role::Feature)
        .map(|c| c.name.clone())
        .collect();
    let all: Vec<usize> = (0..data.n_rows).collect();
    let Ok(encoder) = crate::model::encode::Encoder::fit(&data, &features, &all) else {
        return f64::NAN;
    };
    let Ok((x, _)) = encoder.encode_rows(&data, &all) else {
        return f64::NAN;
    };
    let Some(pathway) = data.pathway_column() else {
        return f64::NAN;
    };
    let levels = pathway.levels();
    let y: Vec<usize> = pathway
        .cells
        .iter()
        .map(|c| {
            c.as_ref()
                .and_then(|v| levels.iter().position(|l| l == v))
                .unwrap_or(0)
        })
        .collect();
    timed(|| {
        let _ = Forest::fit(&x, &y, levels.len(), None, &ForestParams::default());
    })
}

/// Fingerprint of a small seeded forest: the browser test compares it with
/// the native value pinned in `tests/it/forest.rs`.
#[wasm_bindgen]
pub fn forest_fingerprint_hex() -> String {
    let data = demo::referrals(&DemoOptions {
        rows: 300,
        seed: 1,
        truth: false,
    });
    let mut config = TrainConfig::default();
    config.forest.n_trees = 10;
    match train(&data, &config) {
        Ok(model) => format!("{:016x}", model.forest.fingerprint()),
        Err(err) => err.to_string(),
    }
}

/// One suggestion with reasons and set (mean over `repeats`), and a batch of
/// `batch_rows` referrals without and with reasons: [one_ms, batch_ms, batch_with_reasons_ms].
#[wasm_bindgen]
pub fn bench_suggest(repeats: usize, batch_rows: usize) -> Vec<f64> {
    let history = demo::referrals(&DemoOptions::default());
    let Ok(model) = train(&history, &TrainConfig::default()) else {
        return vec![f64::NAN; 3];
    };
    let new = demo::referrals(&DemoOptions {
        rows: batch_rows,
        seed: 7,
        truth: false,
    });
    let inputs: Vec<(String, Option<String>)> = model
        .encoder
        .features
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                new.column(&f.name)
                    .and_then(|c| c.cells.first().cloned().flatten()),
            )
        })
        .collect();
    let repeats = repeats.max(1);
    let one = timed(|| {
        for _ in 0..repeats {
            if let Ok(s) = model.suggest(&inputs) {
                let _ = model.explain(&inputs, &s.top);
            }
        }
    }) / repeats as f64;
    let batch = timed(|| {
        let _ = crate::model::batch::score(&model, &new, false, &mut |_, _| {});
    });
    let with_reasons = timed(|| {
        let _ = crate::model::batch::score(&model, &new, true, &mut |_, _| {});
    });
    vec![one, batch, with_reasons]
}

/// Ranking `n_services` random services for one person (mean over `repeats`).
#[wasm_bindgen]
pub fn bench_rank(n_services: usize, repeats: usize) -> f64 {
    use crate::ranker::{random_directory, rank, Date, Person, RankOptions};
    let directory = random_directory(2024, n_services);
    let person = Person {
        zip: "90101".into(),
        populations: vec!["Veterans".into()],
        over_income: false,
        issue: "Housing".into(),
        today: Date::parse("2026-12-03"),
    };
    let options = RankOptions::default();
    let repeats = repeats.max(1);
    timed(|| {
        for _ in 0..repeats {
            let _ = rank(&directory, &person, &options);
        }
    }) / repeats as f64
}

/// One replication of the demo scenario (about 16,000 people over 10 years).
#[wasm_bindgen]
pub fn bench_simulate() -> f64 {
    let Ok(checked) = crate::sim::demo_scenario().check() else {
        return f64::NAN;
    };
    timed(|| {
        let _ = crate::sim::replicate(&checked, 1, 0);
    })
}

/// Segmentation of `rows` demo referrals (12 columns incl. the protected
/// audit ones) for k = 2..8.
#[wasm_bindgen]
pub fn bench_segment(rows: usize) -> f64 {
    let data = demo::referrals(&DemoOptions {
        rows,
        seed: 42,
        truth: false,
    });
    let config = crate::segment::SegmentConfig::default();
    timed(|| {
        let _ = crate::segment::segment(&data, &config);
    })
}

/// A demo event log drawn, written as CSV and imported (outside every
/// timing), read with the guessed roles from 2016-01-01 as
/// `cargo bench --bench flows` reads it; `None` if any step fails.
fn flows_log(people: usize) -> Option<(import::Dataset, crate::flows::Roles)> {
    use crate::flows::{self, DemoOptions};
    let csv = flows::demo_to_csv(&flows::demo_log(&DemoOptions {
        people,
        years: 10,
        seed: 42,
    }));
    let options = ReadOptions {
        max_bytes: usize::MAX,
        ..ReadOptions::default()
    };
    let imported = import::import("log.csv", csv.as_bytes(), &options).ok()?;
    drop(csv);
    let roles = flows::guess_roles(&imported.dataset);
    Some((imported.dataset, roles))
}

fn flows_log_options() -> crate::flows::LogOptions {
    crate::flows::LogOptions {
        start_of_data: crate::flows::parse_day("2016-01-01"),
        ..crate::flows::LogOptions::default()
    }
}

/// Discovery of a demo event log of `people` households over 10 years
/// (290,000 give about 1,000,000 stays, the scale of `cargo bench --bench
/// flows`). Timed, from the imported table: reading the log (dates, tidy
/// states, window, sort, quality report) and the full discovery the Flows
/// screen runs (states, stays with their fits, moves, series, the move
/// model on the guessed person columns, usage segments for k = 2..6).
/// Returns `[total_ms, read_ms, discover_ms, stays, people, then one ms per
/// step of flows::DISCOVER_STEPS]`.
#[wasm_bindgen]
pub fn bench_flows_discover(people: usize) -> Vec<f64> {
    use crate::flows::{self, DiscoverOptions};
    let Some((dataset, roles)) = flows_log(people) else {
        return vec![f64::NAN];
    };
    let start = now();
    let Ok((log, _quality)) = flows::read_log(&dataset, &roles, &flows_log_options()) else {
        return vec![f64::NAN];
    };
    let read = now();
    let mut steps: Vec<f64> = Vec::new();
    let _ = flows::discover_with_progress(&log, &DiscoverOptions::default(), &mut |_| {
        steps.push(now())
    });
    let end = now();
    let mut out = vec![
        end - start,
        read - start,
        end - read,
        log.stays.len() as f64,
        log.people.len() as f64,
    ];
    for (i, at) in steps.iter().enumerate() {
        out.push(steps.get(i + 1).copied().unwrap_or(end) - at);
    }
    out
}

/// The back-test of the demo log (16,000 households, 10 years) from
/// 2021-01-01 to its end with `replications` replications. The log is read
/// and discovered outside the timing; timed is `flows::backtest` (building
/// the scenario from the discovery, the replications, the monthly
/// comparison). Returns `[ms, mean absolute percentage error]`.
#[wasm_bindgen]
pub fn bench_flows_backtest(replications: usize) -> Vec<f64> {
    use crate::flows::{self, BacktestOptions, DiscoverOptions};
    let Some((dataset, roles)) = flows_log(flows::DemoOptions::default().people) else {
        return vec![f64::NAN];
    };
    let Ok((log, _)) = flows::read_log(&dataset, &roles, &flows_log_options()) else {
        return vec![f64::NAN];
    };
    let discovery = flows::discover(&log, &DiscoverOptions::default());
    let Some(from) = flows::parse_day("2021-01-01") else {
        return vec![f64::NAN];
    };
    let options = BacktestOptions {
        from,
        replications,
        seed: 1,
        threshold: flows::DEFAULT_THRESHOLD,
    };
    let mut result = None;
    let ms = timed(|| result = flows::backtest(&log, &discovery, &options, &mut |_, _| true).ok());
    vec![ms, result.map_or(f64::NAN, |r| r.mean_abs_pct_error)]
}
