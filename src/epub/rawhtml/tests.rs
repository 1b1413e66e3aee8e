//! The sanitizer's decisions, and its balance on generated tag soup.

use super::*;
use crate::source::FileId;

/// Links of a chapter with no other chapters, whose every `#id` is taken
/// to exist.
struct Fragments;

impl Resolve for Fragments {
    fn resolve(&mut self, destination: &str) -> Result<String, String> {
        match super::super::links::absolute(destination) {
            Some(result) => result,
            None if destination.starts_with('#') => Ok(destination.to_string()),
            None => Err(format!("`{destination}` is not a chapter")),
        }
    }
}

/// One container fed HTML nodes and Markdown stand-ins, as the chapter
/// writer feeds it, inside a `<section>` (blocks) or `<p>` (inlines).
struct Container {
    w: XmlWriter,
    ids: Ids,
    warnings: Vec<Diagnostic>,
    links: Fragments,
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
            links: Fragments,
            raw: RawHtml::new(Context {
                inline,
                outer: Vec::new(),
                lines_match: true,
            }),
            offset: 0,
        }
    }

    /// The raw HTML state and where it writes.
    fn parts(&mut self) -> (&mut RawHtml, Output<'_>) {
        let out = Output {
            w: &mut self.w,
            ids: &mut self.ids,
            warnings: &mut self.warnings,
            links: &mut self.links,
        };
        (&mut self.raw, out)
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
        let (raw, mut out) = self.parts();
        raw.feed(html, span, &mut out);
        self
    }

    /// Markdown text in running text (left out while skipping).
    fn text(mut self, text: &str) -> Self {
        let span = self.span(text.len());
        if !self.raw.skipping() {
            let (raw, mut out) = self.parts();
            if !text.trim().is_empty() {
                raw.markdown_content(span, &mut out);
            }
            out.w.text(text);
        }
        self
    }

    /// A Markdown paragraph among blocks.
    fn paragraph(self, text: &str) -> Self {
        self.markdown_block("p", &[], text)
    }

    /// A Markdown block written as `element` holding blocks written as
    /// `inside`, with `text` in it.
    fn markdown_block(
        mut self,
        element: &'static str,
        inside: &[&'static str],
        text: &str,
    ) -> Self {
        let span = self.span(text.len());
        let (raw, mut out) = self.parts();
        raw.before_markdown_block(element, inside, span, &mut out);
        out.w.element(element, text);
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
        let raw = std::mem::replace(&mut self.raw, RawHtml::new(Context::default()));
        let (_, mut out) = self.parts();
        let _ = raw.finish(&mut out);
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
    assert_eq!(xml, "<table><tbody><tr/></tbody></table><p>b</p>");
    assert_eq!(
        warnings,
        [
            "html-unclosed@12: this Markdown paragraph cannot go inside `<table>`, so the HTML elements around it end before it"
        ]
    );
}

#[test]
fn markdown_blocks_end_what_the_blocks_in_them_cannot_go_in() {
    // A quotation holding a table cannot go in a caption; one holding a
    // paragraph can.
    let (xml, warnings) = Container::blocks()
        .html("<table><caption>\n")
        .markdown_block("blockquote", &["p"], "q")
        .markdown_block("blockquote", &["table", "p"], "t")
        .html("</caption></table>\n")
        .finish();
    assert_eq!(
        xml,
        "<table><caption><blockquote>q</blockquote></caption></table><blockquote>t</blockquote>"
    );
    assert_eq!(codes(&warnings), ["html-unclosed"]);
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
        "<table>\n<tbody><tr><th scope=\"col\">N</th><th>V\n</th></tr><tr><td>one</td><td colspan=\"2\">1</td></tr></tbody></table>"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn lists_and_definitions_get_their_implied_end_tags() {
    let (xml, warnings) =
        block("<ol start=3 reversed><li>a<li>b<ul><li>c</ul></ol><dl><dt>t<dd>d<dt>u<dd>v</dl>");
    assert_eq!(
        xml,
        "<ol start=\"3\" reversed=\"reversed\"><li>a</li><li>b<ul><li>c</li></ul></li></ol><dl><dt>t</dt><dd>d</dd><dt>u</dt><dd>v</dd></dl>"
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
    let (xml, warnings) = block("<center>c</center><h1>T</h1><font color=red>f</font><my-tag/>");
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
        lines_match: true,
    });
    let (xml, warnings) = container.text("x").html("</span>").finish();
    assert_eq!(xml, "x");
    assert_eq!(codes(&warnings), ["html-unmatched"]);
    assert!(warnings[0].contains("opened outside the Markdown element"));
}

#[test]
fn attributes_are_filtered_with_one_warning_per_element() {
    let (xml, warnings) = block(r#"<p onclick="x()" style="color:red" class="c" data-x="1">t</p>"#);
    assert_eq!(xml, r#"<p class="c">t</p>"#);
    assert_eq!(
        warnings,
        [
            "html-attribute-dropped@3: attributes `onclick`, `style` and `data-x` of `<p>` are left out"
        ]
    );
    let (xml, warnings) = block(
        r#"<span lang="ko" dir="RTL" title="t" role="note" aria-label="l" aria-hidden="true" epub:type="keyword">s</span>"#,
    );
    assert_eq!(
        xml,
        r#"<span lang="ko" xml:lang="ko" dir="rtl" title="t" role="note" aria-label="l" aria-hidden="true" epub:type="keyword">s</span>"#
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn attribute_values_are_checked() {
    let (xml, warnings) =
        block(r#"<span dir="sideways" lang="not a tag" role="button" aria-hidden="yes"></span>"#);
    assert_eq!(xml, "<span/>");
    assert_eq!(codes(&warnings), ["html-attribute-dropped"]);
    let (xml, _) = block(
        r#"<table><tr><td colspan="0" rowspan="2">x</td><th scope="ROW" colspan="x2">y</th></tr></table>"#,
    );
    assert_eq!(
        xml,
        r#"<table><tbody><tr><td rowspan="2">x</td><th scope="row">y</th></tr></tbody></table>"#
    );
    let (xml, _) = block(
        r#"<ol type="i" start="-2"></ol><ol type="x" start="two"></ol><time datetime="2024-05-01T09:30+02:00">t</time><time datetime="soon">u</time>"#,
    );
    assert_eq!(
        xml,
        r#"<ol type="i" start="-2"/><ol/><time datetime="2024-05-01T09:30+02:00">t</time>u"#
    );
    // Language tags are checked as `book.toml`'s are.
    let (xml, _) = block(r#"<i lang="abcd">a</i><i lang="x-klingon">b</i><i lang="">c</i>"#);
    assert_eq!(
        xml,
        r#"<i>a</i><i lang="x-klingon" xml:lang="x-klingon">b</i><i lang="" xml:lang="">c</i>"#
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
    let (xml, _) = block(r##"<a href="https://example.org/?a=1&amp;b=2">x</a><a href="#n">y</a>"##);
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
    let text = "# Title\n\n## Part {#part}\n\n> ### Deep\n\nA call[^1].\n\n[^1]: ## In a note\n";
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
    let at = Locator::new(span, "<b>\n<i>\n</i>", true);
    assert_eq!(at.span(0..3), Span::new(FileId(0), 100..103));
    assert_eq!(at.span(4..7), Span::new(FileId(0), 104..107));
    let in_quote = Span::new(FileId(0), 100..116);
    let at = Locator::new(in_quote, "<b>\n<i>\n</i>", false);
    assert_eq!(at.span(0..3), Span::new(FileId(0), 100..103));
    assert_eq!(at.span(4..7), in_quote);
    // An indented block's text keeps the indentation its span starts after.
    let indented = Span::new(FileId(0), 103..115);
    let at = Locator::new(indented, "   <b>\n<i>\n</i>", true);
    assert_eq!(at.span(3..6), Span::new(FileId(0), 103..106));
    assert_eq!(at.span(7..10), Span::new(FileId(0), 107..110));
    // `>   <div onclick=x>` then `> hi`: the text keeps two spaces of
    // indentation and loses the second `> `, so the lengths agree by
    // chance; in a quotation only the first line counts.
    let quoted = Span::new(FileId(0), 4..25);
    let at = Locator::new(quoted, "  <div onclick=x>\nhi\n", false);
    assert_eq!(at.span(7..14), Span::new(FileId(0), 9..16));
    assert_eq!(at.span(18..20), quoted);
}

#[test]
fn table_parts_come_in_order() {
    // A caption only first; a row directly in a table gets a body.
    let (xml, warnings) = block("<table><tr><td>a</td></tr><caption>x</caption></table>");
    assert_eq!(xml, "<table><tbody><tr><td>a</td></tr></tbody></table>");
    assert_eq!(codes(&warnings), ["html-unwrapped", "html-dropped"]);
    assert!(warnings[0].contains("`<caption>` can only be the first thing in `<table>`"));
    let (xml, warnings) = block(
        "<table><caption>c</caption><tbody><tr><td>a</td></tr></tbody><tr><td>b</td></tr></table>",
    );
    assert_eq!(
        xml,
        "<table><caption>c</caption><tbody><tr><td>a</td></tr></tbody><tbody><tr><td>b</td></tr></tbody></table>"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    // A head only before the rows; its rows are kept as body rows.
    let (xml, warnings) = block(
        "<table><tbody><tr><td>a</td></tr></tbody><thead><tr><th>h</th></tr></thead></table>",
    );
    assert_eq!(
        xml,
        "<table><tbody><tr><td>a</td></tr></tbody><tbody><tr><th>h</th></tr></tbody></table>"
    );
    assert_eq!(codes(&warnings), ["html-unwrapped"]);
    // A footer is a body; column groups only set the look.
    let (xml, warnings) = block(
        "<table><colgroup><col span=2></colgroup><tfoot><tr><td>f</td></tr></tfoot><tr><td>b</td></tr></table>",
    );
    assert_eq!(
        xml,
        "<table><tbody><tr><td>f</td></tr></tbody><tbody><tr><td>b</td></tr></tbody></table>"
    );
    assert_eq!(codes(&warnings), ["html-dropped"]);
}

#[test]
fn a_figure_has_one_caption_first_or_last() {
    let (xml, warnings) =
        block("<figure><figcaption>a</figcaption><p>x</p><figcaption>b</figcaption></figure>");
    assert_eq!(xml, "<figure><figcaption>a</figcaption><p>x</p>b</figure>");
    assert_eq!(codes(&warnings), ["html-unwrapped"]);
    // A caption after content is the last thing in the figure.
    let (xml, warnings) = Container::blocks()
        .html("<figure><p>x</p><figcaption>b</figcaption> <p>y</p>\n")
        .paragraph("z")
        .html("</figure>\n")
        .finish();
    assert_eq!(
        xml,
        "<figure><p>x</p><figcaption>b</figcaption> </figure><p>y</p><p>z</p>"
    );
    assert_eq!(codes(&warnings), ["html-unclosed"]);
    assert!(warnings[0].starts_with("html-unclosed@43: `<figure>` ends before this"));
}

#[test]
fn definitions_and_ruby_get_what_they_need() {
    let (xml, warnings) = block("<dl><dd>x</dd></dl><dl><dt>a<dd>b<dt>c</dl>");
    assert_eq!(
        xml,
        "<dl><dt/><dd>x</dd></dl><dl><dt>a</dt><dd>b</dd><dt>c</dt><dd/></dl>"
    );
    assert_eq!(codes(&warnings), ["html-incomplete", "html-incomplete"]);
    // Ruby text needs an annotation after it; fallback parentheses go.
    let (xml, warnings) = Container::inlines()
        .html("<ruby>")
        .text("漢")
        .html("<rp>(</rp><rt>kan</rt><rp>)</rp>")
        .text("字")
        .html("</ruby>")
        .finish();
    assert_eq!(xml, "<ruby>漢<rt>kan</rt>字<rt/></ruby>");
    assert_eq!(
        codes(&warnings),
        ["html-dropped", "html-dropped", "html-incomplete"]
    );
    let (xml, warnings) = Container::inlines()
        .html("<ruby>")
        .text("漢")
        .html("<rt>")
        .text("kan")
        .html("</rt> </ruby>")
        .finish();
    assert_eq!(xml, "<ruby>漢<rt>kan</rt> </ruby>");
    assert!(warnings.is_empty(), "{warnings:?}");
    // Details and summary are plain blocks.
    let (xml, _) = block("<details open><p>x</p><summary>s</summary></details>");
    assert_eq!(xml, "<div><p>x</p><div>s</div></div>");
}

#[test]
fn roles_and_semantics_are_checked_per_element() {
    let (xml, warnings) = block(
        r#"<div role="doc-tip"></div><section role="doc-tip"></section><aside role="doc-tip"></aside><ul role="list"></ul><p role="note doc-tip"></p><div role="doc-endnote"></div>"#,
    );
    assert_eq!(
        xml,
        r#"<div role="doc-tip"/><section/><aside role="doc-tip"/><ul/><p/><div/>"#
    );
    assert_eq!(codes(&warnings), ["html-attribute-dropped"; 4]);
    let (xml, warnings) = block(
        r#"<div epub:type=" chapter  pullquote "></div><div epub:type="dc:x"></div><div epub:type="sidebar"></div><div epub:type=""></div>"#,
    );
    assert_eq!(
        xml,
        r#"<div epub:type="chapter pullquote"/><div/><div/><div/>"#
    );
    assert_eq!(codes(&warnings), ["html-attribute-dropped"; 3]);
    // `abbr` on a header cell is obsolete.
    let (xml, _) = block(r#"<table><tr><th abbr="n" scope="col">Name</th></tr></table>"#);
    assert_eq!(
        xml,
        r#"<table><tbody><tr><th scope="col">Name</th></tr></tbody></table>"#
    );
}

#[test]
fn a_time_zone_is_checked_without_slicing_characters() {
    for value in ["2024-05-01T09:30+aé1", "2024-05-01T09:30+éé", "09:30-ü:ü"] {
        assert!(!is_datetime(value), "{value}");
    }
    assert!(is_datetime("2024-05-01T09:30+02:00"));
    assert!(is_datetime("2024-05-01 09:30-0530"));
}

#[test]
fn links_that_lead_nowhere_keep_their_text() {
    let (xml, warnings) = block(
        r##"<a href="02.md" class="x">a</a><a href="https://exa mple.org">b</a><q cite="not a url">c</q><a href="#n">d</a>"##,
    );
    assert_eq!(
        xml,
        r##"<a class="x">a</a><a>b</a><q>c</q><a href="#n">d</a>"##
    );
    assert_eq!(
        codes(&warnings),
        ["link-broken", "link-broken", "html-attribute-dropped"]
    );
    assert!(warnings[0].starts_with("link-broken@3: link to `02.md` is broken"));
}

/// The tag soup `tests/epub.rs` runs EPUBCheck on names every element
/// the tables know, so a new one is checked there too.
#[test]
fn the_epubcheck_soup_names_every_element() {
    let test = include_str!("../../../tests/epub.rs");
    let start = test
        .find("const SOUP_ELEMENTS")
        .expect("the soup's elements");
    let list = &test[start..start + test[start..].find("];").expect("the list's end")];
    let names = ELEMENTS
        .iter()
        .map(|e| e.name)
        .chain(RENAMED.iter().map(|(old, _)| *old))
        .chain(["col", "colgroup", "rp"]);
    for name in names {
        assert!(
            list.contains(&format!("\"{name}\"")),
            "`{name}` is missing from SOUP_ELEMENTS in tests/epub.rs"
        );
    }
}

/// 50,000 levels of nesting and 50,000 stray end tags: cut at the depth
/// limit, with one warning each. (How long it takes is the benchmark's
/// business, not a test's; a quadratic path here would take minutes.)
#[test]
fn deep_or_long_input_is_cut_at_the_depth_limit() {
    let n = 50_000;
    let html = format!(
        "{}{}{}",
        "<div>".repeat(n),
        "</span>".repeat(n),
        "<ul><li>".repeat(n)
    );
    let (xml, warnings) = block(&html);
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
                if parent.is_some_and(|p| p.model == Model::Structure) && !text.trim().is_empty() {
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
