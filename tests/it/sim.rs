//! Integration tests: the flow simulator against exact queueing results,
//! its invariants (people conserved, Little's law, determinism), the checks
//! that refuse a scenario before running, and the URL fragment.

use signpost::sim::{
    demo_scenario, erlang_c, mmc_scenario, replicate, simulate, simulate_mmc, Dist, Group, Move,
    QueueRule, RunConfig, Scenario, Service, SimError, Triage, EXIT,
};

fn quiet() -> impl FnMut(usize, usize) -> bool {
    |_, _| true
}

fn config(replications: usize, seed: u64) -> RunConfig {
    RunConfig {
        replications,
        seed,
        ..RunConfig::default()
    }
}

// ---------------------------------------------------------------- Erlang C

/// Simulated M/M/c station against Erlang C: every figure within 5% of the
/// exact value (or within `floor` when the exact value is near zero).
fn check_mmc(rho: f64, c: u32, weeks: f64) {
    let mu = 1.0;
    let lambda = rho * f64::from(c) * mu;
    let warmup = (weeks / 20.0).min(1000.0);
    let r = simulate_mmc(lambda, mu, c, weeks, warmup, &config(20, 11), &mut quiet()).unwrap();
    let exact = erlang_c(lambda, mu, c).unwrap();
    let close = |name: &str, got: f64, want: f64, floor: f64| {
        let tolerance = (0.05 * want).max(floor);
        assert!(
            (got - want).abs() <= tolerance,
            "M/M/{c} at rho {rho}: {name} simulated {got:.5}, exact {want:.5}"
        );
    };
    close("mean wait", r.mean_wait.mean, exact.mean_wait, 0.005 / mu);
    close("P(wait)", r.p_wait.mean, exact.p_wait, 0.005);
    close("utilisation", r.utilisation.mean, exact.utilisation, 0.0);
    close(
        "mean in system",
        r.mean_in_system.mean,
        exact.mean_in_system,
        0.0,
    );
}

#[test]
fn mmc_matches_erlang_c_from_light_to_heavy_load() {
    // (utilisation, servers, weeks): longer runs where the load is heavy
    // and the queue slow to settle.
    for (rho, c, weeks) in [
        (0.3, 1, 20_000.0),
        (0.5, 2, 20_000.0),
        (0.7, 5, 10_000.0),
        (0.8, 10, 5_000.0),
        (0.9, 1, 100_000.0),
        (0.9, 20, 10_000.0),
        (0.9, 50, 4_000.0),
        (0.3, 50, 1_000.0),
    ] {
        check_mmc(rho, c, weeks);
    }
}

#[test]
fn mmc_intervals_cover_the_exact_utilisation() {
    let r = simulate_mmc(1.6, 1.0, 2, 5_000.0, 250.0, &config(20, 3), &mut quiet()).unwrap();
    assert!(r.utilisation.contains(0.8), "{:?}", r.utilisation);
    assert!(r.utilisation.lo < r.utilisation.hi);
}

// ---------------------------------------------------------------- invariants

#[test]
fn people_are_conserved_in_every_replication() {
    let mut scenarios = vec![demo_scenario(), mmc_scenario(0.9, 1.0, 1, 500.0, 50.0)];
    let mut short = demo_scenario();
    short.weeks = 60.0;
    short.warmup = 10.0;
    short.triage.accuracy = 0.5;
    scenarios.push(short);
    for scenario in scenarios {
        let checked = scenario.check().unwrap();
        for rep in 0..3 {
            let r = replicate(&checked, 5, rep).unwrap();
            assert!(r.arrivals > 0);
            assert_eq!(r.arrivals, r.exits + r.inside_at_end, "{}", scenario.name);
        }
    }
}

