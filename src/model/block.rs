//! Block content: what a chapter or a footnote is made of.

use super::Inline;
use crate::source::Span;

/// A block with the span it came from.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Where it came from.
    pub span: Span,
}

/// The kinds of block content.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum BlockKind {
    /// A paragraph of running text.
    Paragraph(Vec<Inline>),
    /// A section heading (`##` and deeper; the chapter's `#` is `Chapter::heading`).
    Heading(Heading),
    /// A block quotation.
    Quote(Vec<Block>),
    /// An ordered or unordered list.
    List(List),
    /// Preformatted code.
    Code(CodeBlock),
    /// A thematic break (`***`).
    Rule,
    /// A table.
    Table(Table),
    /// An image standing alone in its paragraph: a figure.
    Image(Image),
    /// Raw HTML, as written; writers must sanitise or drop it.
    Html(String),
}

/// A heading with its anchor.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Heading {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// Anchor unique within the chapter: `{#id}` when given, else a slug of the text.
    pub id: String,
    /// The heading text.
    pub content: Vec<Inline>,
}

/// A list.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct List {
    /// The first number of an ordered list; `None` for a bulleted list.
    pub start: Option<u64>,
    /// Whether items are set without space between them.
    pub tight: bool,
    /// The items.
    pub items: Vec<ListItem>,
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ListItem {
    /// `Some(done)` for a task-list item (`[ ]` / `[x]`).
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// A code block.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct CodeBlock {
    /// The info string's first word (`rust` in ```` ```rust ````).
    pub lang: Option<String>,
    /// The code, with its line ends.
    pub text: String,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// Not specified.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Table {
    /// Alignment per column.
    pub align: Vec<Align>,
    /// Header cells.
    pub head: Vec<Vec<Inline>>,
    /// Body rows of cells.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// An image, standing alone as a figure or inside running text.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Image {
    /// Path or URL, as written.
    pub src: String,
    /// Alternative text (plain); empty when the author gave none.
    pub alt: String,
    /// Optional title (the figure's caption).
    pub title: Option<String>,
    /// The file it shows, an index into [`Book::images`](super::Book::images);
    /// `None` until the `assets` stage found it, or when it cannot be shown
    /// (a remote address): writers then set the alternative text.
    pub file: Option<usize>,
}

/// Calls `f` with every list of inlines in `blocks`, in reading order: each
/// paragraph, heading and table cell, inside quotes and list items too.
/// Code, rules, figures and raw HTML hold none.
pub fn inline_lists<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a [Inline])) {
    for block in blocks {
        match &block.kind {
            BlockKind::Paragraph(inlines) => f(inlines),
            BlockKind::Heading(heading) => f(&heading.content),
            BlockKind::Quote(blocks) => inline_lists(blocks, f),
            BlockKind::List(list) => {
                for item in &list.items {
                    inline_lists(&item.blocks, f);
                }
            }
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    f(cell);
                }
            }
            BlockKind::Code(_) | BlockKind::Rule | BlockKind::Image(_) | BlockKind::Html(_) => {}
        }
    }
}

/// [`inline_lists`], for changing them.
pub fn inline_lists_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match &mut block.kind {
            BlockKind::Paragraph(inlines) => f(inlines),
            BlockKind::Heading(heading) => f(&mut heading.content),
            BlockKind::Quote(blocks) => inline_lists_mut(blocks, f),
            BlockKind::List(list) => {
                for item in &mut list.items {
                    inline_lists_mut(&mut item.blocks, f);
                }
            }
            BlockKind::Table(table) => {
                for cell in table.head.iter_mut().chain(table.rows.iter_mut().flatten()) {
                    f(cell);
                }
            }
            BlockKind::Code(_) | BlockKind::Rule | BlockKind::Image(_) | BlockKind::Html(_) => {}
        }
    }
}
