//! Segments from patterns of service use: each person's share of time in
//! each state, stays a year, hospital stays a year (when a state's name says
//! hospital), moves and weeks to their first move, grouped by the k-means
//! and silhouette of `segment` (called, not copied) and described in words.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::log::EventLog;
use super::rules::{Classified, Outcome};
use super::weeks;
use crate::import::{Column, ColumnKind, Dataset, Role};
use crate::segment::{segment, KChoice, SegmentConfig, SegmentError};

/// ChaCha stream of the people sample (k-means uses streams 2.. of the same seed).
const SAMPLE_STREAM: u64 = 7_001;

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
    /// When the groups were chosen on a seeded sample of this many people
    /// (k, the centres, the silhouette and the words), everyone else joining
    /// the nearest group; `None` when k-means saw everyone.
    #[serde(default)]
    pub sample_people: Option<usize>,
}

impl UsageSegments {
    /// "Groups chosen on a sample of 20,000 of 538,874 people ...", when sampled.
    pub fn sample_words(&self) -> Option<String> {
        self.sample_people.map(|n| {
            format!(
                "groups chosen on a seeded sample of {} of {} people; everyone else joined the nearest group",
                thousands(n),
                thousands(self.person_segment.len())
            )
        })
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// People k-means and the silhouettes see at most: beyond this the groups
/// are chosen on a seeded sample of this many people, and everyone else
/// joins the group whose centre is nearest (in the same standardised units).
pub const MAX_SEGMENT_PEOPLE: usize = 20_000;

/// Service use per person: one column of numbers per feature.
struct UsageTable {
    names: Vec<String>,
    /// `columns[feature][person]`.
    columns: Vec<Vec<f64>>,
}

fn usage_table(log: &EventLog, classified: &[Classified]) -> UsageTable {
    let n_people = log.people.len();
    let n_states = log.states.len();
    // time[person * n_states + state]
    let mut time = vec![0.0f64; n_people * n_states];
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
        if p >= n_people || s >= n_states {
            continue;
        }
        let inside = weeks(c.exit_half_days - c.entry_half_days) / 2.0;
        time[p * n_states + s] += inside;
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
    let mut names = Vec::new();
    let mut columns = Vec::new();
    let years = |p: usize| (observed[p] / (365.25 / 7.0)).max(1.0 / 12.0);
    for (s, name) in log.states.iter().enumerate() {
        names.push(format!("share of time in {name}"));
        columns.push(
            (0..n_people)
                .map(|p| time[p * n_states + s] / observed[p].max(1e-9))
                .collect(),
        );
    }
    names.push("stays a year".into());
    columns.push((0..n_people).map(|p| stays[p] as f64 / years(p)).collect());
    if hospital_states.iter().any(|h| *h) {
        names.push("hospital stays a year".into());
        columns.push(
            (0..n_people)
                .map(|p| hospital[p] as f64 / years(p))
                .collect(),
        );
    }
    names.push("moves".into());
    columns.push(moves.iter().map(|&m| m as f64).collect());
    names.push("weeks to first move".into());
    columns.push(
        (0..n_people)
            .map(|p| first_move[p].unwrap_or(observed[p]))
            .collect(),
    );
    UsageTable { names, columns }
}

/// The rows `people` of the table as a dataset (numbers written as the
/// import would read them).
fn table_dataset(log: &EventLog, table: &UsageTable, people: &[usize]) -> Dataset {
    let columns = table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, values)| Column {
            name: name.clone(),
            kind: ColumnKind::Numeric,
            role: Role::Feature,
            cells: people
                .iter()
                .map(|&p| values.get(p).map(|v| format!("{v:.4}")))
                .collect(),
        })
        .collect();
    Dataset {
        source: format!("{} (service use per person)", log.source),
        n_rows: people.len(),
        columns,
        success_rule: None,
    }
}

/// The per-person table k-means sees (everyone).
pub fn usage_dataset(log: &EventLog, classified: &[Classified]) -> Dataset {
    let table = usage_table(log, classified);
    let everyone: Vec<usize> = (0..log.people.len()).collect();
    table_dataset(log, &table, &everyone)
}

/// A seeded sample of `n` of `n_people` people, in person order.
fn sample_people(n_people: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n_people).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(SAMPLE_STREAM);
    crate::rng::shuffle(&mut order, &mut rng);
    order.truncate(n);
    order.sort_unstable();
    order
}

/// Everyone's group: the sampled people keep the group k-means gave them;
/// everyone else joins the group with the nearest centre, where each
/// feature is divided by its standard deviation in the sample (the units
/// k-means worked in; a feature constant in the sample counts for nothing).
fn assign_everyone(
    table: &UsageTable,
    sample: &[usize],
    sample_labels: &[usize],
    k: usize,
    n_people: usize,
) -> Vec<usize> {
    let n_features = table.columns.len();
    let mut centres = vec![vec![0.0f64; n_features]; k];
    let mut sizes = vec![0usize; k];
    let mut scale = vec![0.0f64; n_features];
    for (j, values) in table.columns.iter().enumerate() {
        let xs: Vec<f64> = sample
            .iter()
            .filter_map(|&p| values.get(p).copied())
            .collect();
        let n = xs.len().max(1) as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        scale[j] = if var > 0.0 && var.is_finite() {
            1.0 / var
        } else {
            0.0
        };
    }
    for (&p, &label) in sample.iter().zip(sample_labels) {
        if label >= k {
            continue;
        }
        sizes[label] += 1;
        for (j, values) in table.columns.iter().enumerate() {
            centres[label][j] += values.get(p).copied().unwrap_or(0.0);
        }
    }
    for (centre, &size) in centres.iter_mut().zip(&sizes) {
        for v in centre.iter_mut() {
            *v /= size.max(1) as f64;
        }
    }
    let mut labels = vec![0usize; n_people];
    for (p, label) in labels.iter_mut().enumerate() {
        let mut best = (0, f64::INFINITY);
        for (c, centre) in centres.iter().enumerate() {
            let d: f64 = table
                .columns
                .iter()
                .zip(centre)
                .zip(&scale)
                .map(|((values, m), w)| {
                    let x = values.get(p).copied().unwrap_or(0.0) - m;
                    w * x * x
                })
                .sum();
            if d < best.1 {
                best = (c, d);
            }
        }
        *label = best.0;
    }
    for (&p, &label) in sample.iter().zip(sample_labels) {
        if let Some(slot) = labels.get_mut(p) {
            *slot = label;
        }
    }
    labels
}

