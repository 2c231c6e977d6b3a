//! Validation figures for a classifier over pathways: confusion matrix,
//! accuracy, balanced accuracy, macro F1, per-pathway precision / recall / F1 /
//! support, log loss, Brier score and the reliability curve. Pure functions of
//! labels and probabilities; the caller decides which rows are unseen.
//!
//! Conventions: the confusion matrix is `confusion[actual][predicted]`; the
//! Brier score is the multi-class one (mean over rows of the squared distance
//! between the probability vector and the one-hot truth, 0 best, 2 worst); log
//! loss clips probabilities to `[1e-15, 1]`. Balanced accuracy and macro F1
//! average over the pathways that occur in the truth.

use serde::{Deserialize, Serialize};

/// Figures for one pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayMetrics {
    pub pathway: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Figures for a set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub n_rows: usize,
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub macro_f1: f64,
    pub log_loss: f64,
    pub brier: f64,
    pub per_pathway: Vec<PathwayMetrics>,
    /// `confusion[actual][predicted]`, in the order of `per_pathway`.
    pub confusion: Vec<Vec<usize>>,
}

/// One bin of a reliability curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    pub lower: f64,
    pub upper: f64,
    /// Mean predicted probability in the bin.
    pub predicted: f64,
    /// Share of those (row, pathway) pairs that were the actual pathway.
    pub observed: f64,
    pub count: usize,
}

/// Index of the largest value (first on ties; 0 when empty).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (idx, value) in values.iter().enumerate() {
        if *value > values.get(best).copied().unwrap_or(f64::NEG_INFINITY) {
            best = idx;
        }
    }
    best
}

/// Confusion matrix of `actual` against `predicted`, labels in `0..n_classes`
/// (labels out of range are skipped).
pub fn confusion(actual: &[usize], predicted: &[usize], n_classes: usize) -> Vec<Vec<usize>> {
    let mut matrix = vec![vec![0; n_classes]; n_classes];
    for (&a, &p) in actual.iter().zip(predicted) {
        if let Some(cell) = matrix.get_mut(a).and_then(|row| row.get_mut(p)) {
            *cell += 1;
        }
    }
    matrix
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// Accuracy, balanced accuracy, macro F1 and per-pathway figures from a
/// confusion matrix (log loss and Brier left at 0).
pub fn from_confusion(confusion: &[Vec<usize>], pathways: &[String]) -> Metrics {
    let n_classes = confusion.len();
    let n_rows: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..n_classes)
        .map(|k| confusion[k].get(k).copied().unwrap_or(0))
        .sum();
    let mut per_pathway = Vec::with_capacity(n_classes);
    let (mut recall_sum, mut f1_sum, mut present) = (0.0, 0.0, 0usize);
    for k in 0..n_classes {
        let tp = confusion[k].get(k).copied().unwrap_or(0) as f64;
        let support: usize = confusion[k].iter().sum();
        let predicted: usize = confusion
            .iter()
            .map(|row| row.get(k).copied().unwrap_or(0))
            .sum();
        let precision = ratio(tp, predicted as f64);
        let recall = ratio(tp, support as f64);
        let f1 = ratio(2.0 * precision * recall, precision + recall);
        if support > 0 {
            recall_sum += recall;
            f1_sum += f1;
            present += 1;
        }
        per_pathway.push(PathwayMetrics {
            pathway: pathways
                .get(k)
                .cloned()
                .unwrap_or_else(|| format!("pathway {k}")),
            precision,
            recall,
            f1,
            support,
        });
    }
    Metrics {
        n_rows,
        accuracy: ratio(correct as f64, n_rows as f64),
        balanced_accuracy: ratio(recall_sum, present as f64),
        macro_f1: ratio(f1_sum, present as f64),
        log_loss: 0.0,
        brier: 0.0,
        per_pathway,
        confusion: confusion.to_vec(),
    }
}

/// Multi-class log loss (natural log), probabilities clipped to `[1e-15, 1]`.
pub fn log_loss(actual: &[usize], proba: &[Vec<f64>]) -> f64 {
    let n = actual.len().min(proba.len());
    let total: f64 = actual
        .iter()
        .zip(proba)
        .map(|(&a, p)| -p.get(a).copied().unwrap_or(0.0).clamp(1e-15, 1.0).ln())
        .sum();
    ratio(total, n as f64)
}

