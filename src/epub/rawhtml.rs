//! Raw HTML in a chapter → safe, valid XHTML, or nothing with a warning.
//!
//! **In:** the raw HTML nodes of one *container* (the blocks of a chapter,
//! quotation, list item or note; the inlines of a paragraph, heading, cell
//! or emphasis), one at a time and in order, between the Markdown the
//! chapter writer writes itself. **Out:** allow-listed elements and
//! attributes written through the escaping [`XmlWriter`], and a warning at
//! the tag for everything left out or changed. **Must not:** let through an
//! element or attribute that is not in the tables below, write anything but
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
//! - **Elements** are kept when they are in [`ELEMENTS`] and fit where they
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

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use crate::diag::Diagnostic;
use crate::html::{self, StartTag, TokenKind};
use crate::model::{Block, BlockKind, Chapter};
use crate::source::Span;
use crate::xml::XmlWriter;

// ---------------------------------------------------------------------------
// The allow-list

/// Where an element may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    /// In running text and in blocks (`span`, `em`, `a` …).
    Phrasing,
    /// Only among blocks (`div`, `p`, `table` …).
    Flow,
}

/// What an element may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// Text, phrasing and flow elements.
    Flow,
    /// Text and phrasing elements.
    Phrasing,
    /// Only the elements that name it as a parent, and white space.
    Structure,
    /// Nothing: written self-closed, never left open.
    Void,
}

/// An element quire keeps.
#[derive(Debug)]
struct Element {
    name: &'static str,
    category: Category,
    model: Model,
    /// The parents it needs; empty for any that holds its category.
    parents: &'static [&'static str],
    /// Elements it may not be inside, at any depth.
    not_inside: &'static [&'static str],
    /// Attributes it takes beyond the global ones.
    attributes: &'static [&'static str],
    /// Its end tag may be left out (HTML's optional end tags), so ending it
    /// implicitly is not worth a warning.
    optional_end: bool,
}

const fn phrasing(name: &'static str) -> Element {
    Element {
        name,
        category: Category::Phrasing,
        model: Model::Phrasing,
        parents: &[],
        not_inside: &[],
        attributes: &[],
        optional_end: false,
    }
}

const fn flow(name: &'static str, model: Model) -> Element {
    Element {
        category: Category::Flow,
        model,
        ..phrasing(name)
    }
}

impl Element {
    const fn parents(self, parents: &'static [&'static str]) -> Self {
        Element { parents, ..self }
    }
    const fn not_inside(self, not_inside: &'static [&'static str]) -> Self {
        Element { not_inside, ..self }
    }
    const fn attributes(self, attributes: &'static [&'static str]) -> Self {
        Element { attributes, ..self }
    }
    const fn optional_end(self) -> Self {
        Element {
            optional_end: true,
            ..self
        }
    }
    const fn void(self) -> Self {
        Element {
            model: Model::Void,
            ..self
        }
    }
}

/// Where sections and headings may not go (HTML's content models of
/// `address`, `dt` and `th`).
const NO_SECTIONS: &[&str] = &["address", "dt", "th"];
/// Where `header` and `footer` may not go.
const NO_HEADERS: &[&str] = &["address", "dt", "th", "header", "footer"];
const CELL_PARENT: &[&str] = &["tr"];
const ROW_PARENTS: &[&str] = &["table", "thead", "tbody", "tfoot"];
const TABLE_PARENT: &[&str] = &["table"];

