//! [`CandleBackend`]: the trainer's [`Backend`] on candle tensors, on the
//! CPU or (feature `cuda`) a CUDA device.
//!
//! One D step: upload the draws, `x_f = G(z) + ν_f` with G detached, D on
//! the real and the fake packs, the loss and the penalties (on the input
//! gradient of [`Net::input_grad`]), candle's reverse pass, the optimizer
//! step (see [`super::optim`]), clipping — and one download of seven
//! numbers: the loss, the penalty, D's means, ‖∇‖² and two finiteness
//! probes (`Σ 0·x` is 0 for finite `x` and NaN otherwise). One G step is
//! the same with D detached.
//!
//! For a `classes(…)` target the host builds G's input `[z, onehot(c)]`
//! and the packs' one-hot classes (`n × K`) before the upload; D sees them
//! as concatenated columns or through its projection head (see
//! [`crate::gan::condition`]), and the penalties' gradients are those of
//! the x columns.
//!
//! A G step against the oracle D ([`Backend::g_step_by`]) downloads the
//! fakes, asks the oracle for `∂L_G/∂x` on the host, uploads it as a
//! constant `w` and runs the reverse pass of the surrogate `Σ w·x`, whose
//! parameter gradient is `Σ (∂L_G/∂x)·∂x/∂θ_G`, G's own gradient.
//!
//! The new parameters are computed before the numbers come back; when the
//! loss or the gradient is not finite they are simply dropped, and when the
//! new parameters are not finite the previous ones are kept aside for
//! [`Backend::restore`]. Host copies of G, D and the fake batch are made
//! only when asked for, once per update.

use std::sync::OnceLock;

use candle_core::{DType, Device, Tensor, Var};

use super::loss::{d_loss, g_loss};
use super::net::{Net as Mlp1, flat_of};
use super::optim::{Previous, State};
use crate::gan::condition::{Layout, with_onehot};
use crate::gan::{
    Backend, BackendError, BackendInit, BackendKind, Choice, DeviceKind, Draws, Frozen, GanError,
    LossKind, Objective, Outcome, Player, Slot, StepOut,
};
use crate::nn::{Mlp, OptimizerConfig};

/// A candle error as one line.
pub(crate) fn err(e: candle_core::Error) -> BackendError {
    let text = e.to_string();
    BackendError(format!(
        "candle: {}",
        text.lines().next().unwrap_or("error")
    ))
}

type CResult<T> = candle_core::Result<T>;

/// One network, its optimizer, what its last update replaced, its host
/// copy, its held parameters, the slots of the update rules and what
/// [`Backend::save`] kept.
#[derive(Clone, Debug)]
struct Side {
    net: Mlp1,
    opt: State,
    previous: Option<Previous>,
    host: OnceLock<Mlp<f32>>,
    frozen: Frozen,
    /// `Slot::Grad`, `Prev`, `Acc`, `Tmp`, in that order (empty until written).
    slots: [Vec<Tensor>; 4],
    saved: Option<Previous>,
}

fn slot_index(slot: Slot) -> usize {
    match slot {
        Slot::Grad => 0,
        Slot::Prev => 1,
        Slot::Acc => 2,
        Slot::Tmp => 3,
    }
}

impl Side {
    fn new(
        mlp: &Mlp<f32>,
        opt: OptimizerConfig,
        frozen: Frozen,
        device: &Device,
        dtype: DType,
    ) -> CResult<Self> {
        let net = Mlp1::from_mlp(mlp, device, dtype)?;
        let opt = State::new(opt, &net.params)?;
        let host = OnceLock::new();
        let _ = host.set(mlp.clone());
        let zeros: Vec<Tensor> = net
            .params
            .iter()
            .map(|p| p.zeros_like())
            .collect::<CResult<_>>()?;
        Ok(Side {
            net,
            opt,
            previous: None,
            host,
            frozen,
            slots: [zeros.clone(), zeros.clone(), zeros.clone(), zeros],
            saved: None,
        })
    }

