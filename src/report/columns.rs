//! The metric columns: every number a run reports, defined once — its name,
//! what it means, and how it is read off a snapshot and the last
//! iteration's stats — and the one rule for values that are not finite.
//!
//! `metrics.csv`, `summary.json`'s `final`, `sweep.csv`, the window's
//! curves, exact panel and history CSV all read [`METRICS`] by name; a new
//! metric is one row here.
//!
//! # Conditional runs
//!
//! [`CLASS_METRICS`] are the metrics of a run on a `classes(…)` target,
//! absent from every file of an unconditional run (so those files are as
//! they were). A row is either one value (`classes`, `jsd_marginal`) or one
//! value per class: its name holds `{k}`, which a CSV header spells out as
//! `1 ..= K` (`jsd_c{k}` → `jsd_c1, jsd_c2, jsd_c3`), and JSON writes the
//! values as one list under the row's `json` key (`jsd_by_class`). The
//! file lists below name these rows like any metric.
//!
//! # Non-finite values (every file)
//!
//! - CSV: a finite number is written in Rust's shortest round-trip form
//!   (with an exponent below 1e-5 and from 1e16 in magnitude: `1.7e-118`);
//!   `inf`, `-inf` and `nan` are written out (an infinite KL is `inf`);
//!   an empty field means *not applicable* (V for a loss whose D is not a
//!   probability, a G loss when no G step ran).
//! - JSON: a number that is not finite, and a value that does not apply,
//!   are `null`.

use std::sync::OnceLock;

use crate::gan::{Snapshot, StepStats};

/// One value of a column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A real number (possibly infinite or NaN).
    Num(f64),
    /// A count.
    Count(u64),
    /// A yes/no.
    Flag(bool),
    /// Not applicable here.
    Missing,
}

impl Value {
    /// The value as CSV text (see the [module docs](self)).
    pub fn csv(&self) -> String {
        match *self {
            // Exponent form where the plain one would spell out many zeros
            // (a p-value of 1e-100); both are the shortest round-trip text.
            Value::Num(v) if v.is_finite() && v != 0.0 && !(1e-5..1e16).contains(&v.abs()) => {
                format!("{v:e}")
            }
            Value::Num(v) if v.is_finite() => format!("{v}"),
            Value::Num(v) if v.is_nan() => "nan".into(),
            Value::Num(v) if v > 0.0 => "inf".into(),
            Value::Num(_) => "-inf".into(),
            Value::Count(n) => n.to_string(),
            Value::Flag(b) => b.to_string(),
            Value::Missing => String::new(),
        }
    }

    /// The value as a number for plots and tables: counts and flags as
    /// numbers, `Missing` as NaN.
    pub fn number(&self) -> f64 {
        match *self {
            Value::Num(v) => v,
            Value::Count(n) => n as f64,
            Value::Flag(b) => f64::from(u8::from(b)),
            Value::Missing => f64::NAN,
        }
    }

    /// `Some` finite number, else `None`.
    pub fn finite(&self) -> Option<f64> {
        Some(self.number()).filter(|v| v.is_finite())
    }

    fn from_opt(v: Option<f64>) -> Value {
        v.map_or(Value::Missing, Value::Num)
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Num(v) if v.is_finite() => s.serialize_f64(v),
            Value::Count(n) => s.serialize_u64(n),
            Value::Flag(b) => s.serialize_bool(b),
            Value::Num(_) | Value::Missing => s.serialize_none(),
        }
    }
}

/// One column: a name, what it means, and how to read its value (`F`, a
/// function of what the column is read from).
pub struct Column<F> {
    /// The header in CSV files and the key in JSON.
    pub name: &'static str,
    /// What it is (README, the window's tooltips).
    pub doc: &'static str,
    /// Its value.
    pub value: F,
}

/// How a metric is read off a [`Moment`].
pub type MetricFn = fn(&Moment<'_>) -> Value;

/// What a metric is read from: a snapshot and the stats of the iteration
/// that led to it.
pub struct Moment<'a> {
    /// The snapshot.
    pub snap: &'a Snapshot,
    /// The last iteration's stats (losses `None` when none ran).
    pub stats: &'a StepStats,
}

fn infinite_when_none(v: Option<f64>) -> Value {
    Value::Num(v.unwrap_or(f64::INFINITY))
}

