//! Tables, in the manner of LaTeX's `booktabs`: a heavier rule above and
//! below, a thin rule under the header, no vertical rules; the header in
//! bold; cells set ragged right (hyphenated only when a word is wider than
//! its column) and aligned left, centre or right as the Markdown says.
//!
//! Column widths come from the content, as a browser's automatic table
//! layout does: each column's natural width (its widest cell on one line)
//! and its least width (its widest unbreakable word). When the natural
//! widths fit the measure they are used and the table is centred; else the
//! columns narrow enough to fit on a fair share keep their natural width,
//! and the others share what is left in proportion to their natural
//! widths, none below its least width unless even the least widths do not
//! fit (then all narrow alike, and words are hyphenated).

use std::sync::Arc;

use super::{Context, Flow, InlineState, Line, Marked, Writer};
use crate::model::{Align, Inline, Table};
use crate::typeset::frame::{Item as FrameItem, Positioned};
use crate::typeset::paragraph::{self, SetLine, Setting, Span};

/// Cell text size, as a fraction of the surrounding text's.
const CELL_SIZE: f32 = 0.9;
/// The top and bottom rules' thickness, in em of the text (booktabs'
/// `\heavyrulewidth`).
const HEAVY_RULE: f32 = 0.08;
/// The header rule's thickness, in em (booktabs' `\lightrulewidth`).
const LIGHT_RULE: f32 = 0.05;
/// Space between a row's strut and the rule below it, in em (booktabs'
/// `\aboverulesep`, 0.4 ex).
const ABOVE_RULE: f32 = 0.17;
/// Space between a rule and the strut of the row below it, in em
/// (booktabs' `\belowrulesep`, 0.65 ex).
const BELOW_RULE: f32 = 0.28;
/// The part of a line's leading above its baseline (LaTeX's `\strut`: 0.7
/// of the baseline skip above, 0.3 below).
const STRUT_HEIGHT: f32 = 0.7;
/// Space between columns, in em of the cell text (LaTeX: twice
/// `\tabcolsep`, 12 pt at 10 pt).
const COLUMN_GAP: f32 = 1.2;
/// Extra space between body rows when some row has several lines, in em
/// of the cell text, so that the rows stay told apart.
const ROW_GAP: f32 = 0.35;

/// The largest table kept on one page, as a fraction of the text block's
/// height: moving a taller one to the next page would leave too much of
/// this one empty.
const KEEP_WHOLE: f32 = 1.0 / 3.0;

/// A cell ready to set: its spans and extent.
struct Cell {
    spans: Vec<Span>,
    /// The widest unbreakable piece.
    least: f32,
    /// The whole cell on one line (its widest line when it has forced
    /// breaks).
    natural: f32,
}

