//! Raw HTML in a chapter → safe, valid XHTML, or nothing with a warning.
//!
//! **In:** the raw HTML nodes of one *container* (the blocks of a chapter,
//! quotation, list item or note; the inlines of a paragraph, heading, cell
//! or emphasis), one at a time and in order, between the Markdown the
//! chapter writer writes itself. **Out:** allow-listed elements and
//! attributes written through the escaping [`XmlWriter`], and a warning at
//! the tag for everything left out or changed. **Must not:** let through an
//! element or attribute that is not in the tables of `elements`, write anything but
//! through the writer's escaping calls, or leave an element open when its
//! container ends: the writer's nesting must balance with the Markdown's
//! `<p>`, `<em>` and `<li>`.
//!
//! pulldown-cmark hands raw HTML over in pieces: `<span class="x">`, then
//! Markdown text, then `</span>`; or a block `<div>`, Markdown paragraphs,
//! a block `</div>`. So a [`RawHtml`] is kept per container and remembers the
//! elements it opened until their end tags come, or the container ends.
//!
//! The rules, browser-like where that matters and stricter where XHTML must
//! stay valid:
//!
//! - **Elements** are kept when they are in `elements::ELEMENTS` and fit where they
//!   are: only phrasing elements in running text; `tr` only in a table, `li`
//!   only in a list and so on; no link inside a link. What does not fit is
//!   *unwrapped*: its tag goes, its content stays. So are unknown elements.
//!   A few old names are renamed (`center` → `div`). Scripts, styles, forms,
//!   embedded pages, media and `<img>` are *dropped* with their content: in
//!   running text up to their end tag, Markdown between included (footnote
//!   calls excepted); in a block node up to the node's end, never Markdown
//!   blocks. Comments and doctypes vanish silently.
//! - **End tags** are implied as browsers imply them (`<li>` closes an open
//!   `<li>`, a block closes an open `<p>`); an end tag closes up to its
//!   element; one that matches nothing is ignored.
//! - **Phrasing elements opened by a block node end with that node**, and a
//!   Markdown block closes the raw elements it cannot go inside, so a
//!   Markdown `<p>` never lands in a `<span>` or a `<table>`.
//! - **Attributes**: `class`, `title`, `lang`, `dir`, `id` (a valid name
//!   not used yet in the chapter), `role`, a few `aria-*` and `epub:type`,
//!   plus a few per element, each checked; event handlers, `style` and the
//!   rest are left out, with one warning per element.

mod attributes;
mod elements;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use crate::diag::Diagnostic;
use crate::html::{self, StartTag, TokenKind};
use crate::model::{Block, BlockKind, Chapter};
use crate::source::Span;
use crate::xml::XmlWriter;

use attributes::*;
use elements::*;

// ---------------------------------------------------------------------------
// Ids

/// The ids used in one chapter document, so raw HTML cannot repeat one.
#[derive(Debug, Default)]
pub struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// The ids quire itself gives in `chapter`: its slug and its headings'
    /// anchors. Footnote ids (`fn-…`, `fnref-…`) are reserved by prefix.
    pub fn for_chapter(chapter: &Chapter) -> Self {
        let mut ids = Ids::default();
        ids.used.insert(chapter.slug.clone());
        if let Some(heading) = &chapter.heading {
            ids.used.insert(heading.id.clone());
        }
        ids.headings(&chapter.blocks);
        for note in &chapter.footnotes {
            ids.headings(&note.blocks);
        }
        ids
    }

    fn headings(&mut self, blocks: &[Block]) {
        for block in blocks {
            match &block.kind {
                BlockKind::Heading(heading) => {
                    self.used.insert(heading.id.clone());
                }
                BlockKind::Quote(blocks) => self.headings(blocks),
                BlockKind::List(list) => {
                    for item in &list.items {
                        self.headings(&item.blocks);
                    }
                }
                _ => {}
            }
        }
    }

    /// Takes `id` for raw HTML, or says why it cannot be had.
    fn claim(&mut self, id: &str) -> Result<(), String> {
        if !is_xml_name(id) {
            return Err(format!(
                "`id=\"{id}\"` is not a valid id: it must start with a letter or `_` and hold no spaces"
            ));
        }
        if id.starts_with("fn-") || id.starts_with("fnref-") {
            return Err(format!(
                "`id=\"{id}\"`: ids starting `fn-` and `fnref-` are quire's, for footnotes"
            ));
        }
        if !self.used.insert(id.to_string()) {
            return Err(format!("`id=\"{id}\"` is already used in this chapter"));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The sanitizer

/// Where the sanitizer writes: the chapter's writer, the ids it has used,
/// and its warnings.
pub struct Output<'a> {
    /// The chapter's XHTML.
    pub w: &'a mut XmlWriter,
    /// The ids used so far in the chapter.
    pub ids: &'a mut Ids,
    /// Warnings, in the order found.
    pub warnings: &'a mut Vec<Diagnostic>,
}

/// What is around a container.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The container holds inline content (a paragraph's, a heading's, a
    /// cell's), so only phrasing elements may be opened.
    pub inline: bool,
    /// Elements open around the container: raw HTML of enclosing containers,
    /// and `a` inside a Markdown link.
    pub outer: Vec<&'static str>,
}