/// Every element quire keeps, with what it may hold and where it may go.
#[rustfmt::skip]
static ELEMENTS: &[Element] = &[
    // Phrasing.
    phrasing("a").attributes(&["href"]).not_inside(&["a"]),
    phrasing("abbr"),
    phrasing("b"),
    phrasing("bdi"),
    phrasing("bdo"),
    phrasing("br").void(),
    phrasing("cite"),
    phrasing("code"),
    phrasing("del").attributes(&["cite", "datetime"]),
    phrasing("dfn").not_inside(&["dfn"]),
    phrasing("em"),
    phrasing("i"),
    phrasing("ins").attributes(&["cite", "datetime"]),
    phrasing("kbd"),
    phrasing("mark"),
    phrasing("q").attributes(&["cite"]),
    phrasing("rp").parents(&["ruby"]).optional_end(),
    phrasing("rt").parents(&["ruby"]).optional_end(),
    phrasing("ruby"),
    phrasing("s"),
    phrasing("samp"),
    phrasing("small"),
    phrasing("span"),
    phrasing("strong"),
    phrasing("sub"),
    phrasing("sup"),
    phrasing("time").attributes(&["datetime"]),
    phrasing("u"),
    phrasing("var"),
    phrasing("wbr").void(),
    // Flow.
    flow("address", Model::Flow).not_inside(&["address"]),
    flow("article", Model::Flow).not_inside(NO_SECTIONS),
    flow("aside", Model::Flow).not_inside(NO_SECTIONS),
    flow("blockquote", Model::Flow).attributes(&["cite"]),
    flow("caption", Model::Flow).parents(TABLE_PARENT).optional_end(),
    flow("col", Model::Void).parents(&["colgroup"]).attributes(&["span"]),
    flow("colgroup", Model::Structure).parents(TABLE_PARENT).attributes(&["span"]).optional_end(),
    flow("dd", Model::Flow).parents(&["dl"]).optional_end(),
    flow("details", Model::Flow).attributes(&["open"]),
    flow("div", Model::Flow),
    flow("dl", Model::Structure),
    flow("dt", Model::Flow).parents(&["dl"]).optional_end(),
    flow("figcaption", Model::Flow).parents(&["figure"]),
    flow("figure", Model::Flow),
    flow("footer", Model::Flow).not_inside(NO_HEADERS),
    flow("h2", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h3", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h4", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h5", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("h6", Model::Phrasing).not_inside(NO_SECTIONS),
    flow("header", Model::Flow).not_inside(NO_HEADERS),
    flow("hr", Model::Void),
    flow("li", Model::Flow).parents(&["ul", "ol"]).optional_end(),
    flow("ol", Model::Structure).attributes(&["start", "reversed", "type"]),
    flow("p", Model::Phrasing).optional_end(),
    flow("pre", Model::Phrasing),
    flow("section", Model::Flow).not_inside(NO_SECTIONS),
    flow("summary", Model::Phrasing).parents(&["details"]),
    flow("table", Model::Structure).not_inside(&["caption"]),
    flow("tbody", Model::Structure).parents(TABLE_PARENT).optional_end(),
    flow("td", Model::Flow).parents(CELL_PARENT).attributes(&["colspan", "rowspan"]).optional_end(),
    flow("tfoot", Model::Structure).parents(TABLE_PARENT).optional_end(),
    flow("th", Model::Flow).parents(CELL_PARENT).optional_end()
        .attributes(&["abbr", "colspan", "rowspan", "scope"]),
    flow("thead", Model::Structure).parents(TABLE_PARENT).optional_end(),
    flow("tr", Model::Structure).parents(ROW_PARENTS).optional_end(),
    flow("ul", Model::Structure),
];

/// Old or variant names written as another element (`h1` is the chapter's
/// own heading, so a raw one becomes `h2`, as a Markdown `#` inside does).
const RENAMED: &[(&str, &str)] = &[
    ("acronym", "abbr"),
    ("center", "div"),
    ("h1", "h2"),
    ("listing", "pre"),
    ("strike", "s"),
    ("tt", "code"),
    ("xmp", "pre"),
];

const SCRIPTS: &str = "the e-book runs no scripts";
const LOOKS: &str = "the book's style sheet decides the look";
const EMBEDS: &str = "embedded pages and plug-ins cannot be carried into the e-book";
const FORMS: &str = "forms do not work in a book";
const MEDIA: &str = "audio, video and drawings in raw HTML are not carried into the e-book";
const IMAGES: &str =
    "write images in Markdown, `![alt](path)`, so that they are embedded in the book";
const HEAD: &str = "it belongs in a page's head, which quire writes itself";

/// Elements left out with their content (or alone, when void), and why.
const DROPPED: &[(&str, bool, &str)] = &[
    ("applet", false, EMBEDS),
    ("area", true, IMAGES),
    ("audio", false, MEDIA),
    ("base", true, HEAD),
    ("button", false, FORMS),
    ("canvas", false, MEDIA),
    ("datalist", false, FORMS),
    ("embed", true, EMBEDS),
    ("form", false, FORMS),
    ("frame", true, EMBEDS),
    ("frameset", false, EMBEDS),
    ("head", false, HEAD),
    ("iframe", false, EMBEDS),
    ("img", true, IMAGES),
    ("input", true, FORMS),
    ("keygen", true, FORMS),
    ("link", true, LOOKS),
    ("map", false, IMAGES),
    ("math", false, MEDIA),
    ("meta", true, HEAD),
    ("noembed", false, EMBEDS),
    ("noframes", false, EMBEDS),
    ("noscript", false, SCRIPTS),
    ("object", false, EMBEDS),
    ("optgroup", false, FORMS),
    ("option", false, FORMS),
    ("param", true, EMBEDS),
    ("picture", false, IMAGES),
    ("script", false, SCRIPTS),
    ("select", false, FORMS),
    ("source", true, MEDIA),
    ("style", false, LOOKS),
    ("svg", false, MEDIA),
    ("template", false, SCRIPTS),
    ("textarea", false, FORMS),
    ("title", false, HEAD),
    ("track", true, MEDIA),
    ("video", false, MEDIA),
];

/// Unknown elements that only ever set the look.
const PRESENTATIONAL: &[&str] = &["basefont", "big", "blink", "font", "marquee", "nobr"];

/// `role` values kept: structural WAI-ARIA roles (widget roles need
/// scripts) and the DPUB-ARIA roles for books.
#[rustfmt::skip]
const ROLES: &[&str] = &[
    "article", "complementary", "definition", "document", "figure", "group", "img", "math",
    "none", "note", "presentation", "region", "separator", "term", "doc-abstract",
    "doc-acknowledgments", "doc-afterword", "doc-appendix", "doc-backlink", "doc-biblioentry",
    "doc-bibliography", "doc-biblioref", "doc-chapter", "doc-colophon", "doc-conclusion",
    "doc-cover", "doc-credit", "doc-credits", "doc-dedication", "doc-endnote", "doc-endnotes",
    "doc-epigraph", "doc-epilogue", "doc-errata", "doc-example", "doc-footnote", "doc-foreword",
    "doc-glossary", "doc-glossref", "doc-index", "doc-introduction", "doc-noteref",
    "doc-notice", "doc-pagebreak", "doc-pagelist", "doc-part", "doc-preface", "doc-prologue",
    "doc-pullquote", "doc-qna", "doc-subtitle", "doc-tip", "doc-toc",
];

/// How deep raw HTML elements may nest (as Markdown's nesting, it keeps
/// every look at the open elements short).
const MAX_DEPTH: usize = 64;

fn element(name: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| e.name == name)
}

fn renamed(name: &str) -> &str {
    RENAMED
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, new)| new)
}

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
// Attributes

/// Why an attribute is left out.
enum Refusal {
    Script,
    Style,
    NotKept,
    Invalid(String),
}

