//! Conditional runs through the real binary: the per-class columns of
//! `metrics.csv` and `summary.json`, `theory` on a `classes(…)` spec (its
//! marginal), sweeps whose runs must share their number of classes, and
//! `sweep --merge` refusing shards with different numbers of classes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ganscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ganscope-cli-classes-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

const THREE: &str = "target=classes(normal(-2, 0.5), 2*normal(0, 0.5), normal(2, 0.5))";

fn header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("a CSV");
    text.lines()
        .next()
        .expect("a header")
        .split(',')
        .map(str::to_string)
        .collect()
}

#[test]
fn train_writes_the_jsd_of_every_class() {
    let dir = tmp("train");
    let o = ganscope(&[
        "train",
        "--set",
        THREE,
        "--set",
        "conditioning=projection",
        "--steps",
        "60",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&dir.join("metrics.csv"));
    let tail: Vec<&str> = h.iter().rev().take(3).rev().map(String::as_str).collect();
    assert_eq!(tail, ["jsd_c1", "jsd_c2", "jsd_c3"], "{h:?}");
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let f = &s["final"];
    let by_class: Vec<f64> = f["jsd_by_class"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect();
    assert_eq!(by_class.len(), 3, "{s}");
    assert!(
        by_class
            .iter()
            .all(|j| (0.0..=std::f64::consts::LN_2).contains(j))
    );
    assert_eq!(f["jsd_marginal"], f["jsd"], "final.jsd is the marginal JSD");
    // C(G) is the cGAN's value at D*: −log 4 + 2 Σ_c π_c JSD_c (π = ¼, ½, ¼).
    let c_g = -(4f64.ln()) + 2.0 * (0.25 * by_class[0] + 0.5 * by_class[1] + 0.25 * by_class[2]);
    assert!((f["c_g"].as_f64().unwrap() - c_g).abs() < 1e-12, "{s}");
    assert!(
        f["jsd"].as_f64().unwrap()
            <= 0.25 * by_class[0] + 0.5 * by_class[1] + 0.25 * by_class[2] + 1e-12
    );
    // The written config reproduces the run, classes and all.
    let again = tmp("again");
    let o = ganscope(&[
        "train",
        "--config",
        dir.join("config.toml").to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.join("metrics.csv")).unwrap(),
        std::fs::read(again.join("metrics.csv")).unwrap()
    );
    for d in [dir, again] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn an_unconditional_run_has_no_class_columns() {
    let dir = tmp("plain");
    let o = ganscope(&["train", "--steps", "20", "--out", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&dir.join("metrics.csv"));
    assert!(!h.iter().any(|c| c.starts_with("jsd_c")), "{h:?}");
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    for k in ["jsd_by_class", "jsd_marginal", "classes"] {
        assert!(s["final"].get(k).is_none(), "{k}: {s}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn theory_reads_a_classes_spec_as_its_marginal() {
    let run = |p: &str| {
        let o = ganscope(&["theory", "--p", p, "--q", "normal(0, 1)", "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(
        run("classes(normal(-2, 0.5), 3*laplace(1, 1))"),
        run("normal(-2, 0.5) + 3*laplace(1, 1)")
    );
    let o = ganscope(&[
        "theory",
        "--p",
        "normal(0,1) + classes(normal(1, 1))",
        "--q",
        "normal(0, 1)",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("classes(...) must be the whole spec"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sweeps_keep_one_number_of_classes_and_merge_refuses_others() {
    let three = tmp("three");
    let plain = tmp("plain-sweep");
    let two = tmp("two");
    let sweep = |dir: &Path, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "--grid",
            "k=1,2",
            "--seeds",
            "1",
            "--steps",
            "20",
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ganscope(&args)
    };
    let o = sweep(&three, &["--set", THREE]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&three.join("sweep.csv"));
    for c in ["classes", "jsd_c1", "jsd_c2", "jsd_c3"] {
        assert!(h.contains(&c.to_string()), "{c}: {h:?}");
    }
    let o = sweep(&plain, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!header(&plain.join("sweep.csv")).contains(&"classes".to_string()));
    let o = sweep(
        &two,
        &["--set", "target=classes(normal(-2, 0.5), normal(2, 0.5))"],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let merged = tmp("merged");
    for other in [&plain, &two] {
        let o = ganscope(&[
            "sweep",
            "--merge",
            three.join("sweep.csv").to_str().unwrap(),
            other.join("sweep.csv").to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
        assert!(e.contains("different numbers of classes"), "{e}");
        assert!(!merged.join("sweep.csv").exists(), "nothing written");
    }

    // A grid over targets with different numbers of classes is refused
    // before anything runs.
    let mixed = tmp("mixed");
    let o = ganscope(&[
        "sweep",
        "--grid",
        "target=classes(normal(-2, 0.5), normal(2, 0.5)),normal(0, 1)",
        "--seeds",
        "1",
        "--steps",
        "10",
        "--out",
        mixed.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("same number of classes"),
        "{}",
        stderr(&o)
    );
    assert!(!mixed.join("sweep.csv").exists());
    for d in [three, plain, two, merged, mixed] {
        let _ = std::fs::remove_dir_all(&d);
    }
}

/// What a conditional run cannot take is refused before anything is
/// written: one line, exit 2.
#[test]
fn train_refuses_a_classes_target_with_the_oracle_or_the_dirac_gan() {
    for (set, what) in [
        ("d_model=oracle", "needs d_model = mlp, not oracle"),
        ("g_model=constant", "needs g_model = mlp, not constant"),
        ("d_model=linear", "needs d_model = mlp, not linear"),
    ] {
        let dir = tmp(&format!("refused-{}", set.replace('=', "-")));
        let o = ganscope(&[
            "train",
            "--set",
            THREE,
            "--set",
            set,
            "--steps",
            "5",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{set}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(what), "{set}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{set}: one line: {e}");
        assert!(!dir.exists(), "{set}: nothing written");
    }
}
