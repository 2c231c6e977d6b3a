//! Policy values and the auto choice between the two ways of learning.
//!
//! A mode's policy value is the success rate expected if its top suggestions
//! were followed, estimated doubly robust row by row: for row `i` with the
//! pathway taken `a`, outcome `r`, the outcome model's chance `q(x, k)` and the
//! propensity `e(x, a)` of past allocation, the row's score for a policy that
//! picks `k` is `q(x, k) + [k = a] (r - q(x, a)) / e(x, a)`. The estimate is
//! the mean of the scores and its 95% interval a normal approximation.
//!
//! Both modes are scored on the same rows, so they are compared by the
//! *paired* difference: the mean of the per-row differences of the scores
//! (fit minus allocations) and its interval. The two separate intervals
//! overlap far more often than the paired interval holds zero, because most
//! rows get the same pathway from both modes and their scores cancel.
//! Auto calls the two too close only when the paired interval holds zero.
//! Then, when the interval is also narrow (no wider than plus or minus
//! [`EQUIVALENCE_HALF_WIDTH`]), the two are about equally good on success and
//! auto takes the mode whose suggestions are more consistent: the share of
//! held-out referrals on which two cross-validation models, trained on
//! different referrals, put the same pathway first. When the interval is
//! wide (small files), or neither mode is clearly more consistent, auto
//! keeps the seed method (successful allocations).
//! Auto leaves the seed method for pathway fit only when fit is no less
//! consistent: on small files a success difference that the consistency
//! does not share was, on generated data, a chance one.
//!
//! Why consistency breaks the tie: the two modes mostly aim at the same
//! pathway, and where their success differs by less than a row-level
//! estimate can resolve (on 20,000 demo referrals whose past allocations
//! were right 55% of the time, pathway fit is truly 0.4 to 0.5 points ahead
//! in success, while even the paired estimate with the true propensities has
//! a standard error of about 0.5 points), the mode that puts the truly best
//! pathway first more often is the one less moved by which referrals it
//! happened to learn from. Measured against the truth on 160 generated
//! files nothing was tuned on (BENCHMARKS.md, "The auto mode choice",
//! third look), the chosen mode was never more than 2 points behind.

use serde::{Deserialize, Serialize};

use super::train::Mode;

/// An estimate with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Estimate {
    /// The mean of `values` with a normal-approximation 95% interval.
    pub fn from_values(values: &[f64]) -> Estimate {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let half = 1.96 * (var / n).sqrt();
        Estimate {
            value: mean,
            lower: mean - half,
            upper: mean + half,
        }
    }

    /// True when the interval holds `value`.
    pub fn contains(&self, value: f64) -> bool {
        (self.lower..=self.upper).contains(&value)
    }
}

/// What the doubly robust score of a row needs from the cross-fitted models.
pub struct RowModels<'a> {
    /// The outcome model's chance of success per pathway.
    pub chance: &'a [f64],
    /// The (clipped) propensity of past allocation per pathway.
    pub propensity: &'a [f64],
    /// The pathway taken.
    pub taken: usize,
    pub success: bool,
}

/// The doubly robust score of one row for a policy that picks `pick`.
pub fn dr_score(row: &RowModels<'_>, pick: usize) -> f64 {
    let q_pick = row.chance.get(pick).copied().unwrap_or(0.0);
    if pick != row.taken {
        return q_pick;
    }
    let e = row.propensity.get(row.taken).copied().unwrap_or(1.0);
    let r = if row.success { 1.0 } else { 0.0 };
    q_pick + (r - q_pick) / e
}

/// The widest half-width of the paired interval (a share: 0.01 is one
/// point of success) at which two modes whose interval holds zero count as
/// about equally good on success.
pub const EQUIVALENCE_HALF_WIDTH: f64 = 0.01;

/// How much more consistent (a share: 0.01 is one point) pathway fit must be
/// to be taken over the seed method when the two are about equally good on
/// success. Differences below it came and went between files of the same
/// source: on 20,000 demo referrals whose past allocations were right 70%
/// of the time, the two modes' consistency differed by under half a point
/// either way, and so did which one put the true best pathway first.
pub const CONSISTENCY_MARGIN: f64 = 0.01;

/// What settled auto's pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settled {
    /// The paired interval excludes zero: the mode ahead on success.
    Success,
    /// The interval holds zero and is narrow: the more consistent mode
    /// (pathway fit only when ahead by [`CONSISTENCY_MARGIN`] or more).
    Consistency,
    /// The interval holds zero and is wide, or narrow with neither mode
    /// clearly more consistent: the seed method.
    SeedMethod,
    /// Pathway fit is ahead on success but less consistent: the seed method,
    /// since a switch needs both signals (a difference that only the success
    /// estimate sees is as likely a chance one on a small file).
    FitLessConsistent,
}

