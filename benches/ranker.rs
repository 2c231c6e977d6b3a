//! Benchmark: ranking 10,000 random services for one person (goal in the
//! browser: under 5 ms), and importing a generated Open Referral HSDS
//! directory of 1,000 to 8,000 services. Prints the native figures; the
//! browser figure is taken by the lead. Run with `cargo bench --bench ranker`.

use signpost::ranker::{import_hsds, random_directory, rank, Algorithm, Date, Person, RankOptions};
use std::hint::black_box;
use std::time::Instant;

/// HSDS tables for `n` services: each with an organisation, a location with
/// an address, a phone, a weekly schedule, a service area and two taxonomy
/// terms, every linked table in the order opposite to the services'.
fn hsds_tables(n: usize) -> Vec<(String, Vec<u8>)> {
    let mut t: Vec<(&str, String)> = vec![
        ("organizations.csv", "id,name\n".into()),
        ("services.csv", "id,name,organization_id,status\n".into()),
        ("locations.csv", "id,location_type\n".into()),
        (
            "service_at_location.csv",
            "id,service_id,location_id\n".into(),
        ),
        (
            "addresses.csv",
            "location_id,postal_code,city,region,state_province\n".into(),
        ),
        ("phones.csv", "service_at_location_id,number\n".into()),
        ("schedules.csv", "service_id,freq\n".into()),
        ("service_areas.csv", "service_id,name\n".into()),
        ("attributes.csv", "link_id,taxonomy_term_id\n".into()),
        (
            "taxonomy_terms.csv",
            "id,name\nt1,Housing\nt2,Family\n".into(),
        ),
    ];
    for i in 0..n {
        let j = n - 1 - i;
        let rows = [
            format!("o{i},Org {i}\n"),
            format!("s{i},Service {i},o{i},active\n"),
            format!("l{j},physical\n"),
            format!("sl{j},s{j},l{j}\n"),
            format!(
                "l{j},{},City {},County {},CA\n",
                90000 + j % 900,
                j % 50,
                j % 7
            ),
            format!("sl{j},555-{j:04}\n"),
            format!("s{j},WEEKLY\n"),
            format!("s{j},City {}\n", (j + 1) % 50),
            format!("s{j},t1\ns{j},t2\n"),
        ];
        for (table, row) in t.iter_mut().zip(rows) {
            table.1.push_str(&row);
        }
    }
    t.into_iter()
        .map(|(name, text)| (name.to_string(), text.into_bytes()))
        .collect()
}

fn bench_hsds() {
    for n in [1_000, 2_000, 4_000, 8_000] {
        let tables = hsds_tables(n);
        let start = Instant::now();
        let imported = import_hsds(black_box(&tables));
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        match imported {
            Ok((directory, problems)) => println!(
                "hsds import: {n} services (each with a location, address, phone, schedule, area, 2 terms): {ms:.1} ms; {} services, {} problems",
                directory.services.len(),
                problems.len()
            ),
            Err(err) => eprintln!("hsds bench: {err}"),
        }
    }
}

fn main() {
    bench_hsds();
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
