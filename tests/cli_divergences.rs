//! `ganscope train` with the f-GAN losses and the oracle D, through the real
//! binary: the f-divergence, its bound and their gap in `metrics.csv` and
//! `summary.json`, the LSGAN divergence under its own name, and the oracle
//! on both engines.

mod common;

use common::tmp;
use std::process::{Command, Output};

fn ganscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn train(
    dir: &std::path::Path,
    args: &[&str],
) -> (Vec<csv::StringRecord>, Vec<String>, serde_json::Value) {
    let d = dir.to_string_lossy().into_owned();
    let mut a = vec!["train", "--out", d.as_str()];
    a.extend_from_slice(args);
    let o = ganscope(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(dir.join("metrics.csv")).expect("metrics.csv");
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    let summary =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    (rows, header, summary)
}

#[test]
fn an_f_gan_run_reports_its_divergence_and_bound() {
    let dir = tmp("fgan-run");
    let (rows, header, s) = train(
        &dir,
        &[
            "--preset",
            "f-gan",
            "--set",
            "loss=fgan_hellinger",
            "--steps",
            "300",
        ],
    );
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (df, bound, gap) = (col("f_divergence"), col("f_bound"), col("f_gap"));
    for row in &rows {
        let (a, b, g): (f64, f64, f64) = (
            row[df].parse().unwrap(),
            row[bound].parse().unwrap(),
            row[gap].parse().unwrap(),
        );
        assert!(b <= a + 1e-12, "the bound is below D_f: {a} {b}");
        assert!((a - b - g).abs() < 1e-12);
        // Hellinger's D_f = ∫(√p − √q)² is at most 2.
        assert!((0.0..=2.0).contains(&a), "{a}");
    }
    let f = &s["final"];
    assert!(
        f["f_divergence"].as_f64().is_some() && f["f_bound"].as_f64().is_some(),
        "{s}"
    );
    assert!(
        f.get("lsgan_chi2").is_some() && f.get("pearson_chi2").is_none(),
        "{s}"
    );
    // The GAN losses have no f-GAN pair: empty in CSV, null in JSON.
    let dir = tmp("gan-run");
    let (rows, header, s) = train(&dir, &["--preset", "goodfellow", "--steps", "50"]);
    let i = header.iter().position(|h| h == "f_divergence").unwrap();
    assert!(rows.iter().all(|r| r[i].is_empty()));
    assert!(s["final"]["f_divergence"].is_null());
}

#[test]
fn the_oracle_trains_on_both_engines_or_says_why_not() {
    let dir = tmp("oracle-native");
    let (rows, header, _) = train(&dir, &["--preset", "oracle-d", "--steps", "200"]);
    let (jsd, gap, loss_d) = (
        header.iter().position(|h| h == "jsd").unwrap(),
        header.iter().position(|h| h == "gap").unwrap(),
        header.iter().position(|h| h == "loss_d").unwrap(),
    );
    let first: f64 = rows[0][jsd].parse().unwrap();
    let last: f64 = rows[rows.len() - 1][jsd].parse().unwrap();
    assert!(last < first, "JSD {first} -> {last}");
    for r in &rows {
        assert!(r[gap].parse::<f64>().unwrap().abs() < 1e-9, "V = C(G)");
        assert!(r[loss_d].is_empty(), "no D step");
    }
    let o = ganscope(&[
        "train", "--preset", "oracle-d", "--set", "pack=2", "--steps", "5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("d_model = oracle needs pack = 1"));
    if cfg!(feature = "candle") {
        let dir = tmp("oracle-candle");
        let (rows, ..) = train(
            &dir,
            &[
                "--preset",
                "oracle-d",
                "--steps",
                "200",
                "--backend",
                "candle",
            ],
        );
        let last_c: f64 = rows[rows.len() - 1][jsd].parse().unwrap();
        assert!(
            (last_c - last).abs() < 1e-4,
            "candle {last_c} vs native {last}"
        );
    }
}
