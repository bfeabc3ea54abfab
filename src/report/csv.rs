//! The one CSV writer and reader of ganscope's own files (`metrics.csv`,
//! `sweep.csv`, the window's history), on the `csv` crate: RFC 4180 quoting
//! where a field needs it, `\n` line ends, UTF-8.

/// Records as CSV text, one line each.
pub fn to_text<R, F>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::new());
    for r in records {
        // Writing into memory cannot fail.
        let _ = w.write_record(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Every record of `text` with its 1-based line, fields as written
/// (quoted fields may hold commas, quotes and line breaks).
///
/// # Errors
/// Text that is not CSV (an unclosed quote), with its line.
pub fn parse(text: &str) -> Result<Vec<(u64, Vec<String>)>, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {}", p.line(), e),
            None => e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_quotes_commas_and_line_breaks() {
        let rows = vec![
            vec!["a".to_string(), "b,c".into()],
            vec!["say \"hi\"".to_string(), "x\ny".into()],
        ];
        let text = to_text(rows.clone());
        assert_eq!(text, "a,\"b,c\"\n\"say \"\"hi\"\"\",\"x\ny\"\n");
        let back: Vec<Vec<String>> = parse(&text).unwrap().into_iter().map(|r| r.1).collect();
        assert_eq!(back, rows);
    }
}
