//! The window's files: save and load the whole config as TOML, export the
//! figure as PNG and the curves as CSV, and copy the equivalent
//! `ganscope train` command line. Paths are typed into text fields (no native
//! dialog); relative paths are relative to [`Files::dir`], the directory
//! ganscope was started in (tests point it elsewhere). A file that cannot be read or does not hold a valid config shows its
//! error inline and leaves the settings alone.

use super::controls::Action;
use super::history::{History, HistoryPoint};
use super::settings::Settings;
use super::view::View;
use crate::gan::{Config, keys, presets};
use crate::report::columns::metrics_csv;
use crate::report::write_atomic;
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};

/// The paths in the text fields and the outcome of the last file action.
#[derive(Debug, Clone)]
pub struct Files {
    /// What relative paths are relative to; empty: the working directory.
    pub dir: PathBuf,
    pub config_path: String,
    pub figure_path: String,
    pub history_path: String,
    /// Ok: what was done; Err: why not.
    pub message: Option<Result<String, String>>,
}

impl Files {
    /// A typed path, resolved against [`Files::dir`] when relative.
    fn resolve(&self, typed: &str) -> PathBuf {
        self.dir.join(typed.trim())
    }
}

impl Default for Files {
    fn default() -> Self {
        Files {
            dir: PathBuf::new(),
            config_path: "ganscope.toml".into(),
            figure_path: "ganscope-figure.png".into(),
            history_path: "ganscope-history.csv".into(),
            message: None,
        }
    }
}

/// Read a config from a TOML file and validate it.
///
/// # Errors
/// The file cannot be read, is not TOML, has an unknown key or a value out of
/// range: one line naming the file.
pub fn load_config(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cfg = Config::from_toml_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    cfg.validate()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(cfg)
}

/// Write the whole config as TOML (every key), whole or not at all.
///
/// # Errors
/// The config cannot be serialised or the file written.
pub fn save_config(path: &Path, cfg: &Config) -> Result<(), String> {
    let text = cfg.to_toml_string().map_err(|e| e.to_string())?;
    write_atomic(path, text.as_bytes())
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
        ui.horizontal(|ui| {
            let label = ui.label("config file");
            ui.add(egui::TextEdit::singleline(&mut f.config_path).desired_width(170.0))
                .labelled_by(label.id)
                .on_hover_text("a TOML file with every config key (as train's config.toml)");
        });
        ui.horizontal(|ui| {
            if ui
                .button("Save config")
                .on_hover_text("write the settings the trainer runs on")
                .clicked()
            {
                let path = &f.resolve(&f.config_path);
                f.message = Some(
                    save_config(path, &settings.config)
                        .map(|()| format!("saved {}", path.display())),
                );
            }
            if ui
                .button("Load config")
                .on_hover_text("replace every setting and restart the run from its seed")
                .clicked()
            {
                let path = &f.resolve(&f.config_path);
                match load_config(path) {
                    Ok(cfg) => {
                        f.message = Some(Ok(format!("loaded {}", path.display())));
                        actions.push(Action::Load(Box::new(cfg)));
                    }
                    Err(e) => f.message = Some(Err(e)),
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("figure PNG");
            ui.add(egui::TextEdit::singleline(&mut f.figure_path).desired_width(150.0))
                .labelled_by(label.id);
            if ui
                .button("Export figure")
                .on_hover_text("the figure as train's figure.png draws it, 1600×1000")
                .clicked()
            {
                let path = &f.resolve(&f.figure_path);
                f.message = Some(match view {
                    Some(v) => {
                        let mut fig = v.figure.clone();
                        fig.title = format!(
                            "ganscope — {}, seed {}, {} loss",
                            settings.lesson.as_deref().unwrap_or("custom"),
                            settings.config.seed,
                            settings.config.loss
                        );
                        crate::report::figure::write_png(path, &fig)
                            .map(|()| format!("wrote {}", path.display()))
                    }
                    None => Err("no figure yet".to_string()),
                });
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("history CSV");
            ui.add(egui::TextEdit::singleline(&mut f.history_path).desired_width(150.0))
                .labelled_by(label.id);
            if ui
                .button("Export history")
                .on_hover_text("the curves over steps, one row per recorded point")
                .clicked()
            {
                let path = &f.resolve(&f.history_path);
                let csv = history_csv(history.points());
                f.message = Some(write_atomic(path, csv.as_bytes()).map(|()| {
                    format!("wrote {} ({} rows)", path.display(), history.points().len())
                }));
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
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
