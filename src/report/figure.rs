//! `figure.png`: the Goodfellow figure at one moment of a run, readable on a
//! slide. p_data black dotted, p_g green solid, D blue dashed, D* orange, and
//! under it the z→x strip of Figure 1 with the optimal map as ghost lines.
//!
//! A conditional run (a `classes(…)` target) draws the marginal p_data and
//! p_g as above and each class in its own colour ([`CLASS_COLOURS`]):
//! π_c·p_data(x | c) dotted, π_c·p_g(x | c) solid (so the classes add up to
//! the marginals; class 1 widest, so that classes whose p_g coincide show as
//! nested stripes), D(x, c) dashed, and one z→x strip per class.
//! [`FigureData::for_class`] is the figure of one class alone, in the
//! paper's colours: what the window's class selector shows.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write as _;
use std::path::Path;

use super::glyphs::Glyphs;

use crate::gan::{LossKind, Snapshot};

/// The figure's pixel size: 16:10, legible on a projector.
pub const SIZE: (u32, u32) = (1600, 1000);

/// What the figure draws; plain numbers, filled from a trainer snapshot.
#[derive(Debug, Clone, Default)]
pub struct FigureData {
    pub title: String,
    /// One line of metrics under the title.
    pub subtitle: String,
    /// Bin centres.
    pub x: Vec<f64>,
    pub p_data: Vec<f64>,
    pub p_g: Vec<f64>,
    /// D(x): a probability for the cross-entropy losses, else a raw score.
    pub d: Vec<f64>,
    /// D*(x), NaN where undefined (neither density has mass).
    pub d_star: Vec<f64>,
    /// Label of the D curve ("D(x)" or "critic f(x)" …) and of its optimum.
    pub d_label: String,
    pub d_star_label: String,
    /// Whether D lives on [0, 1] (then its axis is fixed to [0, 1]).
    pub d_is_probability: bool,
    /// (z, G(z)) at evenly spaced z-quantiles.
    pub z_map: Vec<(f64, f64)>,
    /// (z, F_data⁻¹(F_z(z))) at the same z.
    pub optimal_map: Vec<(f64, f64)>,
    /// p_data's legend: "p_data", or how it was smoothed from a data file.
    pub p_data_label: String,
    /// The finite training set's smoothed density per bin (empty without one).
    pub p_empirical: Vec<f64>,
    /// Its legend: N and the smoothing.
    pub empirical_label: String,
    /// The training set's samples, drawn as a rug under the densities.
    pub rug: Vec<f64>,
    /// Point masses (a `dirac` target, a constant G), drawn as arrows.
    pub atoms: Vec<Atom>,
    /// The classes of a conditional run (empty otherwise).
    pub classes: Vec<ClassCurves>,
}

/// One class of a conditional run, on the figure's x.
#[derive(Debug, Clone, Default)]
pub struct ClassCurves {
    /// `class c`, numbered from 1.
    pub label: String,
    /// π_c.
    pub weight: f64,
    /// p_data(x | c).
    pub p_data: Vec<f64>,
    /// p_g(x | c).
    pub p_g: Vec<f64>,
    /// D(x, c), as [`FigureData::d`].
    pub d: Vec<f64>,
    /// D*(x, c) (or the class's critic f*), as [`FigureData::d_star`].
    pub d_star: Vec<f64>,
    /// JSD(p_data(· | c) ‖ p_g(· | c)).
    pub jsd: f64,
    /// The subtitle of the class's own figure.
    pub subtitle: String,
    /// (z, G(z, c)).
    pub z_map: Vec<(f64, f64)>,
    /// (z, F_{data|c}⁻¹(F_z(z))).
    pub optimal_map: Vec<(f64, f64)>,
}

/// The classes' colours, in class order (ten at most, as classes go).
pub const CLASS_COLOURS: [(u8, u8, u8); 10] = [
    (214, 39, 40),
    (31, 119, 180),
    (255, 127, 14),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
    (188, 189, 34),
    (127, 127, 127),
    (44, 160, 44),
];

/// The colour of class `c` (0-based).
pub fn class_colour(c: usize) -> (u8, u8, u8) {
    CLASS_COLOURS[c % CLASS_COLOURS.len()]
}

/// A point mass in the figure: where, how much of each distribution, and D
/// and D* there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Atom {
    pub x: f64,
    /// p_data's mass at x (0: none).
    pub p_data: f64,
    /// p_g's mass at x (0: none).
    pub p_g: f64,
    /// D at x, as plotted.
    pub d: f64,
    /// D* = p_data/(p_data + p_g) at x (NaN when no optimum is drawn).
    pub d_star: f64,
}

/// An atom's arrow reaches this fraction of the density axis times its mass
/// (a figure with atoms only has a unit density axis).
pub const ATOM_HEIGHT: f64 = 0.9;

/// Below this fraction of the peak of p_data + p_g, D* is left out of the
/// figure (a gap in the curve), and the legend says so.
pub const D_STAR_MASS: f64 = 0.01;

