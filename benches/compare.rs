//! ganscope's native engine against PyTorch on the same machine, in one
//! command:
//!
//! ```text
//! pip install torch            # once; the CPU is enough
//! cargo bench --bench compare
//! ```
//!
//! For each size of `common::SIZES` it times the native trainer for about
//! three seconds, runs `benches/torch_gan.py` (the same model in PyTorch)
//! with the same batch, width and thread count, and prints a table of
//! steps per second with the ratio and the goal of issue 5. The two engines
//! take turns for `COMPARE_ROUNDS` rounds (default 3) and the table gives
//! each one's median, so that a machine whose speed drifts (a shared VM)
//! slows both alike; the spread of the per-round ratios is printed below.
//! `PYTHON` names the interpreter (default `python3`); `COMPARE_SECONDS`
//! the time budget per engine, size and round.

use std::process::Command;
use std::time::{Duration, Instant};

mod common;

/// Steps per second of the native trainer at `size`, measured for `budget`.
fn native(size: common::Size, budget: Duration) -> f64 {
    let pool = common::pool(size);
    let mut trainer = common::trainer(size);
    pool.install(|| {
        trainer.run(20);
        let (mut n, mut chunk) = (0u64, 1u64);
        let t0 = Instant::now();
        loop {
            trainer.run(chunk);
            n += chunk;
            let elapsed = t0.elapsed();
            if elapsed >= budget {
                return n as f64 / elapsed.as_secs_f64();
            }
            if elapsed < budget / 10 {
                chunk *= 2;
            }
        }
    })
}

/// The median of a non-empty list (the mean of the middle two when even).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let h = v.len() / 2;
    if v.len() % 2 == 1 {
        v[h]
    } else {
        (v[h - 1] + v[h]) / 2.0
    }
}

/// Steps per second of the PyTorch twin, or why there is none.
fn torch(size: common::Size, budget: Duration) -> Result<(f64, String), String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/torch_gan.py");
    let out = Command::new(&python)
        .arg(script)
        .args(["--batch", &size.batch.to_string()])
        .args(["--hidden", &size.hidden.to_string()])
        .args(["--threads", &size.threads.to_string()])
        .args(["--seconds", &budget.as_secs_f64().to_string()])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").to_string();
        return Err(if last.contains("No module named 'torch'") {
            "PyTorch is not installed (pip install torch)".into()
        } else {
            format!("torch_gan.py failed: {last}")
        });
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("torch_gan.py printed no JSON: {e}"))?;
    let sps = v["steps_per_sec"]
        .as_f64()
        .ok_or("torch_gan.py printed no steps_per_sec")?;
    Ok((sps, v["torch"].as_str().unwrap_or("?").to_string()))
}

fn main() {
    let secs: f64 = std::env::var("COMPARE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(secs);
    let rounds: usize = std::env::var("COMPARE_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!("ganscope native vs PyTorch: G and D 1→h→h→1 ReLU, Adam, non-saturating, k = 1");
    println!(
        "{cpu}, {} logical cores, {secs} s per engine, size and round, {rounds} rounds taken in turns\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<6} {:>6} {:>6} {:>7} {:>16} {:>16} {:>8} {:>6}",
        "size", "batch", "hidden", "threads", "ganscope step/s", "PyTorch step/s", "ratio", "goal"
    );
    // COMPARE_SIZES=small (or large) runs one size only, for profiling.
    let only = std::env::var("COMPARE_SIZES").ok();
    let mut notes = Vec::new();
    for (size, goal) in common::SIZES.into_iter().zip([10.0, 1.0]) {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|n| n == size.name))
        {
            continue;
        }
        let (mut ours, mut theirs_all, mut failed) = (Vec::new(), Vec::new(), None);
        for _ in 0..rounds {
            ours.push(native(size, budget));
            if failed.is_none() {
                match torch(size, budget) {
                    Ok((t, version)) => {
                        theirs_all.push(t);
                        if !notes.iter().any(|n: &String| n.contains("PyTorch ")) {
                            notes.push(format!("PyTorch {version}"));
                        }
                    }
                    Err(e) => failed = Some(e),
                }
            }
        }
        let ours_med = median(&ours);
        let (theirs, ratio) = match failed {
            Some(e) => {
                if !notes.contains(&e) {
                    notes.push(e);
                }
                ("—".into(), "—".into())
            }
            None => {
                let t = median(&theirs_all);
                let per_round: Vec<f64> =
                    ours.iter().zip(&theirs_all).map(|(o, t)| o / t).collect();
                let lo = per_round.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = per_round.iter().copied().fold(0.0, f64::max);
                notes.push(format!(
                    "{}: per-round ratios {lo:.2}–{hi:.2}× over {rounds} rounds",
                    size.name
                ));
                (format!("{t:.1}"), format!("{:.2}×", ours_med / t))
            }
        };
        let ours = ours_med;
        println!(
            "{:<6} {:>6} {:>6} {:>7} {:>16.1} {:>16} {:>8} {:>6}",
            size.name,
            size.batch,
            size.hidden,
            size.threads,
            ours,
            theirs,
            ratio,
            format!("≥ {goal}")
        );
    }
    for n in notes {
        println!("\n{n}");
    }
}
