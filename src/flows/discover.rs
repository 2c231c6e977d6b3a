//! Discovery: from a checked log to states (stays, censoring, honest and
//! naive mean stays, fitted distributions, places), moves with counts and
//! shares (everyone and per segment), arrivals, monthly series, the move
//! model and the usage segments.

use serde::{Deserialize, Serialize};

use super::log::EventLog;
use super::moves::{move_model, MoveModelReport};
use super::rules::{classify, Classified, Outcome};
use super::series::{daily_occupancy, month_series, MonthSeries};
use super::survival::{fit_stays, StayDist, StayFit, StaySample};
use super::usage::{usage_segments, UsageSegments};
use super::{day_to_string, EXIT};
use crate::segment::KChoice;

/// What to discover beyond the basics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverOptions {
    /// Fit the move model (needs attribute columns).
    pub move_model: bool,
    /// Segment people by their service use (`None`: no segments).
    pub segments: Option<KChoice>,
    pub seed: u64,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            move_model: true,
            segments: Some(KChoice::Range(2, 6)),
            seed: 42,
        }
    }
}

/// One state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSummary {
    pub name: String,
    /// Stays in the window (carried in included).
    pub stays: usize,
    /// Of those, still open at the end of the data.
    pub censored: usize,
    pub carried_in: usize,
    pub arrivals: usize,
    /// The censoring-aware mean stay (from the fitted distribution), weeks.
    pub mean_stay_weeks: Option<f64>,
    /// The plain mean of the finished stays, weeks.
    pub naive_mean_stay_weeks: Option<f64>,
    pub stay_distribution: Option<StayDist>,
    pub fit: StayFit,
    /// The most people there on one day (the default places).
    pub places: u32,
    pub mean_occupancy: f64,
}

/// Moves from one state to another (or exit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveCount {
    pub from: String,
    pub to: String,
    pub count: usize,
    /// Of the finished stays in `from`.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrivalRate {
    pub state: String,
    pub per_week: f64,
    /// Change in arrivals per week over a year (the trend line's slope).
    pub trend_per_year: f64,
}

/// Moves within one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentFlows {
    pub name: String,
    pub people: usize,
    /// Share of the arrivals that are in this segment.
    pub arrival_share: f64,
    pub entry: Vec<(String, f64)>,
    pub moves: Vec<MoveCount>,
    pub words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discovery {
    pub window_start: String,
    pub window_end: String,
    pub window_weeks: f64,
    pub tolerance_days: i64,
    pub people: usize,
    pub states: Vec<StateSummary>,
    pub moves: Vec<MoveCount>,
    pub arrivals: Vec<ArrivalRate>,
    pub series: MonthSeries,
    pub segments: Option<UsageSegments>,
    pub segment_flows: Vec<SegmentFlows>,
    pub move_model: Option<MoveModelReport>,
    /// Set when segmenting failed (too few people, ...): why.
    pub segments_note: Option<String>,
}

/// Counts and shares of moves over the stays `keep` selects.
fn count_moves(
    log: &EventLog,
    classified: &[Classified],
    keep: &dyn Fn(usize) -> bool,
) -> Vec<MoveCount> {
    let n_states = log.states.len();
    // counts[from][to], to = n_states for exit
    let mut counts = vec![vec![0usize; n_states + 1]; n_states];
    for (i, (stay, c)) in log.stays.iter().zip(classified).enumerate() {
        if !keep(i) {
            continue;
        }
        let to = match c.outcome {
            Outcome::Move(s) => s as usize,
            Outcome::Exit => n_states,
            Outcome::Censored => continue,
        };
        if let Some(cell) = counts
            .get_mut(stay.state as usize)
            .and_then(|r| r.get_mut(to))
        {
            *cell += 1;
        }
    }
    let mut out = Vec::new();
    for (from, row) in counts.iter().enumerate() {
        let finished: usize = row.iter().sum();
        for (to, &count) in row.iter().enumerate() {
            if count == 0 {
                continue;
            }
            out.push(MoveCount {
                from: log.states[from].clone(),
                to: log.states.get(to).cloned().unwrap_or_else(|| EXIT.into()),
                count,
                share: count as f64 / finished as f64,
            });
        }
    }
    out
}

/// The steps of discovery in the order `discover_with_progress` reports
/// them: the rules, lengths of stay, series, moves, segments, move model.
pub const DISCOVER_STEPS: [&str; 6] = [
    "rules",
    "stays",
    "series",
    "moves",
    "segments",
    "move model",
];

/// Discovers everything from a checked log.
pub fn discover(log: &EventLog, options: &DiscoverOptions) -> Discovery {
    discover_with_progress(log, options, &mut |_| {})
}

/// `discover`, calling `step` with each name of `DISCOVER_STEPS` as that
/// step begins (for progress, and for the benchmark's timings).
pub fn discover_with_progress(
    log: &EventLog,
    options: &DiscoverOptions,
    step: &mut dyn FnMut(&str),
) -> Discovery {
    step(DISCOVER_STEPS[0]);
    let classified = classify(log);
    discover_steps(log, &classified, options, step)
}

