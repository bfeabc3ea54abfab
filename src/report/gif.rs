//! `training.gif`: the Goodfellow figure through a run, at slide size.
//!
//! Each frame is `figure.png`'s drawing (1600×1000) averaged down 2×2 to
//! 800×500 and mapped onto one fixed palette of the figure's own colours
//! (white, and ramps from white to black, green, blue and orange, plus their
//! mixtures), so that nothing flickers between frames. After the first frame
//! only the rectangle that changed is stored, with the unchanged pixels in it
//! transparent: the 5 000 steps of `goodfellow` (73 frames, 10 seconds) take
//! about 2.7 MB.
//! The animation loops, and holds its last frame.

use super::figure::{self, FigureData};
use std::borrow::Cow;
use std::collections::HashMap;

/// The frame size: half of `figure.png` in each direction.
pub const SIZE: (u16, u16) = (800, 500);

/// About this many frames over a run.
pub const FRAMES: u64 = 80;

/// Per frame, in hundredths of a second; the last frame is held longer.
const DELAY: u16 = 10;
const LAST_DELAY: u16 = 250;

/// The palette index left transparent in the delta frames.
const CLEAR: u8 = 255;

/// The fixed palette: 255 colours and the transparent slot.
fn palette() -> Vec<[u8; 3]> {
    let white = [255.0, 255.0, 255.0];
    let anchors: [[f64; 3]; 4] = [
        [0.0, 0.0, 0.0],
        [20.0, 140.0, 50.0],
        [31.0, 90.0, 200.0],
        [230.0, 120.0, 10.0],
    ];
    let mix = |a: [f64; 3], b: [f64; 3], t: f64| -> [u8; 3] {
        [0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t).round() as u8)
    };
    let mut p: Vec<[u8; 3]> = vec![[255, 255, 255]];
    // White → black: the text, the axes, the grey mesh and ghost lines.
    for i in 1..=63 {
        p.push(mix(white, anchors[0], i as f64 / 63.0));
    }
    // White → each curve's colour.
    for c in &anchors[1..] {
        for i in 1..=47 {
            p.push(mix(white, *c, i as f64 / 47.0));
        }
    }
    // Where two curves cross, and the curves darkened by the black ones.
    for (a, b) in [(1, 2), (2, 3), (1, 3)] {
        for i in 1..=12 {
            p.push(mix(anchors[a], anchors[b], i as f64 / 13.0));
        }
    }
    for c in &anchors[1..] {
        for i in 1..=4 {
            p.push(mix(*c, anchors[0], i as f64 / 5.0));
        }
    }
    debug_assert!(p.len() <= CLEAR as usize);
    p.truncate(CLEAR as usize);
    p
}

/// Encodes frames as they come; [`finish`](Self::finish) gives the file's bytes.
pub struct GifRecorder {
    encoder: gif::Encoder<Vec<u8>>,
    palette: Vec<[u8; 3]>,
    nearest: HashMap<[u8; 3], u8>,
    /// The previous frame's indices (what the viewer shows now).
    shown: Option<Vec<u8>>,
    /// The newest frame, held back until we know whether it is the last.
    pending: Option<Frame>,
    frames: usize,
}

struct Frame {
    left: u16,
    top: u16,
    width: u16,
    height: u16,
    indices: Vec<u8>,
}

impl GifRecorder {
    /// # Errors
    /// Only if the GIF header cannot be written (it goes to memory).
    pub fn new() -> Result<GifRecorder, String> {
        let palette = palette();
        let mut flat: Vec<u8> = palette.iter().flatten().copied().collect();
        flat.resize(256 * 3, 255);
        let mut encoder = gif::Encoder::new(Vec::new(), SIZE.0, SIZE.1, &flat)
            .map_err(|e| format!("cannot start the GIF: {e}"))?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(|e| format!("cannot start the GIF: {e}"))?;
        Ok(GifRecorder {
            encoder,
            palette,
            nearest: HashMap::new(),
            shown: None,
            pending: None,
            frames: 0,
        })
    }

