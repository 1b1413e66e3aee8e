//! Flow: a chapter's blocks → a vertical list of set lines and spaces.
//!
//! **In:** the model's blocks and inlines, the [`Style`], the shaper and
//! hyphenator. **Out:** [`Flow`] elements top to bottom, each line already
//! set by `paragraph` with its x offset. **Must not:** decide page breaks
//! (the page builder does) or write PDF.

use std::sync::Arc;

use super::frame::{Item as FrameItem, Positioned};
use super::hyphenate::Hyphenator;
use super::paragraph::{self, SetLine, Setting, Span, SpanStyle};
use super::shape::{FaceId, Features, Shaper};
use super::style::Style;
use crate::model::{Block, BlockKind, Book, Chapter, Inline, InlineKind};

/// One element of the vertical list.
#[derive(Debug, Clone)]
pub enum Flow {
    /// A line: its items relative to the line's top-left, and its height
    /// (baseline to baseline).
    Line {
        /// Distance from the previous line's baseline to this one's.
        height: f32,
        /// What it draws, positioned from the line's left and its baseline.
        items: Vec<Positioned>,
        /// The line as set, for quality measures (`None` for rules and the like).
        set: Option<SetLine>,
        /// Must stay on the page with the next line (a heading).
        keep_with_next: bool,
    },
    /// Vertical space, dropped at the top of a page.
    Space(f32),
    /// Start a new page (a chapter opening).
    NewPage,
}

/// Lays out the chapters one after another.
pub fn chapters(
    book: &Book,
    style: &Style,
    shaper: &mut Shaper,
    hyphenators: &mut Hyphenators,
) -> Vec<Flow> {
    let mut flow = Vec::new();
    for index in 0..book.chapters.len() {
        flow.extend(chapter(book, index, style, shaper, hyphenators));
    }
    flow
}

/// Lays out chapter `index` of the book on its own. What it gives depends
/// only on the book, the style and the chapter's index, never on the
/// chapters set before it or on what the shaper and hyphenators have
/// cached: chapters may be set in any order, on any thread, and joined.
pub fn chapter(
    book: &Book,
    index: usize,
    style: &Style,
    shaper: &mut Shaper,
    hyphenators: &mut Hyphenators,
) -> Vec<Flow> {
    let mut flow = Vec::new();
    let mut writer = Writer {
        book,
        chapter: &book.chapters[index],
        index,
        style,
        shaper,
        hyphenators,
        flow: &mut flow,
    };
    writer.chapter();
    flow
}

/// Hyphenators per language, made on first use.
#[derive(Default)]
pub struct Hyphenators {
    settings: super::hyphenate::Settings,
    enabled: bool,
    by_language: Vec<(String, Option<Hyphenator>)>,
}

impl Hyphenators {
    /// Hyphenators with the book's settings.
    pub fn new(settings: super::hyphenate::Settings, enabled: bool) -> Self {
        Hyphenators {
            settings,
            enabled,
            by_language: Vec::new(),
        }
    }

    fn get(&mut self, language: &str) -> Option<&mut Hyphenator> {
        if !self.enabled {
            return None;
        }
        let at = match self.by_language.iter().position(|(l, _)| l == language) {
            Some(at) => at,
            None => {
                self.by_language.push((
                    language.to_string(),
                    Hyphenator::new(language, &self.settings),
                ));
                self.by_language.len() - 1
            }
        };
        self.by_language[at].1.as_mut()
    }
}

struct Writer<'a, 'b> {
    book: &'a Book,
    chapter: &'a Chapter,
    index: usize,
    style: &'a Style,
    shaper: &'a mut Shaper<'b>,
    hyphenators: &'a mut Hyphenators,
    flow: &'a mut Vec<Flow>,
}

/// How a block's text is set.
#[derive(Clone, Copy)]
struct Context {
    size: f32,
    left: f32,
    measure: f32,
    indent_first: bool,
    justify: bool,
    hyphenate: bool,
    italic: bool,
}

impl Writer<'_, '_> {
    fn language(&self) -> String {
        self.chapter
            .lang
            .clone()
            .unwrap_or_else(|| self.book.meta.language.clone())
    }

