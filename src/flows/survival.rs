//! Lengths of stay with censoring and left truncation: the Kaplan-Meier
//! curve and three fitted distributions (exponential, lognormal, gamma) by
//! maximum likelihood, where a stay still open adds its survival `S(t)`, a
//! finished one its density `f(t)`, and a stay already under way when the
//! data began is divided by `S(entry)`. The one with the lowest AIC is
//! chosen; its mean is the honest mean (a Kaplan-Meier mean alone stops at
//! the longest stay seen). Times are aggregated by half-day, so a fit costs
//! the number of distinct lengths, not the number of stays.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::{gamma_parts_given, GammaParts};

/// Weeks per half-day.
const WEEKS_PER_HALF_DAY: f64 = 1.0 / 14.0;
/// Nelder-Mead iterations per fit (each costs one pass over distinct lengths).
const MAX_ITERATIONS: usize = 400;
/// Censored lengths and entries of the coarse likelihood (see `Likelihood::coarse`).
const COARSE_POINTS: usize = 200;
/// Kaplan-Meier points kept for display.
const MAX_KM_POINTS: usize = 120;

/// A length-of-stay distribution in weeks, written as the simulator writes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "d", rename_all = "lowercase")]
pub enum StayDist {
    Exp { mean: f64 },
    Lognormal { mean: f64, sd: f64 },
    Gamma { mean: f64, sd: f64 },
}

impl StayDist {
    pub fn mean(&self) -> f64 {
        match *self {
            StayDist::Exp { mean }
            | StayDist::Lognormal { mean, .. }
            | StayDist::Gamma { mean, .. } => mean,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            StayDist::Exp { .. } => "exponential",
            StayDist::Lognormal { .. } => "lognormal",
            StayDist::Gamma { .. } => "gamma",
        }
    }

    /// ln S(t) at `t` weeks.
    pub fn ln_survival(&self, t: f64) -> f64 {
        Law::from_dist(self).ln_survival(t)
    }
}

/// The same distributions in the parameters the likelihood uses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Law {
    Exp { rate: f64 },
    Lognormal { mu: f64, sigma: f64 },
    Gamma { shape: f64, scale: f64 },
}

impl Law {
    fn from_dist(dist: &StayDist) -> Law {
        match *dist {
            StayDist::Exp { mean } => Law::Exp { rate: 1.0 / mean },
            StayDist::Lognormal { mean, sd } => {
                let s2 = libm::log1p((sd / mean) * (sd / mean));
                Law::Lognormal {
                    mu: libm::log(mean) - s2 / 2.0,
                    sigma: libm::sqrt(s2),
                }
            }
            StayDist::Gamma { mean, sd } => {
                let shape = (mean / sd) * (mean / sd);
                Law::Gamma {
                    shape,
                    scale: mean / shape,
                }
            }
        }
    }

    fn to_dist(self) -> StayDist {
        match self {
            Law::Exp { rate } => StayDist::Exp { mean: 1.0 / rate },
            Law::Lognormal { mu, sigma } => {
                let mean = libm::exp(mu + sigma * sigma / 2.0);
                StayDist::Lognormal {
                    mean,
                    sd: mean * libm::sqrt(libm::expm1(sigma * sigma)),
                }
            }
            Law::Gamma { shape, scale } => StayDist::Gamma {
                mean: shape * scale,
                sd: libm::sqrt(shape) * scale,
            },
        }
    }

    /// ln f(t): the likelihood uses its sums instead (checked against it in the tests).
    #[cfg(test)]
    fn ln_density(self, t: f64) -> f64 {
        match self {
            Law::Exp { rate } => libm::log(rate) - rate * t,
            Law::Lognormal { mu, sigma } => {
                let z = (libm::log(t) - mu) / sigma;
                -0.5 * z * z - libm::log(t * sigma) - 0.5 * libm::log(2.0 * std::f64::consts::PI)
            }
            Law::Gamma { shape, scale } => {
                (shape - 1.0) * libm::log(t)
                    - t / scale
                    - libm::lgamma(shape)
                    - shape * libm::log(scale)
            }
        }
    }

    fn ln_survival(self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        self.ln_survival_at(t, libm::log(t))
    }

    /// ln S(t) for `t > 0` with `ln_t = ln t` already worked out.
    fn ln_survival_at(self, t: f64, ln_t: f64) -> f64 {
        match self {
            Law::Exp { rate } => -rate * t,
            Law::Lognormal { mu, sigma } => ln_normal_upper((ln_t - mu) / sigma),
            Law::Gamma { shape, scale } => ln_gamma_q(shape, t / scale),
        }
    }
}

