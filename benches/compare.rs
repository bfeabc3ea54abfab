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
//! steps per second with the ratio and the goal of issue 5. `PYTHON`
//! names the interpreter (default `python3`); `COMPARE_SECONDS` the time
//! budget per engine and size.

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
        "{cpu}, {} logical cores, {secs} s per engine and size\n",
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
        let ours = native(size, budget);
        let (theirs, ratio) = match torch(size, budget) {
            Ok((t, version)) => {
                if !notes.iter().any(|n: &String| n.contains("PyTorch ")) {
                    notes.push(format!("PyTorch {version}"));
                }
                (format!("{t:.1}"), format!("{:.2}×", ours / t))
            }
            Err(e) => {
                if !notes.contains(&e) {
                    notes.push(e);
                }
                ("—".into(), "—".into())
            }
        };
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
