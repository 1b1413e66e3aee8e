//! Flow: a chapter's blocks → a vertical list of set lines and spaces.
//!
//! **In:** the model's blocks and inlines, the [`Style`], the shaper and
//! hyphenator. **Out:** [`Flow`] elements top to bottom, each line already
//! set by `paragraph` with its x offset, and the warnings of the text at
//! its source: characters no font has (`glyph-missing`, once per character
//! and chapter), words broken between letters because they are wider than
//! the line (`line-unbreakable`), lines the emergency pass left looser than
//! the tolerance, with spaces over half an em (`line-loose`), and any line still past the margin
//! (`line-overfull`). **Must not:** decide page breaks (the page builder
//! does) or write PDF.

mod code;
mod table;

use std::sync::Arc;

use super::frame::{Item as FrameItem, Positioned, TextRun};
use super::hyphenate::Hyphenator;
use super::paragraph::{self, SetLine, Setting, Span, SpanStyle};
use super::shape::{FaceId, Features, Shaper};
use super::style::Style;
use crate::diag::Diagnostic;
use crate::model::{Block, BlockKind, Book, Chapter, Inline, InlineKind};
use crate::source::Span as SourceSpan;

/// One element of the vertical list.
// Nearly every element is a line: boxing them would cost an allocation
// each and save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Flow {
    /// A line (or a rule, an image: anything drawn in one band).
    Line(Line),
    /// Vertical space, dropped at the top of a page (except the drop
    /// above a chapter's title, the first element of its body).
    Space(f32),
}

/// A line of the vertical list: what it draws, and what the page builder
/// must know to place it.
#[derive(Debug, Clone)]
pub struct Line {
    /// Distance from the previous line's baseline to this one's.
    pub height: f32,
    /// What it draws, positioned from the line's left and its baseline.
    pub items: Vec<Positioned>,
    /// The line as set, for quality measures (`None` for rules and the like).
    pub set: Option<SetLine>,
    /// Must stay on the page with the next line: a heading and the first
    /// line after it, a paragraph's or code block's first line (no
    /// orphans) or last but one (no widows), a table row's lines (and a
    /// short table's all), an image with its caption. Only when no other
    /// break can be found does the page builder break here, with a
    /// warning.
    pub keep_with_next: bool,
    /// What a page break after the line costs besides (TeX's penalties):
    /// 0, or more after a hyphenated line.
    pub penalty: f32,
    /// What the line is, for the page builder's warnings and for tests.
    pub role: Role,
    /// Where on the line marked text is (note calls, links), as x ranges
    /// from the line's left.
    pub marks: Vec<Marked>,
    /// The heading this line starts, for the contents, the outline and
    /// the running heads.
    pub heading: Option<HeadingMark>,
    /// The source of the line's text, where a page warning points.
    pub origin: Option<SourceSpan>,
    /// Other settings of the paragraph this line starts (its first line
    /// only): a line shorter or longer, for the page builder to choose
    /// when that fills a page.
    pub variants: Vec<Variant>,
}

/// Another setting of a paragraph: its lines, and what it costs over the
/// best setting (the demerits it adds).
#[derive(Debug, Clone)]
pub struct Variant {
    /// The lines, in place of the paragraph's.
    pub lines: Vec<Line>,
    /// The demerits added.
    pub cost: f64,
}

impl Line {
    /// A line of `height` drawing `items`, with no keep, marks or heading.
    pub fn new(height: f32, items: Vec<Positioned>) -> Line {
        Line {
            height,
            items,
            set: None,
            keep_with_next: false,
            penalty: 0.0,
            role: Role::Other,
            marks: Vec::new(),
            heading: None,
            origin: None,
            variants: Vec::new(),
        }
    }
}

/// What a line of the vertical list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Role {
    /// A line of running text (a paragraph, a code block): whether it is
    /// the first and the last of its block.
    Text {
        /// The block's first line.
        first: bool,
        /// The block's last line.
        last: bool,
    },
    /// A line of a heading or of a chapter's title.
    Heading,
    /// Anything else: rules, images, table rows.
    Other,
}

/// A marked stretch of a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marked {
    /// What it is.
    pub mark: Mark,
    /// Its left, from the line's left.
    pub x: f32,
    /// Its width.
    pub width: f32,
}

