//! The window's state: the settings being edited, the last good settings the
//! trainer runs on, and what the training session last published.

use super::GuiOptions;
use super::controls::{self, Action, Draft};
use super::files::Files;
use super::fit_panel::{FitPanel, FitView};
use super::history::History;
use super::phase;
use super::plots;
use super::runner::Runner;
use super::session::{Command, Status};
use super::settings::Settings;
use super::view::View;
use crate::gan::{Config, Trainer};
use egui::{Color32, RichText};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use web_time::Instant;

const STORAGE_KEY: &str = "ganscope.settings";

/// A screenshot run: train to `steps`, then capture the window and exit.
struct ScreenshotJob {
    path: PathBuf,
    steps: u64,
    requested: bool,
    frames_after: u32,
    /// Filled by eframe's screenshot callback.
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

/// The application.
pub struct App {
    pub(super) settings: Settings,
    /// The settings being edited in the controls (text fields, spec).
    pub(super) draft: Draft,
    /// The training session, on a thread or in the frame loop.
    pub(super) runner: Runner,
    pub(super) view: Option<Arc<View>>,
    pub(super) status: Status,
    pub(super) history: History,
    pub(super) fps: Fps,
    /// Hidden curves (bit i = curve i) in the two plots over steps.
    pub(super) curve_hidden: (u32, u32, u32),
    /// The class the figure shows in a conditional run (`None`: all).
    pub(super) class_shown: Option<usize>,
    /// The paths of the files section and its last message.
    pub(super) files: Files,
    /// The exact fits of a lesson with a `[fit]` table.
    fit: Option<FitPanel>,
    /// The phase plane's parameters as last chosen, until a view shows them.
    phase_pick: Option<(usize, usize)>,
    /// Where Play stops for a lesson: its `steps` (until reached once).
    lesson_end: Option<u64>,
    /// A lesson that reached its end: the banner that says so.
    lesson_done: Option<u64>,
    screenshot: Option<ScreenshotJob>,
    outcome: Arc<Mutex<Option<Result<String, String>>>>,
    /// For the screenshot run's report: when the window opened, frames drawn,
    /// CPU time spent in `ui`.
    started: Instant,
    frames: u64,
    ui_secs: f64,
    /// The page title last set (web).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    title: String,
}

/// Frames per second and UI time per frame, smoothed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Fps {
    last: Option<f64>,
    pub fps: f64,
    pub ui_ms: f64,
}

impl Fps {
    fn tick(&mut self, now: f64, ui_secs: f64) {
        if let Some(last) = self.last {
            let dt = now - last;
            if dt > 0.0 {
                let inst = 1.0 / dt;
                self.fps = if self.fps == 0.0 {
                    inst
                } else {
                    0.9 * self.fps + 0.1 * inst
                };
            }
        }
        self.ui_ms = if self.ui_ms == 0.0 {
            ui_secs * 1e3
        } else {
            0.9 * self.ui_ms + 0.1 * ui_secs * 1e3
        };
        self.last = Some(now);
    }
}

