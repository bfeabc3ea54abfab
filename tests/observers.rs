//! D as a two-sample test, the finite training set, and the observers'
//! own random streams.

mod common;

use common::run_seeds;
use ganscope::gan::{Backend, Config, GanError, NativeBackend, Trainer};
use ganscope::nn::Mlp;

/// N(0, 1) data, a linear G from N(0, 1) noise, frozen (k_g = 0), D a
/// 32×32 leaky-ReLU classifier trained on fresh batches of 1 000.
fn frozen_g_config(seed: u64) -> Config {
    let mut c = Config::default();
    for (k, v) in [
        ("target", "normal(0, 1)"),
        ("prior", "normal"),
        ("g_hidden", "[]"),
        ("d_hidden", "[32, 32]"),
        ("loss", "non_saturating"),
        ("k", "1"),
        ("k_g", "0"),
        ("batch", "1000"),
        ("lr_d", "1e-3"),
    ] {
        c.set(k, v).expect("a valid setting");
    }
    c.seed = seed;
    c
}

/// A trainer whose G is the map x = a·z + b.
fn with_g(config: Config, a: f32, b: f32) -> Trainer {
    Trainer::with_backend(config, |mut init| {
        init.g.set_params_flat(&[a, b])?;
        Ok::<_, GanError>(Box::new(NativeBackend::new(init)?) as Box<dyn Backend>)
    })
    .expect("a valid trainer")
}

/// Steps D is trained for before it is scored.
const D_STEPS: u64 = 300;

/// p_g = N(0, 2) against p_data = N(0, 1), sample size 1 000: the means
/// agree, the spreads do not. After 300 D steps on fresh batches, scored on
/// 1 000 + 1 000 held-out samples, the t-test passes p_g while KS and D (the
/// classifier test) reject it.
#[test]
fn the_t_test_passes_the_wrong_spread_ks_and_d_reject_it() {
    let runs = run_seeds(0..10, 2, |seed| {
        let mut t = with_g(frozen_g_config(seed), 2.0, 0.0);
        t.run(D_STEPS);
        let o = t.snapshot().observed;
        assert_eq!(o.n, 1000, "the batch size is the sample size");
        let c2st = o.c2st.expect("D is a classifier");
        (o.t.p, o.ks.p, c2st.statistic, c2st.p)
    });
    let table: String = runs
        .iter()
        .enumerate()
        .map(|(s, r)| {
            format!(
                "  seed {s}: t p {:.3e}  KS p {:.3e}  C2ST accuracy {:.3} p {:.3e}\n",
                r.0, r.1, r.2, r.3
            )
        })
        .collect();
    let good = runs
        .iter()
        .filter(|r| r.0 > 0.05 && r.1 < 0.01 && r.3 < 0.01)
        .count();
    assert!(good >= 8, "{good}/10 seeds, want >= 8\n{table}");
}

/// With p_g = p_data every test keeps its level: a sanity check that the
/// rejections above are the spread's doing.
#[test]
fn the_same_distribution_is_not_rejected() {
    let runs = run_seeds(0..10, 2, |seed| {
        let mut t = with_g(frozen_g_config(seed), 1.0, 0.0);
        t.run(100);
        let o = t.snapshot().observed;
        (o.t.p, o.ks.p, o.c2st.expect("a classifier").p)
    });
    let passed = runs
        .iter()
        .filter(|r| r.0 > 0.01 && r.1 > 0.01 && r.2 > 0.01)
        .count();
    assert!(passed >= 8, "{runs:?}");
}

fn bits(m: &Mlp<f32>) -> Vec<u32> {
    m.params_flat().iter().map(|x| x.to_bits()).collect()
}

fn small(dataset: usize) -> Config {
    let mut c = Config::default();
    c.set("batch", "32").expect("valid");
    c.set("g_hidden", "[8]").expect("valid");
    c.set("d_hidden", "[8]").expect("valid");
    c.dataset = dataset;
    c.seed = 11;
    c
}

