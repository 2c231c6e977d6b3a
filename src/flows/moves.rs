//! The move model: per state, a multinomial logistic model of the next
//! state (or exit) on the person's attributes and the weeks they spent in
//! the state, validated on held-out people against the plain table of
//! shares (held-out log loss, both shown), with its drivers in words.
//!
//! Attributes are encoded one column per level (a number column, when every
//! value is a number and there are more than `MAX_LEVELS` of them, is one
//! standardised column). Fitting is accelerated gradient descent with
//! backtracking on the L2-penalised log loss: convex, so it converges from
//! zero, and bounded by `MAX_ITERATIONS`.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::log::EventLog;
use super::rules::{Classified, Outcome};
use super::{weeks, EXIT};
use crate::import::parse_number;

const MAX_LEVELS: usize = 12;
const MAX_ITERATIONS: usize = 150;
/// Training stays per state beyond this are sampled (seeded).
const MAX_TRAIN_ROWS: usize = 20_000;
const HELD_OUT_SHARE: f64 = 0.2;
const L2: f64 = 1e-3;
/// Drivers need this many stays on each side.
const MIN_DRIVER_STAYS: usize = 30;
const MAX_DRIVERS: usize = 12;

/// One encoded attribute column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Feature {
    Level { column: usize, level: String },
    Number { column: usize, mean: f64 },
}

/// How person attributes become numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoding {
    pub names: Vec<String>,
    pub features: Vec<Feature>,
}

impl Encoding {
    pub fn new(log: &EventLog) -> Encoding {
        let mut names = Vec::new();
        let mut features = Vec::new();
        for (column, name) in log.attributes.iter().enumerate() {
            let values: Vec<&str> = log
                .person_attributes
                .iter()
                .filter_map(|p| p.get(column).and_then(|v| v.as_deref()))
                .collect();
            let mut levels: Vec<&str> = values.clone();
            levels.sort_unstable();
            levels.dedup();
            let numbers: Vec<f64> = values.iter().filter_map(|v| parse_number(v)).collect();
            if levels.len() > MAX_LEVELS && numbers.len() == values.len() && !numbers.is_empty() {
                let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
                names.push(name.clone());
                features.push(Feature::Number { column, mean });
                continue;
            }
            // The most common levels, each its own column.
            let mut counts: Vec<(&str, usize)> = levels
                .iter()
                .map(|l| (*l, values.iter().filter(|v| *v == l).count()))
                .collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let mut kept: Vec<&str> = counts.iter().take(MAX_LEVELS).map(|c| c.0).collect();
            kept.sort_unstable();
            for level in kept {
                names.push(format!("{name}={level}"));
                features.push(Feature::Level {
                    column,
                    level: level.to_string(),
                });
            }
        }
        Encoding { names, features }
    }

    /// One person's attributes as numbers (raw scale; a missing number is the mean).
    pub fn person(&self, values: &[Option<String>]) -> Vec<f64> {
        self.features
            .iter()
            .map(|f| match f {
                Feature::Level { column, level } => {
                    let hit = values
                        .get(*column)
                        .and_then(|v| v.as_deref())
                        .is_some_and(|v| v == level);
                    if hit {
                        1.0
                    } else {
                        0.0
                    }
                }
                Feature::Number { column, mean } => values
                    .get(*column)
                    .and_then(|v| v.as_deref())
                    .and_then(parse_number)
                    .unwrap_or(*mean),
            })
            .collect()
    }
}

/// The model of moves out of one state, in the simulator's form: for each
/// target, `[intercept, one weight per attribute, weight on weeks spent]`
/// on the raw scale; the next state is drawn from the softmax of the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateModel {
    pub from: String,
    pub to: Vec<String>,
    pub weights: Vec<Vec<f64>>,
    /// Held-out stays the comparison used.
    pub held_out: usize,
    pub table_log_loss: Option<f64>,
    pub model_log_loss: Option<f64>,
    /// True when the model beat the table on held-out people (else `weights` are the table's).
    pub uses_model: bool,
}

