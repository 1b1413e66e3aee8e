//! Inline content: the runs of a paragraph, heading or table cell.

use super::Image;
use crate::source::Span;

/// An inline node with the span it came from.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Inline {
    /// What it is.
    pub kind: InlineKind,
    /// Where it came from.
    pub span: Span,
}

/// The kinds of inline content.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum InlineKind {
    /// Plain text (smart punctuation already applied).
    Text(String),
    /// Emphasis, usually italic.
    Emph(Vec<Inline>),
    /// Strong emphasis, usually bold.
    Strong(Vec<Inline>),
    /// Struck-out text.
    Strike(Vec<Inline>),
    /// Inline code, set in monospace and never hyphenated.
    Code(String),
    /// A hyperlink.
    Link {
        /// The destination as written.
        url: String,
        /// Optional link title.
        title: Option<String>,
        /// The link text.
        content: Vec<Inline>,
    },
    /// An image inside running text.
    Image(Image),
    /// A call of a footnote: index into the chapter's `footnotes`.
    FootnoteRef(usize),
    /// A hard line break.
    LineBreak,
    /// A line end in the source: a space to every renderer.
    SoftBreak,
    /// Raw inline HTML, as written; writers must sanitise or drop it.
    Html(String),
}

/// The plain text of inline content: what a table of contents or a search
/// index shows. Footnote calls and raw HTML vanish; breaks become spaces.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match &inline.kind {
            InlineKind::Text(text) | InlineKind::Code(text) => out.push_str(text),
            InlineKind::Emph(children)
            | InlineKind::Strong(children)
            | InlineKind::Strike(children)
            | InlineKind::Link {
                content: children, ..
            } => push_plain(children, out),
            InlineKind::Image(image) => out.push_str(&image.alt),
            InlineKind::LineBreak | InlineKind::SoftBreak => out.push(' '),
            InlineKind::FootnoteRef(_) | InlineKind::Html(_) => {}
        }
    }
}
