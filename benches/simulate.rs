//! Benchmark: the flow simulator. Prints figures, asserts nothing.
//!
//! 1. The demo scenario (a social landlord's system, ~16,000 people over 10
//!    simulated years), one replication. Goal: under 1 s in the browser.
//! 2. One M/M/1 station at utilisation 0.9, events per second, beside the
//!    SimPy reference (`bench/simpy_mmc.py`, run here when SimPy is
//!    installed). Goal: at least 50 times SimPy's events per second.
//!
//! Run with `cargo bench --bench simulate`.

use std::process::Command;
use std::time::Instant;

use signpost::sim::{demo_scenario, mmc_scenario, replicate, CheckedScenario, Replication};

const RUNS: usize = 5;

/// Median seconds of `RUNS` runs of replication 0, and its result.
fn time_replication(checked: &CheckedScenario) -> (f64, Replication) {
    let mut seconds = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let rep = replicate(checked, 1, 0).expect("a checked scenario runs");
        seconds.push(start.elapsed().as_secs_f64());
        last = Some(rep);
    }
    seconds.sort_by(f64::total_cmp);
    (seconds[RUNS / 2], last.expect("at least one run"))
}

fn main() {
    let demo = demo_scenario().check().expect("the demo scenario is valid");
    let (seconds, rep) = time_replication(&demo);
    println!("simulate: demo scenario, 10 years, one replication (median of {RUNS})");
    println!("  people          {}", rep.arrivals);
    println!("  events          {}", rep.events);
    println!("  seconds         {seconds:.4}   (goal: under 1 s in the browser)");
    println!("  events/s        {:.0}", rep.events as f64 / seconds);

    let (lambda, mu, c, horizon) = (0.9, 1.0, 1, 200_000.0);
    let mmc = mmc_scenario(lambda, mu, c, horizon, 0.0)
        .check()
        .expect("the M/M/1 scenario is valid");
    let (seconds, rep) = time_replication(&mmc);
    let ours = rep.events as f64 / seconds;
    println!("simulate: M/M/{c}, lambda {lambda}, mu {mu}, horizon {horizon} (median of {RUNS})");
    println!("  events          {}", rep.events);
    println!("  seconds         {seconds:.4}");
    println!("  events/s        {ours:.0}");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/simpy_mmc.py");
    let simpy = Command::new("python3")
        .args([script, "0.9", "1", "1", "200000"])
        .output();
    match simpy {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            print!("{text}");
            let rate = text
                .lines()
                .find(|l| l.trim_start().starts_with("events/s"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.replace(',', "").parse::<f64>().ok());
            if let Some(rate) = rate {
                println!(
                    "  Signpost / SimPy events per second: {:.0}x (goal: at least 50x)",
                    ours / rate
                );
            }
        }
        _ => println!("  SimPy not available: `pip install simpy` and rerun for the comparison"),
    }
}
