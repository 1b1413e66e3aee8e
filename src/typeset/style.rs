//! Style: the page and type settings of the print edition, from `book.toml`.
//!
//! **In:** the [`Config`] and the [`FontSet`]. **Out:** a [`Style`] in
//! points: page size, margins, measure, type size and leading, the faces of
//! each role, and the line-breaking parameters. **Must not:** lay anything
//! out.

use super::flow::Faces;
use super::linebreak::Params;
use crate::config::Config;
use crate::fonts::{FontSet, Style as FaceStyle};

/// Baseline to baseline, as a multiple of the type size.
const LEADING: f32 = 1.25;

/// The print edition's settings, in points.
#[derive(Debug, Clone)]
pub struct Style {
    /// Page width (the trim size).
    pub page_width: f32,
    /// Page height.
    pub page_height: f32,
    /// Margin at the top of the text block.
    pub top: f32,
    /// Margin below the text block (the folio sits in it): the one asked
    /// for, and what rounding the block to whole lines leaves.
    pub bottom: f32,
    /// Margin at the binding side.
    pub inner: f32,
    /// Margin at the outer side.
    pub outer: f32,
    /// Width of the text block.
    pub measure: f32,
    /// Height of the text block.
    pub block_height: f32,
    /// Body type size.
    pub size: f32,
    /// Baseline-to-baseline distance as a multiple of the type size.
    pub leading_ratio: f32,
    /// The faces of each role.
    pub faces: Faces,
    /// How far glyphs of justified lines may widen or narrow (a fraction).
    pub expansion: f32,
    /// Old-style (text) figures in running text, not lining ones.
    pub old_style_figures: bool,
    /// How the notes are numbered.
    pub footnote_numbering: crate::model::FootnoteNumbering,
    /// Line breaking.
    pub params: Params,
    /// What the running heads say.
    pub running_heads: crate::config::RunningHeads,
    /// Where the folios go.
    pub folios: crate::config::Folios,
    /// The strike-through rule: its top above the baseline and its
    /// thickness, in em; the body face's own (its `OS/2` table), else
    /// 0.25 and 0.04 (about half a common x-height).
    pub strikeout: (f32, f32),
}

impl Style {
    /// The style `book.toml` asks for, in the faces of `fonts`.
    pub fn new(config: &Config, fonts: &FontSet) -> Style {
        let pdf = &config.pdf;
        let pt = |length: crate::config::Length| length.to_pt() as f32;
        let page_width = pt(pdf.trim_size.width);
        let page_height = pt(pdf.trim_size.height);
        let (top, bottom, inner, outer) = (
            pt(pdf.margins.top),
            pt(pdf.margins.bottom),
            pt(pdf.margins.inner),
            pt(pdf.margins.outer),
        );
        // The face of a family and style nearest the weight asked for (400
        // regular, 700 bold), bold ones only for bold, as CSS matches: a
        // family of many weights gives its Regular and Bold, not its first.
        let face = |family: &str, style: FaceStyle, bold: bool| -> Option<usize> {
            let target: i32 = if bold { 700 } else { 400 };
            fonts
                .faces
                .iter()
                .enumerate()
                .filter(|(_, f)| &*f.family == family && f.style == style)
                .filter(|(_, f)| (f.weight >= 600) == bold)
                .min_by_key(|(_, f)| (i32::from(f.weight) - target).abs())
                .map(|(n, _)| n)
        };
        let body = fonts.body.as_str();
        let regular = face(body, FaceStyle::Normal, false).unwrap_or(0);
        let faces = Faces {
            regular,
            italic: face(body, FaceStyle::Italic, false).unwrap_or(regular),
            bold: face(body, FaceStyle::Normal, true).unwrap_or(regular),
            bold_italic: face(body, FaceStyle::Italic, true).unwrap_or(regular),
            mono: face(&fonts.mono, FaceStyle::Normal, false).unwrap_or(regular),
            fallbacks: fonts
                .fallback
                .iter()
                .filter_map(|family| face(family, FaceStyle::Normal, false))
                .collect(),
        };
        let strikeout = fonts
            .faces
            .get(faces.regular)
            .and_then(|face| face.strikeout())
            .unwrap_or((0.25, 0.04));
        let mut style = Style {
            page_width,
            page_height,
            top,
            bottom: 0.0,
            inner,
            outer,
            measure: page_width - inner - outer,
            // On the grid of the body's lines, as LaTeX's `heightrounded`:
            // the first baseline a type size down, then whole lines, so a
            // full page's last line sits on the block's foot. What is left
            // goes to the bottom margin.
            block_height: {
                let size = pt(pdf.font_size);
                let leading = size * LEADING;
                let lines = ((page_height - top - bottom - size) / leading)
                    .floor()
                    .max(0.0);
                size + lines * leading
            },
            size: pt(pdf.font_size),
            leading_ratio: LEADING,
            faces,
            expansion: pdf.font_expansion.fraction() as f32,
            old_style_figures: pdf.figures == crate::config::Figures::OldStyle,
            footnote_numbering: pdf.footnote_numbering,
            params: Params {
                // LaTeX's \sloppy: a loose line rather than one past the
                // margin when nothing within tolerance exists.
                emergency_stretch: 3.0 * pdf.font_size.to_pt(),
                // Never three hyphenated line ends in a row.
                hyphen_run_limit: 2,
                // No paragraph's last line starts with the end of a
                // hyphenated word when any breaking avoids it: not before
                // the emergency pass, and there at more than any line
                // within tolerance costs, (10 + 200)².
                final_hyphen_last_resort: true,
                final_hyphen_demerits: 1_000_000.0,
                ..Params::default()
            },
            strikeout,
            running_heads: pdf.running_heads,
            folios: pdf.folios,
        };
        style.bottom = page_height - top - style.block_height;
        let _ = bottom;
        style
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A family of many weights gives its regular and bold for the roles,
    /// whatever order its files come in.
    #[test]
    fn roles_take_the_nearest_weights() {
        let mut fonts = FontSet::embedded();
        let body = fonts.body.clone();
        let mut extra = Vec::new();
        for face in fonts.faces.iter().filter(|f| *f.family == *body) {
            for weight in [100, 300, 500, 900] {
                extra.push(crate::fonts::Face {
                    weight,
                    ..face.clone()
                });
            }
        }
        // The odd weights first, as an alphabetical file list would have it.
        extra.append(&mut fonts.faces);
        fonts.faces = extra;
        let config = crate::config::parse("[book]\ntitle = \"T\"\n", crate::source::FileId(0))
            .expect("a config");
        let style = Style::new(&config, &fonts);
        let weight = |n: usize| (fonts.faces[n].weight, fonts.faces[n].style);
        assert_eq!(weight(style.faces.regular), (400, FaceStyle::Normal));
        assert_eq!(weight(style.faces.italic), (400, FaceStyle::Italic));
        assert_eq!(weight(style.faces.bold), (700, FaceStyle::Normal));
        assert_eq!(weight(style.faces.bold_italic), (700, FaceStyle::Italic));
    }
}
