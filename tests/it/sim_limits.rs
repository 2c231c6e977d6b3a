//! Integration tests: the simulator never hides a queue (censored waits, the
//! queue at the end, unstable in words), keeps intervals inside what they
//! measure, and refuses or stops runs that would never end.

use std::process::{Command, Output};

use signpost::sim::{
    demo_scenario, erlang_c, mmc_scenario, simulate, simulate_mmc, Dist, Move, RunConfig, Scenario,
    SimError, SimReport, EXIT,
};

fn quiet() -> impl FnMut(usize, usize) -> bool {
    |_, _| true
}

fn config(replications: usize) -> RunConfig {
    RunConfig {
        replications,
        seed: 4,
        ..RunConfig::default()
    }
}

/// A care home of 10 places with year-long stays and 26 arrivals a year: it
/// can take about 10 a year, so the queue grows by about 16 a year.
fn saturated_care_home() -> Scenario {
    let mut s = mmc_scenario(0.5, 1.0 / 52.0, 10, 520.0, 52.0);
    s.services[0].name = "Care home".into();
    s.groups[0].mix[0].to = "Care home".into();
    s
}

fn run(scenario: &Scenario, replications: usize) -> SimReport {
    simulate(
        &scenario.check().unwrap(),
        &config(replications),
        &mut quiet(),
    )
    .unwrap()
}

#[test]
fn a_saturated_service_reports_growing_waits_and_the_people_still_queued() {
    let report = run(&saturated_care_home(), 10);
    let home = &report.services[0];
    // Over 9 counted years at 16 a year: about 140 people queued at the end.
    assert!(
        (100.0..200.0).contains(&home.queue_at_end.mean),
        "queue at end {:?}",
        home.queue_at_end
    );
    assert!(home.still_waiting.mean > 100.0, "{:?}", home.still_waiting);
    // Nearly everyone who came waited; the waits include those still waiting.
    assert!(
        home.waited_per_year.mean > 20.0,
        "{:?}",
        home.waited_per_year
    );
    assert!(home.mean_wait.mean > 52.0, "{:?}", home.mean_wait);
    assert!(home.p90_wait.mean > home.mean_wait.mean);
    let growth = home.queue_growth_per_year.mean;
    assert!((12.0..20.0).contains(&growth), "growth {growth}");
    let words = home.unstable.as_deref().expect("called unstable");
    assert!(
        words.starts_with(
            "unstable: arrivals exceed what Care home can take; the queue grows by about 1"
        ) && words.ends_with(" people a year"),
        "{words}"
    );
    let sentence = &report.bottlenecks[0].sentence;
    assert!(sentence.contains("still queued at the end"), "{sentence}");
    assert!(sentence.contains("unstable"), "{sentence}");
    assert!(sentence.contains("at least"), "{sentence}");
}

#[test]
fn a_stable_queue_is_not_called_unstable_and_erlang_c_still_holds() {
    let report = simulate_mmc(4.0, 1.0, 5, 20_000.0, 1_000.0, &config(10), &mut quiet()).unwrap();
    assert!(report.unstable.is_none());
    let exact = report.exact.expect("a stable station has exact values");
    assert_eq!(exact, erlang_c(4.0, 1.0, 5).unwrap());
    assert!(
        (report.mean_wait.mean - exact.mean_wait).abs() < 0.05 * exact.mean_wait,
        "{:?} against {}",
        report.mean_wait,
        exact.mean_wait
    );
    assert!(report.queue_at_end.mean < 20.0);
    let s = mmc_scenario(4.0, 1.0, 5, 2_000.0, 100.0);
    assert!(run(&s, 5).services[0].unstable.is_none());
}