    /// Whether parameter tensor `i` (W_l at even, b_l at odd indices) is held.
    fn held(&self, i: usize) -> bool {
        if i.is_multiple_of(2) {
            self.frozen.weights
        } else {
            self.frozen.biases
        }
    }

    fn host(&self) -> &Mlp<f32> {
        self.host.get_or_init(|| {
            self.net.to_mlp().unwrap_or_else(|_| {
                // A device that cannot be read: a network that says so (NaN).
                let sizes = &self.net.sizes;
                let n: usize = sizes.windows(2).map(|p| p[0] * p[1] + p[1]).sum::<usize>()
                    + self.net.classes * sizes[sizes.len() - 2];
                Mlp::from_params_with_classes(
                    sizes,
                    self.net.act,
                    self.net.classes,
                    &vec![f32::NAN; n],
                )
                .expect("sizes of a network that exists")
            })
        })
    }

    /// Keeps `params` and `opt` as the new state, the current one as previous.
    fn apply(&mut self, params: Vec<Var>, opt: State) {
        let old_params = std::mem::replace(&mut self.net.params, params);
        let old_opt = std::mem::replace(&mut self.opt, opt);
        self.previous = Some(Previous {
            params: old_params,
            state: old_opt,
        });
        self.host = OnceLock::new();
    }

    fn restore(&mut self) {
        if let Some(p) = self.previous.take() {
            let lr = self.opt.config.lr;
            self.net.params = p.params;
            self.opt = p.state;
            self.opt.config.lr = lr;
            self.host = OnceLock::new();
        }
    }

    /// Gradients for every parameter (zeros where none reached it, and for
    /// the held parameters).
    fn grads(&self, store: &candle_core::backprop::GradStore) -> CResult<Vec<Tensor>> {
        self.net
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| match store.get(p) {
                Some(g) if !self.held(i) => Ok(g.clone()),
                _ => p.zeros_like(),
            })
            .collect()
    }
}

/// The graph of one step before its reverse pass.
struct Graph {
    total: Tensor,
    penalty: Tensor,
    mean_real: Tensor,
    mean_fake: Tensor,
    fake_in: Tensor,
}

/// G, D and their optimizers on a candle device; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct CandleBackend {
    device: Device,
    dtype: DType,
    g: Side,
    d: Side,
    /// D's fake inputs of the last step, `n × pack`.
    fake: Option<Tensor>,
    host_fake: OnceLock<Vec<f32>>,
}

/// The numbers a D or G step needs back, and its gradient.
pub struct Gradient {
    /// Loss plus penalties.
    pub loss: f64,
    /// The penalties alone.
    pub penalty: f64,
    /// Mean raw D on the real packs (D steps).
    pub mean_real: f64,
    /// Mean raw D on the fake packs.
    pub mean_fake: f64,
    /// `∂loss/∂θ` in [`Mlp::params_flat`] order.
    pub grads: Vec<f64>,
}

impl CandleBackend {
    /// Uploads the initial networks to `device`, computing in `dtype`
    /// (`F32` for training; `F64` for checks against the native `f64` engine).
    ///
    /// # Errors
    /// The device failed, or `dtype` is neither `F32` nor `F64`.
    pub fn new(init: BackendInit, device: &Device, dtype: DType) -> Result<Self, BackendError> {
        if !matches!(dtype, DType::F32 | DType::F64) {
            return Err(BackendError(format!(
                "candle backend computes in f32 or f64, not {dtype:?}"
            )));
        }
        let g = Side::new(&init.g, init.opt_g, init.frozen_g, device, dtype).map_err(err)?;
        let d = Side::new(&init.d, init.opt_d, init.frozen_d, device, dtype).map_err(err)?;
        Ok(CandleBackend {
            device: device.clone(),
            dtype,
            g,
            d,
            fake: None,
            host_fake: OnceLock::new(),
        })
    }

    /// `v` as an `rows × cols` tensor of the backend's precision.
    fn upload(&self, v: &[f32], rows: usize, cols: usize) -> CResult<Tensor> {
        Tensor::from_slice(v, (rows, cols), &self.device)?.to_dtype(self.dtype)
    }