impl App {
    /// Build the app and start its trainer.
    pub fn new(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        options: GuiOptions,
        outcome: Arc<Mutex<Option<Result<String, String>>>>,
    ) -> App {
        let files_dir = options.files_dir.clone().unwrap_or_default();
        let mut settings: Settings = storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        let opened_on_a_lesson = options.config.is_some() && options.lesson.is_some();
        if let Some(cfg) = options.config {
            settings.config = cfg;
            settings.lesson = options.lesson;
        }
        // Saved settings from an older version may no longer validate.
        if settings.config.validate().is_err() {
            settings = Settings::default();
        }
        ctx.set_visuals(classroom_visuals(settings.dark));
        style_for_a_classroom(ctx);
        // A saved backend this build or machine lacks falls back to native.
        let trainer = crate::backends::trainer(settings.config.clone(), settings.backend)
            .or_else(|_| Trainer::new(settings.config.clone()))
            .or_else(|_| Trainer::new(Config::default()))
            .expect("the default config is valid");
        settings.backend = trainer.choice();
        let screenshot_run = options.screenshot.is_some();
        if screenshot_run {
            // A screenshot run trains as fast as it can to its own --steps.
            settings.speed = None;
        } else if opened_on_a_lesson {
            settings.speed = lesson_pace(settings.lesson.as_deref());
        }
        let lesson_end =
            (!screenshot_run && settings.lesson.is_some()).then_some(settings.config.steps);
        let repaint_ctx = ctx.clone();
        let mut runner = Runner::start(trainer, options.steps, move || {
            repaint_ctx.request_repaint()
        });
        let fit = fit_panel_of(ctx, settings.lesson.as_deref());
        runner.send(Command::Speed(settings.speed));
        let screenshot = options.screenshot.map(|(path, steps)| {
            runner.send(Command::RunTo(steps));
            ScreenshotJob {
                path,
                steps,
                requested: false,
                frames_after: 0,
                image: Arc::new(Mutex::new(None)),
            }
        });
        App {
            draft: Draft::from_config(&settings.config),
            status: Status {
                step: 0,
                steps_per_sec: 0.0,
                playing: false,
                diverged_at: None,
                note: None,
                generation: 0,
                revision: 0,
                manual_steps: (0, 0, 0),
                config: Arc::new(settings.config.clone()),
                refused: 0,
                backend: settings.backend,
            },
            settings,
            runner,
            view: None,
            history: History::default(),
            fps: Fps::default(),
            curve_hidden: (0, 0, 0),
            class_shown: None,
            files: Files::new(files_dir),
            lesson_end,
            lesson_done: None,
            screenshot,
            fit,
            outcome,
            phase_pick: None,
            started: Instant::now(),
            frames: 0,
            ui_secs: 0.0,
            title: String::new(),
        }
    }

    /// The page's title: `ganscope — <lesson> — step N` (`custom` for
    /// settings of one's own), so that whoever watches the page from outside
    /// — a browser test reading its DOM — sees which lesson trains and how far.
    pub fn title(&self) -> String {
        let lesson = self.settings.lesson.as_deref().unwrap_or("custom");
        format!("ganscope — {lesson} — step {}", self.status.step)
    }

    /// The newest status the session published.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The newest view the session published.
    pub fn view(&self) -> Option<&View> {
        self.view.as_deref()
    }

    /// The class the figure shows in a conditional run (`None`: all of them).
    pub fn class_shown(&self) -> Option<usize> {
        self.class_shown
    }

    /// The last good settings (those the trainer runs on).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The outcome of the last action of the Files section.
    pub fn files_message(&self) -> Option<&Result<String, String>> {
        self.files.message.as_ref()
    }

    /// The newest exact fits, for a lesson with a `[fit]` table.
    pub fn fit_view(&self) -> Option<&FitView> {
        self.fit.as_ref().and_then(|f| f.view())
    }

    /// The inline error of the target spec field, if any.
    pub fn spec_error(&self) -> Option<&str> {
        self.draft.spec_error.as_deref()
    }

    /// Take what the session published.
    pub fn poll(&mut self) {
        let (view, status, points) = self.runner.take();
        if let Some(s) = status {
            if s.generation != self.status.generation {
                self.history.clear();
            }
            // What the session runs on (a switch it could not make is undone).
            self.settings.backend = s.backend;
            if s.refused != self.status.refused {
                // Settings the trainer refused: the controls show what it
                // runs on.
                self.settings.config = (*s.config).clone();
                self.draft = Draft::from_config(&self.settings.config);
            }
            self.status = s;
        }
        for p in points {
            self.history.push(p);
        }
        if view.is_some() {
            self.view = view;
        }
        if let Some(end) = self.lesson_end
            && self.status.step >= end
            && !self.status.playing
        {
            self.lesson_end = None;
            self.lesson_done = Some(end);
        }
    }

