//! The curves over steps: a bounded record of [`Record`]s (every metric,
//! the losses averaged since the point before) that halves its resolution
//! when full, so a long run keeps its whole shape in constant memory.

use crate::report::Record;

/// One point of the curves over steps.
pub type HistoryPoint = Record;

/// The recorded points, oldest first.
#[derive(Debug, Clone)]
pub struct History {
    points: Vec<HistoryPoint>,
    capacity: usize,
    /// Keep one point in `stride` (doubles each time the record is halved).
    stride: u64,
    seen: u64,
}

impl Default for History {
    fn default() -> Self {
        History::with_capacity(4096)
    }
}

impl History {
    pub fn with_capacity(capacity: usize) -> Self {
        History {
            points: Vec::with_capacity(capacity),
            capacity: capacity.max(2),
            stride: 1,
            seen: 0,
        }
    }

    pub fn push(&mut self, p: HistoryPoint) {
        // A point from before the last one means a reset or a restore: drop the future.
        while self
            .points
            .last()
            .is_some_and(|last| last.step() > p.step())
        {
            self.points.pop();
        }
        self.seen += 1;
        if !self.seen.is_multiple_of(self.stride) {
            return;
        }
        if self.points.len() >= self.capacity {
            // Halve: keep every other point.
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride *= 2;
        }
        self.points.push(p);
    }

    pub fn clear(&mut self) {
        *self = History::with_capacity(self.capacity);
    }

    pub fn points(&self) -> &[HistoryPoint] {
        &self.points
    }

    /// (step, value) pairs of metric `i` (see [`crate::report::columns::index`]),
    /// skipping values that are not finite or do not apply.
    pub fn series(&self, i: usize) -> Vec<[f64; 2]> {
        self.points
            .iter()
            .map(|p| [p.step() as f64, p.get(i).number()])
            .filter(|p| p[1].is_finite())
            .collect()
    }

    /// [`series`](Self::series) cut to at most `2 · buckets` points for
    /// drawing: the steps from the first to the last are split into
    /// `buckets` equal ranges, each keeping its lowest and its highest value
    /// in step order. A spike survives, and a stretch where the record is
    /// sparse (the first steps of a long run) keeps every point, so the
    /// curve is drawn as one connected line at any length of run.
    pub fn envelope(&self, i: usize, buckets: usize) -> Vec<[f64; 2]> {
        let all = self.series(i);
        let buckets = buckets.max(1);
        if all.len() <= 2 * buckets {
            return all;
        }
        let (x0, x1) = (all[0][0], all[all.len() - 1][0]);
        let width = (x1 - x0) / buckets as f64;
        let bucket = |x: f64| (((x - x0) / width) as usize).min(buckets - 1);
        let mut out = Vec::with_capacity(2 * buckets);
        let mut i = 0;
        while i < all.len() {
            let b = bucket(all[i][0]);
            let (mut lo, mut hi, mut j) = (i, i, i);
            while j < all.len() && bucket(all[j][0]) == b {
                if all[j][1] < all[lo][1] {
                    lo = j;
                }
                if all[j][1] > all[hi][1] {
                    hi = j;
                }
                j += 1;
            }
            out.push(all[lo.min(hi)]);
            if lo != hi {
                out.push(all[lo.max(hi)]);
            }
            i = j;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Value;
    use crate::report::columns::{METRICS, index};

    /// A record at `step` with JSD `jsd` (the other metrics missing).
    fn point(step: u64, jsd: f64) -> Record {
        let mut r = Record(vec![Value::Missing; METRICS.len()]);
        r.0[index("step")] = Value::Count(step);
        r.0[index("jsd")] = Value::Num(jsd);
        r
    }

    #[test]
    fn envelope_keeps_the_extremes_in_order_within_its_budget() {
        let jsd = index("jsd");
        let mut h = History::with_capacity(100_000);
        for step in 0..20_000u64 {
            let spike = if step == 12_345 { 9.0 } else { 0.0 };
            h.push(point(step, (step as f64 * 0.01).sin() + spike));
        }
        let e = h.envelope(jsd, 100);
        assert!(e.len() <= 200, "{} points", e.len());
        assert!(e.windows(2).all(|w| w[0][0] < w[1][0]), "in step order");
        assert_eq!(e[0], [0.0, 0.0], "the first point");
        assert!(
            e.contains(&[12_345.0, (123.45f64).sin() + 9.0]),
            "the spike"
        );
        let lowest = h
            .series(jsd)
            .into_iter()
            .fold(f64::INFINITY, |a, p| a.min(p[1]));
        assert!(e.iter().any(|p| p[1] == lowest), "the lowest value");
        // A short record comes back whole.
        let mut short = History::with_capacity(100);
        for step in 0..50 {
            short.push(point(step, step as f64));
        }
        assert_eq!(short.envelope(jsd, 100), short.series(jsd));
    }

    #[test]
    fn stays_bounded_and_keeps_the_ends() {
        let mut h = History::with_capacity(100);
        for s in 0..10_000u64 {
            h.push(point(s, 0.0));
        }
        assert!(h.points().len() <= 100);
        assert_eq!(h.points()[0].step(), 0);
        assert!(h.points().last().unwrap().step() > 9_000);
        assert!(h.points().windows(2).all(|w| w[0].step() < w[1].step()));
    }

    #[test]
    fn going_back_drops_the_future() {
        let mut h = History::with_capacity(100);
        for s in 0..50u64 {
            h.push(point(s, 0.0));
        }
        h.push(point(10, 0.0));
        assert_eq!(h.points().last().unwrap().step(), 10);
        assert!(h.points().iter().all(|p| p.step() <= 10));
    }

    #[test]
    fn a_missing_loss_is_a_gap() {
        let mut h = History::with_capacity(100);
        h.push(point(1, 0.5));
        let loss_g = index("loss_g");
        assert!(h.series(loss_g).is_empty(), "no G step: no point, not 0");
    }
}
