//! Segmentation: groups the rows of a dataset with k-means on the chosen
//! columns (standardised, categorical columns one-hot), chooses k by
//! silhouette, describes each segment in words, gives the success rate of
//! each pathway within it, audits protected columns per segment, draws the
//! segments on the first two principal components (power iteration, see
//! `segment/picture.rs`) and hands
//! the segments to the simulator as groups of arrivals.
//!
//! Determinism: the same dataset, config and seed give the same result
//! natively and on wasm32. smartcore 0.7's `KMeans` seeds k-means++ with
//! `SmallRng`, a different generator on 64-bit and 32-bit targets, and has no
//! way to pass initial centroids, so its partition for a seed differs between
//! the CLI and the page. k-means++ and Lloyd's iterations are therefore run in
//! `segment/kmeans.rs` with `ChaCha8Rng` (the same algorithm as smartcore's;
//! a test checks both find the same partition on separated data). Each k uses
//! its own ChaCha stream, so k = 4 gives the same segments whether it was
//! fixed or chosen from a range. PCA uses no randomness.
//!
//! Silhouettes are exact on up to 2,000 rows; beyond that they are computed on
//! a seeded sample of 2,000 rows, which is also the set of points drawn.

mod encode;
mod kmeans;
mod picture;
mod profile;
mod silhouette;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::import::{ColumnKind, Dataset, Role};

pub use profile::{MIN_EFFECT, NAME_WORDS};
pub use silhouette::MAX_EXACT;

/// The seed used when the user gives none.
pub const DEFAULT_SEED: u64 = 42;
/// The default range of k tried.
pub const DEFAULT_K_RANGE: (usize, usize) = (2, 8);

/// The most values (rows x encoded features) a segmentation takes: k-means
/// costs rows x features x k per step, so this bounds a run to seconds
/// (200,000 rows by 50 features; 60 rows by 5,000 columns is well inside).
pub const MAX_VALUES: usize = 10_000_000;

/// ChaCha stream for the silhouette sample; k-means for k uses stream k.
const SAMPLE_STREAM: u64 = 1_000;

/// How k is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KChoice {
    /// Exactly this many segments (the user's override).
    Fixed(usize),
    /// The k with the best silhouette in `lo..=hi`; `hi` is lowered to
    /// `rows - 1` on small files.
    Range(usize, usize),
}

/// What the user asks for, as typed. `check` turns it into a `ValidConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentConfig {
    /// Columns to cluster on; `None` = every feature column that is numeric,
    /// ordinal, binary or categorical.
    pub columns: Option<Vec<String>>,
    pub k: KChoice,
    pub seed: u64,
    /// Also cluster on protected columns (they are always audited).
    pub include_protected: bool,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            columns: None,
            k: KChoice::Range(DEFAULT_K_RANGE.0, DEFAULT_K_RANGE.1),
            seed: DEFAULT_SEED,
            include_protected: false,
        }
    }
}

/// A config checked against one dataset: the columns exist and can be
/// clustered on, and every k tried is possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig {
    /// Indices into `dataset.columns`.
    column_indices: Vec<usize>,
    ks: Vec<usize>,
    seed: u64,
}

impl ValidConfig {
    pub fn columns<'a>(&self, dataset: &'a Dataset) -> Vec<&'a str> {
        self.column_indices
            .iter()
            .filter_map(|&i| dataset.columns.get(i).map(|c| c.name.as_str()))
            .collect()
    }

    /// The values of k that will be tried.
    pub fn ks(&self) -> &[usize] {
        &self.ks
    }
}

fn usable(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Numeric | ColumnKind::Ordinal | ColumnKind::Binary | ColumnKind::Categorical
    )
}

impl SegmentConfig {
    pub fn check(&self, dataset: &Dataset) -> Result<ValidConfig, SegmentError> {
        if dataset.n_rows == 0 {
            return Err(SegmentError::NoRows {
                file: dataset.source.clone(),
            });
        }
        let column_indices: Vec<usize> = match &self.columns {
            Some(names) => {
                let mut indices = Vec::new();
                for name in names {
                    let Some(idx) = dataset.columns.iter().position(|c| &c.name == name) else {
                        return Err(SegmentError::UnknownColumn {
                            column: name.clone(),
                            available: dataset.columns.iter().map(|c| c.name.clone()).collect(),
                        });
                    };
                    let column = &dataset.columns[idx];
                    if !usable(column.kind) {
                        return Err(SegmentError::UnusableColumn {
                            column: name.clone(),
                            kind: column.kind,
                        });
                    }
                    if column.role == Role::Protected && !self.include_protected {
                        return Err(SegmentError::ProtectedColumn {
                            column: name.clone(),
                        });
                    }
                    if !indices.contains(&idx) {
                        indices.push(idx);
                    }
                }
                indices
            }
            None => dataset
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    usable(c.kind)
                        && (c.role == Role::Feature
                            || (self.include_protected && c.role == Role::Protected))
                })
                .map(|(i, _)| i)
                .collect(),
        };
        if column_indices.is_empty() {
            return Err(SegmentError::NoColumns {
                file: dataset.source.clone(),
            });
        }
        let n_rows = dataset.n_rows;
        let ks: Vec<usize> = match self.k {
            KChoice::Fixed(k) => {
                if k < 2 {
                    return Err(SegmentError::KTooSmall { k });
                }
                if k > n_rows {
                    return Err(SegmentError::KTooLarge { k, n_rows });
                }
                vec![k]
            }
            KChoice::Range(lo, hi) => {
                if lo < 2 {
                    return Err(SegmentError::KTooSmall { k: lo });
                }
                if lo > hi {
                    return Err(SegmentError::EmptyRange { lo, hi });
                }
                // A silhouette needs a segment with two rows: at most n - 1 segments.
                let top = hi.min(n_rows.saturating_sub(1));
                if lo > top {
                    return Err(SegmentError::KTooLarge { k: lo, n_rows });
                }
                (lo..=top).collect()
            }
        };
        Ok(ValidConfig {
            column_indices,
            ks,
            seed: self.seed,
        })
    }
}

