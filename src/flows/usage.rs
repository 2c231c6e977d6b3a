//! Segments from patterns of service use: each person's share of time in
//! each state, stays a year, hospital stays a year (when a state's name says
//! hospital), moves and weeks to their first move, grouped by the k-means
//! and silhouette of `segment` (called, not copied) and described in words.

use serde::{Deserialize, Serialize};

use super::log::EventLog;
use super::rules::{Classified, Outcome};
use super::weeks;
use crate::import::{Column, ColumnKind, Dataset, Role};
use crate::segment::{segment, KChoice, SegmentConfig, SegmentError};

/// One segment of people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageSegment {
    pub name: String,
    pub size: usize,
    pub share: f64,
    /// What sets it apart, in words.
    pub words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageSegments {
    pub k: usize,
    pub silhouette: f64,
    pub features: Vec<String>,
    pub segments: Vec<UsageSegment>,
    /// Segment of each person (index into `segments`).
    pub person_segment: Vec<usize>,
}

/// The per-person table k-means sees.
pub fn usage_dataset(log: &EventLog, classified: &[Classified]) -> Dataset {
    let n_people = log.people.len();
    let n_states = log.states.len();
    let mut time = vec![vec![0.0f64; n_states]; n_people];
    let mut stays = vec![0usize; n_people];
    let mut hospital = vec![0usize; n_people];
    let mut moves = vec![0usize; n_people];
    let mut first_move: Vec<Option<f64>> = vec![None; n_people];
    let mut observed = vec![0.0f64; n_people];
    let hospital_states: Vec<bool> = log
        .states
        .iter()
        .map(|s| s.to_lowercase().contains("hospital"))
        .collect();
    for (stay, c) in log.stays.iter().zip(classified) {
        let p = stay.person as usize;
        let s = stay.state as usize;
        let inside = weeks(c.exit_half_days - c.entry_half_days) / 2.0;
        time[p][s] += inside;
        observed[p] += inside;
        stays[p] += 1;
        if hospital_states[s] {
            hospital[p] += 1;
        }
        if let Outcome::Move(_) = c.outcome {
            moves[p] += 1;
            if first_move[p].is_none() {
                first_move[p] = Some(observed[p]);
            }
        }
    }
    let mut columns = Vec::new();
    let mut push = |name: String, values: Vec<f64>| {
        columns.push(Column {
            name,
            kind: ColumnKind::Numeric,
            role: Role::Feature,
            cells: values.iter().map(|v| Some(format!("{v:.4}"))).collect(),
        });
    };
    let years = |p: usize| (observed[p] / (365.25 / 7.0)).max(1.0 / 12.0);
    for (s, name) in log.states.iter().enumerate() {
        push(
            format!("share of time in {name}"),
            (0..n_people)
                .map(|p| time[p][s] / observed[p].max(1e-9))
                .collect(),
        );
    }
    push(
        "stays a year".into(),
        (0..n_people).map(|p| stays[p] as f64 / years(p)).collect(),
    );
    if hospital_states.iter().any(|h| *h) {
        push(
            "hospital stays a year".into(),
            (0..n_people)
                .map(|p| hospital[p] as f64 / years(p))
                .collect(),
        );
    }
    push("moves".into(), moves.iter().map(|&m| m as f64).collect());
    push(
        "weeks to first move".into(),
        (0..n_people)
            .map(|p| first_move[p].unwrap_or(observed[p]))
            .collect(),
    );
    Dataset {
        source: format!("{} (service use per person)", log.source),
        n_rows: n_people,
        columns,
        success_rule: None,
    }
}

/// Segments the people by their service use.
pub fn usage_segments(
    log: &EventLog,
    classified: &[Classified],
    k: KChoice,
    seed: u64,
) -> Result<UsageSegments, SegmentError> {
    let dataset = usage_dataset(log, classified);
    let config = SegmentConfig {
        columns: None,
        k,
        seed,
        include_protected: false,
    };
    let result = segment(&dataset, &config)?;
    let silhouette = result
        .silhouettes
        .iter()
        .find(|(k, _)| *k == result.k)
        .map_or(0.0, |s| s.1);
    Ok(UsageSegments {
        k: result.k,
        silhouette,
        features: result.columns.clone(),
        segments: result
            .segments
            .iter()
            .map(|s| UsageSegment {
                name: s.name.clone(),
                size: s.size,
                share: s.share,
                words: s.features.iter().map(|f| f.words.clone()).collect(),
            })
            .collect(),
        person_segment: result.assignments,
    })
}