    fn chapter(&mut self) {
        let style = self.style;
        self.flow.push(Flow::NewPage);
        self.flow.push(Flow::Space(style.size * 6.0));
        let title = match &self.chapter.heading {
            Some(heading) => heading.content.clone(),
            None => vec![Inline {
                kind: InlineKind::Text(self.chapter.title.clone()),
                span: self.chapter.span,
            }],
        };
        let context = Context {
            size: style.size * 1.7,
            left: 0.0,
            measure: style.measure,
            indent_first: false,
            justify: false,
            hyphenate: false,
            italic: false,
        };
        self.paragraph(&title, context, true, true);
        self.flow.push(Flow::Space(style.size * 3.0));
        let body = Context {
            size: style.size,
            left: 0.0,
            measure: style.measure,
            indent_first: false,
            justify: true,
            hyphenate: true,
            italic: false,
        };
        let blocks = &self.chapter.blocks;
        self.blocks(blocks, body);
        if !self.chapter.footnotes.is_empty() {
            // Until the page builder sets notes at the foot of their page,
            // they close the chapter.
            self.flow.push(Flow::Space(style.size * 2.0));
            let notes = Context {
                size: style.size * 0.85,
                ..body
            };
            for (n, note) in self.chapter.footnotes.iter().enumerate() {
                let number = self.book.footnote_number(
                    self.index,
                    n,
                    crate::model::FootnoteNumbering::Chapter,
                );
                let mut inlines = vec![Inline {
                    kind: InlineKind::Text(format!("{number}. ")),
                    span: note.span,
                }];
                match note.blocks.first().map(|b| &b.kind) {
                    Some(BlockKind::Paragraph(first)) => {
                        inlines.extend(first.iter().cloned());
                        self.paragraph(
                            &inlines,
                            Context {
                                indent_first: false,
                                ..notes
                            },
                            false,
                            false,
                        );
                        self.blocks(&note.blocks[1..], notes);
                    }
                    _ => {
                        self.paragraph(&inlines, notes, false, false);
                        self.blocks(&note.blocks, notes);
                    }
                }
            }
        }
    }

    fn blocks(&mut self, blocks: &[Block], context: Context) {
        let mut after_break = true;
        for block in blocks {
            let style = self.style;
            match &block.kind {
                BlockKind::Paragraph(inlines) => {
                    let context = Context {
                        indent_first: !after_break,
                        ..context
                    };
                    self.paragraph(inlines, context, false, false);
                    after_break = false;
                }
                BlockKind::Heading(heading) => {
                    self.flow.push(Flow::Space(style.size * 1.2));
                    let heading_context = Context {
                        size: style.size * 1.15,
                        indent_first: false,
                        justify: false,
                        hyphenate: false,
                        italic: true,
                        ..context
                    };
                    self.paragraph(&heading.content, heading_context, true, false);
                    self.flow.push(Flow::Space(style.size * 0.4));
                    after_break = true;
                }
                BlockKind::Quote(inner) => {
                    self.flow.push(Flow::Space(style.size * 0.5));
                    let quote = Context {
                        size: context.size * 0.95,
                        left: context.left + style.size * 1.5,
                        measure: context.measure - style.size * 3.0,
                        ..context
                    };
                    self.blocks(inner, quote);
                    self.flow.push(Flow::Space(style.size * 0.5));
                    after_break = true;
                }
                BlockKind::List(list) => {
                    self.flow.push(Flow::Space(style.size * 0.3));
                    let hang = style.size * 1.5;
                    for (n, item) in list.items.iter().enumerate() {
                        let marker = match (list.start, item.task) {
                            (_, Some(true)) => "☑".to_string(),
                            (_, Some(false)) => "☐".to_string(),
                            (Some(start), None) => format!("{}.", start + n as u64),
                            (None, None) => "•".to_string(),
                        };
                        let inner = Context {
                            left: context.left + hang,
                            measure: context.measure - hang,
                            indent_first: false,
                            ..context
                        };
                        let first_line = self.flow.len();
                        self.blocks(&item.blocks, inner);
                        self.marker(first_line, &marker, inner);
                    }
                    self.flow.push(Flow::Space(style.size * 0.3));
                    after_break = true;
                }
                BlockKind::Code(code) => {
                    self.flow.push(Flow::Space(style.size * 0.5));
                    let code_context = Context {
                        size: context.size * 0.85,
                        indent_first: false,
                        justify: false,
                        hyphenate: false,
                        ..context
                    };
                    for line in code
                        .text
                        .strip_suffix('\n')
                        .unwrap_or(&code.text)
                        .split('\n')
                    {
                        let spans = vec![Span {
                            text: if line.is_empty() {
                                "\u{A0}".into()
                            } else {
                                line.replace(' ', "\u{A0}")
                            },
                            style: SpanStyle {
                                face: style.faces.mono,
                                hyphenate: false,
                                features: Features {
                                    no_ligatures: true,
                                    ..Features::default()
                                },
                                ..SpanStyle::default()
                            },
                        }];
                        self.set(&spans, code_context, false, false);
                    }
                    self.flow.push(Flow::Space(style.size * 0.5));
                    after_break = true;
                }
                BlockKind::Rule => {
                    self.flow.push(Flow::Space(style.size));
                    let width = context.measure / 4.0;
                    self.flow.push(Flow::Line {
                        height: style.size * 0.5,
                        items: vec![Positioned {
                            x: context.left + (context.measure - width) / 2.0,
                            y: 0.0,
                            item: FrameItem::Rule { width, height: 0.4 },
                        }],
                        set: None,
                        keep_with_next: false,
                    });
                    self.flow.push(Flow::Space(style.size));
                    after_break = true;
                }
                BlockKind::Table(table) => {
                    self.flow.push(Flow::Space(style.size * 0.5));
                    let columns = table
                        .head
                        .len()
                        .max(table.rows.iter().map(|r| r.len()).max().unwrap_or(1))
                        .max(1);
                    let cell_context = Context {
                        size: context.size * 0.9,
                        measure: context.measure / columns as f32 - style.size * 0.5,
                        indent_first: false,
                        justify: false,
                        hyphenate: true,
                        ..context
                    };
                    for row in std::iter::once(&table.head).chain(&table.rows) {
                        self.row(row, columns, cell_context);
                    }
                    self.flow.push(Flow::Space(style.size * 0.5));
                    after_break = true;
                }
                BlockKind::Image(image) => {
                    self.flow.push(Flow::Space(style.size * 0.5));
                    self.figure(image, context);
                    self.flow.push(Flow::Space(style.size * 0.5));
                    after_break = true;
                }
                BlockKind::Html(_) => {}
            }
        }
    }

