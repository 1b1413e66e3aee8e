//! Code blocks: each source line set as written in the mono face, wrapped
//! when it is wider than the measure.
//!
//! A line is one verbatim span ([`SpanStyle::verbatim`]): its spaces are
//! glyphs at their own width, so indentation and alignment hold and copied
//! text has its spaces; nothing stretches, hyphenates or expands. A line
//! too wide for the measure is cut here, before setting, first fit as
//! `listings` does: at the last UAX #14 opportunity that fits (after a
//! space, a dash or a slash) and, when the run at the start of a line has
//! none that fits, between the two characters where the line is full. The
//! continuation lines are indented by the line's own indentation plus two
//! columns, and the first of those columns holds a hooked arrow `↪` that
//! copies as nothing.

use super::{Context, Flow, Line, Role, Writer};
use crate::model::CodeBlock;
use crate::typeset::frame::{Item as FrameItem, Positioned};
use crate::typeset::paragraph::{CODE_SIZE, Span, SpanStyle};
use crate::typeset::shape::{FaceId, Features};

/// Columns from one tab stop to the next.
const TAB_STOP: usize = 4;

/// The signs that may mark a continuation line, the first a face has.
const CONTINUATION_SIGNS: [&str; 2] = ["\u{21AA}", "\u{2192}"];

/// The most of the measure a continuation line's indent may take.
const MAX_HANG: f32 = 0.4;

impl Writer<'_, '_> {
    /// Sets a code block: its lines in the mono face, spaced like text,
    /// with half a line above and below.
    pub(super) fn code(&mut self, code: &CodeBlock, context: Context) {
        let code_context = Context {
            size: context.size * CODE_SIZE,
            indent_first: false,
            justify: false,
            hyphenate: false,
            grid: false,
            ..context
        };
        self.space(self.line_height() * 0.5);
        let start = self.flow.len();
        let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
        for line in text.split('\n') {
            let line = expand_tabs(line.strip_suffix('\r').unwrap_or(line));
            self.code_line(&line, code_context);
        }
        // The block is one text for the page builder: no orphan and no
        // widow (its first two and last two lines stay together).
        let count = self.flow[start..].len();
        for (n, element) in self.flow[start..].iter_mut().enumerate() {
            if let Flow::Line(line) = element {
                line.role = Role::Text {
                    first: n == 0,
                    last: n + 1 == count,
                };
                line.keep_with_next |= count > 1 && (n == 0 || n + 2 == count);
            }
        }
        self.space(self.line_height() * 0.5);
    }

    /// Sets one source line, wrapped to the measure when too wide.
    fn code_line(&mut self, line: &str, context: Context) {
        let style = self.style;
        if line.is_empty() {
            self.flow.push(Flow::Line(Line {
                origin: self.origin,
                ..Line::new(context.size * style.leading_ratio, Vec::new())
            }));
            return;
        }
        let span_style = SpanStyle {
            face: style.faces.mono,
            features: Features {
                no_ligatures: true,
                ..Features::default()
            },
            verbatim: true,
            ..SpanStyle::default()
        };
        let widths = self.cluster_widths(line, span_style, context.size);
        let column = self
            .shaper
            .shape(
                " ",
                span_style.face,
                context.size,
                None,
                span_style.features,
            )
            .width;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let indent_width = widths.width(0, indent).min(context.measure * MAX_HANG);
        // The sign takes a column and a column of space follows it.
        let hang = indent_width + 2.0 * column;
        let pieces = wrap(line, &widths, context.measure, context.measure - hang);
        let count = pieces.len();
        for (n, piece) in pieces.into_iter().enumerate() {
            let (left, measure) = if n == 0 {
                (context.left, context.measure)
            } else {
                (context.left + hang, context.measure - hang)
            };
            let spans = [Span {
                text: line[piece].to_string(),
                style: span_style,
            }];
            let at = self.flow.len();
            self.set(
                &spans,
                Context {
                    left,
                    measure,
                    ..context
                },
                n + 1 < count,
                false,
            );
            if n > 0 {
                let sign = self.continuation_sign(context.size);
                if let (Some(run), Some(Flow::Line(Line { items, .. }))) =
                    (sign, self.flow.get_mut(at))
                {
                    items.push(Positioned {
                        x: context.left + indent_width,
                        y: 0.0,
                        item: FrameItem::Text(run),
                    });
                }
            }
        }
    }

    /// The advance of each cluster of `line` as `paragraph` sets it: in the
    /// span's face, or the first fallback that has the character.
    fn cluster_widths(&mut self, line: &str, style: SpanStyle, size: f32) -> Widths {
        let runs = self
            .shaper
            .face_runs(line, style.face, &self.style.faces.fallbacks);
        let language: std::sync::Arc<str> = self.language().into();
        let mut clusters: Vec<(usize, f32)> = Vec::new();
        for (face, range) in runs {
            let shaped = self.shaper.shape(
                &line[range.clone()],
                face,
                size,
                Some(&language),
                style.features,
            );
            for glyph in &shaped.glyphs {
                let at = range.start + glyph.cluster as usize;
                match clusters.iter_mut().find(|(start, _)| *start == at) {
                    Some((_, advance)) => *advance += glyph.advance,
                    None => clusters.push((at, glyph.advance)),
                }
            }
        }
        clusters.sort_by_key(|&(at, _)| at);
        Widths { clusters }
    }

