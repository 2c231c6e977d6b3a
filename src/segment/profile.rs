//! Segment profiles: what sets each segment apart from everyone (in words),
//! the success rate of each pathway within it, its pathway mix and the
//! protected-column audit.

use crate::import::{ColumnKind, Dataset, Role};

use super::encode::{cell, mean_sd, parse_number, positive_level, Source};
use super::{AuditColumn, Direction, Distinction, LevelShare, PathwayOutcome, SegmentProfile};

/// A feature sets a segment apart when its segment value is at least this
/// many standard deviations from everyone's.
pub const MIN_EFFECT: f64 = 0.5;
/// At most this many distinctions name a segment.
pub const NAME_WORDS: usize = 3;

/// Lower case, `_` and `-` as spaces: `housing_status` reads "housing status".
fn humanise(name: &str) -> String {
    name.replace(['_', '-'], " ").trim().to_lowercase()
}

fn distinctions(source: &Source, members: &[bool]) -> Vec<Distinction> {
    match source {
        Source::Numeric { name, values } => {
            let all: Vec<f64> = values.iter().flatten().copied().collect();
            let within: Vec<f64> = values
                .iter()
                .zip(members)
                .filter(|(_, m)| **m)
                .filter_map(|(v, _)| *v)
                .collect();
            let (overall, sd) = mean_sd(&all);
            if within.is_empty() || sd <= 0.0 {
                return Vec::new();
            }
            let (segment, _) = mean_sd(&within);
            let effect = (segment - overall) / sd;
            let direction = if effect >= 0.0 {
                Direction::Higher
            } else {
                Direction::Lower
            };
            let word = match direction {
                Direction::Higher => format!("high {}", humanise(name)),
                Direction::Lower => format!("low {}", humanise(name)),
            };
            vec![Distinction {
                column: name.clone(),
                level: None,
                direction,
                effect,
                segment_value: segment,
                overall_value: overall,
                words: word,
            }]
        }
        Source::Levels {
            name,
            levels,
            codes,
            binary,
        } => {
            let known_all = codes.iter().flatten().count();
            let known_within = codes
                .iter()
                .zip(members)
                .filter(|(c, m)| **m && c.is_some())
                .count();
            if known_all == 0 || known_within == 0 {
                return Vec::new();
            }
            let described: Vec<usize> = if *binary {
                vec![positive_level(levels)]
            } else {
                (0..levels.len()).collect()
            };
            let mut out = Vec::new();
            for level_idx in described {
                let Some(level) = levels.get(level_idx) else {
                    continue;
                };
                let count_all = codes.iter().filter(|c| **c == Some(level_idx)).count();
                let count_within = codes
                    .iter()
                    .zip(members)
                    .filter(|(c, m)| **m && **c == Some(level_idx))
                    .count();
                let overall = count_all as f64 / known_all as f64;
                let segment = count_within as f64 / known_within as f64;
                let sd = (overall * (1.0 - overall)).sqrt();
                if sd <= 0.0 {
                    continue;
                }
                let effect = (segment - overall) / sd;
                let direction = if effect >= 0.0 {
                    Direction::Higher
                } else {
                    Direction::Lower
                };
                // For a categorical column, "more of level A" is the useful
                // statement; "less of B" mostly mirrors it.
                if !binary && direction == Direction::Lower {
                    continue;
                }
                let words = match direction {
                    Direction::Higher => format!("{}: {}", humanise(name), level),
                    Direction::Lower => format!("{}: rarely {}", humanise(name), level),
                };
                out.push(Distinction {
                    column: name.clone(),
                    level: Some(level.clone()),
                    direction,
                    effect,
                    segment_value: segment,
                    overall_value: overall,
                    words,
                });
            }
            out
        }
    }
}