/// Taking snapshots (the two-sample tests, D's accuracies, the empirical
/// theory) at any cadence never changes the run.
#[test]
fn observing_a_run_never_changes_its_bits() {
    for dataset in [0, 16] {
        let mut watched = Trainer::new(small(dataset)).expect("valid");
        let mut alone = Trainer::new(small(dataset)).expect("valid");
        let mut first = None;
        for _ in 0..40 {
            watched.step();
            let s = watched.snapshot();
            first.get_or_insert(s.observed);
            alone.step();
        }
        assert_eq!(bits(watched.generator()), bits(alone.generator()));
        assert_eq!(bits(watched.discriminator()), bits(alone.discriminator()));
        let (a, b) = (watched.step(), alone.step());
        assert_eq!(a.loss_d.map(f64::to_bits), b.loss_d.map(f64::to_bits));
        // The same moment shows the same numbers, however often it is asked.
        assert_eq!(watched.snapshot().observed, watched.snapshot().observed);
        let (sw, sa) = (watched.snapshot(), alone.snapshot());
        assert_eq!(sw.observed, sa.observed);
        assert_eq!(sw.theory.jsd.to_bits(), sa.theory.jsd.to_bits());
    }
}

/// With `dataset = N`, every real sample D sees is one of the N, and the N
/// depend only on the target, N and the seed.
#[test]
fn d_sees_only_the_training_set() {
    let mut t = Trainer::new(small(5)).expect("valid");
    let set: Vec<f32> = t
        .dataset()
        .expect("a training set")
        .samples()
        .iter()
        .map(|&x| x as f32)
        .collect();
    assert_eq!(set.len(), 5);
    for _ in 0..10 {
        t.step();
        assert!(
            t.last_real_batch().iter().all(|x| set.contains(x)),
            "{:?} not all in {set:?}",
            t.last_real_batch()
        );
    }
    // Other networks and rates, the same set; another seed, another set.
    let mut other = small(5);
    other.set("k", "3").expect("valid");
    other.set("d_hidden", "[16, 16]").expect("valid");
    let same = Trainer::new(other).expect("valid");
    assert_eq!(
        same.dataset().expect("a set").samples(),
        t.dataset().expect("a set").samples()
    );
    let mut reseeded = small(5);
    reseeded.seed = 12;
    let t2 = Trainer::new(reseeded).expect("valid");
    assert_ne!(
        t2.dataset().expect("a set").samples(),
        t.dataset().expect("a set").samples()
    );
    // Without a data set, D's batches are fresh draws: never repeated.
    let mut fresh = Trainer::new(small(0)).expect("valid");
    fresh.step();
    let b1 = fresh.last_real_batch().to_vec();
    fresh.step();
    assert!(b1.iter().all(|x| !fresh.last_real_batch().contains(x)));
    assert!(fresh.dataset().is_none());
}

/// The empirical theory: against the smoothed training set, with the
/// smoothing named; none without a data set.
#[test]
fn the_snapshot_reports_the_theory_against_the_data_set() {
    let mut t = Trainer::new(small(200)).expect("valid");
    t.run(20);
    let s = t.snapshot();
    let e = s.empirical.as_ref().expect("dataset > 0");
    assert_eq!(e.n, 200);
    assert!(e.note.contains("frequency polygon"), "{}", e.note);
    assert_eq!(e.rug.len(), 200);
    let th = e.theory.as_ref().expect("smoothed");
    assert!(th.jsd > 0.0 && th.jsd <= std::f64::consts::LN_2);
    let mass: f64 = e.p_mass.iter().sum();
    assert!((mass - 1.0).abs() < 1e-9, "{mass}");
    assert_ne!(th.jsd, s.theory.jsd, "p_data and the set differ");
    let none = Trainer::new(small(0)).expect("valid").snapshot();
    assert!(none.empirical.is_none());
    assert!(none.observed.acc_train.is_none(), "no D step yet");
}

/// A Wasserstein critic has no threshold at ½: no accuracy, no C2ST; the
/// t-test and KS do not need D.
#[test]
fn a_critic_is_not_scored_as_a_classifier() {
    let mut c = small(0);
    c.set("loss", "wgan").expect("valid");
    let mut t = Trainer::new(c).expect("valid");
    t.run(3);
    let o = t.snapshot().observed;
    assert!(o.c2st.is_none() && o.acc_train.is_none() && o.acc_fresh.is_none());
    assert!(o.t.p.is_finite() && o.ks.p.is_finite());
}

