//! The GAN losses, computed from D's raw outputs: the six of the table below
//! and the f-GAN family (`fgan_*`, see [`super::fgan`]).
//!
//! D's last layer is linear; what its output `l` means depends on the loss:
//!
//! | loss             | D's output                      | D's optimum for a fixed G                              |
//! |------------------|---------------------------------|--------------------------------------------------------|
//! | `minimax`        | logit: `D(x) = σ(l)`, a probability | `D*(x) = p_data / (p_data + p_g)` (Proposition 1)  |
//! | `non_saturating` | logit, as above                 | the same `D*` (only G's loss differs)                   |
//! | `wgan`           | a critic `f(x)`, unbounded      | the 1-Lipschitz `f*` with `E_data f − E_g f = W1`       |
//! | `wgan_gp`        | a critic, as above              | as above, Lipschitz by the penalty                      |
//! | `lsgan`          | a raw score `D(x)`              | `D* = (b p_data + a p_g)/(p_data + p_g)`, with `a = 0, b = 1` the same `D*` |
//! | `hinge`          | a critic, unbounded             | `sign(p_data − p_g)` where the margin binds             |
//! | `fgan_*`         | raw v; the critic is `T = g_f(v)` | `T* = f′(p_data/p_g)` (see [`super::fgan`])          |
//!
//! # Formulas (means over the `n` outputs of a batch)
//!
//! `softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|})`, so that
//! `−ln σ(l) = softplus(−l)` and `−ln(1 − σ(l)) = softplus(l)` are evaluated
//! without ever forming `σ(l)` and taking its log: a saturated D gives a
//! large finite loss, never `ln 0`. `d softplus(x)/dx = σ(x)`.
//!
//! ```text
//! minimax         L_D = mean[(1−s) sp(−l_r) + s sp(l_r)] + mean sp(l_f)     L_G = −mean sp(l_f)   (= mean ln(1 − D(G(z))))
//! non_saturating  L_D as minimax                                           L_G = mean sp(−l_f)   (= −mean ln D(G(z)))
//! wgan, wgan_gp   L_D = mean f_f − mean f_r                                L_G = −mean f_f
//! lsgan           L_D = ½ mean (D_r − 1)² + ½ mean D_f²                    L_G = ½ mean (D_f − 1)²
//! hinge           L_D = mean relu(1 − f_r) + mean relu(1 + f_f)            L_G = −mean f_f
//! fgan_*          L_D = mean[−g_f(v_r)] + mean f*(g_f(v_f))                 L_G = −mean f*(g_f(v_f))
//! ```
//!
//! `s` is one-sided label smoothing (the real target is `1 − s`); it only
//! applies to the cross-entropy losses and is ignored by the others. Both
//! losses are minimised: `L_D = −V(G, D)` for minimax, so descending `L_D`
//! ascends the value as in Algorithm 1.
//!
//! The derivatives written into `d_real`/`d_fake` are `∂L/∂l_s` for every
//! output, including the `1/n` of the mean. A non-finite output gives a
//! non-finite loss, which the trainer reports as divergence.

use std::fmt;
use std::str::FromStr;

use nalgebra::RealField;

use super::ConfigError;
use super::fgan::FDiv;
use crate::scalar::{sigmoid, softplus};

/// Which GAN objective D and G optimise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// The paper's value function, G minimising `E ln(1 − D(G(z)))` (saturates early on).
    Minimax,
    /// The paper's practical fix: G maximises `E ln D(G(z))`.
    #[default]
    #[serde(alias = "non-saturating")]
    NonSaturating,
    /// Wasserstein GAN with weight clipping (Arjovsky et al., 2017).
    Wgan,
    /// Wasserstein GAN with a gradient penalty (Gulrajani et al., 2017).
    #[serde(alias = "wgan-gp")]
    WganGp,
    /// Least-squares GAN (Mao et al., 2017), labels a = 0, b = 1, c = 1.
    Lsgan,
    /// Hinge loss (Lim & Ye 2017; Miyato et al. 2018).
    Hinge,
    /// f-GAN (Nowozin et al. 2016) with f(u) = u ln u: KL(p_data‖p_g).
    FganKl,
    /// f-GAN with f(u) = −ln u: KL(p_g‖p_data).
    FganReverseKl,
    /// f-GAN with f(u) = (u − 1)²: Pearson χ².
    FganPearson,
    /// f-GAN with f(u) = (√u − 1)²: squared Hellinger.
    FganHellinger,
    /// f-GAN's Jensen–Shannon: 2·JSD.
    FganJs,
}

