//! Remaining stays of people already in a service at time 0: a stay drawn
//! from the service's distribution conditioned on lasting longer than the
//! weeks already spent. Exact for every distribution and bounded in work:
//! a few plain draws kept only when they pass `elapsed` (rejection), and when
//! the tail is too thin for that, the inverse of the tail probability found by
//! bisection (a fixed number of steps).

use rand_chacha::ChaCha8Rng;

use super::sample::{self, open_unit};
use super::scenario::Dist;

/// Plain draws tried before the inverse of the tail is used.
const TRIES: usize = 32;
/// Bisection steps (the bracket shrinks by 2^-STEPS).
const STEPS: usize = 80;
/// Doublings allowed while looking for the far end of the bracket.
const WIDEN: usize = 200;
/// Iterations of the incomplete gamma series or continued fraction.
const GAMMA_ITER: usize = 500;

/// Weeks left for someone who has spent `elapsed` weeks of a stay drawn from
/// `dist`. Zero when the distribution gives no chance of lasting that long (a
/// fixed stay already over, or longer than every observed stay).
pub fn remaining(rng: &mut ChaCha8Rng, dist: &Dist, elapsed: f64) -> f64 {
    let left = remaining_unbounded(rng, dist, elapsed);
    if left.is_finite() {
        left.clamp(0.0, sample::MAX_STAY)
    } else {
        0.0
    }
}

fn remaining_unbounded(rng: &mut ChaCha8Rng, dist: &Dist, elapsed: f64) -> f64 {
    if !(elapsed.is_finite() && elapsed > 0.0) {
        return sample::stay(rng, dist);
    }
    match dist {
        // Memoryless.
        Dist::Exp { mean } => sample::exponential(rng, *mean),
        Dist::Fixed { value } => (value - elapsed).max(0.0),
        Dist::Empirical { values } => {
            let longer: Vec<f64> = values.iter().copied().filter(|v| *v > elapsed).collect();
            if longer.is_empty() {
                return 0.0;
            }
            longer[crate::rng::index(rng, longer.len())] - elapsed
        }
        Dist::Lognormal { .. } | Dist::Gamma { .. } => {
            for _ in 0..TRIES {
                let x = sample::stay(rng, dist);
                if x > elapsed {
                    return x - elapsed;
                }
            }
            match dist {
                Dist::Lognormal { mean, sd } => lognormal_tail(rng, *mean, *sd, elapsed),
                Dist::Gamma { mean, sd } => gamma_tail(rng, *mean, *sd, elapsed),
                _ => 0.0,
            }
        }
    }
}

