//! Drift: are the referrals seen since training like the ones the model
//! learned from? Per feature, the population stability index (PSI) of the
//! new referrals' distribution against the training data's, with the usual
//! thresholds: under 0.1 stable, 0.1 to 0.25 a moderate shift, 0.25 or more a
//! large one; and a sentence naming the share that moved most.
//!
//! The training side is a `Profile` kept in the model (counts per bin, no
//! rows): numbers with more than `MAX_LEVELS` distinct values fall into the
//! training deciles; other numbers and categories count per value, with a bin
//! for values never seen in training and one for missing values.
//! PSI = sum over bins of (new - old) * ln(new / old), with each share
//! smoothed as (count + 0.5) / (n + 0.5 * bins) so an empty bin stays finite.

use serde::{Deserialize, Serialize};

use crate::import::Dataset;
use crate::model::encode::{Encoder, Encoding};

/// Numbers with at most this many distinct values are counted per value.
pub const MAX_LEVELS: usize = 12;
/// PSI from which a feature has shifted moderately.
pub const MODERATE: f64 = 0.1;
/// PSI from which a feature has shifted a lot.
pub const LARGE: f64 = 0.25;
/// Fewest new referrals for drift to be judged.
pub const MIN_NEW: usize = 30;

/// The training data's distribution, feature by feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub n_rows: usize,
    pub features: Vec<FeatureProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureProfile {
    pub feature: String,
    pub bins: Vec<Bin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub kind: BinKind,
    /// Training referrals in the bin.
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinKind {
    /// One value (compared trimmed and case-insensitively).
    Value(String),
    /// Numbers above `lower` and at most `upper` (open ends when absent).
    Range {
        lower: Option<f64>,
        upper: Option<f64>,
    },
    /// Values never seen in training (or unreadable numbers).
    Other,
    Missing,
}

impl BinKind {
    /// What the bin holds, as the end of a sentence ("are 5", "are missing").
    pub fn words(&self) -> String {
        match self {
            BinKind::Value(v) => format!("are {v}"),
            BinKind::Range {
                lower: None,
                upper: Some(u),
            } => format!("are {u} or less"),
            BinKind::Range {
                lower: Some(l),
                upper: None,
            } => format!("are over {l}"),
            BinKind::Range {
                lower: Some(l),
                upper: Some(u),
            } => format!("are over {l} and at most {u}"),
            BinKind::Range { .. } => "have any value".into(),
            BinKind::Other => "have values never seen in training".into(),
            BinKind::Missing => "are missing".into(),
        }
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

fn is_number(encoding: &Encoding) -> bool {
    matches!(encoding, Encoding::Number { date: false, .. })
}

impl FeatureProfile {
    /// The bin a value falls in.
    fn bin_of(&self, value: Option<&str>) -> Option<usize> {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        let find = |kind: &BinKind| self.bins.iter().position(|b| &b.kind == kind);
        let Some(text) = value else {
            return find(&BinKind::Missing);
        };
        let as_number = number(text);
        let hit = self.bins.iter().position(|b| match &b.kind {
            BinKind::Value(v) => match (as_number, number(v)) {
                (Some(x), Some(y)) => x == y,
                _ => key(v) == key(text),
            },
            BinKind::Range { lower, upper } => as_number
                .is_some_and(|x| lower.is_none_or(|l| x > l) && upper.is_none_or(|u| x <= u)),
            _ => false,
        });
        hit.or_else(|| find(&BinKind::Other))
    }
}

/// Builds one feature's bins from its training values.
fn feature_profile(name: &str, numeric: bool, values: &[Option<String>]) -> FeatureProfile {
    let present: Vec<&str> = values
        .iter()
        .flatten()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let mut kinds = Vec::new();
    let numbers: Vec<f64> = if numeric {
        present.iter().filter_map(|v| number(v)).collect()
    } else {
        Vec::new()
    };
    let mut distinct = numbers.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if numeric && distinct.len() > MAX_LEVELS {
        let mut sorted = numbers;
        sorted.sort_by(f64::total_cmp);
        let mut edges: Vec<f64> = (1..10)
            .map(|d| {
                sorted[(d * sorted.len() / 10)
                    .saturating_sub(1)
                    .min(sorted.len() - 1)]
            })
            .collect();
        edges.dedup();
        let mut lower = None;
        for &edge in &edges {
            kinds.push(BinKind::Range {
                lower,
                upper: Some(edge),
            });
            lower = Some(edge);
        }
        kinds.push(BinKind::Range { lower, upper: None });
    } else if numeric && !distinct.is_empty() {
        kinds.extend(distinct.iter().map(|v| BinKind::Value(v.to_string())));
    } else {
        let mut levels: Vec<String> = Vec::new();
        for v in &present {
            if !levels.iter().any(|l| key(l) == key(v)) {
                levels.push(v.to_string());
            }
            if levels.len() > 200 {
                break;
            }
        }
        levels.sort_by_key(|l| key(l));
        kinds.extend(levels.into_iter().map(BinKind::Value));
    }
    kinds.push(BinKind::Other);
    kinds.push(BinKind::Missing);
    let mut profile = FeatureProfile {
        feature: name.to_string(),
        bins: kinds
            .into_iter()
            .map(|kind| Bin { kind, count: 0 })
            .collect(),
    };
    for value in values {
        if let Some(b) = profile.bin_of(value.as_deref()) {
            profile.bins[b].count += 1;
        }
    }
    profile
}

/// The training profile of the encoder's features over `rows` of `dataset`.
pub fn profile(encoder: &Encoder, dataset: &Dataset, rows: &[usize]) -> Profile {
    let features = encoder
        .features
        .iter()
        .map(|f| {
            let values: Vec<Option<String>> = match dataset.column(&f.name) {
                Some(column) => rows
                    .iter()
                    .map(|&r| column.cells.get(r).cloned().flatten())
                    .collect(),
                None => vec![None; rows.len()],
            };
            feature_profile(&f.name, is_number(&f.encoding), &values)
        })
        .collect();
    Profile {
        n_rows: rows.len(),
        features,
    }
}

/// How much a feature has shifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shift {
    Stable,
    Moderate,
    Large,
    /// Too few new referrals to judge.
    Unjudged,
}

/// One feature's drift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDrift {
    pub feature: String,
    pub psi: f64,
    pub shift: Shift,
    /// Per bin: what it holds, the training share and the new share.
    pub bins: Vec<BinShare>,
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinShare {
    pub bin: BinKind,
    pub training: f64,
    pub new: f64,
}

/// Drift of a set of new referrals against the training profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub n_training: usize,
    pub n_new: usize,
    pub features: Vec<FeatureDrift>,
    pub summary: String,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Compares new referrals, each given as (feature, value) pairs, with the
/// training profile.
pub fn drift(profile: &Profile, referrals: &[Vec<(String, Option<String>)>]) -> DriftReport {
    let n_new = referrals.len();
    let judged = n_new >= MIN_NEW;
    let features: Vec<FeatureDrift> = profile
        .features
        .iter()
        .map(|fp| {
            let mut counts = vec![0usize; fp.bins.len()];
            for referral in referrals {
                let value = referral
                    .iter()
                    .find(|(name, _)| name == &fp.feature)
                    .and_then(|(_, v)| v.as_deref());
                if let Some(b) = fp.bin_of(value) {
                    counts[b] += 1;
                }
            }
            feature_drift(fp, profile.n_rows, &counts, n_new, judged)
        })
        .collect();
    let shifted: Vec<&FeatureDrift> = features
        .iter()
        .filter(|f| matches!(f.shift, Shift::Moderate | Shift::Large))
        .collect();
    let summary = if !judged {
        format!(
            "{n_new} referrals seen since training: at least {MIN_NEW} are needed to judge whether they have drifted from the training data."
        )
    } else if shifted.is_empty() {
        format!(
            "The {n_new} referrals seen since training look like the training data: no feature has shifted (every PSI under {MODERATE})."
        )
    } else {
        format!(
            "Of the {n_new} referrals seen since training, {} of {} features have shifted: {}.",
            shifted.len(),
            features.len(),
            shifted
                .iter()
                .map(|f| f.feature.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    DriftReport {
        n_training: profile.n_rows,
        n_new,
        features,
        summary,
    }
}

fn feature_drift(
    fp: &FeatureProfile,
    n_training: usize,
    counts: &[usize],
    n_new: usize,
    judged: bool,
) -> FeatureDrift {
    let n_bins = fp.bins.len() as f64;
    let smooth = |c: usize, n: usize| (c as f64 + 0.5) / (n as f64 + 0.5 * n_bins);
    let mut psi = 0.0;
    let mut bins = Vec::with_capacity(fp.bins.len());
    let mut moved: Option<(f64, usize)> = None;
    for (b, bin) in fp.bins.iter().enumerate() {
        let (e, a) = (smooth(bin.count, n_training), smooth(counts[b], n_new));
        psi += (a - e) * (a / e).ln();
        let training = bin.count as f64 / n_training.max(1) as f64;
        let new = counts[b] as f64 / n_new.max(1) as f64;
        if moved.is_none_or(|(d, _)| (new - training).abs() > d) {
            moved = Some(((new - training).abs(), b));
        }
        bins.push(BinShare {
            bin: bin.kind.clone(),
            training,
            new,
        });
    }
    let shift = if !judged {
        Shift::Unjudged
    } else if psi >= LARGE {
        Shift::Large
    } else if psi >= MODERATE {
        Shift::Moderate
    } else {
        Shift::Stable
    };
    let detail = moved
        .and_then(|(_, b)| bins.get(b))
        .map(|s| {
            format!(
                "{} {} now, against {} in training",
                pct(s.new),
                s.bin.words(),
                pct(s.training)
            )
        })
        .unwrap_or_default();
    let sentence = match shift {
        Shift::Large => format!(
            "{} has shifted a lot: {detail} (PSI {psi:.2}, 0.25 or more).",
            fp.feature
        ),
        Shift::Moderate => format!(
            "{} has shifted: {detail} (PSI {psi:.2}, between 0.1 and 0.25).",
            fp.feature
        ),
        Shift::Stable => format!("{} is stable (PSI {psi:.2}, under 0.1).", fp.feature),
        Shift::Unjudged => format!("{}: too few referrals to judge (PSI {psi:.2}).", fp.feature),
    };
    FeatureDrift {
        feature: fp.feature.clone(),
        psi,
        shift,
        bins,
        sentence,
    }
}

/// The referrals seen since a model was trained: the inputs of every
/// decision recorded with it (named by `versions::version_key`).
pub fn seen_with(
    decisions: &[crate::decisions::DecisionRecord],
    key: &str,
) -> Vec<Vec<(String, Option<String>)>> {
    decisions
        .iter()
        .filter(|d| d.model_version == key)
        .map(|d| d.inputs.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&str]) -> Vec<Option<String>> {
        list.iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect()
    }

    fn rows(feature: &str, list: &[&str]) -> Vec<Vec<(String, Option<String>)>> {
        values(list)
            .into_iter()
            .map(|v| vec![(feature.to_string(), v)])
            .collect()
    }

    #[test]
    fn categories_count_per_value_with_other_and_missing() {
        let fp = feature_profile("colour", false, &values(&["red", "Red ", "blue", ""]));
        let counts: Vec<usize> = fp.bins.iter().map(|b| b.count).collect();
        assert_eq!(fp.bins[0].kind, BinKind::Value("blue".into()));
        assert_eq!(counts, vec![1, 2, 0, 1]);
        assert_eq!(fp.bin_of(Some("green")), Some(2));
    }

    #[test]
    fn many_numbers_fall_into_deciles() {
        let list: Vec<String> = (1..=100).map(|v| v.to_string()).collect();
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let fp = feature_profile("age", true, &values(&refs));
        // Nine edges make ten ranges, then other and missing.
        assert_eq!(fp.bins.len(), 12);
        assert!(fp.bins[..10].iter().all(|b| b.count == 10), "{:?}", fp.bins);
        assert_eq!(fp.bin_of(Some("1000")), Some(9));
        assert_eq!(fp.bin_of(Some("n/a")), Some(10));
    }

    #[test]
    fn the_same_distribution_has_zero_psi_and_a_shift_is_flagged() {
        let base: Vec<&str> = ["1", "2", "3", "4", "5"]
            .iter()
            .cycle()
            .take(500)
            .copied()
            .collect();
        let profile = Profile {
            n_rows: base.len(),
            features: vec![feature_profile("risk", true, &values(&base))],
        };
        let same = drift(&profile, &rows("risk", &base));
        assert!(same.features[0].psi.abs() < 1e-12);
        assert_eq!(same.features[0].shift, Shift::Stable);
        let shifted: Vec<&str> = base
            .iter()
            .enumerate()
            .map(|(i, v)| if i % 3 == 0 { "5" } else { v })
            .collect();
        let report = drift(&profile, &rows("risk", &shifted));
        let f = &report.features[0];
        assert_eq!(f.shift, Shift::Large, "{}", f.sentence);
        assert!(
            f.sentence
                .starts_with("risk has shifted a lot: 47% are 5 now, against 20% in training"),
            "{}",
            f.sentence
        );
        assert!(report
            .summary
            .contains("1 of 1 features have shifted: risk"));
        let few = drift(&profile, &rows("risk", &shifted[..10]));
        assert_eq!(few.features[0].shift, Shift::Unjudged);
    }
}
