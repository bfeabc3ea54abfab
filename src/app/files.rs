//! The window's files: save and load the whole config as TOML, load a CSV
//! of samples as the target (natively), export the
//! figure as PNG and the curves as CSV, and copy the equivalent
//! `ganscope train` command line. Where the files go is the one thing that
//! differs between the window and the web page, and a [`Place`] hides it:
//! natively the text fields hold paths (no native dialog), relative to the
//! directory ganscope was started in (`disk`); on the web exports become
//! downloads named by the fields and "Load config" opens the browser's file
//! picker (`browser`). A file that cannot be read or does not hold a valid
//! config shows its error inline and leaves the settings alone.

use super::controls::Action;
use super::history::{History, HistoryPoint};
use super::settings::Settings;
use super::view::View;
use crate::gan::{Config, keys, presets};
use crate::report::columns::metrics_csv;
use egui::{RichText, Ui};
use std::path::PathBuf;

#[cfg(target_arch = "wasm32")]
use super::browser::Place;
#[cfg(not(target_arch = "wasm32"))]
use super::disk::Place;

/// The names in the text fields, where files go, and the outcome of the
/// last file action.
#[derive(Debug)]
pub struct Files {
    place: Place,
    pub config_path: String,
    pub figure_path: String,
    pub history_path: String,
    /// A CSV file of samples to load as the target, and its column (a
    /// header name or a number from 1; empty: the only numeric column).
    pub csv_path: String,
    pub csv_column: String,
    /// Ok: what was done; Err: why not.
    pub message: Option<Result<String, String>>,
}

impl Files {
    /// The Files section, with relative paths relative to `dir` (empty: the
    /// working directory; the web has no paths).
    pub fn new(dir: PathBuf) -> Files {
        Files {
            place: Place::new(dir),
            config_path: "ganscope.toml".into(),
            figure_path: "ganscope-figure.png".into(),
            history_path: "ganscope-history.csv".into(),
            csv_path: "data.csv".into(),
            csv_column: String::new(),
            message: None,
        }
    }

    /// What relative paths in a spec (a `csv(...)` target) are relative to.
    pub fn dir(&self) -> &std::path::Path {
        self.place.dir()
    }
}

/// A config from the TOML text of the file `name`, validated.
///
/// # Errors
/// The text is not TOML, has an unknown key or a value out of range: one
/// line naming the file.
pub fn parse_config(name: &str, text: &str) -> Result<Config, String> {
    // Relative data files in the config are relative to its directory.
    let dir = std::path::Path::new(name)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let cfg = Config::from_toml_str_in(text, dir).map_err(|e| format!("{name}: {e}"))?;
    cfg.validate().map_err(|e| format!("{name}: {e}"))?;
    Ok(cfg)
}

/// The `csv(...)` spec of a file and a column as typed in the Files
/// section (a number is a column number, other text a header name).
pub fn csv_spec(path: &str, column: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let column = column.trim();
    if column.is_empty() {
        format!("csv({})", quote(path.trim()))
    } else if column.parse::<usize>().is_ok() {
        format!("csv({}, {column})", quote(path.trim()))
    } else {
        format!("csv({}, {})", quote(path.trim()), quote(column))
    }
}

/// The curves over steps as CSV, with the columns of `metrics.csv` (losses
/// averaged since the point before) and its rule for non-finite values.
pub fn history_csv(points: &[HistoryPoint]) -> String {
    let classes = points.first().map_or(0, |p| p.classes());
    let header = metrics_csv().names(classes);
    let rows = points.iter().map(|p| p.csv_fields(metrics_csv()));
    crate::report::csv::to_text(std::iter::once(header).chain(rows))
}

/// A word for a POSIX shell: as is when it is plain, else single-quoted.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,=+/:@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The `ganscope train` line that runs this config: the lesson it came from
/// (or the default lesson, which `train` starts from) and a `--set` for every
/// key that differs from it.
pub fn command_line(cfg: &Config, lesson: Option<&str>) -> String {
    let preset = lesson.and_then(presets::find);
    let base = preset
        .map(|p| p.config.clone())
        .or_else(|| presets::load(presets::DEFAULT).ok().map(|p| p.config))
        .unwrap_or_default();
    let mut words = vec!["ganscope".to_string(), "train".to_string()];
    if let Some(p) = preset {
        words.push("--preset".into());
        words.push(shell_word(&p.name));
    }
    for key in keys::KEYS {
        let now = key.get(cfg);
        if now != key.get(&base) {
            words.push("--set".into());
            words.push(shell_word(&format!("{}={now}", key.name)));
        }
    }
    words.join(" ")
}

