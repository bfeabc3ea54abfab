//! The curves over steps: a bounded record that halves its resolution when
//! full, so a long run keeps its whole shape in constant memory.

/// One point of the curves over steps.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HistoryPoint {
    pub step: u64,
    pub jsd: f64,
    pub c_g: f64,
    pub v: f64,
    /// C(G) − V(G, D) ≥ 0: how far D is from optimal.
    pub gap: f64,
    pub w1: f64,
    pub loss_d: f64,
    pub loss_g: f64,
    /// Modes covered, for mixture targets (NaN otherwise).
    pub modes_covered: f64,
}

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
        while self.points.last().is_some_and(|last| last.step > p.step) {
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

    /// (step, value) pairs of one series, skipping non-finite values.
    pub fn series(&self, f: impl Fn(&HistoryPoint) -> f64) -> Vec<[f64; 2]> {
        self.points
            .iter()
            .map(|p| [p.step as f64, f(p)])
            .filter(|p| p[1].is_finite())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_the_ends() {
        let mut h = History::with_capacity(100);
        for s in 0..10_000u64 {
            h.push(HistoryPoint {
                step: s,
                ..Default::default()
            });
        }
        assert!(h.points().len() <= 100);
        assert_eq!(h.points()[0].step, 0);
        assert!(h.points().last().unwrap().step > 9_000);
        assert!(h.points().windows(2).all(|w| w[0].step < w[1].step));
    }

    #[test]
    fn going_back_drops_the_future() {
        let mut h = History::with_capacity(100);
        for s in 0..50u64 {
            h.push(HistoryPoint {
                step: s,
                ..Default::default()
            });
        }
        h.push(HistoryPoint {
            step: 10,
            ..Default::default()
        });
        assert_eq!(h.points().last().unwrap().step, 10);
        assert!(h.points().iter().all(|p| p.step <= 10));
    }
}