/// Upper tail of the standard normal.
fn normal_q(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Finds `x >= lo` with `tail(x) = target` for a decreasing `tail`, in a
/// bounded number of steps; `width` is the first guess of the bracket.
fn invert(tail: impl Fn(f64) -> f64, lo: f64, width: f64, target: f64) -> f64 {
    let mut lo = lo;
    let mut step = width.max(f64::MIN_POSITIVE);
    let mut hi = lo + step;
    for _ in 0..WIDEN {
        if tail(hi) <= target || !hi.is_finite() {
            break;
        }
        lo = hi;
        step *= 2.0;
        hi = lo + step;
    }
    if !hi.is_finite() {
        return lo;
    }
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        if tail(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn lognormal_tail(rng: &mut ChaCha8Rng, mean: f64, sd: f64, elapsed: f64) -> f64 {
    let sigma2 = libm::log(1.0 + (sd / mean) * (sd / mean));
    let sigma = libm::sqrt(sigma2);
    if sigma <= 0.0 {
        return (mean - elapsed).max(0.0);
    }
    let mu = libm::log(mean) - sigma2 / 2.0;
    let z0 = (libm::log(elapsed) - mu) / sigma;
    let q0 = normal_q(z0);
    let z = if q0 > 1e-300 {
        let target = q0 * open_unit(rng);
        invert(normal_q, z0, 1.0, target)
    } else {
        // Far in the tail the normal above z0 is close to z0 + Exp(1)/z0.
        z0 + sample::exponential(rng, 1.0) / z0.max(1.0)
    };
    let x = libm::exp(mu + sigma * z);
    if x.is_finite() {
        (x - elapsed).max(0.0)
    } else {
        0.0
    }
}

/// The two halves of the regularised incomplete gamma function (Numerical
/// Recipes), each with its log front factor `a ln x - x - ln Γ(a)`, so a
/// caller can finish in plain space ([`gamma_q`]) or in log space (the stay
/// likelihoods of `flows::survival`). `x` must be positive.
pub(crate) enum GammaParts {
    /// Below a + 1: P(a, x) = exp(log_front) * sum.
    Series { log_front: f64, sum: f64 },
    /// Above: Q(a, x) = exp(log_front) * fraction (Lentz's continued fraction).
    Fraction { log_front: f64, fraction: f64 },
}

/// The series or the continued fraction for (a, x), each loop at most
/// `max_iter` steps.
pub(crate) fn gamma_parts(a: f64, x: f64, max_iter: usize) -> GammaParts {
    gamma_parts_given(a, libm::lgamma(a), x, libm::log(x), max_iter)
}

/// `gamma_parts` with ln Γ(a) and ln x already worked out (a likelihood
/// evaluates many x for one a).
pub(crate) fn gamma_parts_given(
    a: f64,
    ln_gamma_a: f64,
    x: f64,
    ln_x: f64,
    max_iter: usize,
) -> GammaParts {
    let log_front = a * ln_x - x - ln_gamma_a;
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..max_iter {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        GammaParts::Series { log_front, sum }
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=max_iter {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        GammaParts::Fraction {
            log_front,
            fraction: h,
        }
    }
}

/// Regularised upper incomplete gamma Q(a, x), clamped to [0, 1].
pub(crate) fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    match gamma_parts(a, x, GAMMA_ITER) {
        GammaParts::Series { log_front, sum } => (1.0 - sum * libm::exp(log_front)).clamp(0.0, 1.0),
        GammaParts::Fraction {
            log_front,
            fraction,
        } => (libm::exp(log_front) * fraction).clamp(0.0, 1.0),
    }
}

fn gamma_tail(rng: &mut ChaCha8Rng, mean: f64, sd: f64, elapsed: f64) -> f64 {
    let shape = (mean / sd) * (mean / sd);
    let scale = sd * sd / mean;
    let y0 = elapsed / scale;
    let q0 = gamma_q(shape, y0);
    let y = if q0 > 1e-300 {
        let target = q0 * open_unit(rng);
        invert(|y| gamma_q(shape, y), y0, shape.max(1.0), target)
    } else {
        // Far in the tail a gamma's hazard is close to 1 / scale.
        y0 + sample::exponential(rng, 1.0)
    };
    let x = y * scale;
    if x.is_finite() {
        (x - elapsed).max(0.0)
    } else {
        0.0
    }
}

/// Share of stays from `dist` longer than `x` (used by tests and checks).
pub fn survival(dist: &Dist, x: f64) -> f64 {
    match dist {
        Dist::Exp { mean } => libm::exp(-x / mean),
        Dist::Fixed { value } => f64::from(u8::from(*value > x)),
        Dist::Empirical { values } => {
            values.iter().filter(|v| **v > x).count() as f64 / values.len().max(1) as f64
        }
        Dist::Lognormal { mean, sd } => {
            let sigma2 = libm::log(1.0 + (sd / mean) * (sd / mean));
            if sigma2 <= 0.0 || x <= 0.0 {
                return f64::from(u8::from(*mean > x));
            }
            let mu = libm::log(*mean) - sigma2 / 2.0;
            normal_q((libm::log(x) - mu) / libm::sqrt(sigma2))
        }
        Dist::Gamma { mean, sd } => gamma_q((mean / sd) * (mean / sd), x * mean / (sd * sd)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn incomplete_gamma_matches_known_values() {
        // Shape 1 is the exponential: Q(1, x) = e^-x.
        for x in [0.1, 1.0, 3.0, 20.0] {
            assert!((gamma_q(1.0, x) - (-x).exp()).abs() < 1e-12);
        }
        // Shape 2: Q(2, x) = (1 + x) e^-x.
        for x in [0.5, 2.0, 10.0] {
            assert!((gamma_q(2.0, x) - (1.0 + x) * (-x).exp()).abs() < 1e-12);
        }
        assert_eq!(gamma_q(3.0, 0.0), 1.0);
    }

    /// Conditional draws against the distribution's own survival curve:
    /// P(X > e + t | X > e) = S(e + t) / S(e) at a few t.
    fn check_conditional(dist: Dist, elapsed: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 40_000;
        let draws: Vec<f64> = (0..n)
            .map(|_| remaining(&mut rng, &dist, elapsed))
            .collect();
        assert!(draws.iter().all(|d| d.is_finite() && *d >= 0.0));
        let s0 = survival(&dist, elapsed);
        let mut sorted = draws.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.25, 0.5, 0.75] {
            let t = sorted[(q * n as f64) as usize];
            let want = survival(&dist, elapsed + t) / s0;
            assert!(
                (want - (1.0 - q)).abs() < 0.015,
                "{dist:?} after {elapsed}: at the {q} quantile the tail is {want}"
            );
        }
    }

    #[test]
    fn remaining_stays_follow_the_conditional_distribution() {
        check_conditional(
            Dist::Gamma {
                mean: 10.0,
                sd: 5.0,
            },
            4.0,
        );
        // Deep in the tail: rejection fails, the inverse takes over.
        check_conditional(
            Dist::Gamma {
                mean: 10.0,
                sd: 5.0,
            },
            40.0,
        );
        check_conditional(Dist::Lognormal { mean: 5.0, sd: 3.0 }, 2.0);
        check_conditional(Dist::Lognormal { mean: 5.0, sd: 3.0 }, 40.0);
        check_conditional(Dist::Exp { mean: 3.0 }, 50.0);
    }

    #[test]
    fn impossible_or_extreme_tails_end_at_once_or_stay_finite() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(remaining(&mut rng, &Dist::Fixed { value: 3.0 }, 5.0), 0.0);
        assert_eq!(remaining(&mut rng, &Dist::Fixed { value: 3.0 }, 1.0), 2.0);
        let e = Dist::Empirical {
            values: vec![1.0, 2.0],
        };
        assert_eq!(remaining(&mut rng, &e, 9.0), 0.0);
        assert_eq!(remaining(&mut rng, &e, 1.5), 0.5);
        for dist in [
            Dist::Gamma { mean: 1.0, sd: 0.5 },
            Dist::Lognormal { mean: 1.0, sd: 0.1 },
        ] {
            for elapsed in [1e3, 1e9, 1e300] {
                let r = remaining(&mut rng, &dist, elapsed);
                assert!(r.is_finite() && r >= 0.0, "{dist:?} {elapsed}: {r}");
            }
        }
    }
}
