//! `sweep.csv`: one row per run of a sweep, as text, in the canonical order
//! (grid order, then seed), and the merge of shards.
//!
//! Columns: `run` (the run's index in the sweep's run list), one column per
//! grid key in grid order, then [`columns`]: `seed`, the metrics of
//! [`super::columns::SWEEP_METRICS`] and the run's own [`RUN_COLUMNS`]. A
//! sweep on a `classes(…)` target (all its runs have the same number of
//! classes K) has `classes` and `jsd_c1 … jsd_cK` among its metrics; shards
//! with different K do not merge.
//! Values follow the one rule of [`super::columns`] (shortest round-trip
//! numbers, `inf`, empty when not applicable), so equal rows are equal text.
//!
//! Errors are one line each, all bad input (a file that is not a sweep
//! table, or shards that do not belong together).

use super::columns::{Column, Value, sweep_metrics};
use std::collections::BTreeMap;

/// How a run of a sweep ended: what `sweep.csv` says besides its metrics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunEnd {
    /// The run's seed.
    pub seed: u64,
    /// The iteration where it diverged, if it did.
    pub diverged_at: Option<u64>,
    /// Iterations done.
    pub steps: u64,
    /// Wall time of the run.
    pub seconds: f64,
}

/// How a run column is read off a [`RunEnd`].
pub type RunFn = fn(&RunEnd) -> Value;

/// The run's own columns, after the metrics.
pub static RUN_COLUMNS: &[Column<RunFn>] = &[
    Column {
        name: "diverged",
        doc: "whether a loss or parameter went non-finite",
        value: |r| Value::Flag(r.diverged_at.is_some()),
    },
    Column {
        name: "diverged_at",
        doc: "the iteration where it did",
        value: |r| r.diverged_at.map_or(Value::Missing, Value::Count),
    },
    Column {
        name: "steps",
        doc: "iterations done",
        value: |r| Value::Count(r.steps),
    },
    Column {
        name: "seconds",
        doc: "wall time of the run",
        value: |r| Value::Num((r.seconds * 1e3).round() / 1e3),
    },
];

/// The columns after the grid keys for runs of `classes` classes: `seed`,
/// the metrics, the run's own.
pub fn columns(classes: usize) -> Vec<String> {
    let mut c = vec!["seed".to_string()];
    c.extend(sweep_metrics().names(classes));
    c.extend(RUN_COLUMNS.iter().map(|c| c.name.to_string()));
    c
}

/// K of a header: its `jsd_c1 … jsd_cK` columns.
fn classes_of(header: &[String]) -> usize {
    header
        .iter()
        .filter(|h| {
            h.strip_prefix("jsd_c")
                .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
        })
        .count()
}

/// The fields of one run after its grid values.
pub fn row_fields(record: &super::columns::Record, end: &RunEnd) -> Vec<String> {
    let mut f = vec![end.seed.to_string()];
    f.extend(record.csv_fields(sweep_metrics()));
    f.extend(RUN_COLUMNS.iter().map(|c| (c.value)(end).csv()));
    f
}

/// A sweep table: the header and the rows, each a run index and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    /// (run index, every field after `run`), sorted by run index.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// An empty table for these grid keys and runs of `classes` classes.
    pub fn new(keys: &[String], classes: usize) -> Table {
        let mut header = vec!["run".to_string()];
        header.extend(keys.iter().cloned());
        header.extend(columns(classes));
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// K, the number of classes of the table's runs (0: unconditional).
    pub fn classes(&self) -> usize {
        classes_of(&self.header)
    }

    /// The grid keys: the columns between `run` and `seed`.
    pub fn keys(&self) -> &[String] {
        let end = self
            .header
            .len()
            .saturating_sub(columns(self.classes()).len())
            .max(1);
        &self.header[1..end]
    }

    /// The position of a column among the fields after `run`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().skip(1).position(|h| h == name)
    }

    /// One field of a row parsed as a number (empty or unparsable: None).
    pub fn number(&self, row: &[String], name: &str) -> Option<f64> {
        self.col(name)
            .and_then(|i| row.get(i))
            .and_then(|v| v.parse::<f64>().ok())
    }

    /// The table as CSV text.
    pub fn to_csv(&self) -> String {
        let rows = self.rows.iter().map(|(run, fields)| {
            let mut r = vec![run.to_string()];
            r.extend(fields.iter().cloned());
            r
        });
        super::csv::to_text(std::iter::once(self.header.clone()).chain(rows))
    }

    /// Read a `sweep.csv`; `name` labels the errors.
    ///
    /// # Errors
    /// Bad input: not a sweep table (its header), a row with the wrong number
    /// of fields, a run index that is not a number or appears twice.
    pub fn parse(text: &str, name: &str) -> Result<Table, String> {
        let records = super::csv::parse(text).map_err(|e| format!("{name}: {e}"))?;
        let mut it = records.into_iter();
        let (_, header) = it
            .next()
            .ok_or_else(|| format!("{name}: empty file, no header"))?;
        let tail = columns(classes_of(&header));
        let ok = header.len() > tail.len() + 1
            && header[0] == "run"
            && header[header.len() - tail.len()..]
                .iter()
                .zip(&tail)
                .all(|(a, b)| a == b);
        if !ok {
            return Err(format!(
                "{name}: not a sweep.csv (expected the columns run, the grid keys, {})",
                tail.join(",")
            ));
        }
        let mut rows = Vec::new();
        for (line, rec) in it {
            if rec.len() != header.len() {
                return Err(format!(
                    "{name}: line {line} has {} fields, the header {}",
                    rec.len(),
                    header.len()
                ));
            }
            let run = rec[0]
                .parse::<usize>()
                .map_err(|_| format!("{name}: line {line}: run {:?} is not an index", rec[0]))?;
            rows.push((run, rec[1..].to_vec()));
        }
        let mut table = Table { header, rows };
        table.rows.sort_by_key(|r| r.0);
        if let Some(w) = table.rows.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!("{name}: run {} appears twice", w[0].0));
        }
        Ok(table)
    }
}

