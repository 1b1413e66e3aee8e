//! The semantic book, defined once and shared by every stage.
//!
//! **In:** built by `markdown` (chapters) and `config` (metadata). **Out:**
//! read by the writers: `epub/` renders it directly, `typeset/` turns it into
//! frames. **Must not:** know about Markdown syntax, XHTML or PDF; every node
//! keeps the [`Span`] it came from so later stages can warn at the right place.

mod asset;
mod block;
mod inline;

pub use asset::{ImageFile, ImageFormat};
pub use block::{
    Align, Block, BlockKind, CodeBlock, Heading, Image, List, ListItem, Table, inline_lists,
    inline_lists_mut,
};
pub use inline::{Inline, InlineKind, plain_text};

use crate::source::{FileId, Span};
use crate::world::BookPath;

/// A whole book: what it is and what it says.
#[derive(Debug, Clone)]
pub struct Book {
    /// Title, authors, language and the rest.
    pub meta: Metadata,
    /// The chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// Every image file the book shows, each once, in order of first use;
    /// [`Image::file`] indexes this list.
    pub images: Vec<ImageFile>,
    /// The cover image `book.toml` names (an index into `images`); `None`
    /// means the editions generate one.
    pub cover: Option<usize>,
}

/// Bibliographic data of the book, from `book.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The title.
    pub title: String,
    /// An optional subtitle (may be in another script than the title).
    pub subtitle: Option<String>,
    /// Authors in the order given.
    pub authors: Vec<String>,
    /// BCP 47 language tag of the book.
    pub language: String,
    /// A stable identifier: the configured one, or a UUID v5 URN derived from
    /// title and authors.
    pub identifier: String,
    /// Publisher, if any.
    pub publisher: Option<String>,
    /// Publication date as written (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: Option<String>,
    /// Copyright or licence statement.
    pub rights: Option<String>,
    /// A short description (blurb).
    pub description: Option<String>,
    /// Subjects (keywords), in the order given; often none.
    pub keywords: Vec<String>,
    /// The file-name stem of the editions (`<slug>.epub`, `<slug>.pdf`).
    pub slug: String,
}

/// One chapter: a Markdown file, parsed.
#[derive(Debug, Clone, Hash)]
pub struct Chapter {
    /// The file it came from.
    pub path: BookPath,
    /// Its id in the source map.
    pub file: FileId,
    /// A name unique in the book, safe for file names and fragment ids
    /// (from the file name: `01-intro`).
    pub slug: String,
    /// Title for contents, running heads and navigation: the front matter's
    /// `title`, else the text of the first `#` heading, else the file stem.
    pub title: String,
    /// The chapter's opening heading (its first `#` heading when that is its
    /// first block), rendered as the chapter head; not in `blocks`.
    pub heading: Option<Heading>,
    /// Language, when it differs from the book's.
    pub lang: Option<String>,
    /// Where the text came from, from the front matter.
    pub source: Option<SourceRecord>,
    /// The body.
    pub blocks: Vec<Block>,
    /// Footnotes in the order of their first reference; a
    /// [`InlineKind::FootnoteRef`] holds an index into this list.
    pub footnotes: Vec<Footnote>,
    /// The whole file.
    pub span: Span,
    /// Generated back matter (the source appendix), not a chapter of the
    /// text: the EPUB marks it so and lists it among the landmarks.
    pub back_matter: bool,
}

/// A footnote definition that is referenced at least once.
#[derive(Debug, Clone, Hash)]
pub struct Footnote {
    /// The label as written (`7` for `[^7]`).
    pub label: String,
    /// The note's content.
    pub blocks: Vec<Block>,
    /// The definition.
    pub span: Span,
}

/// Where a chapter's text came from (the chapter's `source` front matter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SourceRecord {
    /// Title of the original (post, article).
    pub title: Option<String>,
    /// Address of the original.
    pub url: Option<String>,
    /// Name of the site or publication.
    pub site: Option<String>,
    /// Author of the original.
    pub author: Option<String>,
    /// Publisher of the original.
    pub publisher: Option<String>,
    /// When the original was published, as written.
    pub published: Option<String>,
    /// When it was retrieved, as written.
    pub accessed: Option<String>,
    /// The original's copyright line.
    pub rights: Option<String>,
    /// The saved original, inside the book folder.
    pub file: Option<BookPath>,
    /// The SHA-256 of the saved original (lower-case hexadecimal), when
    /// it could be read.
    pub sha256: Option<String>,
    /// Free notes (what was changed on import, say).
    pub notes: Option<String>,
}

/// How footnotes are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FootnoteNumbering {
    /// 1, 2, 3 … afresh in every chapter.
    #[default]
    Chapter,
    /// 1, 2, 3 … through the whole book.
    Book,
}

impl Book {
    /// The printed number of footnote `note` (an index into
    /// `chapters[chapter].footnotes`) under the given numbering. Both editions
    /// call this, so they print the same numbers.
    pub fn footnote_number(
        &self,
        chapter: usize,
        note: usize,
        numbering: FootnoteNumbering,
    ) -> usize {
        let before = match numbering {
            FootnoteNumbering::Chapter => 0,
            FootnoteNumbering::Book => self.chapters[..chapter]
                .iter()
                .map(|c| c.footnotes.len())
                .sum(),
        };
        before + note + 1
    }
}
