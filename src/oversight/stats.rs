//! The intervals the oversight figures carry: Wilson score intervals for
//! shares, Newcombe's hybrid score interval for the difference of two shares,
//! and normal intervals for means. All at 95%.

use crate::model::train::Estimate;

/// The normal quantile of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A share `hits / n` with its Wilson score 95% interval (`None` when `n` is 0).
pub fn wilson(hits: usize, n: usize) -> Option<Estimate> {
    wilson_z(hits, n, Z95)
}

/// The Wilson score interval with normal quantile `z`.
pub fn wilson_z(hits: usize, n: usize, z: f64) -> Option<Estimate> {
    if n == 0 {
        return None;
    }
    let (h, n) = (hits.min(n) as f64, n as f64);
    let p = h / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and 1 the bound is exact; rounding would leave it a hair off.
    Some(Estimate {
        value: p,
        lower: if hits == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        upper: if h >= n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    })
}

/// The two-sided normal quantile for `comparisons` simultaneous 95%
/// intervals (Bonferroni: each at 1 - 0.05 / comparisons). 1.96 for one.
pub fn z_simultaneous(comparisons: usize) -> f64 {
    let alpha = 0.05 / comparisons.max(1) as f64;
    // P(|Z| > z) = erfc(z / sqrt 2), decreasing in z: bisection, 100 steps.
    let (mut low, mut high) = (0.0f64, 10.0f64);
    for _ in 0..100 {
        let mid = 0.5 * (low + high);
        if libm::erfc(mid / std::f64::consts::SQRT_2) > alpha {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// The difference `a - b` of two shares with Newcombe's hybrid score
/// interval (his method 10), built from the two Wilson intervals.
pub fn difference(a: &Estimate, b: &Estimate) -> Estimate {
    let d = a.value - b.value;
    let lower = d - ((a.value - a.lower).powi(2) + (b.upper - b.value).powi(2)).sqrt();
    let upper = d + ((a.upper - a.value).powi(2) + (b.value - b.lower).powi(2)).sqrt();
    Estimate {
        value: d,
        lower,
        upper,
    }
}

/// A mean with a normal interval from its standard error.
pub fn normal(value: f64, standard_error: f64) -> Estimate {
    let half = Z95 * standard_error.max(0.0);
    Estimate {
        value,
        lower: value - half,
        upper: value + half,
    }
}

/// The mean of `values` with its normal 95% interval (`None` when empty).
pub fn mean(values: &[f64]) -> Option<Estimate> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    Some(normal(m, (var / n).sqrt()))
}

/// Whether an interval lies wholly on one side of zero.
pub fn excludes_zero(e: &Estimate) -> bool {
    e.lower > 0.0 || e.upper < 0.0
}

/// A share as a whole percentage ("41%").
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A difference of shares in percentage points ("12 points").
pub fn points(x: f64) -> String {
    format!("{:.0}", x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605.
        let a = wilson(81, 263).unwrap();
        assert!(close(a.lower, 0.2553) && close(a.upper, 0.3662), "{a:?}");
        let b = wilson(15, 148).unwrap();
        assert!(close(b.lower, 0.0624) && close(b.upper, 0.1605), "{b:?}");
        // Zero and full shares stay inside [0, 1].
        let zero = wilson(0, 10).unwrap();
        assert_eq!(zero.lower, 0.0);
        assert!(zero.upper > 0.2 && zero.upper < 0.35);
        assert_eq!(wilson(10, 10).unwrap().upper, 1.0);
        assert!(wilson(0, 0).is_none());
    }

    #[test]
    fn newcombe_difference_matches_published_values() {
        // Newcombe (1998), table II, example (a): 56/70 - 48/80 -> 0.0524 to 0.3339.
        let d = difference(&wilson(56, 70).unwrap(), &wilson(48, 80).unwrap());
        assert!(close(d.value, 0.2), "{d:?}");
        assert!(close(d.lower, 0.0524) && close(d.upper, 0.3339), "{d:?}");
        assert!(excludes_zero(&d));
        // Example (d): 5/56 - 0/29 -> -0.0381 to 0.1926 (includes zero).
        let f = difference(&wilson(5, 56).unwrap(), &wilson(0, 29).unwrap());
        assert!(close(f.lower, -0.0381) && close(f.upper, 0.1926), "{f:?}");
        assert!(!excludes_zero(&f));
    }

    #[test]
    fn simultaneous_quantiles() {
        assert!((z_simultaneous(1) - Z95).abs() < 1e-9);
        // 0.05 / 6 -> 2.638; 0.05 / 45 -> 3.261.
        assert!((z_simultaneous(6) - 2.638).abs() < 1e-3);
        assert!((z_simultaneous(45) - 3.261).abs() < 1e-3);
        let wide = wilson_z(30, 100, z_simultaneous(6)).unwrap();
        let narrow = wilson(30, 100).unwrap();
        assert!(wide.lower < narrow.lower && wide.upper > narrow.upper);
    }

    #[test]
    fn mean_interval() {
        let e = mean(&[0.0, 1.0, 0.0, 1.0]).unwrap();
        assert_eq!(e.value, 0.5);
        // sd 0.577, se 0.289
        assert!(close(
            e.upper - e.value,
            Z95 * (1.0f64 / 3.0 / 4.0).sqrt() * 1.0
        ));
        assert!(mean(&[]).is_none());
    }
}