#[test]
fn an_overloaded_station_is_reported_unstable_instead_of_a_finite_wait() {
    let report = simulate_mmc(1.2, 1.0, 1, 2_000.0, 100.0, &config(5), &mut quiet()).unwrap();
    assert!(report.exact.is_none());
    let words = report.unstable.as_deref().unwrap();
    assert!(
        words.contains("unstable: arrivals (1.2) exceed what 1 server can serve (1)")
            && words.contains("grows by about 0.2 people per unit of time"),
        "{words}"
    );
    // 0.2 a unit over 1,900 units: about 380 people queued at the end.
    assert!(
        (300.0..460.0).contains(&report.queue_at_end.mean),
        "{:?}",
        report.queue_at_end
    );
    let at_one = simulate_mmc(2.0, 1.0, 2, 500.0, 10.0, &config(2), &mut quiet()).unwrap();
    assert!(at_one.unstable.unwrap().contains("no steady state"));
}

/// Every share in [0, 1], every count at or above zero, spare places at most
/// the places, for the mean and both ends of the interval.
fn assert_inside(report: &SimReport) {
    for s in &report.services {
        let places = f64::from(s.places);
        for (name, e) in [
            ("utilisation", s.utilisation),
            ("full share", s.full_share),
            ("waiting probability", s.p_wait),
        ] {
            assert!(
                e.lo >= 0.0 && e.hi <= 1.0 && e.lo <= e.mean && e.mean <= e.hi,
                "{} {name} {e:?}",
                s.name
            );
        }
        assert!(s.spare_places.lo >= 0.0 && s.spare_places.hi <= places);
        for e in [
            s.mean_wait,
            s.p90_wait,
            s.mean_queue,
            s.queue_at_end,
            s.throughput_per_week,
            s.waited_per_year,
            s.blocked_days_per_year,
        ] {
            assert!(e.lo >= 0.0, "{} {e:?}", s.name);
        }
    }
    for series in &report.series.services {
        assert!(series
            .monthly_occupancy
            .iter()
            .all(|e| e.lo >= 0.0 && e.lo <= e.mean && e.mean <= e.hi));
    }
}

#[test]
fn five_replications_of_a_saturated_care_home_keep_intervals_inside_their_range() {
    let report = run(&saturated_care_home(), 5);
    assert_inside(&report);
    let home = &report.services[0];
    // Full nearly all the time: the interval touches 100% but never passes it.
    assert!(home.full_share.mean > 0.95 && home.full_share.hi <= 1.0);
    assert_inside(&run(&demo_scenario(), 5));
}

// ---------------------------------------------------------------- runs that never end

/// One arrival a week into a station of 1,000 places that sends people back
/// to itself with probability `p_back`.
fn looping(stay: Dist, p_back: f64) -> Scenario {
    let mut s = mmc_scenario(1.0, 1.0, 1000, 100.0, 0.0);
    s.services[0].stay = stay;
    s.services[0].next = vec![
        Move {
            to: "Station".into(),
            p: p_back,
        },
        Move {
            to: EXIT.into(),
            p: 1.0 - p_back,
        },
    ];
    s
}

fn refused(scenario: Scenario, want: &str) {
    match scenario.check() {
        Err(SimError::Invalid(m)) => assert!(m.contains(want), "{m:?} lacks {want:?}"),
        other => panic!("expected a refusal with {want:?}, got {other:?}"),
    }
}

#[test]
fn visits_that_take_no_time_are_refused() {
    refused(
        looping(Dist::Fixed { value: 1e-300 }, 0.999_999_999),
        "effectively zero",
    );
    refused(looping(Dist::Exp { mean: 5e-324 }, 0.5), "effectively zero");
    refused(
        looping(
            Dist::Empirical {
                values: vec![0.0, 1e-300],
            },
            0.5,
        ),
        "effectively zero",
    );
    refused(
        looping(
            Dist::Lognormal {
                mean: 1.0,
                sd: 1e150,
            },
            0.5,
        ),
        "more than 100 times the mean",
    );
    assert!(looping(Dist::Exp { mean: 0.01 }, 0.5).check().is_ok());
}

