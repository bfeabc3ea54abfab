//! The target spec grammar:
//!
//! ```text
//! spec   := term ( "+" term )*
//! term   := [ weight "*" ] family "(" number ( "," number )* ")"
//!         | [ weight "*" ] "csv" "(" string [ "," ( string | integer ) ]
//!                                [ "," "sha256" "=" string ] ")"
//! string := '"' ( any character but '"' and '\' | '\"' | '\\' )* '"'
//! ```
//!
//! for example `0.3*normal(-2, 0.5) + 0.7*laplace(2, 1)` or
//! `csv("heights.csv", "cm")`, with at most [`MAX_TERMS`] terms and numbers
//! of magnitude at most 1e12. `pieces` takes any even number of numbers
//! (two knots or more). A conditional target is the whole spec written as
//!
//! ```text
//! spec   := "classes" "(" term ( "," term )* ")"
//! ```
//!
//! one term per class (see [`super::Classes`]), at most
//! [`super::MAX_CLASSES`]; [`parse_spec`] reads it as its marginal and
//! [`parse_classes`] keeps the labels. Errors carry the column where they
//! were found, so that a caret can point at it, and a misspelt family name
//! comes with the nearest valid one; an error in a data file names the
//! file, its line and its column instead ([`SpecError::in_file`]).
//!
//! A `csv` path is relative to the base directory the spec is read against
//! ([`parse_spec_in`]): the working directory for [`parse_spec`].

use super::classes::{Classes, MAX_CLASSES};
use super::data_file::Column;
use super::families::{Csv, FAMILIES, VARIADIC};
use super::{DensityError, Family, Mixture, Term};
use std::fmt;
use std::path::Path;

/// A spec that does not parse or names an impossible density.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    /// What is wrong, in one line.
    pub message: String,
    /// The spec as given.
    pub spec: String,
    /// 0-based character offset of the offending text.
    pub offset: usize,
    /// How many characters to underline (at least 1).
    pub len: usize,
    /// The error is in a data file the spec reads (the message names the
    /// file, line and column), not in the spec's text: no caret.
    pub in_file: bool,
}

impl SpecError {
    /// The 1-based column of the error.
    pub fn column(&self) -> usize {
        self.offset + 1
    }

    /// The spec and a caret line under the offending text, for a terminal.
    pub fn caret(&self) -> String {
        format!(
            "  {}\n  {}{}",
            self.spec,
            " ".repeat(self.offset),
            "^".repeat(self.len.max(1))
        )
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_file {
            return f.write_str(&self.message);
        }
        write!(f, "{} (column {})", self.message, self.column())
    }
}

impl std::error::Error for SpecError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    /// A quoted string, unescaped.
    Str(String),
    Sym(char),
    /// Text that is no token of the grammar.
    Bad(String),
}

struct Lexer {
    toks: Vec<(Tok, usize, usize)>, // token, offset, length (in chars)
}

fn lex(chars: &[char]) -> Lexer {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || c == '.' || c == '-' {
            // number: [-]digits[.digits][e[+-]digits]
            if c == '-' {
                i += 1;
            }
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let save = i;
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                let digits = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if i == digits {
                    i = save; // 'e' not followed by digits: not part of the number
                }
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(v) => toks.push((Tok::Num(v), start, i - start)),
                Err(_) => {
                    // A lone '-' followed by a name (e.g. "-inf"): take the name too.
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    let text: String = chars[start..i].iter().collect();
                    toks.push((Tok::Bad(text), start, (i - start).max(1)));
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push((
                Tok::Ident(chars[start..i].iter().collect()),
                start,
                i - start,
            ));
        } else if c == '"' {
            // A string: \" and \\ are the only escapes.
            i += 1;
            let mut text = String::new();
            let mut closed = false;
            while i < chars.len() {
                match chars[i] {
                    '"' => {
                        closed = true;
                        i += 1;
                        break;
                    }
                    '\\' if i + 1 < chars.len() && matches!(chars[i + 1], '"' | '\\') => {
                        text.push(chars[i + 1]);
                        i += 2;
                    }
                    ch => {
                        text.push(ch);
                        i += 1;
                    }
                }
            }
            if closed {
                toks.push((Tok::Str(text), start, i - start));
            } else {
                toks.push((Tok::Bad("\"".into()), start, i - start));
            }
        } else if "()+*,=".contains(c) {
            i += 1;
            toks.push((Tok::Sym(c), start, 1));
        } else {
            i += 1;
            toks.push((Tok::Bad(c.to_string()), start, 1));
        }
    }
    Lexer { toks }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The word that makes a spec conditional.
const CLASSES: &str = "classes";

/// The family name (or `classes`) nearest to `name`, if it is plausibly a
/// misspelling.
pub fn suggest_family(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    FAMILIES
        .iter()
        .map(|(f, _)| *f)
        .chain(std::iter::once(CLASSES))
        .map(|f| (edit_distance(&lower, f), f))
        .min()
        .filter(|(d, f)| *d <= 2.max(f.len() / 3))
        .map(|(_, f)| f)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(v) => format!("the number {v}"),
        Tok::Bad(s) if s == "\"" => "a string with no closing '\"'".to_string(),
        Tok::Ident(s) | Tok::Bad(s) => format!("'{s}'"),
        Tok::Str(s) => format!("the string \"{s}\""),
        Tok::Sym(c) => format!("'{c}'"),
    }
}