/// The raw HTML state of one container: the elements it opened and has not
/// closed yet.
#[derive(Debug)]
pub struct RawHtml {
    context: Context,
    open: Vec<Open>,
    /// End tags to swallow silently, with how many: of elements ended
    /// implicitly (by an implied end tag, a Markdown block, the end of a
    /// node) or unwrapped.
    expected: Vec<(&'static str, usize)>,
    /// Inside a dropped element: everything up to its end tag goes.
    skip: Option<Skip>,
}

#[derive(Debug)]
struct Open {
    element: &'static Element,
    /// The start tag.
    span: Span,
}

#[derive(Debug)]
struct Skip {
    name: &'static str,
    /// Nested start tags of the same name.
    depth: usize,
    span: Span,
}

impl RawHtml {
    /// The state of a new container.
    pub fn new(context: Context) -> Self {
        RawHtml {
            context,
            open: Vec::new(),
            expected: Vec::new(),
            skip: None,
        }
    }

    /// Inside a dropped element that an inline node opened: the caller must
    /// leave out the Markdown inlines that follow, until an HTML node ends
    /// it. (A block node's dropped element ends with the node.)
    pub fn skipping(&self) -> bool {
        self.skip.is_some()
    }

    /// The elements this container has open, outermost first.
    pub fn open_elements(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.open.iter().map(|o| o.element.name)
    }

    /// Whether this container has `name` open.
    pub fn is_open(&self, name: &str) -> bool {
        self.open.iter().any(|o| o.element.name == name)
    }

    /// Writes one raw HTML node whose text is `html` and whose source is
    /// `span`.
    pub fn feed(&mut self, html: &str, span: Span, out: &mut Output) {
        let at = Locator::new(span, html);
        // A block node's last line end is not content: the chapter writer
        // ends every block with one of its own.
        let html = match self.context.inline {
            true => html,
            false => html.strip_suffix('\n').unwrap_or(html),
        };
        for token in html::tokenize(html) {
            let here = at.span(token.range.clone());
            match token.kind {
                TokenKind::Start(tag) => self.start_tag(&tag, here, &at, out),
                TokenKind::End(name) => self.end_tag(&name, here, out),
                TokenKind::Text(text) => self.text(&text, here, out),
                TokenKind::Comment(_) | TokenKind::Other(_) => {}
            }
        }
        if !self.context.inline {
            // What a block node drops ends with it: the Markdown blocks after
            // it (a heading the contents link to, say) are kept.
            self.skip = None;
            self.end_block_node(out);
        }
    }

    /// Makes room for a Markdown block (`element` is what it is written as:
    /// `p`, `h2`, `ul` …, at `span`): ends the raw elements it cannot go in.
    pub fn before_markdown_block(&mut self, element: &'static str, span: Span, out: &mut Output) {
        let not_inside = self::element(element).map_or(&[][..], |e| e.not_inside);
        let mut blocker = None;
        while let Some(top) = self.open.last() {
            let banned = self
                .open
                .iter()
                .find(|o| not_inside.contains(&o.element.name));
            if top.element.model == Model::Flow && banned.is_none() {
                break;
            }
            if top.element.name != "p" {
                blocker = Some(banned.unwrap_or(top).element.name);
            }
            self.close_top(out);
        }
        if let Some(blocker) = blocker {
            let what = markdown_name(element);
            out.warnings.push(
                Diagnostic::warning(
                    "html-unclosed",
                    format!("this Markdown {what} cannot go inside `<{blocker}>`, so the HTML elements around it end before it"),
                )
                .at(span)
                .hint("Markdown blocks can go inside `<div>`, `<li>`, `<td>` and other block containers"),
            );
        }
    }