/// Every metric, in one order.
pub static METRICS: &[Column<MetricFn>] = &[
    Column {
        name: "step",
        doc: "completed iterations of Algorithm 1",
        value: |m| Value::Count(m.snap.step),
    },
    Column {
        name: "loss_d",
        doc: "D's minibatch loss (penalties included)",
        value: |m| Value::from_opt(m.stats.loss_d),
    },
    Column {
        name: "loss_g",
        doc: "G's minibatch loss",
        value: |m| Value::from_opt(m.stats.loss_g),
    },
    Column {
        name: "grad_norm_d",
        doc: "‖∂L_D/∂θ_D‖ of the last D step",
        value: |m| Value::from_opt(m.stats.grad_norm_d),
    },
    Column {
        name: "grad_norm_g",
        doc: "‖∂L_G/∂θ_G‖ of the last G step",
        value: |m| Value::from_opt(m.stats.grad_norm_g),
    },
    Column {
        name: "jsd",
        doc: "JSD(p_data ‖ p_g) = ½KL(p_data‖m) + ½KL(p_g‖m), m = ½(p_data+p_g), between 0 and ln 2; exact on the grid",
        value: |m| Value::Num(m.snap.theory.jsd),
    },
    Column {
        name: "c_g",
        doc: "C(G) = max_D V(G, D) = −log 4 + 2·JSD(p_data ‖ p_g); its minimum −log 4 is reached iff p_g = p_data",
        value: |m| Value::Num(m.snap.theory.c_g),
    },
    Column {
        name: "v",
        doc: "V(G, D) = E_data[log D(x)] + E_g[log(1 − D(x))] with the current D, exact on the grid (losses whose D is a probability)",
        value: |m| Value::from_opt(m.snap.theory.v),
    },
    Column {
        name: "gap",
        doc: "C(G) − V(G, D) ≥ 0: how far D is from the optimal D*",
        value: |m| Value::from_opt(m.snap.theory.gap()),
    },
    Column {
        name: "kl_data_g",
        doc: "KL(p_data ‖ p_g); ∞ when p_data puts mass (1e-12 or more in all) where p_g has none",
        value: |m| infinite_when_none(m.snap.theory.kl_data_g),
    },
    Column {
        name: "kl_g_data",
        doc: "KL(p_g ‖ p_data); ∞ when p_g puts mass (1e-12 or more in all) where p_data has none",
        value: |m| infinite_when_none(m.snap.theory.kl_g_data),
    },
    Column {
        name: "w1",
        doc: "W1 = ∫ |F_data − F_g| dx, the earth mover's distance",
        value: |m| Value::Num(m.snap.theory.w1),
    },
    Column {
        name: "lsgan_chi2",
        doc: "χ²_Pearson(p_data + p_g ‖ 2 p_g), the divergence LSGAN minimises (not Pearson's χ²(p_data ‖ p_g))",
        value: |m| Value::Num(m.snap.theory.lsgan_chi2),
    },
    Column {
        name: "f_divergence",
        doc: "f-GAN losses: D_f(p_data ‖ p_g) = ∫ p_g f(p_data/p_g), exact on the grid (fgan_js: 2·JSD; fgan_hellinger: 2·H²); ∞ when infinite; with classes, Σ_c π_c D_f(p_data(· | c) ‖ p_g(· | c))",
        value: |m| Value::from_opt(m.snap.f_divergence),
    },
    Column {
        name: "f_bound",
        doc: "f-GAN losses: the variational bound E_data[T(x)] − E_g[f*(T(x))] ≤ D_f at the current critic T, exact on the grid (with classes, Σ_c π_c of each class's bound at T(·, c))",
        value: |m| Value::from_opt(m.snap.f_bound),
    },
    Column {
        name: "f_gap",
        doc: "f-GAN losses: D_f − bound ≥ 0, how far the critic T is from its optimum T* = f′(p_data/p_g)",
        value: |m| Value::from_opt(m.snap.f_gap()),
    },
    Column {
        name: "modes_covered",
        doc: "modes with at least 10% of their own mass under p_g within 3σ of their centre",
        value: |m| Value::Count(m.snap.theory.modes.covered as u64),
    },
    Column {
        name: "modes_total",
        doc: "the target's modes",
        value: |m| Value::Count(m.snap.theory.modes.total as u64),
    },
    Column {
        name: "high_quality",
        doc: "p_g's mass within 3σ of any mode",
        value: |m| Value::Num(m.snap.theory.modes.high_quality),
    },
    Column {
        name: "kl_modes",
        doc: "KL from G's per-mode mass to the target's mode weights",
        value: |m| Value::Num(m.snap.theory.modes.kl_modes),
    },
    Column {
        name: "d_max_dev",
        doc: "max |D(x) − ½| where p_data is at least 5% of its peak (the paper's D = ½ at the optimum; losses whose D is a probability)",
        value: |m| Value::from_opt(m.snap.d_max_dev()),
    },
    Column {
        name: "t_p",
        doc: "Welch's t-test of equal means between a fresh real and a fresh fake sample of the batch size: its p-value (blind to everything but the mean)",
        value: |m| Value::Num(m.snap.observed.t.p),
    },
    Column {
        name: "ks_p",
        doc: "Kolmogorov–Smirnov test between a fresh real and a fresh fake sample of the batch size: its p-value (exact for equal sizes)",
        value: |m| Value::Num(m.snap.observed.ks.p),
    },
    Column {
        name: "c2st_acc",
        doc: "the classifier two-sample test (Lopez-Paz & Oquab 2017): D's accuracy on held-out real and fake samples of the batch size, threshold at ½ (not for a Wasserstein or an f-GAN critic)",
        value: |m| Value::from_opt(m.snap.observed.c2st.map(|r| r.statistic)),
    },
    Column {
        name: "c2st_p",
        doc: "the classifier two-sample test's p-value: P(Binomial(n, ½) ≥ correct), n the held-out samples",
        value: |m| Value::from_opt(m.snap.observed.c2st.map(|r| r.p)),
    },
    Column {
        name: "d_acc_train",
        doc: "D's accuracy on its training data (the data set, or D's last real batch when dataset = 0) with as many fake samples, threshold at ½",
        value: |m| Value::from_opt(m.snap.observed.acc_train),
    },
    Column {
        name: "d_acc_fresh",
        doc: "D's accuracy on as many fresh samples of p_data with the same fake samples: below d_acc_train when D memorises its data",
        value: |m| Value::from_opt(m.snap.observed.acc_fresh),
    },
    Column {
        name: "jsd_empirical",
        doc: "JSD(data set ‖ p_g) with the data set smoothed by its frequency polygon (Scott's rule); dataset > 0 only",
        value: |m| {
            Value::from_opt(
                m.snap
                    .empirical
                    .as_ref()
                    .and_then(|e| e.theory.as_ref())
                    .map(|t| t.jsd),
            )
        },
    },
];

