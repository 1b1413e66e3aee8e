//! Text as vector outlines: a line set in the book's fonts and drawn as an
//! SVG path, for pictures that must look the same everywhere (the generated
//! cover), where a reading system would not load the book's fonts.
//!
//! **In:** a [`FontSet`], a line of text, a size in pixels. **Out:** an SVG
//! path (origin at the start of the baseline, y downwards) and the line's
//! advance width. **Must not:** break lines or shape: glyphs are taken one
//! character at a time from the body family's regular face, or from the
//! first fallback family that has the character; pair kerning and
//! ligatures wait for the typesetter's shaper.

use std::fmt::Write;

use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, MetadataProvider};

use super::{Face, FontSet, Style};

/// A line of text drawn as one path.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// SVG path data.
    pub path: String,
    /// The advance width of the line, in pixels.
    pub width: f32,
}

/// The faces tried for a character, in order: the body regular, then each
/// fallback family's regular.
fn faces(set: &FontSet) -> Vec<FontRef<'_>> {
    std::iter::once(set.body.as_str())
        .chain(set.fallback.iter().map(String::as_str))
        .filter_map(|family| regular(set, family))
        .filter_map(|face| FontRef::new(face.bytes()).ok())
        .collect()
}

fn regular<'a>(set: &'a FontSet, family: &'a str) -> Option<&'a Face> {
    set.family(family)
        .find(|face| face.style == Style::Normal && face.weight < 600)
}

/// `text` set at `size` pixels as one path. Characters no face has are left
/// out (the picture's text alternative still carries them).
pub fn line(set: &FontSet, text: &str, size: f32) -> Outline {
    set_line(set, text, size, true)
}

/// The advance width of `text` at `size` pixels, as [`line`] gives it,
/// without drawing (for measuring where lines break).
pub fn width(set: &FontSet, text: &str, size: f32) -> f32 {
    set_line(set, text, size, false).width
}

fn set_line(set: &FontSet, text: &str, size: f32, draw: bool) -> Outline {
    let fonts = faces(set);
    let mut pen = PathPen {
        path: String::new(),
        x: 0.0,
    };
    for c in text.chars() {
        let found = fonts.iter().find_map(|font| {
            let glyph = font.charmap().map(c)?;
            (glyph.to_u32() != 0).then_some((font, glyph))
        });
        let Some((font, glyph)) = found else {
            continue;
        };
        let location = LocationRef::default();
        if draw && let Some(outline) = font.outline_glyphs().get(glyph) {
            // A glyph that fails to draw leaves a gap, never a broken path.
            let mut glyph_pen = PathPen {
                path: String::new(),
                x: pen.x,
            };
            if outline
                .draw(
                    DrawSettings::unhinted(Size::new(size), location),
                    &mut glyph_pen,
                )
                .is_ok()
            {
                pen.path.push_str(&glyph_pen.path);
            }
        }
        pen.x += font
            .glyph_metrics(Size::new(size), location)
            .advance_width(glyph)
            .unwrap_or(0.0);
    }
    Outline {
        path: pen.path,
        width: pen.x,
    }
}

/// Writes outline commands as SVG path data, moved right by `x` and with y
/// pointing down.
struct PathPen {
    path: String,
    x: f32,
}

impl PathPen {
    fn point(&mut self, x: f32, y: f32) {
        let _ = write!(self.path, "{:.1} {:.1}", x + self.x, -y);
    }
}

impl OutlinePen for PathPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.push('M');
        self.point(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.path.push('L');
        self.point(x, y);
    }

    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        self.path.push('Q');
        self.point(cx, cy);
        self.path.push(' ');
        self.point(x, y);
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.push('C');
        self.point(cx0, cy0);
        self.path.push(' ');
        self.point(cx1, cy1);
        self.path.push(' ');
        self.point(x, y);
    }

    fn close(&mut self) {
        self.path.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_latin_and_falls_back_for_hangul() {
        let set = FontSet::embedded();
        let word = line(&set, "Quire", 100.0);
        assert!(word.width > 150.0 && word.width < 400.0, "{}", word.width);
        assert!(word.path.matches('M').count() >= 5);
        let korean = line(&set, "회고록", 100.0);
        assert!(korean.width > 200.0, "{}", korean.width);
        assert!(!korean.path.is_empty());
        // Twice the size, twice the width.
        let big = line(&set, "Quire", 200.0);
        assert!((big.width - 2.0 * word.width).abs() < 0.01);
        // A character no face has adds nothing.
        assert_eq!(line(&set, "\u{E000}", 100.0).width, 0.0);
    }
}
