//! `heatmap.png`: a sweep at a glance. One panel of the median final JSD over
//! the first two grid keys (x: the first key, y: the second), and for mixture
//! targets a second panel of the median modes covered. Each cell prints its
//! median, and under it the value of every run in the cell (up to six, else
//! the interquartile range), so the spread across seeds is visible; runs that
//! diverged are counted in the cell. Further grid keys are pooled with the
//! seeds, as the subtitle says.

use super::table::Table;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// matplotlib's viridis at five stops.
const VIRIDIS: [(f64, f64, f64); 5] = [
    (68.0, 1.0, 84.0),
    (59.0, 82.0, 139.0),
    (33.0, 145.0, 140.0),
    (94.0, 201.0, 98.0),
    (253.0, 231.0, 37.0),
];

fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let s = t * (VIRIDIS.len() - 1) as f64;
    let i = (s.floor() as usize).min(VIRIDIS.len() - 2);
    let f = s - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn ink_on(c: RGBColor) -> RGBColor {
    let lum = 0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64;
    if lum < 140.0 { WHITE } else { BLACK }
}

/// The values of one cell: every run with these first two grid values.
#[derive(Debug, Default, Clone)]
struct Cell {
    values: Vec<f64>,
    diverged: usize,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl Cell {
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }
    fn median(&self) -> f64 {
        quantile(&self.sorted(), 0.5)
    }
}

/// One panel's data.
struct Panel {
    title: String,
    /// Colour scale.
    lo: f64,
    hi: f64,
    /// cells[y][x]
    cells: Vec<Vec<Cell>>,
    fmt: fn(f64) -> String,
}

fn fmt_jsd(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "—".into()
    }
}

