//! From discovery to the simulator: a `sim::Scenario` built from what the
//! log shows (services with the observed places, the fitted stay
//! distributions, the shares of moves, arrivals per week, segments as
//! groups with their own entry mix and routes).

use serde::{Deserialize, Serialize};

use serde_json::{json, Value};

use super::discover::{Discovery, MoveCount};
use super::log::EventLog;
use super::survival::StayDist;
use super::{Day, FlowError, DAYS_PER_WEEK, EXIT};
use crate::sim::Scenario;

/// How to build the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOptions {
    /// Run length in weeks.
    pub weeks: f64,
    /// Weeks simulated before counting (the system starts empty).
    pub warmup: f64,
    /// Places per state (by name); a state not listed keeps the observed maximum.
    pub places: Vec<(String, u32)>,
    /// One group per segment (when segments were found).
    pub segments_as_groups: bool,
    /// Start from the people in each state on this day, with the weeks they
    /// have already spent there (`None`: the system starts empty).
    pub initial_at: Option<Day>,
    /// Draw moves from the learned move model where it beat the table.
    pub use_move_model: bool,
}

impl Default for ScenarioOptions {
    fn default() -> Self {
        ScenarioOptions {
            weeks: 520.0,
            warmup: 260.0,
            places: Vec::new(),
            segments_as_groups: true,
            initial_at: None,
            use_move_model: true,
        }
    }
}

impl ScenarioOptions {
    /// What "use in the simulator" starts from: the people there at the end
    /// of the data, five years ahead, no warm-up.
    pub fn from_end_of_data(log: &EventLog) -> ScenarioOptions {
        ScenarioOptions {
            weeks: 260.0,
            warmup: 0.0,
            initial_at: Some(log.window_end),
            ..ScenarioOptions::default()
        }
    }
}

/// The one group when segments are not used.
const EVERYONE: &str = "Everyone";
/// Most people in a group's pool of attributes.
const MAX_POOL: usize = 5_000;

fn moves_from(moves: &[MoveCount], from: &str) -> Vec<Value> {
    moves
        .iter()
        .filter(|m| m.from == from)
        .map(|m| json!({"to": m.to, "p": m.share}))
        .collect()
}

