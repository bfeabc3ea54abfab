//! The config: TOML in and out, unknown keys, malformed TOML, `--set` for
//! every key, and the validation messages.

use ganscope::gan::keys::KEYS;
use ganscope::gan::{Config, ConfigError, LossKind, Prior};
use ganscope::nn::{Activation, OptimizerKind};

#[test]
fn default_is_valid_and_round_trips_through_toml() {
    let c = Config::default();
    c.validate().unwrap();
    let text = c.to_toml_string().unwrap();
    for key in KEYS.iter().map(|k| k.name) {
        assert!(
            text.contains(&format!("{key} =")),
            "{key} missing from\n{text}"
        );
    }
    assert_eq!(Config::from_toml_str(&text).unwrap(), c);
}

#[test]
fn a_changed_config_round_trips() {
    let mut c = Config::default();
    for (k, v) in [
        ("target", "0.3*normal(-2, 0.5) + 0.7*laplace(2, 1)"),
        ("g_hidden", "[]"),
        ("loss", "wgan-gp"),
        ("lr_d", "0.000123456789"),
        ("seed", "9223372036854775807"),
        ("pack", "4"),
        ("prior", "normal"),
    ] {
        c.set(k, v).unwrap();
    }
    c.validate().unwrap();
    let back = Config::from_toml_str(&c.to_toml_string().unwrap()).unwrap();
    assert_eq!(back, c);
}

#[test]
fn a_partial_file_keeps_defaults_and_accepts_hyphens() {
    let c = Config::from_toml_str("loss = \"non-saturating\"\nk = 3\n").unwrap();
    assert_eq!(c.loss, LossKind::NonSaturating);
    assert_eq!(c.k, 3);
    assert_eq!(c.batch, Config::default().batch);
    let c = Config::from_toml_str("loss = \"wgan-gp\"").unwrap();
    assert_eq!(c.loss, LossKind::WganGp);
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let e = Config::from_toml_str("k = 2\nlearning_rate = 0.1\n").unwrap_err();
    assert!(
        matches!(&e, ConfigError::UnknownKey { key, line: Some(2), .. } if key == "learning_rate"),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("learning_rate") && msg.contains("line 2") && msg.contains("lr_d"),
        "{msg}"
    );
}

#[test]
fn malformed_toml_names_the_line() {
    let e = Config::from_toml_str("k = 2\nbatch = 64\nlr_d = = 3\n").unwrap_err();
    assert!(matches!(e, ConfigError::Toml { line: 3, .. }), "{e:?}");
    assert!(e.to_string().starts_with("config line 3:"), "{e}");
    // A type error points at its line too.
    let e = Config::from_toml_str("\n\nbatch = \"many\"\n").unwrap_err();
    assert!(matches!(e, ConfigError::Toml { line: 3, .. }), "{e:?}");
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn set_reaches_every_key() {
    let values = [
        ("target", "modes(3, 2, 0.2)"),
        ("prior", "normal"),
        ("latent_dim", "3"),
        ("g_hidden", "16,8"),
        ("d_hidden", "[64, 64, 64]"),
        ("activation", "tanh"),
        ("loss", "hinge"),
        ("optimizer", "rmsprop"),
        ("lr_d", "2e-4"),
        ("lr_g", "5e-5"),
        ("beta1", "0.1"),
        ("beta2", "0.9"),
        ("k", "0"),
        ("k_g", "7"),
        ("batch", "33"),
        ("seed", "42"),
        ("steps", "123"),
        ("instance_noise", "0.25"),
        ("r1", "1.5"),
        ("clip", "0.05"),
        ("gp", "3"),
        ("pack", "3"),
        ("label_smoothing", "0.1"),
        ("gp_one_sided", "true"),
        ("lr_end", "0.1"),
        ("lr_decay_from", "0.25"),
        ("dataset", "64"),
        ("update", "extragradient"),
        ("consensus_gamma", "2.5"),
        ("g_model", "constant"),
        ("d_model", "linear"),
        ("noise_schedule", "constant"),
        ("noise_draws", "stratified"),
        ("init_scale", "0.1"),
        ("conditioning", "projection"),
    ];
    assert_eq!(values.len(), KEYS.len());
    let mut c = Config::default();
    for (k, v) in values {
        let before = c.clone();
        c.set(k, v).unwrap();
        assert_ne!(c, before, "--set {k}={v} changed nothing");
    }
    c.validate().unwrap();
    // The oracle D judges one sample with an exact p_g: not packs of 3.
    c.set("d_model", "oracle").unwrap();
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("d_model = oracle needs pack = 1"), "{e}");
    c.set("d_model", "linear").unwrap();
    c.validate().unwrap();
    assert_eq!(c.prior, Prior::Normal);
    assert_eq!(c.g_hidden, vec![16, 8]);
    assert_eq!(c.d_hidden, vec![64, 64, 64]);
    assert_eq!(c.activation, Activation::Tanh);
    assert_eq!(c.optimizer, OptimizerKind::Rmsprop);
    assert_eq!(c.lr_g, 5e-5);
    c.set_pair("k_g=2").unwrap();
    assert_eq!(c.k_g, 2);
    assert_eq!(c.update, ganscope::gan::UpdateRule::Extragradient);
    assert_eq!(
        (c.g_model, c.d_model),
        (
            ganscope::gan::GModel::Constant,
            ganscope::gan::DModel::Linear
        )
    );
    // Names are forgiving about case and hyphens; others are refused with the list.
    c.set("update", "Consensus").unwrap();
    let e = c.set("update", "adam").unwrap_err().to_string();
    assert!(
        e.contains("alternating, simultaneous, extragradient, optimistic, consensus"),
        "{e}"
    );
    let e = c.set("d_model", "exact").unwrap_err().to_string();
    assert!(e.contains("mlp, linear, oracle"), "{e}");
    assert!(c.set("init_scale", "0").is_ok() && c.validate().is_err());
}