/// Join sweep tables (shards) into one in the canonical order.
///
/// # Errors
/// Bad input: the headers differ, or a run appears in two files (the same
/// row twice, or two different rows: shards of different sweeps).
pub fn merge(tables: &[(String, Table)]) -> Result<Table, String> {
    let Some((first_name, first)) = tables.first() else {
        return Err("--merge needs at least one CSV".into());
    };
    let mut by_run: BTreeMap<usize, (&str, &Vec<String>)> = BTreeMap::new();
    let seconds = first.col("seconds");
    for (name, t) in tables {
        if t.classes() != first.classes() {
            let runs = |k: usize| match k {
                0 => "unconditional runs".to_string(),
                k => format!("runs with {k} classes"),
            };
            return Err(format!(
                "{name} holds {} and {first_name} {}: runs with different numbers of classes do not merge",
                runs(t.classes()),
                runs(first.classes())
            ));
        }
        if t.header != first.header {
            return Err(format!(
                "{name}: its columns ({}) differ from {first_name}'s ({})",
                t.header.join(","),
                first.header.join(",")
            ));
        }
        for (run, fields) in &t.rows {
            if let Some((other, prev)) = by_run.get(run) {
                let same = prev
                    .iter()
                    .zip(fields)
                    .enumerate()
                    .all(|(i, (a, b))| Some(i) == seconds || a == b);
                let what = if same {
                    "is in both"
                } else {
                    "differs between"
                };
                return Err(format!(
                    "run {run} {what} {other} and {name}{}",
                    if same {
                        " (the same shard twice?)"
                    } else {
                        " (shards of different sweeps?)"
                    }
                ));
            }
            by_run.insert(*run, (name, fields));
        }
    }
    Ok(Table {
        header: first.header.clone(),
        rows: by_run
            .into_iter()
            .map(|(run, (_, f))| (run, f.clone()))
            .collect(),
    })
}

/// Read the CSVs named and merge them.
///
/// # Errors
/// An unreadable file or a bad table is bad input.
pub fn merge_files(paths: &[std::path::PathBuf]) -> Result<Table, String> {
    let mut tables = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p).map_err(|e| format!("cannot read {name}: {e}"))?;
        tables.push((name.clone(), Table::parse(&text, &name)?));
    }
    merge(&tables)
}

/// Run indices missing between the first and the last (shards not merged).
pub fn gaps(t: &Table) -> Vec<usize> {
    let mut out = Vec::new();
    for w in t.rows.windows(2) {
        out.extend(w[0].0 + 1..w[1].0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        table_of(0)
    }

    fn table_of(classes: usize) -> Table {
        let mut t = Table::new(&["target".into(), "k".into()], classes);
        let fields = |spec: &str, seed: &str| -> Vec<String> {
            let mut f = vec![spec.to_string(), "1".to_string(), seed.to_string()];
            f.extend((1..columns(classes).len()).map(|i| format!("{i}")));
            f
        };
        t.rows.push((0, fields("normal(0, 1)", "0")));
        t.rows.push((1, fields("say \"hi\"", "1")));
        t
    }

    #[test]
    fn round_trips_quotes_and_commas() {
        let t = table();
        let back = Table::parse(&t.to_csv(), "t").unwrap();
        assert_eq!(back, t);
        assert_eq!(back.keys(), &["target".to_string(), "k".to_string()]);
    }

    #[test]
    fn merge_rejects_duplicates_and_conflicts_and_sorts() {
        let t = table();
        let a = Table {
            rows: vec![t.rows[1].clone()],
            ..t.clone()
        };
        let b = Table {
            rows: vec![t.rows[0].clone()],
            ..t.clone()
        };
        let m = merge(&[("a".into(), a.clone()), ("b".into(), b)]).unwrap();
        assert_eq!(m, t);
        let e = merge(&[("a".into(), a.clone()), ("a2".into(), a.clone())]).unwrap_err();
        assert!(e.contains("is in both"), "{e}");
        let mut c = a.clone();
        c.rows[0].1[3] = "0.5".into();
        let e = merge(&[("a".into(), a), ("c".into(), c)]).unwrap_err();
        assert!(e.contains("differs between"), "{e}");
    }

    #[test]
    fn conditional_tables_round_trip_and_refuse_other_class_counts() {
        let three = table_of(3);
        assert!(
            three.header.contains(&"jsd_c3".to_string()),
            "{:?}",
            three.header
        );
        assert!(three.header.contains(&"classes".to_string()));
        let back = Table::parse(&three.to_csv(), "t").unwrap();
        assert_eq!((back.classes(), back.keys().len()), (3, 2));
        assert_eq!(back, three);
        for other in [table_of(2), table_of(0)] {
            let e = merge(&[("a.csv".into(), three.clone()), ("b.csv".into(), other)]).unwrap_err();
            assert!(e.contains("different numbers of classes"), "{e}");
            assert!(e.contains("runs with 3 classes"), "{e}");
        }
        assert!(
            !table_of(0)
                .header
                .iter()
                .any(|h| h.starts_with("jsd_c") || h == "classes")
        );
    }

    #[test]
    fn rejects_what_is_not_a_sweep_table() {
        assert!(Table::parse("a,b\n1,2\n", "x").is_err());
        assert!(Table::parse("", "x").is_err());
        let mut text = table().to_csv();
        text.push_str("7,short\n");
        assert!(Table::parse(&text, "x").is_err());
        assert!(Table::parse("run,k,\"open\n", "x").is_err());
    }
}