/// D* = p_data/(p_data + p_g) where the densities have mass, NaN (a gap)
/// where p_data + p_g is below [`D_STAR_MASS`] of its peak. Out there the
/// ratio is one of two numbers too small to see, set by the far tails and
/// by where the pushforward of the z-grid ends (p_g exactly 0, D* = 1), not
/// by anything the eye can check against the densities: drawn, it is
/// fragments and spikes to 1 at the window's edges. Over a mode G misses,
/// p_data alone is far above the threshold and D* = 1 is drawn.
fn shown_where_there_is_mass(p: &[f64], q: &[f64], d_star: &[f64]) -> Vec<f64> {
    let peak = p.iter().zip(q).map(|(a, b)| a + b).fold(0.0_f64, f64::max);
    p.iter()
        .zip(q)
        .zip(d_star)
        .map(|((a, b), &d)| {
            if a + b >= D_STAR_MASS * peak {
                d
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// What D and its optimum are called, per loss.
fn d_labels(loss: LossKind) -> (&'static str, &'static str) {
    match loss {
        LossKind::Minimax | LossKind::NonSaturating => {
            ("D(x)", "D* = p_data/(p_data+p_g), where ≥ 1% of peak mass")
        }
        LossKind::Lsgan => (
            "D(x) (LSGAN, raw)",
            "D* = p_data/(p_data+p_g), where ≥ 1% of peak mass",
        ),
        LossKind::Wgan | LossKind::WganGp => ("critic f(x)", "optimal critic f*(x)"),
        LossKind::Hinge => ("critic f(x)", ""),
        LossKind::FganKl
        | LossKind::FganReverseKl
        | LossKind::FganPearson
        | LossKind::FganHellinger
        | LossKind::FganJs => (
            "critic T(x) = g_f(v)",
            "T*(x) = f′(p_data/p_g), where ≥ 1% of peak mass",
        ),
    }
}

/// The optimum of D on the figure: D* (or f*, T*) on the inner bins, left
/// out where the densities have no mass to see for the losses whose optimum
/// is D* or an f-GAN's T*.
fn optimum_shown(loss: LossKind, optimum: Option<&[f64]>, p: &[f64], q: &[f64]) -> Vec<f64> {
    let masked = loss.is_cross_entropy() || loss == LossKind::Lsgan || loss.fdiv().is_some();
    match (optimum, masked) {
        (Some(o), true) => shown_where_there_is_mass(p, q, o),
        (Some(o), false) => o.to_vec(),
        (None, _) => Vec::new(),
    }
}

/// D on the figure: an f-GAN critic (and the oracle D, which is D* itself)
/// is drawn only where the densities have mass, like its optimum.
fn d_shown(mask: bool, d: &[f64], p: &[f64], q: &[f64]) -> Vec<f64> {
    if mask {
        shown_where_there_is_mass(p, q, d)
    } else {
        d.to_vec()
    }
}

/// The Goodfellow figure of a snapshot, for `figure.png` (and the GIF frames).
pub fn figure_data(snap: &Snapshot, title: &str) -> FigureData {
    if !snap.classes.is_empty() {
        return class_figure_data(snap, title);
    }
    let n = snap.grid.n();
    let inner = 1..=n;
    let t = &snap.theory;
    let (d_label, star_label) = d_labels(snap.loss);
    let fgan = snap.loss.fdiv().is_some();
    // The oracle D is D* itself, with D*'s spikes where neither density has
    // mass; an f-GAN critic, like its optimum, runs off to ±∞ in the tails
    // (T* = 1 + ln(p_data/p_g) for KL) and would set the axis' scale.
    let (d_label, mask_d) = if snap.d_is_oracle {
        (format!("{d_label} = its optimum (oracle)"), true)
    } else {
        (d_label.to_string(), fgan)
    };
    let kl = |v: Option<f64>| v.map_or("∞".to_string(), |v| format!("{v:.4}"));
    let mut subtitle = format!(
        "step {}   JSD {:.4}   C(G) {:.4}   W1 {:.4}   KL(data‖g) {}",
        snap.step,
        t.jsd,
        t.c_g,
        t.w1,
        kl(t.kl_data_g)
    );
    if let (Some(df), Some(bound)) = (snap.f_divergence, snap.f_bound) {
        let _ = write!(subtitle, "   D_f {df:.4}   bound {bound:.4}");
    }
    if t.modes.total > 1 {
        let _ = write!(subtitle, "   modes {}/{}", t.modes.covered, t.modes.total);
    }
    let emp_jsd = snap
        .empirical
        .as_ref()
        .and_then(|e| e.theory.as_ref())
        .map(|t| t.jsd);
    if let Some(j) = emp_jsd {
        let _ = write!(subtitle, "   JSD to the data set {j:.4}");
    }
    if !snap.p_g_exact {
        subtitle.push_str("   (p_g estimated)");
    }
    let (p_empirical, empirical_label, rug) = match &snap.empirical {
        Some(e) => (
            if e.p.len() == snap.x.len() {
                e.p[inner.clone()].to_vec()
            } else {
                Vec::new()
            },
            if e.n > e.rug.len() {
                format!("data set, N = {} ({} shown): {}", e.n, e.rug.len(), e.note)
            } else {
                format!("data set, N = {}: {}", e.n, e.note)
            },
            e.rug.clone(),
        ),
        None => (Vec::new(), String::new(), Vec::new()),
    };
    FigureData {
        p_data_label: match &snap.p_data_note {
            Some(n) => format!("p_data = {n}"),
            None => "p_data".to_string(),
        },
        p_empirical,
        empirical_label,
        rug,
        title: title.to_string(),
        subtitle,
        x: snap.x[inner.clone()].to_vec(),
        p_data: snap.p_data[inner.clone()].to_vec(),
        p_g: snap.p_g[inner.clone()].to_vec(),
        // An f-GAN critic and its optimum grow without bound where one
        // density vanishes: both are drawn where the densities have mass.
        d: d_shown(
            mask_d,
            &snap.d[inner.clone()],
            &snap.p_data[inner.clone()],
            &snap.p_g[inner.clone()],
        ),
        d_star: optimum_shown(
            snap.loss,
            snap.optimum().map(|o| &o[inner.clone()]),
            &snap.p_data[inner.clone()],
            &snap.p_g[inner.clone()],
        ),
        d_label,
        d_star_label: star_label.to_string(),
        d_is_probability: snap.loss.is_cross_entropy(),
        z_map: snap
            .map_z
            .iter()
            .copied()
            .zip(snap.map_x.iter().copied())
            .collect(),
        optimal_map: optimal_map_like_g(snap),
        atoms: (0..t.atoms.len())
            .map(|i| Atom {
                x: t.atoms.x[i],
                p_data: t.atoms.p[i],
                p_g: t.atoms.q[i],
                d: snap.d_atoms.get(i).copied().unwrap_or(f64::NAN),
                d_star: if snap.loss.is_cross_entropy() || snap.loss == LossKind::Lsgan {
                    t.d_star_atoms.get(i).copied().unwrap_or(f64::NAN)
                } else {
                    f64::NAN
                },
            })
            .collect(),
        classes: Vec::new(),
    }
}

/// The figure of a conditional run: the marginals, and every class.
fn class_figure_data(snap: &Snapshot, title: &str) -> FigureData {
    let n = snap.grid.n();
    let inner = 1..=n;
    let t = &snap.theory;
    let (d_label, star_label) = d_labels(snap.loss);
    let by_class: Vec<String> = snap
        .classes
        .iter()
        .map(|c| format!("{:.4}", c.theory.jsd))
        .collect();
    let mut subtitle = format!(
        "step {}   marginal JSD {:.4}   C(G) {:.4}   JSD by class {}",
        snap.step,
        t.jsd,
        t.c_g,
        by_class.join(" / ")
    );
    if let (Some(df), Some(bound)) = (snap.f_divergence, snap.f_bound) {
        let _ = write!(subtitle, "   Σπ D_f {df:.4}   bound {bound:.4}");
    }
    if !snap.p_g_exact {
        subtitle.push_str("   (p_g estimated)");
    }
    let mask_d = snap.loss.fdiv().is_some();
    let classes = snap
        .classes
        .iter()
        .enumerate()
        .map(|(c, cs)| {
            let optimum = match snap.loss {
                LossKind::Minimax | LossKind::NonSaturating | LossKind::Lsgan => {
                    Some(&cs.theory.d_star[inner.clone()])
                }
                LossKind::Wgan | LossKind::WganGp => Some(&cs.theory.critic[inner.clone()]),
                LossKind::Hinge => None,
                LossKind::FganKl
                | LossKind::FganReverseKl
                | LossKind::FganPearson
                | LossKind::FganHellinger
                | LossKind::FganJs => Some(&cs.t_star[inner.clone()]),
            };
            let kl = |v: Option<f64>| v.map_or("∞".to_string(), |v| format!("{v:.4}"));
            ClassCurves {
                label: format!("class {}", c + 1),
                weight: cs.weight,
                p_data: cs.p_data[inner.clone()].to_vec(),
                p_g: cs.p_g[inner.clone()].to_vec(),
                d: d_shown(
                    mask_d,
                    &cs.d[inner.clone()],
                    &cs.p_data[inner.clone()],
                    &cs.p_g[inner.clone()],
                ),
                d_star: optimum_shown(
                    snap.loss,
                    optimum,
                    &cs.p_data[inner.clone()],
                    &cs.p_g[inner.clone()],
                ),
                jsd: cs.theory.jsd,
                subtitle: format!(
                    "step {}   class {} (π = {:.3})   JSD {:.4}   C(G) {:.4}   W1 {:.4}   KL(data‖g) {}",
                    snap.step,
                    c + 1,
                    cs.weight,
                    cs.theory.jsd,
                    cs.theory.c_g,
                    cs.theory.w1,
                    kl(cs.theory.kl_data_g)
                ),
                z_map: snap.map_z.iter().copied().zip(cs.map_x.iter().copied()).collect(),
                optimal_map: oriented_like(&snap.map_z, &cs.map_x, &cs.map_optimal),
            }
        })
        .collect();
    FigureData {
        title: title.to_string(),
        subtitle,
        x: snap.x[inner.clone()].to_vec(),
        p_data: snap.p_data[inner.clone()].to_vec(),
        p_g: snap.p_g[inner.clone()].to_vec(),
        // The classes' D are drawn instead.
        d: Vec::new(),
        d_star: Vec::new(),
        d_label: d_label.to_string(),
        d_star_label: star_label.to_string(),
        d_is_probability: snap.loss.is_cross_entropy(),
        z_map: Vec::new(),
        optimal_map: Vec::new(),
        // The config allows no point masses with classes.
        atoms: Vec::new(),
        p_data_label: match &snap.p_data_note {
            Some(n) => format!("marginal p_data = {n}"),
            None => "marginal p_data".to_string(),
        },
        // A classes(…) target takes no finite set.
        p_empirical: Vec::new(),
        empirical_label: String::new(),
        rug: Vec::new(),
        classes,
    }
}

impl FigureData {
    /// The figure of class `c` alone (0-based; the whole figure again for
    /// a class that is not there): p_data(· | c), p_g(· | c), D(·, c) and
    /// its optimum in the paper's colours, the class's z→x strip.
    pub fn for_class(&self, c: usize) -> FigureData {
        let Some(cc) = self.classes.get(c) else {
            return self.clone();
        };
        FigureData {
            title: if self.title.is_empty() {
                String::new()
            } else {
                format!("{} — {}", self.title, cc.label)
            },
            subtitle: cc.subtitle.clone(),
            x: self.x.clone(),
            p_data: cc.p_data.clone(),
            p_g: cc.p_g.clone(),
            d: cc.d.clone(),
            d_star: cc.d_star.clone(),
            d_label: self.d_label.replace("(x)", &format!("(x, {})", c + 1)),
            d_star_label: self.d_star_label.clone(),
            d_is_probability: self.d_is_probability,
            z_map: cc.z_map.clone(),
            optimal_map: cc.optimal_map.clone(),
            atoms: Vec::new(),
            p_data_label: "p_data".to_string(),
            p_empirical: Vec::new(),
            empirical_label: String::new(),
            rug: Vec::new(),
            classes: Vec::new(),
        }
    }
}

/// The strip's caption: which optimal map the grey lines are (the one
/// oriented like G, see [`optimal_map_like_g`]).
fn ghost_caption(map: &[(f64, f64)]) -> String {
    let reversed = matches!((map.first(), map.last()), (Some(a), Some(b)) if b.1 < a.1);
    if reversed {
        "z   (green: G(z); grey: the optimal decreasing map F_data⁻¹(1 − F_z(z)), as G decreases)"
            .to_string()
    } else {
        "z   (green: G(z); grey: the optimal map F_data⁻¹(F_z(z)))".to_string()
    }
}

/// The optimal monotone map at the map's z, oriented like G: when G reverses
/// the line (G(z) decreasing overall), the decreasing map F_data⁻¹(1 − F_z(z))
/// is just as optimal a transport, and it is the one to compare with.
pub fn optimal_map_like_g(snap: &Snapshot) -> Vec<(f64, f64)> {
    oriented_like(&snap.map_z, &snap.map_x, &snap.map_optimal)
}

/// [`optimal_map_like_g`] for any map `z → x` and its optimal map.
fn oriented_like(map_z: &[f64], map_x: &[f64], optimal: &[f64]) -> Vec<(f64, f64)> {
    let reversed = match (map_x.first(), map_x.last()) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    };
    let n = optimal.len();
    map_z
        .iter()
        .enumerate()
        .map(|(i, z)| {
            (
                *z,
                if reversed {
                    optimal[n - 1 - i]
                } else {
                    optimal[i]
                },
            )
        })
        .collect()
}

const D_BLUE: RGBColor = RGBColor(31, 90, 200);
const G_GREEN: RGBColor = RGBColor(20, 140, 50);
const STAR_ORANGE: RGBColor = RGBColor(230, 120, 10);
const DATA_GREY: RGBColor = RGBColor(120, 120, 120);

fn finite_max(v: &[f64]) -> f64 {
    v.iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max)
}

/// The smallest round step ≥ `x`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
/// power of ten (four such steps make an axis whose ticks read at a glance).
pub fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    // m · 10^e, written so that 0.3 is the double nearest 0.3.
    let e = x.log10().floor() as i32;
    let scale = |m: f64| {
        if e >= 0 {
            m * 10f64.powi(e)
        } else {
            m / 10f64.powi(-e)
        }
    };
    let p = scale(1.0);
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(scale)
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// A tick label with as many decimals as `step` needs.
pub fn tick_label(v: f64, step: f64) -> String {
    let mut decimals = 0usize;
    while decimals < 8
        && ((step * 10f64.powi(decimals as i32)).round() - step * 10f64.powi(decimals as i32)).abs()
            > 1e-9
    {
        decimals += 1;
    }
    let text = format!("{v:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// The density axis: from 0 to `top` in four round steps, following p_data
/// (up to 1.5 times its peak), so that p_data always reads; p_g above `top`
/// is cut there and its peak marked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DensityAxis {
    /// The top of the axis (4 · `step`).
    pub top: f64,
    /// The tick step.
    pub step: f64,
    /// Where p_g is cut: the x of its peak and the peak's value.
    pub clipped: Option<(f64, f64)>,
}

impl FigureData {
    /// See [`DensityAxis`].
    pub fn density_axis(&self) -> DensityAxis {
        let data_peak = finite_max(&self.p_data);
        let g_peak = finite_max(&self.p_g);
        let mut want = 1.1 * data_peak.max(g_peak);
        if data_peak > 0.0 {
            want = want.min(1.5 * data_peak);
        }
        if want == 0.0 && !self.atoms.is_empty() {
            // Only atoms: their arrows reach ATOM_HEIGHT of a unit axis.
            want = 1.0;
        }
        let step = nice_step(want.max(1e-9) / 4.0);
        let top = 4.0 * step;
        let clipped = (g_peak > top).then(|| {
            let i = self
                .p_g
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .fold(
                    (0, f64::NEG_INFINITY),
                    |a, (i, &v)| if v > a.1 { (i, v) } else { a },
                )
                .0;
            (self.x.get(i).copied().unwrap_or(0.0), g_peak)
        });
        DensityAxis { top, step, clipped }
    }

    /// D's axis `(lo, hi)`, in four round steps: [0, 1] (ticks at 0, ¼, ½,
    /// ¾, 1) for a probability, else around D, its optimum and 0.
    pub fn d_axis(&self) -> (f64, f64) {
        if self.d_is_probability {
            return (0.0, 1.0);
        }
        let classes = self
            .classes
            .iter()
            .flat_map(|c| c.d.iter().chain(&c.d_star));
        let (lo, hi) = self
            .d
            .iter()
            .chain(&self.d_star)
            .chain(classes)
            .copied()
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let mut step = nice_step(((hi - lo) / 4.0).max(1e-6));
        loop {
            let start = (lo / step).floor() * step;
            if start + 4.0 * step >= hi - 1e-12 * step {
                return (start, start + 4.0 * step);
            }
            step = nice_step(step * 1.0001);
        }
    }
}

/// Draw the figure into an RGB buffer of `SIZE`.
pub fn render_rgb(fig: &FigureData) -> Result<Vec<u8>, String> {
    super::glyphs::plotters_fonts();
    let (w, h) = SIZE;
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = Glyphs(BitMapBackend::with_buffer(&mut buf, SIZE)).into_drawing_area();
        draw(&root, fig).map_err(|e| format!("cannot draw the figure: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw the figure: {e}"))?;
    }
    Ok(buf)
}

/// Draw the figure as PNG bytes.
pub fn render_png(fig: &FigureData) -> Result<Vec<u8>, String> {
    let buf = render_rgb(fig)?;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&buf, SIZE.0, SIZE.1, image::ColorType::Rgb8)
        .map_err(|e| format!("cannot encode the figure: {e}"))?;
    Ok(png)
}

/// Draw the figure and write it as a PNG, whole or not at all.
pub fn write_png(path: &Path, fig: &FigureData) -> Result<(), String> {
    super::files::write_atomic(path, &render_png(fig)?)
}

use image::ImageEncoder;

/// Where the figure is drawn: any backend (the bitmap, with its text drawn
/// by [`Glyphs`]).
type Area<DB> = DrawingArea<DB, plotters::coord::Shift>;

fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    fig: &FigureData,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(SIZE.1 as i32 * 72 / 100);
    let top = top.titled(&fig.title, ("sans-serif", 40))?;

    let (x0, x1) = match (fig.x.first(), fig.x.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (-1.0, 1.0),
    };
    let axis = fig.density_axis();
    let y_max = axis.top;
    let (d_lo, d_hi) = fig.d_axis();
    let quarters = |lo: f64, hi: f64| -> Vec<f64> {
        (0..=4).map(|j| lo + (hi - lo) * j as f64 / 4.0).collect()
    };
    let d_step = (d_hi - d_lo) / 4.0;

    let mut chart = ChartBuilder::on(&top)
        .margin(20)
        .caption(&fig.subtitle, ("sans-serif", 26))
        .x_label_area_size(50)
        .y_label_area_size(90)
        .right_y_label_area_size(90)
        .build_cartesian_2d(x0..x1, 0.0..y_max)?
        .set_secondary_coord(x0..x1, d_lo..d_hi);
    // The two vertical axes share their ticks: the density's four round
    // steps are D's quarters (0, ¼, ½, ¾, 1 for a probability). plotters
    // picks steps of 1, 2 or 5, so the ticks, their grid lines and labels
    // are drawn here.
    chart
        .configure_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .y_labels(0)
        .x_desc("x")
        .y_desc("density")
        .label_style(("sans-serif", 24))
        .axis_desc_style(("sans-serif", 26))
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_labels(0)
        .y_desc(if fig.d_is_probability {
            "D(x)"
        } else {
            "critic"
        })
        .label_style(("sans-serif", 24))
        .axis_desc_style(("sans-serif", 26))
        .draw()?;
    let label = ("sans-serif", 24).into_font().color(&BLACK);
    for (j, (y, d)) in quarters(0.0, y_max)
        .into_iter()
        .zip(quarters(d_lo, d_hi))
        .enumerate()
    {
        if j > 0 {
            chart.draw_series(LineSeries::new(
                vec![(x0, y), (x1, y)],
                RGBColor(225, 225, 225).stroke_width(1),
            ))?;
        }
        let (left, py) = chart.backend_coord(&(x0, y));
        let (right, _) = chart.backend_coord(&(x1, y));
        root.draw(&Text::new(
            tick_label(y, axis.step),
            (left - 12, py),
            label.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            tick_label(d, d_step),
            (right + 12, py),
            label.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    if fig.d_is_probability {
        // D = ½: where the optimal D settles when p_g = p_data.
        chart.draw_secondary_series(DashedLineSeries::new(
            vec![(x0, 0.5), (x1, 0.5)],
            10,
            10,
            D_BLUE.mix(0.45).stroke_width(2),
        ))?;
    }

    let pts =
        |ys: &[f64]| -> Vec<(f64, f64)> { fig.x.iter().copied().zip(ys.iter().copied()).collect() };

    let conditional = !fig.classes.is_empty();
    let g_label = if conditional { "marginal p_g" } else { "p_g" };
    // A density that is 0 everywhere beside its atoms is not drawn as a
    // line along the axis.
    let no_density = |v: &[f64]| !fig.atoms.is_empty() && v.iter().all(|&y| y == 0.0);
    let data_pts = if no_density(&fig.p_data) {
        Vec::new()
    } else {
        pts(&fig.p_data)
    };
    // p_data: black dotted (drawn as dots along the curve, as in the paper).
    if !fig.p_empirical.is_empty() {
        // The training set, smoothed: what D and G are fitted to.
        let cut: Vec<f64> = fig.p_empirical.iter().map(|v| v.min(y_max)).collect();
        chart
            .draw_series(LineSeries::new(pts(&cut), DATA_GREY.stroke_width(3)))?
            .label(fig.empirical_label.clone())
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 30, y)], DATA_GREY.stroke_width(3))
            });
    }
    if !fig.rug.is_empty() {
        // One tick per sample along the bottom of the axis.
        let h = 0.04 * y_max;
        chart.draw_series(fig.rug.iter().filter(|x| **x >= x0 && **x <= x1).map(|&x| {
            PathElement::new(vec![(x, 0.0), (x, h)], DATA_GREY.mix(0.7).stroke_width(2))
        }))?;
    }
    let data_label = if fig.p_data_label.is_empty() {
        "p_data".to_string()
    } else {
        fig.p_data_label.clone()
    };
    chart
        .draw_series(DashedLineSeries::new(data_pts, 3, 7, BLACK.stroke_width(4)))?
        .label(data_label)
        .legend(|(x, y)| {
            EmptyElement::at((x, y))
                + Circle::new((0, 0), 2, BLACK.filled())
                + Circle::new((10, 0), 2, BLACK.filled())
                + Circle::new((20, 0), 2, BLACK.filled())
                + Circle::new((30, 0), 2, BLACK.filled())
        });
    let p_g_cut: Vec<f64> = fig.p_g.iter().map(|v| v.min(y_max)).collect();
    let g_pts = if no_density(&fig.p_g) {
        Vec::new()
    } else {
        pts(&p_g_cut)
    };
    chart
        .draw_series(LineSeries::new(g_pts, G_GREEN.stroke_width(4)))?
        .label(g_label)
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], G_GREEN.stroke_width(4)));
    if let Some((x, peak)) = axis.clipped {
        // p_g is cut at the top of the axis: say how high it goes.
        // Beside the cut, on the side away from the legend (upper right).
        let style = ("sans-serif", 26).into_font().color(&G_GREEN);
        let (px, py) = chart.backend_coord(&(x, y_max));
        let leftmost = x < x0 + 0.25 * (x1 - x0);
        let (dx, pos) = if leftmost {
            (10, HPos::Left)
        } else {
            (-10, HPos::Right)
        };
        root.draw(&Text::new(
            format!(
                "p_g cut here; its peak is {}",
                tick_label(peak, nice_step(peak / 100.0))
            ),
            (px + dx, py + 8),
            style.pos(Pos::new(pos, VPos::Top)),
        ))?;
    }

    // D* has gaps where it is undefined: draw each finite run separately.
    let runs = |ys: &[f64]| -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (x, y) in fig.x.iter().zip(ys) {
            if y.is_finite() {
                out.last_mut()
                    .expect("non-empty")
                    .push((*x, y.clamp(d_lo, d_hi)));
            } else if !out.last().expect("non-empty").is_empty() {
                out.push(Vec::new());
            }
        }
        out.retain(|r| r.len() > 1);
        out
    };
    // Each class in its colour: π_c·p_data(·|c) dotted, π_c·p_g(·|c) solid
    // (they add up to the marginals), D(·, c) dashed on D's axis.
    for (c, cc) in fig.classes.iter().enumerate() {
        let (r, g, b) = class_colour(c);
        let colour = RGBColor(r, g, b);
        let scaled =
            |v: &[f64]| -> Vec<f64> { v.iter().map(|y| (cc.weight * y).min(y_max)).collect() };
        chart.draw_series(DashedLineSeries::new(
            pts(&scaled(&cc.p_data)),
            2,
            6,
            colour.stroke_width(3),
        ))?;
        // Class 1 widest: classes whose p_g coincide show as nested stripes.
        let width = 2 + 2 * (fig.classes.len() - 1 - c) as u32;
        chart
            .draw_series(LineSeries::new(
                pts(&scaled(&cc.p_g)),
                colour.stroke_width(width),
            ))?
            .label(format!("{}: JSD {:.4}", cc.label, cc.jsd))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 30, y)], colour.stroke_width(4))
            });
        for run in runs(&cc.d) {
            chart.draw_secondary_series(DashedLineSeries::new(
                run,
                10,
                8,
                colour.mix(0.8).stroke_width(2),
            ))?;
        }
    }
    let mut first = true;
    for run in runs(&fig.d_star) {
        let s = chart.draw_secondary_series(LineSeries::new(run, STAR_ORANGE.stroke_width(3)))?;
        if first {
            s.label(fig.d_star_label.clone()).legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 30, y)], STAR_ORANGE.stroke_width(3))
            });
            first = false;
        }
    }
    let mut first = true;
    for run in runs(&fig.d) {
        let s = chart.draw_secondary_series(DashedLineSeries::new(
            run,
            14,
            8,
            D_BLUE.stroke_width(4),
        ))?;
        if first {
            s.label(fig.d_label.clone()).legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 30, y)], D_BLUE.stroke_width(4))
            });
            first = false;
        }
    }
    draw_atoms(&mut chart, fig, y_max, (d_lo, d_hi))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 26))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;

    if conditional {
        draw_class_strips(&bottom, fig, (x0, x1))?;
    } else {
        draw_strip(&bottom, fig, (x0, x1))?;
    }
    Ok(())
}