    /// The packs' classes one-hot (`n × K`), for a conditional objective.
    fn onehot(&self, layout: Layout, draws: &Draws<f32>) -> CResult<Option<Tensor>> {
        if layout.classes == 0 {
            return Ok(None);
        }
        let k = layout.classes;
        let mut v = vec![0.0f32; draws.class.len() * k];
        for (row, &c) in v.chunks_exact_mut(k).zip(&draws.class) {
            row[c] = 1.0;
        }
        self.upload(&v, draws.class.len(), k).map(Some)
    }

    /// `G(z, c) + ν_f` as D's packed inputs, `n × pack` (x only).
    fn fakes(&self, obj: &Objective, draws: &Draws<f32>, detached: bool) -> CResult<Tensor> {
        self.fakes_of(obj.layout(), obj.pack, draws, detached)
    }

    /// [`fakes`](Self::fakes) for a layout and a pack size.
    fn fakes_of(
        &self,
        layout: Layout,
        pack: usize,
        draws: &Draws<f32>,
        detached: bool,
    ) -> CResult<Tensor> {
        let m = draws.len();
        let width = self.g.net.sizes[0];
        let z = if layout.g_class {
            let latent = draws.z.len() / m.max(1);
            let mut g_in = vec![0.0f32; m * width];
            with_onehot(
                &draws.z,
                latent,
                &draws.class,
                pack,
                layout.classes,
                &mut g_in,
            );
            self.upload(&g_in, m, width)?
        } else {
            self.upload(&draws.z, m, width)?
        };
        let gz = self.g.net.forward(&z, detached, false, None)?.out;
        let noise = self.upload(&draws.noise_fake, m / pack, pack)?;
        gz.reshape((m / pack, pack))?.add(&noise)
    }

    /// D on packed inputs `x` (`n × pack`): the one-hot columns appended
    /// (concat) or handed to the head (projection).
    fn d_on(
        &self,
        layout: Layout,
        onehot: Option<&Tensor>,
        x: &Tensor,
        detached: bool,
        slopes: bool,
    ) -> CResult<super::net::Forward> {
        let d = &self.d.net;
        match onehot {
            Some(o) if layout.concat => {
                d.forward(&Tensor::cat(&[x, o], 1)?, detached, slopes, None)
            }
            Some(o) if layout.head => d.forward(x, detached, slopes, Some(o)),
            _ => d.forward(x, detached, slopes, None),
        }
    }

    /// `∂D/∂x` of the x columns.
    fn d_input_grad(
        &self,
        layout: Layout,
        pack: usize,
        fwd: &super::net::Forward,
    ) -> CResult<Tensor> {
        let g = self.d.net.input_grad(fwd, false)?;
        if layout.concat {
            g.narrow(1, 0, pack)
        } else {
            Ok(g)
        }
    }

    fn d_graph(&self, obj: &Objective, draws: &Draws<f32>) -> CResult<Graph> {
        self.d_graph_with(obj, draws, false)
    }

