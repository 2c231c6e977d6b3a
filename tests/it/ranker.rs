//! Integration tests: the ranker. One table-driven case per rule of the 2024
//! and 2017 algorithms, invariants on seeded random directories, the HSDS
//! example, the shipped example layout and the `rank` command.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::ranker::*;
use std::collections::BTreeSet;

fn gazetteer() -> Gazetteer {
    let place = |zip: &str, city: &str, county: &str, state: &str| Place {
        zip: zip.into(),
        city: city.into(),
        county: county.into(),
        state: state.into(),
    };
    Gazetteer {
        places: vec![
            place("10001", "Springfield", "Cook", "Illinois"),
            place("10002", "Shelbyville", "Cook", "Illinois"),
            place("20001", "Lakeview", "Lake", "Illinois"),
            place("30001", "Capital", "Dade", "Florida"),
        ],
    }
}

/// An ordinary service that every rule passes for `person()`.
fn service(id: &str) -> Service {
    let mut s = Service::new(id, &format!("Service {id}"));
    s.organisation = format!("Org {id}");
    s.issues = vec!["Housing".into()];
    s.area.zips = vec!["10001".into()];
    s.channels = Channel::ALL.to_vec();
    s.direct_representation = true;
    s.regular_hours = true;
    s
}

fn person() -> Person {
    Person {
        zip: "10001".into(),
        populations: Vec::new(),
        over_income: false,
        issue: "housing".into(),
        today: Date::parse("2026-12-01"),
    }
}

fn directory(services: Vec<Service>) -> Directory {
    Directory {
        services,
        gazetteer: gazetteer(),
    }
}

fn run(services: Vec<Service>, person: &Person, algorithm: Algorithm) -> RankResult {
    let options = RankOptions {
        algorithm,
        ..RankOptions::default()
    };
    rank(&directory(services), person, &options).expect("valid request")
}

#[derive(Debug, PartialEq)]
enum Expect {
    In(ResultSet),
    Out(Rule),
}

fn placement(result: &RankResult, id: &str) -> Option<Expect> {
    if let Some(found) = result.returned().find(|r| r.service_id == id) {
        return Some(Expect::In(found.set));
    }
    result
        .excluded
        .iter()
        .find(|e| e.service_id == id)
        .and_then(|e| e.rules.first().copied().map(Expect::Out))
}