/// One z→x strip per class, stacked (class 1 on top), each in its class's
/// colour over the class's optimal map in grey.
fn draw_class_strips<DB: DrawingBackend>(
    area: &Area<DB>,
    fig: &FigureData,
    (x0, x1): (f64, f64),
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let k = fig.classes.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(20)
        .margin_bottom(15)
        .x_label_area_size(0)
        .y_label_area_size(90)
        .right_y_label_area_size(90)
        .build_cartesian_2d(x0..x1, -0.15..(1.5 * k - 0.35))?;
    let (z_lo, z_hi) = fig
        .classes
        .iter()
        .flat_map(|c| c.z_map.iter().map(|p| p.0))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), z| {
            (a.min(z), b.max(z))
        });
    let span = x1 - x0;
    let z_to_pos = |z: f64| {
        if z_hi > z_lo {
            x0 + span * (0.25 + 0.5 * (z - z_lo) / (z_hi - z_lo))
        } else {
            x0 + 0.5 * span
        }
    };
    let grey = RGBColor(205, 205, 205);
    let style = ("sans-serif", 22).into_font();
    for (c, cc) in fig.classes.iter().enumerate() {
        // Class 1 on top: its z line at the highest base.
        let base = 1.5 * (k - 1.0 - c as f64);
        let (r, g, b) = class_colour(c);
        let colour = RGBColor(r, g, b);
        for (z, x) in &cc.optimal_map {
            if x.is_finite() {
                chart.draw_series(LineSeries::new(
                    vec![(z_to_pos(*z), base), (x.clamp(x0, x1), base + 1.0)],
                    grey.stroke_width(1),
                ))?;
            }
        }
        for (z, x) in &cc.z_map {
            if x.is_finite() {
                chart.draw_series(LineSeries::new(
                    vec![(z_to_pos(*z), base), (x.clamp(x0, x1), base + 1.0)],
                    colour.stroke_width(2),
                ))?;
            }
        }
        chart.draw_series(LineSeries::new(
            vec![(x0, base + 1.0), (x1, base + 1.0)],
            BLACK.stroke_width(2),
        ))?;
        chart.draw_series(LineSeries::new(
            vec![(z_to_pos(z_lo), base), (z_to_pos(z_hi), base)],
            BLACK.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{}: z → G(z, {})", cc.label, c + 1),
            (x0 + 0.01 * span, base + 0.45),
            style.clone().color(&colour),
        )))?;
    }
    Ok(())
}