    /// D's objective; with `through_g`, G is not detached (its gradient
    /// then flows through the fakes and the interpolates).
    fn d_graph_with(&self, obj: &Objective, draws: &Draws<f32>, through_g: bool) -> CResult<Graph> {
        let pack = obj.pack;
        let layout = obj.layout();
        let n = draws.len() / pack;
        let onehot = self.onehot(layout, draws)?;
        let fake_in = self.fakes(obj, draws, !through_g)?;
        let real_in =
            self.upload(&draws.real, n, pack)?
                .add(&self.upload(&draws.noise_real, n, pack)?)?;
        let fr = self.d_on(layout, onehot.as_ref(), &real_in, false, obj.r1 > 0.0)?;
        let ff = self.d_on(layout, onehot.as_ref(), &fake_in, false, false)?;
        let loss = d_loss(obj.loss, &fr.out, &ff.out, obj.label_smoothing)?;
        let mut penalty = Tensor::zeros((), self.dtype, &self.device)?;
        if obj.r1 > 0.0 {
            // γ/2 · mean over packs of ‖∇ₓ D(x_r)‖².
            let g = self.d_input_grad(layout, pack, &fr)?;
            let p = g.sqr()?.sum_all()?.affine(obj.r1 * 0.5 / n as f64, 0.0)?;
            penalty = penalty.add(&p)?;
        }
        if obj.loss == LossKind::WganGp && obj.gp > 0.0 {
            // λ · mean over packs of (‖∇ₓ D(x̂)‖ − 1)², x̂ = ε x_r + (1 − ε) x_f.
            let eps = self.upload(&draws.eps, n, 1)?;
            let interp = real_in
                .broadcast_mul(&eps)?
                .add(&fake_in.broadcast_mul(&eps.affine(-1.0, 1.0)?)?)?;
            let fi = self.d_on(layout, onehot.as_ref(), &interp, false, true)?;
            let g = self.d_input_grad(layout, pack, &fi)?;
            // The 1e-24 keeps √ differentiable at a zero gradient (a dead
            // ReLU critic), where the native engine takes the subgradient 0.
            let norm = g.sqr()?.sum_keepdim(1)?.affine(1.0, 1e-24)?.sqrt()?;
            let mut dev = norm.affine(1.0, -1.0)?;
            if obj.gp_one_sided {
                // Only slopes above 1 cost.
                dev = dev.relu()?;
            }
            let p = dev.sqr()?.sum_all()?.affine(obj.gp / n as f64, 0.0)?;
            penalty = penalty.add(&p)?;
        }
        Ok(Graph {
            total: loss.add(&penalty)?,
            penalty,
            mean_real: fr.out.mean_all()?,
            mean_fake: ff.out.mean_all()?,
            fake_in,
        })
    }

    fn g_graph(&self, obj: &Objective, draws: &Draws<f32>) -> CResult<Graph> {
        self.g_graph_with(obj, draws, false)
    }

    /// G's loss; with `through_d`, D is not detached.
    fn g_graph_with(&self, obj: &Objective, draws: &Draws<f32>, through_d: bool) -> CResult<Graph> {
        let layout = obj.layout();
        let onehot = self.onehot(layout, draws)?;
        let fake_in = self.fakes(obj, draws, false)?;
        let ff = self.d_on(layout, onehot.as_ref(), &fake_in, !through_d, false)?;
        let loss = g_loss(obj.loss, &ff.out)?;
        let zero = Tensor::zeros((), self.dtype, &self.device)?;
        Ok(Graph {
            total: loss,
            penalty: zero.clone(),
            mean_real: zero,
            mean_fake: ff.out.mean_all()?,
            fake_in,
        })
    }

    /// One update of `who` on `graph`: the reverse pass, the optimizer, one
    /// download, and the bookkeeping.
    fn update(&mut self, who: Player, graph: Graph, clip: Option<f32>) -> CResult<StepOut> {
        let store = graph.total.backward()?;
        let player = match who {
            Player::G => &self.g,
            Player::D => &self.d,
        };
        let grads = player.grads(&store)?;
        drop(store);
        let mut opt = player.opt.clone();
        let params = opt.step(&player.net.params, &grads, clip)?;
        let zero = Tensor::zeros((), self.dtype, &self.device)?;
        let (mut norm_sq, mut grad_probe, mut param_probe) = (zero.clone(), zero.clone(), zero);
        for g in &grads {
            norm_sq = norm_sq.add(&g.sqr()?.sum_all()?)?;
            grad_probe = grad_probe.add(&g.affine(0.0, 0.0)?.sum_all()?)?;
        }
        for p in &params {
            param_probe = param_probe.add(&p.affine(0.0, 0.0)?.sum_all()?)?;
        }
        let nums = Tensor::stack(
            &[
                &graph.total,
                &graph.penalty,
                &graph.mean_real,
                &graph.mean_fake,
                &norm_sq,
                &grad_probe,
                &param_probe,
            ],
            0,
        )?
        .to_dtype(DType::F64)?
        .to_vec1::<f64>()?;
        let (loss, grad_finite, params_finite) = (nums[0], nums[5] == 0.0, nums[6] == 0.0);
        let mut out = StepOut {
            loss: loss as f32,
            penalty: nums[1] as f32,
            mean_real: nums[2] as f32,
            mean_fake: nums[3] as f32,
            grad_norm: nums[4].sqrt() as f32,
            outcome: Outcome::Applied,
        };
        self.fake = Some(graph.fake_in);
        self.host_fake = OnceLock::new();
        if !(loss.is_finite() && grad_finite) {
            out.outcome = Outcome::NonFiniteLoss;
            return Ok(out);
        }
        if !params_finite {
            out.outcome = Outcome::NonFiniteParams;
        }
        match who {
            Player::G => self.g.apply(params, opt),
            Player::D => self.d.apply(params, opt),
        }
        Ok(out)
    }

