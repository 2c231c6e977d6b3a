//! Benchmark: flows from an event log. Prints figures, asserts nothing.
//!
//! 1. Discovery of a 1,000,000-stay log (the demo generator at about 290,000
//!    households): import of the CSV, reading the log, and discovery with
//!    and without the move model and segments. Goal: under 3 s in the browser.
//! 2. The back-test of the demo log (16,000 households, 10 years) from
//!    2021-01-01 with 20 replications. Goal: under 2 s.
//!
//! The full discovery prints the time of each step (`DISCOVER_STEPS`).
//!
//! Run with `cargo bench --bench flows`.

use std::time::Instant;

use signpost::flows::{self, DemoOptions, DiscoverOptions, LogOptions};
use signpost::import::{import, ReadOptions};

fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Seconds this thread has run on a CPU (Linux's schedstat), so a step's
/// cost shows apart from the machine's load; 0 where it cannot be read.
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn read(csv: &str) -> (f64, f64, f64, flows::EventLog) {
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
    let cpu_start = cpu();
    let (log, _quality) =
        flows::read_log(&imported.dataset, &roles, &log_options).expect("the demo log reads");
    (t_import, seconds(start), cpu() - cpu_start, log)
}

fn main() {
    let big = flows::demo_log(&DemoOptions {
        people: 290_000,
        years: 10,
        seed: 42,
    });
    let csv = flows::demo_to_csv(&big);
    let (t_import, t_read, t_read_cpu, log) = read(&csv);
    println!(
        "flows: discovery of a {}-stay log ({} people, {:.1} MB of CSV)",
        log.stays.len(),
        log.people.len(),
        csv.len() as f64 / 1e6
    );
    println!("  import CSV           {t_import:.3} s");
    println!("  read the log         {t_read:.3} s   ({t_read_cpu:.3} s on the CPU)");
    let basic = DiscoverOptions {
        move_model: false,
        segments: None,
        ..DiscoverOptions::default()
    };
    let start = Instant::now();
    let cpu_start = cpu();
    let d = flows::discover(&log, &basic);
    println!(
        "  discover (states, stays, moves, series)   {:.3} s   ({} states; {:.3} s on the CPU)",
        seconds(start),
        d.states.len(),
        cpu() - cpu_start
    );
    let start = Instant::now();
    let cpu_start = cpu();
    let mut steps: Vec<(String, Instant, f64)> = Vec::new();
    let d = flows::discover_with_progress(&log, &DiscoverOptions::default(), &mut |step| {
        steps.push((step.to_string(), Instant::now(), cpu()))
    });
    let (end, cpu_end) = (Instant::now(), cpu());
    println!(
        "  discover + move model + segments         {:.3} s   (goal: under 3 s in the browser; {:.3} s on the CPU)",
        seconds(start),
        cpu_end - cpu_start
    );
    for (i, (step, at, cpu_at)) in steps.iter().enumerate() {
        let (next, cpu_next) = steps.get(i + 1).map_or((end, cpu_end), |s| (s.1, s.2));
        println!(
            "    {step:<12} {:.3} s   ({:.3} s on the CPU)",
            (next - *at).as_secs_f64(),
            cpu_next - cpu_at
        );
    }
    println!(
        "  read the log + full discovery (what the page times)   {:.3} s   ({:.3} s on the CPU)",
        t_read + (end - start).as_secs_f64(),
        t_read_cpu + cpu_end - cpu_start
    );
    if let Some(seg) = &d.segments {
        println!(
            "  segments: k = {}, silhouette {:.3}, sizes {:?}{}",
            seg.k,
            seg.silhouette,
            seg.segments.iter().map(|s| s.size).collect::<Vec<_>>(),
            seg.sample_words()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        );
    }
    if let Some(m) = &d.move_model {
        println!(
            "  move model: held-out log loss {:.4} (table {:.4}), {} drivers",
            m.held_out_log_loss.model,
            m.held_out_log_loss.table,
            m.drivers.len()
        );
    }

    let demo = flows::demo_to_csv(&flows::demo_log(&DemoOptions::default()));
    let (_, _, _, log) = read(&demo);
    let d = flows::discover(&log, &DiscoverOptions::default());
    let options = flows::BacktestOptions {
        from: flows::parse_day("2021-01-01").expect("a date"),
        replications: 20,
        seed: 1,
        threshold: flows::DEFAULT_THRESHOLD,
    };
    let start = Instant::now();
    let cpu_start = cpu();
    let result = flows::backtest(&log, &d, &options, &mut |_, _| true).expect("the back-test runs");
    let cpu_backtest = cpu() - cpu_start;
    println!(
        "flows: back-test of the demo ({} stays) from 2021-01-01, 20 replications",
        log.stays.len()
    );
    println!(
        "  seconds              {:.3}   (goal: under 2 s; {cpu_backtest:.3} s on the CPU); error {:.1}%",
        seconds(start),
        result.mean_abs_pct_error * 100.0
    );
}
