//! The control panel: edits a draft of the settings and returns what the user
//! asked for as [`Action`]s, applied after drawing. A draft that does not
//! validate shows its error inline and is never sent: the run goes on with the
//! last good settings.

use super::state::App;
use crate::density::parse_spec;
use crate::gan::{Config, presets};
use egui::{RichText, Slider, Ui};

/// What the user asked for this frame.
#[must_use]
#[derive(Debug, Clone)]
pub enum Action {
    TogglePlay,
    StepD,
    StepG,
    Step,
    Reset,
    Restore,
    /// New settings that validated.
    Apply(Box<Config>),
    /// Switch to a lesson.
    Lesson(String, Box<Config>),
    /// Settings loaded from a file: replace everything and restart from the seed.
    Load(Box<Config>),
    Speed(Option<f64>),
    Dark(bool),
    /// Train on another engine (offered only in a build with candle).
    #[cfg_attr(not(feature = "candle"), allow(dead_code))]
    Backend(crate::backends::Choice),
}

/// The settings being edited, with the text fields that may not parse yet.
#[derive(Debug, Clone)]
pub struct Draft {
    pub cfg: Config,
    pub spec: String,
    pub spec_error: Option<String>,
    pub g_hidden: String,
    pub d_hidden: String,
    pub widths_error: Option<String>,
    pub error: Option<String>,
}

fn widths_text(w: &[usize]) -> String {
    w.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_widths(s: &str) -> Result<Vec<usize>, String> {
    let s = s.trim().trim_start_matches('[').trim_end_matches(']');
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|p| {
            let p = p.trim();
            p.parse::<usize>()
                .ok()
                .filter(|v| (1..=4096).contains(v))
                .ok_or_else(|| format!("'{p}' is not a width from 1 to 4096"))
        })
        .collect()
}

impl Draft {
    pub fn from_config(cfg: &Config) -> Draft {
        Draft {
            cfg: cfg.clone(),
            spec: cfg.target.clone(),
            spec_error: None,
            g_hidden: widths_text(&cfg.g_hidden),
            d_hidden: widths_text(&cfg.d_hidden),
            widths_error: None,
            error: None,
        }
    }
}

/// A slider on a log scale, for learning rates and penalty weights.
fn log_slider(
    ui: &mut Ui,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    label: &str,
    tip: &str,
) {
    ui.add(
        Slider::new(value, range)
            .logarithmic(true)
            .text(label)
            .custom_formatter(|v, _| format!("{v:.1e}")),
    )
    .on_hover_text(tip);
}

impl App {
    /// The left panel. Returns the actions to carry out.
    pub(super) fn controls_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let before = self.draft.cfg.clone();