/// `dataset` is 0 or at least 2.
#[test]
fn a_data_set_of_one_is_refused() {
    let mut c = Config::default();
    c.set("dataset", "1").expect("parses");
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("dataset"), "{e}");
    c.set("dataset", "2").expect("parses");
    c.validate().expect("2 is enough");
}

/// With `dataset = 0` the trainer's stream is the one it always was: the
/// goodfellow lesson, seed 3, 300 steps ends at the JSD that
/// `ganscope train --preset goodfellow --steps 300 --seed 3` printed into
/// metrics.csv before the data set and the observers existed (commit
/// f670329). Every other lesson's metrics.csv matched that build's too,
/// column for column, when this was written.
#[test]
fn dataset_zero_keeps_the_stream_of_before() {
    let mut c = common::preset("goodfellow");
    c.seed = 3;
    let mut t = Trainer::new(c).expect("valid");
    t.run(300);
    assert_eq!(t.snapshot().theory.jsd, 0.28189446981380295);
}

/// A point-mass target (`dirac`) with a finite training set: sampling
/// works (the set is N copies of x₀ and D sees nothing else), the sample
/// tests run on it, and the set, having no spread, has no smoothing: the
/// empirical theory and `jsd_empirical` are not applicable and the figure
/// draws only the rug.
#[test]
fn a_dirac_target_takes_a_data_set_without_a_smoothing() {
    let mut c = common::preset("dirac-gan");
    c.dataset = 16;
    c.validate()
        .expect("a dirac target with a data set is valid");
    let mut t = Trainer::new(c).expect("valid");
    assert_eq!(t.dataset().expect("a set").samples(), &[0.0; 16]);
    let mut last = None;
    for _ in 0..50 {
        last = Some(t.step());
        assert!(t.last_real_batch().iter().all(|&x| x == 0.0));
    }
    let s = t.snapshot();
    let e = s.empirical.as_ref().expect("dataset > 0");
    assert_eq!(e.n, 16);
    assert!(e.theory.is_none() && e.p.is_empty(), "no smoothing");
    assert!(e.note.contains("no spread"), "{}", e.note);
    assert_eq!(e.rug, vec![0.0; 16]);
    let record = ganscope::report::Record::new(&s, &last.expect("stepped"));
    assert_eq!(
        record.by_name("jsd_empirical"),
        ganscope::report::Value::Missing
    );
    let fig = ganscope::report::figure::figure_data(&s, "dirac");
    assert!(fig.p_empirical.is_empty());
    assert_eq!(fig.rug.len(), 16);
    // Real samples all at 0 against G's point θ ≠ 0: both tests reject.
    let o = s.observed;
    assert!(o.t.p < 0.01 && o.ks.p < 0.01, "{o:?}");
    assert!(o.acc_train.is_some() && o.acc_fresh.is_some());
}

/// With `d_model = oracle` the D the classifier test judges is the exact
/// optimum: on p_data = N(2, 0.5²) against a linear G at N(0, 0.5²) and at
/// N(4, 0.5²) its accuracy is the Bayes classifier's, ½ + ½·TV, on both
/// sides (a fixed network, never trained, cannot be right on both). The
/// oracle refuses a finite training set.
#[test]
fn the_oracle_is_the_d_the_classifier_test_judges() {
    use ganscope::density::parse_spec;
    use ganscope::theory::exact::divergences;
    let config = common::preset("oracle-d");
    let data = parse_spec(&config.target).expect("a spec");
    for b in [0.0f32, 4.0] {
        let t = with_g(config.clone(), 0.5, b);
        let o = t.snapshot().observed;
        let c2st = o.c2st.expect("the oracle is a classifier");
        let q = parse_spec(&format!("normal({b}, 0.5)")).expect("a spec");
        let bayes = 0.5 + 0.5 * divergences(&data, &q).tv;
        // 2 × 256 verdicts: a binomial sd of 0.007 at 0.977.
        assert!(
            (c2st.statistic - bayes).abs() < 0.03,
            "G at {b}: accuracy {} against the Bayes {bayes}",
            c2st.statistic
        );
        assert!(c2st.p < 1e-6);
        assert!(o.acc_train.is_none(), "no D step: no training batch");
    }
    let mut c = config;
    c.dataset = 16;
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("d_model = oracle needs dataset = 0"), "{e}");
}