/// ln P(Z > z) for a standard normal Z, accurate far in the tail.
fn ln_normal_upper(z: f64) -> f64 {
    if z < 30.0 {
        libm::log(0.5 * libm::erfc(z / std::f64::consts::SQRT_2))
    } else {
        -0.5 * z * z - libm::log(z * libm::sqrt(2.0 * std::f64::consts::PI))
    }
}

/// ln Q(a, x), the upper regularised incomplete gamma function (series below
/// a + 1, Lentz's continued fraction above; both bounded).
fn ln_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    ln_gamma_q_given(a, libm::lgamma(a), x, libm::log(x))
}

/// `ln_gamma_q` with ln Γ(a) and ln x given.
fn ln_gamma_q_given(a: f64, ln_gamma_a: f64, x: f64, ln_x: f64) -> f64 {
    // More steps than the simulator's draws need: fitted shapes can be large.
    match gamma_parts_given(a, ln_gamma_a, x, ln_x, 1000) {
        GammaParts::Series { log_front, sum } => {
            let p = libm::exp(log_front) * sum;
            libm::log1p(-p.min(1.0 - 1e-300))
        }
        GammaParts::Fraction {
            log_front,
            fraction,
        } => log_front + libm::log(fraction),
    }
}

/// The stays of one state, by length in half-days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaySample {
    /// Finished stays: length -> count.
    pub events: BTreeMap<i64, u64>,
    /// Stays still open at the end of the data: length so far -> count.
    pub censored: BTreeMap<i64, u64>,
    /// Every stay's entry (0 unless carried in): half-days -> count.
    pub entries: BTreeMap<i64, u64>,
}

impl StaySample {
    pub fn add(&mut self, entry_half_days: i64, exit_half_days: i64, finished: bool) {
        let map = if finished {
            &mut self.events
        } else {
            &mut self.censored
        };
        *map.entry(exit_half_days).or_default() += 1;
        *self.entries.entry(entry_half_days).or_default() += 1;
    }

    /// The sample of many stays at once, each `(entry, exit, finished)` in
    /// half-days: the same as `add` for each, counted by sorting.
    pub fn from_stays(stays: &[(i64, i64, bool)]) -> StaySample {
        fn counted(mut values: Vec<i64>) -> BTreeMap<i64, u64> {
            values.sort_unstable();
            let mut runs: Vec<(i64, u64)> = Vec::new();
            for v in values {
                match runs.last_mut() {
                    Some((last, n)) if *last == v => *n += 1,
                    _ => runs.push((v, 1)),
                }
            }
            runs.into_iter().collect()
        }
        let pick = |finished: bool| {
            stays
                .iter()
                .filter(|s| s.2 == finished)
                .map(|s| s.1)
                .collect()
        };
        StaySample {
            events: counted(pick(true)),
            censored: counted(pick(false)),
            entries: counted(stays.iter().map(|s| s.0).collect()),
        }
    }

    pub fn n_events(&self) -> u64 {
        self.events.values().sum()
    }

    pub fn n_censored(&self) -> u64 {
        self.censored.values().sum()
    }

    /// Plain mean of the finished stays, in weeks.
    pub fn naive_mean(&self) -> Option<f64> {
        let n = self.n_events();
        (n > 0).then(|| {
            self.events
                .iter()
                .map(|(&t, &c)| t as f64 * c as f64)
                .sum::<f64>()
                * WEEKS_PER_HALF_DAY
                / n as f64
        })
    }

    /// Kaplan-Meier with left truncation: at risk at `t` are the stays with
    /// entry < t <= exit.
    pub fn kaplan_meier(&self) -> Vec<KmPoint> {
        let entries: Vec<(i64, u64)> = self.entries.iter().map(|(&a, &c)| (a, c)).collect();
        let mut exits: BTreeMap<i64, u64> = self.events.clone();
        for (&t, &c) in &self.censored {
            *exits.entry(t).or_default() += c;
        }
        let exits: Vec<(i64, u64)> = exits.into_iter().collect();
        let (mut ei, mut xi) = (0, 0);
        let (mut entered, mut left) = (0u64, 0u64);
        let mut survival = 1.0;
        let mut out = Vec::new();
        for (&t, &d) in &self.events {
            while ei < entries.len() && entries[ei].0 < t {
                entered += entries[ei].1;
                ei += 1;
            }
            while xi < exits.len() && exits[xi].0 < t {
                left += exits[xi].1;
                xi += 1;
            }
            let at_risk = entered.saturating_sub(left);
            if at_risk == 0 {
                continue;
            }
            survival *= 1.0 - (d as f64 / at_risk as f64).min(1.0);
            out.push(KmPoint {
                weeks: t as f64 * WEEKS_PER_HALF_DAY,
                survival,
                at_risk,
            });
        }
        out
    }
}

