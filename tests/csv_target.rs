//! `csv(...)` targets: reading a column, the rules for headers and columns,
//! relative paths, the SHA-256 pin, every kind of bad file (exit 2, the
//! file and line named, nothing written), and the smoothing's accuracy.

mod common;

use common::{preset, run_seeds, tmp};
use ganscope::density::{Univariate, parse_spec, parse_spec_in};
use ganscope::gan::{Config, Trainer};
use ganscope::theory::exact::divergences;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use std::path::{Path, PathBuf};
use std::process::Command;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("a test file");
    p
}

fn spec_of(path: &Path) -> String {
    format!("csv(\"{}\")", path.display())
}

fn ganscope(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn columns_by_header_by_number_and_the_only_numeric_one() {
    let d = tmp("csv-columns");
    let f = write(
        &d,
        "people.csv",
        "name,height,age\nann,1.62,31\nbob,1.80,45\ncid,1.75,28\n",
    );
    let by_name = parse_spec(&format!("csv(\"{}\", \"age\")", f.display())).expect("reads");
    let by_number = parse_spec(&format!("csv(\"{}\", 3)", f.display())).expect("reads");
    assert_eq!(by_name.mean(), by_number.mean());
    // Several numeric columns and none named: the error names them.
    let e = parse_spec(&spec_of(&f)).unwrap_err();
    assert!(e.in_file, "{e}");
    assert!(
        e.message.contains("several numeric columns") && e.message.contains("\"height\", \"age\""),
        "{e}"
    );
    // No header: numbers from 1; a single column needs no name.
    let g = write(&d, "plain.csv", "0.5\n1.5\n2.5\n-1\n");
    let m = parse_spec(&spec_of(&g)).expect("the only column");
    let printed = m.to_string();
    assert!(printed.contains(", 1, sha256 = \""), "{printed}");
    assert_eq!(parse_spec(&printed).expect("prints back"), m);
    // The samples themselves, in file order.
    match &m.terms()[0].family {
        ganscope::density::Family::Csv(c) => {
            assert_eq!(c.samples(), &[0.5, 1.5, 2.5, -1.0]);
            assert_eq!(c.file().sha256.len(), 64);
        }
        other => panic!("{other:?}"),
    }
    // A pandas file: an empty first header cell above the index.
    let p = write(&d, "pandas.csv", ",x\n0,0.1\n1,0.4\n2,0.2\n");
    let e = parse_spec(&spec_of(&p)).unwrap_err();
    assert!(e.message.contains("\"\", \"x\""), "{e}");
    parse_spec(&format!("csv(\"{}\", \"x\")", p.display())).expect("by name");
}

#[test]
fn relative_paths_and_the_sha256_pin() {
    let d = tmp("csv-paths");
    std::fs::create_dir_all(d.join("data")).expect("a folder");
    write(&d.join("data"), "s.csv", "x\n1\n2\n3\n5\n");
    // Relative to the base it is read against.
    let m = parse_spec_in("csv(\"data/s.csv\", \"x\")", &d).expect("relative to d");
    let printed = m.to_string();
    let abs = std::path::absolute(d.join("data/s.csv")).expect("absolute");
    assert!(printed.contains(&abs.display().to_string()), "{printed}");
    // The printed spec pins the file; a changed file is refused.
    assert_eq!(parse_spec(&printed).expect("same file"), m);
    write(&d.join("data"), "s.csv", "x\n1\n2\n3\n6\n");
    let e = parse_spec(&printed).unwrap_err();
    assert!(e.in_file && e.message.contains("has changed"), "{e}");
    // Quotes and backslashes in paths survive printing.
    let odd = d.join("a \"q\" \\ b.csv");
    std::fs::write(&odd, "1\n2\n").expect("a file");
    let m = parse_spec(&spec_of_escaped(&odd)).expect("escaped path");
    assert_eq!(parse_spec(&m.to_string()).expect("prints back"), m);
}

fn spec_of_escaped(p: &Path) -> String {
    let s = p
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!("csv(\"{s}\")")
}

/// One bad file: `train` exits 2 with one line naming the file (and the line
/// and column where they apply) and writes nothing.
fn refused(dir: &Path, file: &Path, want: &[&str]) {
    let out = dir.join(format!(
        "out-{}",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ));
    let target = format!("target={}", spec_of(file));
    let o = ganscope(&[
        "train",
        "--set",
        &target,
        "--steps",
        "5",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}: {err}", file.display());
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(&file.display().to_string()),
        "names the file: {err}"
    );
    for w in want {
        assert!(err.contains(w), "{}: wants {w:?} in {err}", file.display());
    }
    assert!(!out.exists(), "nothing written for {}", file.display());
    // The theory command refuses it the same way, without a caret.
    let p = spec_of(file);
    let o = ganscope(&["theory", "--p", &p, "--q", "normal(0, 1)"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

#[test]
fn every_kind_of_bad_file_exits_2_naming_its_line() {
    let d = tmp("csv-bad");
    refused(&d, &d.join("missing.csv"), &["no such file"]);
    refused(&d, &write(&d, "empty.csv", ""), &["line 1", "empty"]);
    refused(
        &d,
        &write(&d, "blank.csv", "\n  \n\n"),
        &["line 1", "empty"],
    );
    refused(
        &d,
        &write(&d, "words.csv", "name,city\nann,oslo\nbob,rome\n"),
        &["line 2", "no numeric column"],
    );
    refused(
        &d,
        &write(&d, "cell.csv", "x\n1.5\n2.5\nabc\n4\n"),
        &["line 4, column 1", "\"abc\" is not a number"],
    );
    refused(
        &d,
        &write(&d, "nan.csv", "name,x\nann,0.5\nbob,NaN\n"),
        &["line 3, column 2", "not a finite number"],
    );
    refused(
        &d,
        &write(&d, "inf.csv", "x\n1\n-inf\n2\n"),
        &["line 3, column 1", "not a finite number"],
    );
    // A named column absent from the header.
    let f = write(&d, "named.csv", "a,b\n1,2\n3,4\n");
    let out = d.join("out-named");
    let target = format!("target=csv(\"{}\", \"height\")", f.display());
    let o = ganscope(&[
        "train",
        "--set",
        &target,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 1")
            && err.contains("no column named \"height\"")
            && err.contains("\"a\", \"b\""),
        "{err}"
    );
    assert!(!out.exists());
    refused(
        &d,
        &write(&d, "short.csv", "name,x,note\nann,1,a\nbob,2\ncid,3,c\n"),
        &["line 3", "2 fields, the header has 3"],
    );
    refused(
        &d,
        &write(&d, "one.csv", "x\n42\n"),
        &["line 2", "1 data row; a CSV target needs at least 2"],
    );
    refused(
        &d,
        &write(&d, "header-only.csv", "x\n"),
        &["line 1", "no data row"],
    );
    refused(
        &d,
        &write(&d, "flat.csv", "x\n3\n3\n3\n"),
        &["column 1", "all 3 samples equal 3"],
    );
    refused(&d, &d, &["not a regular file"]);
    // 100 MB of garbage: refused by its size before it is read, quickly.
    let big = d.join("garbage.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&big).expect("a file"));
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..100 {
            for b in block.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            w.write_all(&block).expect("written");
        }
    }
    let t0 = std::time::Instant::now();
    refused(&d, &big, &["100.0 MiB is over the 64 MiB limit"]);
    assert!(t0.elapsed().as_secs_f64() < 10.0, "{:?}", t0.elapsed());
}

/// A config file's relative data files are relative to its directory; the
/// config.toml and summary.json of the run hold the file's SHA-256, and the
/// config.toml refuses the file once it has changed.
#[test]
fn configs_resolve_against_their_directory_and_pin_the_file() {
    let d = tmp("csv-config");
    std::fs::create_dir_all(d.join("cfg/data")).expect("folders");
    let csv = write(
        &d.join("cfg/data"),
        "w.csv",
        "w\n0.1\n0.7\n0.3\n0.9\n0.5\n0.4\n",
    );
    std::fs::write(
        d.join("cfg/run.toml"),
        "target = 'csv(\"data/w.csv\", \"w\")'\nsteps = 20\nbatch = 16\n",
    )
    .expect("a config");
    let out = d.join("out");
    let o = ganscope(&[
        "train",
        "--config",
        d.join("cfg/run.toml").to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let config = std::fs::read_to_string(out.join("config.toml")).expect("written");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("written"))
            .expect("json");
    let sha = summary["data_files"][0]["sha256"]
        .as_str()
        .expect("a hash")
        .to_string();
    assert_eq!(sha.len(), 64);
    assert!(config.contains(&sha), "{config}");
    assert_eq!(summary["data_files"][0]["rows"], 6);
    assert_eq!(summary["data_files"][0]["column_name"], "w");
    assert!(
        summary["data_files"][0]["smoothing"]
            .as_str()
            .is_some_and(|s| s.contains("frequency polygon")),
        "{summary}"
    );
    // The written config reproduces the run from anywhere.
    let again = d.join("again");
    let o = ganscope(&[
        "train",
        "--config",
        out.join("config.toml").to_str().expect("utf-8"),
        "--out",
        again.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read(out.join("metrics.csv")).expect("a"),
        std::fs::read(again.join("metrics.csv")).expect("b")
    );
    // Changed since: refused, nothing written.
    std::fs::write(&csv, "w\n0.1\n0.7\n0.3\n0.9\n0.5\n0.45\n").expect("changed");
    let third = d.join("third");
    let o = ganscope(&[
        "train",
        "--config",
        out.join("config.toml").to_str().expect("utf-8"),
        "--out",
        third.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("has changed") && err.contains("w.csv"),
        "{err}"
    );
    assert!(!third.exists());
    // On the command line, relative to the working directory.
    let o = Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .current_dir(d.join("cfg"))
        .args([
            "theory",
            "--p",
            "csv(\"data/w.csv\")",
            "--q",
            "normal(0.5, 0.3)",
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// 10 000 samples of N(1, 0.7), one per line under a header.
fn normal_file(dir: &Path) -> PathBuf {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(2017);
    let n = Normal::new(1.0, 0.7).expect("a normal");
    let mut text = String::from("x\n");
    for _ in 0..10_000 {
        text.push_str(&format!("{}\n", n.sample(&mut rng)));
    }
    write(dir, "normal.csv", &text)
}

/// The smoothing is close to the density the samples came from: the exact
/// JSD between the frequency polygon of 10 000 samples of N(1, 0.7) and
/// N(1, 0.7) is below 0.01.
#[test]
fn the_smoothing_of_ten_thousand_normal_samples_is_close_to_the_normal() {
    let d = tmp("csv-normal");
    let f = normal_file(&d);
    let p = parse_spec(&spec_of(&f)).expect("reads");
    let q = parse_spec("normal(1, 0.7)").expect("valid");
    let div = divergences(&p, &q);
    assert!(div.jsd < 0.01, "{div:?}");
    assert_eq!(div.kl_qp, None, "the polygon's support is bounded");
    // The same through the command line.
    let o = ganscope(&[
        "theory",
        "--p",
        &spec_of(&f),
        "--q",
        "normal(1, 0.7)",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["jsd"].as_f64().is_some_and(|j| j < 0.01), "{v}");
}

/// The goodfellow settings, trained on that file (drawing from its samples),
/// reach JSD < 0.02 against the smoothed p_data for at least 8 of 10 seeds.
#[test]
fn goodfellow_learns_a_csv_target() {
    let d = tmp("csv-goodfellow");
    let f = normal_file(&d);
    let mut config: Config = preset("goodfellow");
    config.target = spec_of(&f);
    config.resolve_paths(Path::new("")).expect("pinned");
    let runs = run_seeds(0..10, 2, |seed| {
        let mut c = config.clone();
        c.seed = seed;
        let steps = c.steps;
        let mut t = Trainer::new(c).expect("valid");
        t.run(steps);
        t.snapshot().theory.jsd
    });
    let good = runs.iter().filter(|j| **j < 0.02).count();
    assert!(good >= 8, "JSD per seed: {runs:?}");
}
