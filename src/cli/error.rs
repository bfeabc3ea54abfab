//! The CLI's error: bad input (exit 2) or any other failure (exit 1), each
//! reported as one line on stderr (plus a caret line for a spec error).

use crate::density::SpecError;
use std::fmt;

/// Why a command failed, which decides its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Usage, spec, config or a value out of range: exit 2.
    BadInput,
    /// I/O or anything else: exit 1.
    Failure,
}

/// A command's failure, ready to print.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    /// Extra lines after the message (the caret under a spec error).
    pub detail: Option<String>,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError {
            kind: Kind::BadInput,
            message: message.into(),
            detail: None,
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            kind: Kind::Failure,
            message: message.into(),
            detail: None,
        }
    }

    /// A spec error for the option `what` (e.g. `--p`), with its caret (an
    /// error in a data file names its file, line and column instead).
    pub fn spec(what: &str, e: &SpecError) -> Self {
        CliError {
            kind: Kind::BadInput,
            message: format!("{what}: {e}"),
            detail: (!e.in_file).then(|| e.caret()),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::BadInput => 2,
            Kind::Failure => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(d) = &self.detail {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