    /// Before a Markdown link or footnote call: links cannot nest, so a raw
    /// `<a>` this container has open ends here (with a warning for a link;
    /// a call after a link's text is what the author meant anyway).
    pub fn before_link(&mut self, markdown_link: bool, out: &mut Output) {
        let Some(index) = self.open.iter().rposition(|o| o.element.name == "a") else {
            return;
        };
        if markdown_link {
            out.warnings.push(
                Diagnostic::warning(
                    "html-unclosed",
                    "`<a>` ends before the Markdown link inside it: links cannot nest",
                )
                .at(self.open[index].span),
            );
        }
        while self.open.len() > index {
            self.close_top(out);
        }
    }

    /// End tags of elements an inner container opened and had to close:
    /// should they come here, they are not worth a warning.
    pub fn expect_end_tags(&mut self, names: Vec<&'static str>) {
        for name in names {
            self.expect_end_tag(name);
        }
    }

    /// Ends the container: closes what is still open (with a warning where
    /// the end tag was needed) and returns the names closed, whose end tags
    /// the enclosing container may still see.
    pub fn finish(mut self, out: &mut Output) -> Vec<&'static str> {
        let mut closed = Vec::new();
        if let Some(skip) = self.skip.take() {
            out.warnings.push(
                Diagnostic::warning(
                    "html-unclosed",
                    format!("`<{}>` is not closed, so everything after it in the same Markdown element is left out", skip.name),
                )
                .at(skip.span),
            );
            closed.push(skip.name);
        }
        while let Some(open) = self.open.pop() {
            if !open.element.optional_end {
                out.warnings.push(
                    Diagnostic::warning(
                        "html-unclosed",
                        format!(
                            "`<{}>` is not closed; it ends with the Markdown element around it",
                            open.element.name
                        ),
                    )
                    .at(open.span),
                );
            }
            out.w.end();
            closed.push(open.element.name);
        }
        closed
    }

    // --- Tokens -----------------------------------------------------------

    fn start_tag(&mut self, tag: &StartTag, here: Span, at: &Locator, out: &mut Output) {
        if let Some(skip) = &mut self.skip {
            if tag.name == skip.name && !tag.self_closing {
                skip.depth += 1;
            }
            return;
        }
        let name = renamed(&tag.name);
        if let Some(&(name, void, hint)) = DROPPED.iter().find(|(n, ..)| *n == name) {
            let message = if void {
                format!("`<{name}>` is left out of the e-book")
            } else {
                format!("`<{name}>` is left out of the e-book, with its content")
            };
            out.warnings.push(
                Diagnostic::warning("html-dropped", message)
                    .at(here)
                    .hint(hint),
            );
            if !void && !tag.self_closing {
                self.skip = Some(Skip {
                    name,
                    depth: 1,
                    span: here,
                });
            }
            return;
        }
        let Some(element) = element(name) else {
            let hint = if PRESENTATIONAL.contains(&name) {
                LOOKS
            } else {
                "to show a tag as text, write its `<` as `\\<`"
            };
            out.warnings.push(
                Diagnostic::warning(
                    "html-unwrapped",
                    format!("unknown element `<{name}>` is left out; its content is kept"),
                )
                .at(here)
                .hint(hint),
            );
            return;
        };
        self.imply_end_tags(element, out);
        if let Err(why) = self.fits(element, tag) {
            let kept = if element.model == Model::Void {
                "it is left out"
            } else {
                self.expect_end_tag(element.name);
                "its content is kept without it"
            };
            out.warnings
                .push(Diagnostic::warning("html-unwrapped", format!("{why}; {kept}")).at(here));
            return;
        }
        out.w.start(element.name);
        write_attributes(element, tag, at, out);
        if element.model == Model::Void || tag.self_closing {
            out.w.end();
        } else {
            self.open.push(Open {
                element,
                span: here,
            });
        }
    }

