//! Settings that change on a running trainer and take effect at the next
//! step, without a reset: the window's sliders and the worker's commands.
//!
//! Which keys are live is their row's `live` in [`super::keys::KEYS`]; the
//! others change the networks, the optimizers' state or the random stream,
//! and need a new trainer: [`GanError::NeedsReset`]. The target is live
//! while its number of classes stays the same (the classes are columns of
//! the networks' inputs).

use super::keys::KEYS;
use super::objective::Draws;
use super::objective::Objective;
use super::snapshot::LatentPoints;
use super::trainer::samples_per_step;
use super::{Config, GanError, Trainer};

impl Trainer {
    /// Applies a whole new config whose reset-only keys are unchanged.
    ///
    /// # Errors
    /// The config's first invalid value, or [`GanError::NeedsReset`] naming
    /// the first reset-only key that differs. On error nothing changes.
    pub fn apply_live(&mut self, new: Config) -> Result<(), GanError> {
        new.validate()?;
        let old = &self.config;
        if let Some(key) = KEYS.iter().find(|k| !k.live && k.get(old) != k.get(&new)) {
            return Err(GanError::NeedsReset {
                key: key.name.into(),
            });
        }
        let target = if new.target != old.target {
            let classes = new.target_classes()?;
            if classes.as_ref().map_or(0, |c| c.k()) != old.class_count() {
                return Err(GanError::NeedsReset {
                    key: "the number of classes of target".into(),
                });
            }
            Some((new.target_mixture()?, classes))
        } else {
            None
        };
        self.set_scheduled_lrs(&new)?;
        if let Some((t, classes)) = target {
            if new.dataset > 0 {
                // The same set a new trainer on this target would draw.
                self.dataset = Some(super::dataset::DataSet::draw(&t, new.dataset, new.seed));
            }
            self.target = t;
            self.classes = classes;
        }
        if samples_per_step(&new) != samples_per_step(&self.config) {
            let m = samples_per_step(&new);
            self.draws = Draws::zeros(m, new.latent_dim, new.pack).with_classes(new.class_count());
            self.engine.resize(m);
        }
        if new.prior != self.config.prior {
            self.latent_points = LatentPoints::new(new.prior, new.latent_dim);
        }
        self.objective = Objective::of(&new);
        self.config = new;
        Ok(())
    }

    /// Sets one key from text, as `--set` does, on the running trainer.
    ///
    /// # Errors
    /// As [`Config::set`] and [`apply_live`](Self::apply_live).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), GanError> {
        let mut c = self.config.clone();
        c.set(key, value)?;
        self.apply_live(c)
    }
}