/// How a metric of conditional runs is read.
#[derive(Clone, Copy)]
pub enum ClassValue {
    /// One value for the run.
    Once(MetricFn),
    /// One value per class c (0-based here, numbered from 1 in files).
    PerClass(fn(&Moment<'_>, usize) -> Value),
}

/// A metric of conditional runs; see the [module docs](self).
pub struct ClassColumn {
    /// The CSV header; `{k}` is the class number for a per-class row.
    pub name: &'static str,
    /// The JSON key (a list for a per-class row).
    pub json: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its value(s).
    pub value: ClassValue,
}

/// Every metric of conditional runs, in one order. `classes` comes first:
/// a [`Record`] reads K from it.
pub static CLASS_METRICS: &[ClassColumn] = &[
    ClassColumn {
        name: "classes",
        json: "classes",
        doc: "K, the number of classes of a `classes(…)` target",
        value: ClassValue::Once(|m| Value::Count(m.snap.classes.len() as u64)),
    },
    ClassColumn {
        name: "jsd_marginal",
        json: "jsd_marginal",
        doc: "JSD between the marginals p_data(x) = Σ_c π_c p_data(x | c) and p_g(x) = Σ_c π_c p_g(x | c) (the same as jsd in a conditional run)",
        value: ClassValue::Once(|m| Value::Num(m.snap.theory.jsd)),
    },
    ClassColumn {
        name: "jsd_c{k}",
        json: "jsd_by_class",
        doc: "JSD(p_data(· | c) ‖ p_g(· | c)) of class c, classes numbered from 1; C(G) = −log 4 + 2 Σ_c π_c JSD_c",
        value: ClassValue::PerClass(|m, c| Value::Num(m.snap.classes[c].theory.jsd)),
    },
];

/// The columns of `metrics.csv` (and of the window's history CSV).
pub const METRICS_CSV: &[&str] = &[
    "step",
    "loss_d",
    "loss_g",
    "grad_norm_d",
    "grad_norm_g",
    "jsd",
    "c_g",
    "v",
    "gap",
    "kl_data_g",
    "kl_g_data",
    "w1",
    "modes_covered",
    "high_quality",
    "f_divergence",
    "f_bound",
    "f_gap",
    "t_p",
    "ks_p",
    "c2st_acc",
    "c2st_p",
    "d_acc_train",
    "d_acc_fresh",
    "jsd_empirical",
    "jsd_c{k}",
];

/// The keys of `summary.json`'s `final`.
pub const SUMMARY_FINAL: &[&str] = &[
    "jsd",
    "c_g",
    "v",
    "kl_data_g",
    "kl_g_data",
    "w1",
    "lsgan_chi2",
    "modes_covered",
    "modes_total",
    "high_quality",
    "kl_modes",
    "d_max_dev",
    "f_divergence",
    "f_bound",
    "loss_d",
    "loss_g",
    "t_p",
    "ks_p",
    "c2st_acc",
    "c2st_p",
    "d_acc_train",
    "d_acc_fresh",
    "jsd_empirical",
    "jsd_marginal",
    "jsd_c{k}",
];

/// The metric columns of `sweep.csv` (between the grid keys and the run's
/// own columns).
pub const SWEEP_METRICS: &[&str] = &[
    "jsd",
    "c_g",
    "v",
    "kl_data_g",
    "kl_g_data",
    "w1",
    "modes_covered",
    "modes_total",
    "high_quality",
    "classes",
    "jsd_c{k}",
];

/// The position of metric `name` in [`METRICS`].
///
/// # Panics
/// For a name that is not a metric (a programming error; a test checks
/// every list).
pub fn index(name: &str) -> usize {
    METRICS
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no metric named {name}"))
}

/// The metric named `name`.
///
/// # Panics
/// As [`index`].
pub fn metric(name: &str) -> &'static Column<MetricFn> {
    &METRICS[index(name)]
}

/// The values of every metric at one moment, in [`METRICS`] order, then
/// — for a conditional run only — those of [`CLASS_METRICS`] in their
/// order (K values for a per-class row, K being the first of them).
#[derive(Clone, Debug, PartialEq)]
pub struct Record(pub Vec<Value>);

impl Record {
    /// Reads every metric off `snap` and `stats`.
    pub fn new(snap: &Snapshot, stats: &StepStats) -> Record {
        let m = Moment { snap, stats };
        let mut v: Vec<Value> = METRICS.iter().map(|c| (c.value)(&m)).collect();
        if !snap.classes.is_empty() {
            for c in CLASS_METRICS {
                match c.value {
                    ClassValue::Once(f) => v.push(f(&m)),
                    ClassValue::PerClass(f) => {
                        v.extend((0..snap.classes.len()).map(|k| f(&m, k)));
                    }
                }
            }
        }
        Record(v)
    }