#[test]
fn littles_law_holds_for_every_queue() {
    // Two services with blocking between them, a queue ordered by risk and
    // lognormal stays: mean queue = joining rate x mean wait. (No loop back:
    // with blocking, two full services waiting for each other lock up.)
    let mut scenario = two_step();
    scenario.weeks = 20_000.0;
    scenario.warmup = 200.0;
    scenario.groups[0].rate = Some(2.4);
    scenario.groups[0].risk = vec![0.5, 0.3, 0.2];
    scenario.services[0].places = 4;
    scenario.services[0].queue = QueueRule::Risk;
    scenario.services[1].stay = Dist::Lognormal { mean: 1.5, sd: 0.8 };
    let checked = scenario.check().unwrap();
    let r = replicate(&checked, 9, 0).unwrap();
    for (service, s) in scenario.services.iter().zip(&r.services) {
        let lq = s.queued / r.measured_weeks;
        assert!(
            lq > 0.1 && s.waits.len() > 10_000,
            "{}: too little queueing to test ({lq}, {} waits)",
            service.name,
            s.waits.len()
        );
        let rate = s.queue_joins as f64 / r.measured_weeks;
        let mean_wait = s.waits.iter().sum::<f64>() / s.waits.len() as f64;
        let little = rate * mean_wait;
        assert!(
            (lq - little).abs() <= 0.02 * lq,
            "{}: queue {lq:.3} but arrivals x wait {little:.3}",
            service.name
        );
        // The same for people in a place, with the time they hold it.
        let occupied = s.occupied / r.measured_weeks;
        assert!(occupied <= f64::from(service.places) + 1e-9);
    }
}

#[test]
fn same_seed_same_report_and_another_seed_another() {
    let checked = demo_scenario().check().unwrap();
    let a = simulate(&checked, &config(3, 42), &mut quiet()).unwrap();
    let b = simulate(&checked, &config(3, 42), &mut quiet()).unwrap();
    let c = simulate(&checked, &config(3, 43), &mut quiet()).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.summary, c.summary);
}

#[test]
fn demo_names_the_care_home_and_the_beds_blocked_for_it() {
    let checked = demo_scenario().check().unwrap();
    let report = simulate(&checked, &config(5, 1), &mut quiet()).unwrap();
    let care = report.bottlenecks.iter().find(|b| b.service == "Care home");
    let care =
        care.unwrap_or_else(|| panic!("no care-home bottleneck in {:#?}", report.bottlenecks));
    assert!(
        care.sentence.starts_with("Care home is full"),
        "{}",
        care.sentence
    );
    assert!(
        care.sentence.contains("people a year wait in"),
        "{}",
        care.sentence
    );
    assert!(report.summary.blocked_days_per_year.mean > 0.0);
    assert!(report.summary.reroutes_per_year.mean > 0.0);
    // Over 10 years about 16,000 people arrive in each replication.
    let per_rep = report.people as f64 / 5.0;
    assert!((14_000.0..18_000.0).contains(&per_rep), "{per_rep}");
    // Series: one bin a week, warm-up marked, utilisation within 0..=1.
    assert_eq!(report.series.arrivals.len(), 520);
    assert_eq!(report.series.warmup_bins, demo_scenario().warmup as usize);
    for s in &report.series.services {
        assert_eq!(s.queue.len(), 520);
        assert!(
            s.utilisation.iter().all(|u| (0.0..=1.0 + 1e-9).contains(u)),
            "{}",
            s.name
        );
    }
}

#[test]
fn perfect_triage_never_reroutes_and_poor_triage_costs_weeks() {
    let mut scenario = demo_scenario();
    scenario.weeks = 150.0;
    scenario.triage.accuracy = 1.0;
    let perfect = simulate(&scenario.check().unwrap(), &config(2, 1), &mut quiet()).unwrap();
    assert_eq!(perfect.summary.reroutes_per_year.mean, 0.0);
    scenario.triage.accuracy = 0.5;
    scenario.triage.delay = 3.0;
    let poor = simulate(&scenario.check().unwrap(), &config(2, 1), &mut quiet()).unwrap();
    let s = &poor.summary;
    // Half the ~31 arrivals a week are misallocated, each costing 3 weeks.
    let per_year = 0.5 * 30.8 * 52.0;
    assert!((s.reroutes_per_year.mean - per_year).abs() < 0.1 * per_year);
    assert!((s.reroute_weeks_per_year.mean / s.reroutes_per_year.mean - 3.0).abs() < 1e-6);
}

