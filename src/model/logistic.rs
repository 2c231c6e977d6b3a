//! L2-regularised binary logistic regression fitted by Newton's method
//! (iteratively reweighted least squares), with standardised inputs.
//!
//! Ours rather than smartcore's `LogisticRegression` because we need
//! probabilities, row weights and the same numbers on every target; the model
//! is a handful of coefficients, so Newton converges in a few steps. Used for
//! the pathway-fit learners (one per pathway), the propensity model of past
//! allocation (one-vs-rest) and sigmoid calibration (one input).

use serde::{Deserialize, Serialize};

use super::matrix::Matrix;

/// A fitted binary logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// Means and scales used to standardise each input.
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    /// Intercept first, then one weight per standardised input.
    pub coef: Vec<f64>,
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `(v - mean) / scale`, finite for any finite inputs: a difference that
/// overflows is taken after dividing, and the result is held within 1e6
/// standard deviations (far beyond any value seen in training).
pub fn standardise(v: f64, mean: f64, scale: f64) -> f64 {
    let z = (v - mean) / scale;
    let z = if z.is_finite() {
        z
    } else {
        v / scale - mean / scale
    };
    if z.is_nan() {
        0.0
    } else {
        z.clamp(-1e6, 1e6)
    }
}

/// Solves `a x = b` for symmetric positive definite `a` (Cholesky); `None`
/// when not positive definite.
fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if sum <= 0.0 {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut sum = b[i];
        for k in 0..i {
            sum -= l[i * n + k] * y[k];
        }
        y[i] = sum / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = y[i];
        for k in i + 1..n {
            sum -= l[k * n + i] * x[k];
        }
        x[i] = sum / l[i * n + i];
    }
    Some(x)
}

impl Logistic {
    /// Fits `P(y | x)` with L2 penalty `l2` on the weights (not the intercept).
    /// `weights` are row weights (1 each when `None`). Never fails: with no rows
    /// it predicts 0.5, and a singular step stops the iterations.
    pub fn fit(x: &Matrix, y: &[bool], weights: Option<&[f64]>, l2: f64) -> Logistic {
        let (n, p) = (x.n_rows().min(y.len()), x.n_cols());
        let weight = |i: usize| weights.and_then(|w| w.get(i).copied()).unwrap_or(1.0);
        let total: f64 = (0..n).map(weight).sum::<f64>().max(1e-12);
        let mut mean = vec![0.0; p];
        let mut scale = vec![1.0; p];
        for j in 0..p {
            // Values past 1e150 would overflow the squares: work on the
            // column divided by its largest magnitude, then scale back.
            let big = (0..n).map(|i| x.get(i, j).abs()).fold(0.0, f64::max);
            let unit = if big > 1e150 { big } else { 1.0 };
            let m = (0..n)
                .map(|i| weight(i) * (x.get(i, j) / unit))
                .sum::<f64>()
                / total;
            let var = (0..n)
                .map(|i| weight(i) * (x.get(i, j) / unit - m).powi(2))
                .sum::<f64>()
                / total;
            mean[j] = m * unit;
            scale[j] = if var * unit * unit > 1e-12 {
                var.sqrt() * unit
            } else {
                1.0
            };
        }
        let d = p + 1;
        let mut coef = vec![0.0; d];
        let mut z = vec![0.0; d];
        for _ in 0..25 {
            let mut hess = vec![0.0; d * d];
            let mut grad = vec![0.0; d];
            for (i, &yi) in y.iter().enumerate().take(n) {
                z[0] = 1.0;
                for j in 0..p {
                    z[j + 1] = standardise(x.get(i, j), mean[j], scale[j]);
                }
                let eta: f64 = z.iter().zip(&coef).map(|(a, b)| a * b).sum();
                let mu = sigmoid(eta);
                let w = weight(i);
                let target = if yi { 1.0 } else { 0.0 };
                let s = w * mu * (1.0 - mu);
                for a in 0..d {
                    grad[a] += w * (target - mu) * z[a];
                    for b in 0..=a {
                        hess[a * d + b] += s * z[a] * z[b];
                    }
                }
            }
            for a in 0..d {
                for b in 0..a {
                    hess[b * d + a] = hess[a * d + b];
                }
                if a > 0 {
                    grad[a] -= l2 * coef[a];
                    hess[a * d + a] += l2;
                }
                hess[a * d + a] += 1e-9;
            }
            let Some(step) = solve_spd(&hess, &grad, d) else {
                break;
            };
            let mut change = 0.0f64;
            for (c, s) in coef.iter_mut().zip(&step) {
                *c += s;
                change = change.max(s.abs());
            }
            if change < 1e-8 {
                break;
            }
        }
        Logistic { mean, scale, coef }
    }

