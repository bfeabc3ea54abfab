//! The families of the spec grammar, one file each, and the [`Family`] enum
//! that dispatches to them.

mod beta;
mod cauchy;
mod dirac;
mod exponential;
mod gamma;
mod laplace;
mod lognormal;
mod modes;
mod normal;
mod student_t;
mod uniform;

pub use beta::Beta;
pub use cauchy::Cauchy;
pub use dirac::Dirac;
pub use exponential::Exponential;
pub use gamma::Gamma;
pub use laplace::Laplace;
pub use lognormal::LogNormal;
pub use modes::{MAX_MODES, Modes};
pub use normal::Normal;
pub use student_t::StudentT;
pub use uniform::Uniform;

use super::{DensityError, Tail, Univariate};
use rand::Rng;
use std::fmt;

/// One family of the grammar with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    Normal(Normal),
    Uniform(Uniform),
    Laplace(Laplace),
    Cauchy(Cauchy),
    StudentT(StudentT),
    LogNormal(LogNormal),
    Exponential(Exponential),
    Gamma(Gamma),
    Beta(Beta),
    Modes(Modes),
    /// A point mass (an atom, not a density).
    Dirac(Dirac),
}

/// The name and parameter names of every family, as the grammar spells them.
pub const FAMILIES: &[(&str, &[&str])] = &[
    ("normal", &["mu", "sigma"]),
    ("uniform", &["a", "b"]),
    ("laplace", &["mu", "b"]),
    ("cauchy", &["x0", "gamma"]),
    ("student_t", &["nu", "mu", "sigma"]),
    ("lognormal", &["mu", "sigma"]),
    ("exponential", &["rate"]),
    ("gamma", &["shape", "scale"]),
    ("beta", &["a", "b"]),
    ("modes", &["n", "spacing", "sigma"]),
    ("dirac", &["x0"]),
];

macro_rules! dispatch {
    ($self:expr, $d:ident => $e:expr) => {
        match $self {
            Family::Normal($d) => $e,
            Family::Uniform($d) => $e,
            Family::Laplace($d) => $e,
            Family::Cauchy($d) => $e,
            Family::StudentT($d) => $e,
            Family::LogNormal($d) => $e,
            Family::Exponential($d) => $e,
            Family::Gamma($d) => $e,
            Family::Beta($d) => $e,
            Family::Modes($d) => $e,
            Family::Dirac($d) => $e,
        }
    };
}

impl Family {
    /// Build a family from its grammar name and parameters.
    ///
    /// # Errors
    /// [`DensityError::Param`] for a parameter out of its domain. The caller
    /// checks the name and the number of parameters (see [`FAMILIES`]).
    pub fn from_params(name: &str, p: &[f64]) -> Result<Family, DensityError> {
        Ok(match (name, p) {
            ("normal", &[mu, sigma]) => Family::Normal(Normal::new(mu, sigma)?),
            ("uniform", &[a, b]) => Family::Uniform(Uniform::new(a, b)?),
            ("laplace", &[mu, b]) => Family::Laplace(Laplace::new(mu, b)?),
            ("cauchy", &[x0, g]) => Family::Cauchy(Cauchy::new(x0, g)?),
            ("student_t", &[nu, mu, s]) => Family::StudentT(StudentT::new(nu, mu, s)?),
            ("lognormal", &[mu, s]) => Family::LogNormal(LogNormal::new(mu, s)?),
            ("exponential", &[rate]) => Family::Exponential(Exponential::new(rate)?),
            ("gamma", &[k, theta]) => Family::Gamma(Gamma::new(k, theta)?),
            ("beta", &[a, b]) => Family::Beta(Beta::new(a, b)?),
            ("modes", &[n, spacing, s]) => Family::Modes(Modes::new(n, spacing, s)?),
            ("dirac", &[x0]) => Family::Dirac(Dirac::new(x0)?),
            _ => {
                return Err(DensityError::Param {
                    family: "family",
                    param: "name",
                    requirement: "a known family with its parameters",
                    value: f64::NAN,
                });
            }
        })
    }

