//! What the fitting lab looks like outside: `fit.json` (keyed by fit, each
//! with the model's parameters, every divergence at the fit and the steps
//! taken) and `figure.png` (every fitted density over p_data), for
//! `ganscope fit`; the window draws the same [`FitFigure`].

use plotters::prelude::*;
use std::path::Path;

use crate::fit::{Divergence, FitKind, Fitted, Lab, Model};

/// The figure's pixel size, as the Goodfellow figure's.
pub const SIZE: (u32, u32) = super::figure::SIZE;

/// One fitted density, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct FitCurve {
    /// Which fit.
    pub kind: FitKind,
    /// The legend: the fit's name and its parameters.
    pub label: String,
    /// The density at [`FitFigure::x`].
    pub density: Vec<f64>,
}

/// Every fit over p_data; plain numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FitFigure {
    /// The title.
    pub title: String,
    /// The interior bin centres of the lab's grid, cut to where p_data or a
    /// fit has mass.
    pub x: Vec<f64>,
    /// p_data's density.
    pub p_data: Vec<f64>,
    /// The fits.
    pub curves: Vec<FitCurve>,
}

/// A fit's name as a formula, for legends.
pub fn label(kind: FitKind) -> &'static str {
    match kind {
        FitKind::Exact(Divergence::KlDataModel) => "KL(data‖model)",
        FitKind::Exact(Divergence::KlModelData) => "KL(model‖data)",
        FitKind::Exact(Divergence::Jsd) => "JSD",
        FitKind::Exact(Divergence::Hellinger2) => "Hellinger²",
        FitKind::Exact(Divergence::W1) => "W1",
        FitKind::Mle => "sample MLE",
    }
}

/// The colour of a fit (the same in the window).
pub fn colour(kind: FitKind) -> (u8, u8, u8) {
    match kind {
        FitKind::Exact(Divergence::KlDataModel) => (31, 90, 200),
        FitKind::Exact(Divergence::KlModelData) => (200, 40, 40),
        FitKind::Exact(Divergence::Jsd) => (230, 120, 10),
        FitKind::Exact(Divergence::Hellinger2) => (150, 60, 170),
        FitKind::Exact(Divergence::W1) => (0, 150, 150),
        FitKind::Mle => (20, 140, 50),
    }
}

/// The stroke of a fit: the first ones thicker, so that a fit drawn later
/// on top of an earlier one leaves it showing as a border (two fits on the
/// same mode are common).
pub fn width(kind: FitKind) -> u32 {
    match kind {
        FitKind::Exact(Divergence::KlDataModel) => 8,
        FitKind::Exact(Divergence::KlModelData) => 9,
        FitKind::Exact(Divergence::Jsd) => 6,
        FitKind::Exact(Divergence::Hellinger2) => 3,
        FitKind::Exact(Divergence::W1) => 4,
        FitKind::Mle => 2,
    }
}

/// The figure of a lab's fits.
pub fn fit_figure(lab: &Lab, model: Model, fits: &[Fitted], title: &str) -> FitFigure {
    let grid = lab.landscape.grid();
    let n = grid.n();
    let inv_w = 1.0 / grid.width();
    let x_all: Vec<f64> = (1..=n).map(|k| grid.centre(k)).collect();
    let p_all: Vec<f64> = lab.landscape.target_masses()[1..=n]
        .iter()
        .map(|m| m * inv_w)
        .collect();
    let curves_all: Vec<(FitKind, String, Vec<f64>)> = fits
        .iter()
        .map(|f| {
            let params = &f.params;
            let text = if model == Model::Normal && params.mu.len() == 1 {
                format!(
                    "{}: μ {:.3}, σ {:.3}",
                    label(f.kind),
                    params.mu[0],
                    params.sigma[0]
                )
            } else {
                format!("{}: {model}", label(f.kind))
            };
            let d = x_all.iter().map(|&x| params.pdf(x)).collect();
            (f.kind, text, d)
        })
        .collect();
    // The x range where anything drawn is above 1e-3 of the highest peak.
    let peak = p_all
        .iter()
        .chain(curves_all.iter().flat_map(|c| c.2.iter()))
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let shown =
        |i: usize| p_all[i] >= 1e-3 * peak || curves_all.iter().any(|c| c.2[i] >= 1e-3 * peak);
    let first = (0..n).find(|&i| shown(i)).unwrap_or(0);
    let last = (0..n).rev().find(|&i| shown(i)).unwrap_or(n - 1).max(first);
    let cut = first..=last;
    FitFigure {
        title: title.to_string(),
        x: x_all[cut.clone()].to_vec(),
        p_data: p_all[cut.clone()].to_vec(),
        curves: curves_all
            .into_iter()
            .map(|(kind, label, d)| FitCurve {
                kind,
                label,
                density: d[cut.clone()].to_vec(),
            })
            .collect(),
    }
}

