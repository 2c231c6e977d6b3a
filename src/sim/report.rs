//! From replications to what people read: means with 95% intervals across
//! replications, per-week series averaged over replications, and bottlenecks
//! named in plain words.

use serde::{Deserialize, Serialize};

use super::engine::{Replication, ServiceRun};
use super::scenario::CheckedScenario;

/// Weeks in a year, for "per year" figures.
pub const WEEKS_PER_YEAR: f64 = 52.0;

/// A mean across replications with its 95% confidence interval (Student t).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    /// Zero, with no spread.
    pub fn zero() -> Estimate {
        Estimate {
            mean: 0.0,
            lo: 0.0,
            hi: 0.0,
        }
    }

    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: 0.0,
                lo: 0.0,
                hi: 0.0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate {
                mean,
                lo: mean,
                hi: mean,
            };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let half = t_975(n - 1) * (var / n as f64).sqrt();
        Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
        }
    }

    /// `of`, with the mean and both ends kept inside [`min`, `max`]: a share
    /// stays within 0 and 1, a count at or above zero, even when few
    /// replications give a wide interval.
    pub fn within(values: &[f64], min: f64, max: f64) -> Estimate {
        let e = Estimate::of(values);
        let clip = |v: f64| v.clamp(min, max);
        Estimate {
            mean: clip(e.mean),
            lo: clip(e.lo),
            hi: clip(e.hi),
        }
    }

    /// Whether `value` lies in the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.lo <= value && value <= self.hi
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match TABLE.get(df.wrapping_sub(1)) {
        Some(t) => *t,
        // Cornish-Fisher: z + (z^3 + z) / (4 df), close enough past 30.
        None => 1.959_964 + 2.372 / df as f64,
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimReport {
    pub scenario: String,
    pub weeks: f64,
    pub warmup: f64,
    pub replications: usize,
    pub seed: u64,
    /// People who arrived, summed over replications.
    pub people: u64,
    /// Events handled, summed over replications.
    pub events: u64,
    pub summary: Summary,
    pub services: Vec<ServiceSummary>,
    pub bottlenecks: Vec<Bottleneck>,
    pub series: Series,
}

/// System-wide figures after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub arrivals_per_week: Estimate,
    /// People leaving the system per week (churn).
    pub exits_per_week: Estimate,
    pub reroutes_per_year: Estimate,
    /// Weeks lost to misallocation per year (arrival to re-routing, summed).
    pub reroute_weeks_per_year: Estimate,
    /// Days people spent holding a place while waiting for the next one.
    pub blocked_days_per_year: Estimate,
    pub inside_at_end: Estimate,
}

/// One service's figures after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub name: String,
    pub places: u32,
    /// Weeks from joining the queue to getting a place.
    pub mean_wait: Estimate,
    pub p90_wait: Estimate,
    /// Share of people who had to wait at all.
    pub p_wait: Estimate,
    /// Mean share of places taken.
    pub utilisation: Estimate,
    /// Mean number of free places.
    pub spare_places: Estimate,
    /// Stays completed per week.
    pub throughput_per_week: Estimate,
    pub mean_queue: Estimate,
    pub mean_in_service: Estimate,
    /// Queue plus places taken.
    pub mean_in_system: Estimate,
    /// Share of time with every place taken.
    pub full_share: Estimate,
    /// Days a year people spend in a place here waiting for their next one.
    pub blocked_days_per_year: Estimate,
    /// People a year who had to wait for a place here.
    pub waited_per_year: Estimate,
    /// People a year who kept a place elsewhere while waiting for one here.
    pub blocked_elsewhere_per_year: Estimate,
    /// The service where most of them waited, if any did.
    pub blocked_mostly_in: Option<String>,
    /// The queue in the last third of the counted weeks is clearly longer than in the first.
    pub queue_growing: bool,
    /// People in the queue when the run ended.
    #[serde(default = "Estimate::zero")]
    pub queue_at_end: Estimate,
    /// People counted in the waits who were still waiting at the end (their
    /// wait so far is counted: the mean and the 90th percentile are then at
    /// least what is shown).
    #[serde(default = "Estimate::zero")]
    pub still_waiting: Estimate,
    /// Change of the queue per year over the counted weeks.
    #[serde(default = "Estimate::zero")]
    pub queue_growth_per_year: Estimate,
    /// Set when the queue grows without limit, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstable: Option<String>,
}

