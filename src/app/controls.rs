//! The control panel: edits a draft of the settings and returns what the user
//! asked for as [`Action`]s, applied after drawing. A draft that does not
//! validate shows its error inline and is never sent: the run goes on with the
//! last good settings.
//!
//! Every key's control — slider, menu, text or number field, its range,
//! label and tooltip — comes from its row of [`keys::KEYS`]; this module
//! only groups them into sections.

use std::collections::BTreeMap;

use super::settings::Settings;
use crate::density::print_spec_in;
use crate::gan::keys::{self, Key, Widget};
use crate::gan::{Config, presets};
use egui::{RichText, Slider, Ui};
use std::path::Path;

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
    /// A new target spec that parsed (a drawing, a CSV file): applied like
    /// a typed spec.
    Target(String),
    Speed(Option<f64>),
    Dark(bool),
    /// Trace these parameters of G and D in the phase plane.
    Trace(usize, usize),
    /// Train on another engine (offered only in a build with candle).
    #[cfg_attr(not(feature = "candle"), allow(dead_code))]
    Backend(crate::gan::Choice),
}

/// The sections of the panel and their keys, in order.
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "Algorithm 1",
        &[
            "update",
            "k",
            "k_g",
            "lr_d",
            "lr_g",
            "batch",
            "dataset",
            "optimizer",
            "beta1",
            "beta2",
            "consensus_gamma",
        ],
    ),
    (
        "Loss and tricks",
        &[
            "loss",
            "instance_noise",
            "noise_schedule",
            "noise_draws",
            "r1",
            "label_smoothing",
            "pack",
            "clip",
            "gp",
            "gp_one_sided",
        ],
    ),
    (
        "Networks",
        &[
            "g_model",
            "d_model",
            "g_hidden",
            "d_hidden",
            "activation",
            "prior",
            "latent_dim",
            "init_scale",
            "conditioning",
            "seed",
        ],
    ),
];

/// The settings being edited, with the text fields that may not parse yet.
#[derive(Debug, Clone)]
pub struct Draft {
    pub cfg: Config,
    pub spec: String,
    pub spec_error: Option<String>,
    /// The text of each text-field key as typed, and why it does not parse.
    pub texts: BTreeMap<&'static str, (String, Option<String>)>,
    pub error: Option<String>,
    /// "Draw target" is on: a drag over the figure draws p_data.
    pub draw: bool,
    /// The stroke being drawn, in the figure's coordinates.
    pub stroke: Vec<[f64; 2]>,
}

impl Draft {
    pub fn from_config(cfg: &Config) -> Draft {
        let texts = keys::KEYS
            .iter()
            .filter(|k| matches!(k.widget, Widget::Text))
            .map(|k| (k.name, (k.get(cfg), None)))
            .collect();
        Draft {
            cfg: cfg.clone(),
            spec: cfg.target.clone(),
            spec_error: None,
            texts,
            error: None,
            draw: false,
            stroke: Vec::new(),
        }
    }

    /// Puts a target that parsed into the draft (the spec field shows it).
    pub fn set_target(&mut self, spec: &str) {
        self.spec = spec.to_string();
        self.spec_error = None;
        self.cfg.target = spec.to_string();
    }
}

/// The control of one key, editing `cfg` (text fields through `texts`).
fn key_ui(
    ui: &mut Ui,
    key: &Key,
    cfg: &mut Config,
    texts: &mut BTreeMap<&str, (String, Option<String>)>,
) {
    let now = key.get(cfg);
    match key.widget {
        Widget::Slider { lo, hi, log, int } => {
            let mut v: f64 = now.parse().unwrap_or(lo);
            let mut s = Slider::new(&mut v, lo..=hi).logarithmic(log).text(key.name);
            if int {
                s = s.integer();
            } else if log {
                s = s.custom_formatter(|v, _| format!("{v:.1e}"));
            }
            if ui.add(s).on_hover_text(key.doc).changed() {
                let text = if int {
                    format!("{}", v.round().max(0.0) as u64)
                } else {
                    format!("{v}")
                };
                let _ = key.set(cfg, &text);
            }
        }
        Widget::Choice(names) => {
            egui::ComboBox::from_label(key.name)
                .selected_text(now.clone())
                .show_ui(ui, |ui| {
                    for name in names() {
                        if ui.selectable_label(now == name, name).clicked() {
                            let _ = key.set(cfg, name);
                        }
                    }
                })
                .response
                .on_hover_text(key.doc);
        }
        Widget::Text => {
            let Some((text, error)) = texts.get_mut(key.name) else {
                return;
            };
            ui.horizontal(|ui| {
                let label = ui.label(key.name).on_hover_text(key.doc);
                let resp = ui
                    .add(egui::TextEdit::singleline(text).desired_width(110.0))
                    .labelled_by(label.id);
                if resp.changed() {
                    // The key's own parser and range, without touching `cfg`
                    // until the text is a good value.
                    let mut trial = cfg.clone();
                    match key.set(&mut trial, text).and_then(|()| key.check(&trial)) {
                        Ok(()) => {
                            *error = None;
                            *cfg = trial;
                        }
                        Err(e) => *error = Some(e.to_string()),
                    }
                }
            });
            if let Some(e) = error {
                ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color));
            }
        }
        Widget::Number => {
            let mut v: u64 = now.parse().unwrap_or(0);
            if ui
                .add(egui::DragValue::new(&mut v).prefix(format!("{} ", key.name)))
                .on_hover_text(key.doc)
                .changed()
            {
                let _ = key.set(cfg, &v.to_string());
            }
        }
        Widget::None => {}
    }
}