    /// K, the number of classes (0: an unconditional run).
    pub fn classes(&self) -> usize {
        match self.0.get(METRICS.len()) {
            Some(Value::Count(k)) => *k as usize,
            _ => 0,
        }
    }

    /// The values of conditional row `row` of [`CLASS_METRICS`] (one, or K;
    /// none in an unconditional run).
    pub fn class_values(&self, row: usize) -> &[Value] {
        let k = self.classes();
        if k == 0 {
            return &[];
        }
        let width = |c: &ClassColumn| match c.value {
            ClassValue::Once(_) => 1,
            ClassValue::PerClass(_) => k,
        };
        let start = METRICS.len() + CLASS_METRICS[..row].iter().map(width).sum::<usize>();
        self.0
            .get(start..start + width(&CLASS_METRICS[row]))
            .unwrap_or(&[])
    }

    /// The value of metric `i` (see [`index`]).
    pub fn get(&self, i: usize) -> Value {
        self.0.get(i).copied().unwrap_or(Value::Missing)
    }

    /// The value of the metric named `name`.
    pub fn by_name(&self, name: &str) -> Value {
        self.get(index(name))
    }

    /// The completed iterations.
    pub fn step(&self) -> u64 {
        match self.by_name("step") {
            Value::Count(n) => n,
            _ => 0,
        }
    }

    /// The fields of `columns` as CSV text (see [`Selection::names`] for
    /// the headers).
    pub fn csv_fields(&self, columns: &Selection) -> Vec<String> {
        let mut out = Vec::new();
        for e in &columns.0 {
            match *e {
                Entry::Metric(i) => out.push(self.get(i).csv()),
                Entry::Class(row) => out.extend(self.class_values(row).iter().map(Value::csv)),
            }
        }
        out
    }