    /// Carry out what the controls asked for, after drawing.
    fn act(&mut self, ctx: &egui::Context, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::TogglePlay => {
                    self.runner
                        .send(match (self.status.playing, self.lesson_end) {
                            (true, _) => Command::Pause,
                            (false, Some(end)) if self.status.step < end => Command::RunTo(end),
                            (false, _) => Command::Play,
                        });
                    self.status.playing = !self.status.playing;
                    self.lesson_done = None;
                }
                Action::StepD => self.runner.send(Command::StepD),
                Action::StepG => self.runner.send(Command::StepG),
                Action::Step => self.runner.send(Command::Step),
                Action::Reset => {
                    self.history.clear();
                    self.lesson_done = None;
                    self.lesson_end = self
                        .settings
                        .lesson
                        .is_some()
                        .then_some(self.settings.config.steps);
                    self.runner
                        .send(Command::Reset(Box::new(self.settings.config.clone())));
                }
                Action::Restore => self.runner.send(Command::Restore),
                Action::Apply(cfg) => {
                    self.settings.config = (*cfg).clone();
                    self.runner.send(Command::Apply(cfg));
                }
                Action::Lesson(name, cfg) => {
                    self.fit = fit_panel_of(ctx, Some(&name));
                    // A lesson opens at its pace and stops at its end.
                    self.settings.speed = lesson_pace(Some(&name));
                    self.runner.send(Command::Speed(self.settings.speed));
                    self.settings.lesson = Some(name);
                    self.lesson_end = Some(cfg.steps);
                    self.lesson_done = None;
                    self.settings.config = (*cfg).clone();
                    self.draft = Draft::from_config(&cfg);
                    self.history.clear();
                    self.runner.send(Command::Reset(cfg));
                }
                Action::Target(spec) => {
                    // As if typed into the spec field: the run goes on with it.
                    self.draft.set_target(&spec);
                    if self.draft.cfg.validate().is_ok() && self.draft.cfg != self.settings.config {
                        self.settings.lesson = None;
                        self.settings.config = self.draft.cfg.clone();
                        self.runner
                            .send(Command::Apply(Box::new(self.draft.cfg.clone())));
                    }
                }
                Action::Load(cfg) => {
                    self.fit = None;
                    self.lesson_end = None;
                    self.lesson_done = None;
                    self.settings.lesson = None;
                    self.settings.config = (*cfg).clone();
                    self.draft = Draft::from_config(&cfg);
                    self.history.clear();
                    self.runner.send(Command::Reset(cfg));
                }
                Action::Backend(choice) => {
                    self.settings.backend = choice;
                    self.history.clear();
                    self.runner.send(Command::Backend(choice));
                }
                Action::Trace(g, d) => self.runner.send(Command::Trace(g, d)),
                Action::Speed(s) => {
                    self.settings.speed = s;
                    self.runner.send(Command::Speed(s));
                }
                Action::Dark(dark) => {
                    self.settings.dark = dark;
                    ctx.set_visuals(classroom_visuals(dark));
                }
            }
        }
    }

    /// The whole window. Returns the actions to carry out after drawing.
    fn layout_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        // The panels paint no background of their own: the window is cleared
        // to the panel colour (`App::clear_color`), which spares a software
        // rasteriser one full-window layer per frame.
        let style = ui.style().clone();
        let bare = egui::Frame::side_top_panel(&style).fill(Color32::TRANSPARENT);
        egui::Panel::top("transport").frame(bare).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(RichText::new("ganscope").strong());
                ui.separator();
                actions.extend(controls::transport_ui(
                    ui,
                    self.status.playing,
                    self.settings.speed,
                ));
            });
        });
        egui::Panel::bottom("status").frame(bare).show(ui, |ui| {
            plots::status_ui(
                ui,
                &self.status,
                (self.fps.fps, self.fps.ui_ms),
                self.view.as_deref(),
            )
        });
        egui::Panel::left("controls")
            .frame(bare)
            .default_size(300.0)
            .resizable(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    actions.extend(self.draft.ui(
                        ui,
                        &mut self.settings,
                        self.status.backend,
                        self.files.dir(),
                    ));
                    ui.separator();
                    actions.extend(self.files.ui(
                        ui,
                        &self.settings,
                        self.view.as_deref(),
                        &self.history,
                    ));
                });
            });
        egui::Panel::right("lesson")
            .frame(bare)
            .default_size(290.0)
            .resizable(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    plots::side_ui(ui, self.settings.lesson.as_deref(), self.view.as_deref())
                });
            });
        let central = egui::Frame::central_panel(&style).fill(Color32::TRANSPARENT);
        egui::CentralPanel::default_margins()
            .frame(central)
            .show(ui, |ui| {
                if let Some(step) = self.status.diverged_at {
                    actions.extend(plots::diverged_banner(ui, step));
                } else if let Some(end) = self.lesson_done {
                    actions.extend(plots::lesson_done_banner(ui, end));
                }
                let h = ui.available_height();
                let view = self.view.clone();
                // A [fit] lesson: its fits on top, the GAN's figure under them.
                let figure_h = if let Some(fit) = self.fit.as_mut() {
                    let target = self.settings.config.target.clone();
                    if let Some(t) = fit.fit_ui(ui, &target, h * 0.32) {
                        let mut cfg = self.settings.config.clone();
                        cfg.target = t;
                        self.draft = Draft::from_config(&cfg);
                        actions.push(Action::Apply(Box::new(cfg)));
                    }
                    h * 0.30
                } else {
                    h * 0.52
                };
                let phase = view
                    .as_deref()
                    .and_then(|v| v.phase.as_ref())
                    .filter(|p| self.settings.toggles.phase || p.dirac.is_some());
                // A conditional run's class selector above the figure; the
                // figure and the strip give up its height in proportion.
                let selector =
                    |ui: &mut egui::Ui, v: &super::view::View, shown: &mut Option<usize>| {
                        let before = ui.available_height();
                        super::classes::selector_ui(ui, v, shown);
                        let used = before - ui.available_height();
                        if h > 0.0 {
                            (h - used).max(0.0) / h
                        } else {
                            1.0
                        }
                    };
                match view.as_deref() {
                    // With the phase plane: the figure, then the curves
                    // beside the plane (a constant G's z→x strip is one point).
                    Some(v) => {
                        let scale = selector(ui, v, &mut self.class_shown);
                        let shown = self.class_shown;
                        let toggles = self.settings.toggles;
                        let fig_h = if phase.is_some() {
                            figure_h.min(h * 0.42)
                        } else {
                            figure_h
                        } * scale;
                        let draw = self.draft.draw.then_some(&mut self.draft.stroke);
                        if let Some(stroke) = plots::figure_ui(ui, v, shown, toggles, fig_h, draw) {
                            match super::draw::stroke_to_spec(&stroke) {
                                Ok(spec) => actions.push(Action::Target(spec)),
                                Err(e) => self.draft.spec_error = Some(e.to_string()),
                            }
                        }
                        if phase.is_none() && self.fit.is_none() {
                            plots::strip_ui(ui, v, shown, toggles.ghost_map, h * 0.16 * scale);
                        }
                    }
                    None => {
                        let rest = if self.fit.is_none() {
                            h * 0.68
                        } else {
                            figure_h
                        };
                        ui.allocate_space(egui::vec2(ui.available_width(), rest));
                    }
                }
                let mixture = view.as_deref().is_some_and(|v| v.modes.is_some());
                match phase {
                    Some(p) => {
                        let rest = ui.available_height();
                        ui.columns(2, |cols| {
                            plots::curves_ui(
                                &mut cols[0],
                                &self.history,
                                &mut self.curve_hidden,
                                mixture,
                            );
                            actions.extend(phase::phase_ui(
                                &mut cols[1],
                                p,
                                rest,
                                &mut self.phase_pick,
                            ));
                        });
                    }
                    None => plots::curves_ui(ui, &self.history, &mut self.curve_hidden, mixture),
                }
            });
        actions
    }

    fn shortcuts(&self, ctx: &egui::Context) -> Vec<Action> {
        if ctx.egui_wants_keyboard_input() {
            return Vec::new();
        }
        ctx.input(|i| {
            let mut out = Vec::new();
            if i.key_pressed(egui::Key::Space) {
                out.push(Action::TogglePlay);
            }
            if i.key_pressed(egui::Key::D) {
                out.push(Action::StepD);
            }
            if i.key_pressed(egui::Key::G) {
                out.push(Action::StepG);
            }
            if i.key_pressed(egui::Key::S) {
                out.push(Action::Step);
            }
            if i.key_pressed(egui::Key::R) {
                out.push(Action::Reset);
            }
            out
        })
    }

    fn screenshot_frame(&mut self, ctx: &egui::Context) {
        let Some(job) = self.screenshot.as_mut() else {
            return;
        };
        let done = self.status.step >= job.steps && !self.status.playing
            || self.status.diverged_at.is_some();
        if !done || self.view.as_ref().is_none_or(|v| v.step < self.status.step) {
            ctx.request_repaint();
            return;
        }
        // Let a few frames settle (plot bounds, fonts) before capturing.
        if job.frames_after < 5 {
            job.frames_after += 1;
            ctx.request_repaint();
            return;
        }
        if !job.requested {
            job.requested = true;
            let slot = Arc::clone(&job.image);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Ok(mut s) = slot.lock() {
                    *s = Some(image);
                }
                repaint.request_repaint();
            });
        }
        let image = job.image.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = image {
            let path = job.path.clone();
            let secs = self.started.elapsed().as_secs_f64();
            let report = format!(
                "{}: {}x{} after {} steps; {:.1} s in the window: {:.0} steps/s, {:.0} fps, UI {:.2} ms/frame",
                path.display(),
                image.size[0],
                image.size[1],
                self.status.step,
                secs,
                self.status.step as f64 / secs,
                self.frames as f64 / secs,
                1e3 * self.ui_secs / self.frames.max(1) as f64,
            );
            let result = save_png(&path, &image).map(|()| report);
            if let Ok(mut o) = self.outcome.lock() {
                *o = Some(result);
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ctx.request_repaint();
        }
    }
}

