//! The demo scenario: a social landlord's system. People are triaged to one
//! of four support pathways (the triage demo's), then move between general
//! needs housing, supported housing, a care home, hospital and a hospice, and
//! leave. About 16,000 people arrive over its 10 years; the care home is
//! tight on purpose, so the demo shows blocking (people waiting in hospital
//! beds for a care-home place) and a named bottleneck.

use super::scenario::{Dist, Group, GroupMoves, Move, QueueRule, Scenario, Service, Triage, EXIT};

fn moves(list: &[(&str, f64)]) -> Vec<Move> {
    list.iter()
        .map(|(to, p)| Move {
            to: (*to).to_string(),
            p: *p,
        })
        .collect()
}

fn service(name: &str, places: u32, stay: Dist, queue: QueueRule, next: &[(&str, f64)]) -> Service {
    Service {
        name: name.to_string(),
        places,
        stay,
        queue,
        next: moves(next),
    }
}

const CRISIS: &str = "Crisis intervention";
const INTENSIVE: &str = "One-to-one support";
const TENANCY: &str = "Signposting";
const PEER: &str = "Peer support group";
const GENERAL: &str = "General needs housing";
const SUPPORTED: &str = "Supported housing";
const CARE: &str = "Care home";
const HOSPITAL: &str = "Hospital";
const HOSPICE: &str = "Hospice";

/// The social landlord's system, 10 years with a two-year warm-up.
pub fn demo_scenario() -> Scenario {
    use Dist::{Exp, Fixed, Lognormal};
    use QueueRule::{Fifo, Risk};
    let services = vec![
        service(
            CRISIS,
            45,
            Lognormal { mean: 4.0, sd: 2.0 },
            Risk,
            &[
                (SUPPORTED, 0.35),
                (GENERAL, 0.25),
                (HOSPITAL, 0.1),
                (EXIT, 0.3),
            ],
        ),
        service(
            INTENSIVE,
            100,
            Lognormal {
                mean: 10.0,
                sd: 5.0,
            },
            Risk,
            &[(SUPPORTED, 0.2), (GENERAL, 0.3), (EXIT, 0.5)],
        ),
        service(
            TENANCY,
            105,
            Exp { mean: 8.0 },
            Fifo,
            &[(GENERAL, 0.2), (EXIT, 0.8)],
        ),
        service(PEER, 110, Fixed { value: 12.0 }, Fifo, &[(EXIT, 1.0)]),
        service(
            GENERAL,
            900,
            Lognormal {
                mean: 104.0,
                sd: 52.0,
            },
            Fifo,
            &[(SUPPORTED, 0.1), (HOSPITAL, 0.1), (EXIT, 0.8)],
        ),
        service(
            SUPPORTED,
            160,
            Lognormal {
                mean: 26.0,
                sd: 13.0,
            },
            Fifo,
            &[(GENERAL, 0.55), (CARE, 0.08), (HOSPITAL, 0.1), (EXIT, 0.27)],
        ),
        service(
            CARE,
            94,
            Lognormal {
                mean: 78.0,
                sd: 40.0,
            },
            Fifo,
            // No move to hospital: with blocking, a full care home waiting for
            // hospital beds and a full hospital waiting for care-home places
            // would lock each other (gridlock), which the demo is not about.
            &[(HOSPICE, 0.3), (EXIT, 0.7)],
        ),
        service(
            HOSPITAL,
            14,
            Exp { mean: 2.0 },
            Risk,
            &[(CARE, 0.4), (HOSPICE, 0.1), (SUPPORTED, 0.1), (EXIT, 0.4)],
        ),
        service(HOSPICE, 5, Exp { mean: 3.0 }, Fifo, &[(EXIT, 1.0)]),
    ];
    let group = |name: &str, rate: f64, mix: &[(&str, f64)], risk: [f64; 3]| Group {
        name: name.to_string(),
        rate: Some(rate),
        share: None,
        profile: Vec::new(),
        mix: moves(mix),
        risk: risk.to_vec(),
        need: vec![0.5, 0.3, 0.2],
        next: Vec::new(),
        attributes: Vec::new(),
    };
    let mut older = group(
        "Older people",
        6.8,
        &[(CRISIS, 0.1), (INTENSIVE, 0.4), (TENANCY, 0.4), (PEER, 0.1)],
        [0.4, 0.4, 0.2],
    );
    older.next = vec![GroupMoves {
        from: SUPPORTED.to_string(),
        to: moves(&[(CARE, 0.2), (GENERAL, 0.3), (HOSPITAL, 0.15), (EXIT, 0.35)]),
    }];
    Scenario {
        name: "Social landlord (demo)".to_string(),
        weeks: 520.0,
        warmup: 104.0,
        arrivals: None,
        services,
        groups: vec![
            group(
                "Young people",
                10.0,
                &[(CRISIS, 0.3), (INTENSIVE, 0.2), (TENANCY, 0.2), (PEER, 0.3)],
                [0.5, 0.3, 0.2],
            ),
            group(
                "Working-age adults",
                14.0,
                &[
                    (CRISIS, 0.2),
                    (INTENSIVE, 0.2),
                    (TENANCY, 0.35),
                    (PEER, 0.25),
                ],
                [0.6, 0.3, 0.1],
            ),
            older,
        ],
        triage: Triage {
            accuracy: 0.8,
            delay: 4.0,
        },
        initial: Vec::new(),
        move_model: None,
    }
}