/// Which way a feature sets a segment apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Higher,
    Lower,
}

/// One thing that sets a segment apart from everyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distinction {
    pub column: String,
    /// The level, for a binary or categorical column.
    pub level: Option<String>,
    pub direction: Direction,
    /// Standardised difference: (segment - everyone) / everyone's standard
    /// deviation; for a level, its share with the binomial deviation.
    pub effect: f64,
    /// Mean in the segment (numbers) or share of the level.
    pub segment_value: f64,
    pub overall_value: f64,
    /// In words: "high age", "housing: unstable".
    pub words: String,
}

/// One pathway within one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayOutcome {
    pub pathway: String,
    /// Rows of the segment allocated to this pathway.
    pub n: usize,
    /// Of those, rows whose success is known.
    pub n_known: usize,
    pub successes: usize,
    /// `successes / n_known`; `None` when no success is known.
    pub success_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelShare {
    pub level: String,
    /// Share among the segment's rows where the column is known.
    pub share: f64,
    pub overall_share: f64,
}

/// A protected column within one segment: shown as an audit, never a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditColumn {
    pub column: String,
    /// For a categorical or binary column.
    pub levels: Vec<LevelShare>,
    /// For a numeric column (e.g. age).
    pub segment_mean: Option<f64>,
    pub overall_mean: Option<f64>,
    /// Share of the segment's rows where the column is missing.
    pub missing_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfile {
    /// 0-based; segments are numbered by size, largest first.
    pub index: usize,
    /// "Segment 1".
    pub label: String,
    /// "Segment 1: high risk, housing: unstable, low age".
    pub name: String,
    /// The distinctions that name it (at most `NAME_WORDS`).
    pub words: Vec<String>,
    pub size: usize,
    /// `size / rows`.
    pub share: f64,
    /// Everything with |effect| >= `MIN_EFFECT`, strongest first: the profile bars.
    pub features: Vec<Distinction>,
    /// Per pathway (all pathways of the dataset, sorted), when it has a pathway column.
    pub pathways: Vec<PathwayOutcome>,
    /// Share of each pathway among the segment's rows with a pathway.
    pub pathway_mix: Vec<(String, f64)>,
    pub audit: Vec<AuditColumn>,
}

/// One point of the picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaPoint {
    pub row_idx: usize,
    pub segment: usize,
    /// First and second principal components.
    pub xy: [f64; 2],
}

/// A simulator group made from a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMix {
    pub name: String,
    /// Share of arrivals.
    pub share: f64,
    /// Pathway shares from the history (empty without a pathway column).
    pub pathway_mix: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segmentation {
    pub k: usize,
    /// (k, mean silhouette) for every k tried, in increasing k.
    pub silhouettes: Vec<(usize, f64)>,
    /// Rows the silhouettes and the picture use (all rows up to `MAX_EXACT`).
    pub sample_rows: usize,
    /// Columns clustered on.
    pub columns: Vec<String>,
    /// The encoded features k-means saw (`age`, `housing=rent`, ...).
    pub features: Vec<String>,
    /// Segment per row (0-based), in row order.
    pub assignments: Vec<usize>,
    pub segments: Vec<SegmentProfile>,
    /// The picture: at most `MAX_EXACT` points.
    pub pca: Vec<PcaPoint>,
    /// Share of the spread each of the two components shows.
    pub pca_explained: [f64; 2],
    pub pathway_column: Option<String>,
}