impl Draft {
    /// The left panel: edits this draft and `settings`' view options, and
    /// returns the actions to carry out (`engine`: what the trainer runs on;
    /// `base`: what a relative `csv(...)` path in the spec is relative to).
    pub(super) fn ui(
        &mut self,
        ui: &mut Ui,
        settings: &mut Settings,
        engine: crate::gan::Choice,
        base: &Path,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        let before = self.cfg.clone();

        ui.heading("Target");
        let current = settings
            .lesson
            .clone()
            .unwrap_or_else(|| "custom".to_string());
        egui::ComboBox::from_label("lesson")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for p in presets::all() {
                    if ui
                        .selectable_label(
                            settings.lesson.as_deref() == Some(p.name.as_str()),
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
                egui::TextEdit::singleline(&mut self.spec)
                    .hint_text("0.5*normal(-2, 0.5) + 0.5*normal(2, 0.5)")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(spec_label.id);
        if resp.changed() {
            match print_spec_in(&self.spec, base) {
                Ok(spec) => {
                    self.spec_error = None;
                    self.cfg.target = spec;
                }
                Err(e) => self.spec_error = Some(e.to_string()),
            }
        }
        if let Some(e) = &self.spec_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color))
                .on_hover_text("The run goes on with the last valid target.");
        }
        ui.checkbox(&mut self.draw, "draw target").on_hover_text(
            "drag across the figure to draw p_data: on release the stroke becomes a pieces(...) target",
        );
        if self.draw {
            ui.label(
                RichText::new("Drag across the figure, left to right; release to apply.").italics(),
            );
        }

        for (title, names) in SECTIONS {
            ui.separator();
            ui.heading(*title);
            for name in *names {
                if let Some(key) = keys::find(name) {
                    key_ui(ui, key, &mut self.cfg, &mut self.texts);
                }
            }
        }

        #[cfg(feature = "candle")]
        {
            ui.separator();
            ui.heading("Backend");
            let current = settings.backend;
            egui::ComboBox::from_label("backend")
                .selected_text(engine.to_string())
                .show_ui(ui, |ui| {
                    for choice in crate::gan::Choice::built() {
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

        #[cfg(target_arch = "wasm32")]
        {
            ui.separator();
            ui.heading("Backend");
            ui.label(format!("{engine}: the hand-written engine, on one thread"));
            ui.label(
                RichText::new("The candle backend (and CUDA) needs the desktop build.").italics(),
            );
        }

        ui.separator();
        ui.heading("View");
        let t = &mut settings.toggles;
        ui.checkbox(&mut t.p_data, "p_data");
        ui.checkbox(&mut t.p_g, "p_g");
        ui.checkbox(&mut t.d, "D(x)");
        ui.checkbox(&mut t.d_star, "D*(x)");
        ui.checkbox(&mut t.force, "G's gradient along x");
        ui.checkbox(&mut t.ghost_map, "optimal z→x map");
        ui.checkbox(&mut t.phase, "phase plane")
            .on_hover_text("the path of one parameter of G against one of D; always on for the Dirac-GAN (g_model constant, d_model linear)");
        let mut dark = settings.dark;
        if ui.checkbox(&mut dark, "dark theme").changed() {
            actions.push(Action::Dark(dark));
        }

        // Settings that validated go to the trainer at once; others show why not.
        if self.cfg != before {
            match self.cfg.validate() {
                Ok(()) => {
                    self.error = None;
                    if self.cfg != settings.config {
                        settings.lesson = None;
                        actions.push(Action::Apply(Box::new(self.cfg.clone())));
                    }
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some(e) = &self.error {
            ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color));
        }
        actions
    }
}

/// The transport bar: play/pause, single steps, reset, restore, speed.
pub(super) fn transport_ui(ui: &mut Ui, playing: bool, speed: Option<f64>) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        let play = if playing { "Pause" } else { "Play" };
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
            .on_hover_text("s: one iteration of the update rule (alternating, Algorithm 1: k D updates, then k_g G updates)")
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
        let mut max = speed.is_none();
        let mut rate = speed.unwrap_or(1000.0);
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
