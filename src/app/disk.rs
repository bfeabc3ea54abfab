//! Where the Files section puts and takes its files natively: paths typed
//! into its fields, relative to the directory ganscope was started in (tests
//! point it elsewhere). Written whole or not at all. (On the web the same
//! section downloads and picks files: `browser`.)

use std::path::{Path, PathBuf};

/// A config file read: its name for messages and its text, or why not.
pub type Picked = Result<(String, String), String>;

/// Typed paths, and a config read but not yet taken.
#[derive(Debug, Default)]
pub struct Place {
    /// What relative paths are relative to; empty: the working directory.
    dir: PathBuf,
    picked: Option<Picked>,
}

impl Place {
    /// What the text fields name: a path.
    pub const FIELDS: &str = "a path, relative to where ganscope started";

    /// Nothing to say: every file feature is here.
    pub const NOTE: Option<&str> = None;

    pub fn new(dir: PathBuf) -> Place {
        Place { dir, picked: None }
    }

    /// What relative paths (and a CSV target's file) are relative to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A typed path, resolved against the start directory when relative.
    fn resolve(&self, typed: &str) -> PathBuf {
        self.dir.join(typed.trim())
    }

    /// Write `bytes` to the typed path; what was done, or why not.
    pub fn put(&self, typed: &str, bytes: &[u8], _mime: &str) -> Result<String, String> {
        let path = self.resolve(typed);
        crate::report::write_atomic(&path, bytes).map(|()| format!("wrote {}", path.display()))
    }

    /// Read the config file at the typed path (taken by [`Place::take`]).
    pub fn ask(&mut self, typed: &str, _ctx: &egui::Context) {
        let path = self.resolve(typed);
        self.picked = Some(read(&path).map(|text| (path.display().to_string(), text)));
    }

    /// The config file asked for, once it is read.
    pub fn take(&mut self) -> Option<Picked> {
        self.picked.take()
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
