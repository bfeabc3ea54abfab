//! Reading one numeric column of a CSV file: the samples of a `csv(...)`
//! target, with errors that name the file, the line and the column.
//!
//! # Rules
//!
//! - The file is refused unread when it is larger than [`MAX_BYTES`]
//!   (64 MiB), and read at most that far otherwise; its SHA-256 is taken
//!   over the bytes read.
//! - Fields are separated by commas; spaces around a field are ignored;
//!   blank lines are skipped.
//! - A first row with a non-numeric cell (an empty one included, as pandas
//!   writes above its index) is a header.
//! - Columns are named by their header ([`Column::Name`]) or numbered from 1
//!   ([`Column::Number`]). Without a column ([`Column::Auto`]) the file's
//!   only numeric column is used (numeric in the first data row); with
//!   several, the error names them.
//! - Every row needs at least as many fields as the first row; the chosen
//!   cell must be a finite number with |x| ≤ 1e12; at least 2 rows.

use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file a CSV target reads: 64 MiB (several million samples).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Numbers beyond this magnitude are refused, as in the spec grammar.
const MAX_MAGNITUDE: f64 = 1e12;

/// Which column to read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    /// The only numeric column.
    Auto,
    /// By its header.
    Name(String),
    /// By its position, from 1.
    Number(usize),
}

/// The column that was read: its position from 1 and its header, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Chosen {
    pub number: usize,
    pub name: Option<String>,
}

impl fmt::Display for Chosen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "column {} (\"{n}\")", self.number),
            None => write!(f, "column {}", self.number),
        }
    }
}

/// The samples of one column and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// The file as it was opened.
    pub path: PathBuf,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// The column read.
    pub column: Chosen,
    /// Its values, in file order.
    pub samples: Vec<f64>,
}

/// What is wrong with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NotFound,
    NotAFile,
    Unreadable,
    TooLarge,
    Empty,
    NoNumericColumn,
    SeveralNumericColumns,
    NoSuchColumn,
    ShortRow,
    NotANumber,
    NotFinite,
    OutOfRange,
    TooFewRows,
    NoSpread,
    /// Its SHA-256 differs from the one the spec pins.
    Changed,
}

