//! Time series per state by calendar month: arrivals per week with a trend
//! line, and occupancy (the mean number of people there each day of the
//! month). A person is in a state from their start day up to the day before
//! their end day; an open stay runs to the end of the data.

use serde::{Deserialize, Serialize};

use super::log::EventLog;
use super::rules::Classified;
use super::{Day, DAYS_PER_WEEK};
use crate::ranker::Date;

/// A straight line through the monthly arrival rates (weighted by days).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// The line's value in the first and last month (arrivals per week).
    pub first: f64,
    pub last: f64,
    /// Change in arrivals per week over a year.
    pub per_year: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSeries {
    pub name: String,
    /// Arrivals per week in each month.
    pub arrivals_per_week: Vec<f64>,
    pub trend: Trend,
    /// Mean people there per day in each month.
    pub occupancy: Vec<f64>,
    /// The most people there on one day.
    pub max_occupancy: u32,
    /// Mean people there per day over the window.
    pub mean_occupancy: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthSeries {
    /// `YYYY-MM`.
    pub months: Vec<String>,
    /// Days of each month inside the window.
    pub days: Vec<u32>,
    pub states: Vec<StateSeries>,
}

/// People in each state on each day of the window: `[state][day - window_start]`.
pub fn daily_occupancy(log: &EventLog) -> Vec<Vec<u32>> {
    let n_days = log.window_days().max(0) as usize;
    let mut diff = vec![vec![0i64; n_days + 1]; log.states.len()];
    for stay in &log.stays {
        let from = (stay.start.max(log.window_start) - log.window_start) as usize;
        let to = stay
            .end
            .unwrap_or(log.window_end + 1)
            .min(log.window_end + 1)
            .max(log.window_start)
            - log.window_start;
        let to = to as usize;
        if let Some(row) = diff.get_mut(stay.state as usize) {
            if from < to && to <= n_days {
                row[from] += 1;
                row[to] -= 1;
            }
        }
    }
    diff.into_iter()
        .map(|row| {
            let mut level = 0i64;
            row.iter()
                .take(n_days)
                .map(|d| {
                    level += d;
                    level.max(0) as u32
                })
                .collect()
        })
        .collect()
}

/// The calendar months of the window: (label, first day, last day), clipped to it.
pub fn months(start: Day, end: Day) -> Vec<(String, Day, Day)> {
    let mut out = Vec::new();
    let Some(first) = Date::from_days_since_epoch(start) else {
        return out;
    };
    let (mut year, mut month) = (first.year(), first.month());
    // The window is at most 100 years: at most 1,212 months.
    for _ in 0..1300 {
        let Some(month_start) = Date::new(year, month, 1) else {
            break;
        };
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let Some(next) = Date::new(next_year, next_month, 1) else {
            break;
        };
        let lo = month_start.days_since_epoch().max(start);
        let hi = (next.days_since_epoch() - 1).min(end);
        if lo > end {
            break;
        }
        out.push((format!("{year:04}-{month:02}"), lo, hi));
        year = next_year;
        month = next_month;
    }
    out
}

fn trend(rates: &[f64], days: &[u32]) -> Trend {
    // x in years from the first month's middle.
    let mut x = Vec::with_capacity(rates.len());
    let mut at = 0.0;
    for d in days {
        x.push((at + f64::from(*d) / 2.0) / 365.25);
        at += f64::from(*d);
    }
    let w: Vec<f64> = days.iter().map(|&d| f64::from(d)).collect();
    let sw: f64 = w.iter().sum();
    if sw <= 0.0 || rates.is_empty() {
        return Trend {
            first: 0.0,
            last: 0.0,
            per_year: 0.0,
        };
    }
    let mx = x.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / sw;
    let my = rates.iter().zip(&w).map(|(y, w)| y * w).sum::<f64>() / sw;
    let sxx: f64 = x.iter().zip(&w).map(|(x, w)| w * (x - mx) * (x - mx)).sum();
    let sxy: f64 = x
        .iter()
        .zip(rates)
        .zip(&w)
        .map(|((x, y), w)| w * (x - mx) * (y - my))
        .sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let at = |xi: f64| my + slope * (xi - mx);
    Trend {
        first: at(x[0]),
        last: at(x[x.len() - 1]),
        per_year: slope,
    }
}

/// Monthly arrivals and occupancy for every state.
pub fn month_series(log: &EventLog, classified: &[Classified], daily: &[Vec<u32>]) -> MonthSeries {
    let months = months(log.window_start, log.window_end);
    let n_states = log.states.len();
    let mut arrivals = vec![vec![0u64; months.len()]; n_states];
    let month_starts: Vec<Day> = months.iter().map(|m| m.1).collect();
    for (stay, c) in log.stays.iter().zip(classified) {
        if !c.arrival {
            continue;
        }
        let m = month_starts.partition_point(|&s| s <= stay.start);
        if m > 0 {
            if let Some(cell) = arrivals
                .get_mut(stay.state as usize)
                .and_then(|row| row.get_mut(m - 1))
            {
                *cell += 1;
            }
        }
    }
    let days: Vec<u32> = months.iter().map(|m| (m.2 - m.1 + 1) as u32).collect();
    let states = (0..n_states)
        .map(|s| {
            let rates: Vec<f64> = arrivals[s]
                .iter()
                .zip(&days)
                .map(|(&n, &d)| n as f64 / (f64::from(d) / DAYS_PER_WEEK))
                .collect();
            let row = daily.get(s).map(Vec::as_slice).unwrap_or(&[]);
            let occupancy = months
                .iter()
                .map(|m| {
                    let lo = (m.1 - log.window_start) as usize;
                    let hi = ((m.2 - log.window_start) as usize + 1).min(row.len());
                    let slice = row.get(lo..hi).unwrap_or(&[]);
                    slice.iter().map(|&v| f64::from(v)).sum::<f64>() / slice.len().max(1) as f64
                })
                .collect();
            StateSeries {
                name: log.states[s].clone(),
                trend: trend(&rates, &days),
                arrivals_per_week: rates,
                occupancy,
                max_occupancy: row.iter().copied().max().unwrap_or(0),
                mean_occupancy: row.iter().map(|&v| f64::from(v)).sum::<f64>()
                    / row.len().max(1) as f64,
            }
        })
        .collect();
    MonthSeries {
        months: months.into_iter().map(|m| m.0).collect(),
        days,
        states,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_clipped_to_the_window() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap().days_since_epoch();
        let m = months(d(2020, 1, 15), d(2020, 3, 10));
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[0],
            ("2020-01".to_string(), d(2020, 1, 15), d(2020, 1, 31))
        );
        assert_eq!(m[1].2 - m[1].1 + 1, 29, "2020 is a leap year");
        assert_eq!(m[2].2, d(2020, 3, 10));
    }

    #[test]
    fn trend_of_a_line_is_the_line() {
        let days = vec![30u32; 24];
        let rates: Vec<f64> = (0..24).map(|i| 10.0 + i as f64 * 30.0 / 365.25).collect();
        let t = trend(&rates, &days);
        assert!((t.per_year - 1.0).abs() < 1e-9, "{t:?}");
        assert!((t.first - 10.0).abs() < 1e-9);
    }
}