    /// Frames so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    fn index_of(&mut self, rgb: [u8; 3]) -> u8 {
        if let Some(i) = self.nearest.get(&rgb) {
            return *i;
        }
        let d = |p: &[u8; 3]| -> i32 {
            (0..3)
                .map(|k| {
                    let e = p[k] as i32 - rgb[k] as i32;
                    e * e
                })
                .sum()
        };
        let best = self
            .palette
            .iter()
            .enumerate()
            .min_by_key(|(_, p)| d(p))
            .map_or(0, |(i, _)| i as u8);
        self.nearest.insert(rgb, best);
        best
    }

    /// Draw the figure and add it as the next frame.
    ///
    /// # Errors
    /// Drawing or encoding fails.
    pub fn push(&mut self, fig: &FigureData) -> Result<(), String> {
        let rgb = figure::render_rgb(fig)?;
        let (w, h) = (SIZE.0 as usize, SIZE.1 as usize);
        let src_w = figure::SIZE.0 as usize;
        let mut indices = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut acc = [0u32; 3];
                for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                    let o = ((2 * y + dy) * src_w + 2 * x + dx) * 3;
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a += u32::from(rgb[o + k]);
                    }
                }
                let px = acc.map(|a| ((a + 2) / 4) as u8);
                indices[y * w + x] = self.index_of(px);
            }
        }
        let frame = match &self.shown {
            None => Frame {
                left: 0,
                top: 0,
                width: SIZE.0,
                height: SIZE.1,
                indices: indices.clone(),
            },
            Some(prev) => delta(prev, &indices, w, h),
        };
        self.flush(DELAY)?;
        self.pending = Some(frame);
        self.shown = Some(indices);
        self.frames += 1;
        Ok(())
    }

    fn flush(&mut self, delay: u16) -> Result<(), String> {
        let Some(f) = self.pending.take() else {
            return Ok(());
        };
        let frame = gif::Frame {
            delay,
            dispose: gif::DisposalMethod::Keep,
            transparent: Some(CLEAR),
            left: f.left,
            top: f.top,
            width: f.width,
            height: f.height,
            buffer: Cow::Owned(f.indices),
            ..gif::Frame::default()
        };
        self.encoder
            .write_frame(&frame)
            .map_err(|e| format!("cannot encode a GIF frame: {e}"))
    }

    /// The whole file.
    ///
    /// # Errors
    /// Encoding fails.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        self.flush(LAST_DELAY)?;
        self.encoder
            .into_inner()
            .map_err(|e| format!("cannot finish the GIF: {e}"))
    }
}

/// The rectangle where `next` differs from `prev`, unchanged pixels in it
/// transparent (a 1×1 transparent frame when nothing changed).
fn delta(prev: &[u8], next: &[u8], w: usize, h: usize) -> Frame {
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if prev[y * w + x] != next[y * w + x] {
                x0 = x0.min(x);
                x1 = x1.max(x + 1);
                y0 = y0.min(y);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x1 <= x0 {
        return Frame {
            left: 0,
            top: 0,
            width: 1,
            height: 1,
            indices: vec![CLEAR],
        };
    }
    let mut indices = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        for x in x0..x1 {
            let n = next[y * w + x];
            indices.push(if n == prev[y * w + x] { CLEAR } else { n });
        }
    }
    Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: (x1 - x0) as u16,
        height: (y1 - y0) as u16,
        indices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_fits_and_holds_the_figure_colours() {
        let p = palette();
        assert!(p.len() < 256);
        for c in [
            [255, 255, 255],
            [0, 0, 0],
            [20, 140, 50],
            [31, 90, 200],
            [230, 120, 10],
        ] {
            assert!(p.contains(&c), "{c:?}");
        }
    }

    #[test]
    fn delta_covers_exactly_the_change() {
        let prev = vec![0u8; 12];
        let mut next = prev.clone();
        next[5] = 3; // (x 1, y 1) in a 4×3 image
        next[6] = 4; // (x 2, y 1)
        let f = delta(&prev, &next, 4, 3);
        assert_eq!((f.left, f.top, f.width, f.height), (1, 1, 2, 1));
        assert_eq!(f.indices, vec![3, 4]);
        let same = delta(&prev, &prev, 4, 3);
        assert_eq!(same.indices, vec![CLEAR]);
    }
}