/// The figure's two coordinate systems: densities left, D right.
type Xy =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// Each atom as an arrow from 0 to `ATOM_HEIGHT · top · mass`, labelled with
/// its mass (p_data black, p_g green, side by side when both have one), and
/// D (blue) and D* (orange) at its x as dots on D's axis.
fn draw_atoms<DB: DrawingBackend>(
    chart: &mut plotters::chart::DualCoordChartContext<'_, DB, Xy, Xy>,
    fig: &FigureData,
    top: f64,
    (d_lo, d_hi): (f64, f64),
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = match (fig.x.first(), fig.x.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (-1.0, 1.0),
    };
    let nudge = 0.004 * (x1 - x0);
    for a in &fig.atoms {
        let x = a.x.clamp(x0, x1);
        let both = a.p_data > 0.0 && a.p_g > 0.0;
        for (mass, color, dx, name) in [
            (a.p_data, BLACK, if both { -nudge } else { 0.0 }, "p_data"),
            (a.p_g, G_GREEN, if both { nudge } else { 0.0 }, "p_g"),
        ] {
            if mass <= 0.0 {
                continue;
            }
            let h = ATOM_HEIGHT * top * mass;
            let xs = x + dx;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(xs, 0.0), (xs, h)],
                color.stroke_width(5),
            )))?;
            chart.draw_series(std::iter::once(Polygon::new(
                vec![
                    (xs - 1.5 * nudge, h * 0.95),
                    (xs + 1.5 * nudge, h * 0.95),
                    (xs, h * 1.02),
                ],
                color.filled(),
            )))?;
            // p_data's label to the left of its arrow, p_g's to the right.
            let label = format!("δ {name} {mass:.2}");
            let (lx, anchor) = if name == "p_data" {
                (xs - nudge, HPos::Right)
            } else {
                (xs + nudge, HPos::Left)
            };
            chart.draw_series(std::iter::once(Text::new(
                label,
                (lx, h * 1.02),
                ("sans-serif", 24)
                    .into_font()
                    .color(&color)
                    .pos(Pos::new(anchor, VPos::Bottom)),
            )))?;
        }
        if a.d.is_finite() {
            chart.draw_secondary_series(std::iter::once(Circle::new(
                (x, a.d.clamp(d_lo, d_hi)),
                9,
                D_BLUE.filled(),
            )))?;
        }
        if a.d_star.is_finite() {
            chart.draw_secondary_series(std::iter::once(Circle::new(
                (x, a.d_star.clamp(d_lo, d_hi)),
                6,
                STAR_ORANGE.filled(),
            )))?;
        }
    }
    Ok(())
}