impl Writer<'_, '_> {
    /// Sets a table: rules, then the header and body rows.
    pub(super) fn table(&mut self, table: &Table, context: Context) {
        let style = self.style;
        let columns = table
            .head
            .len()
            .max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        let size = context.size * CELL_SIZE;
        let cell_context = Context {
            size,
            indent_first: false,
            justify: false,
            hyphenate: true,
            grid: false,
            ..context
        };
        let row = |writer: &mut Self, cells: &[Vec<Inline>], bold: bool| -> Vec<Cell> {
            (0..columns)
                .map(|n| writer.cell(cells.get(n).map_or(&[][..], |c| c), bold, cell_context))
                .collect()
        };
        let head = row(self, &table.head, true);
        let body: Vec<Vec<Cell>> = table.rows.iter().map(|r| row(self, r, false)).collect();
        let has_head = head.iter().any(|c| !c.spans.is_empty());

        let gap = size * COLUMN_GAP;
        let available = context.measure - gap * (columns - 1) as f32;
        let all = || std::iter::once(&head).chain(&body);
        let least: Vec<f32> = (0..columns)
            .map(|n| all().map(|r| r[n].least).fold(0.0, f32::max))
            .collect();
        let natural: Vec<f32> = (0..columns)
            .map(|n| all().map(|r| r[n].natural).fold(0.0, f32::max))
            .collect();
        let widths = column_widths(&least, &natural, available);
        let width = widths.iter().sum::<f32>() + gap * (columns - 1) as f32;
        let left = context.left + ((context.measure - width) / 2.0).max(0.0);
        let mut lefts = Vec::with_capacity(columns);
        let mut x = left;
        for w in &widths {
            lefts.push(x);
            x += w + gap;
        }
        let column = |n: usize| Column {
            left: lefts[n],
            width: widths[n],
            align: table.align.get(n).copied().unwrap_or(Align::None),
        };

        let em = style.size;
        let leading = size * style.leading_ratio;
        let (above, below) = (STRUT_HEIGHT * leading, (1.0 - STRUT_HEIGHT) * leading);
        let rule = |writer: &mut Self, height: f32, thickness: f32| {
            writer.flow.push(Flow::Line(Line {
                keep_with_next: true,
                ..Line::new(
                    height,
                    vec![Positioned {
                        x: left,
                        y: 0.0,
                        item: FrameItem::Rule {
                            width,
                            height: thickness,
                        },
                    }],
                )
            }));
        };

        self.space(self.line_height() * 0.5);
        let start = self.flow.len();
        rule(self, below, HEAVY_RULE * em);
        let mut after_rule = HEAVY_RULE * em + BELOW_RULE * em + above;
        if has_head {
            let cells = self.set_row(&head, &column, cell_context);
            self.push_row(cells, after_rule, leading, true, true);
            if !body.is_empty() {
                rule(self, below + ABOVE_RULE * em, LIGHT_RULE * em);
                after_rule = LIGHT_RULE * em + BELOW_RULE * em + above;
            }
        }
        let set: Vec<Vec<Vec<Flow>>> = body
            .iter()
            .map(|cells| self.set_row(cells, &column, cell_context))
            .collect();
        let tall = set.iter().any(|row| row.iter().any(|c| c.len() > 1));
        let row_gap = if tall { ROW_GAP * size } else { 0.0 };
        let rows = set.len();
        for (n, cells) in set.into_iter().enumerate() {
            let first = if n == 0 {
                after_rule
            } else {
                leading + row_gap
            };
            // The last row stays with the bottom rule.
            self.push_row(cells, first, leading, false, n + 1 == rows);
        }
        rule(self, below + ABOVE_RULE * em, HEAVY_RULE * em);
        // A table of up to a third of a page is never broken, as LaTeX's
        // `tabular`; a longer one may break between rows.
        let lines = &mut self.flow[start..];
        let height: f32 = lines
            .iter()
            .map(|line| match line {
                Flow::Line(line) => line.height,
                _ => 0.0,
            })
            .sum();
        let whole = height <= style.block_height * KEEP_WHOLE;
        let count = lines.len();
        for (n, line) in lines.iter_mut().enumerate() {
            if let Flow::Line(line) = line {
                line.keep_with_next = n + 1 < count && (whole || line.keep_with_next);
                line.origin = self.origin;
            }
        }
        self.space(self.line_height() * 0.5);
    }

    /// A cell's spans (bold for the header) and extent.
    fn cell(&mut self, inlines: &[Inline], bold: bool, context: Context) -> Cell {
        let mut spans = Vec::new();
        let state = InlineState {
            mark: None,
            italic: context.italic,
            bold,
            code: false,
            link: false,
            strike: false,
        };
        self.spans(inlines, state, context, &mut spans);
        if spans.iter().all(|s| s.text.trim().is_empty()) {
            spans.clear();
        }
        let (least, natural) = self.extent(&spans, context.size);
        Cell {
            spans,
            least,
            natural,
        }
    }

    /// The widest unbreakable piece of a cell and its widest line when
    /// nothing breaks it but its forced breaks: the cell set on a measure
    /// of nothing (every line one piece) and on an unbounded one, with no
    /// hyphenation.
    fn extent(&mut self, spans: &[Span], size: f32) -> (f32, f32) {
        if spans.is_empty() {
            return (0.0, 0.0);
        }
        let style = self.style;
        let language: Arc<str> = self.language().into();
        let mut widest = |measure: f32| {
            let setting = Setting {
                // The least width is the widest word's, whole.
                emergency: false,
                ..Setting::ragged(
                    size,
                    measure,
                    &style.faces.fallbacks,
                    Some(language.clone()),
                    style.params.clone(),
                )
            };
            paragraph::set(spans, &setting, self.shaper, None)
                .iter()
                .map(line_width)
                .fold(0.0, f32::max)
        };
        (widest(0.0), widest(1e6))
    }

    /// Sets a row's cells in their columns: each a flow of lines, aligned
    /// in its column, hyphenated only when a word is wider than the column.
    fn set_row(
        &mut self,
        cells: &[Cell],
        column: &dyn Fn(usize) -> Column,
        context: Context,
    ) -> Vec<Vec<Flow>> {
        cells
            .iter()
            .enumerate()
            .map(|(n, cell)| {
                let column = column(n);
                if cell.spans.is_empty() {
                    return Vec::new();
                }
                let mut lines = Vec::new();
                std::mem::swap(self.flow, &mut lines);
                // The lines as set give each one's width, to align it.
                let keep_set = std::mem::replace(&mut self.keep_set, true);
                self.set(
                    &cell.spans,
                    Context {
                        left: column.left,
                        measure: column.width,
                        hyphenate: cell.least > column.width + 0.01,
                        ..context
                    },
                    false,
                    false,
                );
                std::mem::swap(self.flow, &mut lines);
                self.keep_set = keep_set;
                for line in &mut lines {
                    if let Flow::Line(Line {
                        items,
                        set: line_set,
                        marks,
                        ..
                    }) = line
                        && let Some(set) = if keep_set {
                            line_set.clone()
                        } else {
                            line_set.take()
                        }
                    {
                        let slack = (column.width - line_width(&set)).max(0.0);
                        let shift = match column.align {
                            Align::Right => slack,
                            Align::Center => slack / 2.0,
                            Align::Left | Align::None => 0.0,
                        };
                        for item in items {
                            item.x += shift;
                        }
                        for marked in marks {
                            marked.x += shift;
                        }
                    }
                }
                lines
            })
            .collect()
    }

