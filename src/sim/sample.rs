//! Random draws the simulator needs, written out so that a seed gives the same
//! numbers natively and on wasm32: ChaCha8 for the bits, `libm` (pure Rust, the
//! same code on every target) for logarithms and cosines, exponential as
//! `-ln(u) * mean`, lognormal through Box-Muller.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::scenario::Dist;

/// Longest stay we let a draw produce (weeks): keeps event times finite even
/// for a lognormal with a huge spread.
pub(crate) const MAX_STAY: f64 = 1e9;

/// Uniform on (0, 1]: never 0, so its logarithm is finite.
pub fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    1.0 - rng.gen::<f64>()
}

/// Exponential with the given mean.
pub fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -libm::log(open_unit(rng)) * mean
}

/// Standard normal by Box-Muller (one of the pair; simple and reproducible).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = open_unit(rng);
    let u2 = rng.gen::<f64>();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// A stay drawn from `dist`, in weeks.
pub fn stay(rng: &mut ChaCha8Rng, dist: &Dist) -> f64 {
    let value = match dist {
        Dist::Exp { mean } => exponential(rng, *mean),
        Dist::Lognormal { mean, sd } => {
            // Parameters of the underlying normal from the stay's own mean and sd.
            let sigma2 = libm::log(1.0 + (sd / mean) * (sd / mean));
            let mu = libm::log(*mean) - sigma2 / 2.0;
            libm::exp(mu + libm::sqrt(sigma2) * normal(rng))
        }
        Dist::Gamma { mean, sd } => {
            let shape = (mean / sd) * (mean / sd);
            gamma(rng, shape) * (sd * sd / mean)
        }
        Dist::Fixed { value } => *value,
        Dist::Empirical { values } => {
            let i = crate::rng::index(rng, values.len());
            values.get(i).copied().unwrap_or(0.0)
        }
    };
    if value.is_finite() {
        value.clamp(0.0, MAX_STAY)
    } else {
        MAX_STAY
    }
}

/// Most tries of the gamma sampler's rejection step before it gives up and
/// returns the mean (each try is accepted with probability above 0.95).
const GAMMA_TRIES: usize = 64;

/// Gamma with the given shape and scale 1 (Marsaglia and Tsang; a shape
/// below 1 through the boost `G(shape + 1) * U^(1/shape)`).
pub fn gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if !(shape.is_finite() && shape > 0.0) {
        return 0.0;
    }
    if shape < 1.0 {
        let boost = libm::pow(open_unit(rng), 1.0 / shape);
        return gamma(rng, shape + 1.0) * boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    for _ in 0..GAMMA_TRIES {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = open_unit(rng);
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
    shape
}

/// Index of the entry a uniform draw falls in, from a cumulative table.
pub fn choose(rng: &mut ChaCha8Rng, cumulative: &[f64]) -> usize {
    let u = rng.gen::<f64>() * cumulative.last().copied().unwrap_or(1.0);
    cumulative
        .iter()
        .position(|&c| u < c)
        .unwrap_or(cumulative.len().saturating_sub(1))
}

/// Index of the entry a uniform draw falls in, from a cumulative table of
/// (probability so far, item) pairs.
pub fn choose_pair<T>(rng: &mut ChaCha8Rng, cumulative: &[(f64, T)]) -> usize {
    let u = rng.gen::<f64>() * cumulative.last().map(|c| c.0).unwrap_or(1.0);
    cumulative
        .iter()
        .position(|c| u < c.0)
        .unwrap_or(cumulative.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mean_and_sd(draws: &[f64]) -> (f64, f64) {
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    fn check(dist: Dist, want_mean: f64, want_sd: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws: Vec<f64> = (0..200_000).map(|_| stay(&mut rng, &dist)).collect();
        let (mean, sd) = mean_and_sd(&draws);
        assert!(
            (mean - want_mean).abs() < 0.02 * want_mean,
            "{dist:?}: mean {mean}"
        );
        assert!(
            (sd - want_sd).abs() < 0.04 * want_sd.max(0.01),
            "{dist:?}: sd {sd}"
        );
        assert!(draws.iter().all(|x| x.is_finite() && *x >= 0.0));
    }

    #[test]
    fn stays_have_the_asked_mean_and_spread() {
        check(Dist::Exp { mean: 3.0 }, 3.0, 3.0);
        check(Dist::Lognormal { mean: 5.0, sd: 2.0 }, 5.0, 2.0);
        check(Dist::Lognormal { mean: 2.0, sd: 4.0 }, 2.0, 4.0);
        check(Dist::Fixed { value: 4.5 }, 4.5, 0.0);
        check(Dist::Gamma { mean: 6.0, sd: 3.0 }, 6.0, 3.0);
        check(Dist::Gamma { mean: 2.0, sd: 4.0 }, 2.0, 4.0);
        check(
            Dist::Gamma {
                mean: 52.0,
                sd: 10.0,
            },
            52.0,
            10.0,
        );
        check(
            Dist::Empirical {
                values: vec![1.0, 2.0, 3.0],
            },
            2.0,
            (2.0f64 / 3.0).sqrt(),
        );
    }

    #[test]
    fn choose_follows_the_table() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let table = [0.2, 0.2, 0.7, 1.0];
        let mut counts = [0usize; 4];
        for _ in 0..100_000 {
            counts[choose(&mut rng, &table)] += 1;
        }
        assert_eq!(counts[1], 0, "a zero-probability entry was chosen");
        for (count, p) in counts.iter().zip([0.2, 0.0, 0.5, 0.3]) {
            assert!((*count as f64 / 100_000.0 - p).abs() < 0.01);
        }
    }
}
