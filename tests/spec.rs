//! The spec grammar: round trips, every error with its column, and no panic on
//! any string built from the grammar's characters.

use ganscope::density::{Univariate, parse_spec};
use proptest::prelude::*;

fn err(spec: &str) -> ganscope::density::SpecError {
    parse_spec(spec).expect_err(spec)
}

#[test]
fn examples_parse_and_print_back() {
    for spec in [
        "normal(0, 1)",
        "0.3*normal(-2, 0.5) + 0.7*laplace(2, 1)",
        "uniform(-1, 1)",
        "cauchy(0, 2)",
        "student_t(3, 0, 1)",
        "lognormal(0, 0.5)",
        "exponential(1.5)",
        "gamma(2, 0.5)",
        "beta(2, 5)",
        "modes(8, 4, 0.25)",
        "2*normal(0, 1) + 1e-3*cauchy(5, 0.1)",
    ] {
        let d = parse_spec(spec).unwrap();
        let printed = d.to_string();
        assert_eq!(parse_spec(&printed).unwrap(), d, "{spec} -> {printed}");
    }
    assert_eq!(
        parse_spec("  normal( -2 ,0.5 )+laplace(2,1)")
            .unwrap()
            .to_string(),
        "normal(-2, 0.5) + laplace(2, 1)"
    );
}

#[test]
fn weights_are_renormalised() {
    let d = parse_spec("3*normal(0, 1) + 1*normal(10, 1)").unwrap();
    assert_eq!(d.weights(), &[0.75, 0.25]);
    // 0.75·Φ(5) + 0.25·Φ(−5), from scipy.stats.norm
    assert!((d.cdf(5.0) - 0.7499998566742141).abs() < 1e-12);
}

#[test]
fn unknown_family_suggests_and_points() {
    let e = err("norml(0,1)");
    assert!(e.message.contains("unknown family 'norml'"), "{e}");
    assert!(e.message.contains("did you mean 'normal'"), "{e}");
    assert_eq!(e.column(), 1);
    assert_eq!(e.caret(), "  norml(0,1)\n  ^^^^^");
    let e = err("0.5*normal(0,1) + 0.5*lapalce(1, 2)");
    assert!(e.message.contains("did you mean 'laplace'"), "{e}");
    assert_eq!(e.column(), 23);
    let e = err("zebra(1)");
    assert!(e.message.contains("known families: normal, uniform"), "{e}");
}

#[test]
fn parameter_errors_name_the_parameter() {
    let e = err("normal(0,-1)");
    assert!(e.message.contains("sigma"), "{e}");
    assert_eq!(e.column(), 10);
    assert!(
        err("uniform(1, 0)")
            .message
            .contains("b must be greater than a")
    );
    assert!(
        err("modes(0,1,1)")
            .message
            .contains("n must be a whole number")
    );
    assert!(err("modes(2.5,1,1)").message.contains("n must be"));
    assert!(err("gamma(-1, 1)").message.contains("shape"));
    assert!(err("beta(1, 0)").message.contains("b must be positive"));
    assert!(err("exponential(0)").message.contains("rate"));
}

#[test]
fn malformed_specs_each_give_one_clear_error() {
    let cases = [
        ("0*normal(0,1)", "weight must be positive", 1),
        (
            "normal(0,1",
            "expected ',' or ')', found the end of the spec",
            11,
        ),
        ("normal(nan,1)", "expected a number for mu, found 'nan'", 8),
        ("normal(inf,1)", "found 'inf'", 8),
        ("", "empty spec", 1),
        ("   ", "empty spec", 1),
        (
            "normal(0,1,2)",
            "normal takes 2 parameters (mu, sigma), got 3",
            12,
        ),
        (
            "normal(0)",
            "normal takes 2 parameters (mu, sigma), got 1",
            1,
        ),
        ("normal(0,1) +", "expected a family", 14),
        (
            "normal(0,1) normal(1,1)",
            "expected '+' or the end of the spec",
            13,
        ),
        ("0.5 normal(0,1)", "expected '*' after the weight", 5),
        ("normal(0,1e400)", "out of range", 10),
        ("normal(0,1)$", "found '$'", 12),
        ("-1*normal(0,1)", "weight must be positive", 1),
        ("normal(,1)", "expected a number for mu, found ','", 8),
    ];
    for (spec, msg, col) in cases {
        let e = err(spec);
        assert!(e.message.contains(msg), "{spec:?}: {e}");
        assert_eq!(e.column(), col, "{spec:?}: {e}");
        assert!(!e.message.contains('\n'), "one line: {e}");
    }
}

/// Strings made of the grammar's pieces: family names, numbers, symbols and noise.
fn grammar_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("normal".to_string()),
        Just("modes".to_string()),
        Just("uniform".to_string()),
        Just("beta".to_string()),
        Just("student_t".to_string()),
        Just("cauchy".to_string()),
        Just("gamma".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
        Just("+".to_string()),
        Just("*".to_string()),
        Just(" ".to_string()),
        Just("-".to_string()),
        Just(".".to_string()),
        Just("e".to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
        (-1e3..1e3f64).prop_map(|v| format!("{v:.3}")),
        (0u32..20).prop_map(|v| v.to_string()),
        "[a-z_0-9().,+*eE -]{1,4}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100_000))]

    #[test]
    fn no_string_makes_the_parser_panic(s in grammar_soup()) {
        match parse_spec(&s) {
            Ok(d) => {
                // Whatever parses is a valid density that prints back to itself.
                prop_assert_eq!(parse_spec(&d.to_string()).unwrap(), d.clone());
                let x = d.quantile(0.5);
                prop_assert!(!x.is_nan());
            }
            Err(e) => {
                prop_assert!(e.offset <= s.chars().count());
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