    /// Adds a row's lines: line n of every cell side by side, the first
    /// `first` below the line before and the others `leading` apart, all
    /// kept together (and with the next line when `keep` says so). In the
    /// header (`bottom`), a cell shorter than the row sits on its last
    /// line.
    fn push_row(
        &mut self,
        cells: Vec<Vec<Flow>>,
        first: f32,
        leading: f32,
        bottom: bool,
        keep: bool,
    ) {
        let count = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut lines: Vec<(Vec<Positioned>, Vec<Marked>)> = vec![Default::default(); count];
        for cell in cells {
            let offset = if bottom { count - cell.len() } else { 0 };
            for (n, line) in cell.into_iter().enumerate() {
                if let Flow::Line(line) = line {
                    lines[offset + n].0.extend(line.items);
                    lines[offset + n].1.extend(line.marks);
                }
            }
        }
        for (n, (items, marks)) in lines.into_iter().enumerate() {
            self.flow.push(Flow::Line(Line {
                keep_with_next: n + 1 < count || keep,
                marks,
                ..Line::new(if n == 0 { first } else { leading }, items)
            }));
        }
    }
}

/// Where a column is and how its cells align.
#[derive(Clone, Copy)]
struct Column {
    left: f32,
    width: f32,
    align: Align,
}

/// A set line's width: where its last run ends.
fn line_width(line: &SetLine) -> f32 {
    line.runs.last().map_or(0.0, |(x, run)| x + run.width())
}

/// The columns' widths from their least and natural widths, to fill at
/// most `available` (see the module doc).
fn column_widths(least: &[f32], natural: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if total <= available {
        return natural.to_vec();
    }
    let least_total: f32 = least.iter().sum();
    if least_total >= available {
        let scale = if least_total > 0.0 {
            available / least_total
        } else {
            0.0
        };
        return least.iter().map(|w| w * scale).collect();
    }
    let mut widths = vec![0.0; natural.len()];
    let mut open: Vec<usize> = (0..natural.len()).collect();
    let mut rest = available;
    // Columns that fit on a fair share keep their natural width.
    loop {
        let fair = rest / open.len() as f32;
        let (narrow, wide): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&n| natural[n] <= fair);
        if narrow.is_empty() {
            break;
        }
        for n in narrow {
            widths[n] = natural[n];
            rest -= natural[n];
        }
        open = wide;
    }
    // The others share the rest in proportion to their natural widths;
    // one whose share is below its least width gets that instead.
    loop {
        let sum: f32 = open.iter().map(|&n| natural[n]).sum();
        let (short, long): (Vec<usize>, Vec<usize>) = open
            .iter()
            .partition(|&&n| natural[n] / sum * rest < least[n]);
        if short.is_empty() {
            for n in long {
                widths[n] = natural[n] / sum * rest;
            }
            break;
        }
        for n in short {
            widths[n] = least[n];
            rest -= least[n];
        }
        open = long;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn natural_widths_when_they_fit() {
        assert_eq!(
            column_widths(&[5.0, 8.0], &[20.0, 30.0], 60.0),
            [20.0, 30.0]
        );
    }

    #[test]
    fn a_narrow_column_keeps_its_width_and_a_wide_one_wraps() {
        // The first column fits on half the measure; the second takes the
        // rest, never less than its longest word.
        let widths = column_widths(&[10.0, 20.0], &[25.0, 400.0], 100.0);
        assert_eq!(widths, [25.0, 75.0]);
    }

    #[test]
    fn wide_columns_share_in_proportion_but_not_below_their_least() {
        let widths = column_widths(&[10.0, 10.0, 50.0], &[100.0, 300.0, 100.0], 150.0);
        // Shares in proportion to 100:300:100 would give the third 30, below
        // its least 50; it gets 50 and the others share 100 as 1:3.
        assert_eq!(widths, [25.0, 75.0, 50.0]);
    }

    #[test]
    fn least_widths_that_do_not_fit_narrow_alike() {
        assert_eq!(
            column_widths(&[60.0, 90.0], &[80.0, 120.0], 100.0),
            [40.0, 60.0]
        );
    }
}
