//! The command line through its real binary: outputs, files, exit codes.

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

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ganscope-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn theory_normal_pair_matches_closed_forms() {
    let o = ganscope(&[
        "theory",
        "--p",
        "normal(0,1)",
        "--q",
        "normal(1,1)",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    // mpmath, mp.dps = 30: JSD(N(0,1), N(1,1)) = 0.111421482186945...
    assert!(
        (v["jsd"].as_f64().unwrap() - 0.111_421_482_186_945).abs() < 1e-9,
        "{v}"
    );
    assert!((v["kl_pq"].as_f64().unwrap() - 0.5).abs() < 1e-8);
    assert!((v["kl_qp"].as_f64().unwrap() - 0.5).abs() < 1e-8);
    assert!((v["w1"].as_f64().unwrap() - 1.0).abs() < 1e-8);
    let c = v["c_g"].as_f64().unwrap();
    assert!((c - (-(4f64.ln()) + 2.0 * 0.111_421_482_186_945)).abs() < 1e-9);
}

#[test]
fn theory_disjoint_and_identical() {
    let v = json(&ganscope(&[
        "theory",
        "--p",
        "uniform(0,1)",
        "--q",
        "uniform(2,3)",
        "--json",
    ]));
    assert!((v["jsd"].as_f64().unwrap() - std::f64::consts::LN_2).abs() < 1e-12);
    assert!(v["kl_pq"].is_null() && v["kl_qp"].is_null(), "{v}");
    assert!((v["w1"].as_f64().unwrap() - 2.0).abs() < 1e-12);
    let v = json(&ganscope(&[
        "theory",
        "--p",
        "0.3*normal(-2,0.5)+0.7*laplace(2,1)",
        "--q",
        "0.3*normal(-2,0.5)+0.7*laplace(2,1)",
        "--json",
    ]));
    for k in ["jsd", "kl_pq", "kl_qp", "w1"] {
        assert_eq!(v[k].as_f64(), Some(0.0), "{k}: {v}");
    }
    // Heavy against light tails: infinite, and said so with null.
    let v = json(&ganscope(&[
        "theory",
        "--p",
        "cauchy(0,1)",
        "--q",
        "normal(0,1)",
        "--json",
    ]));
    assert!(
        v["kl_pq"].is_null() && v["w1"].is_null() && v["kl_qp"].is_number(),
        "{v}"
    );
}

#[test]
fn theory_table_is_aligned_text() {
    let o = ganscope(&["theory", "--p", "normal(0,1)", "--q", "uniform(-1,1)"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("JSD(p‖q)") && out.contains("KL(p‖q)") && out.contains('∞'),
        "{out}"
    );
}

#[test]
fn bad_specs_exit_2_with_one_clear_error() {
    let o = ganscope(&["theory", "--p", "norml(0,1)", "--q", "normal(0,1)"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("unknown family 'norml'") && e.contains("did you mean 'normal'"),
        "{e}"
    );
    assert!(
        e.contains("\n  norml(0,1)\n  ^^^^^"),
        "caret under the column: {e}"
    );
    let o = ganscope(&["theory", "--p", "normal(0,-1)", "--q", "normal(0,1)"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sigma"));
    for bad in [
        "0*normal(0,1)",
        "normal(0,1",
        "normal(nan,1)",
        "modes(0,1,1)",
        "",
    ] {
        let o = ganscope(&["theory", "--p", bad, "--q", "normal(0,1)"]);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        let e = stderr(&o);
        assert_eq!(
            e.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{bad:?}: {e}"
        );
        assert!(o.stdout.is_empty());
    }
    let o = ganscope(&["theory", "--p", "normal(0,1)"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

#[test]
fn presets_lists_the_lessons() {
    let o = ganscope(&["presets"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for name in [
        "goodfellow",
        "vanishing-gradients",
        "mode-collapse",
        "mode-collapse-rescued",
        "wgan",
        "instance-noise",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(name) && l.len() > name.len() + 10),
            "{name}: {out}"
        );
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn train_writes_the_four_files_and_reproduces() {
    let a = tmp("a");
    let b = tmp("b");
    for dir in [&a, &b] {
        let o = ganscope(&[
            "train",
            "--preset",
            "goodfellow",
            "--steps",
            "300",
            "--seed",
            "7",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(
        files(&a),
        ["config.toml", "figure.png", "metrics.csv", "summary.json"]
    );
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("summary.json")).unwrap()).unwrap();
    for k in [
        "steps",
        "seconds",
        "steps_per_sec",
        "diverged",
        "diverged_at",
    ] {
        assert!(s.get(k).is_some(), "{k}: {s}");
    }
    for k in [
        "jsd",
        "c_g",
        "v",
        "kl_data_g",
        "kl_g_data",
        "w1",
        "modes_covered",
        "modes_total",
        "high_quality",
    ] {
        assert!(s["final"].get(k).is_some(), "final.{k}: {s}");
    }
    assert_eq!(s["steps"], 300);
    assert!(s["steps_per_sec"].as_f64().unwrap() > 0.0);
    // Same config and seed: byte-identical metrics.
    assert_eq!(
        std::fs::read(a.join("metrics.csv")).unwrap(),
        std::fs::read(b.join("metrics.csv")).unwrap()
    );
    // The written config reproduces the run.
    let c = tmp("c");
    let o = ganscope(&[
        "train",
        "--config",
        a.join("config.toml").to_str().unwrap(),
        "--out",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(a.join("metrics.csv")).unwrap(),
        std::fs::read(c.join("metrics.csv")).unwrap()
    );
    // The PNG is the figure's size.
    let png = std::fs::read(a.join("figure.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let (w, h) = (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    );
    assert_eq!((w, h), (1600, 1000));
    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn train_bad_input_exits_2_and_writes_nothing() {
    let dir = tmp("bad");
    let out = dir.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--preset", "goodfelow"], "unknown preset 'goodfelow'"),
        (&["--set", "lr=1"], "unknown config key `lr`"),
        (&["--set", "lr_d=-1"], "lr_d must be positive"),
        (&["--set", "batch=0"], "batch must be at least 1"),
        (&["--set", "target=norml(0,1)"], "unknown family 'norml'"),
        (&["--set", "k"], "expected KEY=VALUE"),
    ];
    for (args, msg) in cases {
        let mut a = vec!["train", "--steps", "10", "--out", out];
        a.extend_from_slice(args);
        let o = ganscope(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(msg), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
        assert!(files(&dir).is_empty(), "{args:?} left {:?}", files(&dir));
    }
    // Malformed TOML names the line.
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("broken.toml");
    std::fs::write(&cfg, "target = \"normal(0, 1)\"\nlr_d = = 3\n").unwrap();
    let o = ganscope(&[
        "train",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    std::fs::write(
        &cfg,
        "target = \"normal(0, 1)\"\nbatch = 64\nlearning_rate = 3\n",
    )
    .unwrap();
    let o = ganscope(&[
        "train",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("learning_rate") && stderr(&o).contains("line 3"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("o").join("summary.json").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unwritable_out_is_an_io_failure() {
    // A path below a regular file cannot be a directory.
    let dir = tmp("file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plain");
    std::fs::write(&file, "x").unwrap();
    let o = ganscope(&[
        "train",
        "--steps",
        "10",
        "--out",
        file.join("sub").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    assert_eq!(files(&dir), ["plain"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn train_backend_choice_that_is_not_there_exits_2_in_one_line() {
    let dir = tmp("backend");
    let out = dir.to_str().unwrap();
    let mut cases: Vec<(Vec<&str>, &str)> = vec![(
        vec!["--device", "cuda"],
        "the native backend runs on the CPU only",
    )];
    if !cfg!(feature = "candle") {
        cases.push((
            vec!["--backend", "candle"],
            "built without the candle backend",
        ));
    }
    // With `cuda` built, a machine with a GPU may honour the request.
    if !cfg!(feature = "cuda") {
        cases.push((
            vec!["--backend", "candle", "--device", "cuda"],
            if cfg!(feature = "candle") {
                "built without CUDA"
            } else {
                "built without the candle backend"
            },
        ));
    }
    for (args, msg) in cases {
        let mut a = vec!["train", "--steps", "10", "--out", out];
        a.extend_from_slice(&args);
        let o = ganscope(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(msg), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
        assert!(files(&dir).is_empty(), "{args:?} left {:?}", files(&dir));
    }
}

#[cfg(feature = "candle")]
#[test]
fn train_on_candle_names_its_backend_and_reproduces() {
    let run = |name: &str, backend: &str| -> serde_json::Value {
        let dir = tmp(name);
        let o = ganscope(&[
            "train",
            "--steps",
            "60",
            "--backend",
            backend,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        let _ = std::fs::remove_dir_all(dir);
        s
    };
    let (a, b, n) = (run("c1", "candle"), run("c2", "candle"), run("n", "native"));
    assert_eq!(
        (a["backend"].as_str(), a["device"].as_str()),
        (Some("candle"), Some("cpu"))
    );
    assert_eq!(n["backend"].as_str(), Some("native"));
    // The same run bit for bit, and the native run within float noise.
    assert_eq!(a["final"], b["final"]);
    let jsd = |s: &serde_json::Value| s["final"]["jsd"].as_f64().unwrap();
    assert!(
        (jsd(&a) - jsd(&n)).abs() < 1e-4,
        "{} vs {}",
        jsd(&a),
        jsd(&n)
    );
}