    /// `P(y = true | row)`.
    /// The log-odds split into the intercept and one term per input, so
    /// `predict(row) == sigmoid(intercept + terms.sum())`. A term is zero at
    /// the mean of the rows the model was fitted on.
    pub fn terms(&self, row: &[f64]) -> (f64, Vec<f64>) {
        let intercept = self.coef.first().copied().unwrap_or(0.0);
        let terms = self
            .coef
            .iter()
            .skip(1)
            .enumerate()
            .map(|(j, c)| {
                let v = row.get(j).copied().unwrap_or(self.mean[j]);
                c * standardise(v, self.mean[j], self.scale[j])
            })
            .collect();
        (intercept, terms)
    }

    /// Checks a model read from a file: `n_inputs` inputs, every number
    /// finite and every scale positive.
    pub fn check(&self, n_inputs: usize) -> Result<(), String> {
        if self.coef.len() != n_inputs + 1
            || self.mean.len() != n_inputs
            || self.scale.len() != n_inputs
        {
            return Err("a logistic model has the wrong number of inputs".into());
        }
        if self.coef.iter().chain(&self.mean).any(|v| !v.is_finite())
            || self.scale.iter().any(|s| !s.is_finite() || *s <= 0.0)
        {
            return Err("a logistic model has a weight, mean or scale that is not a finite number (or a scale that is not positive)".into());
        }
        Ok(())
    }

    pub fn predict(&self, row: &[f64]) -> f64 {
        let mut eta = self.coef.first().copied().unwrap_or(0.0);
        for (j, c) in self.coef.iter().skip(1).enumerate() {
            let v = row.get(j).copied().unwrap_or(self.mean[j]);
            eta += c * standardise(v, self.mean[j], self.scale[j]);
        }
        sigmoid(eta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn recovers_known_coefficients() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for _ in 0..4000 {
            let a: f64 = rng.gen_range(-2.0..2.0);
            let b: f64 = rng.gen_range(-2.0..2.0);
            let p = sigmoid(0.5 + 1.5 * a - 1.0 * b);
            rows.push(vec![a, b]);
            y.push(rng.gen_bool(p));
        }
        let x = Matrix::from_rows(&rows).unwrap();
        let model = Logistic::fit(&x, &y, None, 0.0);
        let p = model.predict(&[1.0, 1.0]);
        assert!((p - sigmoid(1.0)).abs() < 0.05, "{p}");
        let p = model.predict(&[-1.0, 1.0]);
        assert!((p - sigmoid(-2.0)).abs() < 0.05, "{p}");
    }

    #[test]
    fn huge_values_give_finite_weights() {
        let x = Matrix::from_rows(&[vec![-1e308], vec![1.0], vec![2.0], vec![1.7e308]]).unwrap();
        let model = Logistic::fit(&x, &[true, false, true, false], None, 1.0);
        assert!(model.check(1).is_ok(), "{model:?}");
        for v in [-1.79e308, 0.0, 1.79e308] {
            assert!(model.predict(&[v]).is_finite());
        }
        let mut broken = model.clone();
        broken.scale[0] = 0.0;
        assert!(broken.check(1).is_err());
    }

    #[test]
    fn constant_outcome_and_no_rows_do_not_panic() {
        let x = Matrix::from_rows(&[vec![1.0], vec![2.0]]).unwrap();
        let model = Logistic::fit(&x, &[true, true], None, 1.0);
        assert!(model.predict(&[1.5]) > 0.5);
        let empty = Matrix::new(0, 1, vec![]).unwrap();
        assert_eq!(Logistic::fit(&empty, &[], None, 1.0).predict(&[0.0]), 0.5);
    }
}