impl LossKind {
    /// Every loss, in menu order.
    pub const ALL: &'static [LossKind] = &[
        LossKind::Minimax,
        LossKind::NonSaturating,
        LossKind::Wgan,
        LossKind::WganGp,
        LossKind::Lsgan,
        LossKind::Hinge,
        LossKind::FganKl,
        LossKind::FganReverseKl,
        LossKind::FganPearson,
        LossKind::FganHellinger,
        LossKind::FganJs,
    ];

    /// The config name (snake case).
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Minimax => "minimax",
            LossKind::NonSaturating => "non_saturating",
            LossKind::Wgan => "wgan",
            LossKind::WganGp => "wgan_gp",
            LossKind::Lsgan => "lsgan",
            LossKind::Hinge => "hinge",
            LossKind::FganKl => "fgan_kl",
            LossKind::FganReverseKl => "fgan_reverse_kl",
            LossKind::FganPearson => "fgan_pearson",
            LossKind::FganHellinger => "fgan_hellinger",
            LossKind::FganJs => "fgan_js",
        }
    }

    /// The f-divergence of an f-GAN loss; `None` for the others.
    pub fn fdiv(self) -> Option<FDiv> {
        match self {
            LossKind::FganKl => Some(FDiv::Kl),
            LossKind::FganReverseKl => Some(FDiv::ReverseKl),
            LossKind::FganPearson => Some(FDiv::Pearson),
            LossKind::FganHellinger => Some(FDiv::Hellinger),
            LossKind::FganJs => Some(FDiv::Js),
            LossKind::Minimax
            | LossKind::NonSaturating
            | LossKind::Wgan
            | LossKind::WganGp
            | LossKind::Lsgan
            | LossKind::Hinge => None,
        }
    }

    /// `true` for the cross-entropy losses, whose output is a logit of a
    /// probability (label smoothing applies, D is shown as `σ(l)`).
    pub fn is_cross_entropy(self) -> bool {
        matches!(self, LossKind::Minimax | LossKind::NonSaturating)
    }

    /// `true` for the losses whose D is a Wasserstein critic.
    pub fn is_wasserstein(self) -> bool {
        matches!(self, LossKind::Wgan | LossKind::WganGp)
    }
}

impl fmt::Display for LossKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LossKind {
    type Err = ConfigError;

    /// Accepts the snake-case names and their hyphenated spellings.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        LossKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == norm)
            .ok_or_else(|| ConfigError::BadValue {
                key: "loss".into(),
                value: s.into(),
                expected: format!("one of {}", names(LossKind::ALL.iter().map(|k| k.name()))),
            })
    }
}

/// `a, b, c` for error messages.
pub(crate) fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

fn cast<T: RealField + Copy>(x: f64) -> T {
    nalgebra::convert(x)
}

/// D's loss on a batch of real outputs `real` and fake outputs `fake`;
/// writes `∂L_D/∂l` into `d_real` and `d_fake` and returns `L_D` (without
/// penalties). `smoothing` is `s` above.
///
/// # Panics
/// If the derivative buffers differ in length from their outputs.
pub fn d_loss<T: RealField + Copy>(
    kind: LossKind,
    real: &[T],
    fake: &[T],
    smoothing: T,
    d_real: &mut [T],
    d_fake: &mut [T],
) -> T {
    assert_eq!(real.len(), d_real.len(), "d_real must match real");
    assert_eq!(fake.len(), d_fake.len(), "d_fake must match fake");
    let (one, zero) = (T::one(), T::zero());
    let inv_r = one / cast::<T>(real.len().max(1) as f64);
    let inv_f = one / cast::<T>(fake.len().max(1) as f64);
    let half: T = cast(0.5);
    let mut loss = zero;
    let fdiv = kind.fdiv();
    // The real half: ℓ_r(l) and its derivative per sample.
    for (&l, g) in real.iter().zip(d_real.iter_mut()) {
        if let Some(f) = fdiv {
            let (v, dv) = f.real_term(l);
            loss += v * inv_r;
            *g = dv * inv_r;
            continue;
        }
        let (v, dv) = match kind {
            LossKind::Minimax | LossKind::NonSaturating => {
                let s = smoothing;
                (
                    (one - s) * softplus(-l) + s * softplus(l),
                    -(one - s) * sigmoid(-l) + s * sigmoid(l),
                )
            }
            LossKind::Wgan | LossKind::WganGp => (-l, -one),
            LossKind::Lsgan => (half * (l - one) * (l - one), l - one),
            LossKind::Hinge => {
                if l < one {
                    (one - l, -one)
                } else {
                    (zero, zero)
                }
            }
            _ => (zero, zero),
        };
        loss += v * inv_r;
        *g = dv * inv_r;
    }
    // The fake half.
    for (&l, g) in fake.iter().zip(d_fake.iter_mut()) {
        if let Some(f) = fdiv {
            let (v, dv) = f.fake_term(l);
            loss += v * inv_f;
            *g = dv * inv_f;
            continue;
        }
        let (v, dv) = match kind {
            LossKind::Minimax | LossKind::NonSaturating => (softplus(l), sigmoid(l)),
            LossKind::Wgan | LossKind::WganGp => (l, one),
            LossKind::Lsgan => (half * l * l, l),
            LossKind::Hinge => {
                if l > -one {
                    (one + l, one)
                } else {
                    (zero, zero)
                }
            }
            _ => (zero, zero),
        };
        loss += v * inv_f;
        *g = dv * inv_f;
    }
    loss
}