/// Each mode's consistency: the share of held-out referrals on which two
/// cross-validation models put the same pathway first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Consistency {
    pub allocations: f64,
    pub fit: f64,
}

/// The outcome of comparing the two modes.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeChoice {
    pub allocations: Estimate,
    pub fit: Estimate,
    /// Fit minus allocations, paired over the same rows.
    pub difference: Estimate,
    /// The paired interval holds zero.
    pub too_close: bool,
    pub consistency: Option<Consistency>,
    /// What auto picks, and what settled it.
    pub auto_pick: Mode,
    pub settled: Settled,
}

/// Compares the two modes by the paired difference of their per-row scores
/// (`alloc_scores[i]` and `fit_scores[i]` belong to the same row), and, when
/// that difference is too small to matter, by their consistency.
pub fn compare(
    alloc_scores: &[f64],
    fit_scores: &[f64],
    consistency: Option<Consistency>,
) -> ModeChoice {
    let differences: Vec<f64> = fit_scores
        .iter()
        .zip(alloc_scores)
        .map(|(f, a)| f - a)
        .collect();
    let difference = Estimate::from_values(&differences);
    let too_close = difference.contains(0.0);
    let narrow = (difference.upper - difference.lower) / 2.0 <= EQUIVALENCE_HALF_WIDTH;
    let (auto_pick, settled) = match consistency {
        Some(c) if !too_close && difference.value > 0.0 && c.fit < c.allocations => {
            (Mode::Allocations, Settled::FitLessConsistent)
        }
        _ if !too_close && difference.value > 0.0 => (Mode::Fit, Settled::Success),
        _ if !too_close => (Mode::Allocations, Settled::Success),
        Some(c) if narrow && c.fit >= c.allocations + CONSISTENCY_MARGIN => {
            (Mode::Fit, Settled::Consistency)
        }
        Some(c) if narrow && c.allocations > c.fit => (Mode::Allocations, Settled::Consistency),
        _ => (Mode::Allocations, Settled::SeedMethod),
    };
    ModeChoice {
        allocations: Estimate::from_values(alloc_scores),
        fit: Estimate::from_values(fit_scores),
        difference,
        too_close,
        consistency,
        auto_pick,
        settled,
    }
}

/// The share of rows on which two folds' picks agree, over every pair of
/// folds: `picks[f][t]` is fold `f`'s pick for row `t`. `None` with fewer
/// than two folds or no rows.
pub fn consistency(picks: &[Vec<usize>]) -> Option<f64> {
    let rows = picks.first().map_or(0, Vec::len);
    if picks.len() < 2 || rows == 0 {
        return None;
    }
    let (mut agree, mut pairs) = (0usize, 0usize);
    for (a, first) in picks.iter().enumerate() {
        for second in &picks[a + 1..] {
            agree += first.iter().zip(second).filter(|(x, y)| x == y).count();
            pairs += first.len().min(second.len());
        }
    }
    Some(agree as f64 / pairs.max(1) as f64)
}

/// Share of `rows` whose pick is the truth (`None` when no row has one).
pub fn share_true(policy: &[usize], truth: &[Option<usize>], rows: &[usize]) -> Option<f64> {
    let known: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| truth.get(i).copied().flatten().is_some())
        .collect();
    if known.is_empty() {
        return None;
    }
    let hits = known
        .iter()
        .filter(|&&i| truth[i] == policy.get(i).copied())
        .count();
    Some(hits as f64 / known.len() as f64)
}

/// Points with one decimal and a sign ("+0.7 points").
pub fn points(value: f64) -> String {
    format!("{:+.1} points", value * 100.0)
}

