//! Benchmark: ranking 10,000 random services for one person (goal in the
//! browser: under 5 ms). Prints the native figure; the browser figure is
//! taken by the lead. Run with `cargo bench --bench ranker`.

use signpost::ranker::{random_directory, rank, Algorithm, Date, Person, RankOptions};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let n_services = 10_000;
    let directory = random_directory(2024, n_services);
    let person = Person {
        zip: "90101".into(),
        populations: vec!["Veterans".into()],
        over_income: false,
        issue: "Housing".into(),
        today: Date::parse("2026-12-03"),
    };
    println!("ranker: {n_services} random services (seed 2024), one person (zip 90101, Housing, Veterans)");
    for (algorithm, list_excluded) in [
        (Algorithm::Y2024, true),
        (Algorithm::Y2024, false),
        (Algorithm::Y2017, true),
        (Algorithm::Y2017, false),
    ] {
        let options = RankOptions {
            algorithm,
            list_excluded,
            ..RankOptions::default()
        };
        // Warm-up, and the sizes of the result for the record.
        let result = match rank(&directory, &person, &options) {
            Ok(result) => result,
            Err(err) => {
                eprintln!("ranker bench: {err}");
                return;
            }
        };
        for _ in 0..20 {
            black_box(rank(black_box(&directory), black_box(&person), &options).ok());
        }
        let runs = 200;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            black_box(rank(black_box(&directory), black_box(&person), &options).ok());
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / runs as f64;
        let median = times[runs / 2];
        let p90 = times[runs * 9 / 10];
        println!(
            "  {algorithm:?}, list_excluded {list_excluded}: mean {mean:.2} ms, median {median:.2} ms, p90 {p90:.2} ms over {runs} runs (goal < 5 ms in the browser); returned {}, excluded {}",
            result.returned().count(),
            result.excluded.len()
        );
    }
}
