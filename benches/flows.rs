//! Benchmark: flows from an event log. Prints figures, asserts nothing.
//!
//! 1. Discovery of a 1,000,000-stay log (the demo generator at about 290,000
//!    households): import of the CSV, reading the log, and discovery with
//!    and without the move model and segments. Goal: under 3 s in the browser.
//! 2. The back-test of the demo log (16,000 households, 10 years) from
//!    2021-01-01 with 20 replications. Goal: under 2 s.
//!
//! Run with `cargo bench --bench flows`.

use std::time::Instant;

use signpost::flows::{self, DemoOptions, DiscoverOptions, LogOptions};
use signpost::import::{import, ReadOptions};

fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

fn read(csv: &str) -> (f64, f64, flows::EventLog) {
    let options = ReadOptions {
        max_bytes: usize::MAX,
        ..ReadOptions::default()
    };
    let start = Instant::now();
    let imported = import("log.csv", csv.as_bytes(), &options).expect("the demo log imports");
    let t_import = seconds(start);
    let roles = flows::guess_roles(&imported.dataset);
    let log_options = LogOptions {
        start_of_data: flows::parse_day("2016-01-01"),
        ..LogOptions::default()
    };
    let start = Instant::now();
    let (log, _quality) =
        flows::read_log(&imported.dataset, &roles, &log_options).expect("the demo log reads");
    (t_import, seconds(start), log)
}

fn main() {
    let big = flows::demo_log(&DemoOptions {
        people: 290_000,
        years: 10,
        seed: 42,
    });
    let csv = flows::demo_to_csv(&big);
    let (t_import, t_read, log) = read(&csv);
    println!(
        "flows: discovery of a {}-stay log ({} people, {:.1} MB of CSV)",
        log.stays.len(),
        log.people.len(),
        csv.len() as f64 / 1e6
    );
    println!("  import CSV           {t_import:.3} s");
    println!("  read the log         {t_read:.3} s");
    let basic = DiscoverOptions {
        move_model: false,
        segments: None,
        ..DiscoverOptions::default()
    };
    let start = Instant::now();
    let d = flows::discover(&log, &basic);
    println!(
        "  discover (states, stays, moves, series)   {:.3} s   ({} states)",
        seconds(start),
        d.states.len()
    );
    let start = Instant::now();
    let _ = flows::discover(&log, &DiscoverOptions::default());
    println!(
        "  discover + move model + segments         {:.3} s   (goal: under 3 s in the browser)",
        seconds(start)
    );

    let demo = flows::demo_to_csv(&flows::demo_log(&DemoOptions::default()));
    let (_, _, log) = read(&demo);
    let d = flows::discover(&log, &DiscoverOptions::default());
    let options = flows::BacktestOptions {
        from: flows::parse_day("2021-01-01").expect("a date"),
        replications: 20,
        seed: 1,
        threshold: flows::DEFAULT_THRESHOLD,
    };
    let start = Instant::now();
    let result = flows::backtest(&log, &d, &options, &mut |_, _| true).expect("the back-test runs");
    println!(
        "flows: back-test of the demo ({} stays) from 2021-01-01, 20 replications",
        log.stays.len()
    );
    println!(
        "  seconds              {:.3}   (goal: under 2 s); error {:.1}%",
        seconds(start),
        result.mean_abs_pct_error * 100.0
    );
}