    /// The grammar name.
    pub fn name(&self) -> &'static str {
        match self {
            Family::Normal(_) => "normal",
            Family::Uniform(_) => "uniform",
            Family::Laplace(_) => "laplace",
            Family::Cauchy(_) => "cauchy",
            Family::StudentT(_) => "student_t",
            Family::LogNormal(_) => "lognormal",
            Family::Exponential(_) => "exponential",
            Family::Gamma(_) => "gamma",
            Family::Beta(_) => "beta",
            Family::Modes(_) => "modes",
            Family::Dirac(_) => "dirac",
        }
    }

    /// The parameters in grammar order.
    pub fn params(&self) -> Vec<f64> {
        match *self {
            Family::Normal(d) => vec![d.mu, d.sigma],
            Family::Uniform(d) => vec![d.a, d.b],
            Family::Laplace(d) => vec![d.mu, d.b],
            Family::Cauchy(d) => vec![d.x0, d.gamma],
            Family::StudentT(d) => vec![d.nu, d.mu, d.sigma],
            Family::LogNormal(d) => vec![d.mu, d.sigma],
            Family::Exponential(d) => vec![d.rate],
            Family::Gamma(d) => vec![d.shape, d.scale],
            Family::Beta(d) => vec![d.a, d.b],
            Family::Modes(d) => vec![d.n as f64, d.spacing, d.sigma],
            Family::Dirac(d) => vec![d.x0],
        }
    }

    /// The (centre, σ) of each mode: the components of `modes`, and one mode at
    /// the density's peak for every other family, with its robust scale as σ
    /// (0 for a point mass).
    pub fn modes(&self) -> Vec<(f64, f64)> {
        match *self {
            Family::Modes(m) => (0..m.n).map(|i| (m.centre(i), m.sigma)).collect(),
            Family::Normal(d) => vec![(d.mu, d.sigma)],
            _ => vec![(self.peak(), self.robust_scale())],
        }
    }

    /// Where the density is highest (an edge for monotone densities).
    pub fn peak(&self) -> f64 {
        match *self {
            Family::Normal(d) => d.mu,
            Family::Uniform(d) => 0.5 * (d.a + d.b),
            Family::Laplace(d) => d.mu,
            Family::Cauchy(d) => d.x0,
            Family::StudentT(d) => d.mu,
            Family::LogNormal(d) => (d.mu - d.sigma * d.sigma).exp(),
            Family::Exponential(_) => 0.0,
            Family::Gamma(d) => ((d.shape - 1.0) * d.scale).max(0.0),
            Family::Beta(d) => {
                if d.a > 1.0 && d.b > 1.0 {
                    (d.a - 1.0) / (d.a + d.b - 2.0)
                } else {
                    self.quantile(0.5)
                }
            }
            Family::Modes(_) => 0.0,
            Family::Dirac(d) => d.x0,
        }
    }
}

impl Family {
    /// `true` for a point mass (`dirac`), whose mass is an atom.
    pub fn is_atom(&self) -> bool {
        matches!(self, Family::Dirac(_))
    }
}

impl Univariate for Family {
    fn ln_pdf(&self, x: f64) -> f64 {
        dispatch!(self, d => d.ln_pdf(x))
    }
    fn pdf(&self, x: f64) -> f64 {
        dispatch!(self, d => d.pdf(x))
    }
    fn cdf(&self, x: f64) -> f64 {
        dispatch!(self, d => d.cdf(x))
    }
    fn sf(&self, x: f64) -> f64 {
        dispatch!(self, d => d.sf(x))
    }
    fn quantile(&self, u: f64) -> f64 {
        dispatch!(self, d => d.quantile(u))
    }
    fn isf(&self, v: f64) -> f64 {
        dispatch!(self, d => d.isf(v))
    }
    fn support(&self) -> (f64, f64) {
        dispatch!(self, d => d.support())
    }
    fn breakpoints(&self) -> Vec<f64> {
        dispatch!(self, d => d.breakpoints())
    }
    fn tails(&self) -> [Tail; 2] {
        dispatch!(self, d => d.tails())
    }
    fn mean(&self) -> Option<f64> {
        dispatch!(self, d => d.mean())
    }
    fn robust_scale(&self) -> f64 {
        dispatch!(self, d => d.robust_scale())
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        dispatch!(self, d => d.sample(rng))
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name())?;
        for (i, p) in self.params().iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            // `{}` on f64 prints the shortest text that parses back to the same bits.
            write!(f, "{p}")?;
        }
        write!(f, ")")
    }
}