#[test]
fn set_rejects_unknown_keys_and_bad_values() {
    let mut c = Config::default();
    let e = c.set("lr", "0.1").unwrap_err().to_string();
    assert!(
        e.contains("`lr`") && e.contains("lr_d") && e.contains("label_smoothing"),
        "{e}"
    );
    for (k, v) in [
        ("batch", "-3"),
        ("batch", "many"),
        ("g_hidden", "32,x"),
        ("loss", "wasserstein"),
        ("activation", "swish"),
        ("optimizer", "lbfgs"),
        ("prior", "cauchy"),
        ("lr_d", "fast"),
    ] {
        let e = c.set(k, v).unwrap_err();
        assert!(matches!(e, ConfigError::BadValue { .. }), "{k}={v}: {e:?}");
        assert!(e.to_string().contains(k), "{e}");
    }
    assert_eq!(c, Config::default(), "a failed set must change nothing");
}

fn invalid(key: &str, value: &str) -> String {
    let mut c = Config::default();
    c.set(key, value).unwrap();
    c.validate().unwrap_err().to_string()
}

#[test]
fn validation_messages_name_key_and_value() {
    assert_eq!(
        invalid("lr_d", "-1"),
        "lr_d must be positive and finite, got -1"
    );
    assert_eq!(
        invalid("lr_g", "inf"),
        "lr_g must be positive and finite, got inf"
    );
    assert_eq!(invalid("batch", "0"), "batch must be at least 1, got 0");
    assert_eq!(
        invalid("batch", "2000000"),
        "batch must be at most 1048576, got 2000000"
    );
    assert_eq!(
        invalid("g_hidden", "32,5000"),
        "g_hidden widths must be in 1..=4096, got 5000"
    );
    assert_eq!(
        invalid("d_hidden", "0"),
        "d_hidden widths must be in 1..=4096, got 0"
    );
    assert_eq!(invalid("k", "1001"), "k must be at most 1000, got 1001");
    assert_eq!(invalid("k_g", "5000"), "k_g must be at most 1000, got 5000");
    assert_eq!(
        invalid("latent_dim", "0"),
        "latent_dim must be in 1..=64, got 0"
    );
    assert_eq!(invalid("pack", "65"), "pack must be in 1..=64, got 65");
    assert_eq!(invalid("beta1", "1"), "beta1 must be in [0, 1), got 1");
    assert_eq!(
        invalid("label_smoothing", "0.5"),
        "label_smoothing must be in [0, 0.5), got 0.5"
    );
    assert_eq!(
        invalid("r1", "-0.1"),
        "r1 must be finite and at least 0, got -0.1"
    );
    assert_eq!(
        invalid("seed", "18446744073709551615"),
        "seed must be at most 9223372036854775807, got 18446744073709551615"
    );
    let mut c = Config::default();
    c.set("batch", "3").unwrap();
    c.set("pack", "4").unwrap();
    assert_eq!(
        c.validate().unwrap_err().to_string(),
        "batch must be at least pack (4), got 3"
    );
    // The spec parser's own message is kept.
    let e = invalid("target", "normal(0, -1)");
    assert!(e.starts_with("target: ") && e.contains("column"), "{e}");
    assert!(matches!(
        Config {
            target: "nrmal(0,1)".into(),
            ..Config::default()
        }
        .validate(),
        Err(ConfigError::Target(_))
    ));
}

#[test]
fn extreme_but_legal_values_are_accepted() {
    let mut c = Config::default();
    for (k, v) in [
        ("lr_d", "1e3"),
        ("lr_g", "1000"),
        ("k", "0"),
        ("k_g", "0"),
        ("k", "1000"),
        ("batch", "1"),
        ("pack", "1"),
        ("g_hidden", "4096"),
        ("latent_dim", "64"),
        ("batch", "1048576"),
        ("pack", "64"),
    ] {
        c.set(k, v).unwrap();
        c.validate()
            .unwrap_or_else(|e| panic!("{k}={v} rejected: {e}"));
    }
}