/// Builds the scenario. A state whose stays never ended gets an exponential
/// stay as long as the window (at least that long, as far as the data says);
/// a state with no finished stay (so no known move) sends people to exit.
/// Built as JSON and read as the simulator reads a file, so it only uses the
/// scenario format (and its defaults).
pub fn build_scenario(
    log: &EventLog,
    d: &Discovery,
    name: &str,
    options: &ScenarioOptions,
) -> Result<Scenario, FlowError> {
    let services: Vec<Value> = d
        .states
        .iter()
        .map(|s| {
            let places = options
                .places
                .iter()
                .find(|(n, _)| *n == s.name)
                .map_or(s.places, |p| p.1)
                .max(1);
            let stay = s.stay_distribution.unwrap_or(StayDist::Exp {
                mean: d.window_weeks.max(1.0),
            });
            let mut next = moves_from(&d.moves, &s.name);
            if next.is_empty() {
                next.push(json!({"to": EXIT, "p": 1.0}));
            }
            json!({"name": s.name, "places": places, "stay": stay, "next": next})
        })
        .collect();
    let total: f64 = d.arrivals.iter().map(|a| a.per_week).sum();
    let overall_mix: Vec<Value> = d
        .arrivals
        .iter()
        .filter(|a| a.per_week > 0.0)
        .map(|a| json!({"to": a.state, "p": a.per_week / total}))
        .collect();
    let entering = d
        .segment_flows
        .iter()
        .filter(|s| !s.entry.is_empty())
        .count();
    // Every segment is a group (people there at the start may belong to one
    // that nobody joins in the window: it gets no arrivals and the overall mix).
    let groups: Vec<Value> = if options.segments_as_groups && entering > 1 {
        d.segment_flows
            .iter()
            .map(|s| {
                let next: Vec<Value> = d
                    .states
                    .iter()
                    .filter_map(|st| {
                        let to = moves_from(&s.moves, &st.name);
                        (!to.is_empty()).then(|| json!({"from": st.name, "to": to}))
                    })
                    .collect();
                let mix: Vec<Value> = if s.entry.is_empty() {
                    overall_mix.clone()
                } else {
                    s.entry
                        .iter()
                        .map(|(to, p)| json!({"to": to, "p": p}))
                        .collect()
                };
                json!({"name": s.name, "share": s.arrival_share, "mix": mix, "next": next})
            })
            .collect()
    } else {
        vec![json!({"name": EVERYONE, "share": 1.0, "mix": overall_mix})]
    };
    let segment_groups = groups.len() > 1;
    let model = options
        .use_move_model
        .then_some(d.move_model.as_ref())
        .flatten();
    let mut groups = groups;
    // Each person's attributes (as the move model reads them) and group.
    let group_of = |person: usize| -> String {
        match (&d.segments, segment_groups) {
            (Some(seg), true) => seg
                .person_segment
                .get(person)
                .and_then(|&k| seg.segments.get(k))
                .map_or_else(|| EVERYONE.to_string(), |s| s.name.clone()),
            _ => EVERYONE.to_string(),
        }
    };
    let attributes_of = |person: usize| -> Vec<f64> {
        match (model, log.person_attributes.get(person)) {
            (Some(m), Some(values)) => m.encoding.person(values),
            _ => Vec::new(),
        }
    };
    if model.is_some() {
        // Arrivals draw a person from the people who arrived in the window.
        let classified = super::rules::classify(log);
        for group in groups.iter_mut() {
            let name = group["name"].as_str().unwrap_or_default().to_string();
            let mut pool: Vec<Value> = log
                .stays
                .iter()
                .zip(&classified)
                .filter(|(stay, c)| c.arrival && group_of(stay.person as usize) == name)
                .take(MAX_POOL)
                .map(|(stay, _)| json!(attributes_of(stay.person as usize)))
                .collect();
            if pool.is_empty() {
                // Nobody arrives in this group: its own people stand in.
                pool = (0..log.people.len())
                    .filter(|&p| group_of(p) == name)
                    .take(MAX_POOL)
                    .map(|p| json!(attributes_of(p)))
                    .collect();
            }
            group["attributes"] = Value::Array(pool);
        }
    }
    let mut initial: Vec<Value> = Vec::new();
    if let Some(day) = options.initial_at {
        for stay in &log.stays {
            let open_then = stay.start <= day && stay.end.is_none_or(|end| end > day);
            if !open_then {
                continue;
            }
            let person = stay.person as usize;
            let mut resident = json!({
                "service": log.states.get(stay.state as usize),
                "elapsed": (day - stay.start) as f64 / DAYS_PER_WEEK,
                "group": group_of(person),
            });
            if model.is_some() {
                resident["attributes"] = json!(attributes_of(person));
            }
            initial.push(resident);
        }
    }
    let move_model = model.map(|m| {
        let states: Vec<Value> = m
            .states
            .iter()
            .filter(|s| s.uses_model)
            .map(|s| json!({"from": s.from, "to": s.to, "weights": s.weights}))
            .collect();
        json!({"attributes": m.attributes, "states": states})
    });
    let mut value = json!({
        "name": name,
        "weeks": options.weeks,
        "warmup": options.warmup,
        "arrivals": total,
        "services": services,
        "groups": groups,
        "triage": {"accuracy": 1.0, "delay": 0.0},
    });
    if !initial.is_empty() {
        value["initial"] = Value::Array(initial);
    }
    if let Some(move_model) = move_model {
        value["move_model"] = move_model;
    }
    serde_json::from_value(value).map_err(|err| {
        FlowError::Invalid(format!(
            "the scenario built from the log could not be read: {err}"
        ))
    })
}