fn discover_steps(
    log: &EventLog,
    classified: &[Classified],
    options: &DiscoverOptions,
    step: &mut dyn FnMut(&str),
) -> Discovery {
    step(DISCOVER_STEPS[1]);
    let n_states = log.states.len();
    let mut lengths: Vec<Vec<(i64, i64, bool)>> = vec![Vec::new(); n_states];
    let mut censored = vec![0usize; n_states];
    let mut carried = vec![0usize; n_states];
    let mut arrivals = vec![0usize; n_states];
    let mut stays = vec![0usize; n_states];
    for (stay, c) in log.stays.iter().zip(classified) {
        let s = stay.state as usize;
        stays[s] += 1;
        let finished = !matches!(c.outcome, Outcome::Censored);
        censored[s] += usize::from(!finished);
        carried[s] += usize::from(c.carried_in);
        arrivals[s] += usize::from(c.arrival);
        lengths[s].push((c.entry_half_days, c.exit_half_days, finished));
    }
    let samples: Vec<StaySample> = lengths.iter().map(|l| StaySample::from_stays(l)).collect();
    drop(lengths);
    let fits: Vec<StayFit> = samples.iter().map(fit_stays).collect();
    step(DISCOVER_STEPS[2]);
    let daily = daily_occupancy(log);
    let series = month_series(log, classified, &daily);
    let window_weeks = log.window_days() as f64 / super::DAYS_PER_WEEK;
    let states: Vec<StateSummary> = fits
        .into_iter()
        .enumerate()
        .map(|(s, fit)| {
            let st = &series.states[s];
            StateSummary {
                name: log.states[s].clone(),
                stays: stays[s],
                censored: censored[s],
                carried_in: carried[s],
                arrivals: arrivals[s],
                mean_stay_weeks: fit.chosen.map(|d| d.mean()),
                naive_mean_stay_weeks: samples[s].naive_mean(),
                stay_distribution: fit.chosen,
                fit,
                places: st.max_occupancy,
                mean_occupancy: st.mean_occupancy,
            }
        })
        .collect();
    step(DISCOVER_STEPS[3]);
    let moves = count_moves(log, classified, &|_| true);
    let arrival_rates = (0..n_states)
        .filter(|&s| arrivals[s] > 0)
        .map(|s| ArrivalRate {
            state: log.states[s].clone(),
            per_week: arrivals[s] as f64 / window_weeks,
            trend_per_year: series.states[s].trend.per_year,
        })
        .collect();
    step(DISCOVER_STEPS[4]);
    let (segments, segments_note) = match options.segments {
        Some(k) if log.people.len() >= 3 => {
            match usage_segments(log, classified, k, options.seed) {
                Ok(s) => (Some(s), None),
                Err(err) => (None, Some(err.to_string())),
            }
        }
        Some(_) => (None, Some("too few people to segment".into())),
        None => (None, None),
    };
    let segment_flows = segments
        .as_ref()
        .map(|seg| segment_flows(log, classified, seg))
        .unwrap_or_default();
    step(DISCOVER_STEPS[5]);
    let move_model = (options.move_model && !log.attributes.is_empty())
        .then(|| move_model(log, classified, options.seed));
    Discovery {
        window_start: day_to_string(log.window_start),
        window_end: day_to_string(log.window_end),
        window_weeks,
        tolerance_days: log.tolerance_days,
        people: log.people.len(),
        states,
        moves,
        arrivals: arrival_rates,
        series,
        segments,
        segment_flows,
        move_model,
        segments_note,
    }
}

fn segment_flows(
    log: &EventLog,
    classified: &[Classified],
    segments: &UsageSegments,
) -> Vec<SegmentFlows> {
    let seg_of = |i: usize| {
        log.stays
            .get(i)
            .and_then(|s| segments.person_segment.get(s.person as usize))
            .copied()
    };
    let total_arrivals = classified.iter().filter(|c| c.arrival).count().max(1);
    segments
        .segments
        .iter()
        .enumerate()
        .map(|(k, seg)| {
            let mut entry_counts = vec![0usize; log.states.len()];
            for (i, (stay, c)) in log.stays.iter().zip(classified).enumerate() {
                if c.arrival && seg_of(i) == Some(k) {
                    entry_counts[stay.state as usize] += 1;
                }
            }
            let n_arrivals: usize = entry_counts.iter().sum();
            SegmentFlows {
                name: seg.name.clone(),
                people: seg.size,
                arrival_share: n_arrivals as f64 / total_arrivals as f64,
                entry: entry_counts
                    .iter()
                    .enumerate()
                    .filter(|(_, &n)| n > 0)
                    .map(|(s, &n)| (log.states[s].clone(), n as f64 / n_arrivals as f64))
                    .collect(),
                moves: count_moves(log, classified, &|i| seg_of(i) == Some(k)),
                words: seg.words.clone(),
            }
        })
        .collect()
}