#[test]
fn eligibility_rules_2024() {
    fn check(
        case: &str,
        edit_service: fn(&mut Service),
        edit_person: fn(&mut Person),
        expect: Expect,
    ) {
        let mut s = service("a");
        edit_service(&mut s);
        let mut p = person();
        edit_person(&mut p);
        let result = run(vec![s], &p, Algorithm::Y2024);
        assert_eq!(placement(&result, "a"), Some(expect), "{case}: {result:#?}");
    }
    use Expect::*;
    let top = In(ResultSet::TopResults);
    let none = |_: &mut Person| {};
    let keep = |_: &mut Service| {};
    check(
        "untagged population is open to all",
        keep,
        |p| p.populations = vec!["Veterans".into()],
        In(ResultSet::TopResults),
    );
    check(
        "population match",
        |s| s.populations = vec!["Veterans".into()],
        |p| p.populations = vec!["veterans".into()],
        In(ResultSet::TopResults),
    );
    check(
        "population mismatch",
        |s| s.populations = vec!["Veterans".into()],
        |p| p.populations = vec!["Seniors".into()],
        Out(Rule::PopulationNotServed),
    );
    check(
        "population limited, person none",
        |s| s.populations = vec!["Veterans".into()],
        none,
        Out(Rule::PopulationNotServed),
    );
    check("zip level", keep, none, In(ResultSet::TopResults));
    check(
        "city level",
        |s| {
            s.area = ServiceArea {
                cities: vec!["springfield".into()],
                ..Default::default()
            }
        },
        none,
        In(ResultSet::TopResults),
    );
    check(
        "county level",
        |s| {
            s.area = ServiceArea {
                counties: vec!["Cook".into()],
                ..Default::default()
            }
        },
        none,
        In(ResultSet::TopResults),
    );
    check(
        "state level",
        |s| {
            s.area = ServiceArea {
                states: vec!["Illinois".into()],
                ..Default::default()
            }
        },
        none,
        In(ResultSet::TopResults),
    );
    check(
        "outside every level",
        |s| {
            s.area = ServiceArea {
                zips: vec!["20001".into()],
                cities: vec!["Lakeview".into()],
                counties: vec!["Lake".into()],
                states: vec!["Florida".into()],
            }
        },
        none,
        Out(Rule::OutsideArea),
    );
    check(
        "income limits ignored when not over income",
        |s| s.serves_over_income = false,
        none,
        In(ResultSet::TopResults),
    );
    check(
        "income limits bar an over-income person",
        |s| s.serves_over_income = false,
        |p| p.over_income = true,
        Out(Rule::IncomeLimit),
    );
    check(
        "over-income served",
        |s| s.serves_over_income = true,
        |p| p.over_income = true,
        In(ResultSet::TopResults),
    );
    check("closed", |s| s.open = false, none, Out(Rule::Closed));
    check(
        "no direct representation",
        |s| s.direct_representation = false,
        none,
        Out(Rule::NoDirectRepresentation),
    );
    check(
        "issue not served",
        |s| s.issues = vec!["Debt".into()],
        none,
        Out(Rule::IssueNotServed),
    );
    check(
        "best bet by issue",
        |s| s.best_bet_issues = vec!["HOUSING".into()],
        none,
        In(ResultSet::BestBets),
    );
    check(
        "best bet for another issue",
        |s| s.best_bet_issues = vec!["Debt".into()],
        none,
        top,
    );
    check(
        "best bet by population",
        |s| s.best_bet_populations = vec!["Veterans".into()],
        |p| p.populations = vec!["Veterans".into()],
        In(ResultSet::BestBets),
    );
    check(
        "best bet by a population the person lacks",
        |s| s.best_bet_populations = vec!["Veterans".into()],
        none,
        In(ResultSet::TopResults),
    );
    check(
        "a best bet must still be eligible",
        |s| {
            s.best_bet_issues = vec!["Housing".into()];
            s.open = false;
        },
        none,
        Out(Rule::Closed),
    );
}

#[test]
fn location_level_is_reported() {
    fn check(area: ServiceArea, zip: &str, expect: LocationLevel, reason: &str) {
        let mut s = service("a");
        s.area = area;
        let p = Person {
            zip: zip.into(),
            ..person()
        };
        let result = run(vec![s], &p, Algorithm::Y2024);
        let got = result.top_results.first().expect("returned");
        assert_eq!(got.location, expect);
        assert!(
            got.reasons.iter().any(|r| r.contains(reason)),
            "{:?}",
            got.reasons
        );
    }
    check(
        ServiceArea {
            zips: vec!["10002".into()],
            cities: vec!["Shelbyville".into()],
            ..Default::default()
        },
        "10002",
        LocationLevel::Zip,
        "zip (10002)",
    );
    check(
        ServiceArea {
            cities: vec!["Shelbyville".into()],
            counties: vec!["Cook".into()],
            ..Default::default()
        },
        "10002",
        LocationLevel::City,
        "city (Shelbyville)",
    );
    check(
        ServiceArea {
            counties: vec!["Cook".into()],
            states: vec!["Illinois".into()],
            ..Default::default()
        },
        "10002",
        LocationLevel::County,
        "county (Cook)",
    );
    check(
        ServiceArea {
            states: vec!["Illinois".into()],
            ..Default::default()
        },
        "20001",
        LocationLevel::State,
        "state (Illinois)",
    );
}

#[test]
fn exclusion_reason_names_the_county() {
    let mut s = service("a");
    s.area.zips = vec!["30001".into()];
    let result = run(vec![s], &person(), Algorithm::Y2024);
    assert_eq!(
        result.excluded[0].reasons,
        vec!["no service in Cook county"]
    );
}

