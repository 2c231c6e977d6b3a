//! Seeded event logs drawn from a known system: the demo (a social
//! landlord's 16,000 households over 10 years, moving between general-needs
//! housing, supported housing, home care, hospital, care homes and hospices)
//! and the small systems the tests recover. Each person carries attributes
//! that change their moves and stays, as the system says; records begin on
//! the window's first day, and stays under way then keep their true start.
//! Places are not limited here: queues and blocking are the simulator's.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::survival::StayDist;
use super::{day_to_string, Day, EXIT};
use crate::ranker::Date;

/// Most stays drawn for one person (a bound on the loop).
const MAX_STAYS_PER_PERSON: usize = 500;
/// Most people a log may be drawn for.
pub const MAX_DEMO_PEOPLE: usize = 2_000_000;
/// Longest demo window in years.
pub const MAX_DEMO_YEARS: u32 = 50;
/// Years of history simulated before records begin, so that the stays under
/// way on the first day have realistic lengths so far.
const BURN_IN_YEARS: f64 = 40.0;
const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

/// One state of a known system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSpec {
    pub name: String,
    pub stay: StayDist,
    /// Weights of the next state (or `exit`) before attribute effects.
    pub moves: Vec<(String, f64)>,
}

/// A person attribute and the shares of its levels among arrivals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeSpec {
    pub name: String,
    pub levels: Vec<(String, f64)>,
    /// Per level, the yearly change of its weight among arrivals (0.05 =
    /// 5% more each year from the start of the records; held at its value
    /// five years before them). Empty = no change.
    #[serde(default)]
    pub trend: Vec<f64>,
}

/// People with `attribute` = `level` move `from` -> `to` `factor` times as often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveEffect {
    pub attribute: String,
    pub level: String,
    pub from: String,
    pub to: String,
    pub factor: f64,
}

/// People with `attribute` = `level` stay in `state` `factor` times as long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StayEffect {
    pub attribute: String,
    pub level: String,
    pub state: String,
    pub factor: f64,
}

/// A known system to draw a log from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct System {
    pub states: Vec<StateSpec>,
    /// Where arrivals start.
    pub entry: Vec<(String, f64)>,
    pub attributes: Vec<AttributeSpec>,
    pub move_effects: Vec<MoveEffect>,
    pub stay_effects: Vec<StayEffect>,
    /// The first day of the records.
    pub window_start: Day,
    pub years: u32,
    /// People in the system on the first day (about).
    pub people: usize,
    /// Years simulated before the records begin (stays under way then are carried in).
    pub burn_in_years: f64,
    pub id_column: String,
}

/// The demo's size and seed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DemoOptions {
    pub people: usize,
    pub years: u32,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            people: 16_000,
            years: 10,
            seed: 42,
        }
    }
}

fn pairs(items: &[(&str, f64)]) -> Vec<(String, f64)> {
    items.iter().map(|(s, p)| (s.to_string(), *p)).collect()
}

