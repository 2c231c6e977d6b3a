//! The event queue: events ordered by (time, sequence number), so events at
//! the same time come out first-in first-out and no float comparison is ever
//! made (times are compared through their bit patterns, which order like the
//! values for non-negative finite numbers). Simulated time never goes back:
//! scheduling in the past is refused.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::SimError;

struct Entry<T> {
    time: u64,
    seq: u64,
    event: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    // Reversed: `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// A future-event list with a clock.
pub struct EventQueue<T> {
    heap: BinaryHeap<Entry<T>>,
    seq: u64,
    now: f64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> EventQueue<T> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
            now: 0.0,
        }
    }

    /// The time of the last event taken out (0 at the start).
    pub fn now(&self) -> f64 {
        self.now
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time`, which must be finite and not before now.
    pub fn schedule(&mut self, time: f64, event: T) -> Result<(), SimError> {
        // `!(time >= now)` also refuses NaN.
        if !(time.is_finite() && time >= self.now) {
            return Err(SimError::Past {
                at: time,
                now: self.now,
            });
        }
        // +0.0 and -0.0 compare equal but have different bits; use +0.0.
        let time = if time == 0.0 { 0.0 } else { time };
        self.seq += 1;
        self.heap.push(Entry {
            time: time.to_bits(),
            seq: self.seq,
            event,
        });
        Ok(())
    }

    /// Takes out the earliest event and moves the clock to its time.
    pub fn pop(&mut self) -> Option<(f64, T)> {
        let entry = self.heap.pop()?;
        let time = f64::from_bits(entry.time);
        self.now = time;
        Some((time, entry.event))
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|e| f64::from_bits(e.time))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_times_come_out_first_in_first_out() {
        let mut q = EventQueue::new();
        for i in 0..10 {
            q.schedule(1.0, i).unwrap();
        }
        q.schedule(0.5, 99).unwrap();
        let order: Vec<i32> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![99, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn scheduling_in_the_past_or_at_nan_is_refused() {
        let mut q = EventQueue::new();
        q.schedule(2.0, ()).unwrap();
        q.pop();
        assert!(matches!(q.schedule(1.0, ()), Err(SimError::Past { .. })));
        assert!(q.schedule(f64::NAN, ()).is_err());
        assert!(q.schedule(f64::INFINITY, ()).is_err());
        assert!(q.schedule(2.0, ()).is_ok());
    }

    proptest! {
        #[test]
        fn time_never_goes_back_and_ties_keep_order(
            times in proptest::collection::vec(0u32..50, 1..200)
        ) {
            let mut q = EventQueue::new();
            for (i, t) in times.iter().enumerate() {
                q.schedule(f64::from(*t) / 4.0, i).unwrap();
            }
            let mut last = (-1.0, 0usize);
            while let Some((time, i)) = q.pop() {
                prop_assert!(time >= last.0);
                if time == last.0 {
                    prop_assert!(i > last.1);
                }
                last = (time, i);
            }
        }
    }
}