    fn end_tag(&mut self, name: &str, here: Span, out: &mut Output) {
        if let Some(skip) = &mut self.skip {
            if name == skip.name {
                skip.depth -= 1;
                if skip.depth == 0 {
                    self.skip = None;
                }
            }
            return;
        }
        // Unknown and dropped elements were reported at their start tag;
        // `</br>` and the like close nothing.
        let Some(element) = element(renamed(name)).filter(|e| e.model != Model::Void) else {
            return;
        };
        if let Some(index) = self
            .open
            .iter()
            .rposition(|o| o.element.name == element.name)
        {
            while self.open.len() > index + 1 {
                self.close_top(out);
            }
            self.open.pop();
            out.w.end();
            return;
        }
        if let Some((_, count)) = self
            .expected
            .iter_mut()
            .find(|(n, c)| *n == element.name && *c > 0)
        {
            *count -= 1;
            return;
        }
        let message = if self.context.outer.contains(&element.name) {
            format!(
                "`</{}>` is ignored: its `<{}>` was opened outside the Markdown element this end tag is in",
                element.name, element.name
            )
        } else {
            format!(
                "`</{}>` has no open `<{}>` to close; it is ignored",
                element.name, element.name
            )
        };
        out.warnings.push(
            Diagnostic::warning("html-unmatched", message)
                .at(here)
                .hint("open and close an HTML element within the same Markdown paragraph, emphasis or block"),
        );
    }

    fn text(&mut self, text: &str, here: Span, out: &mut Output) {
        if self.skip.is_some() || text.is_empty() {
            return;
        }
        match self.open.last() {
            Some(top) if top.element.model == Model::Structure && !text.trim().is_empty() => {
                let hint = match top.element.name {
                    "ul" | "ol" => "put it in a list item, `<li>`",
                    "dl" => "put it in a term or definition, `<dt>` or `<dd>`",
                    _ => "put it in a cell, `<td>` or `<th>`",
                };
                out.warnings.push(
                    Diagnostic::warning(
                        "html-dropped",
                        format!("text directly inside `<{}>` is left out", top.element.name),
                    )
                    .at(here)
                    .hint(hint),
                );
            }
            _ => {
                out.w.text(text);
            }
        }
    }

    // --- Structure ---------------------------------------------------------

    /// Ends what opening `element` ends in HTML: an open `<li>` before a new
    /// one, a cell before a cell, a `<p>` before a block.
    fn imply_end_tags(&mut self, element: &Element, out: &mut Output) {
        let (targets, boundaries): (&[&str], &[&str]) = match element.name {
            "li" => (&["li"], &["ul", "ol"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl"]),
            "td" | "th" => (&["td", "th"], &["tr", "table"]),
            "tr" => (&["tr"], &["table", "thead", "tbody", "tfoot"]),
            "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot"], &["table"]),
            "rt" | "rp" => (&["rt", "rp"], &["ruby"]),
            _ => (&[], &[]),
        };
        // A list item ends an open one only within the same list: not
        // across a table or a section, say (`div` and `p` do not count).
        let list_like = matches!(element.name, "li" | "dt" | "dd");
        let stops = |e: &Element| {
            boundaries.contains(&e.name)
                || (list_like
                    && e.category == Category::Flow
                    && !matches!(e.name, "div" | "address" | "p"))
        };
        self.end_implied(targets, stops, out);
        if element.category == Category::Flow {
            // A block ends a paragraph, and the phrasing elements in it.
            self.end_implied(&["p"], |e| e.category != Category::Phrasing, out);
        }
    }

    /// Closes through the innermost element named in `targets`, unless an
    /// element that `stops` comes first.
    fn end_implied(
        &mut self,
        targets: &[&str],
        stops: impl Fn(&Element) -> bool,
        out: &mut Output,
    ) {
        for index in (0..self.open.len()).rev() {
            let element = self.open[index].element;
            if targets.contains(&element.name) {
                while self.open.len() > index {
                    self.close_top(out);
                }
                return;
            }
            if stops(element) {
                return;
            }
        }
    }

