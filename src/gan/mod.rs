//! The GAN of Goodfellow et al. (2014) on 1-D targets: configuration, the
//! losses and their tricks, and a trainer that runs Algorithm 1 step by step.
//!
//! # Files, one concept each
//!
//! - [`config`] — [`Config`]: every key of a run, TOML in and out, ranges.
//! - [`loss`] — [`LossKind`] and the losses on D's raw outputs
//!   (log-sum-exp forms), with what D's output means and its optimum.
//! - [`condition`] — [`Conditioning`]: how G and D see the class of a
//!   `classes(…)` target (one-hot columns, a projection head, or not at all).
//! - [`fgan`] — [`FDiv`]: the f-GAN divergences of Nowozin et al. (2016),
//!   their conjugates, output activations and optima.
//! - [`objective`] — the D and G objectives on fixed batches: packing,
//!   instance noise, R1 and WGAN-GP penalties, and their gradients
//!   (generic over f32/f64, so the gradient check runs the same code).
//! - `cross` — each loss's gradient in both players' parameters (what
//!   consensus optimisation differentiates).
//! - [`model`] — [`GModel`] and [`DModel`]: the MLPs, the Dirac-GAN's
//!   G(z) = θ and D(x) = ψ·x, and the parameters they hold ([`Frozen`]);
//!   or the exact optimum as D (`oracle`).
//! - [`noise`] — instance noise: [`NoiseSchedule`] (annealed or constant)
//!   and [`NoiseDraws`] (iid or stratified).
//! - [`update`] — [`UpdateRule`]: alternating (Algorithm 1), simultaneous,
//!   extragradient, optimistic and consensus, what one iteration is under
//!   each, written once on the engines' primitives.
//! - [`phase`] — the Dirac-GAN's phase plane: its vector field, the
//!   Jacobian at the equilibrium from the objective's own f64 gradients, the
//!   eigenvalues of each rule's map, and the [`Trajectory`] observer.
//! - [`keys`] — the table of config keys: text in and out, ranges, live or
//!   reset, the window's control, README's table.
//! - [`backend`] — [`Backend`]: the engine that owns G, D and their
//!   optimizers, and [`Choice`], which engine and device a run asks for.
//! - [`native`] — [`NativeBackend`], the hand-written `nn` engine.
//! - [`trainer`] — [`Trainer`]: Algorithm 1 as a stepper, one seeded random
//!   stream, divergence detection.
//! - [`driver`] — [`Driver`]: runs a trainer by a budget of steps or time
//!   and hands every step and snapshot to an [`Observer`] (train, sweep and
//!   the window's worker are observers).
//! - [`dataset`] — [`DataSet`]: a finite training set (`dataset = N`), drawn
//!   once from its own stream, and its smoothing.
//! - [`observe`] — what the snapshot measures from samples of its own: the
//!   two-sample tests and D's accuracies.
//! - [`oracle`] — [`Oracle`]: the exact optimum D*, T* or f* as a
//!   differentiable function of x, for `d_model = oracle` (Proposition 2).
//! - `backup` — the last finite state, kept without per-step copies.
//! - `live` — settings that change while training.
//! - `eval` — G, D, ∂D/∂x and the generator's force at many points.
//! - [`snapshot`] — [`Snapshot`]: p_data, p_g, D, D*, f*, the exact theory
//!   and the z → x map on a grid, when asked.
//! - [`class_snapshot`] — [`ClassSnapshot`]: the same for each class of a
//!   conditional run, and the marginal picture.
//! - [`error`] — [`ConfigError`], [`GanError`].
//!
//! The module never prints; numbers flow out through [`StepStats`].
//!
//! # Example
//!
//! ```
//! use ganscope::gan::{Config, State, Trainer};
//!
//! let mut config = Config::default();
//! config.set("batch", "64")?;
//! let mut trainer = Trainer::new(config)?;
//! let stats = trainer.run(10);
//! assert_eq!(stats.step, 10);
//! assert_eq!(trainer.state(), State::Running);
//! # Ok::<(), ganscope::gan::GanError>(())
//! ```

pub mod backend;
mod backup;
pub mod class_snapshot;
pub mod condition;
pub mod config;
mod cross;
pub mod dataset;
pub mod driver;
pub mod error;
mod eval;
pub mod fgan;
pub mod keys;
mod live;
pub mod loss;
pub mod model;
pub mod native;
pub mod noise;
pub mod objective;
pub mod observe;
pub mod oracle;
pub mod phase;
pub mod presets;
pub mod snapshot;
pub mod trainer;
pub mod update;

pub use backend::{
    Backend, BackendError, BackendInit, BackendKind, Choice, DeviceKind, Outcome, Player, Slot,
    StepOut,
};
pub use class_snapshot::ClassSnapshot;
pub use condition::Conditioning;
pub use config::{Config, Prior};
pub use dataset::DataSet;
pub use driver::{Budget, Driver, Observer, Stop};
pub use error::{ConfigError, GanError};
pub use fgan::FDiv;
pub use loss::LossKind;
pub use model::{DModel, Frozen, GModel};
pub use native::NativeBackend;
pub use noise::{NoiseDraws, NoiseSchedule};
pub use objective::{DEval, Draws, FakeLoss, GEval, Objective, Scratch, g_grad_by};
pub use observe::Observed;
pub use oracle::Oracle;
pub use phase::{DiracPlane, Trajectory};
pub use snapshot::Snapshot;
pub use trainer::{State, StepStats, Trainer};
pub use update::UpdateRule;
