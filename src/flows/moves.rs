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
use crate::import::{parse_number, FastMap};

const MAX_LEVELS: usize = 12;
const MAX_ITERATIONS: usize = 150;
/// Training stays per state beyond this are sampled (seeded).
const MAX_TRAIN_ROWS: usize = 10_000;
/// The drivers average the model's predictions over at most this many
/// stays of a state (a seeded sample beyond it).
const MAX_DRIVER_ROWS: usize = 50_000;
/// The warm start of a fit uses about this many rows (see `fit`).
const WARM_ROWS: usize = 2_000;
/// Fitting stops when the squared gradient is below this (see `fit`).
const STOP_GRADIENT: f64 = 2.0 * L2 * 1e-6;
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
            let values = || {
                log.person_attributes
                    .iter()
                    .filter_map(move |p| p.get(column).and_then(|v| v.as_deref()))
            };
            let mut counts: FastMap<&str, usize> = FastMap::default();
            for v in values() {
                *counts.entry(v).or_default() += 1;
            }
            if counts.len() > MAX_LEVELS {
                // A number column when every value is a number.
                let (mut sum, mut n, mut all) = (0.0, 0usize, true);
                for v in values() {
                    match parse_number(v) {
                        Some(x) => {
                            sum += x;
                            n += 1;
                        }
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if all && n > 0 {
                    names.push(name.clone());
                    features.push(Feature::Number {
                        column,
                        mean: sum / n as f64,
                    });
                    continue;
                }
            }
            // The most common levels, each its own column.
            let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
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

    /// Every person's attributes as numbers, flat (`names.len()` a person),
    /// the same as `person` for each, with each value looked up once.
    fn people(&self, log: &EventLog) -> Vec<f64> {
        let width = self.features.len();
        // (column, value) -> feature index, for the level features.
        let mut level_of: FastMap<(usize, &str), usize> = FastMap::default();
        for (j, feature) in self.features.iter().enumerate() {
            if let Feature::Level { column, level } = feature {
                level_of.insert((*column, level.as_str()), j);
            }
        }
        let mut out = vec![0.0; log.person_attributes.len() * width];
        for (values, row) in log
            .person_attributes
            .iter()
            .zip(out.chunks_exact_mut(width.max(1)))
        {
            for (j, feature) in self.features.iter().enumerate() {
                if let Feature::Number { column, mean } = feature {
                    row[j] = values
                        .get(*column)
                        .and_then(|v| v.as_deref())
                        .and_then(parse_number)
                        .unwrap_or(*mean);
                }
            }
            for (column, value) in values.iter().enumerate() {
                if let Some(&j) = value.as_deref().and_then(|v| level_of.get(&(column, v))) {
                    row[j] = 1.0;
                }
            }
        }
        out
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

/// Rows of one state, flat: `dim` raw values per row (person attributes,
/// then weeks spent) and the target index of each.
#[derive(Default)]
struct Rows {
    dim: usize,
    x: Vec<f64>,
    y: Vec<usize>,
}

impl Rows {
    fn new(dim: usize) -> Rows {
        Rows {
            dim,
            ..Rows::default()
        }
    }

    fn len(&self) -> usize {
        self.y.len()
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }

    fn push(&mut self, x: &[f64], weeks: f64, y: usize) {
        self.x.extend_from_slice(x);
        self.x.push(weeks);
        self.y.push(y);
    }
}

/// Standardised design, flat with `width` = dim + 1 values per row:
/// column 0 is the intercept.
struct Design {
    width: usize,
    x: Vec<f64>,
    means: Vec<f64>,
    sds: Vec<f64>,
}

impl Design {
    fn rows(&self) -> std::slice::ChunksExact<'_, f64> {
        self.x.chunks_exact(self.width)
    }
}

fn design(rows: &Rows, means: &[f64], sds: &[f64]) -> Design {
    let width = rows.dim + 1;
    let mut x = Vec::with_capacity(rows.len() * width);
    for r in rows.x.chunks_exact(rows.dim.max(1)) {
        x.push(1.0);
        x.extend(r.iter().zip(means).zip(sds).map(|((v, m), s)| (v - m) / s));
    }
    Design {
        width,
        x,
        means: means.to_vec(),
        sds: sds.to_vec(),
    }
}

/// Softmax of the scores of `x` under the flat weights `w` (`p.len()` targets).
fn softmax_into(w: &[f64], x: &[f64], p: &mut [f64]) {
    let mut max = f64::NEG_INFINITY;
    for (pk, wk) in p.iter_mut().zip(w.chunks_exact(x.len())) {
        let s: f64 = wk.iter().zip(x).map(|(a, b)| a * b).sum();
        *pk = s;
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

/// Penalised mean log loss and (optionally) its gradient; `w` and `grad`
/// are flat, `k` rows of `d.width`.
fn objective(w: &[f64], k: usize, d: &Design, y: &[usize], grad: Option<&mut [f64]>) -> f64 {
    let width = d.width;
    let n = y.len().max(1) as f64;
    let mut p = vec![0.0; k];
    let mut loss = 0.0;
    let mut g = grad;
    if let Some(g) = g.as_deref_mut() {
        g.iter_mut().for_each(|v| *v = 0.0);
    }
    for (x, &yi) in d.rows().zip(y) {
        softmax_into(w, x, &mut p);
        loss -= libm::log(p[yi].max(1e-300));
        if let Some(g) = g.as_deref_mut() {
            for (c, gc) in g.chunks_exact_mut(width).enumerate() {
                let r = p[c] - if c == yi { 1.0 } else { 0.0 };
                for (gj, xj) in gc.iter_mut().zip(x) {
                    *gj += r * xj;
                }
            }
        }
    }
    let mut penalty = 0.0;
    for wk in w.chunks_exact(width) {
        penalty += wk.iter().skip(1).map(|v| v * v).sum::<f64>();
    }
    if let Some(g) = g {
        for (gk, wk) in g.chunks_exact_mut(width).zip(w.chunks_exact(width)) {
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

/// Accelerated gradient descent with backtracking, from zero. Stops when
/// the squared gradient is under `STOP_GRADIENT`: with the penalty's
/// curvature of at least `L2`, what is left to gain is then of the order of
/// `STOP_GRADIENT / (2 L2)` = 1e-6 nats a stay; or after `MAX_ITERATIONS`.
fn fit(d: &Design, y: &[usize], k: usize) -> Vec<f64> {
    let size = k * d.width;
    // A warm start: the fit on every `stride`-th row, then the same descent
    // on every row from there. The loss is convex, so the end point is the
    // same optimum (to the stopping rule) from any start.
    let stride = y.len() / WARM_ROWS;
    let start = if stride >= 4 {
        let rows: Vec<usize> = (0..y.len()).step_by(stride).collect();
        let sub = Design {
            width: d.width,
            x: rows
                .iter()
                .flat_map(|&i| d.x[i * d.width..(i + 1) * d.width].iter().copied())
                .collect(),
            means: Vec::new(),
            sds: Vec::new(),
        };
        let sub_y: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
        descend(&sub, &sub_y, k, vec![0.0; size])
    } else {
        vec![0.0; size]
    };
    descend(d, y, k, start)
}

fn descend(d: &Design, y: &[usize], k: usize, start: Vec<f64>) -> Vec<f64> {
    let size = k * d.width;
    let mut w = start;
    let mut prev = w.clone();
    let mut grad = vec![0.0; size];
    let mut look = vec![0.0; size];
    let mut candidate = vec![0.0; size];
    let mut step = 1.0;
    let mut momentum = 1.0f64;
    for _ in 0..MAX_ITERATIONS {
        let next_momentum = (1.0 + libm::sqrt(1.0 + 4.0 * momentum * momentum)) / 2.0;
        let beta = (momentum - 1.0) / next_momentum;
        for ((l, a), b) in look.iter_mut().zip(&w).zip(&prev) {
            *l = a + beta * (a - b);
        }
        let f_look = objective(&look, k, d, y, Some(&mut grad));
        let g2: f64 = grad.iter().map(|v| v * v).sum();
        if g2 < STOP_GRADIENT {
            break;
        }
        let mut tries = 0;
        loop {
            for ((c, a), g) in candidate.iter_mut().zip(&look).zip(&grad) {
                *c = a - step * g;
            }
            let f_new = objective(&candidate, k, d, y, None);
            if f_new <= f_look - 0.5 * step * g2 || tries >= 30 {
                break;
            }
            step *= 0.5;
            tries += 1;
        }
        std::mem::swap(&mut prev, &mut w);
        w.copy_from_slice(&candidate);
        momentum = next_momentum;
        step *= 1.5;
    }
    w
}

/// Weights on the raw scale: `[intercept, attributes..., weeks]`.
fn raw_weights(w: &[f64], d: &Design) -> Vec<Vec<f64>> {
    w.chunks_exact(d.width)
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

/// Which of `n` rows a seeded sample of at most `max` keeps, in row order
/// (all of them when `n <= max`).
fn sample_indices(n: usize, max: usize, seed: u64) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    let mut idx: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    crate::rng::shuffle(&mut idx, &mut rng);
    idx.truncate(max);
    idx.sort_unstable();
    idx
}

/// The index of an outcome among `n_states + 1` (exit last); `None` when censored.
fn outcome_code(outcome: Outcome, n_states: usize) -> Option<usize> {
    match outcome {
        Outcome::Move(s) => Some((s as usize).min(n_states)),
        Outcome::Exit => Some(n_states),
        Outcome::Censored => None,
    }
}

/// Fits and validates the move model of every state with finished stays.
pub fn move_model(log: &EventLog, classified: &[Classified], seed: u64) -> MoveModelReport {
    let encoding = Encoding::new(log);
    let n_attr = encoding.names.len();
    let people_x = encoding.people(log);
    let zeros = vec![0.0; n_attr];
    let person_row = |p: usize| people_x.get(p * n_attr..(p + 1) * n_attr).unwrap_or(&zeros);
    let held = held_out_people(log.people.len(), seed);
    let n_states = log.states.len();
    let code_name = |code: usize| {
        log.states
            .get(code)
            .cloned()
            .unwrap_or_else(|| EXIT.to_string())
    };
    // The finished stays of each state, in log order, with their outcome's code.
    let mut by_state: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_states];
    for (i, (stay, c)) in log.stays.iter().zip(classified).enumerate() {
        if let (Some(list), Some(code)) = (
            by_state.get_mut(stay.state as usize),
            outcome_code(c.outcome, n_states),
        ) {
            list.push((i, code));
        }
    }
    let dim = n_attr + 1;
    let mut states = Vec::new();
    let mut drivers = Vec::new();
    let (mut sum_table, mut sum_model, mut n_held_total) = (0.0, 0.0, 0usize);
    for (s, from) in log.states.iter().enumerate() {
        // Targets seen from this state, in the order of their names.
        let mut seen = vec![false; n_states + 1];
        for &(_, code) in &by_state[s] {
            seen[code] = true;
        }
        let mut targets: Vec<(String, usize)> = (0..=n_states)
            .filter(|&code| seen[code])
            .map(|code| (code_name(code), code))
            .collect();
        // State names are distinct and none is "exit" (`read_log` sees to it).
        targets.sort();
        if targets.is_empty() {
            continue;
        }
        let mut target_of = vec![usize::MAX; n_states + 1];
        for (t, (_, code)) in targets.iter().enumerate() {
            target_of[*code] = t;
        }
        let targets: Vec<String> = targets.into_iter().map(|(name, _)| name).collect();
        let k = targets.len();
        // The state's finished stays (log index, target) of the training
        // people, then of the held-out ones; only the rows sampled are built.
        let (mut train_stays, mut test_stays) = (Vec::new(), Vec::new());
        for &(i, code) in &by_state[s] {
            let y = target_of[code];
            if y == usize::MAX {
                continue;
            }
            let p = log.stays[i].person as usize;
            if held.get(p).copied().unwrap_or(false) {
                test_stays.push((i, y));
            } else {
                train_stays.push((i, y));
            }
        }
        if train_stays.is_empty() {
            continue;
        }
        let build = |stays: &mut dyn Iterator<Item = (usize, usize)>| {
            let mut rows = Rows::new(dim);
            for (i, y) in stays {
                let (stay, c) = (&log.stays[i], &classified[i]);
                rows.push(
                    person_row(stay.person as usize),
                    weeks(c.exit_half_days) / 2.0,
                    y,
                );
            }
            rows
        };
        let n_train = train_stays.len();
        let train_idx = sample_indices(n_train, MAX_TRAIN_ROWS, seed.wrapping_add(s as u64));
        let train = build(&mut train_idx.iter().map(|&j| train_stays[j]));
        let test = build(&mut test_stays.iter().copied());
        // The drivers are averaged over a seeded sample of every stay (train, then held out).
        let every_idx = sample_indices(
            n_train + test_stays.len(),
            MAX_DRIVER_ROWS,
            seed.wrapping_add(1_000 + s as u64),
        );
        let every = build(&mut every_idx.iter().map(|&j| {
            if j < n_train {
                train_stays[j]
            } else {
                test_stays[j - n_train]
            }
        }));
        let mut means = vec![0.0; dim];
        let mut sds = vec![0.0; dim];
        let n = train.len() as f64;
        for j in 0..dim {
            let m = train.x.iter().skip(j).step_by(dim).sum::<f64>() / n;
            let v = train
                .x
                .iter()
                .skip(j)
                .step_by(dim)
                .map(|x| (x - m) * (x - m))
                .sum::<f64>()
                / n;
            means[j] = m;
            sds[j] = if v > 1e-12 { libm::sqrt(v) } else { 1.0 };
        }
        let d_train = design(&train, &means, &sds);
        let table = table_probs(&train.y, k);
        let (w, model_loss, table_loss) = if k == 1 {
            (vec![0.0; dim + 1], Some(0.0), Some(0.0))
        } else {
            let w = fit(&d_train, &train.y, k);
            if test.y.is_empty() {
                (w, None, None)
            } else {
                let d_test = design(&test, &means, &sds);
                let mut p = vec![0.0; k];
                let mut lm = 0.0;
                for (x, &y) in d_test.rows().zip(&test.y) {
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
                from, &targets, &encoding, &w, &d_train, &every,
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
    w: &[f64],
    d: &Design,
    rows: &Rows,
) -> Vec<Driver> {
    let k = targets.len();
    let design_rows = design(rows, &d.means, &d.sds);
    let mut probs = vec![0.0; rows.len() * k];
    for (x, p) in design_rows.rows().zip(probs.chunks_exact_mut(k)) {
        softmax_into(w, x, p);
    }
    let probs: Vec<&[f64]> = probs.chunks_exact(k).collect();
    let mut out = Vec::new();
    for (j, feature) in encoding.features.iter().enumerate() {
        if !matches!(feature, Feature::Level { .. }) {
            continue;
        }
        let with: Vec<usize> = (0..rows.len()).filter(|&i| rows.row(i)[j] > 0.5).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The flat table of everyone is `person` of each, with levels, a
    /// number column and missing values.
    #[test]
    fn everyone_encoded_at_once_matches_each_person() {
        let ages: Vec<Option<String>> = (0..40)
            .map(|i| (i % 7 != 0).then(|| format!("{}", 60 + i)))
            .collect();
        let person_attributes: Vec<Vec<Option<String>>> = (0..40)
            .map(|i| {
                vec![
                    ["yes", "no", "no"].get(i % 4).map(|s| s.to_string()),
                    ages[i].clone(),
                ]
            })
            .collect();
        let log = EventLog {
            source: "t.csv".into(),
            window_start: 0,
            window_end: 100,
            tolerance_days: 1,
            states: vec!["a".into()],
            people: (0..40).map(|i| format!("p{i}")).collect(),
            attributes: vec!["alone".into(), "age".into()],
            person_attributes,
            stays: Vec::new(),
        };
        let encoding = Encoding::new(&log);
        assert_eq!(encoding.names, ["alone=no", "alone=yes", "age"]);
        let flat = encoding.people(&log);
        let each: Vec<f64> = log
            .person_attributes
            .iter()
            .flat_map(|values| encoding.person(values))
            .collect();
        assert_eq!(flat, each);
    }
}