/// `fit.json`: one entry per fit, keyed by its name (`kl_data_model`,
/// `kl_model_data`, `jsd`, `hellinger2`, `w1`, `mle`), each with the model's
/// parameters (`mu` and `sigma` for a normal; lists `weights`, `mu` and
/// `sigma` for a mixture), `final` (every divergence at the fit, on the
/// lab's grid; an infinite one is `null`) and `steps`.
pub fn fit_json(model: Model, fits: &[Fitted]) -> String {
    let num = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    let mut out = serde_json::Map::new();
    for f in fits {
        let mut e = serde_json::Map::new();
        match model {
            Model::Normal => {
                e.insert(
                    "mu".into(),
                    num(f.params.mu.first().copied().unwrap_or(f64::NAN)),
                );
                e.insert(
                    "sigma".into(),
                    num(f.params.sigma.first().copied().unwrap_or(f64::NAN)),
                );
            }
            Model::Mixture(_) => {
                let list =
                    |v: &[f64]| serde_json::Value::Array(v.iter().map(|&x| num(x)).collect());
                e.insert("weights".into(), list(&f.params.weights));
                e.insert("mu".into(), list(&f.params.mu));
                e.insert("sigma".into(), list(&f.params.sigma));
            }
        }
        let finals: serde_json::Map<String, serde_json::Value> = Divergence::ALL
            .iter()
            .zip(f.finals)
            .map(|(d, v)| (d.name().to_string(), num(v)))
            .collect();
        e.insert("final".into(), serde_json::Value::Object(finals));
        e.insert("steps".into(), serde_json::json!(f.steps));
        out.insert(f.kind.name().to_string(), serde_json::Value::Object(e));
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(out)).unwrap_or_default()
}

/// Draw the figure as PNG bytes.
pub fn render_png(fig: &FitFigure) -> Result<Vec<u8>, String> {
    super::figure::fonts();
    let (w, h) = SIZE;
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, SIZE).into_drawing_area();
        draw(&root, fig).map_err(|e| format!("cannot draw the fit figure: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw the fit figure: {e}"))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &buf,
        w,
        h,
        image::ColorType::Rgb8,
    )
    .map_err(|e| format!("cannot encode the fit figure: {e}"))?;
    Ok(png)
}

/// Draw the figure and write it as a PNG, whole or not at all.
pub fn write_png(path: &Path, fig: &FitFigure) -> Result<(), String> {
    super::files::write_atomic(path, &render_png(fig)?)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, fig: &FitFigure) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let (x0, x1) = match (fig.x.first(), fig.x.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (-1.0, 1.0),
    };
    let y_max = fig
        .p_data
        .iter()
        .chain(fig.curves.iter().flat_map(|c| c.density.iter()))
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        * 1.1;
    let y_max = y_max.max(1e-6);
    let mut chart = ChartBuilder::on(root)
        .margin(30)
        .caption(&fig.title, ("sans-serif", 40))
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(x0..x1, 0.0..y_max)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .x_desc("x")
        .y_desc("density")
        .label_style(("sans-serif", 24))
        .axis_desc_style(("sans-serif", 26))
        .draw()?;
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        fig.x
            .iter()
            .copied()
            .zip(ys.iter().copied())
            .filter(|(_, y)| y.is_finite())
            .collect()
    };
    chart
        .draw_series(DashedLineSeries::new(
            pts(&fig.p_data),
            3,
            7,
            BLACK.stroke_width(5),
        ))?
        .label("p_data")
        .legend(|(x, y)| {
            EmptyElement::at((x, y))
                + Circle::new((0, 0), 2, BLACK.filled())
                + Circle::new((10, 0), 2, BLACK.filled())
                + Circle::new((20, 0), 2, BLACK.filled())
                + Circle::new((30, 0), 2, BLACK.filled())
        });
    for c in &fig.curves {
        let (r, g, b) = colour(c.kind);
        let style = RGBColor(r, g, b).stroke_width(width(c.kind));
        let series = if c.kind == FitKind::Mle {
            // Dashed, so that it shows where it lies on the KL(data‖model) fit.
            chart.draw_series(DashedLineSeries::new(pts(&c.density), 12, 10, style))?
        } else {
            chart.draw_series(LineSeries::new(pts(&c.density), style))?
        };
        series
            .label(c.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 24))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;
    Ok(())
}