#[test]
fn unknown_zip_matches_only_by_zip_with_a_note() {
    let mut by_zip = service("a");
    by_zip.area.zips = vec!["55555".into()];
    let mut by_state = service("b");
    by_state.area = ServiceArea {
        states: vec!["Illinois".into()],
        ..Default::default()
    };
    let result = run(
        vec![by_zip, by_state],
        &Person {
            zip: "55555".into(),
            ..person()
        },
        Algorithm::Y2024,
    );
    assert_eq!(result.place, None);
    assert_eq!(result.notes.len(), 1);
    assert_eq!(
        placement(&result, "a"),
        Some(Expect::In(ResultSet::TopResults))
    );
    assert_eq!(
        placement(&result, "b"),
        Some(Expect::Out(Rule::OutsideArea))
    );
}

#[test]
fn score_formula_all_four_cases() {
    fn check(volume: Option<u32>, regular: bool, value: f64, formula: &str) {
        let score = referral_score(volume, regular);
        assert!(
            (score.value - value).abs() < 1e-12,
            "{volume:?} {regular}: {}",
            score.value
        );
        assert_eq!(score.formula, formula);
    }
    check(
        Some(500),
        true,
        500.0 / 3000.0 + 1.25,
        "1.42 = 500/3000 + 1.25, regular weekly hours",
    );
    check(
        Some(1500),
        false,
        1.25,
        "1.25 = 1500/3000 + 0.75, no regular weekly hours",
    );
    check(
        None,
        true,
        0.75,
        "0.75 = no annual volume, regular weekly hours",
    );
    check(
        None,
        false,
        0.25,
        "0.25 = no annual volume, no regular weekly hours",
    );
}

#[test]
fn top_results_limit_and_order() {
    // Eight eligible services with volumes 100..800, plus one best bet.
    let mut services: Vec<Service> = (1..=8)
        .map(|i| {
            let mut s = service(&format!("s{i}"));
            s.annual_volume = Some(i * 100);
            s
        })
        .collect();
    let mut best = service("best");
    best.best_bet_issues = vec!["Housing".into()];
    services.push(best);
    services.shuffle(&mut ChaCha8Rng::seed_from_u64(3));
    let result = run(services, &person(), Algorithm::Y2024);
    let ids: Vec<&str> = result
        .top_results
        .iter()
        .map(|r| r.service_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["s8", "s7", "s6", "s5", "s4"],
        "best bets do not count toward the five"
    );
    assert_eq!(result.best_bets.len(), 1);
    let beyond: BTreeSet<&str> = result
        .excluded
        .iter()
        .filter(|e| e.rules == [Rule::BeyondTopLimit])
        .map(|e| e.service_id.as_str())
        .collect();
    assert_eq!(beyond, BTreeSet::from(["s1", "s2", "s3"]));
    let formula = &result.top_results[0].score.formula;
    assert!(result.top_results[0]
        .reasons
        .iter()
        .any(|r| r.contains(formula)));
}

#[test]
fn ties_break_on_score_then_name_then_id() {
    let mut services = Vec::new();
    for (id, name, volume) in [
        ("z1", "Beta", 300),
        ("a9", "Beta", 300),
        ("m5", "Alpha", 300),
        ("q0", "Omega", 600),
    ] {
        let mut s = service(id);
        s.name = name.into();
        s.annual_volume = Some(volume);
        s.best_bet_issues = vec!["Housing".into()];
        services.push(s);
    }
    let result = run(services, &person(), Algorithm::Y2024);
    let ids: Vec<&str> = result
        .best_bets
        .iter()
        .map(|r| r.service_id.as_str())
        .collect();
    assert_eq!(ids, ["q0", "m5", "a9", "z1"]);
}