    /// Whether `element` may be opened here; if not, why.
    fn fits(&self, element: &Element, tag: &StartTag) -> Result<(), String> {
        let name = element.name;
        if element.model != Model::Void && self.context.outer.len() + self.open.len() >= MAX_DEPTH {
            return Err(format!(
                "`<{name}>` is nested more than {MAX_DEPTH} HTML elements deep"
            ));
        }
        let (parent, model) = match self.open.last() {
            Some(top) => (Some(top.element.name), top.element.model),
            None if self.context.inline => (None, Model::Phrasing),
            None => (None, Model::Flow),
        };
        let inside = |parent: Option<&str>| match parent {
            Some(parent) => format!("inside `<{parent}>`"),
            None => "in running text".to_string(),
        };
        if !element.parents.is_empty() {
            if !parent.is_some_and(|p| element.parents.contains(&p)) {
                let parents: Vec<String> =
                    element.parents.iter().map(|p| format!("`<{p}>`")).collect();
                return Err(format!(
                    "`<{name}>` can only go directly inside {}",
                    parents.join(" or ")
                ));
            }
        } else if model == Model::Structure
            || (model == Model::Phrasing && element.category == Category::Flow)
        {
            return Err(format!("`<{name}>` cannot go {}", inside(parent)));
        }
        let mut ancestors = self
            .context
            .outer
            .iter()
            .copied()
            .chain(self.open_elements());
        if let Some(banned) = ancestors.find(|a| element.not_inside.contains(a)) {
            return Err(format!("`<{name}>` cannot go inside `<{banned}>`"));
        }
        if name == "bdo"
            && !tag
                .get("dir")
                .is_some_and(|d| d.eq_ignore_ascii_case("ltr") || d.eq_ignore_ascii_case("rtl"))
        {
            return Err("`<bdo>` needs `dir=\"ltr\"` or `dir=\"rtl\"`".to_string());
        }
        Ok(())
    }

    /// At the end of a block node, ends the phrasing elements it left open.
    fn end_block_node(&mut self, out: &mut Output) {
        while let Some(top) = self.open.last() {
            if top.element.category != Category::Phrasing {
                break;
            }
            if !top.element.optional_end {
                out.warnings.push(
                    Diagnostic::warning(
                        "html-unclosed",
                        format!(
                            "`<{}>` is not closed in its HTML block, so it ends there",
                            top.element.name
                        ),
                    )
                    .at(top.span)
                    .hint("to wrap Markdown paragraphs, use `<div>`"),
                );
            }
            self.close_top(out);
        }
    }

    /// Closes the innermost open element without its end tag, which may
    /// still come.
    fn close_top(&mut self, out: &mut Output) {
        if let Some(open) = self.open.pop() {
            out.w.end();
            self.expect_end_tag(open.element.name);
        }
    }

    /// Notes that an end tag of `name` may still come and is not worth a
    /// warning then.
    fn expect_end_tag(&mut self, name: &'static str) {
        match self.expected.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => self.expected.push((name, 1)),
        }
    }
}

/// What a Markdown block written as `element` is called in messages.
fn markdown_name(element: &str) -> &'static str {
    match element {
        "p" => "paragraph",
        "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
        "blockquote" => "quotation",
        "ul" | "ol" => "list",
        "pre" => "code block",
        "hr" => "rule",
        "table" => "table",
        "figure" => "figure",
        _ => "block",
    }
}

// ---------------------------------------------------------------------------
// Locations

/// Turns byte ranges in a node's HTML into spans in the chapter.
///
/// The node's text is its source text when their lengths agree (an inline
/// tag, a block at the top level), except that a block's text keeps the
/// indentation (up to three spaces) its span starts after. In a quotation or
/// list item the text lacks the `> ` or indent of each line, so only its
/// first line lines up; elsewhere the whole node is pointed at.
struct Locator {
    span: Span,
    /// Leading indentation of the text that the span leaves out.
    indent: usize,
    /// Every line lines up, not only the first.
    exact: bool,
    first_line: usize,
}

impl Locator {
    fn new(span: Span, html: &str) -> Self {
        let len = span.range().len();
        let indent = match html.len() - html.trim_start_matches([' ', '\t']).len() {
            _ if html.len() == len => 0,
            indent => indent,
        };
        Locator {
            span,
            indent,
            exact: html.len() == len + indent,
            first_line: html.find('\n').unwrap_or(html.len()),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        if (self.exact || range.end <= self.first_line) && range.start >= self.indent {
            let start = self.span.range().start - self.indent;
            Span::new(self.span.file, start + range.start..start + range.end)
        } else {
            self.span
        }
    }
}