#[test]
fn a_loop_that_passes_the_checks_stops_at_the_event_budget() {
    // Each person visits about a million times, a few seconds apart.
    let checked = looping(Dist::Exp { mean: 1e-5 }, 0.999_999)
        .check()
        .unwrap();
    let mut config = config(3);
    config.max_events = 200_000;
    match simulate(&checked, &config, &mut quiet()) {
        Err(e @ SimError::Budget { .. }) => {
            let m = e.to_string();
            assert!(m.contains("stopped after 200000 events"), "{m}");
            assert!(m.contains("replication 1"), "{m}");
            assert!(m.contains("very short stays"), "{m}");
        }
        other => panic!("expected the event budget, got {other:?}"),
    }
}

#[test]
fn the_budget_covers_every_replication_together() {
    let checked = mmc_scenario(1.0, 1.0, 2, 1_000.0, 0.0).check().unwrap();
    let one = simulate(&checked, &config(1), &mut quiet()).unwrap();
    // Enough events for about two and a half replications, not for five.
    let mut config = config(5);
    config.max_events = one.events * 5 / 2;
    match simulate(&checked, &config, &mut quiet()) {
        Err(SimError::Budget { replication, .. }) => assert_eq!(replication, 3),
        other => panic!("expected the event budget in replication 3, got {other:?}"),
    }
    // The people limit is for the whole run too: 1,000 replications of the
    // demo bring in far more people than one run may.
    let demo = demo_scenario().check().unwrap();
    match simulate(&demo, &self::config(1000), &mut quiet()) {
        Err(e @ SimError::TooBig { .. }) => assert!(e.to_string().contains("1000 replication")),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ---------------------------------------------------------------- files

#[test]
fn a_scenario_file_with_a_byte_order_mark_is_read() {
    let json = serde_json::to_string(&demo_scenario()).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(json.as_bytes());
    assert_eq!(Scenario::from_json(&bytes).unwrap(), demo_scenario());
    let utf16: Vec<u8> = [0xFF, 0xFE, b'{', 0].to_vec();
    let err = Scenario::from_json(&utf16).unwrap_err().to_string();
    assert!(err.contains("UTF-16"), "{err}");
}

fn signpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .output()
        .expect("the signpost binary runs")
}

/// Exit 2 with a message holding `want`: never a panic (101) or an abort (134).
fn cli_refuses(args: &[&str], want: &str) {
    let out = signpost(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !matches!(out.status.code(), Some(101 | 134) | None),
        "{args:?} crashed: {stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(want), "{args:?}: {stderr:?} lacks {want:?}");
}

#[test]
fn the_command_line_refuses_endless_runs_and_reads_marked_files() {
    let dir = std::env::temp_dir().join(format!("signpost-sim-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    };
    let looping_file = write(
        "looping.json",
        serde_json::to_string(&looping(Dist::Fixed { value: 1e-300 }, 0.999_999_999))
            .unwrap()
            .as_bytes(),
    );
    cli_refuses(&["simulate", &looping_file], "effectively zero");
    cli_refuses(
        &["simulate", "--mmc", "249,1,250"],
        "more than the 10000000",
    );
    cli_refuses(
        &["simulate", "--demo", "--replications", "1000"],
        "1000 replication(s)",
    );
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend_from_slice(
        serde_json::to_string(&mmc_scenario(1.0, 1.0, 2, 50.0, 5.0))
            .unwrap()
            .as_bytes(),
    );
    let marked = write("marked.json", &marked);
    let out = signpost(&["simulate", &marked, "--replications", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = signpost(&[
        "simulate",
        "--mmc",
        "1.2,1,1",
        "--horizon",
        "500",
        "--warmup",
        "50",
        "--replications",
        "2",
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["unstable"].as_str().unwrap().starts_with("unstable:"));
    assert!(json.get("exact").is_none());
}