/// Numbers beyond this magnitude are refused: nothing on a plot lives there,
/// and the numerics downstream would overflow.
const MAX_MAGNITUDE: f64 = 1e12;

/// The most terms a spec may have: every evaluation of a mixture visits each
/// term, and the exact divergences evaluate some 10⁶ times.
pub const MAX_TERMS: usize = 64;

struct Parser<'a> {
    spec: &'a str,
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    end: usize,
    /// What `csv` paths are relative to.
    base: &'a Path,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>, offset: usize, len: usize) -> SpecError {
        SpecError {
            message: message.into(),
            spec: self.spec.to_string(),
            offset,
            len,
            in_file: false,
        }
    }

    /// The next token, which must be a string.
    fn string(&mut self, what: &str) -> Result<(String, usize, usize), SpecError> {
        match self.peek().cloned() {
            Some((Tok::Str(s), off, len)) => {
                self.pos += 1;
                Ok((s, off, len))
            }
            Some((t, off, len)) => {
                Err(self.err(format!("expected {what}, found {}", describe(&t)), off, len))
            }
            None => Err(self.err(
                format!("expected {what}, found the end of the spec"),
                self.end,
                1,
            )),
        }
    }

    /// `csv( "path" [, "column" | number] [, sha256 = "hex"] )`, after the name.
    fn csv(&mut self) -> Result<Family, SpecError> {
        self.expect_sym('(', "'(' after csv")?;
        let (path, poff, plen) = self.string("a quoted file path such as \"data.csv\"")?;
        let mut column = Column::Auto;
        let mut sha = None;
        while let Some((Tok::Sym(','), _, _)) = self.peek() {
            self.pos += 1;
            match self.peek().cloned() {
                Some((Tok::Ident(id), _, _)) if id == "sha256" => {
                    self.pos += 1;
                    self.expect_sym('=', "'=' after sha256")?;
                    let (hex, hoff, hlen) = self.string("a quoted SHA-256")?;
                    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(self.err("sha256 must be 64 hexadecimal digits", hoff, hlen));
                    }
                    sha = Some(hex);
                }
                Some((Tok::Str(name), off, len)) if column == Column::Auto && sha.is_none() => {
                    self.pos += 1;
                    if name.trim().is_empty() {
                        return Err(self.err("a column name cannot be empty", off, len));
                    }
                    column = Column::Name(name);
                }
                Some((Tok::Num(v), off, len)) if column == Column::Auto && sha.is_none() => {
                    self.pos += 1;
                    if !(v >= 1.0 && v.fract() == 0.0 && v <= 1e6) {
                        return Err(self.err(
                            format!("a column number counts from 1, got {v}"),
                            off,
                            len,
                        ));
                    }
                    column = Column::Number(v as usize);
                }
                Some((t, off, len)) => {
                    return Err(self.err(
                        format!(
                            "expected a column (\"name\" or a number from 1) or sha256 = \"…\", found {}",
                            describe(&t)
                        ),
                        off,
                        len,
                    ));
                }
                None => {
                    return Err(self.err(
                        "expected a column or sha256, found the end of the spec",
                        self.end,
                        1,
                    ));
                }
            }
        }
        self.expect_sym(')', "')' or ','")?;
        Csv::load(&path, self.base, &column, sha.as_deref())
            .map(Family::Csv)
            .map_err(|e| {
                let mut err = self.err(e.to_string(), poff, plen);
                err.in_file = matches!(e, DensityError::Data(_));
                err
            })
    }

    fn peek(&self) -> Option<&(Tok, usize, usize)> {
        self.toks.get(self.pos)
    }

    fn expect_sym(&mut self, c: char, what: &str) -> Result<(), SpecError> {
        match self.peek() {
            Some((Tok::Sym(s), _, _)) if *s == c => {
                self.pos += 1;
                Ok(())
            }
            Some((t, off, len)) => Err(self.err(
                format!("expected {what}, found {}", describe(t)),
                *off,
                *len,
            )),
            None => Err(self.err(
                format!("expected {what}, found the end of the spec"),
                self.end,
                1,
            )),
        }
    }

    fn number(&mut self, what: &str) -> Result<(f64, usize, usize), SpecError> {
        match self.peek().cloned() {
            Some((Tok::Num(v), off, len)) => {
                self.pos += 1;
                if !v.is_finite() || v.abs() > MAX_MAGNITUDE {
                    return Err(self.err(
                        format!("{what} {v} is out of range (|x| ≤ 1e12)"),
                        off,
                        len,
                    ));
                }
                Ok((v, off, len))
            }
            Some((t, off, len)) => {
                Err(self.err(format!("expected {what}, found {}", describe(&t)), off, len))
            }
            None => Err(self.err(
                format!("expected {what}, found the end of the spec"),
                self.end,
                1,
            )),
        }
    }

    fn term(&mut self) -> Result<Term, SpecError> {
        // Optional weight.
        let mut weight = (1.0, 0usize, 0usize);
        if let Some((Tok::Num(_), _, _)) = self.peek() {
            weight = self.number("a weight")?;
            self.expect_sym('*', "'*' after the weight")?;
            if weight.0 <= 0.0 {
                return Err(self.err(
                    format!("weight must be positive, got {}", weight.0),
                    weight.1,
                    weight.2,
                ));
            }
        }
        let (name, noff, nlen) = match self.peek().cloned() {
            Some((Tok::Ident(s), off, len)) => {
                self.pos += 1;
                (s, off, len)
            }
            Some((t, off, len)) => {
                return Err(self.err(
                    format!(
                        "expected a family such as normal(0, 1), found {}",
                        describe(&t)
                    ),
                    off,
                    len,
                ));
            }
            None => {
                return Err(self.err(
                    "expected a family such as normal(0, 1), found the end of the spec",
                    self.end,
                    1,
                ));
            }
        };
        if name == CLASSES {
            return Err(self.err(
                "classes(...) must be the whole spec, not a term of it",
                noff,
                nlen,
            ));
        }
        let Some((fname, pnames)) = FAMILIES.iter().find(|(f, _)| *f == name) else {
            let hint = match suggest_family(&name) {
                Some(s) => format!("; did you mean '{s}'?"),
                None => format!(
                    "; known families: {}",
                    FAMILIES.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(self.err(format!("unknown family '{name}'{hint}"), noff, nlen));
        };
        if *fname == "csv" {
            let family = self.csv()?;
            return Ok(Term {
                weight: weight.0,
                family,
            });
        }
        let variadic = VARIADIC.contains(fname);
        self.expect_sym('(', &format!("'(' after {fname}"))?;
        let mut args: Vec<(f64, usize, usize)> = Vec::new();
        loop {
            let what = match pnames.get(args.len()) {
                Some(p) => format!("a number for {p}"),
                None => "a number".to_string(),
            };
            args.push(self.number(&what)?);
            match self.peek() {
                Some((Tok::Sym(','), _, _)) => self.pos += 1,
                Some((Tok::Sym(')'), _, _)) => {
                    self.pos += 1;
                    break;
                }
                Some((t, off, len)) => {
                    return Err(self.err(
                        format!("expected ',' or ')', found {}", describe(t)),
                        *off,
                        *len,
                    ));
                }
                None => {
                    return Err(self.err(
                        "expected ',' or ')', found the end of the spec",
                        self.end,
                        1,
                    ));
                }
            }
        }
        if variadic && (args.len() < pnames.len() || args.len() % 2 == 1) {
            let (off, len) = args.last().map_or((noff, nlen), |a| (a.1, a.2));
            return Err(self.err(
                format!(
                    "{fname} takes knots x0, y0, x1, y1, … (two or more pairs), got {} number{}",
                    args.len(),
                    if args.len() == 1 { "" } else { "s" }
                ),
                off,
                len,
            ));
        }
        if !variadic && args.len() != pnames.len() {
            let (off, len) = if args.len() > pnames.len() {
                (args[pnames.len()].1, args[pnames.len()].2)
            } else {
                (noff, nlen)
            };
            return Err(self.err(
                format!(
                    "{fname} takes {} parameter{} ({}), got {}",
                    pnames.len(),
                    if pnames.len() == 1 { "" } else { "s" },
                    pnames.join(", "),
                    args.len()
                ),
                off,
                len,
            ));
        }
        let values: Vec<f64> = args.iter().map(|a| a.0).collect();
        let family = Family::from_params(fname, &values).map_err(|e| {
            let idx = e.param().and_then(|p| pnames.iter().position(|q| *q == p));
            let (off, len) = idx.map(|i| (args[i].1, args[i].2)).unwrap_or((noff, nlen));
            self.err(e.to_string(), off, len)
        })?;
        Ok(Term {
            weight: weight.0,
            family,
        })
    }
}

/// Parse a target spec; a `classes(…)` spec gives its marginal.
///
/// # Examples
/// ```
/// let m = ganscope::density::parse_spec("0.3*normal(-2, 0.5) + 0.7*laplace(2, 1)").unwrap();
/// assert_eq!(m.to_string(), "0.3*normal(-2, 0.5) + 0.7*laplace(2, 1)");
/// ```
///
/// # Errors
/// A [`SpecError`] with the column of the first problem: an unknown family
/// (with a suggestion), a missing parenthesis, a wrong number of parameters, a
/// parameter out of its family's domain, a weight that is not positive, an
/// empty spec.
pub fn parse_spec(spec: &str) -> Result<Mixture, SpecError> {
    parse_spec_in(spec, Path::new(""))
}

/// [`parse_spec`] with `csv` paths relative to `base` (a config file's
/// directory); an empty `base` is the working directory.
///
/// # Errors
/// As [`parse_spec`], and a data file that cannot be used (its error names
/// the file, line and column; [`SpecError::in_file`] is set).
pub fn parse_spec_in(spec: &str, base: &Path) -> Result<Mixture, SpecError> {
    parse_target(spec, base).map(|(m, _)| m)
}

/// Parse a target spec and keep its classes: `Some` for a `classes(…)`
/// spec, `None` for an unconditional one.
///
/// # Examples
/// ```
/// use ganscope::density::parse_classes;
/// let c = parse_classes("classes(normal(-2, 0.5), 3*laplace(3, 1))").unwrap().unwrap();
/// assert_eq!((c.k(), c.weights()), (2, &[0.25, 0.75][..]));
/// assert_eq!(c.to_string(), "classes(normal(-2, 0.5), 3*laplace(3, 1))");
/// assert!(parse_classes("normal(0, 1)").unwrap().is_none());
/// ```
///
/// # Errors
/// As [`parse_spec`], and a `classes(…)` that is not the whole spec, is
/// empty, or has more than [`MAX_CLASSES`] classes.
pub fn parse_classes(spec: &str) -> Result<Option<Classes>, SpecError> {
    parse_classes_in(spec, Path::new(""))
}

/// [`parse_classes`] with `csv` paths relative to `base`.
///
/// # Errors
/// As [`parse_classes`] and [`parse_spec_in`].
pub fn parse_classes_in(spec: &str, base: &Path) -> Result<Option<Classes>, SpecError> {
    let (m, labelled) = parse_target(spec, base)?;
    Ok(labelled.then(|| Classes::from_marginal(m)))
}

/// The spec printed back in the grammar, as [`parse_spec`] and
/// [`parse_classes`] read it: a `classes(…)` spec stays one.
///
/// # Examples
/// ```
/// use ganscope::density::print_spec;
/// assert_eq!(print_spec("classes(normal(0,1),2*laplace(1,1))").unwrap(),
///            "classes(normal(0, 1), 2*laplace(1, 1))");
/// assert_eq!(print_spec("normal(0,1)+laplace(1,1)").unwrap(), "normal(0, 1) + laplace(1, 1)");
/// ```
///
/// # Errors
/// As [`parse_classes`].
pub fn print_spec(spec: &str) -> Result<String, SpecError> {
    print_spec_in(spec, Path::new(""))
}

/// [`print_spec`] with `csv` paths relative to `base`.
///
/// # Errors
/// As [`parse_classes_in`].
pub fn print_spec_in(spec: &str, base: &Path) -> Result<String, SpecError> {
    let (m, labelled) = parse_target(spec, base)?;
    Ok(if labelled {
        Classes::from_marginal(m).to_string()
    } else {
        m.to_string()
    })
}

/// The marginal, and whether the spec was `classes(…)`.
fn parse_target(spec: &str, base: &Path) -> Result<(Mixture, bool), SpecError> {
    let chars: Vec<char> = spec.chars().collect();
    let lexer = lex(&chars);
    let mut p = Parser {
        spec,
        toks: lexer.toks,
        pos: 0,
        end: chars.len(),
        base,
    };
    if p.toks.is_empty() {
        return Err(p.err("empty spec: expected a term such as normal(0, 1)", 0, 1));
    }
    let mixture = |p: &Parser, terms| {
        Mixture::new(terms).map_err(|e: DensityError| p.err(e.to_string(), 0, chars.len().max(1)))
    };
    if matches!(p.peek(), Some((Tok::Ident(s), _, _)) if s == CLASSES) {
        p.pos += 1;
        let terms = p.classes()?;
        return Ok((mixture(&p, terms)?, true));
    }
    let mut terms = vec![p.term()?];
    while let Some((t, off, len)) = p.peek().cloned() {
        match t {
            Tok::Sym('+') => {
                if terms.len() == MAX_TERMS {
                    return Err(p.err(format!("a spec has at most {MAX_TERMS} terms"), off, len));
                }
                p.pos += 1;
                terms.push(p.term()?);
            }
            other => {
                return Err(p.err(
                    format!(
                        "expected '+' or the end of the spec, found {}",
                        describe(&other)
                    ),
                    off,
                    len,
                ));
            }
        }
    }
    Ok((mixture(&p, terms)?, false))
}

impl Parser<'_> {
    /// After `classes`: `"(" term ( "," term )* ")"` and the end of the spec.
    fn classes(&mut self) -> Result<Vec<Term>, SpecError> {
        self.expect_sym('(', "'(' after classes")?;
        let mut terms = Vec::new();
        loop {
            let at = self.peek().map_or((self.end, 1), |t| (t.1, t.2));
            terms.push(self.term()?);
            if terms.len() > MAX_CLASSES {
                return Err(self.err(
                    format!("classes takes at most {MAX_CLASSES} classes"),
                    at.0,
                    at.1,
                ));
            }
            match self.peek().cloned() {
                Some((Tok::Sym(','), _, _)) => self.pos += 1,
                Some((Tok::Sym(')'), _, _)) => {
                    self.pos += 1;
                    break;
                }
                Some((Tok::Sym('+'), off, len)) => {
                    return Err(self.err(
                        "a class is one term: separate classes with ','",
                        off,
                        len,
                    ));
                }
                Some((t, off, len)) => {
                    return Err(self.err(
                        format!("expected ',' or ')', found {}", describe(&t)),
                        off,
                        len,
                    ));
                }
                None => {
                    return Err(self.err(
                        "expected ',' or ')', found the end of the spec",
                        self.end,
                        1,
                    ));
                }
            }
        }
        if let Some((t, off, len)) = self.peek().cloned() {
            return Err(self.err(
                format!(
                    "classes(...) must be the whole spec, found {} after it",
                    describe(&t)
                ),
                off,
                len,
            ));
        }
        Ok(terms)
    }
}
