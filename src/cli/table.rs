//! `sweep.csv`: one row per run of a sweep, as text, in the canonical order
//! (grid order, then seed), and the merge of shards.
//!
//! Columns: `run` (the run's index in the sweep's run list), one column per
//! grid key in grid order, then [`METRICS`]. Numbers are written with Rust's
//! shortest round-trip formatting, so that equal rows are equal text; an
//! infinite KL and the V of a loss whose D is not a probability are empty.

use super::{CliError, CliResult};
use std::collections::BTreeMap;
use std::path::Path;

/// The columns after the grid keys.
pub const METRICS: &[&str] = &[
    "seed",
    "jsd",
    "c_g",
    "v",
    "kl_data_g",
    "kl_g_data",
    "w1",
    "modes_covered",
    "modes_total",
    "high_quality",
    "diverged",
    "diverged_at",
    "steps",
    "seconds",
];

/// A sweep table: the header and the rows, each a run index and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    /// (run index, every field after `run`), sorted by run index.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// An empty table for these grid keys.
    pub fn new(keys: &[String]) -> Table {
        let mut header = vec!["run".to_string()];
        header.extend(keys.iter().cloned());
        header.extend(METRICS.iter().map(|s| s.to_string()));
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// The grid keys: the columns between `run` and `seed`.
    pub fn keys(&self) -> &[String] {
        let end = self.header.len().saturating_sub(METRICS.len()).max(1);
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
        let mut out = String::new();
        push_record(&mut out, self.header.iter().map(String::as_str));
        for (run, fields) in &self.rows {
            let run = run.to_string();
            push_record(
                &mut out,
                std::iter::once(run.as_str()).chain(fields.iter().map(String::as_str)),
            );
        }
        out
    }

    /// Read a `sweep.csv`; `name` labels the errors.
    ///
    /// # Errors
    /// Bad input: not a sweep table (its header), a row with the wrong number
    /// of fields, a run index that is not a number or appears twice.
    pub fn parse(text: &str, name: &str) -> CliResult<Table> {
        let records = parse_csv(text).map_err(|e| CliError::bad_input(format!("{name}: {e}")))?;
        let mut it = records.into_iter();
        let header = it
            .next()
            .ok_or_else(|| CliError::bad_input(format!("{name}: empty file, no header")))?;
        let ok = header.len() > METRICS.len() + 1
            && header[0] == "run"
            && header[header.len() - METRICS.len()..]
                .iter()
                .zip(METRICS)
                .all(|(a, b)| a == b);
        if !ok {
            return Err(CliError::bad_input(format!(
                "{name}: not a sweep.csv (expected the columns run, the grid keys, {})",
                METRICS.join(",")
            )));
        }
        let mut rows = Vec::new();
        for (i, rec) in it.enumerate() {
            let line = i + 2;
            if rec.len() != header.len() {
                return Err(CliError::bad_input(format!(
                    "{name}: line {line} has {} fields, the header {}",
                    rec.len(),
                    header.len()
                )));
            }
            let run = rec[0].parse::<usize>().map_err(|_| {
                CliError::bad_input(format!(
                    "{name}: line {line}: run {:?} is not an index",
                    rec[0]
                ))
            })?;
            rows.push((run, rec[1..].to_vec()));
        }
        let mut table = Table { header, rows };
        table.rows.sort_by_key(|r| r.0);
        if let Some(w) = table.rows.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(CliError::bad_input(format!(
                "{name}: run {} appears twice",
                w[0].0
            )));
        }
        Ok(table)
    }
}

/// Join sweep tables (shards) into one in the canonical order.
///
/// # Errors
/// Bad input: the headers differ, or a run appears in two files (the same
/// row twice, or two different rows: shards of different sweeps).
pub fn merge(tables: &[(String, Table)]) -> CliResult<Table> {
    let Some((first_name, first)) = tables.first() else {
        return Err(CliError::bad_input("--merge needs at least one CSV"));
    };
    let mut by_run: BTreeMap<usize, (&str, &Vec<String>)> = BTreeMap::new();
    let seconds = first.col("seconds");
    for (name, t) in tables {
        if t.header != first.header {
            return Err(CliError::bad_input(format!(
                "{name}: its columns ({}) differ from {first_name}'s ({})",
                t.header.join(","),
                first.header.join(",")
            )));
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
                return Err(CliError::bad_input(format!(
                    "run {run} {what} {other} and {name}{}",
                    if same {
                        " (the same shard twice?)"
                    } else {
                        " (shards of different sweeps?)"
                    }
                )));
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
pub fn merge_files(paths: &[std::path::PathBuf]) -> CliResult<Table> {
    let mut tables = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p)
            .map_err(|e| CliError::bad_input(format!("cannot read {name}: {e}")))?;
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

fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push('\n');
}

/// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => rec.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                line += 1;
                rec.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut rec));
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {line}: a quoted field is not closed"));
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        records.push(rec);
    }
    Ok(records)
}

/// Write `sweep.csv` and `heatmap.png` into `dir` (created if missing).
///
/// # Errors
/// The directory or a file cannot be written, or the heatmap cannot be drawn.
pub fn write_outputs(dir: &Path, table: &Table) -> CliResult {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let png = super::heatmap::render_png(table).map_err(CliError::failure)?;
    super::write_atomic(&dir.join("sweep.csv"), table.to_csv().as_bytes())
        .map_err(CliError::failure)?;
    super::write_atomic(&dir.join("heatmap.png"), &png).map_err(CliError::failure)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&["target".into(), "k".into()]);
        let fields = |spec: &str, seed: &str| -> Vec<String> {
            let mut f = vec![spec.to_string(), "1".to_string(), seed.to_string()];
            f.extend((1..METRICS.len()).map(|i| format!("{i}")));
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
        assert!(e.message.contains("is in both"), "{}", e.message);
        let mut c = a.clone();
        c.rows[0].1[3] = "0.5".into();
        let e = merge(&[("a".into(), a), ("c".into(), c)]).unwrap_err();
        assert!(e.message.contains("differs between"), "{}", e.message);
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
