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
//!   A few names are renamed (`center` → `div`; `details` and `summary`,
//!   which need an order e-books gain nothing from, → `div`; `tfoot` →
//!   `tbody`, as a footer must come last). Scripts, styles, forms,
//!   embedded pages, media, `<img>`, `colgroup` and `rp` are *dropped* with
//!   their content: in running text up to their end tag, Markdown between
//!   included (footnote calls excepted); in a block node up to the node's
//!   end, never Markdown blocks. Comments and doctypes vanish silently.
//! - **Order** inside the elements whose children come in an order, as
//!   EPUBCheck checks it: a `caption` only first in its table and a `thead`
//!   only before the rows (else unwrapped); a `tr` directly in a table gets
//!   a `tbody` around it, as in browsers; one `figcaption` per figure, and
//!   when it is not the first thing the figure holds it is the last: the
//!   figure ends before whatever comes after it; a `dd` with no `dt` before
//!   it, a `dl` ending with a `dt` and a `ruby` ending with text that has no
//!   `rt` get the empty `dt`, `dd` or `rt` they need (`html-incomplete`).
//! - **End tags** are implied as browsers imply them (`<li>` closes an open
//!   `<li>`, a block closes an open `<p>`); an end tag closes up to its
//!   element; one that matches nothing is ignored.
//! - **Phrasing elements opened by a block node end with that node**, and a
//!   Markdown block closes the raw elements it cannot go inside, so a
//!   Markdown `<p>` never lands in a `<span>` or a `<table>`.
//! - **Attributes**: `class`, `title`, `lang`, `dir`, `id` (a valid name
//!   not used yet in the chapter), `role` (one role the element may have, on
//!   the few elements that take one), `aria-label`, `aria-hidden` and
//!   `epub:type` (terms of the EPUB structural semantics vocabulary), plus a
//!   few per element, each checked; event handlers, `style` and the rest are
//!   left out, with one warning per element. `href` and `cite` go through
//!   the chapter's link resolution (`epub::links`): a link that leads
//!   nowhere keeps its `<a>` without `href`, with a `link-broken` warning.

mod attributes;
mod elements;
mod ids;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;

use crate::diag::Diagnostic;
use crate::html::{self, StartTag, TokenKind};
use crate::source::Span;
use crate::xml::XmlWriter;

use super::links::Resolve;
use attributes::*;
use elements::*;
pub use ids::Ids;

// ---------------------------------------------------------------------------
// The sanitizer

/// Where the sanitizer writes: the chapter's writer, the ids it has used,
/// its warnings, and where links may lead.
pub struct Output<'a> {
    /// The chapter's XHTML.
    pub w: &'a mut XmlWriter,
    /// The ids used so far in the chapter.
    pub ids: &'a mut Ids,
    /// Warnings, in the order found.
    pub warnings: &'a mut Vec<Diagnostic>,
    /// The chapter's link targets, for `href` and `cite`.
    pub links: &'a mut dyn Resolve,
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
    /// The HTML nodes' text is their source line for line (a block of the
    /// chapter's own, not one in a quotation, list or note, whose lines
    /// lose their `> ` or indentation), so warnings can point into any line.
    pub lines_match: bool,
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
    /// Whether an element nested too deep was warned about: the ones
    /// deeper still are unwrapped without a warning each.
    too_deep: bool,
}

#[derive(Debug)]
struct Open {
    element: &'static Element,
    /// The start tag.
    span: Span,
    /// What it holds so far, for the elements whose content has an order.
    children: Children,
}

/// What an open element holds so far.
#[derive(Debug, Default)]
struct Children {
    /// The last child element.
    last: Option<&'static str>,
    /// Anything: an element, text that is not white space, Markdown.
    content: bool,
    /// A figure has its `figcaption`.
    captioned: bool,
    /// A figure's `figcaption` came after other content, so it is the last.
    caption_last: bool,
    /// A ruby's last text or element has no `rt` after it yet.
    unannotated: bool,
}

impl Children {
    fn element(&mut self, name: &'static str) {
        if name == "figcaption" {
            self.captioned = true;
            self.caption_last = self.content;
        }
        self.unannotated = name != "rt";
        self.last = Some(name);
        self.content = true;
    }

    fn text(&mut self) {
        self.unannotated = true;
        self.content = true;
    }
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
            too_deep: false,
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
        let at = Locator::new(span, html, self.context.lines_match);
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