/// Everything the profiles need besides the assignments, computed once.
pub(crate) struct Context<'a> {
    pub dataset: &'a Dataset,
    pub sources: &'a [Source],
    pub pathway: Option<(String, Vec<Option<String>>)>,
    pub success: Option<Vec<Option<bool>>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(dataset: &'a Dataset, sources: &'a [Source]) -> Context<'a> {
        let pathway = dataset
            .columns
            .iter()
            .find(|c| c.role == Role::Pathway)
            .map(|column| {
                let values = (0..dataset.n_rows)
                    .map(|row_idx| cell(column, row_idx).map(str::to_string))
                    .collect();
                (column.name.clone(), values)
            });
        Context {
            dataset,
            sources,
            pathway,
            // No rule (or a rule over a missing column): no success rates.
            success: dataset.success().ok(),
        }
    }

    fn pathway_levels(&self) -> Vec<String> {
        let mut levels: Vec<String> = self
            .pathway
            .iter()
            .flat_map(|(_, values)| values.iter().flatten().cloned())
            .collect();
        levels.sort();
        levels.dedup();
        levels
    }

    fn pathways(&self, members: &[bool]) -> (Vec<PathwayOutcome>, Vec<(String, f64)>) {
        let Some((_, values)) = &self.pathway else {
            return (Vec::new(), Vec::new());
        };
        let levels = self.pathway_levels();
        let mut outcomes = Vec::new();
        let mut known = 0usize;
        for level in &levels {
            let mut outcome = PathwayOutcome {
                pathway: level.clone(),
                n: 0,
                n_known: 0,
                successes: 0,
                success_rate: None,
            };
            for (row_idx, value) in values.iter().enumerate() {
                if !members.get(row_idx).copied().unwrap_or(false) || value.as_ref() != Some(level)
                {
                    continue;
                }
                outcome.n += 1;
                if let Some(Some(success)) = self.success.as_ref().and_then(|s| s.get(row_idx)) {
                    outcome.n_known += 1;
                    outcome.successes += usize::from(*success);
                }
            }
            if outcome.n_known > 0 {
                outcome.success_rate = Some(outcome.successes as f64 / outcome.n_known as f64);
            }
            known += outcome.n;
            outcomes.push(outcome);
        }
        let mix = if known > 0 {
            outcomes
                .iter()
                .map(|o| (o.pathway.clone(), o.n as f64 / known as f64))
                .collect()
        } else {
            Vec::new()
        };
        (outcomes, mix)
    }

    fn audit(&self, members: &[bool]) -> Vec<AuditColumn> {
        let mut out = Vec::new();
        for column in self
            .dataset
            .columns
            .iter()
            .filter(|c| c.role == Role::Protected)
        {
            let n_rows = self.dataset.n_rows;
            let numeric = matches!(column.kind, ColumnKind::Numeric);
            let mut audit = AuditColumn {
                column: column.name.clone(),
                levels: Vec::new(),
                segment_mean: None,
                overall_mean: None,
                missing_share: 0.0,
            };
            let size = members.iter().filter(|m| **m).count();
            let missing = (0..n_rows)
                .filter(|&r| members.get(r).copied().unwrap_or(false) && cell(column, r).is_none())
                .count();
            if size > 0 {
                audit.missing_share = missing as f64 / size as f64;
            }
            if numeric {
                let all: Vec<f64> = (0..n_rows)
                    .filter_map(|r| cell(column, r).and_then(parse_number))
                    .collect();
                let within: Vec<f64> = (0..n_rows)
                    .filter(|&r| members.get(r).copied().unwrap_or(false))
                    .filter_map(|r| cell(column, r).and_then(parse_number))
                    .collect();
                audit.overall_mean = (!all.is_empty()).then(|| mean_sd(&all).0);
                audit.segment_mean = (!within.is_empty()).then(|| mean_sd(&within).0);
            } else {
                let mut levels: Vec<&str> = (0..n_rows).filter_map(|r| cell(column, r)).collect();
                levels.sort_unstable();
                levels.dedup();
                let known_all = (0..n_rows).filter(|&r| cell(column, r).is_some()).count();
                let known_within = size - missing;
                for level in levels {
                    let count_all = (0..n_rows)
                        .filter(|&r| cell(column, r) == Some(level))
                        .count();
                    let count_within = (0..n_rows)
                        .filter(|&r| {
                            members.get(r).copied().unwrap_or(false)
                                && cell(column, r) == Some(level)
                        })
                        .count();
                    audit.levels.push(LevelShare {
                        level: level.to_string(),
                        share: if known_within > 0 {
                            count_within as f64 / known_within as f64
                        } else {
                            0.0
                        },
                        overall_share: count_all as f64 / known_all.max(1) as f64,
                    });
                }
            }
            out.push(audit);
        }
        out
    }

    /// The profile of segment `index` (0-based) under `labels`.
    pub(crate) fn profile(&self, index: usize, labels: &[usize]) -> SegmentProfile {
        let members: Vec<bool> = labels.iter().map(|&l| l == index).collect();
        let size = members.iter().filter(|m| **m).count();
        let mut features: Vec<Distinction> = self
            .sources
            .iter()
            .flat_map(|source| distinctions(source, &members))
            .filter(|d| d.effect.abs() >= MIN_EFFECT)
            .collect();
        // Strongest first; the sort is stable, so ties keep column order.
        features.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
        let words: Vec<String> = features
            .iter()
            .take(NAME_WORDS)
            .map(|d| d.words.clone())
            .collect();
        let description = if words.is_empty() {
            "close to average on every column".to_string()
        } else {
            words.join(", ")
        };
        let (pathways, pathway_mix) = self.pathways(&members);
        SegmentProfile {
            index,
            label: format!("Segment {}", index + 1),
            name: format!("Segment {}: {description}", index + 1),
            words,
            size,
            share: if labels.is_empty() {
                0.0
            } else {
                size as f64 / labels.len() as f64
            },
            features,
            pathways,
            pathway_mix,
            audit: self.audit(&members),
        }
    }
}
