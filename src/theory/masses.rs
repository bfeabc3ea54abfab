//! Bin masses of an analytic density, from its CDF.
//!
//! # Formula
//! P₀ = F(lo), Pₖ = F(bₖ) − F(bₖ₋₁) for k = 1..=n, Pₙ₊₁ = S(hi) = 1 − F(hi).
//! Edges above the median use the survival function, Pₖ = S(bₖ₋₁) − S(bₖ), so
//! that upper-tail bins keep their relative precision; the bin that straddles
//! the median is 1 − F(bₖ₋₁) − S(bₖ). The switch happens at the first edge
//! with F > ½, so no quantile is needed. The sum telescopes to 1 up to rounding.
//!
//! # Non-finite values
//! A CDF that returns NaN gives NaN masses in the bins it touches; a mass that
//! rounding makes negative is set to 0.

use super::grid::Grid;
use crate::density::{Mixture, Univariate};

/// The n + 2 bin masses of `d` on `grid`.
pub fn bin_masses<D: Univariate>(grid: &Grid, d: &D) -> Vec<f64> {
    let mut out = vec![0.0; grid.len()];
    bin_masses_into(grid, d, &mut out);
    out
}

/// [`bin_masses`] into a caller's buffer of length n + 2.
///
/// # Panics
/// `out.len() != grid.len()`.
pub fn bin_masses_into<D: Univariate>(grid: &Grid, d: &D, out: &mut [f64]) {
    assert_eq!(out.len(), grid.len(), "mass buffer length");
    let n = grid.n();
    // Lower side: F at edges while F ≤ ½; from the first edge past the median
    // on, S. (No quantile call: the median is found on the way.)
    let mut prev_f = d.cdf(grid.edge(0));
    let mut prev_upper = prev_f > 0.5;
    let mut prev_s = if prev_upper { d.sf(grid.edge(0)) } else { 0.0 };
    out[0] = if prev_upper { 1.0 - prev_s } else { prev_f };
    for (k, slot) in out.iter_mut().enumerate().take(n + 1).skip(1) {
        let x = grid.edge(k);
        if !prev_upper {
            let f = d.cdf(x);
            if f <= 0.5 {
                *slot = f - prev_f;
                prev_f = f;
                continue;
            }
            // The bin that straddles the median.
            let s = d.sf(x);
            *slot = 1.0 - prev_f - s;
            prev_s = s;
            prev_upper = true;
        } else {
            let s = d.sf(x);
            *slot = prev_s - s;
            prev_s = s;
        }
    }
    out[n + 1] = if prev_upper { prev_s } else { 1.0 - prev_f };
    for m in out.iter_mut() {
        if *m < 0.0 {
            *m = 0.0;
        }
    }
}

/// The continuous part of a mixture, renormalised to a probability.
struct ContinuousPart<'a> {
    mix: &'a Mixture,
    mass: f64,
}

impl Univariate for ContinuousPart<'_> {
    fn ln_pdf(&self, x: f64) -> f64 {
        self.mix.ln_pdf(x) - self.mass.ln()
    }
    fn cdf(&self, x: f64) -> f64 {
        (self.mix.cdf_continuous(x) / self.mass).clamp(0.0, 1.0)
    }
    fn sf(&self, x: f64) -> f64 {
        (self.mix.sf_continuous(x) / self.mass).clamp(0.0, 1.0)
    }
    fn quantile(&self, u: f64) -> f64 {
        self.mix.quantile(u)
    }
    fn support(&self) -> (f64, f64) {
        self.mix.support()
    }
    fn tails(&self) -> [crate::density::Tail; 2] {
        self.mix.tails()
    }
    fn mean(&self) -> Option<f64> {
        None
    }
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.mix.sample(rng)
    }
}

/// The bin masses of a mixture's *continuous* part: [`bin_masses`] when it
/// has no atoms; otherwise the masses of the non-`dirac` terms, summing to
/// their share 1 − Σ atoms (all 0 for a pure point mass). Its atoms are
/// [`Mixture::atoms`], kept beside the bins (see [`super::atoms`]).
pub fn continuous_bin_masses(grid: &Grid, mix: &Mixture) -> Vec<f64> {
    if !mix.has_atoms() {
        return bin_masses(grid, mix);
    }
    let mass = mix.continuous_mass();
    if mass <= 0.0 {
        return vec![0.0; grid.len()];
    }
    let mut out = bin_masses(grid, &ContinuousPart { mix, mass });
    out.iter_mut().for_each(|m| *m *= mass);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;

    #[test]
    fn normal_masses_sum_to_one_and_match_cdf() {
        let d = parse_spec("0.3*normal(-2, 0.5) + 0.7*cauchy(2, 1)").unwrap();
        let g = Grid::for_target(&d, None, 257);
        let m = bin_masses(&g, &d);
        let s: f64 = m.iter().sum();
        assert!((s - 1.0).abs() < 1e-14, "sum {s}");
        for (k, &mk) in m.iter().enumerate().skip(1).take(g.n()) {
            let want = d.cdf(g.edge(k)) - d.cdf(g.edge(k - 1));
            assert!((mk - want).abs() < 1e-14);
        }
        assert!((m[0] - d.cdf(g.lo())).abs() < 1e-16);
        assert!((m[g.n() + 1] - d.sf(g.hi())).abs() < 1e-16);
    }

    #[test]
    fn atoms_stay_out_of_the_bins() {
        let d = parse_spec("0.25*dirac(0.3) + 0.75*uniform(0, 1)").unwrap();
        let g = Grid::new(0.0, 1.0, 4).unwrap();
        let m = continuous_bin_masses(&g, &d);
        for (k, want) in [0.0, 0.1875, 0.1875, 0.1875, 0.1875, 0.0]
            .iter()
            .enumerate()
        {
            assert!((m[k] - want).abs() < 1e-15, "{m:?}");
        }
        assert_eq!(d.atoms(), vec![(0.3, 0.25)]);
        let pure = parse_spec("dirac(2)").unwrap();
        assert!(continuous_bin_masses(&g, &pure).iter().all(|&m| m == 0.0));
    }

    #[test]
    fn far_upper_tail_keeps_precision() {
        let d = parse_spec("normal(0, 1)").unwrap();
        let g = Grid::new(8.0, 9.0, 2).unwrap();
        let m = bin_masses(&g, &d);
        // scipy: norm.sf(8) = 6.22096057427174e-16, norm.sf(8.5) = 9.47953482220325e-18
        let rel = m[1] / (6.220_960_574_271_74e-16 - 9.479_534_822_203_25e-18) - 1.0;
        // statrs' erfc is good to ~1e-10 relative this far out.
        assert!(rel.abs() < 1e-9, "relative error {rel:e}");
        assert!(m[0] > 1.0 - 1e-14);
    }
}