/// A driver of moves, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub from: String,
    pub to: String,
    pub feature: String,
    /// Predicted share moving `to` among stays with the feature, and among the others.
    pub with_share: f64,
    pub without_share: f64,
    pub ratio: f64,
    pub words: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LogLoss {
    pub table: f64,
    pub model: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveModelReport {
    /// Encoded attribute names, in the order of the weights.
    pub attributes: Vec<String>,
    pub held_out_people: usize,
    /// Mean over every held-out finished stay.
    pub held_out_log_loss: LogLoss,
    pub states: Vec<StateModel>,
    pub drivers: Vec<Driver>,
    pub encoding: Encoding,
}

/// Rows of one state: person attributes (raw), weeks spent, target index.
struct Rows {
    x: Vec<Vec<f64>>,
    y: Vec<usize>,
}

/// Standardised design: column 0 is the intercept.
struct Design {
    x: Vec<Vec<f64>>,
    means: Vec<f64>,
    sds: Vec<f64>,
}

fn design(rows: &[Vec<f64>], means: &[f64], sds: &[f64]) -> Design {
    let x = rows
        .iter()
        .map(|r| {
            let mut out = Vec::with_capacity(r.len() + 1);
            out.push(1.0);
            out.extend(r.iter().zip(means).zip(sds).map(|((v, m), s)| (v - m) / s));
            out
        })
        .collect();
    Design {
        x,
        means: means.to_vec(),
        sds: sds.to_vec(),
    }
}

fn softmax_into(w: &[Vec<f64>], x: &[f64], p: &mut [f64]) {
    let mut max = f64::NEG_INFINITY;
    for (k, wk) in w.iter().enumerate() {
        let s: f64 = wk.iter().zip(x).map(|(a, b)| a * b).sum();
        p[k] = s;
        max = max.max(s);
    }
    let mut total = 0.0;
    for v in p.iter_mut() {
        *v = libm::exp(*v - max);
        total += *v;
    }
    for v in p.iter_mut() {
        *v /= total;
    }
}

/// Penalised mean log loss and (optionally) its gradient.
fn objective(w: &[Vec<f64>], d: &Design, y: &[usize], grad: Option<&mut Vec<Vec<f64>>>) -> f64 {
    let k = w.len();
    let n = d.x.len().max(1) as f64;
    let mut p = vec![0.0; k];
    let mut loss = 0.0;
    let mut g = grad;
    if let Some(g) = g.as_deref_mut() {
        for row in g.iter_mut() {
            row.iter_mut().for_each(|v| *v = 0.0);
        }
    }
    for (x, &yi) in d.x.iter().zip(y) {
        softmax_into(w, x, &mut p);
        loss -= libm::log(p[yi].max(1e-300));
        if let Some(g) = g.as_deref_mut() {
            for c in 0..k {
                let r = p[c] - if c == yi { 1.0 } else { 0.0 };
                for (gj, xj) in g[c].iter_mut().zip(x) {
                    *gj += r * xj;
                }
            }
        }
    }
    let mut penalty = 0.0;
    for wk in w {
        penalty += wk.iter().skip(1).map(|v| v * v).sum::<f64>();
    }
    if let Some(g) = g {
        for (gk, wk) in g.iter_mut().zip(w) {
            for (j, (gj, wj)) in gk.iter_mut().zip(wk).enumerate() {
                *gj /= n;
                if j > 0 {
                    *gj += L2 * wj;
                }
            }
        }
    }
    loss / n + 0.5 * L2 * penalty
}

fn fit(d: &Design, y: &[usize], k: usize) -> Vec<Vec<f64>> {
    let dim = d.x.first().map_or(1, Vec::len);
    let zero = vec![vec![0.0; dim]; k];
    let mut w = zero.clone();
    let mut prev = zero.clone();
    let mut grad = zero;
    let mut step = 1.0;
    let mut momentum = 1.0f64;
    for _ in 0..MAX_ITERATIONS {
        let next_momentum = (1.0 + libm::sqrt(1.0 + 4.0 * momentum * momentum)) / 2.0;
        let beta = (momentum - 1.0) / next_momentum;
        let look: Vec<Vec<f64>> = w
            .iter()
            .zip(&prev)
            .map(|(a, b)| a.iter().zip(b).map(|(a, b)| a + beta * (a - b)).collect())
            .collect();
        let f_look = objective(&look, d, y, Some(&mut grad));
        let g2: f64 = grad.iter().flatten().map(|v| v * v).sum();
        if g2 < 1e-12 {
            break;
        }
        let mut candidate;
        let mut tries = 0;
        loop {
            candidate = look
                .iter()
                .zip(&grad)
                .map(|(a, g)| a.iter().zip(g).map(|(a, g)| a - step * g).collect())
                .collect::<Vec<Vec<f64>>>();
            let f_new = objective(&candidate, d, y, None);
            if f_new <= f_look - 0.5 * step * g2 || tries >= 30 {
                break;
            }
            step *= 0.5;
            tries += 1;
        }
        prev = std::mem::replace(&mut w, candidate);
        momentum = next_momentum;
        step *= 1.5;
    }
    w
}

/// Weights on the raw scale: `[intercept, attributes..., weeks]`.
fn raw_weights(w: &[Vec<f64>], d: &Design) -> Vec<Vec<f64>> {
    w.iter()
        .map(|wk| {
            let mut intercept = wk[0];
            let mut out = vec![0.0];
            for (j, (m, s)) in d.means.iter().zip(&d.sds).enumerate() {
                let b = wk[j + 1] / s;
                intercept -= b * m;
                out.push(b);
            }
            out[0] = intercept;
            out
        })
        .collect()
}

fn table_probs(y: &[usize], k: usize) -> Vec<f64> {
    let mut counts = vec![0.5; k];
    for &yi in y {
        counts[yi] += 1.0;
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

/// Which people are held out (seeded).
fn held_out_people(n_people: usize, seed: u64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..n_people).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    crate::rng::shuffle(&mut order, &mut rng);
    let n_held = (n_people as f64 * HELD_OUT_SHARE).round() as usize;
    let mut out = vec![false; n_people];
    for &p in order.iter().take(n_held) {
        out[p] = true;
    }
    out
}

fn subsample(rows: Rows, seed: u64) -> Rows {
    if rows.y.len() <= MAX_TRAIN_ROWS {
        return rows;
    }
    let mut idx: Vec<usize> = (0..rows.y.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    crate::rng::shuffle(&mut idx, &mut rng);
    idx.truncate(MAX_TRAIN_ROWS);
    idx.sort_unstable();
    Rows {
        x: idx.iter().map(|&i| rows.x[i].clone()).collect(),
        y: idx.iter().map(|&i| rows.y[i]).collect(),
    }
}

fn target_name(log: &EventLog, outcome: Outcome) -> Option<String> {
    match outcome {
        Outcome::Move(s) => log.states.get(s as usize).cloned(),
        Outcome::Exit => Some(EXIT.to_string()),
        Outcome::Censored => None,
    }
}

/// Fits and validates the move model of every state with finished stays.
pub fn move_model(log: &EventLog, classified: &[Classified], seed: u64) -> MoveModelReport {
    let encoding = Encoding::new(log);
    let people_x: Vec<Vec<f64>> = log
        .person_attributes
        .iter()
        .map(|values| encoding.person(values))
        .collect();
    let held = held_out_people(log.people.len(), seed);
    let n_attr = encoding.names.len();
    let mut states = Vec::new();
    let mut drivers = Vec::new();
    let (mut sum_table, mut sum_model, mut n_held_total) = (0.0, 0.0, 0usize);
    for (s, from) in log.states.iter().enumerate() {
        // Targets seen from this state, in a fixed order.
        let mut targets: Vec<String> = log
            .stays
            .iter()
            .zip(classified)
            .filter(|(stay, _)| stay.state as usize == s)
            .filter_map(|(_, c)| target_name(log, c.outcome))
            .collect();
        targets.sort();
        targets.dedup();
        if targets.is_empty() {
            continue;
        }
        let k = targets.len();
        let mut train = Rows {
            x: Vec::new(),
            y: Vec::new(),
        };
        let mut test = Rows {
            x: Vec::new(),
            y: Vec::new(),
        };
        for (stay, c) in log.stays.iter().zip(classified) {
            if stay.state as usize != s {
                continue;
            }
            let Some(name) = target_name(log, c.outcome) else {
                continue;
            };
            let Some(y) = targets.iter().position(|t| *t == name) else {
                continue;
            };
            let mut x = people_x[stay.person as usize].clone();
            x.push(weeks(c.exit_half_days) / 2.0);
            let rows = if held[stay.person as usize] {
                &mut test
            } else {
                &mut train
            };
            rows.x.push(x);
            rows.y.push(y);
        }
        if train.y.is_empty() {
            continue;
        }
        let all_x: Vec<Vec<f64>> = train.x.iter().chain(&test.x).cloned().collect();
        let train = subsample(train, seed.wrapping_add(s as u64));
        let dim = n_attr + 1;
        let mut means = vec![0.0; dim];
        let mut sds = vec![0.0; dim];
        for j in 0..dim {
            let n = train.x.len() as f64;
            let m = train.x.iter().map(|r| r[j]).sum::<f64>() / n;
            let v = train.x.iter().map(|r| (r[j] - m) * (r[j] - m)).sum::<f64>() / n;
            means[j] = m;
            sds[j] = if v > 1e-12 { libm::sqrt(v) } else { 1.0 };
        }
        let d_train = design(&train.x, &means, &sds);
        let table = table_probs(&train.y, k);
        let (w, model_loss, table_loss) = if k == 1 {
            (vec![vec![0.0; dim + 1]], Some(0.0), Some(0.0))
        } else {
            let w = fit(&d_train, &train.y, k);
            if test.y.is_empty() {
                (w, None, None)
            } else {
                let d_test = design(&test.x, &means, &sds);
                let mut p = vec![0.0; k];
                let mut lm = 0.0;
                for (x, &y) in d_test.x.iter().zip(&test.y) {
                    softmax_into(&w, x, &mut p);
                    lm -= libm::log(p[y].max(1e-300));
                }
                let lt: f64 = test.y.iter().map(|&y| -libm::log(table[y])).sum();
                let n = test.y.len() as f64;
                sum_model += lm;
                sum_table += lt;
                n_held_total += test.y.len();
                (w, Some(lm / n), Some(lt / n))
            }
        };
        let uses_model = matches!((model_loss, table_loss), (Some(m), Some(t)) if m < t);
        let weights = if uses_model || k == 1 {
            raw_weights(&w, &d_train)
        } else {
            table
                .iter()
                .map(|p| {
                    let mut row = vec![0.0; dim + 1];
                    row[0] = libm::log(*p);
                    row
                })
                .collect()
        };
        if k > 1 {
            drivers.extend(state_drivers(
                from, &targets, &encoding, &w, &d_train, &all_x,
            ));
        }
        states.push(StateModel {
            from: from.clone(),
            to: targets,
            weights,
            held_out: test.y.len(),
            table_log_loss: table_loss,
            model_log_loss: model_loss,
            uses_model,
        });
    }
    drivers
        .sort_by(|a, b| libm::fabs(libm::log(b.ratio)).total_cmp(&libm::fabs(libm::log(a.ratio))));
    drivers.truncate(MAX_DRIVERS);
    let n = n_held_total.max(1) as f64;
    MoveModelReport {
        attributes: encoding.names.clone(),
        held_out_people: held.iter().filter(|h| **h).count(),
        held_out_log_loss: LogLoss {
            table: sum_table / n,
            model: sum_model / n,
        },
        states,
        drivers,
        encoding,
    }
}

fn times(ratio: f64) -> String {
    if ratio >= 1.0 {
        format!("{ratio:.1} times as often")
    } else {
        format!("{:.1} times less often", 1.0 / ratio)
    }
}

/// For each level feature: the model's mean predicted share of each target
/// among stays with the level against stays without it.
fn state_drivers(
    from: &str,
    targets: &[String],
    encoding: &Encoding,
    w: &[Vec<f64>],
    d: &Design,
    rows: &[Vec<f64>],
) -> Vec<Driver> {
    let k = targets.len();
    let design_rows = design(rows, &d.means, &d.sds);
    let mut p = vec![0.0; k];
    let probs: Vec<Vec<f64>> = design_rows
        .x
        .iter()
        .map(|x| {
            softmax_into(w, x, &mut p);
            p.clone()
        })
        .collect();
    let mut out = Vec::new();
    for (j, feature) in encoding.features.iter().enumerate() {
        if !matches!(feature, Feature::Level { .. }) {
            continue;
        }
        let with: Vec<usize> = (0..rows.len()).filter(|&i| rows[i][j] > 0.5).collect();
        let n_with = with.len();
        let n_without = rows.len() - n_with;
        if n_with < MIN_DRIVER_STAYS || n_without < MIN_DRIVER_STAYS {
            continue;
        }
        for (t, to) in targets.iter().enumerate() {
            let sum_all: f64 = probs.iter().map(|p| p[t]).sum();
            let sum_with: f64 = with.iter().map(|&i| probs[i][t]).sum();
            let with_share = sum_with / n_with as f64;
            let without_share = (sum_all - sum_with) / n_without as f64;
            if with_share.max(without_share) < 0.02 || without_share <= 0.0 || with_share <= 0.0 {
                continue;
            }
            let ratio = with_share / without_share;
            if !(1.5..).contains(&ratio) && ratio > 1.0 / 1.5 {
                continue;
            }
            let name = &encoding.names[j];
            let who = name.replacen('=', " ", 1);
            let move_words = if to == EXIT {
                "an exit".to_string()
            } else {
                format!("a move to {to}")
            };
            out.push(Driver {
                from: from.to_string(),
                to: to.clone(),
                feature: name.clone(),
                with_share,
                without_share,
                ratio,
                words: format!(
                    "a stay in {from} is followed by {move_words} {} for people with {who} ({:.0}% against {:.0}%)",
                    times(ratio),
                    with_share * 100.0,
                    without_share * 100.0
                ),
            });
        }
    }
    out
}