/// G's per-sample loss `ℓ_G(l)` and its derivative `ℓ_G'(l)` at one output
/// of D on a fake sample (no `1/n`).
pub fn g_loss_one<T: RealField + Copy>(kind: LossKind, l: T) -> (T, T) {
    let one = T::one();
    match kind {
        LossKind::Minimax => (-softplus(l), -sigmoid(l)),
        LossKind::NonSaturating => (softplus(-l), -sigmoid(-l)),
        LossKind::Wgan | LossKind::WganGp | LossKind::Hinge => (-l, -one),
        LossKind::Lsgan => {
            let half: T = cast(0.5);
            (half * (l - one) * (l - one), l - one)
        }
        LossKind::FganKl
        | LossKind::FganReverseKl
        | LossKind::FganPearson
        | LossKind::FganHellinger
        | LossKind::FganJs => match kind.fdiv() {
            // G descends the bound: −f*(g_f(v)).
            Some(f) => {
                let (v, dv) = f.fake_term(l);
                (-v, -dv)
            }
            None => (T::zero(), T::zero()),
        },
    }
}

/// G's loss on D's outputs for a batch of fakes; writes `∂L_G/∂l` into
/// `d_fake` and returns `L_G = mean ℓ_G(l_f)`.
///
/// # Panics
/// If `d_fake.len() ≠ fake.len()`.
pub fn g_loss<T: RealField + Copy>(kind: LossKind, fake: &[T], d_fake: &mut [T]) -> T {
    assert_eq!(fake.len(), d_fake.len(), "d_fake must match fake");
    let inv = T::one() / cast::<T>(fake.len().max(1) as f64);
    let mut loss = T::zero();
    for (&l, g) in fake.iter().zip(d_fake.iter_mut()) {
        let (v, dv) = g_loss_one(kind, l);
        loss += v * inv;
        *g = dv * inv;
    }
    loss
}

/// D's output as plotted: `σ(l)` for the cross-entropy losses (a
/// probability), the critic `T = g_f(l)` for the f-GAN losses, the raw value
/// for the others.
pub fn display_d(kind: LossKind, l: f64) -> f64 {
    if kind.is_cross_entropy() {
        sigmoid(l)
    } else if let Some(f) = kind.fdiv() {
        f.activation(l)
    } else {
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturated_d_gives_a_finite_loss() {
        let mut dr = [0.0f32; 1];
        let mut df = [0.0f32; 1];
        let l = d_loss(
            LossKind::Minimax,
            &[-200.0],
            &[200.0],
            0.0,
            &mut dr,
            &mut df,
        );
        assert!(l.is_finite() && l > 300.0);
    }

    #[test]
    fn names_round_trip_and_hyphens_parse() {
        for &k in LossKind::ALL {
            assert_eq!(k.name().parse::<LossKind>(), Ok(k));
        }
        assert_eq!("non-saturating".parse(), Ok(LossKind::NonSaturating));
        assert_eq!("wgan-gp".parse(), Ok(LossKind::WganGp));
        assert_eq!("fgan-reverse-kl".parse(), Ok(LossKind::FganReverseKl));
        assert!("wasserstein".parse::<LossKind>().is_err());
    }
}
