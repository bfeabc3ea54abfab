//! The layering of DESIGN.md, read off the source files: the core imports no
//! face and no candle, `report` imports neither egui nor clap, `app` never
//! imports `cli` and `cli` imports `app` only to open the window, and no
//! module imports one that imports it back — between the top-level modules,
//! and between the files of one module (through `super::name` or
//! `crate::module::name` paths).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TOP: &[&str] = &[
    "app", "backends", "candle", "cli", "density", "fit", "gan", "nn", "report", "scalar", "theory",
];

const CORE: &[&str] = &["density", "theory", "fit", "nn", "gan", "scalar"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let p = entry.expect("an entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments (so that docs naming a module do not count).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a readable file");
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to (`src/gan/trainer.rs` → `gan`).
fn top_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.trim_end_matches(".rs").to_string();
    TOP.contains(&name.as_str()).then_some(name)
}

/// Identifiers that follow `prefix` in `text` (`crate::gan::x` → `gan`).
fn idents_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !id.is_empty() {
            out.insert(id);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Edges between top-level modules: `from` → the modules it names.
fn top_edges() -> BTreeMap<String, BTreeSet<String>> {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let Some(from) = top_of(&src, &f) else {
            continue;
        };
        let text = code(&f);
        let to = idents_after(&text, "crate::");
        let e = edges.entry(from.clone()).or_default();
        for t in to {
            if t != from && TOP.contains(&t.as_str()) {
                e.insert(t);
            }
        }
    }
    edges
}

/// A cycle in `edges`, if any (as the path around it).
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_top_level_module_imports_one_that_imports_it_back() {
    let edges = top_edges();
    assert_eq!(cycle(&edges), None, "{edges:#?}");
}

#[test]
fn the_core_imports_no_face_and_no_candle() {
    let edges = top_edges();
    for m in CORE {
        for t in edges.get(*m).into_iter().flatten() {
            assert!(
                CORE.contains(&t.as_str()),
                "the core module {m} imports {t}"
            );
        }
    }
}

#[test]
fn the_faces_stay_apart() {
    let edges = top_edges();
    let of = |m: &str| edges.get(m).cloned().unwrap_or_default();
    assert!(!of("app").contains("cli"), "app imports cli");
    for face in ["app", "cli"] {
        assert!(!of("report").contains(face), "report imports {face}");
    }
    // cli names app only to open the window.
    let mut files = Vec::new();
    rust_files(&src().join("cli"), &mut files);
    for f in files {
        for item in idents_after(&code(&f), "crate::app::") {
            assert!(
                ["run", "GuiOptions"].contains(&item.as_str()),
                "{}: crate::app::{item}",
                f.display()
            );
        }
    }
}

#[test]
fn report_and_the_core_import_neither_egui_nor_clap() {
    for m in ["report", "density", "theory", "fit", "nn", "gan"] {
        let mut files = Vec::new();
        rust_files(&src().join(m), &mut files);
        for f in files {
            let text = code(&f);
            for dep in ["egui", "eframe", "egui_plot", "clap", "candle_core"] {
                assert!(
                    !text.contains(&format!("{dep}::")),
                    "{} uses {dep}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn no_two_files_of_a_module_import_each_other() {
    let src = src();
    for m in TOP {
        let dir = src.join(m);
        if !dir.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        // The module's children: file stems and folders directly under it.
        let children: BTreeSet<String> = std::fs::read_dir(&dir)
            .expect("a module folder")
            .filter_map(|e| e.ok())
            .map(|e| {
                e.path()
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .filter(|n| n != "mod")
            .collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in &files {
            let rel = f.strip_prefix(&dir).expect("under the module");
            let child = rel
                .components()
                .next()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_string()
                })
                .unwrap_or_default();
            if child == "mod" || !children.contains(&child) {
                continue;
            }
            let text = code(f);
            let direct = rel.components().count() == 1;
            let mut to = idents_after(&text, &format!("crate::{m}::"));
            if direct {
                to.extend(idents_after(&text, "super::"));
            }
            let e = edges.entry(child.clone()).or_default();
            for t in to {
                if t != child && children.contains(&t) {
                    e.insert(t);
                }
            }
        }
        assert_eq!(cycle(&edges), None, "in {m}: {edges:#?}");
    }
}
