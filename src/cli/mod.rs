//! The command line: argument parsing, the headless commands, exit codes.
//!
//! Exit status: 0 success, 2 bad input (usage, spec, config, value out of
//! range), 1 any other failure. An error is one line on stderr; a spec error
//! adds a caret under the offending column.

mod error;
pub mod figure;
mod files;
mod theory;

pub use error::{CliError, CliResult, Kind};
pub use files::write_atomic;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;

/// ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
#[derive(Debug, Parser)]
#[command(name = "ganscope", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The exact divergences between two densities: JSD, both KLs, W1 and C(G).
    Theory {
        /// The first density, e.g. 'normal(0, 1)' or '0.3*normal(-2,0.5) + 0.7*laplace(2,1)'.
        #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
        p: String,
        /// The second density (the generator's, in C(G)).
        #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
        q: String,
        /// Print one JSON object (infinite values are null).
        #[arg(long)]
        json: bool,
    },
}

/// Parse `args` and run the command; returns the process exit status.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            // clap's first line names the problem; the usage block after it is noise here.
            let text = e.render().to_string();
            let head: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                .collect();
            let line = if head.is_empty() { "error: bad arguments".to_string() } else { head.join(" ") };
            eprintln!("{line} (see 'ganscope --help')");
            return 2;
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match run(cli, &mut out) {
        Ok(()) => 0,
        Err(e) => {
            let _ = out.flush();
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> CliResult {
    match cli.command {
        Some(Command::Theory { p, q, json }) => theory::run(&p, &q, json, out),
        None => Err(CliError::failure("the window is not available yet; run 'ganscope --help' for the commands")),
    }
}