#[test]
fn bar_referrals_and_self_help_centres() {
    let kind = |id: &str, kind: ServiceKind, area: ServiceArea| {
        let mut s = service(id);
        s.kind = kind;
        s.area = area;
        s
    };
    let county = |c: &str| ServiceArea {
        counties: vec![c.into()],
        ..Default::default()
    };
    let services = vec![
        kind(
            "bar-state",
            ServiceKind::BarReferral,
            ServiceArea {
                states: vec!["Illinois".into()],
                ..Default::default()
            },
        ),
        kind(
            "bar-florida",
            ServiceKind::BarReferral,
            ServiceArea {
                states: vec!["Florida".into()],
                ..Default::default()
            },
        ),
        kind("shc-cook", ServiceKind::SelfHelpCentre, county("Cook")),
        kind("shc-lake", ServiceKind::SelfHelpCentre, county("Lake")),
        kind(
            "shc-state",
            ServiceKind::SelfHelpCentre,
            ServiceArea {
                states: vec!["Illinois".into()],
                ..Default::default()
            },
        ),
    ];
    let result = run(services, &person(), Algorithm::Y2024);
    let expect = [
        ("bar-state", Expect::In(ResultSet::BarReferrals)),
        ("bar-florida", Expect::Out(Rule::NotServingHere)),
        ("shc-cook", Expect::In(ResultSet::SelfHelpCentre)),
        ("shc-lake", Expect::Out(Rule::NotServingHere)),
        ("shc-state", Expect::Out(Rule::NotServingHere)),
    ];
    for (id, want) in expect {
        assert_eq!(placement(&result, id), Some(want), "{id}");
    }
    assert!(result.top_results.is_empty() && result.best_bets.is_empty());
    assert_eq!(
        result.self_help_centres[0].reasons[0],
        "self-help centre for Cook county"
    );
}

fn channel_service(id: &str, org: &str, channels: &[Channel], volume: u32) -> Service {
    let mut s = service(id);
    s.organisation = org.into();
    s.channels = channels.to_vec();
    s.annual_volume = Some(volume);
    s.direct_representation = false;
    s
}

fn referrals(result: &RankResult) -> Vec<(Channel, String)> {
    result
        .referrals
        .iter()
        .map(|r| (r.channel.expect("2017 has a channel"), r.service_id.clone()))
        .collect()
}

#[test]
fn y2017_one_per_channel() {
    use Channel::*;
    let services = vec![
        channel_service("phone", "P", &[Phone], 900),
        channel_service("web", "W", &[Online], 100),
        channel_service("desk", "D", &[InPerson], 500),
        channel_service("web2", "W2", &[Online], 50),
    ];
    let result = run(services, &person(), Algorithm::Y2017);
    assert_eq!(
        referrals(&result),
        [
            (InPerson, "desk".into()),
            (Online, "web".into()),
            (Phone, "phone".into())
        ]
    );
    assert_eq!(
        placement(&result, "web2"),
        Some(Expect::Out(Rule::OutRanked))
    );
    assert!(result.best_bets.is_empty() && result.top_results.is_empty());
}

#[test]
fn y2017_organisation_once_and_next_available_fills() {
    use Channel::*;
    let services = vec![
        channel_service("big", "Big Org", &[InPerson, Online, Phone], 2000),
        channel_service("big-web", "Big Org", &[Online], 1900),
        channel_service("small-web", "Small Org", &[Online, Phone], 100),
        channel_service("tiny-phone", "Tiny Org", &[Phone], 50),
    ];
    let result = run(services, &person(), Algorithm::Y2017);
    assert_eq!(
        referrals(&result),
        [
            (InPerson, "big".into()),
            (Online, "small-web".into()),
            (Phone, "tiny-phone".into())
        ]
    );
    assert_eq!(
        placement(&result, "big-web"),
        Some(Expect::Out(Rule::OrganisationAlreadyReturned))
    );
}

