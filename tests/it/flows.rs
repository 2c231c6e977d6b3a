//! Flows from an event log: a log drawn from a known system is recovered
//! (shares, censoring-aware stays), the move model earns its place only
//! when attributes matter, and bad logs are reported or refused plainly.

use signpost::flows::{
    self, draw_log, AttributeSpec, DiscoverOptions, Discovery, FlowError, LogOptions, MoveEffect,
    Roles, StateSpec, StayDist, System, EXIT,
};
use signpost::import::{import, ReadOptions};

fn pairs(items: &[(&str, f64)]) -> Vec<(String, f64)> {
    items.iter().map(|(s, p)| (s.to_string(), *p)).collect()
}

/// Three states: short stays, long stays (many still open when the data
/// ends), and medium ones; one attribute whose effect is `frail_factor`.
/// The system opened two years before the records begin, so a few stays are
/// carried in (left-truncated) and the long ones are heavily censored.
fn known_system(people: usize, frail_factor: f64) -> System {
    let state = |name: &str, stay: StayDist, moves: &[(&str, f64)]| StateSpec {
        name: name.into(),
        stay,
        moves: pairs(moves),
    };
    System {
        states: vec![
            state(
                "Short",
                StayDist::Exp { mean: 4.0 },
                &[("Long", 0.3), (EXIT, 0.5), ("Medium", 0.2)],
            ),
            state(
                "Long",
                StayDist::Lognormal {
                    mean: 200.0,
                    sd: 150.0,
                },
                &[(EXIT, 0.7), ("Short", 0.3)],
            ),
            state(
                "Medium",
                StayDist::Gamma {
                    mean: 20.0,
                    sd: 10.0,
                },
                &[("Short", 0.6), (EXIT, 0.4)],
            ),
        ],
        entry: pairs(&[("Short", 0.7), ("Medium", 0.3)]),
        attributes: vec![AttributeSpec {
            name: "frail".into(),
            levels: pairs(&[("yes", 0.3), ("no", 0.7)]),
            trend: Vec::new(),
        }],
        move_effects: vec![MoveEffect {
            attribute: "frail".into(),
            level: "yes".into(),
            from: "Short".into(),
            to: "Long".into(),
            factor: frail_factor,
        }],
        stay_effects: vec![],
        window_start: flows::parse_day("2020-01-01").unwrap(),
        years: 5,
        people,
        burn_in_years: 2.0,
        id_column: "person".into(),
    }
}

fn roles(attributes: &[&str]) -> Roles {
    Roles {
        person: Some("person".into()),
        state: Some("state".into()),
        start: Some("start_date".into()),
        end: Some("end_date".into()),
        attributes: attributes.iter().map(|a| a.to_string()).collect(),
    }
}