/// A sample laid out for the likelihood, once per fit: the finished stays
/// enter the density only through sums (count, sum of lengths, of their
/// logarithms and of squared deviations of the logarithms), so an evaluation
/// costs the distinct censored lengths and entries, not the stays.
struct Likelihood {
    n_events: f64,
    sum_t: f64,
    /// Sum and mean of ln t over the finished stays, and the sum of squares about that mean.
    sum_ln_t: f64,
    mean_ln_t: f64,
    ss_ln_t: f64,
    /// (t, ln t, count) of each distinct censored length, in weeks.
    censored: Vec<(f64, f64, f64)>,
    /// (a, ln a, count) of each distinct entry after 0, in weeks.
    entries: Vec<(f64, f64, f64)>,
}

impl Likelihood {
    fn new(sample: &StaySample) -> Likelihood {
        let w = WEEKS_PER_HALF_DAY;
        let (mut n, mut sum_t, mut sum_ln_t) = (0.0, 0.0, 0.0);
        for (&t, &c) in &sample.events {
            let (t, c) = (t as f64 * w, c as f64);
            n += c;
            sum_t += c * t;
            sum_ln_t += c * libm::log(t);
        }
        let mean_ln_t = if n > 0.0 { sum_ln_t / n } else { 0.0 };
        let ss_ln_t = sample
            .events
            .iter()
            .map(|(&t, &c)| {
                let d = libm::log(t as f64 * w) - mean_ln_t;
                c as f64 * d * d
            })
            .sum();
        let flat = |map: &BTreeMap<i64, u64>| -> Vec<(f64, f64, f64)> {
            map.iter()
                .filter(|(&t, _)| t > 0)
                .map(|(&t, &c)| {
                    let t = t as f64 * w;
                    (t, libm::log(t), c as f64)
                })
                .collect()
        };
        Likelihood {
            n_events: n,
            sum_t,
            sum_ln_t,
            mean_ln_t,
            ss_ln_t,
            censored: flat(&sample.censored),
            entries: flat(&sample.entries),
        }
    }

    /// The same sample with the censored lengths and the entries merged into
    /// at most `max_points` groups each (runs of neighbouring lengths, each
    /// at its count-weighted mean length): a cheap surface to find the
    /// neighbourhood of the maximum in, before the exact one polishes it.
    fn coarse(&self, max_points: usize) -> Likelihood {
        let merge = |points: &[(f64, f64, f64)]| -> Vec<(f64, f64, f64)> {
            if points.len() <= max_points {
                return points.to_vec();
            }
            let run = points.len().div_ceil(max_points.max(1));
            points
                .chunks(run)
                .map(|chunk| {
                    let count: f64 = chunk.iter().map(|p| p.2).sum();
                    let t = chunk.iter().map(|p| p.0 * p.2).sum::<f64>() / count;
                    (t, libm::log(t), count)
                })
                .collect()
        };
        Likelihood {
            censored: merge(&self.censored),
            entries: merge(&self.entries),
            ..*self
        }
    }

    /// Maximises `ll(law(p))` over two parameters: first on the coarse
    /// surface, then on the exact one from there with a small step, so the
    /// answer is the exact likelihood's maximum (to the simplex's tolerance).
    fn maximise(&self, law: &dyn Fn([f64; 2]) -> Law, start: [f64; 2]) -> [f64; 2] {
        let coarse = self.coarse(COARSE_POINTS);
        let near = maximise(&|p| coarse.log_likelihood(law(p)), start, 0.5);
        maximise(&|p| self.log_likelihood(law(p)), near, 0.05)
    }