/// Multi-class Brier score: mean over rows of `sum_k (p_k - [k == actual])^2`.
pub fn brier(actual: &[usize], proba: &[Vec<f64>]) -> f64 {
    let n = actual.len().min(proba.len());
    let total: f64 = actual
        .iter()
        .zip(proba)
        .map(|(&a, p)| {
            p.iter()
                .enumerate()
                .map(|(k, &pk)| {
                    let target = if k == a { 1.0 } else { 0.0 };
                    (pk - target).powi(2)
                })
                .sum::<f64>()
        })
        .sum();
    ratio(total, n as f64)
}

/// Every figure for probabilities `proba` (one vector per row) against `actual`.
pub fn evaluate(actual: &[usize], proba: &[Vec<f64>], pathways: &[String]) -> Metrics {
    let predicted: Vec<usize> = proba.iter().map(|p| argmax(p)).collect();
    let mut metrics = from_confusion(&confusion(actual, &predicted, pathways.len()), pathways);
    metrics.log_loss = log_loss(actual, proba);
    metrics.brier = brier(actual, proba);
    metrics
}

/// Reliability curve over every (row, pathway) pair, `n_bins` equal-width bins
/// of predicted probability; empty bins are left out.
pub fn reliability(actual: &[usize], proba: &[Vec<f64>], n_bins: usize) -> Vec<ReliabilityBin> {
    let n_bins = n_bins.max(1);
    let mut sums = vec![(0.0, 0.0, 0usize); n_bins];
    for (&a, p) in actual.iter().zip(proba) {
        for (k, &pk) in p.iter().enumerate() {
            let bin = ((pk * n_bins as f64) as usize).min(n_bins - 1);
            sums[bin].0 += pk;
            sums[bin].1 += if k == a { 1.0 } else { 0.0 };
            sums[bin].2 += 1;
        }
    }
    sums.iter()
        .enumerate()
        .filter(|(_, s)| s.2 > 0)
        .map(|(bin, &(p, o, count))| ReliabilityBin {
            lower: bin as f64 / n_bins as f64,
            upper: (bin + 1) as f64 / n_bins as f64,
            predicted: p / count as f64,
            observed: o / count as f64,
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_computed_confusion() {
        // actual 0: 3 rows (2 right, 1 called 1); actual 1: 2 rows (1 right, 1 called 0); actual 2: 1 row right.
        let actual = [0, 0, 0, 1, 1, 2];
        let predicted = [0, 0, 1, 1, 0, 2];
        let c = confusion(&actual, &predicted, 3);
        assert_eq!(c, vec![vec![2, 1, 0], vec![1, 1, 0], vec![0, 0, 1]]);
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let m = from_confusion(&c, &names);
        assert!(close(m.accuracy, 4.0 / 6.0));
        // recalls 2/3, 1/2, 1
        assert!(close(m.balanced_accuracy, (2.0 / 3.0 + 0.5 + 1.0) / 3.0));
        // precisions 2/3, 1/2, 1 -> F1 2/3, 1/2, 1
        assert!(close(m.per_pathway[0].precision, 2.0 / 3.0));
        assert!(close(m.per_pathway[1].f1, 0.5));
        assert!(close(m.macro_f1, (2.0 / 3.0 + 0.5 + 1.0) / 3.0));
        assert_eq!(m.per_pathway[0].support, 3);
    }

    #[test]
    fn log_loss_and_brier_by_hand() {
        let actual = [0, 1];
        let proba = vec![vec![0.8, 0.2], vec![0.4, 0.6]];
        assert!(close(
            log_loss(&actual, &proba),
            -(0.8f64.ln() + 0.6f64.ln()) / 2.0
        ));
        // (0.04 + 0.04 + 0.16 + 0.16) / 2
        assert!(close(brier(&actual, &proba), 0.2));
        let perfect = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        assert!(close(brier(&actual, &perfect), 0.0));
    }

    #[test]
    fn reliability_bins_count_every_pair() {
        let actual = [0, 1, 1];
        let proba = vec![vec![0.95, 0.05], vec![0.3, 0.7], vec![0.25, 0.75]];
        let bins = reliability(&actual, &proba, 10);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 6);
        let top = bins.iter().find(|b| b.lower == 0.9).unwrap();
        assert_eq!(top.count, 1);
        assert!(close(top.observed, 1.0));
    }
}