fn discover_system(system: &System, seed: u64, attributes: &[&str]) -> Discovery {
    let csv = flows::demo_to_csv(&draw_log(system, seed));
    let imported = import("known.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
    let options = LogOptions {
        start_of_data: Some(system.window_start),
        end_of_data: Some(flows::window_end(system)),
        ..LogOptions::default()
    };
    let (log, _quality) = flows::read_log(&imported.dataset, &roles(attributes), &options).unwrap();
    flows::discover(
        &log,
        &DiscoverOptions {
            segments: None,
            ..DiscoverOptions::default()
        },
    )
}

fn share(d: &Discovery, from: &str, to: &str) -> f64 {
    d.moves
        .iter()
        .find(|m| m.from == from && m.to == to)
        .map_or(0.0, |m| m.share)
}

#[test]
fn a_known_system_is_recovered() {
    let system = known_system(3000, 1.0);
    let d = discover_system(&system, 11, &[]);
    for spec in &system.states {
        let total: f64 = spec.moves.iter().map(|m| m.1).sum();
        let mut sum = 0.0;
        for (to, w) in &spec.moves {
            let got = share(&d, &spec.name, to);
            sum += got;
            assert!(
                (got - w / total).abs() < 0.03,
                "{} -> {to}: {got} against {}",
                spec.name,
                w / total
            );
        }
        assert!(
            (sum - 1.0).abs() < 1e-9,
            "shares of {} sum to {sum}",
            spec.name
        );
    }
    let long = d.states.iter().find(|s| s.name == "Long").unwrap();
    assert!(long.censored * 3 > long.stays, "heavy censoring: {long:?}");
    let honest = long.mean_stay_weeks.unwrap();
    let naive = long.naive_mean_stay_weeks.unwrap();
    assert!(
        (honest - 200.0).abs() / 200.0 < 0.10,
        "honest mean {honest}"
    );
    assert!((naive - 200.0).abs() / 200.0 > 0.10, "naive mean {naive}");
    let short = d.states.iter().find(|s| s.name == "Short").unwrap();
    assert!(
        (short.mean_stay_weeks.unwrap() - 4.0).abs() / 4.0 < 0.10,
        "{short:?}"
    );
    let medium = d.states.iter().find(|s| s.name == "Medium").unwrap();
    assert!(
        (medium.mean_stay_weeks.unwrap() - 20.0).abs() / 20.0 < 0.10,
        "{medium:?}"
    );
}

#[test]
fn the_move_model_beats_the_table_only_when_attributes_matter() {
    let matters = discover_system(&known_system(3000, 6.0), 5, &["frail"]);
    let m = matters.move_model.as_ref().unwrap();
    assert!(
        m.held_out_log_loss.model < m.held_out_log_loss.table - 0.01,
        "{:?}",
        m.held_out_log_loss
    );
    let short = m.states.iter().find(|s| s.from == "Short").unwrap();
    assert!(short.uses_model);
    assert!(
        m.drivers.iter().any(|d| d.from == "Short"
            && d.to == "Long"
            && d.feature == "frail=yes"
            && d.ratio > 2.0),
        "{:?}",
        m.drivers
    );
    let idle = discover_system(&known_system(3000, 1.0), 5, &["frail"]);
    let m = idle.move_model.as_ref().unwrap();
    assert!(
        m.held_out_log_loss.model <= m.held_out_log_loss.table + 0.005,
        "{:?}",
        m.held_out_log_loss
    );
}

fn read(csv: &str) -> Result<(flows::EventLog, flows::LogQuality), FlowError> {
    let imported = import("log.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
    flows::read_log(
        &imported.dataset,
        &roles(&[]),
        &LogOptions {
            today: flows::parse_day("2024-06-30"),
            ..LogOptions::default()
        },
    )
}

#[test]
fn the_quality_report_names_what_breaks_a_flow_analysis() {
    let csv = "person,state,start_date,end_date\n\
               a,Hospital,2024-01-01,2024-01-10\n\
               a,hospital ,2024-01-11,2024-01-20\n\
               a,Care home,2024-03-01,\n\
               b,Hospital,2024-02-01,2024-01-15\n\
               ,Hospital,2024-02-01,2024-02-03\n\
               c,Home care,2024-01-01,2024-02-01\n\
               c,Hospital,2024-01-20,2024-01-25\n\
               d,Hospital,2024-02-01,2099-01-01\n";
    let (log, quality) = read(csv).unwrap();
    let kinds: Vec<&str> = quality.issues.iter().map(|i| i.kind.as_str()).collect();
    for kind in [
        "no_person",
        "end_before_start",
        "near_duplicate_state",
        "overlap",
        "gap",
        "future_date",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let issue = |kind: &str| quality.issues.iter().find(|i| i.kind == kind).unwrap();
    assert_eq!(issue("end_before_start").rows, vec![5]);
    assert!(issue("end_before_start").message.contains("row 5"));
    assert_eq!(issue("no_person").rows, vec![6]);
    assert!(issue("near_duplicate_state").message.contains("'hospital'"));
    assert_eq!(
        log.states
            .iter()
            .filter(|s| s.eq_ignore_ascii_case("hospital"))
            .count(),
        1
    );
    assert_eq!(issue("gap").count, 1);
    assert!(issue("future_date").message.contains("2099-01-01"));
    assert_eq!(quality.stays_used, 6);
}

#[test]
fn a_date_that_is_not_a_date_is_refused_naming_row_column_and_value() {
    let csv = "person,state,start_date,end_date\na,Hospital,2024-01-01,2024-01-10\nb,Hospital,next tuesday,\n";
    let err = read(csv).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("log.csv") && text.contains("row 3"), "{text}");
    assert!(
        text.contains("'start_date'") && text.contains("'next tuesday'"),
        "{text}"
    );
}

#[test]
fn roles_are_guessed_from_the_demo_header() {
    let csv = flows::demo_to_csv(&flows::demo_log(&flows::DemoOptions {
        people: 300,
        years: 2,
        seed: 1,
    }));
    let imported = import("demo.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
    let roles = flows::guess_roles(&imported.dataset);
    assert_eq!(roles.person.as_deref(), Some("household_id"));
    assert_eq!(roles.state.as_deref(), Some("state"));
    assert_eq!(roles.start.as_deref(), Some("start_date"));
    assert_eq!(roles.end.as_deref(), Some("end_date"));
    assert_eq!(
        roles.attributes,
        ["age_band", "lives_alone", "long_term_condition"]
    );
}

mod cli {
    use std::process::{Command, Output};

    fn signpost(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(args)
            .output()
            .expect("the signpost binary runs")
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("signpost-flows-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn demo_events_then_flows_gives_the_documented_keys() {
        let dir = temp_dir();
        let demo = signpost(&[
            "demo", "events", "--people", "600", "--years", "3", "--seed", "3",
        ]);
        assert!(
            demo.status.success(),
            "{}",
            String::from_utf8_lossy(&demo.stderr)
        );
        let log = dir.join("log.csv");
        std::fs::write(&log, &demo.stdout).unwrap();
        let scenario = dir.join("scenario.json");
        let out = signpost(&[
            "flows",
            log.to_str().unwrap(),
            "--person",
            "household_id",
            "--state",
            "state",
            "--start",
            "start_date",
            "--end",
            "end_date",
            "--attributes",
            "age_band,lives_alone,long_term_condition",
            "--start-of-data",
            "2016-01-01",
            "--scenario",
            scenario.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["window"]["start"], "2016-01-01");
        let states = json["states"].as_array().unwrap();
        assert_eq!(states.len(), 6);
        for state in states {
            for key in [
                "name",
                "stays",
                "censored",
                "mean_stay_weeks",
                "naive_mean_stay_weeks",
            ] {
                assert!(state.get(key).is_some(), "{key} missing in {state}");
            }
            let d = state["stay_distribution"]["d"].as_str().unwrap();
            assert!(["exp", "lognormal", "gamma"].contains(&d), "{d}");
        }
        let moves = json["moves"].as_array().unwrap();
        let from_hospital: f64 = moves
            .iter()
            .filter(|m| m["from"] == "Hospital")
            .map(|m| m["share"].as_f64().unwrap())
            .sum();
        assert!((from_hospital - 1.0).abs() < 1e-9);
        assert!(moves.iter().any(|m| m["to"] == "exit"));
        assert!(json["arrivals"][0]["per_week"].as_f64().unwrap() > 0.0);
        let loss = &json["move_model"]["held_out_log_loss"];
        assert!(loss["table"].as_f64().unwrap() > 0.0 && loss["model"].as_f64().unwrap() > 0.0);
        assert!(json["move_model"]["drivers"].is_array());
        let simulate = signpost(&[
            "simulate",
            scenario.to_str().unwrap(),
            "--replications",
            "2",
        ]);
        assert!(
            simulate.status.success(),
            "{}",
            String::from_utf8_lossy(&simulate.stderr)
        );
    }

    #[test]
    fn a_bad_log_exits_2_naming_file_row_column_and_value() {
        let dir = temp_dir();
        let log = dir.join("bad.csv");
        std::fs::write(
            &log,
            "person,state,start,end\na,Hospital,2024-01-01,2024-01-03\nb,Hospital,2024-13-45,\n",
        )
        .unwrap();
        let out = signpost(&["flows", log.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("bad.csv")
                && err.contains("row 3")
                && err.contains("'start'")
                && err.contains("2024-13-45"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
        let out = signpost(&["demo", "events", "--people", "0"]);
        assert_eq!(out.status.code(), Some(2));
    }
}

/// A log drawn from a known system (no limit on places, as the generator
/// draws it), back-tested from its middle through the simulator: the error
/// stays small and the observed months mostly fall inside the replications'
/// 95% range, so the simulator with what was learned reproduces the history.
#[test]
fn the_back_test_of_a_known_system_is_within_its_replication_noise() {
    let system = known_system(3000, 3.0);
    let csv = flows::demo_to_csv(&draw_log(&system, 21));
    let imported = import("known.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
    let options = LogOptions {
        start_of_data: Some(system.window_start),
        end_of_data: Some(flows::window_end(&system)),
        ..LogOptions::default()
    };
    let (log, _) = flows::read_log(&imported.dataset, &roles(&["frail"]), &options).unwrap();
    let d = flows::discover(&log, &DiscoverOptions::default());
    let from = flows::parse_day("2022-07-01").unwrap();
    let options = flows::BacktestOptions {
        from,
        replications: 20,
        seed: 3,
        threshold: flows::DEFAULT_THRESHOLD,
    };
    let mut calls = 0;
    let result = flows::backtest(&log, &d, &options, &mut |_, _| {
        calls += 1;
        true
    })
    .unwrap();
    assert_eq!(calls, 20);
    assert_eq!(result.months.len(), 30);
    assert!(result.trusted, "{}", result.words);
    assert!(result.mean_abs_pct_error < 0.08, "{}", result.words);
    for state in &result.states {
        let inside = state.months_inside as f64 / result.months.len() as f64;
        assert!(
            inside >= 0.6,
            "{}: {inside} of months inside: {state:?}",
            state.name
        );
    }
    // Starting outside the data is refused with the window in the message.
    let early = flows::BacktestOptions {
        from: flows::parse_day("2001-01-01").unwrap(),
        ..options
    };
    let err = flows::backtest(&log, &d, &early, &mut |_, _| true).unwrap_err();
    assert!(err.to_string().contains("2020-01-01"), "{err}");
}

mod properties {
    use proptest::prelude::*;
    use signpost::flows::{self, DiscoverOptions, LogOptions};
    use signpost::import::{Column, ColumnKind, Dataset, Role};

    fn column(name: &str, cells: Vec<Option<String>>) -> Column {
        Column {
            name: name.into(),
            kind: ColumnKind::Categorical,
            role: Role::Feature,
            cells,
        }
    }

    fn day(offset: i64) -> String {
        flows::day_to_string(flows::parse_day("2020-01-01").unwrap() + offset)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any log of dates reads without a panic (or is refused with a
        /// message), and what is discovered keeps its invariants.
        #[test]
        fn any_log_reads_and_discovery_keeps_its_invariants(
            rows in prop::collection::vec(
                (0u8..6, 0u8..4, 0i64..1500, prop::option::of(0i64..400), 0u8..3),
                1..80,
            ),
            tolerance in 0i64..5,
        ) {
            let states = ["Hospital", "hospital ", "Care home", "Home"];
            let person = rows.iter().map(|r| (r.0 > 0).then(|| format!("p{}", r.0))).collect();
            let state = rows.iter().map(|r| Some(states[r.1 as usize].to_string())).collect();
            let start = rows.iter().map(|r| Some(day(r.2))).collect();
            let end = rows.iter().map(|r| r.3.map(|len| day(r.2 + len - 30))).collect();
            let band = rows.iter().map(|r| Some(["a", "b", "c"][r.4 as usize].to_string())).collect();
            let dataset = Dataset {
                source: "p.csv".into(),
                n_rows: rows.len(),
                columns: vec![
                    column("person", person),
                    column("state", state),
                    column("start", start),
                    column("end", end),
                    column("band", band),
                ],
                success_rule: None,
            };
            let mut roles = flows::guess_roles(&dataset);
            roles.attributes = vec!["band".into()];
            let options = LogOptions { tolerance_days: tolerance, ..LogOptions::default() };
            let Ok((log, quality)) = flows::read_log(&dataset, &roles, &options) else {
                return Ok(());
            };
            prop_assert_eq!(quality.stays_used, log.stays.len());
            prop_assert!(log.states.len() <= 3, "spellings merge: {:?}", log.states);
            for pair in log.stays.windows(2) {
                prop_assert!((pair[0].person, pair[0].start) <= (pair[1].person, pair[1].start));
            }
            for stay in &log.stays {
                prop_assert!(stay.end.is_none_or(|e| e >= stay.start && e <= log.window_end));
            }
            let d = flows::discover(&log, &DiscoverOptions { segments: None, ..DiscoverOptions::default() });
            for state in &log.states {
                let shares: Vec<f64> = d.moves.iter().filter(|m| &m.from == state).map(|m| m.share).collect();
                if !shares.is_empty() {
                    prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                }
            }
            for s in &d.states {
                let mut last = 1.0;
                for p in &s.fit.km {
                    prop_assert!(p.survival <= last + 1e-12 && p.survival >= 0.0);
                    last = p.survival;
                }
                if let Some(mean) = s.mean_stay_weeks {
                    prop_assert!(mean.is_finite() && mean > 0.0);
                }
                prop_assert!(s.censored <= s.stays);
            }
        }
    }
}