    /// The log-likelihood: densities of the finished stays, survival of the
    /// open ones, each divided by the survival to its entry.
    fn log_likelihood(&self, law: Law) -> f64 {
        let n = self.n_events;
        let mut ll = match law {
            Law::Exp { rate } => n * libm::log(rate) - rate * self.sum_t,
            Law::Lognormal { mu, sigma } => {
                let d = self.mean_ln_t - mu;
                let squares = self.ss_ln_t + n * d * d;
                -0.5 * squares / (sigma * sigma)
                    - self.sum_ln_t
                    - n * libm::log(sigma)
                    - 0.5 * n * libm::log(2.0 * std::f64::consts::PI)
            }
            Law::Gamma { shape, scale } => {
                (shape - 1.0) * self.sum_ln_t
                    - self.sum_t / scale
                    - n * (libm::lgamma(shape) + shape * libm::log(scale))
            }
        };
        // ln S at many lengths for one law: the gamma's ln Γ(shape) and
        // ln scale once, not once a length.
        let gamma = match law {
            Law::Gamma { shape, scale } => {
                Some((shape, scale, libm::lgamma(shape), libm::log(scale)))
            }
            _ => None,
        };
        let ln_survival = |t: f64, ln_t: f64| match gamma {
            Some((shape, scale, ln_gamma_a, ln_scale)) => {
                ln_gamma_q_given(shape, ln_gamma_a, t / scale, ln_t - ln_scale)
            }
            None => law.ln_survival_at(t, ln_t),
        };
        for &(t, ln_t, c) in &self.censored {
            ll += c * ln_survival(t, ln_t);
        }
        for &(a, ln_a, c) in &self.entries {
            ll -= c * ln_survival(a, ln_a);
        }
        if ll.is_finite() {
            ll
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// One step of the Kaplan-Meier curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KmPoint {
    pub weeks: f64,
    /// Share still there after `weeks`.
    pub survival: f64,
    pub at_risk: u64,
}

/// One candidate distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DistFit {
    pub dist: StayDist,
    pub log_likelihood: f64,
    /// 2 * parameters - 2 * log-likelihood: lower is better.
    pub aic: f64,
}

/// What is known of the stays in one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StayFit {
    /// The distribution with the lowest AIC (`None` when no stay has ended).
    pub chosen: Option<StayDist>,
    pub fits: Vec<DistFit>,
    /// The Kaplan-Meier curve (thinned for display).
    pub km: Vec<KmPoint>,
    /// Largest distance between the Kaplan-Meier curve and the chosen fit.
    pub max_gap: Option<f64>,
    /// How well it fits, in words.
    pub words: String,
}

/// Nelder-Mead on two parameters, maximising `f`; bounded.
fn maximise(f: &dyn Fn([f64; 2]) -> f64, start: [f64; 2], step: f64) -> [f64; 2] {
    let mut simplex = [
        start,
        [start[0] + step, start[1]],
        [start[0], start[1] + step],
    ];
    let mut values = simplex.map(f);
    for _ in 0..MAX_ITERATIONS {
        let mut order = [0usize, 1, 2];
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let (best, mid, worst) = (order[0], order[1], order[2]);
        if (values[best] - values[worst]).abs() < 1e-9 * (1.0 + values[best].abs()) {
            break;
        }
        let centre = [
            (simplex[best][0] + simplex[mid][0]) / 2.0,
            (simplex[best][1] + simplex[mid][1]) / 2.0,
        ];
        let along = |k: f64| {
            [
                centre[0] + k * (centre[0] - simplex[worst][0]),
                centre[1] + k * (centre[1] - simplex[worst][1]),
            ]
        };
        let reflected = along(1.0);
        let fr = f(reflected);
        if fr > values[best] {
            let expanded = along(2.0);
            let fe = f(expanded);
            if fe > fr {
                simplex[worst] = expanded;
                values[worst] = fe;
            } else {
                simplex[worst] = reflected;
                values[worst] = fr;
            }
        } else if fr > values[mid] {
            simplex[worst] = reflected;
            values[worst] = fr;
        } else {
            let contracted = along(-0.5);
            let fc = f(contracted);
            if fc > values[worst] {
                simplex[worst] = contracted;
                values[worst] = fc;
            } else {
                for i in [mid, worst] {
                    simplex[i] = [
                        (simplex[i][0] + simplex[best][0]) / 2.0,
                        (simplex[i][1] + simplex[best][1]) / 2.0,
                    ];
                    values[i] = f(simplex[i]);
                }
            }
        }
    }
    let mut best = 0;
    for i in 1..3 {
        if values[i] > values[best] {
            best = i;
        }
    }
    simplex[best]
}

