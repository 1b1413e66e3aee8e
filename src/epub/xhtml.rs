//! Chapters → XHTML body markup, through the escaping [`XmlWriter`].
//!
//! Footnote calls become `<a epub:type="noteref" role="doc-noteref">`; the
//! notes become `<aside epub:type="footnote" role="doc-footnote">` at the end
//! of the chapter, each beginning with its back-link (Kindle wants the link
//! first), so reading systems show them as pop-ups and others as a list.
//!
//! Links cannot nest. A footnote call is a link, so it ends a raw `<a>` of
//! its own container (`<a href="…">text[^1]`: the link ends before the
//! call); inside a link it cannot end (a Markdown link, or a raw `<a>`
//! around the emphasis the call is in), the call is written as its number
//! in a `<sup>`, with its id so the note's back-link still lands, and a
//! `footnote-in-link` warning. Link destinations, Markdown's and raw
//! HTML's, go through [`links`](super::links): one that leads nowhere is
//! written as its text, with a `link-broken` warning. So that a link may
//! point at an id further down, each chapter is written twice: the first
//! time, thrown away, learns the ids the document has.
//!
//! Raw HTML goes through the sanitizer in [`rawhtml`](super::rawhtml).
//! Every container (each `blocks` and each `inlines` call) keeps its own
//! [`RawHtml`] state on a stack: the Html nodes are fed to it in order,
//! between the Markdown written here, and whatever it still has open is
//! closed when the container ends, so the writer's nesting always balances.
//! Before a Markdown block the state ends the raw elements that block cannot
//! go in; inside a dropped element (`<script>` in a paragraph) the Markdown
//! inlines up to its end tag are left out, except footnote calls.

use super::links::{self, Links, Resolve};
use super::rawhtml::{Context, Ids, Output, RawHtml};
use crate::diag::Diagnostic;
use crate::model::{
    Align, Block, BlockKind, Book, Chapter, FootnoteNumbering, Image, Inline, InlineKind,
};
use crate::source::Span;
use crate::xml::XmlWriter;

/// Renders what the chapter's `<body>` holds.
pub struct ChapterWriter<'a> {
    book: &'a Book,
    index: usize,
    numbering: FootnoteNumbering,
    /// Where each of the book's images is in the package (relative to `EPUB/`).
    image_hrefs: &'a [String],
    /// How many calls of each note were written so far.
    calls: Vec<usize>,
    /// The raw HTML state of each open container, innermost last.
    raw: Vec<RawHtml>,
    /// The ids used in the chapter document, so raw HTML repeats none.
    ids: Ids,
    /// Where the chapter's links may lead.
    links: Links<'a>,
    /// How many Markdown links are open (raw `<a>` cannot go in one),
    /// broken ones included so raw HTML is kept the same either way.
    link_depth: usize,
    /// How many Markdown links are written as `<a>` and open.
    anchors: usize,
    /// How many quotations, list items and notes are open: their lines
    /// lose their `> ` or indentation, so raw HTML's source lines no
    /// longer line up with its text.
    nesting: usize,
    /// Problems found (raw HTML dropped, say).
    pub warnings: Vec<Diagnostic>,
    /// Images written, and how many of them have no alternative text (for
    /// the accessibility metadata).
    pub images: ImageCount,
}

/// Images a chapter shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImageCount {
    /// Images in the package the chapter shows.
    pub shown: usize,
    /// Of those, the ones without alternative text.
    pub without_alt: usize,
}

impl<'a> ChapterWriter<'a> {
    /// A writer for chapter `index` of `book`.
    pub fn new(
        book: &'a Book,
        index: usize,
        numbering: FootnoteNumbering,
        image_hrefs: &'a [String],
    ) -> Self {
        let notes = book.chapters[index].footnotes.len();
        ChapterWriter {
            book,
            index,
            numbering,
            image_hrefs,
            calls: vec![0; notes],
            raw: Vec::new(),
            ids: Ids::for_chapter(&book.chapters[index]),
            links: Links::new(book, index, numbering),
            link_depth: 0,
            anchors: 0,
            nesting: 0,
            warnings: Vec::new(),
            images: ImageCount::default(),
        }
    }