    fn gradient(&self, who: Player, graph: Graph) -> CResult<Gradient> {
        let store = graph.total.backward()?;
        let player = match who {
            Player::G => &self.g,
            Player::D => &self.d,
        };
        let grads = player.grads(&store)?;
        let scalar = |t: &Tensor| -> CResult<f64> { t.to_dtype(DType::F64)?.to_scalar::<f64>() };
        Ok(Gradient {
            loss: scalar(&graph.total)?,
            penalty: scalar(&graph.penalty)?,
            mean_real: scalar(&graph.mean_real)?,
            mean_fake: scalar(&graph.mean_fake)?,
            grads: flat_of(grads.iter())?,
        })
    }

    /// D's objective and its gradient on `draws`, without updating (for
    /// checks against the native engine).
    ///
    /// # Errors
    /// The device failed.
    pub fn d_gradient(
        &self,
        obj: &Objective,
        draws: &Draws<f32>,
    ) -> Result<Gradient, BackendError> {
        self.d_graph(obj, draws)
            .and_then(|g| self.gradient(Player::D, g))
            .map_err(err)
    }

    /// G's loss and its gradient on `draws`, without updating.
    ///
    /// # Errors
    /// The device failed.
    pub fn g_gradient(
        &self,
        obj: &Objective,
        draws: &Draws<f32>,
    ) -> Result<Gradient, BackendError> {
        self.g_graph(obj, draws)
            .and_then(|g| self.gradient(Player::G, g))
            .map_err(err)
    }

    /// `of`'s loss and its gradient in G's and in D's parameters on
    /// `draws`, without updating, in [`Mlp::params_flat`] order (for checks
    /// against the native engine's `d_full_grad` / `g_full_grad`).
    ///
    /// # Errors
    /// The device failed.
    pub fn full_gradients(
        &self,
        of: Player,
        obj: &Objective,
        draws: &Draws<f32>,
    ) -> Result<(f64, Vec<f64>, Vec<f64>), BackendError> {
        let run = || -> CResult<(f64, Vec<f64>, Vec<f64>)> {
            let graph = match of {
                Player::D => self.d_graph_with(obj, draws, true)?,
                Player::G => self.g_graph_with(obj, draws, true)?,
            };
            let store = graph.total.backward()?;
            let (gg, gd) = (self.g.grads(&store)?, self.d.grads(&store)?);
            let loss = graph.total.to_dtype(DType::F64)?.to_scalar::<f64>()?;
            Ok((loss, flat_of(gg.iter())?, flat_of(gd.iter())?))
        };
        run().map_err(err)
    }

    /// D's raw outputs on its inputs (`in_dim` values each, row by row;
    /// one-hot columns included for concat); `classes` are the rows' classes
    /// for a projection head (empty without one).
    ///
    /// # Errors
    /// The device failed.
    pub fn d_forward(&self, x: &[f32], classes: &[usize]) -> Result<Vec<f64>, BackendError> {
        let width = self.d.net.sizes[0];
        let run = || -> CResult<Vec<f64>> {
            let t = self.upload(x, x.len() / width, width)?;
            let onehot = if self.d.net.classes > 0 {
                let k = self.d.net.classes;
                let mut v = vec![0.0f32; classes.len() * k];
                for (row, &c) in v.chunks_exact_mut(k).zip(classes) {
                    row[c] = 1.0;
                }
                Some(self.upload(&v, classes.len(), k)?)
            } else {
                None
            };
            flat_of(std::iter::once(
                &self.d.net.forward(&t, true, false, onehot.as_ref())?.out,
            ))
        };
        run().map_err(err)
    }

