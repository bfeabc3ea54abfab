//! Steps per second of the default config (G and D 1 → 32 → 32 → 1,
//! batch 256, k = 1, Adam). Ignored by default; run optimised with
//! `cargo test --release --test gan_throughput -- --ignored --nocapture`.

use std::time::Instant;

use ganscope::gan::{Config, Trainer};

#[test]
#[ignore = "a measurement, not a check; run with --ignored in an optimised build"]
fn default_config_throughput() {
    let c = Config::default();
    assert_eq!((c.batch, c.k, c.k_g), (256, 1, 1));
    let mut t = Trainer::new(c).unwrap();
    t.run(200); // warm up
    let n = 3000;
    let start = Instant::now();
    t.run(n);
    let secs = start.elapsed().as_secs_f64();
    let snap_start = Instant::now();
    let s = t.snapshot();
    let snap_ms = snap_start.elapsed().as_secs_f64() * 1e3;
    eprintln!(
        "{n} steps in {secs:.3} s: {:.0} steps/s; snapshot {snap_ms:.1} ms; JSD {:.4}",
        n as f64 / secs,
        s.theory.jsd
    );
}
