//! Probability calibration, fitted on out-of-fold predictions (rows the
//! forest did not see): one map per pathway (one-vs-rest), then the mapped
//! probabilities are renormalised to sum to 1.
//!
//! Sigmoid (Platt) maps `logit(p)` through a fitted logistic curve; isotonic
//! fits a non-decreasing step function (pool adjacent violators). Isotonic
//! needs more data to avoid overfitting, so `fit` uses it only from
//! `ISOTONIC_MIN_ROWS` rows (scikit-learn's guidance: ~1,000).

use serde::{Deserialize, Serialize};

use super::logistic::Logistic;
use super::matrix::Matrix;

/// Rows from which isotonic calibration is preferred to sigmoid.
pub const ISOTONIC_MIN_ROWS: usize = 1000;

/// A map from raw to calibrated probability for one pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClassMap {
    Sigmoid(Logistic),
    /// Sorted thresholds and the calibrated value from each threshold on.
    Isotonic {
        thresholds: Vec<f64>,
        values: Vec<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Sigmoid,
    Isotonic,
}

/// The fitted calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibrator {
    pub method: Method,
    pub maps: Vec<ClassMap>,
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Pool adjacent violators over (x, y) sorted by x.
fn isotonic(mut pairs: Vec<(f64, f64)>) -> (Vec<f64>, Vec<f64>) {
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Blocks of (first x, sum y, count).
    let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
    for (x, y) in pairs {
        blocks.push((x, y, 1.0));
        while blocks.len() >= 2 {
            let n = blocks.len();
            let (last, prev) = (blocks[n - 1], blocks[n - 2]);
            if prev.1 / prev.2 >= last.1 / last.2 {
                blocks[n - 2] = (prev.0, prev.1 + last.1, prev.2 + last.2);
                blocks.pop();
            } else {
                break;
            }
        }
    }
    blocks.iter().map(|b| (b.0, b.1 / b.2)).unzip()
}

impl ClassMap {
    fn apply(&self, p: f64) -> f64 {
        match self {
            ClassMap::Sigmoid(model) => model.predict(&[logit(p)]),
            ClassMap::Isotonic { thresholds, values } => {
                let idx = thresholds.partition_point(|t| *t <= p);
                if idx == 0 {
                    values.first().copied().unwrap_or(p)
                } else {
                    values.get(idx - 1).copied().unwrap_or(p)
                }
            }
        }
    }
}

impl Calibrator {
    /// Fits one map per pathway from out-of-fold probabilities and labels.
    pub fn fit(proba: &[Vec<f64>], actual: &[usize], n_classes: usize) -> Calibrator {
        let method = if actual.len() >= ISOTONIC_MIN_ROWS {
            Method::Isotonic
        } else {
            Method::Sigmoid
        };
        let maps = (0..n_classes)
            .map(|k| {
                let p: Vec<f64> = proba
                    .iter()
                    .map(|row| row.get(k).copied().unwrap_or(0.0))
                    .collect();
                let y: Vec<bool> = actual.iter().map(|&a| a == k).collect();
                match method {
                    Method::Sigmoid => {
                        let data = p.iter().map(|&v| logit(v)).collect();
                        let x = Matrix::new(p.len(), 1, data).unwrap_or_else(|| {
                            Matrix::new(0, 1, Vec::new()).expect("an empty matrix is valid")
                        });
                        ClassMap::Sigmoid(Logistic::fit(&x, &y, None, 1e-3))
                    }
                    Method::Isotonic => {
                        let pairs = p
                            .iter()
                            .zip(&y)
                            .map(|(&v, &t)| (v, if t { 1.0 } else { 0.0 }))
                            .collect();
                        let (thresholds, values) = isotonic(pairs);
                        ClassMap::Isotonic { thresholds, values }
                    }
                }
            })
            .collect();
        Calibrator { method, maps }
    }

    /// Checks a calibration read from a file: one map per class, of the
    /// stated method, each mapping into 0 to 1 (isotonic: sorted finite
    /// thresholds with values in 0 to 1; sigmoid: a finite one-input curve).
    pub fn check(&self, n_classes: usize) -> Result<(), String> {
        if self.maps.len() != n_classes {
            return Err(format!(
                "the calibration has {} maps for {n_classes} pathways",
                self.maps.len()
            ));
        }
        for (k, map) in self.maps.iter().enumerate() {
            let fault = match (map, self.method) {
                (ClassMap::Sigmoid(model), Method::Sigmoid) => model.check(1).err(),
                (ClassMap::Isotonic { thresholds, values }, Method::Isotonic) => {
                    if thresholds.is_empty() || thresholds.len() != values.len() {
                        Some("its steps are missing or do not pair up".to_string())
                    } else if thresholds.iter().any(|t| !t.is_finite())
                        || thresholds.windows(2).any(|w| w[0] > w[1])
                    {
                        Some("its thresholds are not sorted finite numbers".to_string())
                    } else if values.iter().any(|v| !(0.0..=1.0).contains(v)) {
                        Some("a calibrated value is outside 0 to 1".to_string())
                    } else {
                        None
                    }
                }
                _ => Some("it is not of the stated method".to_string()),
            };
            if let Some(fault) = fault {
                return Err(format!("calibration map {k}: {fault}"));
            }
        }
        Ok(())
    }

    /// Calibrated probabilities for one row, summing to 1.
    pub fn apply(&self, proba: &[f64]) -> Vec<f64> {
        let mapped: Vec<f64> = proba
            .iter()
            .zip(&self.maps)
            .map(|(&p, map)| map.apply(p).max(1e-6))
            .collect();
        let total: f64 = mapped.iter().sum();
        if total > 0.0 && mapped.len() == proba.len() {
            mapped.iter().map(|v| v / total).collect()
        } else {
            proba.to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::brier;

    #[test]
    fn isotonic_pools_violators() {
        let (t, v) = isotonic(vec![(0.1, 0.0), (0.2, 1.0), (0.3, 0.0), (0.4, 1.0)]);
        assert_eq!(t, vec![0.1, 0.2, 0.4]);
        assert_eq!(v, vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn calibration_fixes_overconfident_scores() {
        // The raw model says 0.9 for class 0 but is right only 60% of the time.
        let mut proba = Vec::new();
        let mut actual = Vec::new();
        for i in 0..200 {
            proba.push(vec![0.9, 0.1]);
            actual.push(if i % 10 < 6 { 0 } else { 1 });
        }
        let cal = Calibrator::fit(&proba, &actual, 2);
        assert_eq!(cal.method, Method::Sigmoid);
        let after: Vec<Vec<f64>> = proba.iter().map(|p| cal.apply(p)).collect();
        assert!((after[0][0] - 0.6).abs() < 0.02, "{:?}", after[0]);
        assert!(brier(&actual, &after) < brier(&actual, &proba));
        assert!(after
            .iter()
            .all(|p| (p.iter().sum::<f64>() - 1.0).abs() < 1e-9));
    }
}
