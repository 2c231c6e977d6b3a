//! One replication of a checked scenario: agents, places, queues and the event
//! loop. Everything it measures is returned as plain counts and time
//! integrals (`Replication`); averaging over replications is `report`'s job.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::people::CheckedMoves;
use super::queue::EventQueue;
use super::sample;
use super::scenario::{CheckedScenario, QueueRule, Target};
use super::tail;
use super::SimError;

/// Weeks in an average calendar month (365.25 / 12 days), the width of the
/// monthly occupancy figures.
pub const MONTH_WEEKS: f64 = 365.25 / 12.0 / 7.0;
/// Most months of monthly occupancy kept (100 years).
const MAX_MONTHS: usize = 1200;
/// Events one replication may handle when run alone (`replicate`).
pub const REPLICATION_EVENTS: u64 = 50_000_000;

/// Risk levels a queue can order by (low, medium, high).
const RISK_LEVELS: usize = 3;

/// What one replication measured. Totals after the warm-up unless named
/// otherwise; "whole run" counts include the warm-up so people are conserved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replication {
    /// People who arrived over the whole run.
    pub arrivals: u64,
    /// People who left the system over the whole run.
    pub exits: u64,
    /// People still inside (queued or in a place) at the end.
    pub inside_at_end: u64,
    /// People already inside at time 0 (the scenario's `initial`).
    #[serde(default)]
    pub residents: u64,
    /// Events handled.
    pub events: u64,
    pub arrivals_measured: u64,
    pub exits_measured: u64,
    /// Misallocated people found and sent on to the right pathway.
    pub reroutes: u64,
    /// Weeks between their arrival and being re-routed, summed.
    pub reroute_weeks: f64,
    /// Weeks counted (run length less warm-up).
    pub measured_weeks: f64,
    pub services: Vec<ServiceRun>,
    /// Width of a series bin in weeks.
    pub bin_weeks: f64,
    /// Arrivals in each bin.
    pub bin_arrivals: Vec<f64>,
}

/// One service's measurements in one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRun {
    /// Time integrals (person-weeks) after the warm-up.
    pub occupied: f64,
    pub queued: f64,
    pub blocked: f64,
    /// Weeks with every place taken.
    pub full: f64,
    pub admissions: u64,
    pub completions: u64,
    pub queue_joins: u64,
    /// Waits (weeks) of people who joined the queue after the warm-up,
    /// including the waits of those still queued at the end (censored: they
    /// have waited at least this long).
    pub waits: Vec<f64>,
    /// How many of `waits` were still running at the end.
    #[serde(default)]
    pub censored: u64,
    /// People in the queue when counting began (end of the warm-up) and at
    /// the end of the run.
    #[serde(default)]
    pub queue_at_start: u64,
    #[serde(default)]
    pub queue_at_end: u64,
    /// Mean occupancy in each calendar month from time 0 (`MONTH_WEEKS`).
    #[serde(default)]
    pub month_occupied: Vec<f64>,
    /// `blocked_for[j]`: people who kept a place here while waiting for service `j`.
    pub blocked_for: Vec<u64>,
    /// Mean occupancy and queue in each bin.
    pub bin_occupied: Vec<f64>,
    pub bin_queued: Vec<f64>,
}

#[derive(Clone, Copy)]
enum Event {
    Arrive(usize),
    EndStay(u32),
    Detect(u32),
    Tick,
    MonthEnds,
    WarmupEnds,
}

/// Where a person's attributes come from.
#[derive(Clone, Copy, Default)]
enum Attrs {
    #[default]
    None,
    /// Row of their group's pool.
    Pool(u32, u32),
    /// Their own, from the scenario's `initial`.
    Own(u32),
}