fn fmt_count(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The distinct values of a column, in the order of the runs.
fn levels(t: &Table, col: Option<usize>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(c) = col {
        for (_, r) in &t.rows {
            if let Some(v) = r.get(c)
                && !out.contains(v)
            {
                out.push(v.clone());
            }
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Draw the heatmap of a sweep table as PNG bytes.
///
/// # Errors
/// Only if drawing or encoding fails.
pub fn render_png(t: &Table) -> Result<Vec<u8>, String> {
    super::figure::fonts();
    let keys = t.keys().to_vec();
    let cx = keys.first().and_then(|k| t.col(k));
    let cy = keys.get(1).and_then(|k| t.col(k));
    let xs = levels(t, cx);
    let ys = levels(t, cy);
    let cell_of = |row: &[String]| -> (usize, usize) {
        let find = |c: Option<usize>, lv: &[String]| {
            c.and_then(|c| row.get(c))
                .and_then(|v| lv.iter().position(|l| l == v))
                .unwrap_or(0)
        };
        (find(cx, &xs), find(cy, &ys))
    };
    let mixture = t
        .rows
        .iter()
        .any(|(_, r)| t.number(r, "modes_total").is_some_and(|m| m > 1.0));
    let modes_total = t
        .rows
        .iter()
        .filter_map(|(_, r)| t.number(r, "modes_total"))
        .fold(1.0, f64::max);
    let mut panels = vec![Panel {
        title: "median final JSD(p_data ‖ p_g)".into(),
        lo: 0.0,
        hi: std::f64::consts::LN_2,
        cells: vec![vec![Cell::default(); xs.len()]; ys.len()],
        fmt: fmt_jsd,
    }];
    if mixture {
        panels.push(Panel {
            title: format!("median modes covered (of {modes_total:.0})"),
            lo: 0.0,
            hi: modes_total,
            cells: vec![vec![Cell::default(); xs.len()]; ys.len()],
            fmt: fmt_count,
        });
    }
    for (_, row) in &t.rows {
        let (x, y) = cell_of(row);
        let diverged = t
            .col("diverged")
            .and_then(|c| row.get(c))
            .map(String::as_str)
            == Some("true");
        for (p, col) in panels.iter_mut().zip(["jsd", "modes_covered"]) {
            let cell = &mut p.cells[y][x];
            cell.values.push(t.number(row, col).unwrap_or(f64::NAN));
            cell.diverged += usize::from(diverged);
        }
    }

    let panel_w = 1000u32.max(220 * xs.len() as u32 + 420).min(2400);
    let height = 760u32.max(110 * ys.len() as u32 + 300).min(2400);
    let size = (panel_w * panels.len() as u32, height);
    let mut buf = vec![255u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let seeds = t.col("seed").map(|c| levels(t, Some(c)).len()).unwrap_or(1);
        let mut pooled = format!("{} runs; each cell pools {} seed(s)", t.rows.len(), seeds);
        if keys.len() > 2 {
            pooled.push_str(&format!(" and every value of {}", keys[2..].join(", ")));
        }
        let root = root
            .titled(&format!("ganscope sweep — {pooled}"), ("sans-serif", 28))
            .map_err(|e| e.to_string())?;
        let areas = root.split_evenly((1, panels.len()));
        let labels = Labels {
            x_key: keys.first().cloned().unwrap_or_default(),
            y_key: keys.get(1).cloned().unwrap_or_default(),
            xs: &xs,
            ys: &ys,
        };
        for (area, p) in areas.iter().zip(&panels) {
            draw_panel(area, p, &labels).map_err(|e| format!("cannot draw the heatmap: {e}"))?;
        }
        root.present()
            .map_err(|e| format!("cannot draw the heatmap: {e}"))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &buf,
        size.0,
        size.1,
        image::ColorType::Rgb8,
    )
    .map_err(|e| format!("cannot encode the heatmap: {e}"))?;
    Ok(png)
}

struct Labels<'a> {
    x_key: String,
    y_key: String,
    xs: &'a [String],
    ys: &'a [String],
}

fn draw_panel(
    area: &Area<'_>,
    p: &Panel,
    l: &Labels<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let font = |size: i32| ("sans-serif", size).into_font();
    let centred = Pos::new(HPos::Center, VPos::Center);
    area.draw(&Text::new(
        p.title.clone(),
        (w / 2, 24),
        font(28).color(&BLACK).pos(centred),
    ))?;
    // The grid of cells, leaving room for the y labels, the x labels and the colour bar.
    let (left, right, top, bottom) = (190, w - 150, 60, h - 110);
    let nx = l.xs.len() as i32;
    let ny = l.ys.len() as i32;
    let cw = (right - left) / nx.max(1);
    let ch = (bottom - top) / ny.max(1);
    for (yi, row) in p.cells.iter().enumerate() {
        for (xi, cell) in row.iter().enumerate() {
            let x0 = left + xi as i32 * cw;
            // The first y value at the bottom, as on a plot's axis.
            let y0 = bottom - (yi as i32 + 1) * ch;
            let sorted = cell.sorted();
            let med = quantile(&sorted, 0.5);
            let fill = if med.is_finite() {
                viridis((med - p.lo) / (p.hi - p.lo).max(1e-12))
            } else {
                RGBColor(225, 225, 225)
            };
            area.draw(&Rectangle::new(
                [(x0, y0), (x0 + cw, y0 + ch)],
                fill.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x0, y0), (x0 + cw, y0 + ch)],
                WHITE.stroke_width(2),
            ))?;
            let ink = ink_on(fill);
            let (cxp, cyp) = (x0 + cw / 2, y0 + ch / 2);
            area.draw(&Text::new(
                (p.fmt)(cell.median()),
                (cxp, cyp - 16),
                font(30).color(&ink).pos(centred),
            ))?;
            let spread = if cell.values.is_empty() {
                "no runs".to_string()
            } else if cell.values.len() <= 6 {
                cell.values
                    .iter()
                    .map(|v| (p.fmt)(*v))
                    .collect::<Vec<_>>()
                    .join("  ")
            } else {
                format!(
                    "IQR {} – {}",
                    (p.fmt)(quantile(&sorted, 0.25)),
                    (p.fmt)(quantile(&sorted, 0.75))
                )
            };
            area.draw(&Text::new(
                spread,
                (cxp, cyp + 14),
                font(17).color(&ink).pos(centred),
            ))?;
            if cell.diverged > 0 {
                area.draw(&Text::new(
                    format!("{} diverged", cell.diverged),
                    (cxp, cyp + 36),
                    font(16).color(&ink).pos(centred),
                ))?;
            }
        }
    }
    // Axis labels: the values under and left of the cells, the keys beyond them.
    for (xi, v) in l.xs.iter().enumerate() {
        area.draw(&Text::new(
            v.clone(),
            (left + xi as i32 * cw + cw / 2, bottom + 22),
            font(22).color(&BLACK).pos(centred),
        ))?;
    }
    area.draw(&Text::new(
        l.x_key.clone(),
        ((left + right) / 2, bottom + 66),
        font(26).color(&BLACK).pos(centred),
    ))?;
    for (yi, v) in l.ys.iter().enumerate() {
        area.draw(&Text::new(
            v.clone(),
            (left - 12, bottom - yi as i32 * ch - ch / 2),
            font(22)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    if !l.y_key.is_empty() {
        area.draw(&Text::new(
            l.y_key.clone(),
            (24, (top + bottom) / 2),
            font(26)
                .color(&BLACK)
                .transform(FontTransform::Rotate270)
                .pos(centred),
        ))?;
    }
    // The colour bar: low at the bottom.
    let (bx0, bx1) = (right + 30, right + 60);
    let steps = 100;
    for i in 0..steps {
        let t = (i as f64 + 0.5) / steps as f64;
        let y1 = bottom - (i * (bottom - top)) / steps;
        let y0 = bottom - ((i + 1) * (bottom - top)) / steps;
        area.draw(&Rectangle::new([(bx0, y0), (bx1, y1)], viridis(t).filled()))?;
    }
    area.draw(&Rectangle::new(
        [(bx0, top), (bx1, bottom)],
        BLACK.stroke_width(1),
    ))?;
    for i in 0..=4 {
        let v = p.lo + (p.hi - p.lo) * i as f64 / 4.0;
        let y = bottom - i * (bottom - top) / 4;
        area.draw(&PathElement::new(vec![(bx1, y), (bx1 + 6, y)], BLACK))?;
        area.draw(&Text::new(
            (p.fmt)(v),
            (bx1 + 10, y),
            font(18)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_colours() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
    }
}
