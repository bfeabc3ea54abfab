//! Text in the pictures, drawn with the bundled DejaVu Sans on every target.
//!
//! plotters draws text through a font registry of its own, which it does not
//! build for a web page: on wasm32 it asks the browser to measure text and
//! cannot draw text into a bitmap at all (it panics). [`Glyphs`] wraps a
//! drawing backend and measures and draws text itself, with `ab_glyph` (the
//! rasteriser plotters uses natively) and by plotters' own rules, so that
//! `figure.png` is the same picture from the command line, the window and
//! the web page. Every other drawing call goes to the wrapped backend.
//!
//! # The rules (those of plotters 0.3's `ab_glyph` font and default
//! `draw_text`)
//!
//! - The layout box of a text of size `s` is `(0, 0)–(w, ⌊s / 1.24⌋)`, where
//!   `w` is the sum of the glyphs' advances and kerning at scale `s`,
//!   truncated to whole pixels.
//! - Each glyph's outline is rasterised at scale `s`, shifted down by
//!   `⌊s / 2 + top⌋` (`top` the glyph's pixel bound), and its coverage `c`
//!   mixes the text colour at alpha `c · α` into the pixel.
//! - The anchor moves the box (left/centre/right, top/centre/bottom), the
//!   transform (rotation) turns it, and pixels off the backend are dropped.
//!
//! Only the family of the bundled font exists: every family and style draws
//! as DejaVu Sans.
//!
//! plotters still sizes multi-line text (the legend's box) with its own
//! registry, where [`plotters_fonts`] puts the same font natively; in a web
//! page plotters asks the browser's sans-serif for that size instead, so a
//! legend box there can be a few pixels off.

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::OnceLock;

/// The bundled font (the one the window uses too).
pub(crate) const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Give plotters' own registry the bundled font (once), for what plotters
/// still measures itself; a web page has no such registry.
pub(crate) fn plotters_fonts() {
    #[cfg(not(target_arch = "wasm32"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = plotters::style::register_font(
                "sans-serif",
                plotters::style::FontStyle::Normal,
                FONT_BYTES,
            );
        });
    }
}

/// The font could not be read (it is bundled: only a broken build).
#[derive(Debug, thiserror::Error)]
#[error("the bundled font cannot be read")]
struct NoFont;

/// A backend whose text is drawn with the bundled font (see the
/// [module docs](self)).
pub struct Glyphs<B>(pub B);

/// The layout box of `text` at size `size`: `((0, 0), (width, height))`.
fn layout(font: &FontRef<'static>, size: f64, text: &str) -> ((i32, i32), (i32, i32)) {
    let scaled = font.as_scaled(size as f32);
    let mut width = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        width += scaled.h_advance(id);
        if let Some(p) = prev {
            width += scaled.kern(p, id);
        }
        prev = Some(id);
    }
    ((0, 0), (width as i32, (size / 1.24) as i32))
}

/// Calls `pixel(x, y, coverage)` for every covered pixel of `text` drawn at
/// the origin at size `size`.
fn rasterise<E>(
    font: &FontRef<'static>,
    size: f64,
    text: &str,
    mut pixel: impl FnMut(i32, i32, f32) -> Result<(), E>,
) -> Result<(), E> {
    let scaled = font.as_scaled(size as f32);
    let mut x_shift = 0f32;
    let mut prev = None;
    for c in text.chars() {
        if let Some(p) = prev {
            x_shift += scaled.kern(scaled.glyph_id(p), scaled.glyph_id(c));
        }
        prev = Some(c);
        if let Some(outline) = scaled.outline_glyph(scaled.scaled_glyph(c)) {
            let bounds = outline.px_bounds();
            let y_shift = ((size as f32) / 2.0 + bounds.min.y) as i32;
            let x = x_shift as i32;
            let mut covered = Vec::new();
            outline.draw(|gx, gy, cov| covered.push((gx, gy, cov)));
            for (gx, gy, cov) in covered {
                pixel(gx as i32 + x, gy as i32 + y_shift, cov)?;
            }
        }
        x_shift += scaled.h_advance(scaled.glyph_id(c));
    }
    Ok(())
}

impl<B: DrawingBackend> DrawingBackend for Glyphs<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let font = font().ok_or_else(|| DrawingErrorKind::FontError(Box::new(NoFont)))?;
        let ((min_x, min_y), (max_x, max_y)) = layout(font, style.size(), text);
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let turn = style.transform();
        let (w, h) = self.get_size();
        rasterise(font, style.size(), text, |x, y, coverage| {
            let (x, y) = turn.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                self.0.draw_pixel((x, y), color.mix(f64::from(coverage)))
            } else {
                Ok(())
            }
        })
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let font = font().ok_or_else(|| DrawingErrorKind::FontError(Box::new(NoFont)))?;
        let ((min_x, min_y), (max_x, max_y)) = layout(font, style.size(), text);
        Ok(((max_x - min_x) as u32, (max_y - min_y) as u32))
    }
}