    /// The continuation sign in the first of the mono, fallback and body
    /// faces that has one; its text is empty, so copying a wrapped line
    /// gives the line as written.
    fn continuation_sign(&mut self, size: f32) -> Option<crate::typeset::frame::TextRun> {
        let faces = &self.style.faces;
        let candidates: Vec<FaceId> = std::iter::once(faces.mono)
            .chain(faces.fallbacks.iter().copied())
            .chain(std::iter::once(faces.regular))
            .collect();
        let (sign, face) = CONTINUATION_SIGNS.iter().find_map(|sign| {
            let c = sign.chars().next()?;
            let face = candidates
                .iter()
                .copied()
                .find(|&face| self.shaper.covers(face, c))?;
            Some((*sign, face))
        })?;
        let mut run = self
            .shaper
            .shape(sign, face, size, None, Features::default())
            .to_run(sign);
        run.text.clear();
        for glyph in &mut run.glyphs {
            glyph.text = 0..0;
        }
        Some(run)
    }
}

/// The advances of a line's clusters, by the byte offset where each starts.
struct Widths {
    clusters: Vec<(usize, f32)>,
}

impl Widths {
    /// The width of the clusters that start in `from..to`.
    fn width(&self, from: usize, to: usize) -> f32 {
        self.clusters
            .iter()
            .filter(|(at, _)| (from..to).contains(at))
            .map(|(_, advance)| advance)
            .sum()
    }

    /// Whether a cut at byte `at` falls between two clusters.
    fn is_boundary(&self, at: usize) -> bool {
        self.clusters.iter().any(|&(start, _)| start == at)
    }
}

/// Cuts `line` into pieces no wider than `first` (the first piece) and
/// `rest` (the others), first fit: at the last break opportunity that fits,
/// else between characters where the line is full (also when the run after
/// that opportunity is too long for a line of its own: it is cut anyway,
/// so it starts where there is room). A piece always holds at
/// least one cluster, so a measure narrower than a character still ends.
fn wrap(line: &str, widths: &Widths, first: f32, rest: f32) -> Vec<std::ops::Range<usize>> {
    const SLACK: f32 = 0.01;
    let end = line.len();
    let indent = end - line.trim_start_matches(' ').len();
    // UAX #14 opportunities past the indentation, between clusters.
    let opportunities: Vec<usize> = unicode_linebreak::linebreaks(line)
        .map(|(at, _)| at)
        .filter(|&at| at > indent && at < end && widths.is_boundary(at))
        .collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < end {
        let measure = if pieces.is_empty() { first } else { rest };
        let fits = |to: usize| widths.width(start, to) <= measure + SLACK;
        // The run after a cut at `at` fits a continuation line.
        let next_fits = |at: usize| {
            let next = opportunities
                .iter()
                .copied()
                .find(|&o| o > at)
                .unwrap_or(end);
            widths.width(at, next) <= rest + SLACK
        };
        let opportunity = opportunities
            .iter()
            .rev()
            .copied()
            .find(|&at| at > start && fits(at));
        let cut = if fits(end) {
            end
        } else if let Some(at) = opportunity.filter(|&at| next_fits(at)) {
            at
        } else {
            // No opportunity fits, or the run after the last one is cut
            // between characters anyway: fill the line.
            // No opportunity fits: as many clusters as fit, at least one.
            let mut cut = None;
            for &(at, _) in widths.clusters.iter().filter(|(at, _)| *at > start) {
                if !fits(at) {
                    break;
                }
                cut = Some(at);
            }
            cut.unwrap_or_else(|| {
                widths
                    .clusters
                    .iter()
                    .map(|&(at, _)| at)
                    .find(|&at| at > start)
                    .unwrap_or(end)
            })
        };
        pieces.push(start..cut);
        start = cut;
    }
    pieces
}

/// `line` with its tabs turned into spaces to the next tab stop.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Widths of one unit per byte (ASCII text in a mono face).
    fn unit(line: &str) -> Widths {
        Widths {
            clusters: (0..line.len()).map(|at| (at, 1.0)).collect(),
        }
    }

    fn pieces(line: &str, first: f32, rest: f32) -> Vec<&str> {
        wrap(line, &unit(line), first, rest)
            .into_iter()
            .map(|r| &line[r])
            .collect()
    }

    #[test]
    fn a_line_that_fits_is_one_piece() {
        assert_eq!(pieces("let x = 1;", 10.0, 6.0), ["let x = 1;"]);
    }

    #[test]
    fn wraps_after_the_last_space_that_fits() {
        assert_eq!(
            pieces("let total = first + second;", 16.0, 15.0),
            ["let total = ", "first + second;"]
        );
    }

    #[test]
    fn the_indentation_is_no_break() {
        // The opportunity after the indent would leave a blank first piece.
        assert_eq!(pieces("    abcdefghij", 8.0, 8.0), ["    abcd", "efghij"]);
    }

    #[test]
    fn a_run_with_no_opportunity_breaks_between_characters() {
        assert_eq!(
            pieces("abcdefghijklmnop", 6.0, 6.0),
            ["abcdef", "ghijkl", "mnop"]
        );
        // A run too long for a whole line starts where there is room.
        assert_eq!(
            pieces("x = abcdefghijklmnop", 8.0, 8.0),
            ["x = abcd", "efghijkl", "mnop"]
        );
    }

    #[test]
    fn tabs_go_to_the_next_stop() {
        assert_eq!(expand_tabs("\tif x {"), "    if x {");
        assert_eq!(expand_tabs("ab\tc"), "ab  c");
        assert_eq!(expand_tabs("abcd\t"), "abcd    ");
    }
}
