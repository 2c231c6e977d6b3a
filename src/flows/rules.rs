//! The rules of `docs/flows.md`: each stay is a move, an exit or censored at
//! its end, and an arrival or carried in (or neither: entered by a move) at
//! its start. Times are measured from the stay's own start: `entry` is how
//! long the stay had lasted when the data began (left truncation), `exit`
//! how long it had lasted when it ended or the data ended.

use serde::{Deserialize, Serialize};

use super::log::EventLog;

/// How a stay ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Followed within the tolerance by the same person's stay in this state.
    Move(u32),
    /// Ended with no next stay within the tolerance.
    Exit,
    /// Still open at the end of the data: no move is known.
    Censored,
}

/// One stay under the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classified {
    pub outcome: Outcome,
    /// Started inside the window with no previous stay within the tolerance.
    pub arrival: bool,
    /// Started before the window: counts for occupancy and (left-truncated)
    /// for lengths of stay, never as an arrival.
    pub carried_in: bool,
    /// Half-days the stay had lasted when the window opened (0 unless carried in).
    pub entry_half_days: i64,
    /// Half-days from its start to its end (or to the end of the data);
    /// a stay ending on the day it starts counts as half a day.
    pub exit_half_days: i64,
}

/// Classifies every stay of the log (same order as `log.stays`).
pub fn classify(log: &EventLog) -> Vec<Classified> {
    let tol = log.tolerance_days;
    let n = log.stays.len();
    let mut out = Vec::with_capacity(n);
    let mut entered_by_move = false;
    for i in 0..n {
        let stay = log.stays[i];
        let next = log.stays.get(i + 1).filter(|s| s.person == stay.person);
        let outcome = match stay.end {
            None => Outcome::Censored,
            Some(end) => match next {
                Some(next) if next.start <= end + tol => Outcome::Move(next.state),
                _ => Outcome::Exit,
            },
        };
        let carried_in = stay.start < log.window_start;
        let arrival = !carried_in && !entered_by_move;
        let exit_day = stay.end.unwrap_or(log.window_end);
        let exit_half_days = (2 * (exit_day - stay.start)).max(1);
        let entry_half_days = 2 * (log.window_start - stay.start).max(0);
        out.push(Classified {
            outcome,
            arrival,
            carried_in,
            entry_half_days,
            exit_half_days,
        });
        entered_by_move = matches!(outcome, Outcome::Move(_));
        if next.is_none() {
            entered_by_move = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::log::Stay;

    fn log(stays: &[(u32, u32, i64, Option<i64>)]) -> EventLog {
        EventLog {
            source: "t.csv".into(),
            window_start: 100,
            window_end: 200,
            tolerance_days: 1,
            states: vec!["a".into(), "b".into()],
            people: vec!["p".into(), "q".into()],
            attributes: vec![],
            person_attributes: vec![vec![], vec![]],
            stays: stays
                .iter()
                .enumerate()
                .map(|(i, &(person, state, start, end))| Stay {
                    person,
                    state,
                    start,
                    end,
                    row: i as u32 + 2,
                })
                .collect(),
        }
    }

    #[test]
    fn the_documented_rules() {
        let log = log(&[
            // carried in, moves to b a day later: a move within tolerance
            (0, 0, 90, Some(110)),
            (0, 1, 111, Some(120)),
            // back to a after a gap of 10 days: the b stay is an exit, this an arrival
            (0, 0, 130, None),
            // q: arrives, exits
            (1, 1, 150, Some(150)),
        ]);
        let c = classify(&log);
        assert_eq!(c[0].outcome, Outcome::Move(1));
        assert!(c[0].carried_in && !c[0].arrival);
        assert_eq!(c[0].entry_half_days, 20);
        assert_eq!(c[0].exit_half_days, 40);
        assert_eq!(c[1].outcome, Outcome::Exit);
        assert!(!c[1].arrival && !c[1].carried_in);
        assert_eq!(c[2].outcome, Outcome::Censored);
        assert!(c[2].arrival);
        assert_eq!(c[2].exit_half_days, 140);
        assert_eq!(c[3].outcome, Outcome::Exit);
        assert!(c[3].arrival);
        assert_eq!(c[3].exit_half_days, 1, "a same-day stay is half a day");
    }
}
