//! The latent prior p_z and its z-segments for the exact pushforward.
//!
//! # Formula
//! Uniform(−1, 1): z_j = −1 + 2j/M for j = 0..=M, every segment of mass 1/M.
//!
//! N(0, 1): the finite quantiles z_j = Φ⁻¹(j/M), j = 1..M−1, segments of mass
//! 1/M between them; each infinite end segment (mass 1/M) is refined
//! geometrically at u_k = 1/(M·2^k) into segments \[Φ⁻¹(u_{k+1}), Φ⁻¹(u_k)\] of
//! mass 1/(2M), 1/(4M), … until u_K ≤ 1e-13, and the last sliver (−∞, Φ⁻¹(u_K)\]
//! of mass u_K becomes a point mass at its conditional median Φ⁻¹(u_K/2) (a
//! zero-width segment). The upper end mirrors the lower, z ↦ −z, exactly.
//! Finally every segment wider than `MAX_DZ` = 1/256 in z is cut into
//! equal-width pieces carrying their exact masses Φ(b) − Φ(a).
//!
//! Segment j is \[z_j, z_{j+1}\] with mass `seg_mass[j]`; a zero-width segment is
//! a point mass and a gap between a sliver and its neighbour has mass 0.
//! Compute the points once per (prior, M) and reuse them: the normal prior's
//! M inverse-erfc calls cost more than a whole snapshot.

use serde::{Deserialize, Serialize};
use statrs::function::erf::erfc_inv;
use std::f64::consts::SQRT_2;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// The smallest tail sliver the normal prior's refinement resolves.
pub const SLIVER_MASS: f64 = 1e-13;
/// The widest z-segment of the normal prior: wider ones (the tails, where
/// equal-mass segments grow to ~0.2) are cut into equal-width pieces with
/// their exact masses, so that spreading each uniformly stays accurate.
pub const MAX_DZ: f64 = 1.0 / 256.0;

/// The latent prior p_z of a 1-D latent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prior {
    /// Uniform(−1, 1), as in Figure 1 of the paper.
    #[default]
    Uniform,
    /// N(0, 1).
    Normal,
}

/// A prior name that is neither `uniform` nor `normal`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown prior '{0}': expected uniform or normal")]
pub struct PriorError(pub String);

impl FromStr for Prior {
    type Err = PriorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "uniform" => Ok(Prior::Uniform),
            "normal" => Ok(Prior::Normal),
            _ => Err(PriorError(s.to_string())),
        }
    }
}

impl fmt::Display for Prior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Prior::Uniform => "uniform",
            Prior::Normal => "normal",
        })
    }
}

/// Sorted z-points and the mass of each segment between neighbours
/// (`seg_mass.len() + 1 == z.len()`).
#[derive(Debug, Clone, PartialEq)]
pub struct ZPoints {
    pub z: Vec<f64>,
    pub seg_mass: Vec<f64>,
}

impl Prior {
    /// Both priors.
    pub const ALL: &'static [Prior] = &[Prior::Uniform, Prior::Normal];

    /// The z-points of M segments (M is raised to 1 for the uniform prior and
    /// to 2 for the normal one); see the module doc.
    pub fn z_points(self, m: usize) -> ZPoints {
        match self {
            Prior::Uniform => uniform_points(m.max(1)),
            Prior::Normal => normal_points(m.max(2)),
        }
    }

    /// The prior's CDF F_z.
    pub fn cdf(self, z: f64) -> f64 {
        match self {
            Prior::Uniform => (0.5 * (z + 1.0)).clamp(0.0, 1.0),
            Prior::Normal => 0.5 * statrs::function::erf::erfc(-z / SQRT_2),
        }
    }

    /// The prior's quantile F_z⁻¹(u) for u in \[0, 1\].
    pub fn quantile(self, u: f64) -> f64 {
        match self {
            Prior::Uniform => (2.0 * u - 1.0).clamp(-1.0, 1.0),
            Prior::Normal => {
                if u > 0.5 {
                    -std_normal_lower(1.0 - u)
                } else {
                    std_normal_lower(u)
                }
            }
        }
    }
}

/// Φ⁻¹(u) for u ≤ ½, accurate for tiny u: statrs' inverse erfc (relative
/// error ~1e-11) polished by one Newton step on Φ(z) = ½·erfc(−z/√2).
fn std_normal_lower(u: f64) -> f64 {
    if u <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let z = -SQRT_2 * erfc_inv(2.0 * u);
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let r = 0.5 * statrs::function::erf::erfc(-z / SQRT_2) - u;
    if pdf > 0.0 && r.is_finite() {
        z - r / pdf
    } else {
        z
    }
}

fn uniform_points(m: usize) -> ZPoints {
    let inv = 1.0 / m as f64;
    let z = (0..=m)
        .map(|j| {
            if j == m {
                1.0
            } else {
                -1.0 + 2.0 * j as f64 * inv
            }
        })
        .collect();
    ZPoints {
        z,
        seg_mass: vec![inv; m],
    }
}

