//! Frames: what the typesetter hands to the PDF writer. Pages of positioned
//! items in points, origin at the top left, y downwards; nothing else.
//!
//! **In:** made by the typesetter's stages. **Out:** read by `pdf/` (and by
//! tests that measure the layout). **Must not:** refer to the model or to
//! Markdown: a frame knows glyphs, faces, rules and images, not paragraphs.

use std::ops::Range;

use super::shape::FaceId;

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// What is on it, in drawing order.
    pub items: Vec<Positioned>,
}

/// An item at a place on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Positioned {
    /// Left edge, in points from the page's left edge.
    pub x: f32,
    /// For text, the baseline; for rules and images, the top edge; in
    /// points from the page's top edge.
    pub y: f32,
    /// The item.
    pub item: Item,
}

/// What can be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of glyphs of one face and size.
    Text(TextRun),
    /// A filled rectangle (a rule).
    Rule {
        /// Width in points.
        width: f32,
        /// Thickness in points.
        height: f32,
    },
    /// An image of the book, scaled to the box.
    Image {
        /// Index into the book's images.
        image: usize,
        /// Width in points.
        width: f32,
        /// Height in points.
        height: f32,
        /// Alternative text.
        alt: String,
    },
}

/// Glyphs set in one face at one size, with the text they stand for.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The face.
    pub face: FaceId,
    /// Size in points.
    pub size: f32,
    /// The glyphs, left to right.
    pub glyphs: Vec<PlacedGlyph>,
    /// The text the glyphs' ranges index into: what copying the run gives.
    pub text: String,
    /// Horizontal scale of the glyph shapes (font expansion of a justified
    /// line): 1 for none. Advances and offsets are already scaled.
    pub expansion: f32,
}

impl TextRun {
    /// The run's advance width.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// A glyph in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// The glyph in its face.
    pub id: u32,
    /// How far the pen moves after it, in points (justification included).
    pub advance: f32,
    /// Horizontal shift, in points.
    pub x_offset: f32,
    /// Vertical shift, in points, up positive.
    pub y_offset: f32,
    /// The bytes of [`TextRun::text`] it stands for; glyphs of one cluster
    /// share a range, and a range may be empty (the second half of a
    /// hyphenated word, whose first half stands for the whole word).
    pub text: Range<usize>,
}