    /// Puts a list marker to the left of the first line added since `at`.
    fn marker(&mut self, at: usize, marker: &str, context: Context) {
        let style = self.style;
        let shaped = self.shaper.shape(
            marker,
            style.faces.regular,
            context.size,
            None,
            Features::default(),
        );
        let run = shaped.to_run(marker);
        let width = run.width();
        if let Some(Flow::Line { items, .. }) = self.flow[at..]
            .iter_mut()
            .find(|f| matches!(f, Flow::Line { .. }))
        {
            items.push(Positioned {
                x: context.left - width - style.size * 0.5,
                y: 0.0,
                item: FrameItem::Text(run),
            });
        }
    }

    fn row(&mut self, row: &[Vec<Inline>], columns: usize, context: Context) {
        let column_width = context.measure + self.style.size * 0.5;
        let mut cells: Vec<Vec<Flow>> = Vec::new();
        for (n, cell) in row.iter().enumerate().take(columns) {
            let mut sub = Vec::new();
            std::mem::swap(self.flow, &mut sub);
            self.paragraph(
                cell,
                Context {
                    left: context.left + n as f32 * column_width,
                    ..context
                },
                false,
                false,
            );
            std::mem::swap(self.flow, &mut sub);
            cells.push(sub);
        }
        let lines = cells.iter().map(|c| c.len()).max().unwrap_or(0);
        for line in 0..lines {
            let mut items = Vec::new();
            let mut height: f32 = 0.0;
            for cell in &cells {
                if let Some(Flow::Line {
                    items: cell_items,
                    height: h,
                    ..
                }) = cell.get(line)
                {
                    items.extend(cell_items.iter().cloned());
                    height = height.max(*h);
                }
            }
            self.flow.push(Flow::Line {
                height,
                items,
                set: None,
                keep_with_next: line + 1 < lines,
            });
        }
    }

    fn figure(&mut self, image: &crate::model::Image, context: Context) {
        let style = self.style;
        let placed = image.file.and_then(|file| {
            let data = &self.book.images[file];
            let (w, h) = data.pixels?;
            let width = context.measure.min(w as f32 * 0.75);
            let height = (width * h as f32 / w as f32).min(style.page_height * 0.6);
            let width = height * w as f32 / h as f32;
            Some((file, width, height))
        });
        match placed {
            Some((file, width, height)) => self.flow.push(Flow::Line {
                height,
                items: vec![Positioned {
                    x: context.left + (context.measure - width) / 2.0,
                    y: -height,
                    item: FrameItem::Image {
                        image: file,
                        width,
                        height,
                        alt: image.alt.clone(),
                    },
                }],
                set: None,
                keep_with_next: image.title.is_some(),
            }),
            None => {
                let alt = vec![Inline {
                    kind: InlineKind::Text(format!("[{}]", image.alt)),
                    span: crate::source::Span::new(self.chapter.file, 0..0),
                }];
                self.paragraph(
                    &alt,
                    Context {
                        italic: true,
                        indent_first: false,
                        ..context
                    },
                    false,
                    true,
                );
            }
        }
        if let Some(title) = &image.title {
            let caption = vec![Inline {
                kind: InlineKind::Text(title.clone()),
                span: crate::source::Span::new(self.chapter.file, 0..0),
            }];
            self.paragraph(
                &caption,
                Context {
                    size: context.size * 0.9,
                    italic: true,
                    indent_first: false,
                    justify: false,
                    ..context
                },
                false,
                true,
            );
        }
    }

