//! A loss-curve PNG: a small RGB canvas, lines, a 3×5 digit font for the axis numbers, encoded by
//! the `png` crate.

use std::path::Path;

use crate::error::{Result, TrainerError};
use crate::train::StepMetrics;

const W: usize = 720;
const H: usize = 420;
const MARGIN_L: usize = 70;
const MARGIN_R: usize = 20;
const MARGIN_T: usize = 20;
const MARGIN_B: usize = 40;

struct Canvas {
    px: Vec<[u8; 3]>,
}

impl Canvas {
    fn new() -> Self {
        Canvas {
            px: vec![[255, 255, 255]; W * H],
        }
    }

    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < W && (y as usize) < H {
            self.px[y as usize * W + x as usize] = c;
        }
    }

    fn line(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), c: [u8; 3], thick: i64) {
        let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).max(1);
        for i in 0..=n {
            let t = i as f64 / n as f64;
            let (x, y) = (
                (x0 + t * (x1 - x0)).round() as i64,
                (y0 + t * (y1 - y0)).round() as i64,
            );
            for dx in 0..thick {
                for dy in 0..thick {
                    self.set(x + dx, y + dy, c);
                }
            }
        }
    }

    /// Digits, '.', '-' and 'e' in a 3×5 font scaled by 2.
    fn text(&mut self, x: usize, y: usize, s: &str, c: [u8; 3]) {
        for (i, ch) in s.chars().enumerate() {
            let glyph: [u8; 5] = match ch {
                '0' => [7, 5, 5, 5, 7],
                '1' => [2, 6, 2, 2, 7],
                '2' => [7, 1, 7, 4, 7],
                '3' => [7, 1, 7, 1, 7],
                '4' => [5, 5, 7, 1, 1],
                '5' => [7, 4, 7, 1, 7],
                '6' => [7, 4, 7, 5, 7],
                '7' => [7, 1, 1, 1, 1],
                '8' => [7, 5, 7, 5, 7],
                '9' => [7, 5, 7, 1, 7],
                '.' => [0, 0, 0, 0, 2],
                '-' => [0, 0, 7, 0, 0],
                'e' => [7, 5, 7, 4, 7],
                _ => [0; 5],
            };
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..3 {
                    if bits & (4 >> col) != 0 {
                        for d in 0..4 {
                            self.set(
                                (x + i * 8 + col * 2 + d % 2) as i64,
                                (y + row * 2 + d / 2) as i64,
                                c,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Train loss (blue) and eval loss (red) against the step.
pub fn loss_curve_png(path: &Path, rows: &[StepMetrics]) -> Result<()> {
    let mut cv = Canvas::new();
    let train: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.loss.is_finite())
        .map(|r| (r.step as f64, r.loss as f64))
        .collect();
    let eval: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| r.eval_loss.map(|e| (r.step as f64, e as f64)))
        .collect();
    let all = train.iter().chain(&eval);
    let (mut xmin, mut xmax, mut ymin, mut ymax) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        xmin = xmin.min(x);
        xmax = xmax.max(x);
        ymin = ymin.min(y);
        ymax = ymax.max(y);
    }
    if xmin > xmax {
        (xmin, xmax, ymin, ymax) = (0.0, 1.0, 0.0, 1.0);
    }
    if xmax - xmin < 1e-9 {
        xmax = xmin + 1.0;
    }
    if ymax - ymin < 1e-9 {
        ymax = ymin + 1.0;
    }
    let (pw, ph) = (
        (W - MARGIN_L - MARGIN_R) as f64,
        (H - MARGIN_T - MARGIN_B) as f64,
    );
    let map = |(x, y): (f64, f64)| {
        (
            MARGIN_L as f64 + (x - xmin) / (xmax - xmin) * pw,
            MARGIN_T as f64 + (1.0 - (y - ymin) / (ymax - ymin)) * ph,
        )
    };
    let grey = [160, 160, 160];
    let black = [0, 0, 0];
    for i in 0..=4 {
        let y = MARGIN_T as f64 + ph * i as f64 / 4.0;
        cv.line(
            (MARGIN_L as f64, y),
            (MARGIN_L as f64 + pw, y),
            [230, 230, 230],
            1,
        );
        let v = ymax - (ymax - ymin) * i as f64 / 4.0;
        cv.text(4, y as usize - 5, &format!("{v:.3}"), black);
    }
    cv.line(
        (MARGIN_L as f64, MARGIN_T as f64),
        (MARGIN_L as f64, MARGIN_T as f64 + ph),
        grey,
        1,
    );
    cv.line(
        (MARGIN_L as f64, MARGIN_T as f64 + ph),
        (MARGIN_L as f64 + pw, MARGIN_T as f64 + ph),
        grey,
        1,
    );
    cv.text(MARGIN_L, H - MARGIN_B + 10, &format!("{xmin:.0}"), black);
    let last = format!("{xmax:.0}");
    cv.text(
        W - MARGIN_R - last.len() * 8,
        H - MARGIN_B + 10,
        &last,
        black,
    );
    for w in train.windows(2) {
        cv.line(map(w[0]), map(w[1]), [31, 119, 180], 2);
    }
    for w in eval.windows(2) {
        cv.line(map(w[0]), map(w[1]), [214, 39, 40], 2);
    }
    for &p in &eval {
        let (x, y) = map(p);
        for d in -3..=3 {
            cv.set(x as i64 + d, y as i64, [214, 39, 40]);
            cv.set(x as i64, y as i64 + d, [214, 39, 40]);
        }
    }
    crate::weights::write_atomic(path, &encode_png(&cv.px, W, H)?)
}

/// RGB8 PNG, compressed by the `png` crate.
fn encode_png(px: &[[u8; 3]], w: usize, h: usize) -> Result<Vec<u8>> {
    let raw: Vec<u8> = px.iter().flatten().copied().collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::High);
    let png_err =
        |e: png::EncodingError| TrainerError::Data(format!("encoding the loss curve: {e}"));
    let mut writer = enc.write_header().map_err(png_err)?;
    writer.write_image_data(&raw).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}