    /// `columns` as a JSON object (in their order).
    pub fn json<'a>(&'a self, columns: &'a Selection) -> impl serde::Serialize + 'a {
        JsonRecord(self, columns)
    }
}

struct JsonRecord<'a>(&'a Record, &'a Selection);

impl serde::Serialize for JsonRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for e in &self.1.0 {
            match *e {
                Entry::Metric(i) => map.serialize_entry(METRICS[i].name, &self.0.get(i))?,
                Entry::Class(row) => {
                    let values = self.0.class_values(row);
                    let c = &CLASS_METRICS[row];
                    match (c.value, values) {
                        (_, []) => {}
                        (ClassValue::Once(_), [v]) => map.serialize_entry(c.json, v)?,
                        _ => map.serialize_entry(c.json, values)?,
                    }
                }
            }
        }
        map.end()
    }
}

/// One column of a file's list: a metric, or a row of [`CLASS_METRICS`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Entry {
    Metric(usize),
    Class(usize),
}

/// Some metrics by position, in a file's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection(Vec<Entry>);

impl Selection {
    /// The metrics named (in [`METRICS`] or [`CLASS_METRICS`]), in that order.
    ///
    /// # Panics
    /// For a name that is neither (a programming error; a test checks
    /// every list).
    pub fn of(names: &[&str]) -> Selection {
        Selection(
            names
                .iter()
                .map(|n| match CLASS_METRICS.iter().position(|c| c.name == *n) {
                    Some(row) => Entry::Class(row),
                    None => Entry::Metric(index(n)),
                })
                .collect(),
        )
    }

    /// The headers for a run with `classes` classes (0: unconditional, where
    /// the conditional rows have none).
    pub fn names(&self, classes: usize) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.0 {
            match *e {
                Entry::Metric(i) => out.push(METRICS[i].name.to_string()),
                Entry::Class(_) if classes == 0 => {}
                Entry::Class(row) => {
                    let c = &CLASS_METRICS[row];
                    match c.value {
                        ClassValue::Once(_) => out.push(c.name.to_string()),
                        ClassValue::PerClass(_) => {
                            out.extend((1..=classes).map(|k| c.name.replace("{k}", &k.to_string())))
                        }
                    }
                }
            }
        }
        out
    }
}

/// `metrics.csv`'s columns, resolved once.
pub fn metrics_csv() -> &'static Selection {
    static S: OnceLock<Selection> = OnceLock::new();
    S.get_or_init(|| Selection::of(METRICS_CSV))
}

/// `summary.json`'s `final`, resolved once.
pub fn summary_final() -> &'static Selection {
    static S: OnceLock<Selection> = OnceLock::new();
    S.get_or_init(|| Selection::of(SUMMARY_FINAL))
}

/// `sweep.csv`'s metric columns, resolved once.
pub fn sweep_metrics() -> &'static Selection {
    static S: OnceLock<Selection> = OnceLock::new();
    S.get_or_init(|| Selection::of(SWEEP_METRICS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_names_metrics_once() {
        for list in [METRICS_CSV, SUMMARY_FINAL, SWEEP_METRICS] {
            let s = Selection::of(list);
            let mut seen = s.names(3);
            let n = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), n, "{list:?}");
        }
        assert_eq!(CLASS_METRICS[0].name, "classes", "K comes first");
        let mut names: Vec<&str> = METRICS
            .iter()
            .map(|c| c.name)
            .chain(CLASS_METRICS.iter().map(|c| c.name))
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            METRICS.len() + CLASS_METRICS.len(),
            "a metric defined twice"
        );
    }

    #[test]
    fn the_one_non_finite_rule() {
        assert_eq!(Value::Num(0.25).csv(), "0.25");
        assert_eq!(Value::Num(1.5e-118).csv(), "1.5e-118");
        assert_eq!(Value::Num(-2e20).csv(), "-2e20");
        assert_eq!(Value::Num(0.0).csv(), "0");
        assert_eq!(Value::Num(f64::INFINITY).csv(), "inf");
        assert_eq!(Value::Num(f64::NEG_INFINITY).csv(), "-inf");
        assert_eq!(Value::Num(f64::NAN).csv(), "nan");
        assert_eq!(Value::Missing.csv(), "");
        assert_eq!(Value::Count(3).csv(), "3");
        for (v, json) in [
            (Value::Num(1.5), "1.5"),
            (Value::Num(f64::INFINITY), "null"),
            (Value::Num(f64::NAN), "null"),
            (Value::Missing, "null"),
            (Value::Count(2), "2"),
            (Value::Flag(true), "true"),
        ] {
            assert_eq!(serde_json::to_string(&v).unwrap(), json);
        }
    }
}