/// A service near full with a queue: named, with its figures and a sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    pub service: String,
    pub full_share: Estimate,
    pub utilisation: Estimate,
    pub mean_wait: Estimate,
    pub waited_per_year: Estimate,
    pub blocked_elsewhere_per_year: Estimate,
    pub sentence: String,
}

/// Per-bin means over replications, warm-up included and marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Width of a bin in weeks (1 unless the run is very long).
    pub bin_weeks: f64,
    /// Bins that end at or before the end of the warm-up (shade them).
    pub warmup_bins: usize,
    /// Arrivals per bin.
    pub arrivals: Vec<f64>,
    pub services: Vec<ServiceSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSeries {
    pub name: String,
    pub queue: Vec<f64>,
    pub occupancy: Vec<f64>,
    pub utilisation: Vec<f64>,
    /// Mean occupancy in each calendar month from time 0 (months of
    /// `MONTH_WEEKS` weeks, warm-up included), with its 95% interval across
    /// replications: what a back-test compares with the records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monthly_occupancy: Vec<Estimate>,
}

/// A service is a bottleneck when at least this share of its places is taken
/// on average...
const NEAR_FULL: f64 = 0.9;
/// ...and every place is taken at least this share of the time.
const FULL_HALF: f64 = 0.5;

fn mean_of(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn p90(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let k = ((values.len() as f64) * 0.9).ceil() as usize;
    let k = k.clamp(1, values.len()) - 1;
    let (_, v, _) = values.select_nth_unstable_by(k, f64::total_cmp);
    *v
}

/// Builds the report; `reps` are in replication order.
pub fn build(checked: &CheckedScenario, reps: &mut [Replication], seed: u64) -> SimReport {
    let scenario = checked.scenario();
    let p90s: Vec<Vec<f64>> = reps
        .iter_mut()
        .map(|r| r.services.iter_mut().map(|s| p90(&mut s.waits)).collect())
        .collect();
    let reps: &[Replication] = reps;
    // Every figure here is a count, a rate or a time: never below zero.
    let est = |f: &dyn Fn(&Replication) -> f64| -> Estimate {
        Estimate::within(&reps.iter().map(f).collect::<Vec<_>>(), 0.0, f64::INFINITY)
    };
    let share = |f: &dyn Fn(&Replication) -> f64| -> Estimate {
        Estimate::within(&reps.iter().map(f).collect::<Vec<_>>(), 0.0, 1.0)
    };
    let years = |r: &Replication| r.measured_weeks / WEEKS_PER_YEAR;
    let summary = Summary {
        arrivals_per_week: est(&|r| r.arrivals_measured as f64 / r.measured_weeks),
        exits_per_week: est(&|r| r.exits_measured as f64 / r.measured_weeks),
        reroutes_per_year: est(&|r| r.reroutes as f64 / years(r)),
        reroute_weeks_per_year: est(&|r| r.reroute_weeks / years(r)),
        blocked_days_per_year: est(&|r| {
            r.services.iter().map(|s| s.blocked).sum::<f64>() * 7.0 / years(r)
        }),
        inside_at_end: est(&|r| r.inside_at_end as f64),
    };
    let n_bins = reps.first().map(|r| r.bin_arrivals.len()).unwrap_or(0);
    let bin_weeks = reps.first().map(|r| r.bin_weeks).unwrap_or(1.0);
    let warmup_bins = ((scenario.warmup / bin_weeks) + 1e-9).floor() as usize;
    let n_reps = reps.len().max(1) as f64;
    let mean_series = |f: &dyn Fn(&Replication) -> &Vec<f64>| -> Vec<f64> {
        (0..n_bins)
            .map(|b| {
                reps.iter()
                    .map(|r| f(r).get(b).copied().unwrap_or(0.0))
                    .sum::<f64>()
                    / n_reps
            })
            .collect()
    };
    let mut services = Vec::new();
    let mut series_services = Vec::new();
    for (i, service) in scenario.services.iter().enumerate() {
        let places = f64::from(service.places);
        let per_week = |r: &Replication, v: f64| v / r.measured_weeks;
        fn at(r: &Replication, i: usize) -> &ServiceRun {
            &r.services[i]
        }
        let queue = mean_series(&|r| &r.services[i].bin_queued);
        let occupancy = mean_series(&|r| &r.services[i].bin_occupied);
        let utilisation = occupancy
            .iter()
            .map(|o| if places > 0.0 { o / places } else { 0.0 })
            .collect();
        let queue_growing = growing(queue.get(warmup_bins..).unwrap_or(&[]));
        // Where people blocked waiting for this service kept their place.
        let blocked_by_source: Vec<f64> = (0..scenario.services.len())
            .map(|from| {
                reps.iter()
                    .map(|r| r.services[from].blocked_for[i] as f64)
                    .sum()
            })
            .collect();
        let blocked_mostly_in = blocked_by_source
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0.0)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .map(|(from, _)| scenario.services[from].name.clone());
        services.push(ServiceSummary {
            name: service.name.clone(),
            places: service.places,
            mean_wait: est(&|r| mean_of(&at(r, i).waits)),
            p90_wait: Estimate::within(
                &p90s.iter().map(|p| p[i]).collect::<Vec<_>>(),
                0.0,
                f64::INFINITY,
            ),
            p_wait: share(&|r| {
                let w = &at(r, i).waits;
                if w.is_empty() {
                    0.0
                } else {
                    w.iter().filter(|x| **x > 0.0).count() as f64 / w.len() as f64
                }
            }),
            utilisation: share(&|r| {
                if places > 0.0 {
                    per_week(r, at(r, i).occupied) / places
                } else {
                    0.0
                }
            }),
            spare_places: Estimate::within(
                &reps
                    .iter()
                    .map(|r| places - per_week(r, at(r, i).occupied))
                    .collect::<Vec<_>>(),
                0.0,
                places,
            ),
            throughput_per_week: est(&|r| per_week(r, at(r, i).completions as f64)),
            mean_queue: est(&|r| per_week(r, at(r, i).queued)),
            mean_in_service: est(&|r| per_week(r, at(r, i).occupied)),
            mean_in_system: est(&|r| per_week(r, at(r, i).occupied + at(r, i).queued)),
            full_share: share(&|r| per_week(r, at(r, i).full)),
            blocked_days_per_year: est(&|r| at(r, i).blocked * 7.0 / years(r)),
            waited_per_year: est(&|r| {
                at(r, i).waits.iter().filter(|x| **x > 0.0).count() as f64 / years(r)
            }),
            blocked_elsewhere_per_year: est(&|r| {
                r.services
                    .iter()
                    .map(|x| x.blocked_for[i] as f64)
                    .sum::<f64>()
                    / years(r)
            }),
            blocked_mostly_in,
            queue_growing,
            queue_at_end: est(&|r| at(r, i).queue_at_end as f64),
            still_waiting: est(&|r| at(r, i).censored as f64),
            queue_growth_per_year: Estimate::of(
                &reps
                    .iter()
                    .map(|r| {
                        (at(r, i).queue_at_end as f64 - at(r, i).queue_at_start as f64) / years(r)
                    })
                    .collect::<Vec<_>>(),
            ),
            unstable: None,
        });
        let last = services.len() - 1;
        services[last].unstable = unstable(&services[last]);
        let n_months = reps
            .iter()
            .map(|r| r.services[i].month_occupied.len())
            .min()
            .unwrap_or(0);
        let monthly_occupancy = (0..n_months)
            .map(|m| {
                let values: Vec<f64> = reps
                    .iter()
                    .map(|r| r.services[i].month_occupied[m])
                    .collect();
                Estimate::within(&values, 0.0, places)
            })
            .collect();
        series_services.push(ServiceSeries {
            name: service.name.clone(),
            queue,
            occupancy,
            utilisation,
            monthly_occupancy,
        });
    }
    let bottlenecks = services.iter().filter_map(bottleneck).collect();
    SimReport {
        scenario: scenario.name.clone(),
        weeks: scenario.weeks,
        warmup: scenario.warmup,
        replications: reps.len(),
        seed,
        people: reps.iter().map(|r| r.arrivals).sum(),
        events: reps.iter().map(|r| r.events).sum(),
        summary,
        services,
        bottlenecks,
        series: Series {
            bin_weeks,
            warmup_bins,
            arrivals: mean_series(&|r| &r.bin_arrivals),
            services: series_services,
        },
    }
}