    fn paragraph(&mut self, inlines: &[Inline], context: Context, keep: bool, centre: bool) {
        let mut spans = Vec::new();
        let base = InlineState {
            italic: context.italic,
            bold: false,
            code: false,
            link: false,
        };
        self.spans(inlines, base, context, &mut spans);
        self.set(&spans, context, keep, centre);
    }

    fn set(&mut self, spans: &[Span], context: Context, keep: bool, centre: bool) {
        let style = self.style;
        let language = self.language();
        let setting = Setting {
            size: context.size,
            measure: context.measure,
            indent: if context.indent_first {
                style.size * 1.5
            } else {
                0.0
            },
            justify: context.justify,
            expansion: style.expansion,
            fallbacks: &style.faces.fallbacks,
            language: Some(Arc::from(language.as_str())),
            params: style.params.clone(),
        };
        let hyphenator = if context.hyphenate {
            self.hyphenators.get(&language)
        } else {
            None
        };
        let lines = paragraph::set(spans, &setting, self.shaper, hyphenator);
        let count = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            let width: f32 = line.runs.last().map_or(0.0, |(x, run)| x + run.width());
            let shift = if centre {
                (context.measure - width).max(0.0) / 2.0
            } else {
                0.0
            };
            let items = line
                .runs
                .iter()
                .map(|(x, run)| Positioned {
                    x: context.left + shift + x,
                    y: 0.0,
                    item: FrameItem::Text(run.clone()),
                })
                .collect();
            self.flow.push(Flow::Line {
                height: context.size * style.leading_ratio,
                items,
                set: Some(line),
                keep_with_next: keep || n + 1 < count && n == 0,
            });
        }
    }

    fn spans(
        &mut self,
        inlines: &[Inline],
        state: InlineState,
        context: Context,
        out: &mut Vec<Span>,
    ) {
        for inline in inlines {
            match &inline.kind {
                InlineKind::Text(text) => self.push(out, text, state, context, false),
                InlineKind::SoftBreak => self.push(out, " ", state, context, false),
                InlineKind::LineBreak => {
                    if let Some(last) = out.last_mut() {
                        last.style.break_after = true;
                    }
                }
                InlineKind::Emph(children) => self.spans(
                    children,
                    InlineState {
                        italic: !state.italic,
                        ..state
                    },
                    context,
                    out,
                ),
                InlineKind::Strong(children) => self.spans(
                    children,
                    InlineState {
                        bold: true,
                        ..state
                    },
                    context,
                    out,
                ),
                InlineKind::Strike(children) => self.spans(children, state, context, out),
                InlineKind::Link { content, .. } => self.spans(
                    content,
                    InlineState {
                        link: true,
                        ..state
                    },
                    context,
                    out,
                ),
                InlineKind::Code(code) => self.push(
                    out,
                    code,
                    InlineState {
                        code: true,
                        ..state
                    },
                    context,
                    false,
                ),
                InlineKind::Image(image) => self.push(out, &image.alt, state, context, false),
                InlineKind::FootnoteRef(note) => {
                    let number = self.book.footnote_number(
                        self.index,
                        *note,
                        crate::model::FootnoteNumbering::Chapter,
                    );
                    self.push(out, &number.to_string(), state, context, true);
                }
                InlineKind::Html(_) => {}
            }
        }
    }

    fn push(
        &self,
        out: &mut Vec<Span>,
        text: &str,
        state: InlineState,
        context: Context,
        superior: bool,
    ) {
        let faces = &self.style.faces;
        let face = match (state.code, state.bold, state.italic) {
            (true, _, _) => faces.mono,
            (false, true, true) => faces.bold_italic,
            (false, true, false) => faces.bold,
            (false, false, true) => faces.italic,
            (false, false, false) => faces.regular,
        };
        let style = SpanStyle {
            face,
            hyphenate: context.hyphenate && !state.code && !state.link,
            features: Features {
                no_ligatures: state.code,
                ..Features::default()
            },
            superior,
            break_after: false,
        };
        match out.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => out.push(Span {
                text: text.to_string(),
                style,
            }),
        }
    }
}

#[derive(Clone, Copy)]
struct InlineState {
    italic: bool,
    bold: bool,
    code: bool,
    link: bool,
}

/// The faces of the roles, in the font set.
#[derive(Debug, Clone)]
pub struct Faces {
    /// Upright text.
    pub regular: FaceId,
    /// Italic.
    pub italic: FaceId,
    /// Bold.
    pub bold: FaceId,
    /// Bold italic.
    pub bold_italic: FaceId,
    /// Code.
    pub mono: FaceId,
    /// Tried in order for characters a face lacks.
    pub fallbacks: Vec<FaceId>,
}
