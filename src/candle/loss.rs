//! The six losses of [`crate::gan::loss`] on candle tensors of D's raw
//! outputs (`n × 1`), as means; candle's autograd differentiates them.
//! The formulas are the native module's, in the same log-sum-exp forms:
//! `−ln σ(l) = softplus(−l)`, `−ln(1 − σ(l)) = softplus(l)`.

use candle_core::{Result, Tensor};

use super::act::softplus;
use crate::gan::LossKind;

/// `L_D` without penalties; `s` is one-sided label smoothing.
pub(crate) fn d_loss(kind: LossKind, real: &Tensor, fake: &Tensor, s: f64) -> Result<Tensor> {
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
    };
    r.mean_all()?.add(&f.mean_all()?)
}

/// `L_G = mean ℓ_G(l_f)`.
pub(crate) fn g_loss(kind: LossKind, fake: &Tensor) -> Result<Tensor> {
    let per = match kind {
        LossKind::Minimax => softplus(fake)?.neg()?,
        LossKind::NonSaturating => softplus(&fake.neg()?)?,
        LossKind::Wgan | LossKind::WganGp | LossKind::Hinge => fake.neg()?,
        LossKind::Lsgan => fake.affine(1.0, -1.0)?.sqr()?.affine(0.5, 0.0)?,
    };
    per.mean_all()
}