    fn chapter(&self) -> &'a Chapter {
        &self.book.chapters[self.index]
    }

    fn number(&self, note: usize) -> usize {
        self.book.footnote_number(self.index, note, self.numbering)
    }

    /// The whole chapter: a `<section>` with its head, body and notes.
    pub fn write(&mut self, w: &mut XmlWriter) {
        // A rehearsal, thrown away with its warnings, finds every id the
        // document will have (raw HTML's too), so links may point forward.
        // What it keeps of raw HTML does not depend on where links lead.
        let mut rehearsal =
            ChapterWriter::new(self.book, self.index, self.numbering, self.image_hrefs);
        rehearsal.section(&mut XmlWriter::new());
        self.links.know(rehearsal.ids);
        self.section(w);
    }

    fn section(&mut self, w: &mut XmlWriter) {
        let chapter = self.chapter();
        let (kind, role) = if chapter.back_matter {
            ("appendix", "doc-appendix")
        } else {
            ("chapter", "doc-chapter")
        };
        w.start("section")
            .attr("id", &chapter.slug)
            .attr("epub:type", kind)
            .attr("role", role);
        if let Some(lang) = &chapter.lang {
            w.lang(lang);
        }
        w.newline();
        match &chapter.heading {
            Some(heading) => {
                w.start("h1").attr("id", &heading.id);
                self.inlines(w, &heading.content);
                w.end();
            }
            None => {
                w.start("h1").text(&chapter.title).end();
            }
        }
        w.newline();
        self.blocks(w, &chapter.blocks);
        if !chapter.footnotes.is_empty() {
            self.notes(w);
        }
        w.end().newline();
    }

    fn notes(&mut self, w: &mut XmlWriter) {
        let chapter = self.chapter();
        // A note's lines after its first are indented in the source.
        self.nesting += 1;
        w.start("section")
            .attr("class", "footnotes")
            .attr("aria-label", "Notes")
            .newline();
        for (index, note) in chapter.footnotes.iter().enumerate() {
            let number = self.number(index).to_string();
            self.ids.insert(&format!("fn-{number}"));
            w.start("aside")
                .attr("epub:type", "footnote")
                .attr("role", "doc-footnote")
                .attr("id", &format!("fn-{number}"))
                .newline();
            let backlink = |w: &mut XmlWriter| {
                w.start("a")
                    .attr("href", &format!("#fnref-{number}"))
                    .attr("role", "doc-backlink")
                    .attr("class", "note-number")
                    .text(&number)
                    .end()
                    .text(" ");
            };
            match note.blocks.split_first() {
                Some((
                    Block {
                        kind: BlockKind::Paragraph(inlines),
                        ..
                    },
                    rest,
                )) => {
                    w.start("p");
                    backlink(w);
                    self.inlines(w, inlines);
                    w.end().newline();
                    self.blocks(w, rest);
                }
                _ => {
                    w.start("p");
                    backlink(w);
                    w.end().newline();
                    self.blocks(w, &note.blocks);
                }
            }
            w.end().newline();
        }
        w.end().newline();
        self.nesting -= 1;
    }

    fn blocks(&mut self, w: &mut XmlWriter, blocks: &[Block]) {
        self.enter(false);
        for block in blocks {
            self.before_markdown_block(w, block);
            self.block(w, block);
        }
        self.leave(w);
    }

    fn block(&mut self, w: &mut XmlWriter, block: &Block) {
        match &block.kind {
            BlockKind::Paragraph(inlines) => {
                w.start("p");
                self.inlines(w, inlines);
                w.end();
            }
            BlockKind::Heading(heading) => {
                let tag = match heading.level {
                    1 | 2 => "h2",
                    3 => "h3",
                    4 => "h4",
                    5 => "h5",
                    _ => "h6",
                };
                w.start(tag).attr("id", &heading.id);
                self.inlines(w, &heading.content);
                w.end();
            }
            BlockKind::Quote(blocks) => {
                w.start("blockquote").newline();
                self.nesting += 1;
                self.blocks(w, blocks);
                self.nesting -= 1;
                w.end();
            }
            BlockKind::List(list) => {
                match list.start {
                    Some(start) => {
                        w.start("ol");
                        if start != 1 {
                            w.attr("start", &start.to_string());
                        }
                    }
                    None => {
                        w.start("ul");
                    }
                }
                if list.items.iter().any(|i| i.task.is_some()) {
                    w.attr("class", "tasks");
                }
                w.newline();
                self.nesting += 1;
                for item in &list.items {
                    w.start("li");
                    if let Some(done) = item.task {
                        let (mark, label) = if done {
                            ("☑", "done")
                        } else {
                            ("☐", "not done")
                        };
                        w.start("span")
                            .attr("class", "task")
                            .attr("role", "img")
                            .attr("aria-label", label);
                        w.text(mark).end().text(" ");
                    }
                    // A tight item's single paragraph is written without <p>.
                    match item.blocks.as_slice() {
                        [
                            Block {
                                kind: BlockKind::Paragraph(inlines),
                                ..
                            },
                        ] if list.tight => {
                            self.inlines(w, inlines);
                        }
                        blocks => self.blocks(w, blocks),
                    }
                    w.end().newline();
                }
                self.nesting -= 1;
                w.end();
            }
            BlockKind::Code(code) => {
                w.start("pre").start("code");
                if let Some(lang) = &code.lang {
                    w.attr("class", &format!("language-{lang}"));
                }
                w.text(code.text.strip_suffix('\n').unwrap_or(&code.text))
                    .end()
                    .end();
            }
            BlockKind::Rule => {
                w.start("hr").end();
            }
            BlockKind::Table(table) => {
                let class = |column: usize| match table.align.get(column) {
                    Some(Align::Left) => Some("left"),
                    Some(Align::Center) => Some("center"),
                    Some(Align::Right) => Some("right"),
                    _ => None,
                };
                w.start("table").newline();
                if !table.head.is_empty() {
                    w.start("thead").start("tr");
                    for (column, cell) in table.head.iter().enumerate() {
                        w.start("th").attr("scope", "col");
                        if let Some(class) = class(column) {
                            w.attr("class", class);
                        }
                        self.inlines(w, cell);
                        w.end();
                    }
                    w.end().end().newline();
                }
                w.start("tbody").newline();
                for row in &table.rows {
                    w.start("tr");
                    for (column, cell) in row.iter().enumerate() {
                        w.start("td");
                        if let Some(class) = class(column) {
                            w.attr("class", class);
                        }
                        self.inlines(w, cell);
                        w.end();
                    }
                    w.end().newline();
                }
                w.end().end();
            }
            BlockKind::Image(image) => {
                w.start("figure").attr("class", "image").newline();
                // The title is the caption, not also a tooltip.
                self.image(w, image, false);
                if let Some(title) = &image.title {
                    w.newline().element("figcaption", title);
                }
                w.newline().end();
            }
            BlockKind::Html(html) => {
                self.raw_html(w, html, block.span, false);
            }
        }
        w.newline();
    }

    /// An `<img>` of a file in the package; the alternative text alone when
    /// the image is not in the book (a remote address the `assets` stage
    /// warned about).
    fn image(&mut self, w: &mut XmlWriter, image: &Image, with_title: bool) {
        match image.file {
            Some(file) => {
                self.images.shown += 1;
                if image.alt.trim().is_empty() {
                    self.images.without_alt += 1;
                }
                w.start("img")
                    .attr("src", &format!("../{}", self.image_hrefs[file]))
                    .attr("alt", &image.alt);
                if let Some(title) = image.title.as_ref().filter(|_| with_title) {
                    w.attr("title", title);
                }
                w.end();
            }
            None => {
                w.start("span")
                    .attr("class", "image-missing")
                    .text(&image.alt)
                    .end();
            }
        }
    }

    /// Raw HTML, block or inline: sanitized into the current container.
    fn raw_html(&mut self, w: &mut XmlWriter, html: &str, span: Span, inline: bool) {
        // Every caller is inside `blocks` or `inlines`; should one not be,
        // the node gets a container of its own.
        let alone = self.raw.is_empty();
        if alone {
            self.enter(inline);
        }
        if let (Some(raw), mut out) = self.sanitizer(w) {
            raw.feed(html, span, &mut out);
        }
        if alone {
            self.leave(w);
        }
    }

    /// The innermost container's raw HTML state, and where it writes.
    fn sanitizer<'s>(&'s mut self, w: &'s mut XmlWriter) -> (Option<&'s mut RawHtml>, Output<'s>) {
        let out = Output {
            w,
            ids: &mut self.ids,
            warnings: &mut self.warnings,
            links: &mut self.links,
        };
        (self.raw.last_mut(), out)
    }

    /// Starts a container's raw HTML state; it sees what the enclosing
    /// containers have open.
    fn enter(&mut self, inline: bool) {
        let mut outer: Vec<&'static str> =
            self.raw.iter().flat_map(RawHtml::open_elements).collect();
        if self.link_depth > 0 {
            outer.push("a");
        }
        self.raw.push(RawHtml::new(Context {
            inline,
            outer,
            lines_match: self.nesting == 0,
        }));
    }

    /// Ends a container: closes the raw HTML elements it left open.
    fn leave(&mut self, w: &mut XmlWriter) {
        let Some(raw) = self.raw.pop() else {
            return;
        };
        let (parent, mut out) = self.sanitizer(w);
        let closed = raw.finish(&mut out);
        if let Some(parent) = parent {
            parent.expect_end_tags(closed);
        }
    }

    /// Ends the raw HTML elements a Markdown block cannot go inside, nor
    /// the blocks it holds (a table in a quotation cannot go in a raw
    /// `<caption>` either, and only this container can end that).
    fn before_markdown_block(&mut self, w: &mut XmlWriter, block: &Block) {
        let Some(element) = markdown_element(block) else {
            return;
        };
        let mut inside = Vec::new();
        nested_elements(block, &mut inside);
        if let (Some(raw), mut out) = self.sanitizer(w) {
            raw.before_markdown_block(element, &inside, block.span, &mut out);
        }
    }

    /// Before a Markdown link or footnote call, ends a raw `<a>` of this
    /// container (links cannot nest). False when an enclosing container
    /// has one open, which cannot be ended from here.
    fn before_link(&mut self, w: &mut XmlWriter, markdown_link: bool) -> bool {
        if let (Some(raw), mut out) = self.sanitizer(w) {
            raw.before_link(markdown_link, &mut out);
        }
        !self.raw.iter().any(|raw| raw.is_open("a"))
    }

    fn inlines(&mut self, w: &mut XmlWriter, inlines: &[Inline]) {
        self.enter(true);
        for inline in inlines {
            // Inside a dropped element (`<script>` … `</script>`) the
            // Markdown goes too, but not a note's call: the note links
            // back to it.
            if !matches!(inline.kind, InlineKind::Html(_))
                && self.raw.last().is_some_and(RawHtml::skipping)
            {
                self.footnote_calls(w, inline);
            } else {
                self.inline(w, inline);
            }
        }
        self.leave(w);
    }

    /// Writes only the footnote calls in `inline`.
    fn footnote_calls(&mut self, w: &mut XmlWriter, inline: &Inline) {
        match &inline.kind {
            InlineKind::FootnoteRef(_) => self.inline(w, inline),
            InlineKind::Emph(children)
            | InlineKind::Strong(children)
            | InlineKind::Strike(children)
            | InlineKind::Link {
                content: children, ..
            } => {
                for child in children {
                    self.footnote_calls(w, child);
                }
            }
            _ => {}
        }
    }

    fn inline(&mut self, w: &mut XmlWriter, inline: &Inline) {
        let content = match &inline.kind {
            InlineKind::Html(_) | InlineKind::SoftBreak => false,
            InlineKind::Text(text) => !text.trim().is_empty(),
            _ => true,
        };
        if content && let (Some(raw), mut out) = self.sanitizer(w) {
            raw.markdown_content(inline.span, &mut out);
        }
        match &inline.kind {
            InlineKind::Text(text) => {
                w.text(text);
            }
            InlineKind::Emph(children) => {
                w.start("em");
                self.inlines(w, children);
                w.end();
            }
            InlineKind::Strong(children) => {
                w.start("strong");
                self.inlines(w, children);
                w.end();
            }
            InlineKind::Strike(children) => {
                w.start("del");
                self.inlines(w, children);
                w.end();
            }
            InlineKind::Code(code) => {
                w.element("code", code);
            }
            InlineKind::Link {
                url,
                title,
                content,
            } => self.link(w, inline.span, url, title.as_deref(), content),
            InlineKind::Image(image) => self.image(w, image, true),
            InlineKind::FootnoteRef(note) => self.footnote_call(w, inline.span, *note),
            InlineKind::LineBreak => {
                w.start("br").end().newline();
            }
            InlineKind::SoftBreak => {
                w.text("\n");
            }
            InlineKind::Html(html) => {
                self.raw_html(w, html, inline.span, true);
            }
        }
    }

    /// A Markdown link: an `<a>` when it leads somewhere and can be one,
    /// else its text alone, with a warning.
    fn link(
        &mut self,
        w: &mut XmlWriter,
        span: Span,
        url: &str,
        title: Option<&str>,
        content: &[Inline],
    ) {
        if !self.before_link(w, true) {
            self.warnings.push(
                Diagnostic::warning(
                    "html-unwrapped",
                    "this Markdown link is inside an HTML `<a>`, and links cannot nest: its text is kept without the link",
                )
                .at(span),
            );
            self.inlines(w, content);
            return;
        }
        let href = match self.links.resolve(url) {
            Ok(href) => Some(href),
            Err(why) => {
                self.warnings.push(links::broken(url, &why).at(span));
                None
            }
        };
        self.link_depth += 1;
        match href {
            Some(href) => {
                w.start("a").attr("href", &href);
                if let Some(title) = title {
                    w.attr("title", title);
                }
                self.anchors += 1;
                self.inlines(w, content);
                self.anchors -= 1;
                w.end();
            }
            None => self.inlines(w, content),
        }
        self.link_depth -= 1;
    }

    /// A footnote call: a link to the note, or its bare number inside a
    /// link (links cannot nest); with the id the note links back to.
    fn footnote_call(&mut self, w: &mut XmlWriter, span: Span, note: usize) {
        let in_link = !self.before_link(w, false) || self.anchors > 0;
        let number = self.number(note);
        self.calls[note] += 1;
        let id = match self.calls[note] {
            1 => format!("fnref-{number}"),
            n => format!("fnref-{number}-{n}"),
        };
        self.ids.insert(&id);
        if in_link {
            self.warnings.push(
                Diagnostic::warning(
                    "footnote-in-link",
                    "this footnote call is inside a link, and links cannot nest: its number is written without the link to the note",
                )
                .at(span)
                .hint("put the call after the link's text"),
            );
            w.start("sup")
                .attr("class", "noteref")
                .attr("id", &id)
                .text(&number.to_string())
                .end();
            return;
        }
        w.start("a")
            .attr("epub:type", "noteref")
            .attr("role", "doc-noteref")
            .attr("href", &format!("#fn-{number}"))
            .attr("id", &id)
            .text(&number.to_string())
            .end();
    }
}

/// The element a Markdown block is written as (`None` for raw HTML).
fn markdown_element(block: &Block) -> Option<&'static str> {
    Some(match &block.kind {
        BlockKind::Paragraph(_) => "p",
        BlockKind::Heading(_) => "h2",
        BlockKind::Quote(_) => "blockquote",
        BlockKind::List(_) => "ul",
        BlockKind::Code(_) => "pre",
        BlockKind::Rule => "hr",
        BlockKind::Table(_) => "table",
        BlockKind::Image(_) => "figure",
        BlockKind::Html(_) => return None,
    })
}

/// Adds to `into` the elements the blocks inside `block` (a quotation's,
/// a list's) are written as, each once.
fn nested_elements(block: &Block, into: &mut Vec<&'static str>) {
    let blocks: Vec<&Block> = match &block.kind {
        BlockKind::Quote(blocks) => blocks.iter().collect(),
        BlockKind::List(list) => list.items.iter().flat_map(|i| &i.blocks).collect(),
        _ => return,
    };
    for inner in blocks {
        if let Some(element) = markdown_element(inner)
            && !into.contains(&element)
        {
            into.push(element);
        }
        nested_elements(inner, into);
    }
}