/// The demo landlord: six states, three person attributes that drive moves.
pub fn demo_system(options: &DemoOptions) -> System {
    const GN: &str = "General needs housing";
    const SH: &str = "Supported housing";
    const HC: &str = "Home care";
    const HO: &str = "Hospital";
    const CH: &str = "Care home";
    const HS: &str = "Hospice";
    let state = |name: &str, stay: StayDist, moves: &[(&str, f64)]| StateSpec {
        name: name.into(),
        stay,
        moves: pairs(moves),
    };
    let states = vec![
        state(
            GN,
            StayDist::Lognormal {
                mean: 520.0,
                sd: 450.0,
            },
            &[(EXIT, 0.45), (HC, 0.2), (HO, 0.25), (SH, 0.1)],
        ),
        state(
            SH,
            StayDist::Gamma {
                mean: 90.0,
                sd: 60.0,
            },
            &[(GN, 0.45), (EXIT, 0.2), (HO, 0.2), (CH, 0.15)],
        ),
        state(
            HC,
            StayDist::Gamma {
                mean: 70.0,
                sd: 55.0,
            },
            &[(HO, 0.5), (CH, 0.15), (GN, 0.1), (EXIT, 0.2), (HS, 0.05)],
        ),
        state(
            HO,
            StayDist::Lognormal { mean: 2.5, sd: 3.0 },
            &[(HC, 0.3), (GN, 0.35), (CH, 0.12), (HS, 0.05), (EXIT, 0.18)],
        ),
        state(
            CH,
            StayDist::Lognormal {
                mean: 130.0,
                sd: 120.0,
            },
            &[(HO, 0.35), (EXIT, 0.6), (HS, 0.05)],
        ),
        state(HS, StayDist::Exp { mean: 3.0 }, &[(EXIT, 0.92), (HO, 0.08)]),
    ];
    let effect = |attribute: &str, level: &str, from: &str, to: &str, factor: f64| MoveEffect {
        attribute: attribute.into(),
        level: level.into(),
        from: from.into(),
        to: to.into(),
        factor,
    };
    let (age, alone, ltc) = ("age_band", "lives_alone", "long_term_condition");
    let move_effects = vec![
        effect(age, "85+", GN, HC, 2.5),
        effect(age, "85+", GN, HO, 2.0),
        effect(age, "85+", GN, EXIT, 0.6),
        effect(age, "85+", HO, CH, 3.0),
        effect(age, "85+", HO, EXIT, 1.8),
        effect(age, "85+", HC, CH, 2.0),
        effect(age, "75-84", GN, HC, 1.7),
        effect(age, "75-84", GN, HO, 1.5),
        effect(age, "75-84", HO, CH, 1.8),
        effect(age, "under 65", GN, HC, 0.3),
        effect(age, "under 65", GN, HO, 0.6),
        effect(age, "under 65", HO, CH, 0.3),
        effect(age, "under 65", HO, GN, 1.5),
        effect(alone, "yes", HO, CH, 1.8),
        effect(alone, "yes", HO, HC, 1.3),
        effect(alone, "yes", HC, CH, 1.6),
        effect(ltc, "yes", GN, HO, 1.8),
        effect(ltc, "yes", HC, HO, 1.4),
        effect(ltc, "yes", GN, HC, 1.5),
    ];
    let stay_effect = |level: &str, state: &str, factor: f64| StayEffect {
        attribute: age.into(),
        level: level.into(),
        state: state.into(),
        factor,
    };
    System {
        states,
        entry: pairs(&[(GN, 0.8), (SH, 0.2)]),
        attributes: vec![
            AttributeSpec {
                name: age.into(),
                // An ageing population: more older households each year, so
                // care-home admissions grow and the open stays are recent.
                trend: vec![-0.03, 0.0, 0.05, 0.1],
                levels: pairs(&[
                    ("under 65", 0.5),
                    ("65-74", 0.2),
                    ("75-84", 0.18),
                    ("85+", 0.12),
                ]),
            },
            AttributeSpec {
                name: alone.into(),
                levels: pairs(&[("yes", 0.4), ("no", 0.6)]),
                trend: Vec::new(),
            },
            AttributeSpec {
                name: ltc.into(),
                levels: pairs(&[("yes", 0.3), ("no", 0.7)]),
                trend: Vec::new(),
            },
        ],
        move_effects,
        stay_effects: vec![
            stay_effect("85+", HO, 1.5),
            stay_effect("85+", GN, 0.6),
            stay_effect("75-84", GN, 0.8),
        ],
        window_start: Date::new(2016, 1, 1)
            .map(|d| d.days_since_epoch())
            .unwrap_or(0),
        years: options.years.clamp(1, MAX_DEMO_YEARS),
        people: options.people.clamp(1, MAX_DEMO_PEOPLE),
        burn_in_years: BURN_IN_YEARS,
        id_column: "household_id".into(),
    }
}

/// Standard gamma draw with shape `k` (Marsaglia and Tsang), scale 1.
pub(crate) fn gamma_draw(rng: &mut ChaCha8Rng, k: f64) -> f64 {
    if k < 1.0 {
        let u: f64 = 1.0 - rng.gen::<f64>();
        return gamma_draw(rng, k + 1.0) * libm::pow(u, 1.0 / k);
    }
    let d = k - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    for _ in 0..1000 {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u: f64 = 1.0 - rng.gen::<f64>();
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
    k
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// A stay drawn from `dist` with its mean scaled by `factor` (weeks).
pub(crate) fn draw_stay(rng: &mut ChaCha8Rng, dist: &StayDist, factor: f64) -> f64 {
    let value = match *dist {
        StayDist::Exp { mean } => -libm::log(1.0 - rng.gen::<f64>()) * mean,
        StayDist::Lognormal { mean, sd } => {
            let s2 = libm::log1p((sd / mean) * (sd / mean));
            libm::exp(libm::log(mean) - s2 / 2.0 + libm::sqrt(s2) * normal(rng))
        }
        StayDist::Gamma { mean, sd } => {
            let shape = (mean / sd) * (mean / sd);
            gamma_draw(rng, shape) * mean / shape
        }
    };
    (value * factor).min(1e6)
}

fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len().saturating_sub(1)
}

/// One drawn stay, in weeks from the window start.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnStay {
    pub person: usize,
    pub state: usize,
    pub start: f64,
    /// `None`: still open at the end of the window.
    pub end: Option<f64>,
}