#[test]
fn y2017_over_income_two_channels_and_income_limits() {
    use Channel::*;
    let mut rich = channel_service("rich", "R", &[InPerson, Online], 100);
    rich.serves_over_income = true;
    let mut phone = channel_service("phone", "P", &[Phone], 100);
    phone.serves_over_income = true;
    let limited = channel_service("limited", "L", &[Phone], 2000);
    let mut web = channel_service("web", "Web", &[Online], 100);
    web.serves_over_income = true;
    let over = Person {
        over_income: true,
        ..person()
    };
    let result = run(vec![rich, phone, limited, web], &over, Algorithm::Y2017);
    assert_eq!(
        referrals(&result),
        [(InPerson, "rich".into()), (Phone, "phone".into())]
    );
    assert_eq!(
        placement(&result, "limited"),
        Some(Expect::Out(Rule::IncomeLimit))
    );
    assert_eq!(
        placement(&result, "web"),
        Some(Expect::Out(Rule::NoChannelLeft))
    );
}

#[test]
fn y2017_seven_day_rule() {
    fn check(case: &str, next: Option<&str>, today: Option<&str>, qualifies: bool) {
        let mut s = channel_service("irregular", "I", &[Channel::InPerson], 3000);
        s.regular_hours = false;
        s.next_date = next.and_then(Date::parse);
        let p = Person {
            today: today.and_then(Date::parse),
            ..person()
        };
        let result = run(vec![s], &p, Algorithm::Y2017);
        let got = placement(&result, "irregular");
        let want = if qualifies {
            Expect::In(ResultSet::Channel(Channel::InPerson))
        } else {
            Expect::Out(Rule::NoDateSoon)
        };
        assert_eq!(got, Some(want), "{case}");
    }
    check("today", Some("2026-12-01"), Some("2026-12-01"), true);
    check(
        "in three days",
        Some("2026-12-04"),
        Some("2026-12-01"),
        true,
    );
    check("on day seven", Some("2026-12-08"), Some("2026-12-01"), true);
    check(
        "on day eight",
        Some("2026-12-09"),
        Some("2026-12-01"),
        false,
    );
    check(
        "already past",
        Some("2026-11-30"),
        Some("2026-12-01"),
        false,
    );
    check("no next date", None, Some("2026-12-01"), false);
    check("no today", Some("2026-12-02"), None, false);
    // Regular weekly hours need no date.
    let s = channel_service("regular", "R", &[Channel::InPerson], 10);
    let result = run(vec![s], &person(), Algorithm::Y2017);
    assert_eq!(referrals(&result).len(), 1);
}

#[test]
fn y2017_irregular_service_still_serves_other_channels() {
    let mut s = channel_service("mixed", "M", &[Channel::InPerson, Channel::Phone], 3000);
    s.regular_hours = false;
    let result = run(vec![s], &person(), Algorithm::Y2017);
    assert_eq!(referrals(&result), [(Channel::Phone, "mixed".to_string())]);
}

#[test]
fn empty_zip_or_issue_is_an_error() {
    let dir = directory(vec![service("a")]);
    let options = RankOptions::default();
    assert_eq!(
        rank(
            &dir,
            &Person {
                zip: " ".into(),
                ..person()
            },
            &options
        ),
        Err(RankerError::EmptyZip)
    );
    assert_eq!(
        rank(
            &dir,
            &Person {
                issue: "".into(),
                ..person()
            },
            &options
        ),
        Err(RankerError::EmptyIssue)
    );
}

/// A random person over the demo region (zips, issues, populations).
fn random_person(rng: &mut ChaCha8Rng, dir: &Directory) -> Person {
    let issues = dir.issues();
    let populations = dir.populations();
    let mut zip = dir
        .gazetteer
        .places
        .choose(rng)
        .map(|p| p.zip.clone())
        .unwrap_or_default();
    if rng.gen_bool(0.1) {
        zip = "00000".into();
    }
    let n_populations = rng.gen_range(0..3);
    Person {
        zip,
        populations: populations
            .choose_multiple(rng, n_populations)
            .cloned()
            .collect(),
        over_income: rng.gen_bool(0.3),
        issue: issues
            .choose(rng)
            .cloned()
            .unwrap_or_else(|| "Housing".into()),
        today: Date::parse("2026-12-03"),
    }
}