#[derive(Clone, Default)]
struct Agent {
    group: usize,
    risk: u8,
    /// Carried for rules by need level; no rule reads it yet.
    #[allow(dead_code)]
    need: u8,
    right: usize,
    /// Sent to the wrong pathway and not found out yet.
    wrong: bool,
    arrived: f64,
    /// The place held, if any.
    at: Option<usize>,
    /// The queue waited in, if any.
    queued: Option<usize>,
    joined: f64,
    /// When they took their current place (before time 0 for residents).
    since: f64,
    /// Weeks already spent in the service they wait for (residents only).
    elapsed: f64,
    attrs: Attrs,
    /// Bumped whenever a queue entry of this agent goes stale.
    token: u32,
}

struct Station {
    places: u64,
    rule: QueueRule,
    occupied: u64,
    queue_len: u64,
    blocked: u64,
    queue: [VecDeque<(u32, u32)>; RISK_LEVELS],
    last: f64,
    bin_occ: f64,
    bin_queue: f64,
    month_occ: f64,
    run: ServiceRun,
}

struct World<'a> {
    checked: &'a CheckedScenario,
    rng: ChaCha8Rng,
    events: EventQueue<Event>,
    agents: Vec<Agent>,
    free: Vec<u32>,
    stations: Vec<Station>,
    pending: Vec<usize>,
    measuring: bool,
    warmup: f64,
    inside: u64,
    out: Replication,
    /// Peak of each group's weekly profile (for thinning).
    peaks: Vec<f64>,
    /// Events this replication may handle.
    budget: u64,
    /// Its number, counted from 1 (for messages).
    replication: usize,
    /// Scratch for the move model's probabilities.
    scores: Vec<f64>,
}

/// Runs replication `rep_idx` of a checked scenario with `seed`. Each
/// replication has its own ChaCha stream, so replications are independent and
/// any one can be rerun alone. At most `REPLICATION_EVENTS` events.
pub fn replicate(
    checked: &CheckedScenario,
    seed: u64,
    rep_idx: u64,
) -> Result<Replication, SimError> {
    replicate_within(checked, seed, rep_idx, REPLICATION_EVENTS)
}

/// `replicate` with an event budget: a run that needs more than `max_events`
/// events stops with `SimError::Budget`.
pub fn replicate_within(
    checked: &CheckedScenario,
    seed: u64,
    rep_idx: u64,
    max_events: u64,
) -> Result<Replication, SimError> {
    let scenario = &checked.scenario;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(rep_idx);
    let n = scenario.services.len();
    let bin_weeks = bin_width(scenario.weeks);
    let n_bins = (scenario.weeks / bin_weeks).ceil().max(1.0) as usize;
    let n_months = n_months(scenario.weeks);
    let stations = scenario
        .services
        .iter()
        .map(|s| Station {
            places: u64::from(s.places),
            rule: s.queue,
            occupied: 0,
            queue_len: 0,
            blocked: 0,
            queue: Default::default(),
            last: 0.0,
            bin_occ: 0.0,
            bin_queue: 0.0,
            month_occ: 0.0,
            run: ServiceRun {
                occupied: 0.0,
                queued: 0.0,
                blocked: 0.0,
                full: 0.0,
                admissions: 0,
                completions: 0,
                queue_joins: 0,
                waits: Vec::new(),
                censored: 0,
                queue_at_start: 0,
                queue_at_end: 0,
                month_occupied: Vec::with_capacity(n_months),
                blocked_for: vec![0; n],
                bin_occupied: Vec::with_capacity(n_bins),
                bin_queued: Vec::with_capacity(n_bins),
            },
        })
        .collect();
    let peaks = scenario
        .groups
        .iter()
        .map(|g| {
            if g.profile.is_empty() {
                1.0
            } else {
                g.profile.iter().copied().fold(0.0, f64::max)
            }
        })
        .collect();
    let mut world = World {
        checked,
        rng,
        events: EventQueue::new(),
        agents: Vec::new(),
        free: Vec::new(),
        stations,
        pending: Vec::new(),
        measuring: scenario.warmup == 0.0,
        warmup: scenario.warmup,
        inside: 0,
        out: Replication {
            arrivals: 0,
            exits: 0,
            inside_at_end: 0,
            residents: 0,
            events: 0,
            arrivals_measured: 0,
            exits_measured: 0,
            reroutes: 0,
            reroute_weeks: 0.0,
            measured_weeks: scenario.weeks - scenario.warmup,
            services: Vec::new(),
            bin_weeks,
            bin_arrivals: vec![0.0; n_bins],
        },
        peaks,
        budget: max_events,
        replication: rep_idx as usize + 1,
        scores: Vec::new(),
    };
    world.run(n_bins, n_months)?;
    world.censor(scenario.weeks);
    let mut out = world.out;
    out.inside_at_end = world.inside;
    out.services = world.stations.into_iter().map(|s| s.run).collect();
    Ok(out)
}

