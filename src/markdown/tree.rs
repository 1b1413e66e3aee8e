//! Builds the block/inline tree from pulldown-cmark's event stream.
//!
//! An explicit stack of frames, not recursion, so that deeply nested input
//! cannot overflow the call stack; past [`MAX_DEPTH`] levels a container is
//! flattened into its parent (with one warning per chapter), which also keeps
//! the model shallow enough to drop and walk recursively. A flattened
//! container gets no frame of its own: the frame it is in counts it, and its
//! content goes straight there (a flattened quote, list or item as
//! paragraphs of its own, not run into the text before it), so 10,000 nested `*` cost no more than one
//! (a frame per level, handing its content up at its end, was quadratic).

use std::collections::HashMap;

use std::ops::Range;
use unicase::UniCase;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use crate::config::slugify;
use crate::diag::Diagnostic;
use crate::model::{
    Align, Block, BlockKind, CodeBlock, Footnote, Heading, Image, Inline, InlineKind, List,
    ListItem, Table, plain_text,
};
use crate::source::{FileId, Span};

/// Deepest nesting of block or inline containers kept as written.
pub const MAX_DEPTH: usize = 64;

/// A footnote call, by the order of first reference.
#[derive(Debug)]
pub struct Reference {
    /// The label as first written.
    pub label: String,
    /// The first call.
    pub span: Span,
}

/// What the builder produces.
pub struct Output {
    /// The body.
    pub blocks: Vec<Block>,
    /// Every footnote definition, in document order (duplicates included).
    pub definitions: Vec<Footnote>,
    /// Referenced labels (normalised) → note index, and each note's first call.
    pub references: Vec<(UniCase<String>, Reference)>,
    /// Problems found while building.
    pub warnings: Vec<Diagnostic>,
}

/// Footnote labels match under Unicode case folding (as pulldown-cmark
/// matches them: `[^SS]` calls `[^ß]`), with runs of white space as one.
pub fn normalize_label(label: &str) -> UniCase<String> {
    UniCase::new(label.split_whitespace().collect::<Vec<_>>().join(" "))
}

enum Kind {
    Root,
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
    },
    Quote,
    List {
        start: Option<u64>,
        items: Vec<ListItem>,
        tight: bool,
    },
    Item {
        task: Option<bool>,
    },
    Footnote {
        label: String,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
    Html {
        text: String,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    TableHead {
        cells: Vec<Vec<Inline>>,
    },
    TableRow {
        cells: Vec<Vec<Inline>>,
    },
    TableCell,
    Emph,
    Strong,
    Strike,
    Link {
        url: String,
        title: String,
    },
    Image {
        src: String,
        title: String,
    },
    /// A construct quire does not model: children go to the parent.
    Transparent,
}

struct Frame {
    kind: Kind,
    start: usize,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    /// Holds an explicit paragraph: a list item of a loose list.
    loose: bool,
    /// Containers nested too deep that are open directly in this frame:
    /// their content comes here, and their end events only count down.
    flattened: usize,
}

/// Turns events into the tree.
pub struct Builder<'a> {
    file: FileId,
    text: &'a str,
    stack: Vec<Frame>,
    depth: usize,
    definitions: Vec<Footnote>,
    references: Vec<(UniCase<String>, Reference)>,
    note_index: HashMap<UniCase<String>, usize>,
    warnings: Vec<Diagnostic>,
    warned_depth: bool,
    heading_ids: Vec<String>,
}

