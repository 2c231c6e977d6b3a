//! Integration tests of what people carry into a run: residents at time 0,
//! attributes, the learned move model and gamma stays (the flows contract),
//! and that scenarios and links written before them still load.

use signpost::sim::{
    mmc_scenario, n_months, replicate, simulate, survival, Dist, Move, MoveModel, Resident,
    RunConfig, Scenario, Service, SimError, StateMoves, EXIT,
};

/// A link made before residents, move models and gamma stays existed.
const OLD_LINK: &str = "s1.eyJuYW1lIjoiT2xkIGxpbmsiLCJ3ZWVrcyI6MTAwLjAsIndhcm11cCI6MTAuMCwic2VydmljZXMiOlt7Im5hbWUiOiJTdGF0aW9uIiwicGxhY2VzIjoyLCJzdGF5Ijp7ImQiOiJleHAiLCJtZWFuIjoxLjB9LCJuZXh0IjpbeyJ0byI6ImV4aXQiLCJwIjoxLjB9XX1dLCJncm91cHMiOlt7Im5hbWUiOiJFdmVyeW9uZSIsInJhdGUiOjEuMCwibWl4IjpbeyJ0byI6IlN0YXRpb24iLCJwIjoxLjB9XX1dLCJ0cmlhZ2UiOnsiYWNjdXJhY3kiOjEuMCwiZGVsYXkiOjAuMH19.5c5310cc";

#[test]
fn old_links_and_files_still_load() {
    let s = Scenario::from_url_fragment(OLD_LINK).unwrap();
    assert_eq!(s.name, "Old link");
    assert!(s.initial.is_empty() && s.move_model.is_none());
    assert!(s.groups[0].attributes.is_empty());
    assert!(s.check().is_ok());
    // Written back without the new fields, so old pages read new plain links.
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("initial") && !json.contains("move_model"));
    assert!(!json.contains("attributes"));
    assert_eq!(s.to_url_fragment(), OLD_LINK);
}

fn resident(service: &str, elapsed: f64) -> Resident {
    Resident {
        service: service.into(),
        elapsed,
        group: None,
        attributes: Vec::new(),
    }
}

/// Two services A -> B -> exit; a move model on A over one attribute.
fn with_people() -> Scenario {
    let mut s = mmc_scenario(1.0, 1.0, 3, 100.0, 0.0);
    s.services = vec![
        Service {
            name: "A".into(),
            places: 5,
            stay: Dist::Gamma { mean: 2.0, sd: 1.0 },
            queue: Default::default(),
            next: Vec::new(),
        },
        Service {
            name: "B".into(),
            places: 5,
            stay: Dist::Exp { mean: 1.0 },
            queue: Default::default(),
            next: vec![Move {
                to: EXIT.into(),
                p: 1.0,
            }],
        },
    ];
    s.groups[0].mix[0].to = "A".into();
    s.groups[0].attributes = vec![vec![0.0], vec![1.0]];
    s.initial = vec![resident("A", 3.0), resident("B", 0.0)];
    s.initial[0].attributes = vec![1.0];
    s.move_model = Some(MoveModel {
        attributes: vec!["lives alone".into()],
        states: vec![StateMoves {
            from: "A".into(),
            to: vec!["B".into(), EXIT.into()],
            weights: vec![vec![0.0, 2.0, 0.0], vec![0.0, 0.0, -0.1]],
        }],
    });
    s
}

