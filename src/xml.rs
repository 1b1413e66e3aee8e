//! A tiny XML writer that escapes by construction.
//!
//! **In:** element names (always string literals in quire's code), attribute
//! values and text (anything, including user text). **Out:** well-formed XML.
//! **Must not:** let a value through unescaped: [`XmlWriter::text`] and
//! [`XmlWriter::attr`] always escape. The only way to insert markup is
//! [`XmlWriter::raw_markup`], named so that every use can be found with grep,
//! and used only for markup this crate itself produced.

/// Builds an XML document or fragment.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
    /// A start tag is open for attributes (`<p` written, `>` not yet).
    in_tag: bool,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a document with the XML declaration.
    pub fn document() -> Self {
        let mut writer = Self::new();
        writer
            .out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer
    }

    fn close_tag(&mut self) {
        if self.in_tag {
            self.out.push('>');
            self.in_tag = false;
        }
    }

    /// Opens an element; add attributes with [`attr`](Self::attr) before any content.
    pub fn start(&mut self, name: &'static str) -> &mut Self {
        self.close_tag();
        self.out.push('<');
        self.out.push_str(name);
        self.open.push(name);
        self.in_tag = true;
        self
    }

    /// Adds an attribute to the element just opened.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        assert!(self.in_tag, "attribute `{name}` after content");
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(value, true, &mut self.out);
        self.out.push('"');
        self
    }

    /// Closes the innermost open element (`<x/>` when it is empty).
    pub fn end(&mut self) -> &mut Self {
        let name = self.open.pop().expect("an element to close");
        if self.in_tag {
            self.out.push_str("/>");
            self.in_tag = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// Writes escaped text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.close_tag();
        escape_into(text, false, &mut self.out);
        self
    }

    /// Marks the element just opened as being in `lang`: both `lang` (HTML)
    /// and `xml:lang` (XML), as XHTML in EPUB wants.
    pub fn lang(&mut self, lang: &str) -> &mut Self {
        self.attr("lang", lang).attr("xml:lang", lang)
    }

    /// An element holding only text: `<name>text</name>`.
    pub fn element(&mut self, name: &'static str, text: &str) -> &mut Self {
        self.start(name).text(text).end()
    }

    /// A line break between elements, for readable output.
    pub fn newline(&mut self) -> &mut Self {
        self.close_tag();
        self.out.push('\n');
        self
    }

    /// Inserts markup as is. Only for markup quire itself produced with
    /// another `XmlWriter`; never for user text.
    pub fn raw_markup(&mut self, markup: &str) -> &mut Self {
        self.close_tag();
        self.out.push_str(markup);
        self
    }

    /// The XML written; every element must be closed.
    pub fn finish(mut self) -> String {
        self.close_tag();
        assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        self.out
    }
}

/// Escapes text for XML: `&`, `<`, `>` always, quotes in attributes; control
/// characters that XML 1.0 forbids are dropped.
pub fn escape_into(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' | '\t' if attribute => out.push(' '),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Escapes a value for an XML attribute (also safe in text content).
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, true, &mut out);
    out
}

/// Escapes text for XML (text content).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes_byte_for_byte() {
        assert_eq!(
            escape(r#"a < b & "c" > 'd'"#),
            r#"a &lt; b &amp; "c" &gt; 'd'"#
        );
        let mut w = XmlWriter::new();
        w.start("a")
            .attr("href", "x?a=1&b=\"2\"'")
            .text("<script>")
            .end();
        assert_eq!(
            w.finish(),
            r#"<a href="x?a=1&amp;b=&quot;2&quot;&apos;">&lt;script&gt;</a>"#
        );
    }

    #[test]
    fn drops_characters_xml_forbids() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td\n"), "abc\td\n");
    }

    #[test]
    fn empty_elements_self_close() {
        let mut w = XmlWriter::new();
        w.start("p").start("br").end().text("x").end();
        assert_eq!(w.finish(), "<p><br/>x</p>");
    }

    #[test]
    #[should_panic(expected = "unclosed")]
    fn unclosed_elements_are_a_bug() {
        let mut w = XmlWriter::new();
        w.start("p");
        let _ = w.finish();
    }
}