/// Re-checks, independently of the engine, that a returned service passes
/// every filter of its set.
fn passes_filters(dir: &Directory, person: &Person, ranked: &RankedService) -> bool {
    let Some(s) = dir.service(&ranked.service_id) else {
        return false;
    };
    let lower = |v: &[String]| v.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>();
    let place = dir.gazetteer.lookup(&person.zip);
    let county = place.map(|p| p.county.to_lowercase()).unwrap_or_default();
    let located = lower(&s.area.zips).contains(&person.zip.to_lowercase())
        || place.is_some_and(|p| {
            lower(&s.area.cities).contains(&p.city.to_lowercase())
                || lower(&s.area.counties).contains(&county)
                || lower(&s.area.states).contains(&p.state.to_lowercase())
        });
    let person_pops = lower(&person.populations);
    let population = s.populations.is_empty()
        || lower(&s.populations)
            .iter()
            .any(|p| person_pops.contains(p));
    let issue = lower(&s.issues).contains(&person.issue.to_lowercase());
    let income = !person.over_income || s.serves_over_income;
    match ranked.set {
        ResultSet::BestBets | ResultSet::TopResults => {
            s.kind == ServiceKind::Ordinary
                && s.open
                && located
                && population
                && issue
                && income
                && s.direct_representation
        }
        ResultSet::BarReferrals => s.kind == ServiceKind::BarReferral && s.open && located,
        ResultSet::SelfHelpCentre => {
            s.kind == ServiceKind::SelfHelpCentre
                && s.open
                && lower(&s.area.counties).contains(&county)
        }
        ResultSet::Channel(channel) => {
            let soon = channel != Channel::InPerson
                || s.regular_hours
                || matches!((person.today, s.next_date), (Some(t), Some(n)) if (0..=7).contains(&t.days_until(n)));
            s.kind == ServiceKind::Ordinary
                && s.open
                && located
                && population
                && issue
                && income
                && s.channels.contains(&channel)
                && soon
        }
    }
}

#[test]
fn invariants_on_random_directories() {
    for seed in 0..12u64 {
        let dir = random_directory(seed, 300);
        let mut rng = ChaCha8Rng::seed_from_u64(seed + 1000);
        for algorithm in [Algorithm::Y2024, Algorithm::Y2017] {
            let options = RankOptions {
                algorithm,
                ..RankOptions::default()
            };
            for _ in 0..5 {
                let p = random_person(&mut rng, &dir);
                let result = rank(&dir, &p, &options).expect("valid");
                // No service twice in one result; every service accounted for once.
                let mut seen = BTreeSet::new();
                for id in result
                    .returned()
                    .map(|r| &r.service_id)
                    .chain(result.excluded.iter().map(|e| &e.service_id))
                {
                    assert!(seen.insert(id.clone()), "seed {seed}: {id} twice");
                }
                assert_eq!(seen.len(), dir.services.len());
                for ranked in result.returned() {
                    assert!(
                        passes_filters(&dir, &p, ranked),
                        "seed {seed} {algorithm:?}: {ranked:#?}"
                    );
                }
                assert!(result.top_results.len() <= 5);
                if algorithm == Algorithm::Y2017 {
                    let orgs: BTreeSet<&str> = result
                        .referrals
                        .iter()
                        .map(|r| r.organisation.as_str())
                        .collect();
                    assert_eq!(orgs.len(), result.referrals.len(), "organisation once");
                    assert!(result.referrals.len() <= if p.over_income { 2 } else { 3 });
                }
                for set in [&result.best_bets, &result.top_results] {
                    assert!(
                        set.windows(2).all(|w| w[0].score.value >= w[1].score.value),
                        "score descending"
                    );
                }
                // Leaving out the exclusion list changes nothing else.
                let quick = RankOptions {
                    list_excluded: false,
                    ..options.clone()
                };
                let lean = rank(&dir, &p, &quick).expect("valid");
                assert!(lean.excluded.is_empty());
                assert_eq!(
                    RankResult {
                        excluded: Vec::new(),
                        ..result.clone()
                    },
                    lean
                );
                // A deterministic function of the inputs, whatever the order
                // the services are stored in.
                assert_eq!(rank(&dir, &p, &options), Ok(result.clone()));
                let mut shuffled = dir.clone();
                shuffled.services.shuffle(&mut rng);
                let again = rank(&shuffled, &p, &options).expect("valid");
                let ids = |r: &RankResult| {
                    r.returned()
                        .map(|x| x.service_id.clone())
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    ids(&again),
                    ids(&result),
                    "seed {seed}: order of storage changed the ranking"
                );
            }
        }
    }
}

