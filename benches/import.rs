//! Benchmark: import + quality report of 100,000 referrals x 15 columns,
//! generated deterministically (ChaCha, seed 42) in memory. Prints the best
//! and median of 5 runs, rows per second and the figure beside the 2 s browser goal.
//!
//! Run: `cargo bench --bench import`

use std::time::{Duration, Instant};

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use signpost::import::{import, quality_report, ReadOptions};

const N_ROWS: usize = 100_000;
const RUNS: usize = 5;
const BROWSER_GOAL: Duration = Duration::from_secs(2);

/// Referrals shaped like a real export: an id, 1-5 scales, yes/no flags,
/// categories, dates, an outcome, and a few missing cells.
fn referrals_csv(n_rows: usize, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pathways = ["Housing advice", "Debt advice", "Crisis intervention", "Peer support", "Benefits check"];
    let genders = ["Female", "Male", "Non-binary", "Prefer not to say"];
    let areas = ["North", "South", "East", "West", "Central", "Rural"];
    let sources = ["Self", "GP", "Council", "Police", "School", "Other"];
    let mut out = String::with_capacity(n_rows * 120);
    out.push_str("referral_id,referral_date,age_band,gender,area,referral_source,urgency,housing_risk,debt_level,mental_health,has_children,employed,previous_referrals,pathway,completed\n");
    for row in 0..n_rows {
        let yes_no = |rng: &mut ChaCha8Rng| if rng.gen_bool(0.5) { "yes" } else { "no" };
        let missing = |text: String, rng: &mut ChaCha8Rng| if rng.gen_bool(0.02) { String::new() } else { text };
        let date = format!("2024-{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28));
        let age_band = ["18-25", "26-40", "41-65", "65+"][rng.gen_range(0..4)];
        let line = format!(
            "R{row:06},{date},{age_band},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            genders[rng.gen_range(0..genders.len())],
            areas[rng.gen_range(0..areas.len())],
            missing(sources[rng.gen_range(0..sources.len())].to_string(), &mut rng),
            rng.gen_range(1..=5),
            missing(rng.gen_range(1..=5).to_string(), &mut rng),
            missing(format!("{:.1}", rng.gen_range(0.0..20_000.0)), &mut rng),
            rng.gen_range(1..=5),
            yes_no(&mut rng),
            missing(yes_no(&mut rng).to_string(), &mut rng),
            rng.gen_range(0..8),
            pathways[rng.gen_range(0..pathways.len())],
            yes_no(&mut rng),
        );
        out.push_str(&line);
    }
    out
}

fn main() {
    let csv = referrals_csv(N_ROWS, 42);
    println!("import: {N_ROWS} rows x 15 columns, {:.1} MB of CSV", csv.len() as f64 / 1e6);
    let mut times = Vec::with_capacity(RUNS);
    let mut n_findings = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let imported = match import("bench.csv", csv.as_bytes(), &ReadOptions::default()) {
            Ok(imported) => imported,
            Err(err) => {
                eprintln!("bench data did not import: {err}");
                std::process::exit(1);
            }
        };
        let report = quality_report(&imported.dataset);
        times.push(start.elapsed());
        n_findings = report.messages().len();
        std::hint::black_box(report);
    }
    times.sort();
    let best = times[0];
    let median = times[RUNS / 2];
    println!("import + quality_report: best {:.3} s, median {:.3} s (of {RUNS} runs; {n_findings} findings)", best.as_secs_f64(), median.as_secs_f64());
    println!("rows per second (median): {:.0}", N_ROWS as f64 / median.as_secs_f64());
    println!(
        "goal: well under 1 s natively; browser goal {:.0} s -> median is {:.0}% of the browser goal",
        BROWSER_GOAL.as_secs_f64(),
        100.0 * median.as_secs_f64() / BROWSER_GOAL.as_secs_f64()
    );
}
