//! `ganscope theory --p SPEC --q SPEC [--json]`: the exact divergences between
//! two target densities.

use super::{CliError, CliResult};
use crate::density::parse_spec;
use crate::theory::exact::{Divergences, divergences};
use std::io::Write;

/// Compute and print the divergences between `p` and `q`.
pub fn run(p: &str, q: &str, json: bool, out: &mut dyn Write) -> CliResult {
    let pd = parse_spec(p).map_err(|e| CliError::spec("--p", &e))?;
    let qd = parse_spec(q).map_err(|e| CliError::spec("--q", &e))?;
    let d = divergences(&pd, &qd);
    let text = if json {
        to_json(&pd.to_string(), &qd.to_string(), &d)
    } else {
        table(&pd.to_string(), &qd.to_string(), &d)
    };
    writeln!(out, "{text}").map_err(|e| CliError::failure(format!("cannot write the result: {e}")))
}

fn to_json(p: &str, q: &str, d: &Divergences) -> String {
    serde_json::json!({
        "p": p,
        "q": q,
        "jsd": d.jsd,
        "kl_pq": d.kl_pq,
        "kl_qp": d.kl_qp,
        "w1": d.w1,
        "c_g": d.c_g,
        "hellinger2": d.hellinger2,
        "chi2_pearson": d.chi2_pearson,
        "chi2_neyman": d.chi2_neyman,
        "tv": d.tv,
    })
    .to_string()
}

fn show(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{v:.10}"),
        None => "∞".to_string(),
    }
}

fn table(p: &str, q: &str, d: &Divergences) -> String {
    let rows = [
        (
            "JSD(p‖q)",
            show(Some(d.jsd)),
            "Jensen–Shannon divergence, 0 … ln 2",
        ),
        ("KL(p‖q)", show(d.kl_pq), "∫ p ln(p/q)"),
        ("KL(q‖p)", show(d.kl_qp), "∫ q ln(q/p)"),
        ("W1(p, q)", show(d.w1), "∫ |F_p − F_q| dx"),
        (
            "C(G)",
            show(Some(d.c_g)),
            "−ln 4 + 2·JSD, the GAN value at the optimal D with p_g = q",
        ),
        (
            "H²(p, q)",
            show(Some(d.hellinger2)),
            "squared Hellinger distance 1 − ∫ √(pq), 0 … 1",
        ),
        ("χ²(p‖q)", show(d.chi2_pearson), "Pearson: ∫ (p − q)²/q"),
        ("χ²(q‖p)", show(d.chi2_neyman), "Neyman: ∫ (p − q)²/p"),
        (
            "TV(p, q)",
            show(Some(d.tv)),
            "total variation ½ ∫ |p − q|, 0 … 1",
        ),
    ];
    let mut s = format!("p = {p}\nq = {q}\n");
    for (name, value, what) in rows {
        s.push_str(&format!("{name:<10} {value:>15}   {what}\n"));
    }
    s.pop();
    s
}