/// The fit panel of a lesson that has a `[fit]` table.
fn fit_panel_of(ctx: &egui::Context, lesson: Option<&str>) -> Option<FitPanel> {
    let spec = crate::gan::presets::find(lesson?)?.fit.clone()?;
    let repaint = ctx.clone();
    Some(FitPanel::new(spec, move || repaint.request_repaint()))
}

/// The steps per second a lesson opens at (`None`: full speed).
fn lesson_pace(lesson: Option<&str>) -> Option<f64> {
    lesson
        .and_then(crate::gan::presets::find)
        .and_then(|p| p.pace)
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut rgba = Vec::with_capacity(w * h * 4);
    for c in &image.pixels {
        rgba.extend_from_slice(&c.to_array());
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &rgba,
        w as u32,
        h as u32,
        image::ColorType::Rgba8,
    )
    .map_err(|e| format!("cannot encode the screenshot: {e}"))?;
    crate::report::write_atomic(path, &png)
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        // In the frame loop this trains (a thread trains on its own); the
        // UI's time per frame is counted after it.
        let mut again = self.runner.frame();
        let t0 = Instant::now();
        self.poll();
        let mut actions = self.shortcuts(&ctx);
        actions.extend(self.layout_ui(ui));
        self.act(&ctx, actions);
        // Commands carried out in the frame loop publish at the next frame.
        again |= self.runner.pending();
        #[cfg(target_arch = "wasm32")]
        {
            let title = self.title();
            if title != self.title {
                super::browser::set_title(&title);
                self.title = title;
            }
        }
        self.screenshot_frame(&ctx);
        if self.status.playing || again {
            ctx.request_repaint();
        }
        let now = ctx.input(|i| i.time);
        let ui_secs = t0.elapsed().as_secs_f64();
        self.fps.tick(now, ui_secs);
        self.frames += 1;
        self.ui_secs += ui_secs;
    }

    /// The panels' colour: they paint no background over it.
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, STORAGE_KEY, &self.settings);
        }
    }
}

/// egui's light or dark visuals with square widgets. The software
/// rasteriser of a machine without a GPU (llvmpipe, under Xvfb) pays per
/// triangle: a rounded widget is 58 triangles (138 with its outline), a
/// square one 10, and the control panel's rounded widgets were a third of
/// each frame's triangles.
fn classroom_visuals(dark: bool) -> egui::Visuals {
    let mut v = if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    };
    let w = &mut v.widgets;
    for state in [
        &mut w.noninteractive,
        &mut w.inactive,
        &mut w.hovered,
        &mut w.active,
        &mut w.open,
    ] {
        state.corner_radius = 0.into();
    }
    v
}

/// Larger text than egui's defaults, so that the back row can read it, and
/// DejaVu Sans as a fallback for the symbols of the theory (‖, →, ∞, ≥).
fn style_for_a_classroom(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu".to_owned(),
        Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/DejaVuSans.ttf"
        ))),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("dejavu".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(20.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(15.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.0, FontFamily::Monospace),
            ),
            (
                TextStyle::Small,
                FontId::new(12.0, FontFamily::Proportional),
            ),
        ]
        .into();
    });
}
