//! Typesetting: model → positioned pages, to TeX's standard.
//!
//! **In:** the [`Book`](crate::model::Book), the [`FontSet`](crate::fonts::FontSet)
//! and the page style from `book.toml`. **Out:** pages of positioned frames
//! (glyph runs, rules, images, links) in points, for `pdf/`. **Must not:** do
//! I/O, know Markdown or PDF, or fail on content (it warns at the source).
//!
//! Sub-stages, each its own module:
//! - `shape`: text runs → positioned glyphs (harfrust), cached per word.
//! - `hyphenate`: a word → the points where a hyphen may break it (Liang
//!   patterns, the book's exceptions and minimums), cached per word.
//! - `linebreak`: boxes, glue and penalties → Knuth–Plass total-fit line
//!   breaks (adjustment ratios, overfull lines), TeX's passes and parameters.
//! - `paragraph`: styled text → shaped, hyphenated, justified lines.
//! - `style`: page geometry, sizes and faces from `book.toml`.
//! - `flow`: a chapter's blocks → a vertical list of set lines.
//! - `pages`: the vertical list → pages with folios.
//! - `frame`: the output, pages of positioned glyph runs, rules and images.

pub mod flow;
pub mod frame;
pub mod hyphenate;
pub mod linebreak;
pub mod pages;
pub mod paragraph;
pub mod shape;
pub mod style;

use crate::config::Config;
use crate::fonts::FontSet;
use crate::model::Book;

/// The print edition's pages, and the warnings of its text.
#[derive(Debug)]
pub struct Typeset {
    /// The pages.
    pub pages: Vec<frame::Page>,
    /// Warnings at their source: characters no font has, lines that could
    /// not be set within the measure or the tolerance.
    pub diagnostics: Vec<crate::diag::Diagnostic>,
}

/// Sets the book: chapters one after another, each opening a new page.
pub fn typeset(book: &Book, config: &Config, fonts: &FontSet) -> Typeset {
    let style = style::Style::new(config, fonts);
    let mut shaper = shape::Shaper::new(fonts);
    let settings = hyphenate::Settings {
        left_min: config.hyphenation.left_min,
        right_min: config.hyphenation.right_min,
        exceptions: config
            .hyphenation
            .exceptions
            .iter()
            .map(|e| e.get_ref().clone())
            .collect(),
    };
    let mut hyphenators = flow::Hyphenators::new(settings, config.hyphenation.enabled);
    let mut diagnostics = Vec::new();
    let list = flow::chapters(
        book,
        &style,
        &mut shaper,
        &mut hyphenators,
        &mut diagnostics,
    );
    let pages = pages::paginate(&list, &style, &mut shaper);
    Typeset { pages, diagnostics }
}