/// Segments the people by their service use. Beyond `MAX_SEGMENT_PEOPLE`
/// people, k and the groups are chosen on a seeded sample of that many and
/// everyone else joins the nearest group (`sample_people` says so).
pub fn usage_segments(
    log: &EventLog,
    classified: &[Classified],
    k: KChoice,
    seed: u64,
) -> Result<UsageSegments, SegmentError> {
    usage_segments_capped(log, classified, k, seed, MAX_SEGMENT_PEOPLE)
}

/// `usage_segments` with k-means on at most `cap` people.
fn usage_segments_capped(
    log: &EventLog,
    classified: &[Classified],
    k: KChoice,
    seed: u64,
    cap: usize,
) -> Result<UsageSegments, SegmentError> {
    let table = usage_table(log, classified);
    let n_people = log.people.len();
    let sampled = n_people > cap;
    let rows: Vec<usize> = if sampled {
        sample_people(n_people, cap, seed)
    } else {
        (0..n_people).collect()
    };
    let dataset = table_dataset(log, &table, &rows);
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
    let person_segment = if sampled {
        assign_everyone(&table, &rows, &result.assignments, result.k, n_people)
    } else {
        result.assignments.clone()
    };
    let mut sizes = vec![0usize; result.segments.len()];
    for &label in &person_segment {
        if let Some(size) = sizes.get_mut(label) {
            *size += 1;
        }
    }
    Ok(UsageSegments {
        k: result.k,
        silhouette,
        features: result.columns.clone(),
        segments: result
            .segments
            .iter()
            .zip(&sizes)
            .map(|(s, &size)| UsageSegment {
                name: s.name.clone(),
                size,
                share: size as f64 / n_people.max(1) as f64,
                words: s.features.iter().map(|f| f.words.clone()).collect(),
            })
            .collect(),
        person_segment,
        sample_people: sampled.then_some(rows.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::{
        classify, demo_log, demo_to_csv, guess_roles, read_log, DemoOptions, LogOptions,
    };
    use crate::import::{import, ReadOptions};

    /// Groups chosen on a sample, everyone else joining the nearest, put
    /// nearly everyone where k-means on everyone puts them.
    #[test]
    fn groups_chosen_on_a_sample_agree_with_groups_on_everyone() {
        let csv = demo_to_csv(&demo_log(&DemoOptions {
            people: 3_000,
            years: 10,
            seed: 5,
        }));
        let imported = import("log.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
        let roles = guess_roles(&imported.dataset);
        let (log, _) = read_log(&imported.dataset, &roles, &LogOptions::default()).unwrap();
        let classified = classify(&log);
        let n = log.people.len();
        let cap = n / 4;
        let k = KChoice::Fixed(3);
        let all = usage_segments_capped(&log, &classified, k, 1, usize::MAX).unwrap();
        let sampled = usage_segments_capped(&log, &classified, k, 1, cap).unwrap();
        assert_eq!(all.sample_people, None);
        assert_eq!(sampled.sample_people, Some(cap));
        assert!(sampled.sample_words().unwrap().contains("sample"));
        assert_eq!(sampled.person_segment.len(), n);
        let sizes: usize = sampled.segments.iter().map(|s| s.size).sum();
        assert_eq!(sizes, n);
        // The best matching of the sample's groups to everyone's.
        let mut best = 0;
        for perm in [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ] {
            let agree = all
                .person_segment
                .iter()
                .zip(&sampled.person_segment)
                .filter(|(a, b)| perm[**a] == **b)
                .count();
            best = best.max(agree);
        }
        let agreement = best as f64 / n as f64;
        assert!(agreement > 0.9, "agreement {agreement}");
    }

    /// Someone outside the sample joins the group whose centre is nearest
    /// in units of each feature's spread in the sample.
    #[test]
    fn everyone_else_joins_the_nearest_group() {
        let table = UsageTable {
            names: vec!["a".into(), "b".into()],
            // Feature b spreads 100 times wider than a: its distances count 1/10,000 as much.
            columns: vec![
                vec![0.0, 0.0, 1.0, 1.0, 0.9, 0.2],
                vec![0.0, 100.0, 0.0, 100.0, 0.0, 100.0],
            ],
        };
        let labels = assign_everyone(&table, &[0, 1, 2, 3], &[0, 0, 1, 1], 2, 6);
        assert_eq!(labels, vec![0, 0, 1, 1, 1, 0]);
    }
}