/// What a stretch of text is marked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A call of the chapter's note (its index in the chapter's notes).
    Note(usize),
    /// The number in front of a note: links back to its call.
    NoteNumber(usize),
    /// A link to an address (an index into [`ChapterFlow::links`]).
    Link(usize),
}

/// The heading a line starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeadingMark {
    /// 1 for the chapter's title, 2 for a section (`##`), and so on.
    pub level: u8,
    /// Its text, for the contents and the outline.
    pub title: String,
}

/// A chapter laid out as vertical lists: its body, and each of its notes
/// apart, for the page builder to put at the foot of the page of its call.
#[derive(Debug, Clone, Default)]
pub struct ChapterFlow {
    /// The body, starting with the drop above the chapter's title.
    pub body: Vec<Flow>,
    /// Each note's lines, in the chapter's note order (a note's number is
    /// its first line's start). The space between a note's paragraphs is
    /// in the next line's height.
    pub notes: Vec<Vec<Line>>,
    /// The addresses of the chapter's links, for [`Mark::Link`].
    pub links: Vec<String>,
}

/// Lays out the chapters one after another.
pub fn chapters(
    book: &Book,
    style: &Style,
    shaper: &mut Shaper,
    hyphenators: &mut Hyphenators,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ChapterFlow> {
    let mut writing = (shaper, hyphenators, diagnostics);
    (0..book.chapters.len())
        .map(|index| lay_out(book, index, style, &mut writing, false, true, None))
        .collect()
}

/// Lays out chapter `index` of the book on its own. What it gives depends
/// only on the book, the style and the chapter's index, never on the
/// chapters set before it or on what the shaper and hyphenators have
/// cached: chapters may be set in any order, on any thread, and joined.
/// Its warnings go to `diagnostics`, in the order found. With `variants`,
/// body paragraphs also carry their settings a line shorter and longer
/// ([`Line::variants`]). With a `memo`, body paragraphs are kept in it, or
/// taken back from it when it [replays](paragraph::Memo::replay) (a chapter
/// set again with variants): the flow is the same either way.
#[allow(clippy::too_many_arguments)]
pub fn chapter(
    book: &Book,
    index: usize,
    style: &Style,
    shaper: &mut Shaper,
    hyphenators: &mut Hyphenators,
    diagnostics: &mut Vec<Diagnostic>,
    variants: bool,
    memo: Option<&mut paragraph::Memo>,
) -> ChapterFlow {
    let mut writing = (shaper, hyphenators, diagnostics);
    lay_out(book, index, style, &mut writing, variants, false, memo)
}

/// [`chapter`], with `keep_set`: whether lines keep their [`Line::set`].
fn lay_out(
    book: &Book,
    index: usize,
    style: &Style,
    (shaper, hyphenators, diagnostics): &mut (&mut Shaper, &mut Hyphenators, &mut Vec<Diagnostic>),
    variants: bool,
    keep_set: bool,
    memo: Option<&mut paragraph::Memo>,
) -> ChapterFlow {
    let mut flow = Vec::new();
    let mut writer = Writer {
        book,
        chapter: &book.chapters[index],
        index,
        style,
        shaper,
        hyphenators,
        flow: &mut flow,
        diagnostics,
        origin: None,
        missing: Vec::new(),
        marks: Vec::new(),
        links: Vec::new(),
        variants,
        in_notes: false,
        keep_set,
        memo,
    };
    writer.chapter();
    let notes = writer.notes();
    writer.report_missing();
    let links = std::mem::take(&mut writer.links);
    ChapterFlow {
        body: flow,
        notes,
        links,
    }
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
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The source of the text being set (the block, or the paragraph's
    /// inlines), where its line warnings point.
    origin: Option<SourceSpan>,
    /// Characters no font has: the first place each is, and how often.
    missing: Vec<(char, SourceSpan, usize)>,
    /// What each mark id given to the setter stands for.
    marks: Vec<Mark>,
    /// The chapter's link addresses ([`Mark::Link`]).
    links: Vec<String>,
    /// Whether body paragraphs are also set a line shorter and longer.
    variants: bool,
    /// Whether the notes are being set.
    in_notes: bool,
    /// Whether lines keep their [`Line::set`] (for quality measures).
    keep_set: bool,
    /// Where body paragraphs are kept, or taken back from.
    memo: Option<&'a mut paragraph::Memo>,
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
    /// Lines on the body's baseline grid (its leading, whatever the size:
    /// quotes, lists), else on their own size's leading (headings, notes,
    /// code, captions).
    grid: bool,
}

impl Context {
    /// Text of `size` on the text block's full measure, ragged, not
    /// hyphenated, upright, off the grid: what each kind of block adjusts.
    fn new(size: f32, style: &Style) -> Context {
        Context {
            size,
            left: 0.0,
            measure: style.measure,
            indent_first: false,
            justify: false,
            hyphenate: false,
            italic: false,
            grid: false,
        }
    }

    /// The context indented by `left` and `right`, unless that would leave
    /// less than a third of the text block's measure: deeper nesting then
    /// keeps the measure it has (a quote in a quote in a list… still sets).
    fn indented(self, left: f32, right: f32, style: &Style) -> Context {
        if self.measure - left - right < style.measure / 3.0 {
            return self;
        }
        Context {
            left: self.left + left,
            measure: self.measure - left - right,
            ..self
        }
    }
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
        // The drop: the title stands a third of the way down its page.
        self.space(style.size * 6.0);
        let title = match &self.chapter.heading {
            Some(heading) => heading.content.clone(),
            None => vec![Inline {
                kind: InlineKind::Text(self.chapter.title.clone()),
                span: self.chapter.span,
            }],
        };
        let context = Context::new(style.size * 1.7, style);
        let at = self.flow.len();
        self.paragraph(&title, context, true, true);
        self.heading_lines(at, 1, self.chapter.title.clone());
        // At least three ems below the title, rounded up so the text
        // starts on the body's baseline grid.
        let drop = style.size * 6.0;
        let title_height = self.height_since(at);
        let after = self.to_grid(drop + title_height + style.size * 3.0) - drop - title_height;
        self.space(after);
        let body = Context {
            justify: true,
            hyphenate: true,
            grid: true,
            ..Context::new(style.size, style)
        };
        let blocks = &self.chapter.blocks;
        self.blocks(blocks, body);
        self.keep_after_heading(at);
    }

    /// Adds vertical space; next to space already there, the larger of the
    /// two stands (LaTeX's `\addvspace`): a quote opening a quote, or a
    /// heading after a list, is not spaced twice.
    fn space(&mut self, space: f32) {
        match self.flow.last_mut() {
            Some(Flow::Space(last)) => *last = last.max(space),
            _ => self.flow.push(Flow::Space(space)),
        }
    }

    /// The body's leading: the grid its lines are on.
    fn line_height(&self) -> f32 {
        self.style.size * self.style.leading_ratio
    }

    /// `height` rounded up to whole lines of the body.
    fn to_grid(&self, height: f32) -> f32 {
        let line = self.line_height();
        (height / line - 0.001).ceil() * line
    }

    /// The height of the lines and spaces added since `at`.
    fn height_since(&self, at: usize) -> f32 {
        self.flow[at..]
            .iter()
            .map(|element| match element {
                Flow::Line(line) => line.height,
                Flow::Space(space) => *space,
            })
            .sum()
    }

    /// Makes the lines from `at` on a heading's: kept with what follows,
    /// and the first marked as starting a heading of `level`.
    fn heading_lines(&mut self, at: usize, level: u8, title: String) {
        let mut first = true;
        for element in &mut self.flow[at..] {
            if let Flow::Line(line) = element {
                line.role = Role::Heading;
                line.keep_with_next = true;
                if first {
                    line.heading = Some(HeadingMark {
                        level,
                        title: title.clone(),
                    });
                    first = false;
                }
            }
        }
    }

    /// A heading (whose lines start at `at`) stays with at least two lines
    /// of what follows: the first line after it keeps with the next too,
    /// even when it is a paragraph of one line.
    fn keep_after_heading(&mut self, at: usize) {
        if let Some(Flow::Line(line)) = self.flow[at..]
            .iter_mut()
            .filter(|e| matches!(e, Flow::Line(_)))
            .find(|e| !matches!(e, Flow::Line(l) if l.role == Role::Heading))
        {
            line.keep_with_next = true;
            for variant in &mut line.variants {
                if let Some(first) = variant.lines.first_mut() {
                    first.keep_with_next = true;
                }
            }
        }
    }

    /// Sets the chapter's notes, each as its own list of lines: its number
    /// (marked, to link back to the call) and its text, a size smaller.
    fn notes(&mut self) -> Vec<Vec<Line>> {
        let style = self.style;
        let context = Context {
            justify: true,
            hyphenate: true,
            ..Context::new(style.size * 0.85, style)
        };
        let chapter = self.chapter;
        let mut notes = Vec::with_capacity(chapter.footnotes.len());
        self.in_notes = true;
        for (n, note) in chapter.footnotes.iter().enumerate() {
            let mut lines = Vec::new();
            std::mem::swap(self.flow, &mut lines);
            self.origin = Some(note.span);
            let number = self
                .book
                .footnote_number(self.index, n, style.footnote_numbering);
            let mark = self.mark(Mark::NoteNumber(n));
            let base = InlineState {
                italic: false,
                bold: false,
                code: false,
                link: false,
                strike: false,
                mark: None,
            };
            let mut spans = Vec::new();
            self.push(
                &mut spans,
                &format!("{number}."),
                InlineState {
                    mark: Some(mark),
                    ..base
                },
                context,
                false,
            );
            self.push(&mut spans, " ", base, context, false);
            match note.blocks.first().map(|b| &b.kind) {
                Some(BlockKind::Paragraph(first)) => {
                    self.spans(first, base, context, &mut spans);
                    self.set(&spans, context, false, false);
                    self.blocks(&note.blocks[1..], context);
                }
                _ => {
                    self.set(&spans, context, false, false);
                    self.blocks(&note.blocks, context);
                }
            }
            std::mem::swap(self.flow, &mut lines);
            // Spaces go into the height of the line after them; none before
            // the first.
            let mut set = Vec::new();
            let mut space = 0.0;
            for element in lines {
                match element {
                    Flow::Space(s) => space += s,
                    Flow::Line(mut line) => {
                        if !set.is_empty() {
                            line.height += space;
                        }
                        space = 0.0;
                        set.push(line);
                    }
                }
            }
            notes.push(set);
        }
        self.in_notes = false;
        notes
    }

    /// A mark id for the setter, standing for `mark`.
    fn mark(&mut self, mark: Mark) -> u32 {
        self.marks.push(mark);
        (self.marks.len() - 1) as u32
    }

    fn blocks(&mut self, blocks: &[Block], context: Context) {
        let mut after_break = true;
        // Where the lines of the heading just set start.
        let mut heading_at: Option<usize> = None;
        for block in blocks {
            let heading = heading_at.take();
            heading_at = self.block(block, context, &mut after_break);
            // After the block that follows a heading.
            if let Some(at) = heading {
                self.keep_after_heading(at);
            }
        }
    }

    /// Lays out one block; for a heading, where its lines start.
    fn block(&mut self, block: &Block, context: Context, after_break: &mut bool) -> Option<usize> {
        {
            let style = self.style;
            self.origin = Some(block.span);
            match &block.kind {
                BlockKind::Paragraph(inlines) => {
                    let context = Context {
                        indent_first: !*after_break,
                        ..context
                    };
                    self.paragraph(inlines, context, false, false);
                    *after_break = false;
                }
                BlockKind::Heading(heading) => {
                    // A page may always break before a heading: what came
                    // before does not keep with it (a one-line paragraph
                    // kept with the heading above it would otherwise chain
                    // short sections into one unbreakable block).
                    if let Some(Flow::Line(line)) = self
                        .flow
                        .iter_mut()
                        .rev()
                        .find(|e| matches!(e, Flow::Line(_)))
                        && line.role != Role::Heading
                    {
                        line.keep_with_next = false;
                    }
                    // The space above is set once the heading's height is
                    // known: a line at least, and as much more as puts
                    // the text after it back on the grid.
                    self.space(0.0);
                    let space_at = self.flow.len() - 1;
                    let heading_context = Context {
                        size: style.size * 1.15,
                        indent_first: false,
                        justify: false,
                        hyphenate: false,
                        italic: true,
                        grid: false,
                        ..context
                    };
                    let at = self.flow.len();
                    self.paragraph(&heading.content, heading_context, true, false);
                    self.heading_lines(
                        at,
                        heading.level,
                        crate::model::plain_text(&heading.content),
                    );
                    let (line, height) = (self.line_height(), self.height_since(at));
                    let after = line * 0.5;
                    let before = self.to_grid(line + height + after) - height - after;
                    if let Flow::Space(space) = &mut self.flow[space_at] {
                        *space = space.max(before);
                    }
                    self.space(after);
                    *after_break = true;
                    return Some(at);
                }
                BlockKind::Quote(inner) => {
                    // Half a line above and below: a quote keeps the grid.
                    self.space(self.line_height() * 0.5);
                    let quote = Context {
                        size: context.size * 0.95,
                        ..context.indented(style.size * 1.5, style.size * 1.5, style)
                    };
                    self.blocks(inner, quote);
                    self.space(self.line_height() * 0.5);
                    *after_break = true;
                }
                BlockKind::List(list) => {
                    self.space(self.line_height() * 0.25);
                    let hang = style.size * 1.5;
                    for (n, item) in list.items.iter().enumerate() {
                        let marker = match (list.start, item.task) {
                            (_, Some(true)) => "☑".to_string(),
                            (_, Some(false)) => "☐".to_string(),
                            (Some(start), None) => format!("{}.", start + n as u64),
                            (None, None) => "•".to_string(),
                        };
                        let inner = Context {
                            indent_first: false,
                            ..context.indented(hang, 0.0, style)
                        };
                        let first_line = self.flow.len();
                        self.blocks(&item.blocks, inner);
                        self.marker(first_line, &marker, inner);
                    }
                    self.space(self.line_height() * 0.25);
                    *after_break = true;
                }
                BlockKind::Code(code) => {
                    self.code(code, context);
                    *after_break = true;
                }
                BlockKind::Rule => {
                    // Two lines in all, the rule in the middle.
                    let space = self.line_height() - style.size * 0.25;
                    self.space(space);
                    let width = context.measure / 4.0;
                    self.flow.push(Flow::Line(Line::new(
                        style.size * 0.5,
                        vec![Positioned {
                            x: context.left + (context.measure - width) / 2.0,
                            y: 0.0,
                            item: FrameItem::Rule { width, height: 0.4 },
                        }],
                    )));
                    self.space(space);
                    *after_break = true;
                }
                BlockKind::Table(table) => {
                    self.table(table, context);
                    *after_break = true;
                }
                BlockKind::Image(image) => {
                    self.space(self.line_height() * 0.5);
                    self.figure(image, context);
                    self.space(self.line_height() * 0.5);
                    *after_break = true;
                }
                BlockKind::Html(raw) => {
                    // The PDF sets the fragment's text (the EPUB keeps the
                    // markup): nothing the author wrote goes missing.
                    for text in crate::html::text_blocks(raw) {
                        let inlines = [Inline {
                            kind: InlineKind::Text(text),
                            span: block.span,
                        }];
                        let context = Context {
                            indent_first: !*after_break,
                            ..context
                        };
                        self.paragraph(&inlines, context, false, false);
                        *after_break = false;
                    }
                }
            }
        }
        None
    }

    /// Puts a list marker to the left of the first line added since `at`,
    /// in the first face that has all its characters (the body face lacks
    /// the ballot boxes of task lists).
    fn marker(&mut self, at: usize, marker: &str, context: Context) {
        let style = self.style;
        let face = self.face_for(marker).unwrap_or(style.faces.regular);
        let shaped = self
            .shaper
            .shape(marker, face, context.size, None, Features::default());
        let run = shaped.to_run(marker);
        let width = run.width();
        if let Some(Flow::Line(line)) = self.flow[at..]
            .iter_mut()
            .find(|f| matches!(f, Flow::Line(_)))
        {
            let marker = Positioned {
                x: context.left - width - style.size * 0.5,
                y: 0.0,
                item: FrameItem::Text(run),
            };
            // The paragraph's other settings have it too.
            for variant in &mut line.variants {
                if let Some(first) = variant.lines.first_mut() {
                    first.items.push(marker.clone());
                }
            }
            line.items.push(marker);
        }
    }

    /// The first of the body, fallback and mono faces that has every
    /// character of `text`.
    fn face_for(&mut self, text: &str) -> Option<super::shape::FaceId> {
        let faces = &self.style.faces;
        let candidates = std::iter::once(faces.regular)
            .chain(faces.fallbacks.iter().copied())
            .chain(std::iter::once(faces.mono));
        let shaper = &mut *self.shaper;
        candidates
            .into_iter()
            .find(|&face| text.chars().all(|c| shaper.covers(face, c)))
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
            Some((file, width, height)) => self.flow.push(Flow::Line(Line {
                keep_with_next: image.title.is_some(),
                origin: self.origin,
                ..Line::new(
                    height,
                    vec![Positioned {
                        x: context.left + (context.measure - width) / 2.0,
                        y: -height,
                        item: FrameItem::Image {
                            image: file,
                            width,
                            height,
                            alt: image.alt.clone(),
                        },
                    }],
                )
            })),
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
                    grid: false,
                    ..context
                },
                false,
                true,
            );
        }
    }

    fn paragraph(&mut self, inlines: &[Inline], context: Context, keep: bool, centre: bool) {
        if let (Some(first), Some(last)) = (inlines.first(), inlines.last())
            && first.span.file == last.span.file
            && first.span.start < last.span.end
        {
            self.origin = Some(SourceSpan::new(
                first.span.file,
                first.span.range().start..last.span.range().end,
            ));
        }
        let mut spans = Vec::new();
        let base = InlineState {
            italic: context.italic,
            bold: false,
            code: false,
            link: false,
            strike: false,
            mark: None,
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
            emergency: true,
        };
        let hyphenator = if context.hyphenate {
            self.hyphenators.get(&language)
        } else {
            None
        };
        // Body paragraphs may be set a line shorter or longer for the page
        // builder to choose (notes and display text are set once).
        let body = context.justify && !self.in_notes;
        let variants = self.variants && body;
        let memo = if body { self.memo.as_deref_mut() } else { None };
        let (mut lines, others) =
            paragraph::set_with_variants(spans, &setting, self.shaper, hyphenator, variants, memo);
        if keep && !context.justify && lines.len() > 1 {
            lines = paragraph::balance(spans, &setting, self.shaper, lines);
        }
        self.check_lines(&lines, context);
        let mut lines = self.lines(lines, context, keep, centre);
        if let Some(first) = lines.first_mut() {
            first.variants = others
                .into_iter()
                .map(|variant| Variant {
                    cost: variant.demerits,
                    lines: self.lines(variant.lines, context, keep, centre),
                })
                .collect();
        }
        self.flow.extend(lines.into_iter().map(Flow::Line));
    }

    /// The lines of the vertical list for a paragraph's set lines.
    fn lines(&self, lines: Vec<SetLine>, context: Context, keep: bool, centre: bool) -> Vec<Line> {
        let style = self.style;
        let count = lines.len();
        let mut out = Vec::with_capacity(count);
        for (n, mut line) in lines.into_iter().enumerate() {
            let width: f32 = line.runs.last().map_or(0.0, |(x, run)| x + run.width());
            let shift = if centre {
                (context.measure - width).max(0.0) / 2.0
            } else {
                0.0
            };
            let place = |(x, run): (f32, TextRun)| Positioned {
                x: context.left + shift + x,
                y: 0.0,
                item: FrameItem::Text(run),
            };
            let mut items: Vec<Positioned> = if self.keep_set {
                line.runs.iter().cloned().map(place).collect()
            } else {
                std::mem::take(&mut line.runs)
                    .into_iter()
                    .map(place)
                    .collect()
            };
            items.extend(self.strike_rules(&line, context.left + shift, context.size));
            let marks = line
                .marks
                .iter()
                .map(|(id, range)| Marked {
                    mark: self.marks[*id as usize],
                    x: context.left + shift + range.start,
                    width: range.end - range.start,
                })
                .collect();
            // No orphans and no widows: a paragraph's first line stays
            // with its second, its last but one with its last.
            let keep = keep || (count > 1 && (n == 0 || n + 2 == count));
            let size = if context.grid {
                style.size
            } else {
                context.size
            };
            out.push(Line {
                height: size * style.leading_ratio,
                items,
                keep_with_next: keep,
                // TeX's \brokenpenalty: a page had better not end with a
                // hyphen.
                penalty: if line.hyphenated { 100.0 } else { 0.0 },
                role: Role::Text {
                    first: n == 0,
                    last: n + 1 == count,
                },
                marks,
                heading: None,
                origin: self.origin,
                set: self.keep_set.then_some(line),
                variants: Vec::new(),
            });
        }
        out
    }

    /// The rules through a set line's struck text, the line starting at
    /// `left`: at the height and thickness the body face gives its
    /// strikeout stroke (about half its x-height).
    fn strike_rules(&self, line: &SetLine, left: f32, size: f32) -> Vec<Positioned> {
        let (position, thickness) = self.style.strikeout;
        line.strikes
            .iter()
            .map(|range| Positioned {
                x: left + range.start,
                y: -position * size,
                item: FrameItem::Rule {
                    width: range.end - range.start,
                    height: thickness * size,
                },
            })
            .collect()
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
                InlineKind::Text(text) => {
                    self.check_coverage(text, state, inline.span);
                    self.push(out, text, state, context, false)
                }
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
                InlineKind::Strike(children) => self.spans(
                    children,
                    InlineState {
                        strike: true,
                        ..state
                    },
                    context,
                    out,
                ),
                InlineKind::Link { content, url, .. } => {
                    // An address outside the book is a link in the PDF too.
                    let external = ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|scheme| url.starts_with(scheme));
                    let mark = if external && state.mark.is_none() {
                        self.links.push(url.clone());
                        Some(self.mark(Mark::Link(self.links.len() - 1)))
                    } else {
                        state.mark
                    };
                    self.spans(
                        content,
                        InlineState {
                            link: true,
                            mark,
                            ..state
                        },
                        context,
                        out,
                    )
                }
                InlineKind::Code(code) => {
                    self.check_coverage(
                        code,
                        InlineState {
                            code: true,
                            ..state
                        },
                        inline.span,
                    );
                    self.push(
                        out,
                        code,
                        InlineState {
                            code: true,
                            ..state
                        },
                        context,
                        false,
                    )
                }
                InlineKind::Image(image) => self.push(out, &image.alt, state, context, false),
                InlineKind::FootnoteRef(note) => {
                    let number =
                        self.book
                            .footnote_number(self.index, *note, self.style.footnote_numbering);
                    let mark = self.mark(Mark::Note(*note));
                    self.push(
                        out,
                        &number.to_string(),
                        InlineState {
                            mark: Some(mark),
                            ..state
                        },
                        context,
                        true,
                    );
                }
                InlineKind::Html(_) => {}
            }
        }
    }

    /// Warns at the source of the text that were set past the margin,
    /// broken between letters or left loose.
    fn check_lines(&mut self, lines: &[SetLine], context: Context) {
        let Some(origin) = self.origin else {
            return;
        };
        let text = |line: &SetLine| -> String {
            let all: String = line.runs.iter().map(|(_, run)| run.text.as_str()).collect();
            let all = all.trim();
            match all.char_indices().nth(40) {
                Some((at, _)) => format!("{}…", &all[..at]),
                None => all.to_string(),
            }
        };
        if let Some(line) = lines.iter().find(|l| l.overfull) {
            let width = line.runs.last().map_or(0.0, |(x, run)| x + run.width());
            self.diagnostics.push(
                Diagnostic::warning(
                    "line-overfull",
                    format!(
                        "a line is {:.1} pt wider than the measure: `{}`",
                        width - context.measure,
                        text(line)
                    ),
                )
                .at(origin),
            );
        }
        if let Some(first) = lines.iter().position(|l| l.broken) {
            // The word as copied: the line that starts it stands for all of
            // it (lines inside it stand for nothing).
            let whole = lines[..=first]
                .iter()
                .rev()
                .map(|line| {
                    line.runs
                        .iter()
                        .map(|(_, run)| run.text.as_str())
                        .collect::<String>()
                })
                .find(|text| !text.trim().is_empty())
                .unwrap_or_default();
            let word = whole.split_whitespace().last().unwrap_or_default();
            let word = match word.char_indices().nth(40) {
                Some((at, _)) => format!("{}…", &word[..at]),
                None => word.to_string(),
            };
            self.diagnostics.push(
                Diagnostic::warning(
                    "line-unbreakable",
                    format!(
                        "a word is wider than the line, so it is broken between letters: `{word}`"
                    ),
                )
                .at(origin)
                .hint(
                    "allow a break: a space, a soft hyphen (&shy;) or a zero-width space (&#8203;)",
                ),
            );
        }
        // Loose as a reader sees it: a space wider than half an em (TeX
        // warns from badness 1000, about the same).
        let widest =
            |line: &SetLine| line.spaces.iter().copied().fold(0.0f32, f32::max) / context.size;
        if let Some(line) = lines.iter().find(|l| l.loose && widest(l) > 0.5) {
            let widest = widest(line);
            self.diagnostics.push(
                Diagnostic::warning(
                    "line-loose",
                    format!(
                        "no breaking of this paragraph is within tolerance: a line's spaces are {widest:.2} em: `{}`",
                        text(line)
                    ),
                )
                .at(origin),
            );
        }
    }

    /// Records the characters of `text` that neither the face of `state`
    /// nor any fallback has (they would print as empty boxes).
    fn check_coverage(&mut self, text: &str, state: InlineState, span: SourceSpan) {
        let face = self.face(state);
        // Most text is ASCII in a face that has all of it.
        if text.is_ascii() && self.shaper.covers_ascii(face) {
            return;
        }
        let fallbacks = &self.style.faces.fallbacks;
        for (at, c) in text.char_indices() {
            if c.is_whitespace() || c.is_control() || default_ignorable(c) {
                continue;
            }
            if self.shaper.face_for(c, face, fallbacks).is_some() {
                continue;
            }
            // The character's own place when the text is the source's,
            // else the start of the text.
            let range = span.range();
            let place = if range.len() == text.len() {
                SourceSpan::new(span.file, range.start + at..range.start + at + c.len_utf8())
            } else {
                SourceSpan::new(span.file, range.start..range.start)
            };
            match self.missing.iter_mut().find(|(m, _, _)| *m == c) {
                Some((_, _, count)) => *count += 1,
                None => self.missing.push((c, place, 1)),
            }
        }
    }

    /// One warning per character no font has, at its first place.
    fn report_missing(&mut self) {
        for (c, place, count) in std::mem::take(&mut self.missing) {
            let times = if count > 1 {
                format!(" ({count} times in this chapter)")
            } else {
                String::new()
            };
            self.diagnostics.push(
                Diagnostic::warning(
                    "glyph-missing",
                    format!(
                        "no font has `{c}` (U+{:04X}){times}: it would print as an empty box",
                        c as u32
                    ),
                )
                .at(place)
                .hint("add a font that has it under [pdf.fonts] (`files`, and its family in `fallback`)"),
            );
        }
    }

    /// The face of text in `state`.
    fn face(&self, state: InlineState) -> FaceId {
        let faces = &self.style.faces;
        match (state.code, state.bold, state.italic) {
            (true, _, _) => faces.mono,
            (false, true, true) => faces.bold_italic,
            (false, true, false) => faces.bold,
            (false, false, true) => faces.italic,
            (false, false, false) => faces.regular,
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
        let face = self.face(state);
        let style = SpanStyle {
            face,
            hyphenate: context.hyphenate && !state.code && !state.link,
            features: Features {
                no_ligatures: state.code,
                old_style_figures: self.style.old_style_figures && !state.code,
                ..Features::default()
            },
            superior,
            break_after: false,
            verbatim: false,
            strike: state.strike,
            code: state.code,
            mark: state.mark,
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

/// Unicode's default-ignorable code points (DerivedCoreProperties): format
/// characters, joiners, variation selectors and the like, which shaping
/// hides; no font need have them.
fn default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[derive(Clone, Copy)]
struct InlineState {
    italic: bool,
    bold: bool,
    code: bool,
    link: bool,
    strike: bool,
    /// The mark of the text (a link's, a note call's), for the setter.
    mark: Option<u32>,
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