/// A file that is not a usable data set: one line naming the file, and the
/// line and column where they apply.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFileError {
    /// The file, as given (resolved against its base directory).
    pub file: String,
    /// The 1-based line, where one applies.
    pub line: Option<u64>,
    /// The 1-based column, where one applies.
    pub column: Option<usize>,
    pub problem: Problem,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for DataFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
            (Some(l), None) => write!(f, "line {l}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for DataFileError {}

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(
        &self,
        problem: Problem,
        line: Option<u64>,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> DataFileError {
        DataFileError {
            file: self.file.to_string(),
            line,
            column,
            problem,
            message: message.into(),
        }
    }
}

/// The file's bytes, refusing a missing, special or too large file before
/// reading it.
fn read_bounded(path: &Path, ctx: &Ctx<'_>) -> Result<Vec<u8>, DataFileError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ctx.err(Problem::NotFound, None, None, "no such file")
        } else {
            ctx.err(Problem::Unreadable, None, None, format!("cannot read: {e}"))
        }
    })?;
    if !meta.is_file() {
        return Err(ctx.err(Problem::NotAFile, None, None, "not a regular file"));
    }
    let too_large = |len: u64| {
        ctx.err(
            Problem::TooLarge,
            None,
            None,
            format!(
                "{:.1} MiB is over the {} MiB limit of a CSV target",
                len as f64 / 1048576.0,
                MAX_BYTES / 1048576
            ),
        )
    };
    if meta.len() > MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| ctx.err(Problem::Unreadable, None, None, format!("cannot read: {e}")))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ctx.err(Problem::Unreadable, None, None, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A cell as a number, if it is one (non-finite included).
fn number(cell: &[u8]) -> Option<f64> {
    std::str::from_utf8(cell).ok()?.trim().parse::<f64>().ok()
}

/// A cell as text for a message, shortened.
fn show(cell: &[u8]) -> String {
    let s = String::from_utf8_lossy(cell);
    let s = s.trim();
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(24).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Reads column `column` of the CSV file at `path`; `shown` is how the file
/// is named in errors. See the [module docs](self) for the rules.
///
/// # Errors
/// A [`DataFileError`] naming the file, and the line and column where they
/// apply: no such file, not a file, over [`MAX_BYTES`], empty, no numeric
/// column, several (named), no such column, a row shorter than the first, a
/// cell that is not a number, not finite or beyond 1e12, fewer than 2 rows.
pub fn read_column(path: &Path, shown: &str, column: &Column) -> Result<DataFile, DataFileError> {
    let ctx = Ctx { file: shown };
    let bytes = read_bounded(path, &ctx)?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut rows: Vec<(u64, csv::ByteRecord)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(|f| f.is_empty()) {
                    continue;
                }
                let line = record.position().map_or(0, |p| p.line());
                rows.push((line, record.clone()));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(ctx.err(Problem::Unreadable, line, None, format!("not CSV: {e}")));
            }
        }
    }
    let Some((first_line, first)) = rows.first() else {
        return Err(ctx.err(Problem::Empty, Some(1), None, "the file is empty"));
    };
    let width = first.len();
    let header: Option<Vec<String>> = first
        .iter()
        .any(|c| number(c).is_none())
        .then(|| first.iter().map(show).collect());
    let data = if header.is_some() {
        &rows[1..]
    } else {
        &rows[..]
    };
    let names = |cols: &[usize]| -> String {
        cols.iter()
            .map(|&c| match &header {
                Some(h) => format!("\"{}\"", h[c]),
                None => (c + 1).to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index = match column {
        Column::Number(k) => {
            if *k == 0 || *k > width {
                return Err(ctx.err(
                    Problem::NoSuchColumn,
                    Some(*first_line),
                    None,
                    format!("no column {k}: the first row has {width} (numbered from 1)"),
                ));
            }
            k - 1
        }
        Column::Name(name) => match &header {
            Some(h) => match h.iter().position(|c| c == name) {
                Some(i) => i,
                None => {
                    let all: Vec<usize> = (0..width).collect();
                    return Err(ctx.err(
                        Problem::NoSuchColumn,
                        Some(*first_line),
                        None,
                        format!("no column named \"{name}\" in the header ({})", names(&all)),
                    ));
                }
            },
            None => {
                return Err(ctx.err(
                    Problem::NoSuchColumn,
                    Some(*first_line),
                    None,
                    format!(
                        "no column named \"{name}\": the file has no header row; number its columns from 1"
                    ),
                ));
            }
        },
        Column::Auto => {
            let Some((line, row)) = data.first() else {
                return Err(ctx.err(
                    Problem::TooFewRows,
                    Some(*first_line),
                    None,
                    "a header and no data row; a CSV target needs at least 2 rows",
                ));
            };
            let numeric: Vec<usize> = (0..width)
                .filter(|&c| row.get(c).and_then(number).is_some())
                .collect();
            match numeric.as_slice() {
                [c] => *c,
                [] => {
                    return Err(ctx.err(
                        Problem::NoNumericColumn,
                        Some(*line),
                        None,
                        "no numeric column",
                    ));
                }
                several => {
                    return Err(ctx.err(
                        Problem::SeveralNumericColumns,
                        Some(*line),
                        None,
                        format!(
                            "several numeric columns ({}); name one, as in csv(\"{shown}\", {})",
                            names(several),
                            match &header {
                                Some(h) => format!("\"{}\"", h[several[0]]),
                                None => (several[0] + 1).to_string(),
                            }
                        ),
                    ));
                }
            }
        }
    };
    let col = Some(index + 1);
    let mut samples = Vec::with_capacity(data.len());
    for (line, row) in data {
        if row.len() < width {
            return Err(ctx.err(
                Problem::ShortRow,
                Some(*line),
                None,
                format!(
                    "{} field{}, the {} has {width}",
                    row.len(),
                    if row.len() == 1 { "" } else { "s" },
                    if header.is_some() {
                        "header"
                    } else {
                        "first row"
                    }
                ),
            ));
        }
        let cell = row.get(index).unwrap_or_default();
        let Some(v) = number(cell) else {
            return Err(ctx.err(
                Problem::NotANumber,
                Some(*line),
                col,
                if cell.is_empty() {
                    "an empty cell, not a number".to_string()
                } else {
                    format!("\"{}\" is not a number", show(cell))
                },
            ));
        };
        if !v.is_finite() {
            return Err(ctx.err(
                Problem::NotFinite,
                Some(*line),
                col,
                format!("{} is not a finite number", show(cell)),
            ));
        }
        if v.abs() > MAX_MAGNITUDE {
            return Err(ctx.err(
                Problem::OutOfRange,
                Some(*line),
                col,
                format!("{} is out of range (|x| ≤ 1e12)", show(cell)),
            ));
        }
        samples.push(v);
    }
    if samples.len() < 2 {
        let line = data.last().map_or(*first_line, |r| r.0);
        return Err(ctx.err(
            Problem::TooFewRows,
            Some(line),
            None,
            format!(
                "{} data row{}; a CSV target needs at least 2",
                samples.len(),
                if samples.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(DataFile {
        path: path.to_path_buf(),
        sha256,
        column: Chosen {
            number: index + 1,
            name: header.map(|h| h[index].clone()),
        },
        samples,
    })
}