#[test]
fn shares_and_weekly_profile_shape_arrivals() {
    let mut scenario = mmc_scenario(1.0, 1.0, 5, 200.0, 0.0);
    scenario.arrivals = Some(4.0);
    scenario.groups[0].rate = None;
    scenario.groups[0].share = Some(0.75);
    // Nobody arrives in odd weeks.
    scenario.groups[0].profile = vec![1.0, 0.0];
    let report = simulate(&scenario.check().unwrap(), &config(4, 2), &mut quiet()).unwrap();
    let arrivals = &report.series.arrivals;
    assert!(arrivals.iter().skip(1).step_by(2).all(|a| *a == 0.0));
    let even: f64 = arrivals.iter().step_by(2).sum::<f64>() / 100.0;
    assert!(
        (even - 3.0).abs() < 0.3,
        "{even} a week in even weeks, want 3"
    );
}

#[test]
fn progress_is_reported_and_a_cancel_stops_the_run() {
    let checked = mmc_scenario(0.5, 1.0, 1, 100.0, 10.0).check().unwrap();
    let mut seen = Vec::new();
    let mut progress = |done: usize, total: usize| {
        seen.push((done, total));
        done < 2
    };
    let result = simulate(&checked, &config(5, 1), &mut progress);
    assert_eq!(result, Err(SimError::Cancelled));
    assert_eq!(seen, vec![(1, 5), (2, 5)]);
}

// ---------------------------------------------------------------- checks

fn station(name: &str, places: u32, next: &[(&str, f64)]) -> Service {
    Service {
        name: name.into(),
        places,
        stay: Dist::Exp { mean: 1.0 },
        queue: Default::default(),
        next: next
            .iter()
            .map(|(to, p)| Move {
                to: (*to).into(),
                p: *p,
            })
            .collect(),
    }
}

fn two_step() -> Scenario {
    let mut s = mmc_scenario(1.0, 1.0, 2, 100.0, 10.0);
    s.services = vec![
        station("A", 2, &[("B", 0.5), (EXIT, 0.5)]),
        station("B", 2, &[(EXIT, 1.0)]),
    ];
    s.groups[0].mix = vec![Move {
        to: "A".into(),
        p: 1.0,
    }];
    s
}

/// `edit` breaks one rule; the check refuses it with a message holding `want`.
fn check_refused(edit: fn(&mut Scenario), want: &str) {
    let mut scenario = two_step();
    edit(&mut scenario);
    match scenario.check() {
        Err(SimError::Invalid(message)) => {
            assert!(message.contains(want), "{message:?} lacks {want:?}")
        }
        other => panic!("expected a refusal mentioning {want:?}, got {other:?}"),
    }
}