#[test]
fn demo_directory_ranks_something_for_a_demo_person() {
    let dir = demo_directory(42);
    assert_eq!(dir, demo_directory(42));
    let p = Person {
        zip: "90101".into(),
        populations: vec!["Veterans".into()],
        over_income: false,
        issue: "Housing".into(),
        today: Date::parse("2026-12-01"),
    };
    let result = rank(&dir, &p, &RankOptions::default()).expect("valid");
    assert!(
        !result.top_results.is_empty() || !result.best_bets.is_empty(),
        "{result:#?}"
    );
    assert_eq!(
        result.self_help_centres.len(),
        1,
        "Ash county has one self-help centre"
    );
    assert!(!result.bar_referrals.is_empty());
}

#[test]
fn pathway_terms_lead_to_ranked_services() {
    let dir = demo_directory(42);
    let mapping = PathwayTerms::demo();
    for pathway in [
        "Crisis intervention",
        "One-to-one support",
        "Peer support group",
        "Signposting",
    ] {
        let terms = mapping.terms_for(pathway).expect("mapped").to_vec();
        let results = rank_pathway(
            &dir,
            &mapping,
            pathway,
            &Person {
                zip: "90201".into(),
                ..person()
            },
            &RankOptions::default(),
        )
        .expect("mapped");
        assert_eq!(
            results.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
            terms
        );
        for term in &terms {
            assert!(dir.issues().contains(term), "demo directory has {term}");
        }
    }
    let err = rank_pathway(
        &dir,
        &mapping,
        "Astrology",
        &person(),
        &RankOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        RankerError::UnknownPathway {
            pathway: "Astrology".into()
        }
    );
}

#[test]
fn csv_export_round_trips() {
    for dir in [demo_directory(5), random_directory(9, 200)] {
        let csv = directory_to_csv(&dir);
        let (back, problems) = import_directory_csv("export.csv", csv.as_bytes()).expect("imports");
        assert_eq!(back.services, dir.services);
        assert!(
            problems.iter().all(|p| !p.message.contains("skipped")),
            "{problems:?}"
        );
        let (gaz, gaz_problems) =
            import_gazetteer_csv("g.csv", gazetteer_to_csv(&dir.gazetteer).as_bytes())
                .expect("imports");
        assert_eq!(gaz, dir.gazetteer);
        assert!(gaz_problems.is_empty());
    }
}

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn shipped_example_imports_cleanly_and_ranks() {
    let (mut dir, problems) =
        import_directory("directory.csv", &example("directory.csv")).expect("imports");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(dir.services.len(), 10);
    let (gazetteer, gaz_problems) =
        import_gazetteer_csv("gazetteer.csv", &example("gazetteer.csv")).expect("imports");
    assert!(gaz_problems.is_empty());
    dir.gazetteer = gazetteer;
    let p = Person {
        zip: "90101".into(),
        issue: "Eviction".into(),
        ..person()
    };
    let result = rank(&dir, &p, &RankOptions::default()).expect("valid");
    assert_eq!(
        result.best_bets.first().map(|r| r.service_id.as_str()),
        Some("hla-eviction")
    );
    assert_eq!(
        result
            .self_help_centres
            .first()
            .map(|r| r.service_id.as_str()),
        Some("ash-shc")
    );
    assert_eq!(
        result.bar_referrals.first().map(|r| r.service_id.as_str()),
        Some("state-bar")
    );
}