impl<'a> Builder<'a> {
    /// A builder for one file.
    pub fn new(file: FileId, text: &'a str) -> Self {
        Builder {
            file,
            text,
            stack: vec![Frame {
                kind: Kind::Root,
                start: 0,
                blocks: Vec::new(),
                inlines: Vec::new(),
                loose: false,
                flattened: 0,
            }],
            depth: 0,
            definitions: Vec::new(),
            references: Vec::new(),
            note_index: HashMap::new(),
            warnings: Vec::new(),
            warned_depth: false,
            heading_ids: Vec::new(),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// Feeds one event.
    pub fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => {
                if let Some(frame) = self.stack.last_mut() {
                    match &mut frame.kind {
                        Kind::Code { text: code, .. } => return code.push_str(&text),
                        Kind::Html { text: html } => return html.push_str(&text),
                        _ => {}
                    }
                }
                self.text_inline(&text, range);
            }
            Event::Code(code) => self.inline(InlineKind::Code(code.into_string()), range),
            Event::Html(html) => {
                if let Some(Frame {
                    kind: Kind::Html { text },
                    ..
                }) = self.stack.last_mut()
                {
                    text.push_str(&html);
                } else {
                    self.inline(InlineKind::Html(html.into_string()), range);
                }
            }
            Event::InlineHtml(html) => self.inline(InlineKind::Html(html.into_string()), range),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text_inline(&math, range),
            Event::FootnoteReference(label) => self.footnote_ref(&label, range),
            Event::SoftBreak => self.inline(InlineKind::SoftBreak, range),
            Event::HardBreak => self.inline(InlineKind::LineBreak, range),
            Event::Rule => self.block(BlockKind::Rule, range),
            Event::TaskListMarker(done) => {
                if let Some(Frame {
                    kind: Kind::Item { task },
                    flattened: 0,
                    ..
                }) = self.stack.last_mut()
                {
                    *task = Some(done);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let container = matches!(
            tag,
            Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::FootnoteDefinition(_)
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
        );
        let kind = if container && self.depth >= MAX_DEPTH {
            if !self.warned_depth {
                self.warned_depth = true;
                self.warnings.push(
                    Diagnostic::warning(
                        "nesting-too-deep",
                        format!("nesting deeper than {MAX_DEPTH} levels is flattened"),
                    )
                    .at(self.span(range.start..range.start + 1)),
                );
            }
            // A flattened block keeps its text apart from the text around it.
            if matches!(
                tag,
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
            ) {
                self.flush_top();
            }
            self.stack.last_mut().expect("root stays").flattened += 1;
            return;
        } else {
            match tag {
                Tag::Paragraph => Kind::Paragraph,
                Tag::Heading { level, id, .. } => Kind::Heading {
                    level: heading_level(level),
                    id: id.map(|id| id.into_string()),
                },
                Tag::BlockQuote(_) => Kind::Quote,
                Tag::CodeBlock(kind) => Kind::Code {
                    lang: match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split_whitespace().next().map(str::to_string)
                        }
                        CodeBlockKind::Indented => None,
                    },
                    text: String::new(),
                },
                Tag::HtmlBlock => Kind::Html {
                    text: String::new(),
                },
                Tag::List(start) => Kind::List {
                    start,
                    items: Vec::new(),
                    tight: true,
                },
                Tag::Item => Kind::Item { task: None },
                Tag::FootnoteDefinition(label) => Kind::Footnote {
                    label: label.into_string(),
                },
                Tag::Table(align) => Kind::Table {
                    align: align.into_iter().map(alignment).collect(),
                    head: Vec::new(),
                    rows: Vec::new(),
                },
                Tag::TableHead => Kind::TableHead { cells: Vec::new() },
                Tag::TableRow => Kind::TableRow { cells: Vec::new() },
                Tag::TableCell => Kind::TableCell,
                Tag::Emphasis => Kind::Emph,
                Tag::Strong => Kind::Strong,
                Tag::Strikethrough => Kind::Strike,
                Tag::Link {
                    dest_url, title, ..
                } => Kind::Link {
                    url: dest_url.into_string(),
                    title: title.into_string(),
                },
                Tag::Image {
                    dest_url, title, ..
                } => Kind::Image {
                    src: dest_url.into_string(),
                    title: title.into_string(),
                },
                _ => Kind::Transparent,
            }
        };
        if container && !matches!(kind, Kind::Transparent) {
            self.depth += 1;
        }
        self.stack.push(Frame {
            kind,
            start: range.start,
            blocks: Vec::new(),
            inlines: Vec::new(),
            loose: false,
            flattened: 0,
        });
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        // The end of a container flattened into the frame on top.
        if let Some(top) = self.stack.last_mut()
            && top.flattened > 0
        {
            top.flattened -= 1;
            if matches!(
                tag,
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition
            ) {
                self.flush_top();
            }
            return;
        }
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        if self.stack.is_empty() {
            // An unbalanced end: keep the root.
            self.stack.push(frame);
            return;
        }
        let span = self.span(frame.start.min(range.start)..range.end);
        let is_container = matches!(
            frame.kind,
            Kind::Quote
                | Kind::List { .. }
                | Kind::Item { .. }
                | Kind::Footnote { .. }
                | Kind::Emph
                | Kind::Strong
                | Kind::Strike
                | Kind::Link { .. }
        );
        if is_container {
            self.depth -= 1;
        }
        let _ = tag;
        // A tight item's text comes without paragraph events: it becomes a
        // paragraph of its own here.
        let loose = frame.loose;
        if matches!(
            frame.kind,
            Kind::Quote | Kind::Item { .. } | Kind::Footnote { .. }
        ) {
            self.flush(&mut frame);
        }
        // Text inside emphasis or links is not seen by the block's check.
        if matches!(
            frame.kind,
            Kind::Emph | Kind::Strong | Kind::Strike | Kind::Link { .. }
        ) {
            self.check_undefined_refs(&frame.inlines);
        }
        match frame.kind {
            Kind::Root => {}
            Kind::Transparent => {
                if frame.blocks.is_empty() {
                    let parent = self.stack.last_mut().expect("root stays");
                    parent.inlines.extend(frame.inlines);
                } else {
                    self.flush(&mut frame);
                    for block in frame.blocks {
                        self.push_block(block);
                    }
                }
            }
            Kind::Paragraph => {
                // (A paragraph of a flattened item does not make the list
                // the item is flattened into loose.)
                let parent = self.stack.last_mut().expect("root stays");
                if parent.flattened == 0 {
                    parent.loose = true;
                }
                self.check_undefined_refs(&frame.inlines);
                let kind = match lone_image(&frame.inlines) {
                    Some(image) => BlockKind::Image(image),
                    None => BlockKind::Paragraph(frame.inlines),
                };
                self.push_block(Block { kind, span });
            }
            Kind::Heading { level, id } => {
                self.check_undefined_refs(&frame.inlines);
                let id = self.heading_id(id, &frame.inlines);
                let kind = BlockKind::Heading(Heading {
                    level,
                    id,
                    content: frame.inlines,
                });
                self.push_block(Block { kind, span });
            }
            Kind::Quote => {
                self.push_block(Block {
                    kind: BlockKind::Quote(frame.blocks),
                    span,
                });
            }
            Kind::List {
                start,
                items,
                tight,
            } => {
                self.push_block(Block {
                    kind: BlockKind::List(List {
                        start,
                        tight,
                        items,
                    }),
                    span,
                });
            }
            Kind::Item { task } => {
                let item = ListItem {
                    task,
                    blocks: frame.blocks,
                };
                match self.stack.last_mut().map(|f| &mut f.kind) {
                    Some(Kind::List { items, tight, .. }) => {
                        *tight &= !loose;
                        items.push(item);
                    }
                    _ => {
                        for block in item.blocks {
                            self.push_block(block);
                        }
                    }
                }
            }
            Kind::Footnote { label } => {
                self.definitions.push(Footnote {
                    label,
                    blocks: frame.blocks,
                    span,
                });
            }
            Kind::Code { lang, text } => {
                self.push_block(Block {
                    kind: BlockKind::Code(CodeBlock { lang, text }),
                    span,
                });
            }
            Kind::Html { text } => self.push_block(Block {
                kind: BlockKind::Html(text),
                span,
            }),
            Kind::Table { align, head, rows } => {
                self.push_block(Block {
                    kind: BlockKind::Table(Table { align, head, rows }),
                    span,
                });
            }
            Kind::TableHead { cells } => {
                if let Some(Frame {
                    kind: Kind::Table { head, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    *head = cells;
                }
            }
            Kind::TableRow { cells } => {
                if let Some(Frame {
                    kind: Kind::Table { rows, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    rows.push(cells);
                }
            }
            Kind::TableCell => {
                self.check_undefined_refs(&frame.inlines);
                if let Some(Kind::TableHead { cells } | Kind::TableRow { cells }) =
                    self.stack.last_mut().map(|f| &mut f.kind)
                {
                    cells.push(frame.inlines);
                }
            }
            Kind::Emph => self.push_inline(Inline {
                kind: InlineKind::Emph(frame.inlines),
                span,
            }),
            Kind::Strong => self.push_inline(Inline {
                kind: InlineKind::Strong(frame.inlines),
                span,
            }),
            Kind::Strike => self.push_inline(Inline {
                kind: InlineKind::Strike(frame.inlines),
                span,
            }),
            Kind::Link { url, title } => self.push_inline(Inline {
                kind: InlineKind::Link {
                    url,
                    title: non_empty(title),
                    content: frame.inlines,
                },
                span,
            }),
            Kind::Image { src, title } => self.push_inline(Inline {
                kind: InlineKind::Image(Image {
                    src,
                    alt: plain_text(&frame.inlines),
                    title: non_empty(title),
                    file: None,
                }),
                span,
            }),
        }
    }

    /// Turns loose inlines of a block container (a tight list item) into a paragraph.
    fn flush(&mut self, frame: &mut Frame) {
        if frame.inlines.is_empty() {
            return;
        }
        let inlines = std::mem::take(&mut frame.inlines);
        self.check_undefined_refs(&inlines);
        let span = inlines[0].span.join(inlines[inlines.len() - 1].span);
        frame.blocks.push(Block {
            kind: BlockKind::Paragraph(inlines),
            span,
        });
    }

    /// Turns the loose inlines of the frame on top into a paragraph.
    fn flush_top(&mut self) {
        let mut frame = self.stack.pop().expect("root stays");
        self.flush(&mut frame);
        self.stack.push(frame);
    }

    fn push_block(&mut self, block: Block) {
        let mut frame = self.stack.pop().expect("root stays");
        self.flush(&mut frame);
        frame.blocks.push(block);
        self.stack.push(frame);
    }

    fn push_inline(&mut self, inline: Inline) {
        let frame = self.stack.last_mut().expect("root stays");
        frame.inlines.push(inline);
    }

    fn block(&mut self, kind: BlockKind, range: Range<usize>) {
        let span = self.span(range);
        self.push_block(Block { kind, span });
    }

    fn inline(&mut self, kind: InlineKind, range: Range<usize>) {
        let span = self.span(range);
        self.push_inline(Inline { kind, span });
    }

    /// Text, merged with a directly preceding text run.
    fn text_inline(&mut self, text: &str, range: Range<usize>) {
        let span = self.span(range);
        let frame = self.stack.last_mut().expect("root stays");
        if let Some(Inline {
            kind: InlineKind::Text(previous),
            span: previous_span,
        }) = frame.inlines.last_mut()
            && previous_span.end <= span.start
        {
            previous.push_str(text);
            *previous_span = previous_span.join(span);
            return;
        }
        frame.inlines.push(Inline {
            kind: InlineKind::Text(text.to_string()),
            span,
        });
    }

    fn footnote_ref(&mut self, label: &str, range: Range<usize>) {
        let key = normalize_label(label);
        let span = self.span(range);
        let inside_itself = self.stack.iter().any(|f| match &f.kind {
            Kind::Footnote { label } => normalize_label(label) == key,
            _ => false,
        });
        if inside_itself {
            self.warnings.push(
                Diagnostic::warning(
                    "footnote-self-reference",
                    format!("footnote [^{label}] refers to itself"),
                )
                .at(span)
                .hint("the call is dropped"),
            );
            return;
        }
        let index = match self.note_index.get(&key) {
            Some(&index) => index,
            None => {
                let index = self.references.len();
                self.note_index.insert(key.clone(), index);
                self.references.push((
                    key,
                    Reference {
                        label: label.to_string(),
                        span,
                    },
                ));
                index
            }
        };
        self.push_inline(Inline {
            kind: InlineKind::FootnoteRef(index),
            span,
        });
    }

    /// Warns about `[^label]` left as text: GFM leaves calls of undefined notes as text.
    fn check_undefined_refs(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            let InlineKind::Text(text) = &inline.kind else {
                continue;
            };
            if !text.contains("[^") {
                continue;
            }
            let start = inline.span.start as usize;
            let source = &self.text[start..inline.span.end as usize];
            let mut from = 0;
            while let Some(found) = source[from..].find("[^") {
                let open = from + found;
                from = open + 2;
                let rest = &source[open + 2..];
                let Some(close) = rest.find(']') else { break };
                let label = &rest[..close];
                let escaped = source[..open].ends_with('\\');
                if label.is_empty() || label.contains(char::is_whitespace) || escaped {
                    continue;
                }
                let span = self.span(start + open..start + open + close + 3);
                self.warnings.push(
                    Diagnostic::warning(
                        "footnote-undefined",
                        format!("footnote [^{label}] is not defined"),
                    )
                    .at(span)
                    .hint(format!(
                        "add a definition `[^{label}]: …` or remove the call; it is printed as text"
                    )),
                );
            }
        }
    }

    fn heading_id(&mut self, explicit: Option<String>, content: &[Inline]) -> String {
        let base = explicit.unwrap_or_else(|| slugify(&plain_text(content), "section"));
        let mut id = base.clone();
        let mut n = 1;
        while self.heading_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.heading_ids.push(id.clone());
        id
    }

    /// Closes any open frames and returns the tree.
    pub fn finish(mut self) -> Output {
        while self.stack.len() > 1 {
            let end = self.text.len();
            self.end(TagEnd::Paragraph, end..end);
        }
        let mut root = self.stack.pop().expect("root stays");
        self.flush(&mut root);
        Output {
            blocks: root.blocks,
            definitions: self.definitions,
            references: self.references,
            warnings: self.warnings,
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn alignment(align: Alignment) -> Align {
    match align {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

fn non_empty(text: String) -> Option<String> {
    if text.is_empty() { None } else { Some(text) }
}

/// A paragraph that is only an image (and white space) is a figure.
fn lone_image(inlines: &[Inline]) -> Option<Image> {
    let mut found = None;
    for inline in inlines {
        match &inline.kind {
            InlineKind::Image(image) if found.is_none() => {
                found = Some(image.clone());
            }
            InlineKind::Text(text) if text.trim().is_empty() => {}
            InlineKind::SoftBreak => {}
            _ => return None,
        }
    }
    found
}
