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
//! Auto calls the two too close only when the paired interval holds zero,
//! and then keeps the seed method (successful allocations).

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

/// The outcome of comparing the two modes.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeChoice {
    pub allocations: Estimate,
    pub fit: Estimate,
    /// Fit minus allocations, paired over the same rows.
    pub difference: Estimate,
    /// The paired interval holds zero.
    pub too_close: bool,
    /// What auto picks.
    pub auto_pick: Mode,
}

/// Compares the two modes by the paired difference of their per-row scores.
/// `alloc_scores[i]` and `fit_scores[i]` belong to the same row.
pub fn compare(alloc_scores: &[f64], fit_scores: &[f64]) -> ModeChoice {
    let differences: Vec<f64> = fit_scores
        .iter()
        .zip(alloc_scores)
        .map(|(f, a)| f - a)
        .collect();
    let difference = Estimate::from_values(&differences);
    let too_close = difference.contains(0.0);
    let auto_pick = if !too_close && difference.value > 0.0 {
        Mode::Fit
    } else {
        Mode::Allocations
    };
    ModeChoice {
        allocations: Estimate::from_values(alloc_scores),
        fit: Estimate::from_values(fit_scores),
        difference,
        too_close,
        auto_pick,
    }
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
    let verdict = if choice.too_close {
        "the interval holds zero, so the data cannot tell them apart"
    } else {
        "the interval excludes zero, so the difference is real"
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
        let choice = compare(&alloc, &fit);
        assert!(choice.allocations.contains(choice.fit.value));
        assert!(!choice.too_close);
        assert_eq!(choice.auto_pick, Mode::Fit);
        assert!((choice.difference.value - 0.01).abs() < 1e-12);
        assert!(difference_words(&choice).contains("excludes zero"));
    }

    #[test]
    fn a_difference_within_noise_keeps_the_seed_method() {
        let alloc: Vec<f64> = (0..200).map(|i| f64::from(i % 2)).collect();
        let fit: Vec<f64> = (0..200).map(|i| f64::from((i / 2) % 2)).collect();
        let choice = compare(&alloc, &fit);
        assert!(choice.too_close);
        assert_eq!(choice.auto_pick, Mode::Allocations);
        assert!(difference_words(&choice).contains("holds zero"));
        // Allocations clearly ahead: auto keeps allocations too.
        let worse: Vec<f64> = alloc.iter().map(|a| a - 0.2).collect();
        assert_eq!(compare(&alloc, &worse).auto_pick, Mode::Allocations);
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