fn hsds_tables() -> Vec<(String, Vec<u8>)> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hsds-example");
    let mut tables: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .expect("hsds example folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            (
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    tables.sort();
    tables
}

#[test]
fn hsds_example_imports() {
    let (dir, problems) = import_hsds(&hsds_tables()).expect("imports");
    assert_eq!(dir.services.len(), 1);
    let s = &dir.services[0];
    assert_eq!(s.id, "ac148810-d857-441c-9679-408f346de14b");
    assert_eq!(s.name, "Community Counselling");
    assert_eq!(s.organisation, "Example Organization Inc.");
    assert!(s.open);
    assert_eq!(
        s.channels,
        vec![Channel::InPerson, Channel::Online, Channel::Phone]
    );
    assert_eq!(s.area.zips, vec!["ABC 1234"]);
    assert_eq!(s.area.cities, vec!["MyCity"]);
    assert_eq!(s.area.counties, vec!["MyRegion"]);
    assert_eq!(s.area.states, vec!["MyState"]);
    assert!(s.regular_hours, "a WEEKLY schedule");
    assert_eq!(dir.gazetteer.places.len(), 1);
    // What HSDS lacks is reported, and what the example lacks too.
    for needle in [
        "populations served",
        "income limits",
        "direct representation",
        "annual volume",
        "best bets",
        "no taxonomy term",
        "service area",
    ] {
        assert!(
            problems.iter().any(|p| p.message.contains(needle)),
            "{needle}: {problems:#?}"
        );
    }
    let area_problem = problems
        .iter()
        .find(|p| p.source == "service_areas.csv")
        .expect("free-text area reported");
    assert_eq!(area_problem.row, Some(2));
}

#[test]
fn hsds_needs_services_and_skips_bad_rows() {
    assert_eq!(import_hsds(&[]), Err(RankerError::HsdsWithoutServices));
    let services = b"id,organization_id,name,status\ns1,o1,Good,active\n,o1,No id,active\ns3,o1,Gone,defunct\n".to_vec();
    let (dir, problems) = import_hsds(&[("services.csv".into(), services)]).expect("imports");
    assert_eq!(
        dir.services
            .iter()
            .map(|s| (s.id.as_str(), s.open))
            .collect::<Vec<_>>(),
        [("s1", true), ("s3", false)]
    );
    assert!(problems
        .iter()
        .any(|p| p.row == Some(3) && p.column.as_deref() == Some("id")));
}

#[test]
fn rank_command_prints_json_and_refuses_bad_input() {
    let exe = env!("CARGO_BIN_EXE_signpost");
    let root = env!("CARGO_MANIFEST_DIR");
    let output = std::process::Command::new(exe)
        .args([
            "rank",
            &format!("{root}/examples/directory.csv"),
            "--gazetteer",
            &format!("{root}/examples/gazetteer.csv"),
        ])
        .args([
            "--zip",
            "90101",
            "--issue",
            "Eviction",
            "--date",
            "2026-12-01",
            "--population",
            "Tenants",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["best_bets"][0]["service_id"], "hla-eviction");
    assert!(json["best_bets"][0]["reasons"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));

    let hsds = format!("{root}/tests/data/hsds-example");
    let output = std::process::Command::new(exe)
        .args([
            "rank",
            &hsds,
            "--zip",
            "ABC 1234",
            "--issue",
            "Counselling",
            "--algorithm",
            "2017",
            "--date",
            "2026-12-01",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    for bad in [["--date", "31/12/2026"], ["--algorithm", "2020"]] {
        let output = std::process::Command::new(exe)
            .args([
                "rank",
                &format!("{root}/examples/directory.csv"),
                "--zip",
                "90101",
                "--issue",
                "Housing",
            ])
            .args(bad)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(!output.stderr.is_empty());
    }
}
