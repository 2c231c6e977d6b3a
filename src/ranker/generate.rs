//! Deterministic fictional directories: the demo (about 60 services over the
//! state of Lakeland, three counties, seven cities, fourteen zips) and random
//! directories of any size for the invariant tests and the benchmark. Every
//! number comes from ChaCha8 seeded by the caller, so a seed gives the same
//! directory natively and in the browser.

use super::{Channel, Date, Directory, Gazetteer, Place, Service, ServiceArea, ServiceKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The shipped example of the simple layout, compiled in (no file I/O).
const EXAMPLE: &str = include_str!("../../examples/directory.csv");

/// The demo's state.
const STATE: &str = "Lakeland";

/// (zip, city, county) of the demo region.
const PLACES: [(&str, &str, &str); 14] = [
    ("90101", "Harbourton", "Ash"),
    ("90102", "Harbourton", "Ash"),
    ("90103", "Millbrook", "Ash"),
    ("90104", "Millbrook", "Ash"),
    ("90201", "Birchfield", "Birch"),
    ("90202", "Birchfield", "Birch"),
    ("90203", "Stonebridge", "Birch"),
    ("90204", "Stonebridge", "Birch"),
    ("90301", "Cedar Falls", "Cedar"),
    ("90302", "Cedar Falls", "Cedar"),
    ("90303", "Redwater", "Cedar"),
    ("90304", "Redwater", "Cedar"),
    ("90305", "Elmstead", "Cedar"),
    ("90306", "Elmstead", "Cedar"),
];

const COUNTIES: [&str; 3] = ["Ash", "Birch", "Cedar"];
const CITIES: [&str; 7] = [
    "Harbourton",
    "Millbrook",
    "Birchfield",
    "Stonebridge",
    "Cedar Falls",
    "Redwater",
    "Elmstead",
];

/// Issue terms used by the demo; `PathwayTerms::demo()` maps pathways to them.
pub const DEMO_ISSUES: [&str; 12] = [
    "Housing",
    "Eviction",
    "Debt",
    "Benefits",
    "Domestic violence",
    "Family",
    "Employment",
    "Immigration",
    "Crisis support",
    "Peer support",
    "Mental health",
    "Information and advice",
];

pub const DEMO_POPULATIONS: [&str; 6] = [
    "Veterans",
    "Seniors",
    "People with a disability",
    "Survivors of domestic violence",
    "Young people",
    "Tenants",
];

const ORG_STEMS: [&str; 10] = [
    "Legal Aid",
    "Advice Centre",
    "Law Project",
    "Community Law",
    "Justice Network",
    "Tenants Union",
    "Citizens Advice",
    "Family Support",
    "Veterans Help",
    "Rights Clinic",
];

const SERVICE_STEMS: [&str; 6] = [
    "Clinic", "Helpline", "Drop-in", "Casework", "Project", "Desk",
];

/// The reference date of the demo's irregular in-person sessions: their next
/// dates fall in the three weeks after it.
pub fn demo_reference_date() -> Date {
    // A valid literal date: `new` only fails on impossible days.
    Date::new(2026, 12, 1).unwrap_or_else(|| unreachable!("2026-12-01 exists"))
}

fn gazetteer() -> Gazetteer {
    Gazetteer {
        places: PLACES
            .iter()
            .map(|(zip, city, county)| Place {
                zip: zip.to_string(),
                city: city.to_string(),
                county: county.to_string(),
                state: STATE.to_string(),
            })
            .collect(),
    }
}

/// The demo directory: 60 services, three self-help centres (one per
/// county), three bar referral services, the eight ordinary services of
/// examples/directory.csv and 46 random ordinary services of 20
/// organisations, with the Lakeland gazetteer.
pub fn demo_directory(seed: u64) -> Directory {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut services = Vec::new();
    for (idx, county) in COUNTIES.iter().enumerate() {
        let mut centre = Service::new(
            &format!("shc-{}", idx + 1),
            &format!("{county} County Self-Help Centre"),
        );
        centre.organisation = format!("{county} County Superior Court");
        centre.kind = ServiceKind::SelfHelpCentre;
        centre.issues = DEMO_ISSUES.iter().map(|s| s.to_string()).collect();
        centre.area.counties = vec![county.to_string()];
        centre.channels = vec![Channel::InPerson, Channel::Online];
        centre.serves_over_income = true;
        centre.regular_hours = true;
        services.push(centre);
    }
    let bars: [(&str, Option<&str>); 3] = [
        ("Lakeland State Bar Lawyer Referral", None),
        ("Ash County Bar Referral", Some("Ash")),
        ("Cedar County Bar Referral", Some("Cedar")),
    ];
    for (idx, (name, county)) in bars.iter().enumerate() {
        let mut bar = Service::new(&format!("bar-{}", idx + 1), name);
        bar.kind = ServiceKind::BarReferral;
        bar.issues = DEMO_ISSUES.iter().map(|s| s.to_string()).collect();
        match county {
            Some(county) => bar.area.counties = vec![county.to_string()],
            None => bar.area.states = vec![STATE.to_string()],
        }
        bar.channels = vec![Channel::Phone, Channel::Online];
        bar.serves_over_income = true;
        bar.regular_hours = true;
        bar.annual_volume = Some(rng.gen_range(300..2000));
        services.push(bar);
    }
    // Hand-written services of the shipped example anchor the demo, so a
    // person in Harbourton with a housing issue always finds something.
    let anchors = super::table::import_directory_csv("examples/directory.csv", EXAMPLE.as_bytes())
        .map(|(dir, _)| dir.services)
        .unwrap_or_default();
    services.extend(
        anchors
            .into_iter()
            .filter(|s| s.kind == ServiceKind::Ordinary),
    );
    let organisations = organisations(&mut rng, 20);
    let n_random = 60usize.saturating_sub(services.len());
    for idx in 0..n_random {
        services.push(ordinary(
            &mut rng,
            &format!("svc-{:03}", idx + 1),
            &organisations,
        ));
    }
    Directory {
        services,
        gazetteer: gazetteer(),
    }
}

/// A random directory of `n_services` over the demo region (about 3% bar
/// referrals and 3% self-help centres), for invariant tests and benchmarks.
pub fn random_directory(seed: u64, n_services: usize) -> Directory {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let organisations = organisations(&mut rng, (n_services / 3).max(1));
    let mut services = Vec::with_capacity(n_services);
    for idx in 0..n_services {
        let mut service = ordinary(&mut rng, &format!("svc-{idx:05}"), &organisations);
        let roll: f64 = rng.gen();
        if roll < 0.03 {
            service.kind = ServiceKind::BarReferral;
        } else if roll < 0.06 {
            service.kind = ServiceKind::SelfHelpCentre;
            service.area = ServiceArea {
                counties: vec![pick(&mut rng, &COUNTIES)],
                ..ServiceArea::default()
            };
        }
        services.push(service);
    }
    Directory {
        services,
        gazetteer: gazetteer(),
    }
}

fn pick(rng: &mut ChaCha8Rng, items: &[&str]) -> String {
    crate::rng::choose(rng, items)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn organisations(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut names = Vec::with_capacity(n);
    let mut prefixes: Vec<&str> = CITIES.to_vec();
    prefixes.extend(COUNTIES);
    prefixes.push(STATE);
    for idx in 0..n {
        let prefix = pick(rng, &prefixes);
        let stem = pick(rng, &ORG_STEMS);
        // A number keeps names unique once the combinations run out.
        let name = if idx < 60 {
            format!("{prefix} {stem}")
        } else {
            format!("{prefix} {stem} {idx}")
        };
        if names.contains(&name) {
            names.push(format!("{name} {}", idx + 1));
        } else {
            names.push(name);
        }
    }
    names
}

fn sample(rng: &mut ChaCha8Rng, items: &[&str], min: usize, max: usize) -> Vec<String> {
    let n = crate::rng::between(rng, min, max);
    let mut chosen: Vec<String> = crate::rng::choose_multiple(rng, items, n)
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    chosen.sort();
    chosen
}

fn ordinary(rng: &mut ChaCha8Rng, id: &str, organisations: &[String]) -> Service {
    let organisation = crate::rng::choose(rng, organisations)
        .cloned()
        .unwrap_or_default();
    let issues = sample(rng, &DEMO_ISSUES, 1, 3);
    let stem = pick(rng, &SERVICE_STEMS);
    let first_issue = issues.first().cloned().unwrap_or_default();
    let mut service = Service::new(id, &format!("{organisation} {first_issue} {stem}"));
    service.organisation = organisation;
    service.issues = issues;
    service.populations = if rng.gen_bool(0.6) {
        Vec::new()
    } else {
        sample(rng, &DEMO_POPULATIONS, 1, 2)
    };
    service.area = match rng.gen_range(0..4) {
        0 => ServiceArea {
            zips: sample(rng, &PLACES.map(|p| p.0), 1, 3),
            ..ServiceArea::default()
        },
        1 => ServiceArea {
            cities: sample(rng, &CITIES, 1, 2),
            ..ServiceArea::default()
        },
        2 => ServiceArea {
            counties: sample(rng, &COUNTIES, 1, 2),
            ..ServiceArea::default()
        },
        _ => ServiceArea {
            states: vec![STATE.to_string()],
            ..ServiceArea::default()
        },
    };
    let mut channels: Vec<Channel> = Channel::ALL
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.5))
        .collect();
    if channels.is_empty() {
        channels.push(*crate::rng::choose(rng, &Channel::ALL).unwrap_or(&Channel::Phone));
    }
    service.channels = channels;
    service.serves_over_income = rng.gen_bool(0.3);
    service.open = rng.gen_bool(0.9);
    service.direct_representation = rng.gen_bool(0.75);
    service.annual_volume = if rng.gen_bool(0.6) {
        Some(rng.gen_range(20..3000))
    } else {
        None
    };
    service.regular_hours = rng.gen_bool(0.65);
    if !service.regular_hours && service.channels.contains(&Channel::InPerson) && rng.gen_bool(0.7)
    {
        let offset = rng.gen_range(0..21);
        service.next_date =
            Date::from_days_since_epoch(demo_reference_date().days_since_epoch() + offset);
    }
    if rng.gen_bool(0.15) {
        service.best_bet_issues = vec![first_issue];
    }
    if rng.gen_bool(0.1) {
        service.best_bet_populations = match service.populations.first() {
            Some(population) => vec![population.clone()],
            None => vec![pick(rng, &DEMO_POPULATIONS)],
        };
    }
    service
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_and_sized() {
        let a = demo_directory(7);
        assert_eq!(a, demo_directory(7));
        assert_ne!(a, demo_directory(8));
        assert_eq!(a.services.len(), 60);
        assert_eq!(a.gazetteer.places.len(), 14);
        let mut ids: Vec<&str> = a.services.iter().map(|s| s.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 60, "ids are unique");
    }

    #[test]
    fn random_directory_has_every_kind() {
        let dir = random_directory(1, 500);
        assert_eq!(dir.services.len(), 500);
        for kind in [
            ServiceKind::Ordinary,
            ServiceKind::BarReferral,
            ServiceKind::SelfHelpCentre,
        ] {
            assert!(dir.services.iter().any(|s| s.kind == kind), "{kind:?}");
        }
    }
}