impl Segmentation {
    /// The segments as simulator groups: share of arrivals and pathway mix.
    pub fn simulator_groups(&self) -> Vec<GroupMix> {
        self.segments
            .iter()
            .map(|segment| GroupMix {
                name: segment.name.clone(),
                share: segment.share,
                pathway_mix: segment.pathway_mix.clone(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    #[error("{file} has no rows to segment; import a file with at least a few rows")]
    NoRows { file: String },
    #[error("there is no column called '{column}'; the columns are: {}", available.join(", "))]
    UnknownColumn {
        column: String,
        available: Vec<String>,
    },
    #[error("column '{column}' is {kind:?} and cannot be clustered on; choose numeric, ordinal, binary or categorical columns, or change its type")]
    UnusableColumn { column: String, kind: ColumnKind },
    #[error("column '{column}' is a protected characteristic: it is shown per segment as an audit and not clustered on; turn on \"include protected columns\" to cluster on it anyway")]
    ProtectedColumn { column: String },
    #[error("{file} has no numeric or categorical feature column to cluster on; mark at least one column as a feature, or choose the columns yourself")]
    NoColumns { file: String },
    #[error(
        "column '{column}' has no numbers in it; change its type to categorical or leave it out"
    )]
    NoNumbers { column: String },
    #[error("k = {k} is too small: segmenting needs at least 2 segments")]
    KTooSmall { k: usize },
    #[error("k = {k} is larger than the data allows ({n_rows} rows); choose a smaller k")]
    KTooLarge { k: usize, n_rows: usize },
    #[error("the range of k {lo}..{hi} is empty; give the smaller number first, e.g. 2..8")]
    EmptyRange { lo: usize, hi: usize },
    #[error("only {distinct} rows differ on the chosen columns, too few for {k} segments; choose a smaller k or more columns")]
    TooFewDistinctRows { distinct: usize, k: usize },
    #[error("{n_rows} rows by {n_features} features (columns after categories are split) is {} values, more than the {max_values} segmenting takes; choose fewer columns, or a sample of the rows", n_rows.saturating_mul(*n_features))]
    TooManyValues {
        n_rows: usize,
        n_features: usize,
        max_values: usize,
    },
    #[error("could not compute the picture of the segments: {message}")]
    Pca { message: String },
}

/// Segments the dataset. Deterministic for a config (see the module doc).
pub fn segment(dataset: &Dataset, config: &SegmentConfig) -> Result<Segmentation, SegmentError> {
    let valid = config.check(dataset)?;
    segment_checked(dataset, &valid)
}

/// Segments with a config already checked against this dataset.
pub fn segment_checked(
    dataset: &Dataset,
    valid: &ValidConfig,
) -> Result<Segmentation, SegmentError> {
    let n_rows = dataset.n_rows;
    let sources = valid
        .column_indices
        .iter()
        .filter_map(|&i| dataset.columns.get(i))
        .map(|column| encode::source(column, n_rows))
        .collect::<Result<Vec<_>, _>>()?;
    let encoded = encode::encode(&sources, n_rows);
    let x = &encoded.matrix;
    if n_rows.saturating_mul(x.n_cols()) > MAX_VALUES {
        return Err(SegmentError::TooManyValues {
            n_rows,
            n_features: x.n_cols(),
            max_values: MAX_VALUES,
        });
    }

    let distinct = encode::distinct_rows(x);
    let ks: Vec<usize> = valid
        .ks
        .iter()
        .copied()
        .filter(|&k| k <= distinct)
        .collect();
    if ks.is_empty() {
        let k = valid.ks.first().copied().unwrap_or(2);
        return Err(SegmentError::TooFewDistinctRows { distinct, k });
    }

    let mut sample_rng = ChaCha8Rng::seed_from_u64(valid.seed);
    sample_rng.set_stream(SAMPLE_STREAM);
    let sample = silhouette::sample_rows(n_rows, MAX_EXACT, &mut sample_rng);
    // A single k needs no silhouette to choose it, but the user still sees it.
    let distances = silhouette::Distances::new(x, sample);

    let mut best: Option<(f64, kmeans::Fit)> = None;
    let mut silhouettes = Vec::new();
    for &k in &ks {
        let mut rng = ChaCha8Rng::seed_from_u64(valid.seed);
        rng.set_stream(k as u64);
        let fit = kmeans::fit(x, k, &mut rng);
        let score = distances.score(&fit.labels, k);
        silhouettes.push((k, score));
        // Strictly better only: on a tie the smaller k wins.
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, fit));
        }
    }
    let Some((_, fit)) = best else {
        unreachable!("ks is not empty");
    };
    let k = fit.centroids.len();

    let context = profile::Context::new(dataset, &sources);
    let segments = (0..k)
        .map(|index| context.profile(index, &fit.labels))
        .collect();
    let (pca, pca_explained) = picture::picture(x, distances.rows(), &fit.labels)?;

    Ok(Segmentation {
        k,
        silhouettes,
        sample_rows: distances.rows().len(),
        columns: sources.iter().map(|s| s.name().to_string()).collect(),
        features: encoded.features,
        assignments: fit.labels,
        segments,
        pca,
        pca_explained,
        pathway_column: context.pathway.as_ref().map(|(name, _)| name.clone()),
    })
}