/// A log drawn from a system: people with their attribute levels, and stays.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnLog {
    pub system: System,
    /// `attributes[person][attribute]`: index of the level.
    pub attributes: Vec<Vec<usize>>,
    pub stays: Vec<DrawnStay>,
}

/// The system with names resolved to indices, for drawing.
struct Compiled {
    /// `moves[person kind][state]`: (target or None for exit, weight).
    entry: Vec<(usize, f64)>,
    states: Vec<StateSpec>,
}

impl Compiled {
    fn new(system: &System) -> Compiled {
        let index = |name: &str| system.states.iter().position(|s| s.name == name);
        Compiled {
            entry: system
                .entry
                .iter()
                .filter_map(|(n, p)| index(n).map(|i| (i, *p)))
                .collect(),
            states: system.states.clone(),
        }
    }
}

fn person_weights(
    system: &System,
    levels: &[usize],
    from: usize,
) -> (Vec<Option<usize>>, Vec<f64>) {
    let spec = &system.states[from];
    let mut targets = Vec::new();
    let mut weights = Vec::new();
    for (to, weight) in &spec.moves {
        let mut w = *weight;
        for effect in &system.move_effects {
            if effect.from == spec.name
                && &effect.to == to
                && has_level(system, levels, &effect.attribute, &effect.level)
            {
                w *= effect.factor;
            }
        }
        targets.push(system.states.iter().position(|s| &s.name == to));
        weights.push(w);
    }
    (targets, weights)
}

fn has_level(system: &System, levels: &[usize], attribute: &str, level: &str) -> bool {
    system.attributes.iter().enumerate().any(|(a, spec)| {
        spec.name == attribute
            && levels
                .get(a)
                .and_then(|&l| spec.levels.get(l))
                .is_some_and(|(name, _)| name == level)
    })
}

fn stay_factor(system: &System, levels: &[usize], state: usize) -> f64 {
    let name = &system.states[state].name;
    system
        .stay_effects
        .iter()
        .filter(|e| &e.state == name && has_level(system, levels, &e.attribute, &e.level))
        .map(|e| e.factor)
        .product()
}

/// Draws one person's path from `arrive` (weeks from the window start) to
/// `until`; returns the stays and the time they left (or `until`).
fn draw_path(
    rng: &mut ChaCha8Rng,
    system: &System,
    compiled: &Compiled,
    levels: &[usize],
    arrive: f64,
    until: f64,
    out: &mut Vec<(usize, f64, Option<f64>)>,
) -> f64 {
    let entry_weights: Vec<f64> = compiled.entry.iter().map(|e| e.1).collect();
    let mut state = compiled.entry[pick(rng, &entry_weights)].0;
    let mut t = arrive;
    for _ in 0..MAX_STAYS_PER_PERSON {
        let length = draw_stay(
            rng,
            &compiled.states[state].stay,
            stay_factor(system, levels, state),
        );
        let end = t + length;
        if end > until {
            out.push((state, t, None));
            return until;
        }
        out.push((state, t, Some(end)));
        let (targets, weights) = person_weights(system, levels, state);
        match targets.get(pick(rng, &weights)).copied().flatten() {
            Some(next) => {
                state = next;
                t = end;
            }
            None => return end,
        }
    }
    t
}

fn draw_levels(rng: &mut ChaCha8Rng, system: &System, weeks: f64) -> Vec<usize> {
    let years = (weeks / WEEKS_PER_YEAR).max(-5.0);
    system
        .attributes
        .iter()
        .map(|a| {
            let weights: Vec<f64> = a
                .levels
                .iter()
                .enumerate()
                .map(|(i, l)| l.1 * libm::exp(a.trend.get(i).copied().unwrap_or(0.0) * years))
                .collect();
            pick(rng, &weights)
        })
        .collect()
}