/// The paired difference in words.
pub fn difference_words(choice: &ModeChoice) -> String {
    let d = &choice.difference;
    let lead = if d.value >= 0.0 {
        "pathway fit is ahead of successful allocations"
    } else {
        "successful allocations are ahead of pathway fit"
    };
    let verdict = match choice.settled {
        Settled::Success => "the interval excludes zero, so the difference is real",
        Settled::Consistency => {
            "the interval holds zero and is narrow, so the two are about equally good on success"
        }
        Settled::SeedMethod => "the interval holds zero, so the data cannot tell them apart",
        Settled::FitLessConsistent => {
            "the interval excludes zero, but pathway fit's suggestions are less consistent"
        }
    };
    format!(
        "Compared on the same referrals, {lead} by {:.1} points (95% interval {} to {}): {verdict}.",
        d.value.abs() * 100.0,
        points(d.lower),
        points(d.upper)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paired_interval_sees_what_two_overlapping_intervals_miss() {
        // Two noisy series whose rows move together: each separate interval
        // is wide, but fit is ahead by 0.01 on every row.
        let alloc: Vec<f64> = (0..2_000).map(|i| f64::from(i % 7) / 6.0).collect();
        let fit: Vec<f64> = alloc.iter().map(|a| a + 0.01).collect();
        let choice = compare(&alloc, &fit, None);
        assert!(choice.allocations.contains(choice.fit.value));
        assert!(!choice.too_close);
        assert_eq!(choice.auto_pick, Mode::Fit);
        // Fit ahead but less consistent: the seed method stays, and says why.
        let less = compare(
            &alloc,
            &fit,
            Some(Consistency {
                allocations: 0.9,
                fit: 0.8,
            }),
        );
        assert!(!less.too_close);
        assert_eq!(
            (less.auto_pick, less.settled),
            (Mode::Allocations, Settled::FitLessConsistent)
        );
        assert!(difference_words(&less).contains("less consistent"));
        assert!((choice.difference.value - 0.01).abs() < 1e-12);
        assert!(difference_words(&choice).contains("excludes zero"));
    }

    #[test]
    fn a_difference_within_noise_keeps_the_seed_method() {
        let alloc: Vec<f64> = (0..200).map(|i| f64::from(i % 2)).collect();
        let fit: Vec<f64> = (0..200).map(|i| f64::from((i / 2) % 2)).collect();
        // Fit far more consistent, but 200 rows leave a wide interval: the
        // seed method stays.
        let consistent_fit = Some(Consistency {
            allocations: 0.80,
            fit: 0.95,
        });
        let choice = compare(&alloc, &fit, consistent_fit);
        assert!(choice.too_close);
        assert!(choice.difference.upper - choice.difference.lower > 2.0 * EQUIVALENCE_HALF_WIDTH);
        assert_eq!(choice.auto_pick, Mode::Allocations);
        assert_eq!(choice.settled, Settled::SeedMethod);
        assert!(difference_words(&choice).contains("cannot tell them apart"));
        // Allocations clearly ahead: auto keeps allocations too.
        let worse: Vec<f64> = alloc.iter().map(|a| a - 0.2).collect();
        let choice = compare(&alloc, &worse, consistent_fit);
        assert_eq!(choice.auto_pick, Mode::Allocations);
        assert_eq!(choice.settled, Settled::Success);
    }

    #[test]
    fn a_narrow_interval_holding_zero_goes_to_the_more_consistent_mode() {
        // 40,000 rows differing by noise of mean zero: the interval holds
        // zero and is far narrower than a point.
        let alloc: Vec<f64> = (0..40_000).map(|i| f64::from(i % 3) / 2.0).collect();
        let fit: Vec<f64> = alloc
            .iter()
            .enumerate()
            .map(|(i, a)| a + if i % 2 == 0 { 0.05 } else { -0.05 })
            .collect();
        let pick = |allocations: f64, fit_c: f64| {
            compare(
                &alloc,
                &fit,
                Some(Consistency {
                    allocations,
                    fit: fit_c,
                }),
            )
        };
        let choice = pick(0.93, 0.95);
        assert!(choice.too_close);
        assert_eq!(
            (choice.auto_pick, choice.settled),
            (Mode::Fit, Settled::Consistency)
        );
        assert!(difference_words(&choice).contains("about equally good"));
        let choice = pick(0.96, 0.95);
        assert_eq!(
            (choice.auto_pick, choice.settled),
            (Mode::Allocations, Settled::Consistency)
        );
        // A tie, fit ahead by less than the margin, or no consistency
        // measured keeps the seed method.
        for (a, f) in [(0.95, 0.95), (0.95, 0.955)] {
            let choice = pick(a, f);
            assert_eq!(
                (choice.auto_pick, choice.settled),
                (Mode::Allocations, Settled::SeedMethod)
            );
        }
        let choice = compare(&alloc, &fit, None);
        assert_eq!(
            (choice.auto_pick, choice.settled),
            (Mode::Allocations, Settled::SeedMethod)
        );
    }

    #[test]
    fn consistency_is_the_share_of_agreeing_fold_pairs() {
        // Three folds over four rows: pairs (0,1) agree on 3 rows, (0,2) on
        // 2, (1,2) on 3, so 8 of 12.
        let picks = vec![vec![0, 1, 2, 3], vec![0, 1, 2, 0], vec![0, 1, 0, 0]];
        assert!((consistency(&picks).unwrap() - 8.0 / 12.0).abs() < 1e-12);
        assert_eq!(consistency(&picks[..1]), None);
        assert_eq!(consistency(&[Vec::new(), Vec::new()]), None);
    }

    #[test]
    fn dr_score_corrects_only_the_pathway_taken() {
        let row = RowModels {
            chance: &[0.5, 0.8],
            propensity: &[0.25, 0.75],
            taken: 0,
            success: true,
        };
        assert!((dr_score(&row, 1) - 0.8).abs() < 1e-12);
        assert!((dr_score(&row, 0) - (0.5 + 0.5 / 0.25)).abs() < 1e-12);
    }
}