/// The last third clearly above the first third (by one person and 20%).
fn growing(queue: &[f64]) -> bool {
    let third = queue.len() / 3;
    if third == 0 {
        return false;
    }
    let first = mean_of(&queue[..third]);
    let last = mean_of(&queue[queue.len() - third..]);
    last - first > (0.2 * first).max(1.0)
}

/// A queue that grows without limit: it grew over the counted weeks in every
/// sense we can check (its interval across replications above zero, by at
/// least one person a year, its last third clearly above its first) while
/// the service was nearly always full.
fn unstable(s: &ServiceSummary) -> Option<String> {
    let growth = s.queue_growth_per_year;
    let grows = growth.lo > 0.0 && growth.mean >= 1.0 && s.queue_growing;
    if !(grows && s.full_share.mean >= NEAR_FULL) {
        return None;
    }
    Some(format!(
        "unstable: arrivals exceed what {} can take; the queue grows by about {} people a year",
        s.name,
        round_people(growth.mean)
    ))
}

/// A number of people for a sentence: two significant figures at most.
pub(crate) fn round_people(n: f64) -> String {
    if n >= 100.0 {
        let scale = 10f64.powi(n.log10().floor() as i32 - 1);
        format!("{:.0}", (n / scale).round() * scale)
    } else if n >= 10.0 || (n * 10.0).round() % 10.0 == 0.0 {
        format!("{:.0}", n.round())
    } else {
        format!("{n:.1}")
    }
}