/// Fits the three distributions and the Kaplan-Meier curve.
pub fn fit_stays(sample: &StaySample) -> StayFit {
    let km_full = sample.kaplan_meier();
    let n_events = sample.n_events();
    if n_events == 0 {
        return StayFit {
            chosen: None,
            fits: Vec::new(),
            km: Vec::new(),
            max_gap: None,
            words: "no stay has ended yet, so its length cannot be estimated".into(),
        };
    }
    let w = WEEKS_PER_HALF_DAY;
    // Exponential: closed form (events / time at risk).
    let mut exposure = 0.0;
    for (&t, &c) in sample.events.iter().chain(&sample.censored) {
        exposure += t as f64 * w * c as f64;
    }
    for (&a, &c) in &sample.entries {
        exposure -= a as f64 * w * c as f64;
    }
    let rate = n_events as f64 / exposure.max(1e-9);
    let mut laws = vec![(Law::Exp { rate }, 1.0)];
    // Starting points from the log-lengths of every stay.
    let (mut s1, mut s2, mut n) = (0.0, 0.0, 0.0);
    for (&t, &c) in sample.events.iter().chain(&sample.censored) {
        let l = libm::log(t as f64 * w);
        s1 += l * c as f64;
        s2 += l * l * c as f64;
        n += c as f64;
    }
    let mu0 = s1 / n;
    let likelihood = Likelihood::new(sample);
    let sd0 = libm::sqrt((s2 / n - mu0 * mu0).max(0.01));
    let lognormal = |p: [f64; 2]| Law::Lognormal {
        mu: p[0],
        sigma: libm::exp(p[1]),
    };
    let p = likelihood.maximise(&lognormal, [mu0, libm::log(sd0)]);
    laws.push((
        Law::Lognormal {
            mu: p[0],
            sigma: libm::exp(p[1]),
        },
        2.0,
    ));
    let gamma = |p: [f64; 2]| Law::Gamma {
        shape: libm::exp(p[0]),
        scale: libm::exp(p[1]),
    };
    let p = likelihood.maximise(&gamma, [0.0, libm::log(1.0 / rate)]);
    laws.push((
        Law::Gamma {
            shape: libm::exp(p[0]),
            scale: libm::exp(p[1]),
        },
        2.0,
    ));
    let mut fits: Vec<DistFit> = laws
        .into_iter()
        .map(|(law, k)| {
            let ll = likelihood.log_likelihood(law);
            DistFit {
                dist: law.to_dist(),
                log_likelihood: ll,
                aic: 2.0 * k - 2.0 * ll,
            }
        })
        .filter(|fit| fit.aic.is_finite() && fit.dist.mean().is_finite() && fit.dist.mean() > 0.0)
        .collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    let chosen = fits.first().map(|fit| fit.dist);
    let max_gap = chosen.map(|dist| {
        // The curve is conditional on lasting past the earliest entry.
        let first_entry = sample.entries.keys().next().copied().unwrap_or(0) as f64 * w;
        let base = dist.ln_survival(first_entry);
        km_full
            .iter()
            .map(|p| (p.survival - libm::exp(dist.ln_survival(p.weeks) - base)).abs())
            .fold(0.0, f64::max)
    });
    let words = match (chosen, max_gap) {
        (Some(dist), Some(gap)) => {
            let how = if gap < 0.03 {
                "fits closely"
            } else if gap < 0.08 {
                "fits reasonably"
            } else {
                "fits poorly: treat the mean with care"
            };
            let article = if dist.name().starts_with('e') {
                "an"
            } else {
                "a"
            };
            format!(
                "{article} {} distribution {how} (the Kaplan-Meier curve is at most {:.0} points away)",
                dist.name(),
                gap * 100.0
            )
        }
        _ => "no distribution could be fitted".into(),
    };
    StayFit {
        chosen,
        fits,
        km: thin(&km_full),
        max_gap,
        words,
    }
}