/// Writes the attributes of `tag` that `element` keeps, and warns once
/// about the others.
fn write_attributes(element: &Element, tag: &StartTag, at: &Locator, out: &mut Output) {
    let mut written: Vec<&'static str> = Vec::new();
    let mut refused: Vec<(&str, Range<usize>, Refusal)> = Vec::new();
    for attribute in &tag.attributes {
        match check_attribute(element, &attribute.name, &attribute.value, out.ids) {
            Ok((name, _)) if written.contains(&name) => {}
            Ok((name, value)) => {
                written.push(name);
                if name == "lang" {
                    out.w.lang(&value);
                } else {
                    out.w.attr(name, &value);
                }
            }
            Err(refusal) => refused.push((&attribute.name, attribute.range.clone(), refusal)),
        }
    }
    let (Some(first), Some(last)) = (refused.first(), refused.last()) else {
        return;
    };
    let names: Vec<String> = refused.iter().map(|(n, ..)| format!("`{n}`")).collect();
    let message = match names.as_slice() {
        [one] => format!("attribute {one} of `<{}>` is left out", element.name),
        [init @ .., last] => format!(
            "attributes {} and {last} of `<{}>` are left out",
            init.join(", "),
            element.name
        ),
        [] => unreachable!("refused is not empty"),
    };
    let mut warning = Diagnostic::warning("html-attribute-dropped", message)
        .at(at.span(first.1.start..last.1.end));
    let mut hints: Vec<String> = Vec::new();
    for (_, _, refusal) in &refused {
        let hint = match refusal {
            Refusal::Script => "event handlers (`on…`) are scripts, and the e-book runs none".to_string(),
            Refusal::Style => format!("{LOOKS}: give the element a `class` and style that instead of a `style`"),
            Refusal::NotKept => "quire keeps `class`, `id`, `title`, `lang`, `dir`, `role`, `aria-label`, `aria-hidden`, `epub:type` and a few attributes particular to an element".to_string(),
            Refusal::Invalid(why) => why.clone(),
        };
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    for hint in hints {
        warning = warning.hint(hint);
    }
    out.warnings.push(warning);
}

/// The name and value to write for an attribute, or why it is left out.
fn check_attribute<'v>(
    element: &Element,
    name: &str,
    value: &'v str,
    ids: &mut Ids,
) -> Result<(&'static str, Cow<'v, str>), Refusal> {
    let invalid = |why: &str| Err(Refusal::Invalid(why.to_string()));
    let keep = |name: &'static str| Ok((name, Cow::Borrowed(value)));
    match name {
        _ if name.starts_with("on") => Err(Refusal::Script),
        "style" => Err(Refusal::Style),
        "class" => keep("class"),
        "title" => keep("title"),
        "epub:type" if !value.trim().is_empty() => keep("epub:type"),
        "lang" | "xml:lang" if is_language(value) => keep("lang"),
        "lang" | "xml:lang" => invalid("`lang` must be a language tag such as `en` or `pt-BR`"),
        "dir" => match value.to_ascii_lowercase().as_str() {
            "ltr" => Ok(("dir", Cow::Borrowed("ltr"))),
            "rtl" => Ok(("dir", Cow::Borrowed("rtl"))),
            "auto" => Ok(("dir", Cow::Borrowed("auto"))),
            _ => invalid("`dir` must be `ltr`, `rtl` or `auto`"),
        },
        "id" => match ids.claim(value) {
            Ok(()) => keep("id"),
            Err(why) => Err(Refusal::Invalid(why)),
        },
        "role"
            if value.split_ascii_whitespace().count() > 0
                && value.split_ascii_whitespace().all(|r| ROLES.contains(&r)) =>
        {
            keep("role")
        }
        "role" => invalid(
            "`role` must be a structural WAI-ARIA role (such as `note`) or a DPUB-ARIA `doc-…` role",
        ),
        "aria-label" if !value.trim().is_empty() => keep("aria-label"),
        "aria-hidden" if matches!(value, "true" | "false") => keep("aria-hidden"),
        "aria-hidden" => invalid("`aria-hidden` must be `true` or `false`"),
        _ => match element.attributes.iter().find(|a| **a == name) {
            Some(&name) => check_element_attribute(name, value),
            None => Err(Refusal::NotKept),
        },
    }
}

/// Checks an attribute particular to an element.
fn check_element_attribute<'v>(
    name: &'static str,
    value: &'v str,
) -> Result<(&'static str, Cow<'v, str>), Refusal> {
    let ok = |value| Ok((name, value));
    let number = |low: u32, high: u32| {
        value.bytes().all(|b| b.is_ascii_digit())
            && value
                .parse::<u32>()
                .is_ok_and(|n| (low..=high).contains(&n))
    };
    let invalid = |why: String| Err(Refusal::Invalid(why));
    match name {
        "href" | "cite" if is_safe_url(value) => ok(Cow::Borrowed(value)),
        "href" | "cite" => {
            invalid("`javascript:`, `vbscript:` and `data:` addresses are left out".to_string())
        }
        // Boolean attributes: in XHTML their value is their name.
        "reversed" | "open" => ok(Cow::Borrowed(name)),
        "start"
            if value
                .strip_prefix('-')
                .unwrap_or(value)
                .parse::<u32>()
                .is_ok() =>
        {
            ok(Cow::Borrowed(value))
        }
        "start" => invalid("`start` must be a whole number".to_string()),
        "type" if matches!(value, "1" | "a" | "A" | "i" | "I") => ok(Cow::Borrowed(value)),
        "type" => invalid("`type` must be `1`, `a`, `A`, `i` or `I`".to_string()),
        "colspan" | "span" if number(1, 1000) => ok(Cow::Borrowed(value)),
        "rowspan" if number(0, 65534) => ok(Cow::Borrowed(value)),
        "colspan" | "span" | "rowspan" => {
            invalid(format!("`{name}` must be a number (from 1 to 1000)"))
        }
        "scope" => match value.to_ascii_lowercase().as_str() {
            "row" => ok(Cow::Borrowed("row")),
            "col" => ok(Cow::Borrowed("col")),
            "rowgroup" => ok(Cow::Borrowed("rowgroup")),
            "colgroup" => ok(Cow::Borrowed("colgroup")),
            _ => invalid("`scope` must be `row`, `col`, `rowgroup` or `colgroup`".to_string()),
        },
        "datetime" if is_datetime(value) => ok(Cow::Borrowed(value)),
        "datetime" => invalid(
            "`datetime` must be a date or time such as `2024-05-01` or `2024-05-01T09:30`"
                .to_string(),
        ),
        _ => ok(Cow::Borrowed(value)),
    }
}