/// Near full (utilisation at least 90%, full at least half the time) with people waiting: a queue of one
/// or more on average, a growing queue, or people blocked elsewhere for it.
fn bottleneck(s: &ServiceSummary) -> Option<Bottleneck> {
    let near_full = s.utilisation.mean >= NEAR_FULL && s.full_share.mean >= FULL_HALF;
    let waiting = s.mean_queue.mean >= 1.0
        || s.queue_growing
        || s.unstable.is_some()
        || s.blocked_elsewhere_per_year.mean >= 1.0;
    if !(near_full && waiting) {
        return None;
    }
    let full = (s.full_share.mean * 100.0).round();
    let mut sentence = format!("{} is full {full}% of the time", s.name);
    match &s.blocked_mostly_in {
        Some(from) if s.blocked_elsewhere_per_year.mean >= 0.5 => sentence.push_str(&format!(
            "; {} people a year wait in {} for a place",
            s.blocked_elsewhere_per_year.mean.round(),
            from.to_lowercase()
        )),
        _ => sentence.push_str(&format!(
            "; {} people a year wait for a place, {}{:.1} weeks on average",
            s.waited_per_year.mean.round(),
            if s.still_waiting.mean > 0.0 {
                "at least "
            } else {
                ""
            },
            s.mean_wait.mean
        )),
    }
    if s.queue_at_end.mean >= 0.5 {
        sentence.push_str(&format!(
            "; {} people are still queued at the end",
            round_people(s.queue_at_end.mean)
        ));
    }
    match &s.unstable {
        Some(words) => sentence.push_str(&format!("; {words}")),
        None if s.queue_growing => sentence.push_str(", and the queue keeps growing"),
        None => {}
    }
    sentence.push('.');
    Some(Bottleneck {
        service: s.name.clone(),
        full_share: s.full_share,
        utilisation: s.utilisation,
        mean_wait: s.mean_wait,
        waited_per_year: s.waited_per_year,
        blocked_elsewhere_per_year: s.blocked_elsewhere_per_year,
        sentence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_of_known_values() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert!((e.mean - 2.5).abs() < 1e-12);
        // sd = 1.290994, se = 0.645497, t(3) = 3.182
        assert!((e.hi - e.mean - 3.182 * 0.645_497).abs() < 1e-4);
        assert!(e.contains(2.5) && !e.contains(5.0));
        assert_eq!(Estimate::of(&[7.0]).lo, 7.0);
    }

    #[test]
    fn p90_is_the_value_below_which_nine_tenths_lie() {
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(p90(&mut v), 9.0);
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(p90(&mut v), 90.0);
        assert_eq!(p90(&mut []), 0.0);
    }

    #[test]
    fn clipped_intervals_stay_in_range() {
        let e = Estimate::within(&[0.98, 1.0, 1.0, 0.9, 1.0], 0.0, 1.0);
        assert!(e.hi <= 1.0 && e.lo >= 0.0 && e.mean <= 1.0);
        assert!(e.lo < 0.98);
        let e = Estimate::within(&[0.0, 0.0, 3.0], 0.0, f64::INFINITY);
        assert_eq!(e.lo, 0.0);
        assert_eq!(round_people(12.4), "12");
        assert_eq!(round_people(1234.0), "1200");
        assert_eq!(round_people(2.5), "2.5");
        assert_eq!(round_people(3.0), "3");
    }

    #[test]
    fn growth_needs_a_clear_rise() {
        assert!(growing(&[0.0, 0.0, 1.0, 2.0, 3.0, 4.0]));
        assert!(!growing(&[5.0, 5.0, 5.1, 5.2, 5.3, 5.4]));
        assert!(!growing(&[1.0]));
    }
}
