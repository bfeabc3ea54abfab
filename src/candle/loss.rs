//! The losses of [`crate::gan::loss`] on candle tensors of D's raw
//! outputs (`n × 1`), as means; candle's autograd differentiates them.
//! The formulas are the native module's, in the same log-sum-exp forms:
//! `−ln σ(l) = softplus(−l)`, `−ln(1 − σ(l)) = softplus(l)`; the f-GAN
//! terms are [`crate::gan::fgan`]'s closed forms of `−g_f(v)` and
//! `f*(g_f(v))`.

use candle_core::{Result, Tensor};

use super::act::softplus;
use crate::gan::{FDiv, LossKind};

const LN_2: f64 = std::f64::consts::LN_2;

/// `−g_f(v)`, a real sample's term of the f-GAN critic's loss.
fn fgan_real(f: FDiv, v: &Tensor) -> Result<Tensor> {
    match f {
        FDiv::Kl | FDiv::Pearson => v.neg(),
        FDiv::ReverseKl => v.neg()?.exp(),
        FDiv::Hellinger => v.neg()?.exp()?.affine(1.0, -1.0),
        FDiv::Js => softplus(&v.neg()?)?.affine(1.0, -LN_2),
    }
}

/// `f*(g_f(v))`, a fake sample's term of the critic's loss (and, negated, G's).
fn fgan_fake(f: FDiv, v: &Tensor) -> Result<Tensor> {
    match f {
        FDiv::Kl => v.affine(1.0, -1.0)?.exp(),
        FDiv::ReverseKl => v.affine(1.0, -1.0),
        FDiv::Pearson => v.sqr()?.affine(0.25, 0.0)?.add(v),
        FDiv::Hellinger => v.exp()?.affine(1.0, -1.0),
        FDiv::Js => softplus(v)?.affine(1.0, -LN_2),
    }
}

/// `L_D` without penalties; `s` is one-sided label smoothing.
pub(crate) fn d_loss(kind: LossKind, real: &Tensor, fake: &Tensor, s: f64) -> Result<Tensor> {
    if let Some(f) = kind.fdiv() {
        return fgan_real(f, real)?
            .mean_all()?
            .add(&fgan_fake(f, fake)?.mean_all()?);
    }
    let (r, f) = match kind {
        LossKind::Minimax | LossKind::NonSaturating => {
            let mut r = softplus(&real.neg()?)?;
            if s > 0.0 {
                r = r
                    .affine(1.0 - s, 0.0)?
                    .add(&softplus(real)?.affine(s, 0.0)?)?;
            }
            (r, softplus(fake)?)
        }
        LossKind::Wgan | LossKind::WganGp => (real.neg()?, fake.clone()),
        LossKind::Lsgan => (
            real.affine(1.0, -1.0)?.sqr()?.affine(0.5, 0.0)?,
            fake.sqr()?.affine(0.5, 0.0)?,
        ),
        LossKind::Hinge => (
            real.affine(-1.0, 1.0)?.relu()?,
            fake.affine(1.0, 1.0)?.relu()?,
        ),
        // The f-GAN losses returned above.
        _ => (real.zeros_like()?, fake.zeros_like()?),
    };
    r.mean_all()?.add(&f.mean_all()?)
}

/// `L_G = mean ℓ_G(l_f)`.
pub(crate) fn g_loss(kind: LossKind, fake: &Tensor) -> Result<Tensor> {
    if let Some(f) = kind.fdiv() {
        return fgan_fake(f, fake)?.mean_all()?.neg();
    }
    let per = match kind {
        LossKind::Minimax => softplus(fake)?.neg()?,
        LossKind::NonSaturating => softplus(&fake.neg()?)?,
        LossKind::Wgan | LossKind::WganGp | LossKind::Hinge => fake.neg()?,
        LossKind::Lsgan => fake.affine(1.0, -1.0)?.sqr()?.affine(0.5, 0.0)?,
        // The f-GAN losses returned above.
        _ => fake.zeros_like()?,
    };
    per.mean_all()
}