    /// G's outputs on latent points (`latent_dim` values each).
    ///
    /// # Errors
    /// The device failed.
    pub fn g_forward(&self, z: &[f32]) -> Result<Vec<f64>, BackendError> {
        let latent = self.g.net.sizes[0];
        let run = || -> CResult<Vec<f64>> {
            let t = self.upload(z, z.len() / latent, latent)?;
            flat_of(std::iter::once(
                &self.g.net.forward(&t, true, false, None)?.out,
            ))
        };
        run().map_err(err)
    }

    /// The device's name: `cpu` or `cuda`.
    pub fn device_name(&self) -> &'static str {
        if self.device.is_cuda() { "cuda" } else { "cpu" }
    }

    fn side(&self, p: Player) -> &Side {
        match p {
            Player::G => &self.g,
            Player::D => &self.d,
        }
    }

    fn side_mut(&mut self, p: Player) -> &mut Side {
        match p {
            Player::G => &mut self.g,
            Player::D => &mut self.d,
        }
    }

    /// The numbers of a gradient evaluation: loss, penalty, means, ‖∇‖ and
    /// whether the loss and every gradient are finite (one download).
    fn measure(&self, graph: &Graph, grads: &[&[Tensor]]) -> CResult<StepOut> {
        let zero = Tensor::zeros((), self.dtype, &self.device)?;
        let (mut norm_sq, mut probe) = (zero.clone(), zero);
        for (k, gs) in grads.iter().enumerate() {
            for g in gs.iter() {
                if k == 0 {
                    norm_sq = norm_sq.add(&g.sqr()?.sum_all()?)?;
                }
                probe = probe.add(&g.affine(0.0, 0.0)?.sum_all()?)?;
            }
        }
        let nums = Tensor::stack(
            &[
                &graph.total,
                &graph.penalty,
                &graph.mean_real,
                &graph.mean_fake,
                &norm_sq,
                &probe,
            ],
            0,
        )?
        .to_dtype(DType::F64)?
        .to_vec1::<f64>()?;
        let finite = nums[0].is_finite() && nums[5] == 0.0;
        Ok(StepOut {
            loss: nums[0] as f32,
            penalty: nums[1] as f32,
            mean_real: nums[2] as f32,
            mean_fake: nums[3] as f32,
            grad_norm: nums[4].sqrt() as f32,
            outcome: if finite {
                Outcome::Applied
            } else {
                Outcome::NonFiniteLoss
            },
        })
    }

    fn eval_gradient(
        &mut self,
        player: Player,
        obj: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> CResult<StepOut> {
        let graph = match player {
            Player::D => self.d_graph(obj, draws)?,
            Player::G => self.g_graph(obj, draws)?,
        };
        let store = graph.total.backward()?;
        let grads = self.side(player).grads(&store)?;
        drop(store);
        let out = self.measure(&graph, &[&grads])?;
        self.fake = Some(graph.fake_in);
        self.host_fake = OnceLock::new();
        self.side_mut(player).slots[slot_index(into)] = grads;
        Ok(out)
    }

    fn eval_full_gradient(
        &mut self,
        of: Player,
        obj: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> CResult<StepOut> {
        let graph = match of {
            Player::D => self.d_graph_with(obj, draws, true)?,
            Player::G => self.g_graph_with(obj, draws, true)?,
        };
        let store = graph.total.backward()?;
        let (gg, gd) = (self.g.grads(&store)?, self.d.grads(&store)?);
        drop(store);
        // ‖∇‖ of the D side, as the native engine reports it.
        let out = self.measure(&graph, &[&gd, &gg])?;
        self.g.slots[slot_index(into)] = gg;
        self.d.slots[slot_index(into)] = gd;
        Ok(out)
    }

    fn combine_slots(&mut self, p: Player, y: Slot, a: f64, x: Slot, b: f64) -> CResult<()> {
        let r = |v: f64| {
            if self.dtype == DType::F32 {
                v as f32 as f64
            } else {
                v
            }
        };
        let (a, b) = (r(a), r(b));
        let side = self.side_mut(p);
        let (ys, xs) = (&side.slots[slot_index(y)], &side.slots[slot_index(x)]);
        let out = ys
            .iter()
            .zip(xs)
            .map(|(yv, xv)| {
                let ax = xv.affine(a, 0.0)?;
                if b == 0.0 {
                    Ok(ax)
                } else {
                    ax.add(&yv.affine(b, 0.0)?)
                }
            })
            .collect::<CResult<Vec<Tensor>>>()?;
        side.slots[slot_index(y)] = out;
        Ok(())
    }

    fn slot_norm(&self, p: Player, slot: Slot) -> CResult<f64> {
        let mut sq = Tensor::zeros((), self.dtype, &self.device)?;
        for t in &self.side(p).slots[slot_index(slot)] {
            sq = sq.add(&t.sqr()?.sum_all()?)?;
        }
        Ok(sq.to_dtype(DType::F64)?.to_scalar::<f64>()?.sqrt())
    }

    fn shift_params(&mut self, p: Player, a: f64, slot: Slot) -> CResult<()> {
        let a = if self.dtype == DType::F32 {
            a as f32 as f64
        } else {
            a
        };
        let side = self.side_mut(p);
        let params = side
            .net
            .params
            .iter()
            .zip(&side.slots[slot_index(slot)])
            .map(|(v, d)| Var::from_tensor(&v.as_tensor().add(&d.affine(a, 0.0)?)?.detach()))
            .collect::<CResult<Vec<Var>>>()?;
        side.net.params = params;
        side.host = OnceLock::new();
        Ok(())
    }

    fn apply_slot(
        &mut self,
        p: Player,
        slot: Slot,
        clip: Option<f32>,
        record: bool,
    ) -> CResult<Outcome> {
        let side = self.side(p);
        let mut opt = side.opt.clone();
        let params = opt.step(&side.net.params, &side.slots[slot_index(slot)], clip)?;
        let zero = Tensor::zeros((), self.dtype, &self.device)?;
        let mut probe = zero;
        for q in &params {
            probe = probe.add(&q.affine(0.0, 0.0)?.sum_all()?)?;
        }
        let finite = probe.to_dtype(DType::F64)?.to_scalar::<f64>()? == 0.0;
        let side = self.side_mut(p);
        if record {
            side.apply(params, opt);
        } else {
            side.net.params = params;
            side.opt = opt;
            side.host = OnceLock::new();
        }
        Ok(if finite {
            Outcome::Applied
        } else {
            Outcome::NonFiniteParams
        })
    }
}

impl Backend for CandleBackend {
    fn choice(&self) -> Choice {
        Choice {
            backend: BackendKind::Candle,
            device: if self.device.is_cuda() {
                DeviceKind::Cuda
            } else {
                DeviceKind::Cpu
            },
        }
    }

    fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> Result<StepOut, BackendError> {
        let graph = self.d_graph(objective, draws).map_err(err)?;
        self.update(Player::D, graph, clip).map_err(err)
    }

    fn g_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
    ) -> Result<StepOut, BackendError> {
        let graph = self.g_graph(objective, draws).map_err(err)?;
        self.update(Player::G, graph, None).map_err(err)
    }

    fn g_step_by(
        &mut self,
        draws: &Draws<f32>,
        loss: &mut crate::gan::objective::FakeLoss<'_, f32>,
    ) -> Result<StepOut, BackendError> {
        // The oracle is unconditional (the config refuses it with classes),
        // and D's input width is the pack.
        let unconditional = Layout::new(crate::gan::Conditioning::None, 0);
        let fake_in = self
            .fakes_of(unconditional, self.d.net.sizes[0], draws, false)
            .map_err(err)?;
        let (rows, cols) = fake_in.dims2().map_err(err)?;
        let x: Vec<f32> = flat_of(std::iter::once(&fake_in))
            .map_err(err)?
            .into_iter()
            .map(|v| v as f32)
            .collect();
        let mut dl = vec![0.0f32; x.len()];
        let (l, mean_fake) = loss(&x, &mut dl);
        if !l.is_finite() {
            return Ok(StepOut {
                loss: l,
                penalty: 0.0,
                mean_real: 0.0,
                mean_fake,
                grad_norm: f32::NAN,
                outcome: Outcome::NonFiniteLoss,
            });
        }
        let run = |me: &mut Self| -> CResult<StepOut> {
            let w = me.upload(&dl, rows, cols)?;
            let zero = Tensor::zeros((), me.dtype, &me.device)?;
            let graph = Graph {
                total: fake_in.mul(&w)?.sum_all()?,
                penalty: zero.clone(),
                mean_real: zero.clone(),
                mean_fake: zero,
                fake_in,
            };
            me.update(Player::G, graph, None)
        };
        let mut out = run(self).map_err(err)?;
        out.loss = l;
        out.mean_fake = mean_fake;
        Ok(out)
    }

    fn generator(&self) -> &Mlp<f32> {
        self.g.host()
    }

    fn discriminator(&self) -> &Mlp<f32> {
        self.d.host()
    }

    fn fake_batch(&self) -> &[f32] {
        self.host_fake.get_or_init(|| match &self.fake {
            Some(t) => flat_of(std::iter::once(t))
                .map(|v| v.into_iter().map(|x| x as f32).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        })
    }

    fn restore(&mut self, player: Player) {
        match player {
            Player::G => self.g.restore(),
            Player::D => self.d.restore(),
        }
    }

    fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError> {
        let (mut od, mut og) = (self.d.opt.config, self.g.opt.config);
        od.lr = lr_d;
        og.lr = lr_g;
        od.validate()?;
        og.validate()?;
        self.d.opt.config = od;
        self.g.opt.config = og;
        Ok(())
    }

    fn resize(&mut self, _m: usize) {
        // Nothing is preallocated per batch size.
    }

    fn box_clone(&self) -> Box<dyn Backend> {
        // Parameters and states are never written in place (every update
        // makes new tensors), so sharing them is a deep copy in effect.
        Box::new(self.clone())
    }

    fn gradient(
        &mut self,
        player: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError> {
        self.eval_gradient(player, objective, draws, into)
            .map_err(err)
    }

    fn full_gradient(
        &mut self,
        of: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError> {
        self.eval_full_gradient(of, objective, draws, into)
            .map_err(err)
    }

    fn combine(
        &mut self,
        player: Player,
        y: Slot,
        a: f64,
        x: Slot,
        b: f64,
    ) -> Result<(), BackendError> {
        self.combine_slots(player, y, a, x, b).map_err(err)
    }

    fn norm(&self, player: Player, slot: Slot) -> Result<f64, BackendError> {
        self.slot_norm(player, slot).map_err(err)
    }

    fn save(&mut self, player: Player) {
        let side = self.side_mut(player);
        side.saved = Some(Previous {
            params: side.net.params.clone(),
            state: side.opt.clone(),
        });
    }

    fn shift(&mut self, player: Player, a: f64, slot: Slot) -> Result<(), BackendError> {
        self.shift_params(player, a, slot).map_err(err)
    }

    fn revert(&mut self, player: Player) {
        let side = self.side_mut(player);
        if let Some(saved) = side.saved.clone() {
            side.net.params = saved.params;
            side.opt = saved.state;
            side.host = OnceLock::new();
        }
    }

    fn apply(
        &mut self,
        player: Player,
        slot: Slot,
        clip: Option<f32>,
        record: bool,
    ) -> Result<Outcome, BackendError> {
        self.apply_slot(player, slot, clip, record).map_err(err)
    }
}