/// Months of monthly occupancy a run of `weeks` keeps.
pub fn n_months(weeks: f64) -> usize {
    ((weeks / MONTH_WEEKS).ceil().max(1.0) as usize).min(MAX_MONTHS)
}

/// Series bins: one week, or wider so a long run keeps at most ~1040 bins.
pub fn bin_width(weeks: f64) -> f64 {
    (weeks / 1040.0).ceil().max(1.0)
}

impl World<'_> {
    fn run(&mut self, n_bins: usize, n_months: usize) -> Result<(), SimError> {
        let end = self.checked.scenario.weeks;
        let bin_weeks = self.out.bin_weeks;
        for bin in 1..=n_bins {
            let t = (bin as f64 * bin_weeks).min(end);
            self.events.schedule(t, Event::Tick)?;
        }
        for month in 1..=n_months {
            let t = (month as f64 * MONTH_WEEKS).min(end);
            self.events.schedule(t, Event::MonthEnds)?;
        }
        if self.warmup > 0.0 {
            self.events.schedule(self.warmup, Event::WarmupEnds)?;
        }
        self.place_residents()?;
        if self.measuring {
            for st in &mut self.stations {
                st.run.queue_at_start = st.queue_len;
            }
        }
        for g in 0..self.checked.rates.len() {
            self.schedule_arrival(g)?;
        }
        while let Some(time) = self.events.peek_time() {
            if time > end {
                break;
            }
            let Some((now, event)) = self.events.pop() else {
                break;
            };
            self.out.events += 1;
            if self.out.events > self.budget {
                return Err(SimError::Budget {
                    events: self.budget,
                    week: now,
                    replication: self.replication,
                });
            }
            match event {
                Event::Arrive(g) => {
                    if self.accept_arrival(g, now) {
                        self.arrive(g, now)?;
                    }
                    self.schedule_arrival(g)?;
                }
                Event::EndStay(a) => self.end_stay(a as usize, now)?,
                Event::Detect(a) => self.detect(a as usize, now)?,
                Event::Tick => self.tick(now),
                Event::MonthEnds => self.month_ends(now),
                Event::WarmupEnds => {
                    for s in 0..self.stations.len() {
                        self.touch(s, now);
                        let st = &mut self.stations[s];
                        st.run.queue_at_start = st.queue_len;
                    }
                    self.measuring = true;
                }
            }
            self.settle(now)?;
        }
        Ok(())
    }

    fn schedule_arrival(&mut self, g: usize) -> Result<(), SimError> {
        let rate = self.checked.rates[g] * self.peaks[g];
        if rate <= 0.0 {
            return Ok(());
        }
        let at = self.events.now() + sample::exponential(&mut self.rng, 1.0 / rate);
        if at <= self.checked.scenario.weeks {
            self.events.schedule(at, Event::Arrive(g))?;
        }
        Ok(())
    }

    /// Thinning for a weekly profile: keep a candidate with probability
    /// profile(week) / peak.
    fn accept_arrival(&mut self, g: usize, now: f64) -> bool {
        let profile = &self.checked.scenario.groups[g].profile;
        if profile.is_empty() {
            return true;
        }
        let week = now.floor() as usize % profile.len();
        let keep = profile.get(week).copied().unwrap_or(0.0) / self.peaks[g];
        self.rng.gen::<f64>() < keep
    }

    fn arrive(&mut self, g: usize, now: f64) -> Result<(), SimError> {
        let c = self.checked;
        let risk = sample::choose(&mut self.rng, &c.risk[g]) as u8;
        let need = sample::choose(&mut self.rng, &c.need[g]) as u8 + 1;
        let right = c.mix[g][sample::choose_pair(&mut self.rng, &c.mix[g])].1;
        let pathways = &c.pathways;
        let mut first = right;
        let mut wrong = false;
        if pathways.len() > 1 && self.rng.gen::<f64>() >= c.scenario.triage.accuracy {
            // Uniformly one of the other pathways.
            let others: Vec<usize> = pathways.iter().copied().filter(|&p| p != right).collect();
            let i = crate::rng::index(&mut self.rng, others.len());
            first = others[i];
            wrong = true;
        }
        let pool = c.scenario.groups[g].attributes.len();
        let attrs = if pool > 0 {
            Attrs::Pool(g as u32, crate::rng::index(&mut self.rng, pool) as u32)
        } else {
            Attrs::None
        };
        let agent = Agent {
            group: g,
            risk,
            need,
            right,
            wrong,
            arrived: now,
            attrs,
            ..Agent::default()
        };
        let a = self.new_agent(agent);
        self.inside += 1;
        self.out.arrivals += 1;
        if self.measuring {
            self.out.arrivals_measured += 1;
        }
        let bin = ((now / self.out.bin_weeks) as usize).min(self.out.bin_arrivals.len() - 1);
        self.out.bin_arrivals[bin] += 1.0;
        if wrong {
            let delay = c.scenario.triage.delay;
            self.events.schedule(now + delay, Event::Detect(a))?;
        }
        self.join(a as usize, first, now);
        Ok(())
    }

    /// Takes a free slot (or a new one) for `agent`.
    fn new_agent(&mut self, agent: Agent) -> u32 {
        match self.free.pop() {
            Some(a) => {
                let token = self.agents[a as usize].token.wrapping_add(1);
                self.agents[a as usize] = Agent { token, ..agent };
                a
            }
            None => {
                self.agents.push(agent);
                (self.agents.len() - 1) as u32
            }
        }
    }

    /// The people present at time 0: each takes a place in their service
    /// (in the scenario's order) or, when it is full, joins its queue; their
    /// remaining stay is drawn conditioned on the weeks already spent.
    fn place_residents(&mut self) -> Result<(), SimError> {
        let c = self.checked;
        for (i, &(s, g)) in c.residents.iter().enumerate() {
            let r = &c.scenario.initial[i];
            let attrs = if !r.attributes.is_empty() {
                Attrs::Own(i as u32)
            } else {
                let pool = c.scenario.groups[g].attributes.len();
                if pool > 0 {
                    Attrs::Pool(g as u32, crate::rng::index(&mut self.rng, pool) as u32)
                } else {
                    Attrs::None
                }
            };
            let agent = Agent {
                group: g,
                right: s,
                elapsed: r.elapsed,
                attrs,
                ..Agent::default()
            };
            let a = self.new_agent(agent) as usize;
            self.inside += 1;
            self.out.residents += 1;
            let st = &mut self.stations[s];
            if st.occupied < st.places {
                st.occupied += 1;
                self.start_stay(a, s, 0.0)?;
            } else {
                self.join(a, s, 0.0);
            }
        }
        Ok(())
    }

    /// Draws the stay of person `a` who took a place in `s` at `now` (the
    /// rest of it for someone already there) and schedules its end.
    fn start_stay(&mut self, a: usize, s: usize, now: f64) -> Result<(), SimError> {
        let dist = &self.checked.scenario.services[s].stay;
        let elapsed = std::mem::take(&mut self.agents[a].elapsed);
        self.agents[a].at = Some(s);
        self.agents[a].since = now - elapsed;
        let stay = if elapsed > 0.0 {
            tail::remaining(&mut self.rng, dist, elapsed)
        } else {
            sample::stay(&mut self.rng, dist)
        };
        self.events.schedule(now + stay, Event::EndStay(a as u32))
    }

    /// The people still queued at the end have waited at least until now:
    /// their waits count, marked as censored.
    fn censor(&mut self, end: f64) {
        let warmup = self.warmup;
        for st in &mut self.stations {
            st.run.queue_at_end = st.queue_len;
            for level in &st.queue {
                for &(a, token) in level {
                    let agent = &self.agents[a as usize];
                    if agent.token == token && agent.joined >= warmup {
                        st.run.waits.push(end - agent.joined);
                        st.run.censored += 1;
                    }
                }
            }
        }
    }

    /// Adds the time since the last change to the integrals of service `s`.
    fn touch(&mut self, s: usize, now: f64) {
        let st = &mut self.stations[s];
        let dt = now - st.last;
        if dt > 0.0 {
            let occ = st.occupied as f64;
            let queue = st.queue_len as f64;
            st.bin_occ += occ * dt;
            st.bin_queue += queue * dt;
            st.month_occ += occ * dt;
            if self.measuring {
                st.run.occupied += occ * dt;
                st.run.queued += queue * dt;
                st.run.blocked += st.blocked as f64 * dt;
                if st.occupied >= st.places {
                    st.run.full += dt;
                }
            }
        }
        st.last = now;
    }

    fn tick(&mut self, now: f64) {
        let bin_weeks = self.out.bin_weeks;
        for s in 0..self.stations.len() {
            self.touch(s, now);
            let st = &mut self.stations[s];
            let start = st.run.bin_occupied.len() as f64 * bin_weeks;
            let width = (now - start).max(f64::MIN_POSITIVE);
            st.run.bin_occupied.push(st.bin_occ / width);
            st.run.bin_queued.push(st.bin_queue / width);
            st.bin_occ = 0.0;
            st.bin_queue = 0.0;
        }
    }

    fn month_ends(&mut self, now: f64) {
        for s in 0..self.stations.len() {
            self.touch(s, now);
            let st = &mut self.stations[s];
            let start = st.run.month_occupied.len() as f64 * MONTH_WEEKS;
            let width = (now - start).max(f64::MIN_POSITIVE);
            st.run.month_occupied.push(st.month_occ / width);
            st.month_occ = 0.0;
        }
    }

    fn join(&mut self, a: usize, s: usize, now: f64) {
        self.touch(s, now);
        let agent = &mut self.agents[a];
        agent.queued = Some(s);
        agent.joined = now;
        let st = &mut self.stations[s];
        let level = match st.rule {
            QueueRule::Fifo => 0,
            QueueRule::Risk => usize::from(agent.risk).min(RISK_LEVELS - 1),
        };
        st.queue[level].push_back((a as u32, agent.token));
        st.queue_len += 1;
        if self.measuring {
            st.run.queue_joins += 1;
        }
        self.pending.push(s);
    }

    /// Fills free places from queues until nothing more can move. Admitting a
    /// blocked person frees their old place, which may admit someone else.
    fn settle(&mut self, now: f64) -> Result<(), SimError> {
        while let Some(s) = self.pending.pop() {
            while self.stations[s].occupied < self.stations[s].places {
                let Some(a) = self.next_in_queue(s) else {
                    break;
                };
                self.admit(a, s, now)?;
            }
        }
        Ok(())
    }

    fn next_in_queue(&mut self, s: usize) -> Option<usize> {
        let st = &mut self.stations[s];
        for level in (0..RISK_LEVELS).rev() {
            while let Some((a, token)) = st.queue[level].pop_front() {
                if self.agents[a as usize].token == token {
                    return Some(a as usize);
                }
            }
        }
        None
    }

    fn admit(&mut self, a: usize, s: usize, now: f64) -> Result<(), SimError> {
        self.touch(s, now);
        let measuring = self.measuring;
        let warmup = self.warmup;
        let agent = &mut self.agents[a];
        let (joined, old, wrong) = (agent.joined, agent.at, agent.wrong);
        agent.queued = None;
        agent.at = Some(s);
        agent.since = now;
        let st = &mut self.stations[s];
        st.queue_len -= 1;
        st.occupied += 1;
        if measuring {
            st.run.admissions += 1;
            if joined >= warmup {
                st.run.waits.push(now - joined);
            }
        }
        if let Some(o) = old {
            self.touch(o, now);
            let st = &mut self.stations[o];
            st.occupied -= 1;
            st.blocked -= 1;
            self.pending.push(o);
        }
        // A misallocated person stays until found out (the Detect event).
        if !wrong {
            self.start_stay(a, s, now)?;
        }
        Ok(())
    }

    fn end_stay(&mut self, a: usize, now: f64) -> Result<(), SimError> {
        let Some(s) = self.agents[a].at else {
            return Ok(());
        };
        let g = self.agents[a].group;
        if self.measuring {
            self.stations[s].run.completions += 1;
        }
        let to = self.next_move(a, g, s, now);
        match to {
            Target::Exit => {
                self.release(s, now);
                self.agents[a].at = None;
                self.leave(a);
            }
            Target::Service(j) => {
                // Keeps the place here until one is free there (blocking).
                self.touch(s, now);
                self.stations[s].blocked += 1;
                self.join(a, j, now);
                self.settle(now)?;
                if self.agents[a].queued.is_some() && self.measuring {
                    self.stations[s].run.blocked_for[j] += 1;
                }
            }
        }
        Ok(())
    }

    /// Where person `a` of group `g` goes after a stay in `s`: from the move
    /// model when it covers `s`, else from the group's or service's table.
    fn next_move(&mut self, a: usize, g: usize, s: usize, now: f64) -> Target {
        let c = self.checked;
        if let Some(model) = c
            .move_model
            .as_ref()
            .and_then(|m| m.by_service.get(s))
            .and_then(Option::as_ref)
        {
            let (targets, weights) = (&model.targets, &model.weights);
            let attributes: &[f64] = match self.agents[a].attrs {
                Attrs::None => &[],
                Attrs::Pool(g, row) => &c.scenario.groups[g as usize].attributes[row as usize],
                Attrs::Own(i) => &c.scenario.initial[i as usize].attributes,
            };
            let weeks = now - self.agents[a].since;
            CheckedMoves::probabilities(weights, attributes, weeks, &mut self.scores);
            let mut u = self.rng.gen::<f64>();
            for (k, p) in self.scores.iter().enumerate() {
                if u < *p {
                    return targets[k];
                }
                u -= p;
            }
            return targets[targets.len() - 1];
        }
        let table = &c.moves[g][s];
        table[sample::choose_pair(&mut self.rng, table)].1
    }

    fn detect(&mut self, a: usize, now: f64) -> Result<(), SimError> {
        let agent = &mut self.agents[a];
        agent.wrong = false;
        let right = agent.right;
        let arrived = agent.arrived;
        if let Some(q) = agent.queued.take() {
            // The queue entry goes stale; the count goes down now.
            agent.token = agent.token.wrapping_add(1);
            self.touch(q, now);
            self.stations[q].queue_len -= 1;
        }
        if let Some(s) = self.agents[a].at.take() {
            self.release(s, now);
        }
        if self.measuring {
            self.out.reroutes += 1;
            self.out.reroute_weeks += now - arrived;
        }
        self.join(a, right, now);
        Ok(())
    }

    fn release(&mut self, s: usize, now: f64) {
        self.touch(s, now);
        self.stations[s].occupied -= 1;
        self.pending.push(s);
    }

    fn leave(&mut self, a: usize) {
        self.inside -= 1;
        self.out.exits += 1;
        if self.measuring {
            self.out.exits_measured += 1;
        }
        let agent = &mut self.agents[a];
        agent.token = agent.token.wrapping_add(1);
        self.free.push(a as u32);
    }
}