/// A link that cannot run code: not `javascript:`, `vbscript:` or `data:`.
/// Characters browsers skip in a scheme (and the writer drops) are removed
/// before looking, so `java&#9;script:` is caught too.
fn is_safe_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|&c| c > ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    !["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

/// A BCP 47-shaped language tag (`en`, `pt-BR`, `sr-Latn-RS`), or empty
/// (which says "unknown language").
fn is_language(value: &str) -> bool {
    value.is_empty()
        || value.split('-').enumerate().all(|(i, part)| {
            (1..=8).contains(&part.len())
                && if i == 0 {
                    part.bytes().all(|b| b.is_ascii_alphabetic())
                } else {
                    part.bytes().all(|b| b.is_ascii_alphanumeric())
                }
        })
}

/// An XML name without colons (what an `id` must be in XHTML).
fn is_xml_name(value: &str) -> bool {
    let start = |c: char| {
        c.is_ascii_alphabetic()
            || c == '_'
            || matches!(c as u32,
                0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D | 0x37F..=0x1FFF
                | 0x200C..=0x200D | 0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF
                | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD | 0x10000..=0xEFFFF)
    };
    let rest = |c: char| {
        start(c)
            || c.is_ascii_digit()
            || matches!(c, '-' | '.' | '\u{B7}')
            || matches!(c as u32, 0x300..=0x36F | 0x203F..=0x2040)
    };
    let mut chars = value.chars();
    chars.next().is_some_and(start) && chars.all(rest)
}

/// A date, time or both as HTML's `datetime` takes them (the common forms:
/// `2024`, `2024-05`, `2024-05-01`, `09:30`, `09:30:15.5`,
/// `2024-05-01T09:30Z`, `2024-05-01 09:30+02:00`).
fn is_datetime(value: &str) -> bool {
    let number = |s: &str, len: usize, max: u32| {
        s.len() == len
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let date = |s: &str, full: bool| {
        let parts: Vec<&str> = s.split('-').collect();
        let year = parts
            .first()
            .is_some_and(|y| y.len() >= 4 && y.bytes().all(|b| b.is_ascii_digit()));
        let month = |m: &str| number(m, 2, 12) && m != "00";
        let day = |d: &str| number(d, 2, 31) && d != "00";
        year && match parts[1..] {
            [] => !full,
            [m] => !full && month(m),
            [m, d] => month(m) && day(d),
            _ => false,
        }
    };
    let time = |s: &str| {
        let (hm, seconds) = match s.splitn(3, ':').collect::<Vec<_>>()[..] {
            [h, m] => ((h, m), None),
            [h, m, sec] => ((h, m), Some(sec)),
            _ => return false,
        };
        number(hm.0, 2, 23)
            && number(hm.1, 2, 59)
            && seconds.is_none_or(|sec| {
                let (whole, fraction) = sec.split_once('.').unwrap_or((sec, "0"));
                number(whole, 2, 59)
                    && !fraction.is_empty()
                    && fraction.bytes().all(|b| b.is_ascii_digit())
            })
    };
    let zoned = |s: &str| {
        if let Some(t) = s.strip_suffix('Z') {
            return time(t);
        }
        match s.rfind(['+', '-']) {
            Some(i) => {
                let zone = s[i + 1..].replace(':', "");
                time(&s[..i])
                    && zone.len() == 4
                    && number(&zone[..2], 2, 23)
                    && number(&zone[2..], 2, 59)
            }
            None => time(s),
        }
    };
    let value = value.trim();
    match value.split_once(['T', ' ']) {
        Some((d, t)) => date(d, true) && zoned(t),
        None => date(value, false) || time(value),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// One container fed HTML nodes and Markdown stand-ins, as the chapter
    /// writer feeds it, inside a `<section>` (blocks) or `<p>` (inlines).
    struct Container {
        w: XmlWriter,
        ids: Ids,
        warnings: Vec<Diagnostic>,
        raw: RawHtml,
        /// Where the next node starts in the pretend source.
        offset: usize,
    }

    impl Container {
        fn new(inline: bool) -> Self {
            let mut w = XmlWriter::new();
            w.start(if inline { "p" } else { "section" });
            Container {
                w,
                ids: Ids::default(),
                warnings: Vec::new(),
                raw: RawHtml::new(Context {
                    inline,
                    outer: Vec::new(),
                }),
                offset: 0,
            }
        }

        fn blocks() -> Self {
            Self::new(false)
        }

        fn inlines() -> Self {
            Self::new(true)
        }

        /// The next `len` bytes of the pretend source.
        fn span(&mut self, len: usize) -> Span {
            let span = Span::new(FileId(0), self.offset..self.offset + len);
            self.offset += len;
            span
        }

        fn html(mut self, html: &str) -> Self {
            let span = self.span(html.len());
            let mut out = Output {
                w: &mut self.w,
                ids: &mut self.ids,
                warnings: &mut self.warnings,
            };
            self.raw.feed(html, span, &mut out);
            self
        }

        /// Markdown text in running text (left out while skipping).
        fn text(mut self, text: &str) -> Self {
            let _ = self.span(text.len());
            if !self.raw.skipping() {
                self.w.text(text);
            }
            self
        }

        /// A Markdown paragraph among blocks.
        fn paragraph(mut self, text: &str) -> Self {
            let span = self.span(text.len());
            let mut out = Output {
                w: &mut self.w,
                ids: &mut self.ids,
                warnings: &mut self.warnings,
            };
            self.raw.before_markdown_block("p", span, &mut out);
            self.w.element("p", text);
            self
        }

        /// The markup inside the wrapper, and each warning as
        /// `code@start: message`.
        fn finish(mut self) -> (String, Vec<String>) {
            let root = if self.raw.context.inline {
                "p"
            } else {
                "section"
            };
            let mut out = Output {
                w: &mut self.w,
                ids: &mut self.ids,
                warnings: &mut self.warnings,
            };
            let _ = self.raw.finish(&mut out);
            self.w.end();
            let xml = self.w.finish();
            // An empty wrapper is written `<p/>`.
            let inner = xml
                .strip_prefix(&format!("<{root}>"))
                .and_then(|x| x.strip_suffix(&format!("</{root}>")))
                .unwrap_or("")
                .to_string();
            let warnings = self
                .warnings
                .iter()
                .map(|d| {
                    let Some(crate::diag::Location::Span(span)) = &d.location else {
                        panic!("warning without span: {d:?}")
                    };
                    format!("{}@{}: {}", d.code, span.start, d.message)
                })
                .collect();
            (inner, warnings)
        }
    }

    fn block(html: &str) -> (String, Vec<String>) {
        Container::blocks().html(html).finish()
    }

    fn codes(warnings: &[String]) -> Vec<&str> {
        warnings
            .iter()
            .map(|w| w.split('@').next().unwrap())
            .collect()
    }

    #[test]
    fn phrasing_elements_in_running_text_are_kept() {
        let (xml, warnings) = Container::inlines()
            .html(r#"<span class="smallcaps">"#)
            .text("x")
            .html("</span>")
            .text(" H")
            .html("<sub>")
            .text("2")
            .html("</sub>")
            .text("O ")
            .html(r#"<abbr title="A &amp; B &lt;C&gt;">"#)
            .text("AB")
            .html("</abbr>")
            .html("<br>")
            .finish();
        assert_eq!(
            xml,
            r#"<span class="smallcaps">x</span> H<sub>2</sub>O <abbr title="A &amp; B &lt;C&gt;">AB</abbr><br/>"#
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn unclosed_phrasing_ends_with_its_container() {
        let (xml, warnings) = Container::inlines()
            .text("a ")
            .html("<b>")
            .text("runs on")
            .finish();
        assert_eq!(xml, "a <b>runs on</b>");
        assert_eq!(
            warnings,
            ["html-unclosed@2: `<b>` is not closed; it ends with the Markdown element around it"]
        );
    }

    #[test]
    fn flow_elements_in_running_text_are_unwrapped() {
        let (xml, warnings) = Container::inlines()
            .html("<div>")
            .text("x")
            .html("</div>")
            .html("<hr>")
            .finish();
        assert_eq!(xml, "x");
        assert_eq!(
            warnings,
            [
                "html-unwrapped@0: `<div>` cannot go in running text; its content is kept without it",
                "html-unwrapped@12: `<hr>` cannot go in running text; it is left out",
            ]
        );
    }

    #[test]
    fn dropped_elements_take_their_content_along() {
        let (xml, warnings) = block("<p>a<script>alert('<b>')</script>b<style>p{}</style></p>\n");
        assert_eq!(xml, "<p>ab</p>");
        assert_eq!(
            codes(&warnings),
            ["html-dropped", "html-dropped"],
            "{warnings:?}"
        );
        assert!(warnings[0].starts_with("html-dropped@4: `<script>` is left out"));
        // In running text, the Markdown between the tags goes too, nested
        // elements of the same name included.
        let (xml, warnings) = Container::inlines()
            .text("a")
            .html("<video>")
            .text("fallback")
            .html("<video>")
            .html("</video>")
            .text("still inside")
            .html("</video>")
            .text("b")
            .html("<img src=x.png>")
            .finish();
        assert_eq!(xml, "ab");
        assert_eq!(codes(&warnings), ["html-dropped", "html-dropped"]);
        assert!(warnings[1].ends_with("`<img>` is left out of the e-book"));
    }

    #[test]
    fn a_block_nodes_drop_ends_with_the_node() {
        let (xml, warnings) = Container::blocks()
            .html("<form>\n")
            .paragraph("kept")
            .html("</form>\n")
            .finish();
        assert_eq!(xml, "<p>kept</p>");
        assert_eq!(codes(&warnings), ["html-dropped"]);
    }

    #[test]
    fn an_unclosed_drop_in_running_text_is_reported() {
        let (xml, warnings) = Container::inlines()
            .text("a")
            .html("<button>")
            .text("gone")
            .finish();
        assert_eq!(xml, "a");
        assert_eq!(codes(&warnings), ["html-dropped", "html-unclosed"]);
    }

    #[test]
    fn markdown_blocks_go_inside_raw_containers() {
        let (xml, warnings) = Container::blocks()
            .html("<div class=\"note\">\n")
            .paragraph("inside")
            .html("</div>\n")
            .finish();
        assert_eq!(xml, "<div class=\"note\"><p>inside</p></div>");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn markdown_blocks_end_what_cannot_hold_them() {
        // An open <p> ends silently, as HTML's implied end tag.
        let (xml, warnings) = Container::blocks()
            .html("<p>a\n")
            .paragraph("b")
            .html("</p>\n")
            .finish();
        assert_eq!(xml, "<p>a</p><p>b</p>");
        assert!(warnings.is_empty(), "{warnings:?}");
        // A table ends with a warning at the Markdown; its end tag later is
        // expected, not unmatched.
        let (xml, warnings) = Container::blocks()
            .html("<table><tr>\n")
            .paragraph("b")
            .html("</tr></table>\n")
            .finish();
        assert_eq!(xml, "<table><tr/></table><p>b</p>");
        assert_eq!(
            warnings,
            [
                "html-unclosed@12: this Markdown paragraph cannot go inside `<table>`, so the HTML elements around it end before it"
            ]
        );
    }

    #[test]
    fn phrasing_opened_by_a_block_node_ends_with_it() {
        let (xml, warnings) = Container::blocks()
            .html("<span class=\"x\">\n")
            .paragraph("p")
            .html("</span>\n")
            .finish();
        assert_eq!(xml, "<span class=\"x\"/><p>p</p>");
        assert_eq!(
            warnings,
            ["html-unclosed@0: `<span>` is not closed in its HTML block, so it ends there"]
        );
    }

    #[test]
    fn tables_get_their_implied_end_tags() {
        let (xml, warnings) =
            block("<table>\n<tr><th scope=col>N<th>V\n<tr><td>one<td colspan=\"2\">1</table>");
        assert_eq!(
            xml,
            "<table>\n<tr><th scope=\"col\">N</th><th>V\n</th></tr><tr><td>one</td><td colspan=\"2\">1</td></tr></table>"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn lists_and_definitions_get_their_implied_end_tags() {
        let (xml, warnings) =
            block("<ol start=3 reversed><li>a<li>b<ul><li>c</ul></ol><dl><dt>t<dd>d<dt>u</dl>");
        assert_eq!(
            xml,
            "<ol start=\"3\" reversed=\"reversed\"><li>a</li><li>b<ul><li>c</li></ul></li></ol><dl><dt>t</dt><dd>d</dd><dt>u</dt></dl>"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn misplaced_structure_is_unwrapped() {
        let (xml, warnings) = block("<td>cell</td><li>item</li><rt>x</rt>");
        assert_eq!(xml, "cellitemx");
        assert_eq!(
            warnings,
            [
                "html-unwrapped@0: `<td>` can only go directly inside `<tr>`; its content is kept without it",
                "html-unwrapped@13: `<li>` can only go directly inside `<ul>` or `<ol>`; its content is kept without it",
                "html-unwrapped@26: `<rt>` can only go directly inside `<ruby>`; its content is kept without it",
            ]
        );
        // Text cannot go directly in a table, not even an unwrapped one's.
        let (xml, warnings) = block("<table>stray<div>x</div> </table>");
        assert_eq!(xml, "<table> </table>");
        assert_eq!(
            codes(&warnings),
            ["html-dropped", "html-unwrapped", "html-dropped"]
        );
    }

    #[test]
    fn flow_ends_an_open_paragraph() {
        let (xml, warnings) = block("<p>a<b>b<div>c</div>d</p>");
        assert_eq!(xml, "<p>a<b>b</b></p><div>c</div>d");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn links_do_not_nest() {
        let (xml, warnings) = Container::inlines()
            .html("<a href=\"#a\">")
            .html("<a href=\"#b\">")
            .text("x")
            .html("</a>")
            .html("</a>")
            .finish();
        assert_eq!(xml, "<a href=\"#a\">x</a>");
        assert_eq!(codes(&warnings), ["html-unwrapped"]);
        assert!(warnings[0].contains("`<a>` cannot go inside `<a>`"));
    }

    #[test]
    fn renamed_and_unknown_elements() {
        let (xml, warnings) =
            block("<center>c</center><h1>T</h1><font color=red>f</font><my-tag/>");
        assert_eq!(xml, "<div>c</div><h2>T</h2>f");
        assert_eq!(
            warnings,
            [
                "html-unwrapped@28: unknown element `<font>` is left out; its content is kept",
                "html-unwrapped@52: unknown element `<my-tag>` is left out; its content is kept",
            ]
        );
    }

    #[test]
    fn comments_and_doctypes_vanish_silently() {
        let (xml, warnings) = block("<!DOCTYPE html><!-- note -->a<?x?>");
        assert_eq!(xml, "a");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn unmatched_end_tags_are_ignored() {
        let (xml, warnings) = block("a</div>b</script></br>");
        assert_eq!(xml, "ab");
        assert_eq!(
            warnings,
            ["html-unmatched@1: `</div>` has no open `<div>` to close; it is ignored"]
        );
        // An end tag closes up to its element.
        let (xml, warnings) = block("<div><section><em>x</div>y");
        assert_eq!(xml, "<div><section><em>x</em></section></div>y");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn end_tags_of_elements_opened_outside_are_reported() {
        let mut container = Container::new(true);
        container.raw = RawHtml::new(Context {
            inline: true,
            outer: vec!["span"],
        });
        let (xml, warnings) = container.text("x").html("</span>").finish();
        assert_eq!(xml, "x");
        assert_eq!(codes(&warnings), ["html-unmatched"]);
        assert!(warnings[0].contains("opened outside the Markdown element"));
    }

    #[test]
    fn attributes_are_filtered_with_one_warning_per_element() {
        let (xml, warnings) =
            block(r#"<p onclick="x()" style="color:red" class="c" data-x="1">t</p>"#);
        assert_eq!(xml, r#"<p class="c">t</p>"#);
        assert_eq!(
            warnings,
            [
                "html-attribute-dropped@3: attributes `onclick`, `style` and `data-x` of `<p>` are left out"
            ]
        );
        let (xml, warnings) = block(
            r#"<span lang="ko" dir="RTL" title="t" role="note" aria-label="l" aria-hidden="true" epub:type="z">s</span>"#,
        );
        assert_eq!(
            xml,
            r#"<span lang="ko" xml:lang="ko" dir="rtl" title="t" role="note" aria-label="l" aria-hidden="true" epub:type="z">s</span>"#
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn attribute_values_are_checked() {
        let (xml, warnings) = block(
            r#"<span dir="sideways" lang="not a tag" role="button" aria-hidden="yes"></span>"#,
        );
        assert_eq!(xml, "<span/>");
        assert_eq!(codes(&warnings), ["html-attribute-dropped"]);
        let (xml, _) = block(
            r#"<table><tr><td colspan="0" rowspan="2">x</td><th scope="ROW" colspan="x2">y</th></tr></table>"#,
        );
        assert_eq!(
            xml,
            r#"<table><tr><td rowspan="2">x</td><th scope="row">y</th></tr></table>"#
        );
        let (xml, _) = block(
            r#"<ol type="i" start="-2"></ol><ol type="x" start="two"></ol><time datetime="2024-05-01T09:30+02:00">t</time><time datetime="soon">u</time>"#,
        );
        assert_eq!(
            xml,
            r#"<ol type="i" start="-2"/><ol/><time datetime="2024-05-01T09:30+02:00">t</time><time>u</time>"#
        );
        let (xml, _) = block(r#"<bdo dir="rtl">a</bdo><bdo>b</bdo><q cite="https://x">c</q>"#);
        assert_eq!(xml, r#"<bdo dir="rtl">a</bdo>b<q cite="https://x">c</q>"#);
    }

    #[test]
    fn script_urls_are_left_out() {
        for href in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java&#9;script:alert(1)",
            "&#106;avascript:x",
            "vbscript:x",
            "data:text/html,<script>",
            "\u{1}javascript:x",
        ] {
            let html = format!("<a href=\"{href}\">x</a>");
            let (xml, warnings) = block(&html);
            assert_eq!(xml, "<a>x</a>", "{href}");
            assert_eq!(codes(&warnings), ["html-attribute-dropped"], "{href}");
        }
        let (xml, _) =
            block(r##"<a href="https://example.org/?a=1&amp;b=2">x</a><a href="#n">y</a>"##);
        assert_eq!(
            xml,
            r##"<a href="https://example.org/?a=1&amp;b=2">x</a><a href="#n">y</a>"##
        );
    }

    #[test]
    fn ids_must_be_valid_and_unused() {
        let mut container = Container::blocks();
        container.ids.used.insert("taken".to_string());
        let (xml, warnings) = container
            .html(r#"<div id="fresh"></div><div id="fresh"></div><div id="taken"></div><div id="2x"></div><div id="fn-1"></div><div id="é-ok"></div>"#)
            .finish();
        assert_eq!(
            xml,
            r#"<div id="fresh"/><div/><div/><div/><div/><div id="é-ok"/>"#
        );
        assert_eq!(codes(&warnings), ["html-attribute-dropped"; 4]);
    }

    #[test]
    fn chapter_ids_are_known_in_advance() {
        let mut sources = crate::source::SourceMap::new();
        let text =
            "# Title\n\n## Part {#part}\n\n> ### Deep\n\nA call[^1].\n\n[^1]: ## In a note\n";
        let file = sources.add("chapters/01.md", text.to_string());
        let parsed = crate::markdown::parse(
            sources.get(file),
            file,
            crate::world::BookPath::parse("chapters/01.md").unwrap(),
            "one".into(),
            &mut crate::diag::Sink::new(),
        );
        let mut ids = Ids::for_chapter(&parsed.chapter);
        for id in [
            "one",
            "title",
            "part",
            "deep",
            "in-a-note",
            "fn-1",
            "fnref-1",
        ] {
            assert!(ids.claim(id).is_err(), "{id} should be taken");
        }
        assert_eq!(ids.claim("free"), Ok(()));
    }

    #[test]
    fn warnings_point_at_the_tag() {
        // Lines after the first line up only when the node's text is its
        // source (lengths agree); otherwise the whole node is pointed at.
        let span = Span::new(FileId(0), 100..112);
        let at = Locator::new(span, "<b>\n<i>\n</i>");
        assert_eq!(at.span(0..3), Span::new(FileId(0), 100..103));
        assert_eq!(at.span(4..7), Span::new(FileId(0), 104..107));
        let in_quote = Span::new(FileId(0), 100..116);
        let at = Locator::new(in_quote, "<b>\n<i>\n</i>");
        assert_eq!(at.span(0..3), Span::new(FileId(0), 100..103));
        assert_eq!(at.span(4..7), in_quote);
        // An indented block's text keeps the indentation its span starts after.
        let indented = Span::new(FileId(0), 103..115);
        let at = Locator::new(indented, "   <b>\n<i>\n</i>");
        assert_eq!(at.span(3..6), Span::new(FileId(0), 103..106));
        assert_eq!(at.span(7..10), Span::new(FileId(0), 107..110));
    }

    #[test]
    fn deep_or_long_input_stays_fast() {
        let n = 50_000;
        let html = format!(
            "{}{}{}",
            "<div>".repeat(n),
            "</span>".repeat(n),
            "<ul><li>".repeat(n)
        );
        let start = std::time::Instant::now();
        let (xml, warnings) = block(&html);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            start.elapsed()
        );
        assert_eq!(xml.matches("<div").count(), MAX_DEPTH);
        assert!(warnings.iter().any(|w| w.contains("nested more than 64")));
    }

    // --- Token soup ---------------------------------------------------------

    /// A small deterministic generator (xorshift64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[rustfmt::skip]
    const SOUP: &[&str] = &[
        "<div class=\"note\">", "</div>", "<p>", "</p>", "<span title='t'>", "</span>", "<b>",
        "</b>", "<i>", "</i>", "<em>", "</em>", "<table>", "</table>", "<tr>", "</tr>",
        "<td colspan=2>", "</td>", "<th scope=col>", "<tbody>", "</tbody>", "<thead>",
        "<caption>", "</caption>", "<colgroup>", "<col span=2>", "<ul>", "</ul>",
        "<ol start=3 reversed>", "</ol>", "<li>", "</li>", "<dl>", "<dt>", "<dd>", "</dl>",
        "<ruby>", "<rt>", "<rp>", "</ruby>", "<a href=\"https://x\">",
        "<a href=\"javascript:x\">", "</a>", "<script>alert(1)</script>", "<script>",
        "</script>", "<style>p{}</style>", "<video>", "</video>",
        "<img src=x onerror=alert(1)>", "<br>", "<hr/>", "<wbr>", "<font color=red>", "</font>",
        "<h2 id=x>", "</h2>", "<h1>", "<center>", "</center>", "<section>", "</section>",
        "<header>", "</header>", "<footer>", "<address>", "<figure>", "<figcaption>",
        "</figure>", "<details open>", "<summary>", "<pre>", "</pre>", "<bdo dir=rtl>", "<bdo>",
        "</bdo>", "<q cite=\"javascript:x\">", "<dfn>", "<time datetime=\"2024-05-01\">",
        "<blockquote>", "</blockquote>", "<aside>",
        "<p onclick=\"x()\" style=\"c\" lang=en dir=rtl id=x aria-label=y role=note epub:type=z>",
        "text", " & ", "&amp;", "&nbsp;", "<", "<!-- c -->", "<!DOCTYPE html>", "\n", "<span",
        "x=\"", "</", "<svg><p>in svg</p></svg>", "<textarea><b></textarea>",
    ];

    /// A node of one to six soup pieces.
    fn soup(rng: &mut Rng) -> String {
        (0..1 + rng.below(6))
            .map(|_| SOUP[rng.below(SOUP.len())])
            .collect()
    }

    /// Checks that `xml` (what the wrapper holds) is balanced, uses only
    /// kept elements and attributes, and puts every element where it may go.
    fn check_valid(xml: &str, inline: bool) -> Result<(), String> {
        let root = if inline { "p" } else { "section" };
        let mut stack: Vec<&str> = Vec::new();
        for token in html::tokenize(xml) {
            match token.kind {
                TokenKind::Start(tag) => {
                    let name = tag.name.as_str();
                    let parent = stack.last().copied().unwrap_or(root);
                    {
                        let Some(e) = element(name) else {
                            return Err(format!("`<{name}>` is not kept"));
                        };
                        for a in &tag.attributes {
                            let global = [
                                "class",
                                "title",
                                "lang",
                                "xml:lang",
                                "dir",
                                "id",
                                "role",
                                "aria-label",
                                "aria-hidden",
                                "epub:type",
                            ];
                            if !global.contains(&a.name.as_str())
                                && !e.attributes.contains(&a.name.as_str())
                            {
                                return Err(format!("`{}` on `<{name}>`", a.name));
                            }
                        }
                        let parent_element = element(parent);
                        let parent_model = match parent_element {
                            Some(p) => p.model,
                            None if inline => Model::Phrasing,
                            None => Model::Flow,
                        };
                        let placed = if e.parents.is_empty() {
                            match parent_model {
                                Model::Flow => true,
                                Model::Phrasing => e.category == Category::Phrasing,
                                _ => false,
                            }
                        } else {
                            e.parents.contains(&parent)
                        };
                        if !placed {
                            return Err(format!("`<{name}>` inside `<{parent}>`"));
                        }
                        if let Some(banned) = stack.iter().find(|a| e.not_inside.contains(a)) {
                            return Err(format!("`<{name}>` inside `<{banned}>`"));
                        }
                    }
                    if !tag.self_closing {
                        stack.push(element(name).map_or("?", |e| e.name));
                    }
                }
                TokenKind::End(name) => match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("`</{name}>` closes {other:?}")),
                },
                TokenKind::Text(text) => {
                    let parent = stack.last().and_then(|p| element(p));
                    if parent.is_some_and(|p| p.model == Model::Structure)
                        && !text.trim().is_empty()
                    {
                        return Err(format!("text {text:?} in `<{}>`", stack.last().unwrap()));
                    }
                }
                TokenKind::Comment(_) | TokenKind::Other(_) => {
                    return Err("a comment or declaration got through".into());
                }
            }
        }
        if !stack.is_empty() {
            return Err(format!("left open: {stack:?}"));
        }
        if xml.contains("<script") || xml.contains("javascript:") {
            return Err("a script got through".into());
        }
        Ok(())
    }

    #[test]
    fn token_soup_always_comes_out_valid() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..2000 {
            let inline = case % 2 == 1;
            let mut container = Container::new(inline);
            let mut input = Vec::new();
            for _ in 0..1 + rng.below(8) {
                if rng.below(3) == 0 {
                    container = match inline {
                        true => container.text("words"),
                        false => container.paragraph("words"),
                    };
                    input.push("(Markdown)".to_string());
                } else {
                    let node = soup(&mut rng);
                    container = container.html(&node);
                    input.push(node);
                }
            }
            let (xml, _) = container.finish();
            if let Err(problem) = check_valid(&xml, inline) {
                panic!("case {case}: {problem}\ninput: {input:?}\noutput: {xml}");
            }
        }
    }
}