fn thin(points: &[KmPoint]) -> Vec<KmPoint> {
    if points.len() <= MAX_KM_POINTS {
        return points.to_vec();
    }
    let step = points.len().div_ceil(MAX_KM_POINTS);
    let mut out: Vec<KmPoint> = points.iter().step_by(step).copied().collect();
    if let Some(last) = points.last() {
        if out.last() != Some(last) {
            out.push(*last);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn incomplete_gamma_matches_known_values() {
        // Q(1, x) = exp(-x); Q(2, x) = (1 + x) exp(-x).
        for x in [0.1, 1.0, 2.5, 10.0, 50.0] {
            assert!((ln_gamma_q(1.0, x) + x).abs() < 1e-9, "{x}");
            let q2 = libm::log(1.0 + x) - x;
            assert!((ln_gamma_q(2.0, x) - q2).abs() < 1e-9, "{x}");
        }
        assert!((ln_normal_upper(0.0) - libm::log(0.5)).abs() < 1e-12);
        assert!((ln_normal_upper(1.96) - libm::log(0.0249979)).abs() < 1e-4);
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // Lengths 2, 4 (censored), 6, 6 half-days; no truncation.
        let mut s = StaySample::default();
        s.add(0, 2, true);
        s.add(0, 4, false);
        s.add(0, 6, true);
        s.add(0, 6, true);
        let km = s.kaplan_meier();
        assert_eq!(km.len(), 2);
        assert!((km[0].survival - 0.75).abs() < 1e-12);
        assert_eq!(km[1].at_risk, 2);
        assert!(km[1].survival.abs() < 1e-12);
    }

    /// Draws gamma stays, truncates and censors them as a window would, and
    /// checks the fit recovers the mean where the naive mean does not.
    #[test]
    fn censored_truncated_gamma_is_recovered() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mean, sd) = (40.0, 30.0);
        let shape = (mean / sd) * (mean / sd);
        let scale = mean / shape;
        let mut s = StaySample::default();
        // Window of 104 weeks; stays start uniformly from 20 weeks before it,
        // so long stays are mostly still open when the window ends.
        let half = |w: f64| ((w * 14.0).round() as i64).max(1);
        for _ in 0..6000 {
            let start = rng.gen_range(-20.0..104.0);
            let length = crate::flows::demo::gamma_draw(&mut rng, shape) * scale;
            let end = start + length;
            if end < 0.0 {
                continue;
            }
            let entry = if start < 0.0 { half(-start) } else { 0 };
            if end > 104.0 {
                s.add(entry, half(104.0 - start), false);
            } else {
                s.add(entry, half(length), true);
            }
        }
        let fit = fit_stays(&s);
        let chosen = fit.chosen.unwrap();
        assert!(
            (chosen.mean() - mean).abs() / mean < 0.1,
            "{chosen:?} {:?}",
            fit.fits
        );
        let naive = s.naive_mean().unwrap();
        assert!((naive - mean).abs() / mean > 0.1, "naive {naive}");
        assert_eq!(chosen.name(), "gamma", "{:?}", fit.fits);
        assert!(fit.max_gap.unwrap() < 0.05, "{}", fit.words);
    }

    /// The likelihood from sums equals the plain sum over every stay.
    #[test]
    fn likelihood_from_sums_matches_the_plain_sum() {
        let mut s = StaySample::default();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..500 {
            let entry = if rng.gen_bool(0.2) {
                rng.gen_range(1..200)
            } else {
                0
            };
            let exit = entry + rng.gen_range(1..900);
            s.add(entry, exit, rng.gen_bool(0.7));
        }
        let w = WEEKS_PER_HALF_DAY;
        let likelihood = Likelihood::new(&s);
        for law in [
            Law::Exp { rate: 0.05 },
            Law::Lognormal {
                mu: 2.5,
                sigma: 0.8,
            },
            Law::Gamma {
                shape: 1.7,
                scale: 9.0,
            },
        ] {
            let mut plain = 0.0;
            for (&t, &c) in &s.events {
                plain += c as f64 * law.ln_density(t as f64 * w);
            }
            for (&t, &c) in &s.censored {
                plain += c as f64 * law.ln_survival(t as f64 * w);
            }
            for (&a, &c) in &s.entries {
                plain -= c as f64 * law.ln_survival(a as f64 * w);
            }
            let fast = likelihood.log_likelihood(law);
            assert!(
                (fast - plain).abs() < 1e-9 * plain.abs(),
                "{law:?}: {fast} vs {plain}"
            );
        }
    }

    #[test]
    fn a_sample_built_at_once_equals_one_built_stay_by_stay() {
        let stays: Vec<(i64, i64, bool)> = (0..300)
            .map(|i| {
                (
                    if i % 5 == 0 { i % 13 } else { 0 },
                    20 + (i * 37) % 101,
                    i % 3 != 0,
                )
            })
            .collect();
        let mut one_by_one = StaySample::default();
        for &(entry, exit, finished) in &stays {
            one_by_one.add(entry, exit, finished);
        }
        assert_eq!(StaySample::from_stays(&stays), one_by_one);
    }
}