fn normal_points(m: usize) -> ZPoints {
    let inv = 1.0 / m as f64;
    // Lower tail, outermost first: u_0 = 1/M > u_1 > … > u_K.
    let mut us = vec![inv];
    while *us.last().unwrap_or(&0.0) > SLIVER_MASS {
        let next = 0.5 * us[us.len() - 1];
        us.push(next);
    }
    let k = us.len() - 1;
    let tail_len = k + 2; // sliver point twice + edges u_K..u_1
    let mut z = Vec::with_capacity(m + 1 + 2 * tail_len);
    let mut seg = Vec::with_capacity(m + 2 * tail_len);
    // Sliver as a point mass, then a massless gap up to Φ⁻¹(u_K).
    let sliver = std_normal_lower(0.5 * us[k]);
    z.push(sliver);
    z.push(sliver);
    seg.push(us[k]);
    seg.push(0.0);
    for i in (1..=k).rev() {
        z.push(std_normal_lower(us[i]));
        seg.push(us[i - 1] - us[i]);
    }
    // Central edges Φ⁻¹(j/M), j = 1..M−1, symmetric by construction.
    let half = m / 2;
    let lower: Vec<f64> = (1..=half)
        .map(|j| std_normal_lower(j as f64 * inv))
        .collect();
    let mut central = lower.clone();
    if m.is_multiple_of(2) {
        central.pop();
        central.push(0.0);
    }
    let skip = usize::from(m.is_multiple_of(2));
    central.extend(lower.iter().rev().skip(skip).map(|x| -x));
    for (i, &x) in central.iter().enumerate() {
        z.push(x);
        if i + 1 < central.len() {
            seg.push(inv);
        }
    }
    // Upper tail, mirroring the lower.
    for i in 1..=k {
        seg.push(us[i - 1] - us[i]);
        z.push(-std_normal_lower(us[i]));
    }
    seg.push(0.0);
    seg.push(us[k]);
    z.push(-sliver);
    z.push(-sliver);
    split_wide(ZPoints { z, seg_mass: seg })
}

/// Φ(b) − Φ(a) for a ≤ b, from whichever tail keeps its precision.
fn normal_mass(a: f64, b: f64) -> f64 {
    use statrs::function::erf::erfc;
    if b <= 0.0 {
        0.5 * (erfc(-b / SQRT_2) - erfc(-a / SQRT_2))
    } else if a >= 0.0 {
        0.5 * (erfc(a / SQRT_2) - erfc(b / SQRT_2))
    } else {
        1.0 - 0.5 * (erfc(-a / SQRT_2) + erfc(b / SQRT_2))
    }
}

/// Cut every massive segment wider than `MAX_DZ` into equal-width pieces whose
/// masses are the exact normal masses, rescaled to sum to the segment's mass.
fn split_wide(zp: ZPoints) -> ZPoints {
    let mut z = Vec::with_capacity(zp.z.len() + 4096);
    let mut seg = Vec::with_capacity(zp.seg_mass.len() + 4096);
    z.push(zp.z[0]);
    for (pair, &mass) in zp.z.windows(2).zip(&zp.seg_mass) {
        let (a, b) = (pair[0], pair[1]);
        let width = b - a;
        if mass > 0.0 && width > MAX_DZ {
            let k = (width / MAX_DZ).ceil() as usize;
            let edges: Vec<f64> = (0..=k)
                .map(|j| {
                    if j == k {
                        b
                    } else {
                        a + width * j as f64 / k as f64
                    }
                })
                .collect();
            let pieces: Vec<f64> = edges.windows(2).map(|e| normal_mass(e[0], e[1])).collect();
            let total: f64 = pieces.iter().sum();
            for (e, piece) in edges[1..].iter().zip(pieces) {
                seg.push(if total > 0.0 {
                    mass * piece / total
                } else {
                    mass / k as f64
                });
                z.push(*e);
            }
        } else {
            seg.push(mass);
            z.push(b);
        }
    }
    ZPoints { z, seg_mass: seg }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        for p in [Prior::Uniform, Prior::Normal] {
            assert_eq!(p.to_string().parse::<Prior>(), Ok(p));
        }
        assert!("cauchy".parse::<Prior>().is_err());
        assert_eq!(serde_json::to_string(&Prior::Normal).unwrap(), "\"normal\"");
    }

    #[test]
    fn points_are_sorted_and_masses_sum_to_one() {
        for (prior, m) in [
            (Prior::Uniform, 7),
            (Prior::Normal, 2),
            (Prior::Normal, 7),
            (Prior::Normal, 1024),
        ] {
            let zp = prior.z_points(m);
            assert_eq!(zp.z.len(), zp.seg_mass.len() + 1);
            assert!(zp.z.windows(2).all(|w| w[0] <= w[1]), "{prior} {m}");
            let s: f64 = zp.seg_mass.iter().sum();
            assert!((s - 1.0).abs() < 1e-14, "{prior} {m}: {s}");
            // Each segment's mass is the prior's mass between its ends (point masses and
            // the massless gaps beside them aside).
            for (w, &mass) in zp.z.windows(2).zip(&zp.seg_mass) {
                if w[0] < w[1] && mass > 0.0 {
                    let want = prior.cdf(w[1]) - prior.cdf(w[0]);
                    assert!(
                        (mass - want).abs() < 1e-15,
                        "{prior} {m} {w:?} {mass} {want}"
                    );
                }
            }
        }
    }
}