impl Files {
    /// The files section of the controls: `settings` are the last good
    /// settings (those the trainer runs on).
    pub(super) fn ui(
        &mut self,
        ui: &mut Ui,
        settings: &Settings,
        view: Option<&View>,
        history: &History,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.heading("Files");
        let f = self;
        // A config file asked for (read now natively, picked on the web).
        if let Some(picked) = f.place.take() {
            match picked.and_then(|(name, text)| Ok((parse_config(&name, &text)?, name))) {
                Ok((cfg, name)) => {
                    f.message = Some(Ok(format!("loaded {name}")));
                    actions.push(Action::Load(Box::new(cfg)));
                }
                Err(e) => f.message = Some(Err(e)),
            }
        }
        ui.horizontal(|ui| {
            let label = ui.label("config file");
            ui.add(egui::TextEdit::singleline(&mut f.config_path).desired_width(170.0))
                .labelled_by(label.id)
                .on_hover_text(format!(
                    "a TOML file with every config key (as train's config.toml): {}",
                    Place::FIELDS
                ));
        });
        ui.horizontal(|ui| {
            if ui
                .button("Save config")
                .on_hover_text("write the settings the trainer runs on")
                .clicked()
            {
                f.message = Some(
                    settings
                        .config
                        .to_toml_string()
                        .map_err(|e| e.to_string())
                        .and_then(|text| {
                            f.place
                                .put(&f.config_path, text.as_bytes(), "application/toml")
                        }),
                );
            }
            if ui
                .button("Load config")
                .on_hover_text("replace every setting and restart the run from its seed")
                .clicked()
            {
                f.place.ask(&f.config_path, ui.ctx());
                ui.ctx().request_repaint();
            }
        });
        // A CSV target reads its file when the spec is parsed: the web page
        // has no files to read.
        #[cfg(not(target_arch = "wasm32"))]
        ui.horizontal(|ui| {
            let label = ui.label("data CSV");
            ui.add(egui::TextEdit::singleline(&mut f.csv_path).desired_width(170.0))
                .labelled_by(label.id)
                .on_hover_text("a CSV file of samples: its target is csv(\"path\", column)");
        });
        #[cfg(not(target_arch = "wasm32"))]
        ui.horizontal(|ui| {
            let label = ui.label("column");
            ui.add(
                egui::TextEdit::singleline(&mut f.csv_column)
                    .hint_text("the only numeric one")
                    .desired_width(90.0),
            )
            .labelled_by(label.id)
            .on_hover_text("a header name, or a number from 1; empty: the file's only numeric column");
            if ui
                .button("Load CSV as target")
                .on_hover_text("p_data becomes the file's samples (the theory smooths them by their frequency polygon)")
                .clicked()
            {
                let spec = csv_spec(&f.csv_path, &f.csv_column);
                f.message = Some(match crate::density::parse_spec_in(&spec, f.place.dir()) {
                    Ok(m) => {
                        let note = crate::gan::snapshot::data_note(&m).unwrap_or_default();
                        actions.push(Action::Target(m.to_string()));
                        Ok(format!("p_data = {note}"))
                    }
                    Err(e) => Err(e.to_string()),
                });
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("figure PNG");
            ui.add(egui::TextEdit::singleline(&mut f.figure_path).desired_width(150.0))
                .labelled_by(label.id)
                .on_hover_text(Place::FIELDS);
            if ui
                .button("Export figure")
                .on_hover_text("the figure as train's figure.png draws it, 1600×1000")
                .clicked()
            {
                f.message = Some(match view {
                    Some(v) => {
                        let mut fig = v.figure.clone();
                        fig.title = format!(
                            "ganscope — {}, seed {}, {} loss",
                            settings.lesson.as_deref().unwrap_or("custom"),
                            settings.config.seed,
                            settings.config.loss
                        );
                        crate::report::figure::render_png(&fig)
                            .and_then(|png| f.place.put(&f.figure_path, &png, "image/png"))
                    }
                    None => Err("no figure yet".to_string()),
                });
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("history CSV");
            ui.add(egui::TextEdit::singleline(&mut f.history_path).desired_width(150.0))
                .labelled_by(label.id)
                .on_hover_text(Place::FIELDS);
            if ui
                .button("Export history")
                .on_hover_text("the curves over steps, one row per recorded point")
                .clicked()
            {
                let csv = history_csv(history.points());
                let rows = history.points().len();
                f.message = Some(
                    f.place
                        .put(&f.history_path, csv.as_bytes(), "text/csv")
                        .map(|done| format!("{done} ({rows} rows)")),
                );
            }
        });
        if ui
            .button("Copy as command")
            .on_hover_text("the ganscope train line that runs these settings, to the clipboard")
            .clicked()
        {
            let line = command_line(&settings.config, settings.lesson.as_deref());
            ui.ctx().copy_text(line);
            f.message = Some(Ok("copied the command line".into()));
        }
        match &f.message {
            Some(Ok(m)) => {
                ui.label(RichText::new(m).italics());
            }
            Some(Err(e)) => {
                ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().error_fg_color));
            }
            None => {}
        }
        if let Some(note) = Place::NOTE {
            ui.label(RichText::new(note).small().italics());
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_specs() {
        assert_eq!(csv_spec(" d.csv ", ""), "csv(\"d.csv\")");
        assert_eq!(csv_spec("d.csv", "2"), "csv(\"d.csv\", 2)");
        assert_eq!(csv_spec("a\"b.csv", "x y"), "csv(\"a\\\"b.csv\", \"x y\")");
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("k=5"), "k=5");
        assert_eq!(
            shell_word("target=normal(2, 0.5)"),
            "'target=normal(2, 0.5)'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("g_hidden=[32, 32]"), "'g_hidden=[32, 32]'");
    }

    #[test]
    fn a_lesson_unchanged_is_just_its_name() {
        let p = presets::find("mode-collapse").unwrap();
        assert_eq!(
            command_line(&p.config, Some("mode-collapse")),
            "ganscope train --preset mode-collapse"
        );
        let mut c = p.config.clone();
        c.set("lr_g", "3e-4").unwrap();
        c.set("g_hidden", "[]").unwrap();
        assert_eq!(
            command_line(&c, Some("mode-collapse")),
            "ganscope train --preset mode-collapse --set 'g_hidden=[]' --set lr_g=0.0003"
        );
    }
}