/// The z→x strip of Figure 1: the x line on top, the z line below, and a line
/// from each z-quantile to G(z); the optimal map as grey ghost lines.
fn draw_strip<DB: DrawingBackend>(
    area: &Area<DB>,
    fig: &FigureData,
    (x0, x1): (f64, f64),
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(20)
        .margin_bottom(15)
        .x_label_area_size(0)
        .y_label_area_size(90)
        .right_y_label_area_size(90)
        .build_cartesian_2d(x0..x1, -0.15..1.15)?;
    let (z_lo, z_hi) = fig
        .z_map
        .iter()
        .map(|p| p.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), z| {
            (a.min(z), b.max(z))
        });
    // The z line spans the middle half of the x axis.
    let span = x1 - x0;
    let z_to_pos = |z: f64| {
        if z_hi > z_lo {
            x0 + span * (0.25 + 0.5 * (z - z_lo) / (z_hi - z_lo))
        } else {
            x0 + 0.5 * span
        }
    };
    let grey = RGBColor(200, 200, 200);
    for (z, x) in &fig.optimal_map {
        if x.is_finite() {
            chart.draw_series(LineSeries::new(
                vec![(z_to_pos(*z), 0.0), (x.clamp(x0, x1), 1.0)],
                grey.stroke_width(2),
            ))?;
        }
    }
    for (z, x) in &fig.z_map {
        if x.is_finite() {
            chart.draw_series(LineSeries::new(
                vec![(z_to_pos(*z), 0.0), (x.clamp(x0, x1), 1.0)],
                G_GREEN.stroke_width(2),
            ))?;
        }
    }
    chart.draw_series(LineSeries::new(
        vec![(x0, 1.0), (x1, 1.0)],
        BLACK.stroke_width(3),
    ))?;
    chart.draw_series(LineSeries::new(
        vec![(z_to_pos(z_lo), 0.0), (z_to_pos(z_hi), 0.0)],
        BLACK.stroke_width(3),
    ))?;
    let style = ("sans-serif", 26).into_font();
    chart.draw_series(std::iter::once(Text::new(
        "x",
        (x0 + 0.01 * span, 1.1),
        style.clone(),
    )))?;
    chart.draw_series(std::iter::once(Text::new(
        ghost_caption(&fig.optimal_map),
        (z_to_pos(z_lo), -0.04),
        style,
    )))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_strip_caption_names_the_ghost_map_in_g_s_direction() {
        let up = ghost_caption(&[(-1.0, 0.0), (1.0, 3.0)]);
        let down = ghost_caption(&[(-1.0, 3.0), (1.0, 0.0)]);
        assert!(
            up.contains("F_data⁻¹(F_z(z))") && !up.contains("1 − F_z"),
            "{up}"
        );
        assert!(down.contains("F_data⁻¹(1 − F_z(z))"), "{down}");
    }

    use super::*;

    /// The figure with its text drawn by [`Glyphs`] (what every target
    /// draws, the web page included) is, pixel for pixel, the figure with
    /// plotters' own text on the same font (what the command line drew
    /// before, and what plotters can draw only natively).
    #[test]
    fn glyphs_draw_the_text_as_plotters_does() {
        let mut t = crate::gan::Trainer::new(crate::gan::Config {
            batch: 32,
            ..crate::gan::Config::default()
        })
        .unwrap();
        t.run(20);
        let mut fig = figure_data(&t.snapshot(), "ganscope — glyphs, seed 0");
        fig.subtitle.push_str(" — ‖ → ∞ ≥ ⁻¹");
        let ours = render_rgb(&fig).unwrap();
        let (w, h) = SIZE;
        let mut theirs = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut theirs, SIZE).into_drawing_area();
            draw(&root, &fig).unwrap();
            root.present().unwrap();
        }
        let differ = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{differ} bytes differ");
        // And there is text: dark pixels in the title band.
        let title_band = &ours[..(w * 60 * 3) as usize];
        assert!(title_band.iter().filter(|v| **v < 100).count() > 1000);
    }

    #[test]
    fn d_star_is_left_out_where_the_densities_are_too_small_to_see() {
        // The left edge: p_data 1e-13 of its peak and p_g truncated to 0, so
        // D* = 1 there; a far tail at 0.5% of the peak; the bulk; a mode G
        // misses (only p_data); and a bin with no mass at all.
        let p = [1e-13, 0.004, 0.5, 0.8, 0.0];
        let q = [0.0, 0.002, 0.7, 0.0, 0.0];
        let d: Vec<f64> = p
            .iter()
            .zip(&q)
            .map(|(a, b)| if a + b > 0.0 { a / (a + b) } else { f64::NAN })
            .collect();
        let shown = shown_where_there_is_mass(&p, &q, &d);
        assert!(shown[0].is_nan(), "the edge spike is a gap");
        assert!(shown[1].is_nan(), "below 1% of the peak mass: a gap");
        assert_eq!(shown[2], 0.5 / 1.2);
        assert_eq!(shown[3], 1.0, "D* = 1 over a missed mode");
        assert!(shown[4].is_nan());
    }

    #[test]
    fn round_steps_and_labels() {
        assert_eq!(nice_step(0.3), 0.3);
        assert_eq!(nice_step(0.31), 0.4);
        assert_eq!(nice_step(0.25), 0.25);
        assert_eq!(nice_step(0.21), 0.25);
        assert_eq!(nice_step(1.1), 1.5);
        assert_eq!(nice_step(7.0), 8.0);
        assert_eq!(nice_step(8.5), 10.0);
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(0.5, 0.25), "0.50");
        assert_eq!(tick_label(1.5, 0.5), "1.5");
        assert_eq!(tick_label(20.0, 5.0), "20");
        assert_eq!(tick_label(-0.0, 0.5), "0.0");
    }

    fn fig(p_data: Vec<f64>, p_g: Vec<f64>) -> FigureData {
        FigureData {
            x: (0..p_data.len()).map(|i| i as f64).collect(),
            p_data,
            p_g,
            d_is_probability: true,
            ..FigureData::default()
        }
    }

    #[test]
    fn the_density_axis_follows_p_data_and_marks_a_cut_p_g() {
        // p_g close to p_data: the axis covers both, in four round steps.
        let a = fig(vec![0.1, 0.8, 0.1], vec![0.2, 0.7, 0.1]).density_axis();
        assert_eq!((a.top, a.step, a.clipped), (1.0, 0.25, None));
        let a = fig(vec![0.1, 0.8, 0.1], vec![0.2, 1.2, 0.1]).density_axis();
        assert_eq!((a.top, a.step, a.clipped), (1.2, 0.3, None));
        // A spike of p_g 30 times p_data's peak: cut at 1.5 × the peak or
        // below, and its peak marked where it is.
        let a = fig(vec![0.1, 0.8, 0.1], vec![0.0, 0.0, 24.0]).density_axis();
        assert!(a.top >= 0.8 && a.top <= 1.2 + 1e-12, "{a:?}");
        assert_eq!(a.clipped, Some((2.0, 24.0)));
    }

    #[test]
    fn d_axes_are_round() {
        assert_eq!(fig(vec![1.0], vec![1.0]).d_axis(), (0.0, 1.0));
        let mut critic = fig(vec![1.0], vec![1.0]);
        critic.d_is_probability = false;
        critic.d = vec![-0.37, 1.2];
        critic.d_star = vec![0.0, 1.9];
        let (lo, hi) = critic.d_axis();
        assert!(lo <= -0.37 && hi >= 1.9, "({lo}, {hi})");
        let step = (hi - lo) / 4.0;
        assert_eq!(nice_step(step), step, "({lo}, {hi})");
        assert_eq!((lo / step).round() * step, lo);
    }
}