    /// Markdown content (text, emphasis, a call, a block …) is written
    /// into the container next, at `span`.
    pub fn markdown_content(&mut self, span: Span, out: &mut Output) {
        self.end_captioned_figure(span, out);
        if let Some(top) = self.open.last_mut() {
            top.children.text();
        }
    }

    /// Makes room for a Markdown block (`element` is what it is written as:
    /// `p`, `h2`, `ul` …, at `span`; `inside`, what the blocks it holds
    /// are): ends the raw elements it or they cannot go in.
    pub fn before_markdown_block(
        &mut self,
        element: &'static str,
        inside: &[&'static str],
        span: Span,
        out: &mut Output,
    ) {
        let not_inside: Vec<&str> = std::iter::once(&element)
            .chain(inside)
            .filter_map(|name| self::element(name))
            .flat_map(|e| e.not_inside.iter().copied())
            .collect();
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
        self.markdown_content(span, out);
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
        while let Some(top) = self.open.last() {
            if !top.element.optional_end {
                out.warnings.push(
                    Diagnostic::warning(
                        "html-unclosed",
                        format!(
                            "`<{}>` is not closed; it ends with the Markdown element around it",
                            top.element.name
                        ),
                    )
                    .at(top.span),
                );
            }
            if let Some(open) = self.pop(out) {
                closed.push(open.element.name);
            }
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
        self.end_captioned_figure(here, out);
        // A row directly in a table goes in a body, as in browsers: a table
        // holds either bodies or rows, and `thead` and `tbody` may be there.
        if element.name == "tr" && self.top_is("table") {
            let tbody = self::element("tbody").expect("tbody is kept");
            if self.fits(tbody).is_ok() {
                self.open_element(tbody, here, out);
            }
        }
        let fits = self.fits(element).and_then(|()| match element.name {
            "bdo"
                if !tag.get("dir").is_some_and(|d| {
                    d.eq_ignore_ascii_case("ltr") || d.eq_ignore_ascii_case("rtl")
                }) =>
            {
                Err("`<bdo>` needs `dir=\"ltr\"` or `dir=\"rtl\"`".to_string())
            }
            // Without `datetime` its text must be a date, and hold no tags.
            "time" if !tag.get("datetime").is_some_and(is_datetime) => Err(
                "`<time>` needs a `datetime` such as `2024-05-01` or `2024-05-01T09:30`"
                    .to_string(),
            ),
            _ => Ok(()),
        });
        if let Err(why) = fits {
            let kept = if element.model == Model::Void {
                "it is left out"
            } else {
                self.expect_end_tag(element.name);
                "its content is kept without it"
            };
            // Too deep: one warning for all the elements deeper down.
            let deep = element.model != Model::Void
                && self.context.outer.len() + self.open.len() >= MAX_DEPTH;
            if deep && self.too_deep {
                return;
            }
            self.too_deep |= deep;
            let more = if deep {
                " (as are the elements nested deeper)"
            } else {
                ""
            };
            out.warnings.push(
                Diagnostic::warning("html-unwrapped", format!("{why}; {kept}{more}")).at(here),
            );
            return;
        }
        // A definition needs a term before it.
        if element.name == "dd"
            && self
                .open
                .last()
                .is_some_and(|dl| !matches!(dl.children.last, Some("dt" | "dd")))
        {
            out.warnings.push(
                Diagnostic::warning(
                    "html-incomplete",
                    "`<dd>` has no term `<dt>` before it, so an empty one is added",
                )
                .at(here)
                .hint(
                    "a definition list holds terms, `<dt>`, each followed by definitions, `<dd>`",
                ),
            );
            let dt = self::element("dt").expect("dt is kept");
            self.open_element(dt, here, out);
            self.pop(out);
        }
        self.open_element(element, here, out);
        write_attributes(element, tag, at, out);
        if element.model == Model::Void || tag.self_closing {
            self.pop(out);
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
            self.pop(out);
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
        let blank = text.trim().is_empty();
        if !blank {
            self.end_captioned_figure(here, out);
        }
        match self.open.last_mut() {
            Some(top) if top.element.model == Model::Structure && !blank => {
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
            top => {
                if let Some(top) = top.filter(|_| !blank) {
                    top.children.text();
                }
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
            "tr" => (&["tr"], &["table", "thead", "tbody"]),
            "caption" | "thead" | "tbody" => (&["thead", "tbody"], &["table"]),
            "rt" => (&["rt"], &["ruby"]),
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

    /// A figure whose caption came last ends before anything else goes in
    /// (at `here`), as a caption is the first or the last thing in a figure.
    fn end_captioned_figure(&mut self, here: Span, out: &mut Output) {
        if !self
            .open
            .last()
            .is_some_and(|o| o.element.name == "figure" && o.children.caption_last)
        {
            return;
        }
        out.warnings.push(
            Diagnostic::warning(
                "html-unclosed",
                "`<figure>` ends before this: its `<figcaption>` came after other content, so it is the last thing in the figure",
            )
            .at(here)
            .hint("a figure's caption is its first or its last child"),
        );
        self.close_top(out);
    }

    /// Whether `element` may be opened here; if not, why.
    fn fits(&self, element: &Element) -> Result<(), String> {
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
        // Order among the children.
        let children = self.open.last().map(|o| &o.children);
        let last = children.and_then(|c| c.last);
        match name {
            "caption" if last.is_some() => {
                Err("`<caption>` can only be the first thing in `<table>`".to_string())
            }
            "thead" if !matches!(last, None | Some("caption")) => {
                Err("`<thead>` can only come before the rows of its `<table>`".to_string())
            }
            "figcaption" if children.is_some_and(|c| c.captioned) => {
                Err("a `<figure>` has one `<figcaption>` only".to_string())
            }
            _ => Ok(()),
        }
    }

    /// Writes the start tag of `element` (at `here`) and opens it; the
    /// caller writes its attributes.
    fn open_element(&mut self, element: &'static Element, here: Span, out: &mut Output) {
        if let Some(parent) = self.open.last_mut() {
            parent.children.element(element.name);
        }
        out.w.start(element.name);
        self.open.push(Open {
            element,
            span: here,
            children: Children {
                // A ruby needs an annotation even when empty.
                unannotated: element.name == "ruby",
                ..Children::default()
            },
        });
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
        if let Some(open) = self.pop(out) {
            self.expect_end_tag(open.element.name);
        }
    }

    /// Writes the end tag of the innermost open element, after the child
    /// it still needs: a `dd` after a last `dt`, an `rt` after a ruby's last
    /// text.
    fn pop(&mut self, out: &mut Output) -> Option<Open> {
        let open = self.open.pop()?;
        let missing = match open.element.name {
            "dl" if open.children.last == Some("dt") => Some((
                "dd",
                "`<dl>` ends with a term `<dt>` that has no definition `<dd>`, so an empty one is added",
            )),
            "ruby" if open.children.unannotated => Some((
                "rt",
                "`<ruby>` ends without an annotation `<rt>` after its text, so an empty one is added",
            )),
            _ => None,
        };
        if let Some((child, message)) = missing {
            out.warnings
                .push(Diagnostic::warning("html-incomplete", message).at(open.span));
            out.w.start(child).end();
        }
        out.w.end();
        Some(open)
    }

    /// Whether the innermost open element is `name`.
    fn top_is(&self, name: &str) -> bool {
        self.open.last().is_some_and(|o| o.element.name == name)
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
/// A block node's span starts after the indentation of its first line,
/// which its text keeps (a few spaces at the top level, more in a list or
/// quotation, or spaces a tab was turned into), so the first line lines up
/// once that indentation is skipped. The other lines line up only when the
/// text is the source line for line: in a quotation, list item or note each
/// line lost its `> ` or indentation, and the whole node is pointed at.
struct Locator {
    span: Span,
    /// Leading indentation of the text that the span leaves out.
    indent: usize,
    /// Every line lines up, not only the first.
    exact: bool,
    first_line: usize,
}

impl Locator {
    fn new(span: Span, html: &str, lines_match: bool) -> Self {
        let indent = html.len() - html.trim_start_matches([' ', '\t']).len();
        Locator {
            span,
            indent,
            exact: lines_match && html.len() == span.range().len() + indent,
            first_line: html.find('\n').unwrap_or(html.len()),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        if (self.exact || range.end <= self.first_line) && range.start >= self.indent {
            let start = self.span.range().start + (range.start - self.indent);
            let end = start + range.len();
            if end <= self.span.range().end {
                return Span::new(self.span.file, start..end);
            }
        }
        self.span
    }
}