#[test]
fn broken_scenarios_are_refused_before_running() {
    assert!(two_step().check().is_ok());
    check_refused(|s| s.services[1].places = 0, "\"B\" has 0 places");
    check_refused(
        |s| {
            s.services[0].next = vec![Move {
                to: "B".into(),
                p: 1.0,
            }];
            s.services[1].next = vec![Move {
                to: "A".into(),
                p: 1.0,
            }];
        },
        "can never leave",
    );
    check_refused(
        |s| {
            s.services[1].next = vec![Move {
                to: "B".into(),
                p: 1.0,
            }]
        },
        "can never leave",
    );
    check_refused(|s| s.services[0].next[0].p = 0.4, "add up to 0.9");
    check_refused(
        |s| s.groups[0].mix[0].to = "C".into(),
        "\"C\" that is not in the scenario",
    );
    check_refused(|s| s.services[0].next[0].to = "Bee".into(), "\"Bee\"");
    check_refused(
        |s| s.warmup = 200.0,
        "warm-up (200 weeks) is not shorter than the run",
    );
    check_refused(|s| s.triage.accuracy = 1.5, "triage accuracy");
    check_refused(
        |s| s.services[0].stay = Dist::Exp { mean: 0.0 },
        "\"A\" stay",
    );
    check_refused(
        |s| s.services[1].name = "A".into(),
        "two services are called \"A\"",
    );
    check_refused(
        |s| s.groups[0].rate = Some(f64::NAN),
        "give zero or a positive number",
    );
    check_refused(
        |s| s.groups[0].share = Some(0.5),
        "either a rate per week or a share",
    );
    check_refused(|s| s.groups.clear(), "no groups");
    check_refused(|s| s.services[1].next.clear(), "could never leave");
}

#[test]
fn zero_places_nobody_is_sent_to_is_fine() {
    let mut s = two_step();
    s.services[0].next = vec![Move {
        to: EXIT.into(),
        p: 1.0,
    }];
    s.services[1].places = 0;
    assert!(s.check().is_ok());
}

#[test]
fn a_run_that_would_be_too_big_is_refused() {
    let checked = mmc_scenario(1e6, 1.0, 2_000_000, 100.0, 10.0)
        .check()
        .unwrap();
    let err = simulate(&checked, &config(1, 1), &mut quiet()).unwrap_err();
    assert!(matches!(err, SimError::TooBig { .. }), "{err}");
    let err = simulate(&checked, &config(0, 1), &mut quiet()).unwrap_err();
    assert!(matches!(err, SimError::Config(_)), "{err}");
}

// ---------------------------------------------------------------- URL fragment

#[test]
fn a_scenario_survives_the_url_fragment() {
    let scenario = demo_scenario();
    let fragment = scenario.to_url_fragment();
    assert!(fragment.starts_with("s1."));
    assert!(fragment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    assert_eq!(Scenario::from_url_fragment(&fragment).unwrap(), scenario);
    assert_eq!(
        Scenario::from_url_fragment(&format!("#{fragment}")).unwrap(),
        scenario
    );
}

#[test]
fn a_tampered_fragment_is_refused() {
    let fragment = demo_scenario().to_url_fragment();
    let swap = |i: usize| {
        let mut b = fragment.clone().into_bytes();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    };
    let tampered = [
        swap(10),
        swap(fragment.len() / 2),
        swap(fragment.len() - 1),
        fragment.replacen("s1.", "s2.", 1),
        fragment[..fragment.len() - 20].to_string(),
        fragment.replace('.', ""),
        String::new(),
    ];
    for t in tampered {
        assert!(
            matches!(Scenario::from_url_fragment(&t), Err(SimError::Fragment(_))),
            "accepted {:?}",
            &t[..t.len().min(40)]
        );
    }
}

#[test]
fn scenario_json_uses_short_readable_names() {
    let json = serde_json::to_string(&two_step()).unwrap();
    assert!(json.contains("\"places\":2"));
    assert!(json.contains("\"stay\":{\"d\":\"exp\",\"mean\":1.0}"));
    let back: Scenario = serde_json::from_str(&json).unwrap();
    assert_eq!(back, two_step());
    let group = Group {
        name: "g".into(),
        rate: Some(1.0),
        share: None,
        profile: vec![],
        mix: vec![],
        risk: vec![],
        need: vec![],
        next: vec![],
        attributes: vec![],
    };
    let json = serde_json::to_string(&group).unwrap();
    assert_eq!(json, r#"{"name":"g","rate":1.0,"mix":[]}"#);
    let _ = Triage {
        accuracy: 1.0,
        delay: 0.0,
    };
}