/// Draws a log from a system with a seed: arrivals at a steady rate from
/// `burn_in_years` before the window, chosen so that about `people` are in
/// the system when records begin; only stays still under way on the first
/// day, or later, are kept.
pub fn draw_log(system: &System, seed: u64) -> DrawnLog {
    let compiled = Compiled::new(system);
    let mut out = DrawnLog {
        system: system.clone(),
        attributes: Vec::new(),
        stays: Vec::new(),
    };
    if compiled.entry.is_empty() || system.states.is_empty() {
        return out;
    }
    let burn_in = system.burn_in_years.max(0.0) * WEEKS_PER_YEAR;
    let window = f64::from(system.years) * WEEKS_PER_YEAR;
    // A pilot of 2,000 people gives the mean time in the system (capped at the burn-in).
    let mut pilot_rng = ChaCha8Rng::seed_from_u64(seed);
    pilot_rng.set_stream(1);
    let mut scratch = Vec::new();
    let mut total = 0.0;
    let n_pilot = 2000;
    for _ in 0..n_pilot {
        let levels = draw_levels(&mut pilot_rng, system, 0.0);
        scratch.clear();
        total += draw_path(
            &mut pilot_rng,
            system,
            &compiled,
            &levels,
            0.0,
            burn_in.max(1.0),
            &mut scratch,
        );
    }
    let mean_time = (total / f64::from(n_pilot)).max(1.0 / 7.0);
    let rate = system.people as f64 / mean_time;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t = -burn_in;
    let max_arrivals = (rate * (burn_in + window) * 2.0) as usize + 1000;
    for _ in 0..max_arrivals {
        t += -libm::log(1.0 - rng.gen::<f64>()) / rate;
        if t > window {
            break;
        }
        let levels = draw_levels(&mut rng, system, t);
        scratch.clear();
        draw_path(
            &mut rng,
            system,
            &compiled,
            &levels,
            t,
            window,
            &mut scratch,
        );
        let kept: Vec<_> = scratch
            .iter()
            .filter(|(_, _, end)| end.is_none_or(|e| e >= 0.0))
            .collect();
        if kept.is_empty() {
            continue;
        }
        let person = out.attributes.len();
        out.attributes.push(levels);
        for &&(state, start, end) in &kept {
            out.stays.push(DrawnStay {
                person,
                state,
                start,
                end,
            });
        }
    }
    out
}

/// The demo log (see `demo_system`).
pub fn demo_log(options: &DemoOptions) -> DrawnLog {
    draw_log(&demo_system(options), options.seed)
}

fn to_day(system: &System, weeks: f64) -> Day {
    system.window_start + libm::floor(weeks * 7.0) as Day
}

/// The log as CSV: id, state, start_date, end_date (empty = still there),
/// then one column per attribute; rows in order of start date.
pub fn demo_to_csv(log: &DrawnLog) -> String {
    let system = &log.system;
    let mut out = String::with_capacity(log.stays.len() * 80 + 200);
    out.push_str(&system.id_column);
    out.push_str(",state,start_date,end_date");
    for a in &system.attributes {
        out.push(',');
        out.push_str(&a.name);
    }
    out.push('\n');
    let mut order: Vec<usize> = (0..log.stays.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&log.stays[a], &log.stays[b]);
        to_day(system, x.start)
            .cmp(&to_day(system, y.start))
            .then(x.person.cmp(&y.person))
    });
    let width = (log.attributes.len().max(1) as f64).log10() as usize + 1;
    for idx in order {
        let stay = &log.stays[idx];
        out.push_str(&format!("H{:0width$}", stay.person + 1));
        out.push(',');
        out.push_str(&system.states[stay.state].name);
        out.push(',');
        out.push_str(&day_to_string(to_day(system, stay.start)));
        out.push(',');
        if let Some(end) = stay.end {
            out.push_str(&day_to_string(to_day(system, end)));
        }
        for (a, spec) in system.attributes.iter().enumerate() {
            out.push(',');
            let level = log.attributes[stay.person]
                .get(a)
                .and_then(|&l| spec.levels.get(l));
            out.push_str(level.map(|l| l.0.as_str()).unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// The last day of the window of a system.
pub fn window_end(system: &System) -> Day {
    system.window_start + libm::floor(f64::from(system.years) * WEEKS_PER_YEAR * 7.0) as Day
}
