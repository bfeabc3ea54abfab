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

/// A sweep.csv as (header, rows), every field as text.
fn sweep_csv(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("sweep.csv")).expect("sweep.csv");
    let mut lines = text.lines().map(|l| {
        // No field of these sweeps is quoted (plain keys and numbers).
        l.split(',').map(str::to_string).collect::<Vec<String>>()
    });
    let header = lines.next().expect("a header");
    (header, lines.collect())
}

/// Rows with the `seconds` column dropped: what must match bit for bit.
fn without_seconds(header: &[String], rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let s = header.iter().position(|h| h == "seconds").expect("seconds");
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            r.remove(s);
            r
        })
        .collect()
}

fn png_size(path: &Path) -> (u32, u32) {
    let png = std::fs::read(path).expect("a PNG");
    assert_eq!(&png[1..4], b"PNG");
    (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    )
}

const SMALL_SWEEP: [&str; 11] = [
    "sweep",
    "--preset",
    "mode-collapse",
    "--grid",
    "k=1,2",
    "--grid",
    "lr_g=1e-3,1e-2",
    "--seeds",
    "2",
    "--steps",
    "150",
];

#[test]
fn sweep_rows_in_grid_order_shards_merge_back() {
    let full = tmp("sweep-full");
    let mut args = SMALL_SWEEP.to_vec();
    args.extend(["--out", full.to_str().unwrap()]);
    let o = ganscope(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("8 runs"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(files(&full), ["heatmap.png", "sweep.csv"]);
    let (header, rows) = sweep_csv(&full);
    assert_eq!(
        header.join(","),
        "run,k,lr_g,seed,jsd,c_g,v,kl_data_g,kl_g_data,w1,modes_covered,modes_total,high_quality,diverged,diverged_at,steps,seconds"
    );
    assert_eq!(rows.len(), 8);
    // Grid order (the first key slowest), then the seed.
    let order: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} {} {}", r[0], r[1], r[2], r[3]))
        .collect();
    assert_eq!(
        order,
        [
            "0 1 1e-3 0",
            "1 1 1e-3 1",
            "2 1 1e-2 0",
            "3 1 1e-2 1",
            "4 2 1e-3 0",
            "5 2 1e-3 1",
            "6 2 1e-2 0",
            "7 2 1e-2 1"
        ]
    );
    for r in &rows {
        assert_eq!(r[11], "2", "modes_total of modes(2, 8, 0.3)");
        assert_eq!(r[15], "150", "steps");
        let jsd: f64 = r[4].parse().unwrap();
        assert!(
            (0.0..=std::f64::consts::LN_2 + 1e-12).contains(&jsd),
            "{r:?}"
        );
    }
    // Two panels side by side for a mixture target: JSD and modes covered.
    assert_eq!(png_size(&full.join("heatmap.png")), (2000, 760));

    // A row is the same run as `train` with that config: bit for bit.
    let one = tmp("sweep-one");
    let o = ganscope(&[
        "train",
        "--preset",
        "mode-collapse",
        "--set",
        "k=2",
        "--set",
        "lr_g=1e-2",
        "--seed",
        "1",
        "--steps",
        "150",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Compared as the text written: serde_json's default float parser may
    // be one ulp off, and both files print the shortest round-trip form.
    let summary = std::fs::read_to_string(one.join("summary.json")).unwrap();
    let fin = &summary[summary.find("\"final\"").expect("a final object")..];
    let field = |key: &str| -> String {
        let at = fin.find(&format!("\"{key}\": ")).expect(key) + key.len() + 4;
        fin[at..]
            .split([',', '\n', '}'])
            .next()
            .unwrap()
            .trim()
            .to_string()
    };
    let row = &rows[7];
    assert_eq!(field("jsd"), row[4]);
    assert_eq!(field("w1"), row[9]);
    assert_eq!(field("modes_covered"), row[10]);

    // Two shards, merged, give the same rows; the same sweep again too.
    let (s1, s2, merged) = (tmp("shard1"), tmp("shard2"), tmp("merged"));
    for (shard, dir) in [("1/2", &s1), ("2/2", &s2)] {
        let mut args = SMALL_SWEEP.to_vec();
        args.extend(["--shard", shard, "--out", dir.to_str().unwrap()]);
        let o = ganscope(&args);
        assert!(o.status.success(), "{shard}: {}", stderr(&o));
        assert_eq!(sweep_csv(dir).1.len(), 4, "{shard}");
    }
    // Merged in the "wrong" order: the output is canonical anyway.
    let o = ganscope(&[
        "sweep",
        "--merge",
        s2.join("sweep.csv").to_str().unwrap(),
        s1.join("sweep.csv").to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&merged), ["heatmap.png", "sweep.csv"]);
    let (mh, mrows) = sweep_csv(&merged);
    assert_eq!(mh, header);
    assert_eq!(
        without_seconds(&mh, &mrows),
        without_seconds(&header, &rows)
    );

    // The same shard twice is refused.
    let o = ganscope(&[
        "sweep",
        "--merge",
        s1.join("sweep.csv").to_str().unwrap(),
        s1.join("sweep.csv").to_str().unwrap(),
        "--out",
        tmp("twice").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    for d in [full, one, s1, s2, merged] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn sweep_bad_input_exits_2_and_writes_nothing() {
    let dir = tmp("sweep-bad");
    let out = dir.to_str().unwrap();
    // A table whose header is not the sweep's.
    let other = tmp("sweep-other");
    std::fs::create_dir_all(&other).unwrap();
    let good = other.join("a.csv");
    std::fs::write(
        &good,
        "run,k,seed,jsd,c_g,v,kl_data_g,kl_g_data,w1,modes_covered,modes_total,high_quality,diverged,diverged_at,steps,seconds\n0,1,0,0.1,-1,-1,,,0.5,1,1,1,false,,10,0.01\n",
    )
    .unwrap();
    let mismatched = other.join("b.csv");
    std::fs::write(
        &mismatched,
        "run,lr_g,seed,jsd,c_g,v,kl_data_g,kl_g_data,w1,modes_covered,modes_total,high_quality,diverged,diverged_at,steps,seconds\n1,1e-3,0,0.1,-1,-1,,,0.5,1,1,1,false,,10,0.01\n",
    )
    .unwrap();
    let not_a_sweep = other.join("c.csv");
    std::fs::write(&not_a_sweep, "step,jsd\n0,0.5\n").unwrap();
    let (g, m, n) = (
        good.to_str().unwrap(),
        mismatched.to_str().unwrap(),
        not_a_sweep.to_str().unwrap(),
    );
    let cases: [(&[&str], &str); 11] = [
        (&["--grid", "lr=1,2"], "unknown config key `lr`"),
        (&["--grid", "lr_d=1e-3,-1"], "lr_d must be positive"),
        (&["--grid", "k=1,two"], "--grid k=two"),
        (&["--grid", "k="], "no values"),
        (&["--grid", "k=1,,2"], "empty"),
        (&[], "at least one --grid"),
        (&["--grid", "k=1,2", "--shard", "3/2"], "--shard"),
        (&["--grid", "k=1,2", "--shard", "0/2"], "--shard"),
        (&["--grid", "k=1,2", "--seeds", "0"], "--seeds"),
        (&["--merge", g, m], "differ"),
        (&["--merge", n], "not a sweep.csv"),
    ];
    for (args, msg) in cases {
        let mut a = vec![
            "sweep",
            "--preset",
            "goodfellow",
            "--steps",
            "10",
            "--out",
            out,
        ];
        if args.first() == Some(&"--merge") {
            a = vec!["sweep", "--out", out];
        }
        a.extend_from_slice(args);
        let o = ganscope(&a);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(msg), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert!(files(&dir).is_empty(), "{args:?} left {:?}", files(&dir));
    }
    let _ = std::fs::remove_dir_all(other);
}

#[test]
fn sweep_ctrl_c_keeps_the_finished_rows() {
    let dir = tmp("sweep-int");
    // 2 000 runs of 40 steps: far more than can finish before the signal.
    let child = Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args([
            "sweep",
            "--preset",
            "goodfellow",
            "--grid",
            "lr_g=1e-4,2e-4,3e-4,4e-4,5e-4,6e-4,7e-4,8e-4,9e-4,1e-3",
            "--seeds",
            "200",
            "--steps",
            "40",
            "--out",
            dir.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let o = child.wait_with_output().expect("the sweep ends");
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.starts_with("error: interrupted"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    if dir.join("sweep.csv").exists() {
        let (_, rows) = sweep_csv(&dir);
        assert!(!rows.is_empty() && rows.len() < 2000, "{} rows", rows.len());
        let runs: Vec<usize> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        assert!(runs.windows(2).all(|w| w[0] < w[1]), "canonical order");
        assert!(rows.iter().all(|r| r[14] == "40"), "only finished runs");
    } else {
        assert!(e.contains("before any run finished"), "{e}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn train_gif_plays_the_run() {
    let dir = tmp("gif");
    let o = ganscope(&[
        "train",
        "--preset",
        "goodfellow",
        "--steps",
        "400",
        "--gif",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        files(&dir),
        [
            "config.toml",
            "figure.png",
            "metrics.csv",
            "summary.json",
            "training.gif"
        ]
    );
    let bytes = std::fs::read(dir.join("training.gif")).unwrap();
    assert!(bytes.len() < 4_000_000, "{} bytes", bytes.len());
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut d = opts.read_info(bytes.as_slice()).expect("a GIF");
    assert_eq!((d.width(), d.height()), (800, 500));
    let mut frames = 0;
    let mut changed = 0;
    while let Some(f) = d.read_next_frame().expect("a frame") {
        frames += 1;
        // After the first, a frame stores only what changed; a 1×1 frame is no change.
        if f.width > 1 {
            changed += 1;
        }
        assert!(f.left + f.width <= 800 && f.top + f.height <= 500);
    }
    // 400 steps: a frame every 5 steps and the first, 81 in all.
    assert_eq!(frames, 81);
    assert!(changed > 60, "{changed} of {frames} frames changed");
    // Without --gif there is no GIF.
    let plain = tmp("gif-none");
    let o = ganscope(&["train", "--steps", "20", "--out", plain.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(!plain.join("training.gif").exists());
    for d in [dir, plain] {
        let _ = std::fs::remove_dir_all(d);
    }
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

#[test]
fn sweep_backend_choice_that_is_not_there_exits_2_in_one_line() {
    let dir = tmp("sweep-backend");
    let out = dir.to_str().unwrap();
    let mut cases: Vec<Vec<&str>> = vec![vec!["--device", "cuda"]];
    if !cfg!(feature = "candle") {
        cases.push(vec!["--backend", "candle"]);
    }
    if !cfg!(feature = "cuda") {
        cases.push(vec!["--backend", "candle", "--device", "cuda"]);
    }
    for args in cases {
        let mut a = vec!["sweep", "--grid", "k=1,2", "--steps", "10", "--out", out];
        a.extend_from_slice(&args);
        let o = ganscope(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("cuda") || e.contains("candle"), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
        assert!(files(&dir).is_empty(), "{args:?} left {:?}", files(&dir));
    }
}

#[cfg(feature = "candle")]
#[test]
fn sweep_on_candle_reproduces_and_follows_the_native_runs() {
    let sweep = |name: &str, backend: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let dir = tmp(name);
        let o = ganscope(&[
            "sweep",
            "--grid",
            "k=1,2",
            "--seeds",
            "2",
            "--steps",
            "40",
            "--backend",
            backend,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let (h, rows) = sweep_csv(&dir);
        let rows = without_seconds(&h, &rows);
        let _ = std::fs::remove_dir_all(dir);
        (h, rows)
    };
    let (h, a) = sweep("sc1", "candle");
    let (_, b) = sweep("sc2", "candle");
    let (_, n) = sweep("sn", "native");
    assert_eq!(a.len(), 4);
    // Bit for bit on candle, whatever thread ran which run.
    assert_eq!(a, b);
    // And the native runs within float noise: the same final JSD to 1e-4.
    let jsd = h.iter().position(|c| c == "jsd").expect("a jsd column");
    for (x, y) in a.iter().zip(&n) {
        let (x, y): (f64, f64) = (x[jsd].parse().unwrap(), y[jsd].parse().unwrap());
        assert!((x - y).abs() < 1e-4, "{x} vs {y}");
    }
}