        ui.heading("Target");
        let current = self
            .settings
            .lesson
            .clone()
            .unwrap_or_else(|| "custom".to_string());
        egui::ComboBox::from_label("lesson")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for p in presets::all() {
                    if ui
                        .selectable_label(
                            self.settings.lesson.as_deref() == Some(p.name.as_str()),
                            &p.name,
                        )
                        .on_hover_text(&p.description)
                        .clicked()
                    {
                        actions.push(Action::Lesson(p.name.clone(), Box::new(p.config.clone())));
                    }
                }
            });
        let spec_label = ui.label("spec");
        let resp = ui
            .add(
                egui::TextEdit::singleline(&mut self.draft.spec)
                    .hint_text("0.5*normal(-2, 0.5) + 0.5*normal(2, 0.5)")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(spec_label.id);
        if resp.changed() {
            match parse_spec(&self.draft.spec) {
                Ok(m) => {
                    self.draft.spec_error = None;
                    self.draft.cfg.target = m.to_string();
                }
                Err(e) => self.draft.spec_error = Some(e.to_string()),
            }
        }
        if let Some(e) = &self.draft.spec_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color))
                .on_hover_text("The run goes on with the last valid target.");
        }

        ui.separator();
        ui.heading("Algorithm 1");
        let c = &mut self.draft.cfg;
        ui.add(Slider::new(&mut c.k, 0..=50).text("k"))
            .on_hover_text("D updates per iteration (the paper's k)");
        ui.add(Slider::new(&mut c.k_g, 1..=20).text("k_g"))
            .on_hover_text("G updates per iteration");
        log_slider(
            ui,
            &mut c.lr_d,
            1e-6..=1.0,
            "lr_d",
            "D's learning rate (log scale)",
        );
        log_slider(
            ui,
            &mut c.lr_g,
            1e-6..=1.0,
            "lr_g",
            "G's learning rate (log scale)",
        );
        ui.add(
            Slider::new(&mut c.batch, 1..=4096)
                .logarithmic(true)
                .text("batch"),
        )
        .on_hover_text("minibatch size m");
        egui::ComboBox::from_label("optimizer")
            .selected_text(c.optimizer.to_string())
            .show_ui(ui, |ui| {
                for o in crate::nn::OptimizerKind::ALL {
                    ui.selectable_value(&mut c.optimizer, *o, o.to_string());
                }
            });
        ui.add(Slider::new(&mut c.beta1, 0.0..=0.999).text("beta1"))
            .on_hover_text("Adam β₁ / momentum");
        ui.add(Slider::new(&mut c.beta2, 0.9..=0.9999).text("beta2"))
            .on_hover_text("Adam β₂ / RMSprop decay");

        ui.separator();
        ui.heading("Loss and tricks");
        egui::ComboBox::from_label("loss")
            .selected_text(c.loss.to_string())
            .show_ui(ui, |ui| {
                for l in crate::gan::LossKind::ALL {
                    ui.selectable_value(&mut c.loss, *l, l.to_string());
                }
            });
        ui.add(Slider::new(&mut c.instance_noise, 0.0..=2.0).text("instance_noise"))
            .on_hover_text("σ of the noise added to D's inputs, annealed to 0 over the run");
        ui.add(Slider::new(&mut c.r1, 0.0..=100.0).text("r1"))
            .on_hover_text("R1 penalty γ/2·E‖∇D(x_real)‖²");
        ui.add(Slider::new(&mut c.label_smoothing, 0.0..=0.45).text("label_smoothing"))
            .on_hover_text("one-sided: real label 1 − s");
        ui.add(Slider::new(&mut c.pack, 1..=8).text("pack"))
            .on_hover_text("PacGAN: D judges this many samples at once");
        log_slider(
            ui,
            &mut c.clip,
            1e-4..=1.0,
            "clip",
            "WGAN weight clipping c",
        );
        ui.add(Slider::new(&mut c.gp, 0.0..=100.0).text("gp"))
            .on_hover_text("WGAN-GP penalty λ");

        ui.separator();
        ui.heading("Networks");
        ui.horizontal(|ui| {
            let label = ui.label("G hidden");
            ui.add(egui::TextEdit::singleline(&mut self.draft.g_hidden).desired_width(90.0))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("D hidden");
            ui.add(egui::TextEdit::singleline(&mut self.draft.d_hidden).desired_width(90.0))
                .labelled_by(label.id);
        });
        match (
            parse_widths(&self.draft.g_hidden),
            parse_widths(&self.draft.d_hidden),
        ) {
            (Ok(g), Ok(d)) => {
                self.draft.widths_error = None;
                self.draft.cfg.g_hidden = g;
                self.draft.cfg.d_hidden = d;
            }
            (Err(e), _) | (_, Err(e)) => self.draft.widths_error = Some(e),
        }
        if let Some(e) = &self.draft.widths_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color));
        }
        let c = &mut self.draft.cfg;
        egui::ComboBox::from_label("activation")
            .selected_text(c.activation.to_string())
            .show_ui(ui, |ui| {
                for a in crate::nn::Activation::ALL {
                    ui.selectable_value(&mut c.activation, *a, a.to_string());
                }
            });
        egui::ComboBox::from_label("prior")
            .selected_text(c.prior.to_string())
            .show_ui(ui, |ui| {
                for p in crate::theory::Prior::ALL {
                    ui.selectable_value(&mut c.prior, *p, p.to_string());
                }
            });
        ui.add(Slider::new(&mut c.latent_dim, 1..=8).text("latent_dim"))
            .on_hover_text("above 1, p_g is estimated from a fixed sample");
        ui.add(egui::DragValue::new(&mut c.seed).prefix("seed "));

        #[cfg(feature = "candle")]
        {
            ui.separator();
            ui.heading("Backend");
            let current = self.settings.backend;
            egui::ComboBox::from_label("backend")
                .selected_text(self.status.backend.clone())
                .show_ui(ui, |ui| {
                    for choice in crate::backends::Choice::built() {
                        if ui
                            .selectable_label(current == choice, choice.to_string())
                            .clicked()
                            && choice != current
                        {
                            actions.push(Action::Backend(choice));
                        }
                    }
                })
                .response
                .on_hover_text("native: the hand-written engine; candle: the same GAN on candle tensors (cuda: on the GPU). Switching restarts training.");
        }

        ui.separator();
        ui.heading("View");
        let t = &mut self.settings.toggles;
        ui.checkbox(&mut t.p_data, "p_data");
        ui.checkbox(&mut t.p_g, "p_g");
        ui.checkbox(&mut t.d, "D(x)");
        ui.checkbox(&mut t.d_star, "D*(x)");
        ui.checkbox(&mut t.force, "G's gradient along x");
        ui.checkbox(&mut t.ghost_map, "optimal z→x map");
        let mut dark = self.settings.dark;
        if ui.checkbox(&mut dark, "dark theme").changed() {
            actions.push(Action::Dark(dark));
        }

        // Settings that validated go to the trainer at once; others show why not.
        if self.draft.cfg != before {
            match self.draft.cfg.validate() {
                Ok(()) => {
                    self.draft.error = None;
                    if self.draft.cfg != self.settings.config {
                        self.settings.lesson = None;
                        actions.push(Action::Apply(Box::new(self.draft.cfg.clone())));
                    }
                }
                Err(e) => self.draft.error = Some(e.to_string()),
            }
        }
        if let Some(e) = &self.draft.error {
            ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color));
        }
        ui.separator();
        actions.extend(self.files_ui(ui));
        actions
    }

    /// The transport bar: play/pause, single steps, reset, restore, speed.
    pub(super) fn transport_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal(|ui| {
            let play = if self.status.playing { "Pause" } else { "Play" };
            if ui.button(play).on_hover_text("space").clicked() {
                actions.push(Action::TogglePlay);
            }
            if ui
                .button("Step D")
                .on_hover_text("d: one update of D, G frozen")
                .clicked()
            {
                actions.push(Action::StepD);
            }
            if ui
                .button("Step G")
                .on_hover_text("g: one update of G, D frozen")
                .clicked()
            {
                actions.push(Action::StepG);
            }
            if ui
                .button("Step")
                .on_hover_text("s: one iteration of Algorithm 1 (k D updates, k_g G updates)")
                .clicked()
            {
                actions.push(Action::Step);
            }
            if ui
                .button("Reset")
                .on_hover_text("r: new networks from the seed")
                .clicked()
            {
                actions.push(Action::Reset);
            }
            ui.separator();
            let mut max = self.settings.speed.is_none();
            let mut rate = self.settings.speed.unwrap_or(1000.0);
            if ui.checkbox(&mut max, "full speed").changed() {
                actions.push(Action::Speed(if max { None } else { Some(rate) }));
            }
            if !max
                && ui
                    .add(
                        Slider::new(&mut rate, 1.0..=20_000.0)
                            .logarithmic(true)
                            .text("steps/s"),
                    )
                    .changed()
            {
                actions.push(Action::Speed(Some(rate)));
            }
        });
        actions
    }
}