#[test]
fn new_fields_round_trip_through_json_and_links() {
    let s = with_people();
    assert!(s.check().is_ok(), "{:?}", s.check().err());
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains(r#""stay":{"d":"gamma","mean":2.0,"sd":1.0}"#));
    assert!(json.contains(r#""initial":[{"service":"A","elapsed":3.0,"attributes":[1.0]}"#));
    assert!(json.contains(r#""move_model":{"attributes":["lives alone"]"#));
    let back: Scenario = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(
        Scenario::from_url_fragment(&s.to_url_fragment()).unwrap(),
        s
    );
}

fn refused(edit: fn(&mut Scenario), want: &str) {
    let mut s = with_people();
    edit(&mut s);
    match s.check() {
        Err(SimError::Invalid(message)) => {
            assert!(message.contains(want), "{message:?} lacks {want:?}")
        }
        other => panic!("expected a refusal mentioning {want:?}, got {other:?}"),
    }
}

fn model(s: &mut Scenario) -> &mut StateMoves {
    &mut s.move_model.as_mut().unwrap().states[0]
}

#[test]
fn people_and_move_models_are_checked_before_running() {
    refused(|s| s.initial[0].service = "C".into(), "no service \"C\"");
    refused(|s| s.initial[0].elapsed = -1.0, "spent -1 weeks");
    refused(|s| s.initial[0].elapsed = f64::NAN, "spent NaN weeks");
    refused(
        |s| s.initial[0].group = Some("Nobody".into()),
        "no group \"Nobody\"",
    );
    refused(
        |s| s.initial[0].attributes = vec![1.0, 2.0],
        "carries 2 attributes where the move model has 1 (lives alone)",
    );
    refused(
        |s| s.initial[0].attributes = vec![f64::INFINITY],
        "not a finite number",
    );
    refused(
        |s| s.groups[0].attributes = vec![vec![1.0], vec![]],
        "person 2 has 0 values where 1 are expected",
    );
    refused(
        |s| s.groups[0].attributes.clear(),
        "pool of people is empty",
    );
    refused(|s| model(s).from = "Z".into(), "no service \"Z\"");
    refused(
        |s| model(s).to[1] = "Nowhere".into(),
        "no service \"Nowhere\"",
    );
    refused(|s| model(s).to[1] = "B".into(), "\"B\" is a target twice");
    refused(
        |s| {
            model(s).weights.pop();
        },
        "2 targets but 1 rows",
    );
    refused(
        |s| model(s).weights[0] = vec![0.0, 1.0],
        "2 weights where 3 are expected",
    );
    refused(|s| model(s).weights[0][1] = f64::NAN, "not a finite number");
    refused(
        |s| {
            let m = model(s).clone();
            s.move_model.as_mut().unwrap().states.push(m);
        },
        "appears twice",
    );
    refused(|s| model(s).to.clear(), "has no targets");
    refused(
        |s| {
            let m = model(s);
            m.to = vec!["A".into()];
            m.weights = vec![vec![0.0, 0.0, 0.0]];
        },
        "can never leave",
    );
    refused(
        |s| s.services[0].stay = Dist::Gamma { mean: 2.0, sd: 0.0 },
        "positive standard deviation",
    );
    refused(
        |s| {
            s.services[0].stay = Dist::Gamma {
                mean: f64::NAN,
                sd: 1.0,
            }
        },
        "gamma with mean NaN",
    );
    // Without the model, A has no onward moves of its own.
    refused(|s| s.move_model = None, "could never leave");
}

#[test]
fn residents_may_fill_a_group_that_does_not_arrive() {
    let mut s = with_people();
    s.groups[0].rate = Some(0.0);
    s.groups[0].attributes.clear();
    s.initial[1].attributes = vec![0.0];
    assert!(s.check().is_ok(), "{:?}", s.check().err());
    // A resident with no attributes needs a pool to draw them from.
    s.initial[1].attributes.clear();
    assert!(s.check().is_err());
}

// ---------------------------------------------------------------- the engine

fn config(replications: usize) -> RunConfig {
    RunConfig {
        replications,
        seed: 2,
        ..RunConfig::default()
    }
}

/// One service of `places` places holding only residents: nobody arrives.
fn residents_only(stay: Dist, n: usize, elapsed: f64, weeks: f64) -> Scenario {
    let mut s = mmc_scenario(1.0, 1.0, n as u32, weeks, 0.0);
    s.groups[0].rate = Some(0.0);
    s.services[0].stay = stay;
    s.initial = (0..n).map(|_| resident("Station", elapsed)).collect();
    s
}

#[test]
fn residents_alone_drain_as_their_stay_distribution_says() {
    let n = 2000;
    for (stay, elapsed) in [
        (
            Dist::Gamma {
                mean: 10.0,
                sd: 5.0,
            },
            0.0,
        ),
        (
            Dist::Gamma {
                mean: 10.0,
                sd: 5.0,
            },
            12.0,
        ),
        (Dist::Lognormal { mean: 8.0, sd: 6.0 }, 20.0),
        (Dist::Exp { mean: 6.0 }, 30.0),
    ] {
        let s = residents_only(stay.clone(), n, elapsed, 40.0);
        let checked = s.check().unwrap();
        let report = simulate(&checked, &config(4), &mut |_, _| true).unwrap();
        assert_eq!(report.people, 0, "residents are not arrivals");
        let occupancy = &report.series.services[0].occupancy;
        let s0 = survival(&stay, elapsed);
        for week in [0usize, 2, 5, 10, 20] {
            // The mean over the week, by the midpoint rule on 10 steps.
            let want = (0..10)
                .map(|k| survival(&stay, elapsed + week as f64 + (k as f64 + 0.5) / 10.0))
                .sum::<f64>()
                / 10.0
                / s0
                * n as f64;
            let got = occupancy[week];
            assert!(
                (got - want).abs() < 0.02 * n as f64,
                "{stay:?} after {elapsed}: week {week} holds {got}, expected {want}"
            );
        }
        // Monthly figures come from the same runs and agree with the weekly ones.
        let months = &report.series.services[0].monthly_occupancy;
        assert_eq!(months.len(), n_months(40.0));
        let first_month: f64 = occupancy[..4].iter().sum::<f64>() / 4.0;
        assert!((months[0].mean - first_month).abs() < 0.05 * n as f64);
        assert!(months[0].lo <= months[0].mean && months[0].mean <= months[0].hi);
    }
}

#[test]
fn people_are_conserved_with_residents() {
    let mut s = with_people();
    s.initial = (0..30)
        .map(|i| {
            let mut r = resident(if i % 2 == 0 { "A" } else { "B" }, f64::from(i));
            r.attributes = vec![f64::from(i % 2)];
            r
        })
        .collect();
    let checked = s.check().unwrap();
    for rep in 0..3 {
        let r = replicate(&checked, 5, rep).unwrap();
        assert_eq!(r.residents, 30);
        assert_eq!(r.residents + r.arrivals, r.exits + r.inside_at_end);
    }
}

/// Residents in A who leave it to B or the exit by the move model; the share
/// that reaches B.
fn share_to_b(s: &Scenario) -> f64 {
    let checked = s.check().unwrap();
    let r = replicate(&checked, 3, 0).unwrap();
    let to_b = r.services[1].admissions as f64;
    to_b / (r.residents + r.arrivals) as f64
}

/// Residents with `attributes` in A; the model scores B at 2 per unit of
/// the attribute and the exit at `per_week` per week spent in A.
fn model_scenario(attributes: Vec<Vec<f64>>, stay: Dist, elapsed: f64) -> Scenario {
    model_with_weeks(attributes, stay, elapsed, 0.0)
}

fn model_with_weeks(
    attributes: Vec<Vec<f64>>,
    stay: Dist,
    elapsed: f64,
    per_week: f64,
) -> Scenario {
    let mut s = with_people();
    model(&mut s).weights = vec![vec![0.0, 2.0, 0.0], vec![0.0, 0.0, per_week]];
    s.weeks = 60.0;
    s.services[0].places = 5000;
    s.services[0].stay = stay;
    s.services[1].places = 5000;
    s.services[1].stay = Dist::Exp { mean: 1000.0 };
    s.groups[0].rate = Some(0.0);
    s.initial = attributes
        .into_iter()
        .map(|a| {
            let mut r = resident("A", elapsed);
            r.attributes = a;
            r
        })
        .collect();
    s
}

fn logistic(score: f64) -> f64 {
    1.0 / (1.0 + (-score).exp())
}

#[test]
fn the_move_model_sends_people_where_their_attributes_say() {
    let n = 4000;
    // Weight 2 on "lives alone" for B, 0 for exit: 88% of those living alone
    // go to B, half of the others.
    let near = |got: f64, want: f64| {
        let se = (want * (1.0 - want) / n as f64).sqrt();
        assert!(
            (got - want).abs() < 4.0 * se,
            "share {got}, expected {want}"
        );
    };
    let alone = model_scenario(vec![vec![1.0]; n], Dist::Exp { mean: 1.0 }, 0.0);
    near(share_to_b(&alone), logistic(2.0));
    let not_alone = model_scenario(vec![vec![0.0]; n], Dist::Exp { mean: 1.0 }, 0.0);
    near(share_to_b(&not_alone), 0.5);
    // Weeks in the state count, the weeks spent before time 0 included: a
    // fixed stay of 4 weeks with weight -0.1 a week on the exit gives a score
    // of 0.4 against it, whether a person had spent 0 or 3 weeks already.
    for elapsed in [0.0, 3.0] {
        let s = model_with_weeks(
            vec![vec![0.0]; n],
            Dist::Fixed { value: 4.0 },
            elapsed,
            -0.1,
        );
        near(share_to_b(&s), logistic(0.4));
    }
}

#[test]
fn arrivals_carry_attributes_from_their_groups_pool() {
    let mut s = model_scenario(Vec::new(), Dist::Exp { mean: 1.0 }, 0.0);
    s.groups[0].rate = Some(100.0);
    s.groups[0].attributes = vec![vec![0.0], vec![1.0], vec![1.0], vec![1.0]];
    s.weeks = 40.0;
    let checked = s.check().unwrap();
    let r = replicate(&checked, 8, 0).unwrap();
    let got = r.services[1].admissions as f64 / r.services[0].completions as f64;
    let want = 0.25 * 0.5 + 0.75 * logistic(2.0);
    assert!((got - want).abs() < 0.03, "share {got}, expected {want}");
}
