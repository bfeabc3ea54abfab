// Throwaway: train a config over seeds, print exact final metrics.
use ganscope::gan::{Config, Trainer};
use ganscope::theory::{Grid, Theory, bin_masses};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seeds: u64 = args[1].parse().unwrap();
    let mut cfg = Config::default();
    for kv in &args[2..] {
        let (k, v) = kv.split_once('=').unwrap();
        cfg.set(k, v).unwrap();
    }
    let t0 = std::time::Instant::now();
    for seed in 0..seeds {
        let mut c = cfg.clone();
        c.seed = seed;
        let mut t = Trainer::new(c.clone()).unwrap();
        let s = std::time::Instant::now();
        t.run(c.steps);
        let sps = c.steps as f64 / s.elapsed().as_secs_f64();
        let target = t.target().clone();
        let m = 65536;
        let pts = t.config().prior.z_points(m);
        let xs = t.generate(&pts.z);
        let lo = xs
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(f64::INFINITY, f64::min);
        let hi = xs
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        let grid = Grid::for_target(&target, Some((lo, hi)), 1024);
        let p = bin_masses(&grid, &target);
        let mut q = vec![0.0; grid.len()];
        ganscope::theory::pushforward_masses(&grid, &xs, &pts.seg_mass, &mut q);
        let centres = grid.centres();
        let logits = t.d_raw(&centres);
        let th = Theory::compute(&grid, &p, &q, Some(&logits), &target.modes());
        // max |D - 1/2| where p_data has mass
        let d = t.d_display(&centres);
        let mut dev: f64 = 0.0;
        for i in 0..grid.len() {
            if p[i] / grid.width() > 0.05 * 1.0 {
                dev = dev.max((d[i] - 0.5).abs());
            }
        }
        if std::env::var("FIG").is_ok() && seed == 0 {
            use ganscope::cli::figure::*;
            let w = grid.width();
            let n = grid.n();
            let fig = FigureData {
                title: "tune".into(),
                subtitle: format!("jsd {:.4}", th.jsd),
                x: centres[1..=n].to_vec(),
                p_data: p[1..=n].iter().map(|m| m / w).collect(),
                p_g: q[1..=n].iter().map(|m| m / w).collect(),
                d: d[1..=n].to_vec(),
                d_star: th.d_star[1..=n].to_vec(),
                d_label: "D(x)".into(),
                d_star_label: "D*(x)".into(),
                d_is_probability: true,
                z_map: (0..40)
                    .map(|i| {
                        let z = -1.0 + 2.0 * (i as f64 + 0.5) / 40.0;
                        (z, t.generate(&[z])[0])
                    })
                    .collect(),
                optimal_map: vec![],
            };
            write_png(std::path::Path::new("/tmp/tune.png"), &fig).unwrap();
        }
        println!(
            "seed {seed}: state {:?} jsd {:.5} c_g {:.4} v {:?} w1 {:.4} modes {}/{} hq {:.3} maxdev {:.3} sps {:.0}",
            t.state(),
            th.jsd,
            th.c_g,
            th.v,
            th.w1,
            th.modes.covered,
            th.modes.total,
            th.modes.high_quality,
            dev,
            sps
        );
    }
    eprintln!("total {:?}", t0.elapsed());
}
